/**
 * Duplicate detection across the review's records. Pure: records in, clusters out.
 * Duplicates are marked (removedToKept), never dropped, so every decision can be traced.
 *
 * Precision first: a false merge silently deletes a study from the review, a missed one only
 * costs a reviewer a second look. So a pair merges only when its titles agree, its combined score
 * is high and independent evidence corroborates it (pair-assessment.ts); pairs that look alike but are
 * not proven come back as `uncertain` for a person, never merged. Guard rails are checked across
 * whole clusters before any two clusters are joined, and the strongest links are tried first.
 *
 * Speed: candidates come only from blocks (same DOI; title prefix, main title or title suffix;
 * first author + year; volume + first page), never from all pairs; a large block is compared
 * within a sliding window of its records sorted by a second key. Each pair is assessed once,
 * in the first block it shares, and each record's keys are computed once.
 */
import type { ReviewRecord } from '../../model/record.js';
import {
  assessPair,
  guardViolation,
  matchKeys,
  pagesAgree,
  titlesAlike,
  type DedupeRule,
  type DedupeSettings,
  type MatchKeys,
} from './pair-assessment.js';
import { CONTAINER_DOI_MIN_TITLES, FULL_COMPARE_LIMIT, TITLE_KEY_CHARS, WINDOW } from './params.js';
import { LinkList } from './link-list.js';

export type { DedupeRule, DedupeSettings } from './pair-assessment.js';

export interface DuplicateLink {
  /** A removed record. */
  id: string;
  /** The record it was linked to (the kept record or another removed one, closer to the kept record). */
  to: string;
  rule: DedupeRule;
  /** The link's combined score (1 for a shared DOI or a person's resolution). */
  score: number;
}

export interface DuplicateCluster {
  kept: string;
  /** Removed ids in input order. */
  removed: string[];
  /** The least certain rule among the cluster's links (see RULE_STRENGTH). */
  rule: DedupeRule;
  /** For each removed id, the link that joined it: together a tree rooted at `kept`. */
  links: DuplicateLink[];
  /** The lowest score among the cluster's links. */
  score: number;
}

/** Two records that look alike but were not merged: a person decides (`resolutions`). */
export interface UncertainPair {
  a: string;
  b: string;
  score: number;
  reasons: string[];
}

/** A person's decision about a pair, fed back into `findDuplicates`. */
export interface DedupeResolution {
  a: string;
  b: string;
  decision: 'duplicate' | 'distinct';
}

export interface DedupeResult {
  clusters: DuplicateCluster[];
  /** Every unique record (kept record of a cluster, or a record with no duplicate), input order. */
  keptIds: string[];
  removedToKept: Map<string, string>;
  /** Pairs a rule (or a resolution) would have merged but a guard rail forbade, with the guard that held. */
  blockedMerges: { a: string; b: string; guard: string }[];
  /** Pairs in the grey band, never merged automatically; highest score first, then input order. */
  uncertain: UncertainPair[];
}

const RULE_STRENGTH: Record<DedupeRule, number> = {
  doi: 0,
  resolution: 1,
  'title-author-year': 2,
  'main-title-author-year': 3,
  'similar-title': 4,
  'title-locator': 5,
};

export function findDuplicates(
  records: ReviewRecord[],
  settings: DedupeSettings,
  resolutions: readonly DedupeResolution[] = [],
): DedupeResult {
  const keys = records.map((r, i) => matchKeys(r, i));
  const n = keys.length;
  const candidates = new LinkList();
  const { distinctFrom, distinctIds } = readResolutions(keys, resolutions, candidates);

  const blockedMerges: DedupeResult['blockedMerges'] = [];
  // A pair as one number (a·n + b < 2^53 for any n below 9·10^7), not a string per blocked pair.
  const blockedSeen = new Set<number>();
  const block = (i: number, j: number, guard: string): void => {
    const a = i < j ? i : j;
    const b = i < j ? j : i;
    const seen = a * n + b;
    if (blockedSeen.has(seen)) return;
    blockedSeen.add(seen);
    blockedMerges.push({ a: keys[a].id, b: keys[b].id, guard });
  };
  const uncertainPairs: { a: number; b: number; score: number; reasons: string[] }[] = [];

  const assess = (i: number, j: number): void => {
    const a = i < j ? i : j;
    const b = i < j ? j : i;
    if (distinctFrom.size > 0 && distinctFrom.get(a)?.has(b)) return;
    const r = assessPair(keys[a], keys[b], settings);
    if (r.kind === 'merge') candidates.push(a, b, r.rule!, r.score);
    else if (r.kind === 'blocked') block(a, b, r.guard!);
    else if (r.kind === 'uncertain') uncertainPairs.push({ a, b, score: r.score, reasons: r.reasons });
  };

  // Block keys become small integers per blocking type: pairs are checked against earlier blocks by number.
  const indexes = BLOCKINGS.map((blocking) => indexBlocks(keys, blocking));
  // A DOI on records with many different titles names a container: it stops being an identifier, so
  // its records meet (and merge) only as any records do, and the DOI blocks nothing.
  if (markContainerDois(keys, indexes[0], settings) > 0) indexes[0] = indexBlocks(keys, BLOCKINGS[0]);
  for (let t = 0; t < indexes.length; t++) {
    const { keyStart, keyList, blockStart, members } = indexes[t];
    /** Assess a pair only in the first block type and the first key of that type the two share. */
    const firstMeeting = (i: number, j: number, key: number): boolean => {
      for (let u = 0; u < t; u++) if (sharesKey(indexes[u], i, j)) return false;
      const jFrom = keyStart[j];
      const jTo = keyStart[j + 1];
      for (let x = keyStart[i]; x < keyStart[i + 1]; x++) {
        const k = keyList[x];
        for (let y = jFrom; y < jTo; y++) if (keyList[y] === k) return k === key;
      }
      return false;
    };
    for (let key = 0; key + 1 < blockStart.length; key++) {
      const from = blockStart[key];
      const size = blockStart[key + 1] - from;
      if (size < 2) continue;
      if (size <= FULL_COMPARE_LIMIT) {
        for (let x = 1; x < size; x++) {
          const j = members[from + x];
          for (let y = 0; y < x; y++) {
            const i = members[from + y];
            if (firstMeeting(i, j, key)) assess(i, j);
          }
        }
        continue;
      }
      // A large block (hundreds of "Editorial"s, a prolific author's year, one DOI on many records)
      // compares each record with its WINDOW neighbours in the blocking's second order.
      const sorted = sortedBlock(members.subarray(from, from + size), keys, BLOCKINGS[t].order);
      for (let x = 1; x < sorted.length; x++) {
        for (let y = Math.max(0, x - WINDOW); y < x; y++) {
          if (firstMeeting(sorted[y], sorted[x], key)) assess(sorted[y], sorted[x]);
        }
      }
    }
  }

  // The block indexes (several bytes per record and key) are not needed past this point; drop them
  // before the clusters and the result are built, so the peak is not their sum.
  indexes.length = 0;

  // Union-find with explicit member lists: guards are checked between all members of two clusters.
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const members: (number[] | undefined)[] = new Array(n);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const membersOf = (root: number): number[] => members[root] ?? [root];

  // Strongest evidence first: DOIs, then the best-scored links, so a strong link is never
  // pre-empted by a weaker one that a guard would then block. People's 'duplicate' decisions come
  // last: they join the two records' whole clusters as the engine built them, checked only against
  // the hard guards (different DOIs, a 'distinct' decision), so a reviewer's merge never splits a
  // cluster the engine had right (LinkList.strongestFirst).
  /** The accepted links (numbers in `candidates`): one spanning tree per cluster. */
  const edges: number[] = [];
  for (const e of candidates.strongestFirst()) {
    const ea = candidates.a(e);
    const eb = candidates.b(e);
    const rule = candidates.rule(e);
    const ri = find(ea);
    const rj = find(eb);
    if (ri === rj) continue;
    const mi = membersOf(ri);
    const mj = membersOf(rj);
    const guard =
      rule === 'resolution'
        ? resolutionGuard(mi, mj, keys, distinctFrom)
        : (clusterGuard(mi, mj, keys, settings, distinctFrom) ??
          (rule === 'doi' ? undefined : titleRuleGuard(mi, mj, keys, settings.yearTolerance)));
    if (guard !== undefined) {
      block(ea, eb, guard);
      continue;
    }
    const bigFirst = mi.length >= mj.length;
    const bigRoot = bigFirst ? ri : rj;
    const smallRoot = bigFirst ? rj : ri;
    // The larger list grows in place: concatenating would copy a large cluster at every join.
    const big = members[bigRoot] ?? [bigRoot];
    for (const m of bigFirst ? mj : mi) big.push(m);
    parent[smallRoot] = bigRoot;
    members[bigRoot] = big;
    members[smallRoot] = undefined;
    edges.push(e);
  }

  // From here on only each record's id and completeness are read: the keys (the largest structure
  // after the records themselves) are let go before the result is built, so its objects take their
  // place instead of adding to the peak.
  const ids = keys.map((k) => k.id);
  const completeness = Uint8Array.from(keys, (k) => k.completeness);
  keys.length = 0;

  // A grey pair whose records ended up in one cluster anyway needs no decision.
  const uncertain = uncertainPairs
    .filter((p) => find(p.a) !== find(p.b))
    .sort((p, q) => q.score - p.score || p.a - q.a || p.b - q.b)
    .map((p) => ({ a: ids[p.a], b: ids[p.b], score: round(p.score), reasons: p.reasons }));

  return { ...buildResult(ids, completeness, find, membersOf, candidates, edges, blockedMerges, distinctIds), uncertain };
}

/**
 * People's decisions on pairs: 'distinct' becomes a guard between the two records' clusters (the
 * returned map, both ways), 'duplicate' a link in `links` unless someone also said 'distinct'. Also
 * counts the distinct record ids. The id → record map lives only here: a million ids cost tens of
 * megabytes that the rest of the run does not need.
 */
function readResolutions(
  keys: readonly MatchKeys[],
  resolutions: readonly DedupeResolution[],
  links: LinkList,
): { distinctFrom: Map<number, Set<number>>; distinctIds: number } {
  const indexOf = new Map<string, number>();
  for (const k of keys) if (!indexOf.has(k.id)) indexOf.set(k.id, k.index);
  const distinctFrom = new Map<number, Set<number>>();
  for (const res of resolutions) {
    const i = indexOf.get(res.a);
    const j = indexOf.get(res.b);
    if (i === undefined || j === undefined || i === j) continue;
    if (res.decision === 'distinct') {
      (distinctFrom.get(i) ?? distinctFrom.set(i, new Set()).get(i)!).add(j);
      (distinctFrom.get(j) ?? distinctFrom.set(j, new Set()).get(j)!).add(i);
    }
  }
  for (const res of resolutions) {
    const i = indexOf.get(res.a);
    const j = indexOf.get(res.b);
    if (i === undefined || j === undefined || i === j || res.decision !== 'duplicate') continue;
    if (distinctFrom.get(i)?.has(j)) continue;
    links.push(Math.min(i, j), Math.max(i, j), 'resolution', 1);
  }
  return { distinctFrom, distinctIds: indexOf.size };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Adds one block key of a record; keys in different spaces never meet (a whole short title and a long title's prefix). */
type AddKey = (space: string | number, key: string) => void;

interface Blocking {
  /** The block keys of a record (several when it may meet its copies under different keys). */
  keysOf: (k: MatchKeys, add: AddKey) => void;
  /** The order a large block is sorted in before its sliding window. */
  order: (k: MatchKeys) => string;
}

const byAuthorYear = (k: MatchKeys): string => `${k.author?.last ?? ''} ${k.year ?? ''}`;
const byTitle = (k: MatchKeys): string => k.titleKey;

/** Keys are spaced rather than strings built per record: no allocation for most of a million records. */
const BLOCKINGS: Blocking[] = [
  {
    keysOf: (k, add) => {
      if (k.doi !== undefined) add('doi', k.doi);
    },
    order: (k) => String(k.year ?? ''),
  },
  {
    keysOf: (k, add) => {
      if (k.titleKey === '') return;
      addTitlePrefix(k.titleKey, add);
      if (k.mainKey !== undefined) addTitlePrefix(k.mainKey, add);
      if (k.titleKey.length >= TITLE_KEY_CHARS + 20) add('suffix', k.titleKey.slice(-TITLE_KEY_CHARS));
    },
    order: byAuthorYear,
  },
  {
    // Year and year + 1, so copies a year apart share a block.
    keysOf: (k, add) => {
      const author = k.author?.last;
      if (author === undefined) return;
      if (k.year === undefined) add('no year', author);
      else {
        add(k.year, author);
        add(k.year + 1, author);
      }
    },
    order: byTitle,
  },
  {
    keysOf: (k, add) => {
      if (k.volume !== undefined && k.startPage !== undefined) add(k.volume, k.startPage);
    },
    order: byTitle,
  },
];

/** A title's block key: its first TITLE_KEY_CHARS characters, or the whole title when it is no longer. */
function addTitlePrefix(key: string, add: AddKey): void {
  if (key.length > TITLE_KEY_CHARS) add('prefix', key.slice(0, TITLE_KEY_CHARS));
  else add('whole', key);
}

/**
 * One blocking's keys as numbers (in order of first appearance), flat: record i holds
 * keyList[keyStart[i]] .. keyList[keyStart[i + 1] - 1], each once; block b lists its records in
 * input order in members[blockStart[b]] .. members[blockStart[b + 1] - 1]. Flat typed arrays, not
 * an array per record and per block: a million records would otherwise leave millions of small
 * arrays for the garbage collector to copy.
 */
interface BlockIndex {
  keyStart: Int32Array;
  keyList: Int32Array;
  blockStart: Int32Array;
  members: Int32Array;
}

function indexBlocks(keys: MatchKeys[], blocking: Blocking): BlockIndex {
  const spaces = new Map<string | number, Map<string, number>>();
  const keyStart = new Int32Array(keys.length + 1);
  let keyList = new Int32Array(Math.max(16, keys.length * 2));
  let used = 0;
  let recordFrom = 0;
  const sizes: number[] = [];
  const add: AddKey = (space, key) => {
    let ids = spaces.get(space);
    if (ids === undefined) {
      ids = new Map();
      spaces.set(space, ids);
    }
    let id = ids.get(key);
    if (id === undefined) {
      id = sizes.length;
      ids.set(key, id);
      sizes.push(0);
    } else {
      for (let x = recordFrom; x < used; x++) if (keyList[x] === id) return;
    }
    if (used === keyList.length) {
      const grown = new Int32Array(used * 2);
      grown.set(keyList);
      keyList = grown;
    }
    keyList[used++] = id;
    sizes[id]++;
  };
  for (let i = 0; i < keys.length; i++) {
    recordFrom = used;
    keyStart[i] = used;
    blocking.keysOf(keys[i], add);
  }
  keyStart[keys.length] = used;
  const blockStart = new Int32Array(sizes.length + 1);
  for (let b = 0; b < sizes.length; b++) blockStart[b + 1] = blockStart[b] + sizes[b];
  const next = blockStart.slice(0, sizes.length);
  const members = new Int32Array(used);
  for (let i = 0; i < keys.length; i++) {
    for (let x = keyStart[i]; x < keyStart[i + 1]; x++) members[next[keyList[x]]++] = i;
  }
  return { keyStart, keyList: keyList.subarray(0, used), blockStart, members };
}

/** Whether records i and j share a key of this blocking. */
function sharesKey(index: BlockIndex, i: number, j: number): boolean {
  const { keyStart, keyList } = index;
  const jFrom = keyStart[j];
  const jTo = keyStart[j + 1];
  for (let x = keyStart[i]; x < keyStart[i + 1]; x++) {
    const k = keyList[x];
    for (let y = jFrom; y < jTo; y++) if (keyList[y] === k) return true;
  }
  return false;
}

/**
 * A large block's records sorted by `order`, then input order. The block lists its records in input
 * order, so sorting their places in it (with the sort keys in a parallel array) gives the same order
 * as sorting the records themselves, without a hash lookup per comparison: large blocks hold most of
 * a million records' pairs.
 */
function sortedBlock(block: Int32Array, keys: MatchKeys[], order: (k: MatchKeys) => string): number[] {
  const sortKey: string[] = new Array(block.length);
  const places: number[] = new Array(block.length);
  for (let x = 0; x < block.length; x++) {
    sortKey[x] = order(keys[block[x]]);
    places[x] = x;
  }
  places.sort((p, q) => {
    const kp = sortKey[p];
    const kq = sortKey[q];
    return kp < kq ? -1 : kp > kq ? 1 : p - q;
  });
  for (let x = 0; x < places.length; x++) places[x] = block[places[x]];
  return places;
}

/**
 * Marks each DOI that records with at least CONTAINER_DOI_MIN_TITLES mutually different titles share
 * (an abstract supplement's DOI printed on each abstract, a book's on each chapter) as a container:
 * `containerDoi` keeps it, `doi` drops it. Titles "differ" when they are not even alike enough for the
 * grey band. Returns how many records were changed.
 */
function markContainerDois(keys: MatchKeys[], doiIndex: BlockIndex, settings: DedupeSettings): number {
  const { blockStart, members } = doiIndex;
  let changed = 0;
  const distinct: MatchKeys[] = [];
  for (let block = 0; block + 1 < blockStart.length; block++) {
    const from = blockStart[block];
    const to = blockStart[block + 1];
    if (to - from < CONTAINER_DOI_MIN_TITLES) continue;
    distinct.length = 0;
    for (let x = from; x < to && distinct.length < CONTAINER_DOI_MIN_TITLES; x++) {
      const k = keys[members[x]];
      if (k.titleKey === '') continue;
      if (!distinct.some((d) => titlesAlike(d, k, settings))) distinct.push(k);
    }
    if (distinct.length < CONTAINER_DOI_MIN_TITLES) continue;
    for (let x = from; x < to; x++) {
      const k = keys[members[x]];
      k.containerDoi = k.doi;
      k.doi = undefined;
      changed++;
    }
  }
  return changed;
}

function clusterGuard(
  a: number[],
  b: number[],
  keys: MatchKeys[],
  settings: DedupeSettings,
  distinctFrom: Map<number, Set<number>>,
): string | undefined {
  for (const i of a) {
    for (const j of b) {
      const guard = distinctFrom.get(i)?.has(j) ? 'resolved as distinct' : guardViolation(keys[i], keys[j], settings);
      if (guard !== undefined) {
        return a.length === 1 && b.length === 1 ? guard : `${guard}: ${keys[i].id} and ${keys[j].id}`;
      }
    }
  }
  return undefined;
}

/**
 * Why a person's 'duplicate' joining these two groups of records would be refused by
 * `findDuplicates` (the hard guards of resolutionGuard; people's 'distinct' verdicts are the
 * caller's to check), or undefined. For `dedupe --review`, which refuses such an answer at once.
 */
export function personMergeGuard(a: readonly ReviewRecord[], b: readonly ReviewRecord[]): string | undefined {
  const keys = [...a, ...b].map((r, i) => matchKeys(r, i));
  return resolutionGuard(
    a.map((_, i) => i),
    b.map((_, i) => a.length + i),
    keys,
    new Map(),
  );
}

/** A person's 'duplicate' yields only to another person's 'distinct' and to two different DOIs. */
function resolutionGuard(
  a: number[],
  b: number[],
  keys: MatchKeys[],
  distinctFrom: Map<number, Set<number>>,
): string | undefined {
  for (const i of a) {
    for (const j of b) {
      if (distinctFrom.get(i)?.has(j)) return `resolved as distinct: ${keys[i].id} and ${keys[j].id}`;
      const di = keys[i].doi;
      const dj = keys[j].doi;
      if (di !== undefined && dj !== undefined && di !== dj) return `different DOIs (${di} vs ${dj})`;
    }
  }
  return undefined;
}

/**
 * Title links compare two records' years, volumes and pages, but a chain of them must not stretch
 * a cluster: "Editorial" 2010 ~ 2011 ~ 2012 is three editorials, and a volume-less copy must not
 * bridge volume 42 and volume 140, nor a page-less one page 12 and page 140. A DOI link is exempt
 * (a database's wrong year does not make another report).
 */
function titleRuleGuard(a: number[], b: number[], keys: MatchKeys[], yearTolerance: number): string | undefined {
  let min = Infinity;
  let max = -Infinity;
  let volume: string | undefined;
  for (const list of [a, b]) {
    for (const i of list) {
      const k = keys[i];
      if (k.year !== undefined) {
        if (k.year < min) min = k.year;
        if (k.year > max) max = k.year;
      }
      if (k.volume !== undefined) {
        if (volume !== undefined && volume !== k.volume) return `volumes ${volume} and ${k.volume} in one cluster`;
        volume = k.volume;
      }
    }
  }
  if (max - min > yearTolerance) return `years ${min}-${max} more than ${yearTolerance} apart across the cluster`;
  for (const i of a) {
    for (const j of b) {
      if (!pagesAgree(keys[i], keys[j])) return `first pages ${keys[i].startPage} and ${keys[j].startPage} in one cluster`;
    }
  }
  return undefined;
}

function buildResult(
  ids: readonly string[],
  completeness: Uint8Array,
  find: (i: number) => number,
  membersOf: (root: number) => number[],
  links: LinkList,
  edges: readonly number[],
  blockedMerges: DedupeResult['blockedMerges'],
  distinctIds: number,
): Omit<DedupeResult, 'uncertain'> {
  const n = ids.length;
  // The accepted links form one spanning tree per cluster; their ends as flat adjacency lists.
  const adjacentFrom = new Int32Array(n + 1);
  for (const e of edges) {
    adjacentFrom[links.a(e) + 1]++;
    adjacentFrom[links.b(e) + 1]++;
  }
  for (let i = 0; i < n; i++) adjacentFrom[i + 1] += adjacentFrom[i];
  const adjacentEdge = new Int32Array(2 * edges.length);
  const next = adjacentFrom.slice(0, n);
  edges.forEach((e, x) => {
    adjacentEdge[next[links.a(e)]++] = x;
    adjacentEdge[next[links.b(e)]++] = x;
  });

  // Each record is visited once: 0 a record without duplicates, 1 a cluster's kept record, 2 a removed one.
  const role = new Uint8Array(n);
  /** For a removed record: the record towards the kept one, and the link between them. */
  const towards = new Int32Array(n);
  const linkEdge = new Int32Array(n);
  let removedCount = 0;
  const clusters: DuplicateCluster[] = [];
  /** Each cluster's kept record, by the cluster's place in `clusters`: the order of the result. */
  const keptIndexes: number[] = [];
  for (let root = 0; root < n; root++) {
    if (find(root) !== root) continue;
    const list = membersOf(root);
    if (list.length === 1) continue;
    // A plain array: a typed array per cluster costs a buffer each, for clusters of two or three records.
    const member = list.slice().sort((p, q) => p - q);
    let kept = member[0];
    for (const m of member) if (completeness[m] > completeness[kept]) kept = m;

    // Orient the spanning tree of accepted links away from the kept record.
    role[kept] = 1;
    const queue = [kept];
    let rule: DedupeRule = 'doi';
    let score = 1;
    for (let q = 0; q < queue.length; q++) {
      const at = queue[q];
      for (let x = adjacentFrom[at]; x < adjacentFrom[at + 1]; x++) {
        const e = edges[adjacentEdge[x]];
        const ea = links.a(e);
        const to = ea === at ? links.b(e) : ea;
        if (role[to] !== 0) continue;
        role[to] = 2;
        towards[to] = at;
        linkEdge[to] = adjacentEdge[x];
        queue.push(to);
        const linkRule = links.rule(e);
        if (RULE_STRENGTH[linkRule] > RULE_STRENGTH[rule]) rule = linkRule;
        if (links.score(e) < score) score = links.score(e);
      }
    }
    if (queue.length !== member.length) throw new Error(`internal: dedupe cluster of ${ids[kept]} is not connected`);
    const removed = member.filter((m) => m !== kept);
    removedCount += removed.length;
    keptIndexes.push(kept);
    clusters.push({
      kept: ids[kept],
      removed: Array.from(removed, (m) => ids[m]),
      rule,
      links: Array.from(removed, (m) => {
        const e = edges[linkEdge[m]];
        return { id: ids[m], to: ids[towards[m]], rule: links.rule(e), score: round(links.score(e)) };
      }),
      score: round(score),
    });
  }
  // By kept record (each cluster has its own), through their places: no second object per cluster.
  const order = clusters.map((_, x) => x).sort((p, q) => keptIndexes[p] - keptIndexes[q]);
  const sortedClusters = order.map((x) => clusters[x]);

  const removedToKept = new Map<string, string>();
  for (const c of sortedClusters) for (const id of c.removed) removedToKept.set(id, c.kept);
  const keptIds: string[] = [];
  for (let i = 0; i < n; i++) if (role[i] !== 2) keptIds.push(ids[i]);

  // Nothing lost: every record is kept or removed exactly once (each was visited once above), and
  // with distinct ids, records in = unique kept + removed.
  if (distinctIds !== n || keptIds.length + removedCount !== n || removedToKept.size !== removedCount) {
    throw new Error('internal: dedupe accounting');
  }
  return {
    clusters: sortedClusters,
    keptIds,
    removedToKept,
    blockedMerges,
  };
}

const MERGE_FIELDS = ['abstract', 'journal', 'volume', 'issue', 'startPage', 'endPage', 'doi', 'language', 'url', 'rawType'] as const;

/**
 * The study a cluster stands for: its most complete record (the first in `records` on a tie) with
 * missing fields filled from the others in order, keywords united, and `sourceIds` naming every
 * record merged into it (the kept record first). Pure; the records are not changed.
 */
export function mergeCluster(records: readonly ReviewRecord[]): ReviewRecord & { sourceIds: string[] } {
  if (records.length === 0) throw new Error('internal: mergeCluster of no records');
  let kept = 0;
  let best = -1;
  records.forEach((r, i) => {
    const c = matchKeys(r, i).completeness;
    if (c > best) {
      best = c;
      kept = i;
    }
  });
  const base = records[kept];
  const merged: ReviewRecord & { sourceIds: string[] } = {
    ...base,
    authors: [...base.authors],
    keywords: [...base.keywords],
    sourceIds: [base.id],
  };
  const empty = (v: unknown): boolean => v === undefined || (typeof v === 'string' && v.trim() === '');
  const keywordSeen = new Set(merged.keywords.map((k) => k.toLowerCase()));
  records.forEach((r, i) => {
    if (i === kept) return;
    merged.sourceIds.push(r.id);
    for (const field of MERGE_FIELDS) {
      if (empty(merged[field]) && !empty(r[field])) (merged as unknown as Record<string, unknown>)[field] = r[field];
    }
    if (merged.year === undefined && r.year !== undefined) merged.year = r.year;
    if (merged.title.trim() === '' && r.title.trim() !== '') merged.title = r.title;
    if (merged.authors.length === 0 && r.authors.length > 0) merged.authors = [...r.authors];
    for (const k of r.keywords) {
      if (!keywordSeen.has(k.toLowerCase())) {
        keywordSeen.add(k.toLowerCase());
        merged.keywords.push(k);
      }
    }
  });
  return merged;
}
