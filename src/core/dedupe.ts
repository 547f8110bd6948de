/**
 * Duplicate detection across the review's records. Pure: records in, clusters out.
 * Duplicates are marked (removedToKept), never dropped, so every decision can be traced.
 *
 * Precision first: a false merge silently deletes a study from the review, a missed one only
 * costs a reviewer a second look. So a pair merges only when its titles agree, its combined score
 * is high and independent evidence corroborates it (similarity.ts); pairs that look alike but are
 * not proven come back as `uncertain` for a person, never merged. Guard rails are checked across
 * whole clusters before any two clusters are joined, and the strongest links are tried first.
 *
 * Speed: candidates come only from blocks (same DOI; title prefix, main title or title suffix;
 * first author + year; volume + first page), never from all pairs; a large block is compared
 * within a sliding window of its records sorted by a second key. Each pair is assessed once,
 * in the first block it shares, and each record's keys are computed once.
 */
import type { ReviewRecord } from '../model/record.js';
import {
  assessPair,
  guardViolation,
  matchKeys,
  pagesAgree,
  type DedupeRule,
  type DedupeSettings,
  type MatchKeys,
} from './similarity.js';

export type { DedupeRule, DedupeSettings } from './similarity.js';

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

/** Blocks larger than this are compared only within a sliding window after sorting by a second key. */
const FULL_COMPARE_LIMIT = 64;
const WINDOW = 24;
/** Title block keys: the first (and, for long titles, the last) this many characters of the compact title. */
const TITLE_KEY_CHARS = 40;

const RULE_STRENGTH: Record<DedupeRule, number> = {
  doi: 0,
  resolution: 1,
  'title-author-year': 2,
  'main-title-author-year': 3,
  'similar-title': 4,
  'title-locator': 5,
};

interface Edge {
  a: number;
  b: number;
  rule: DedupeRule;
  score: number;
}

export function findDuplicates(
  records: ReviewRecord[],
  settings: DedupeSettings,
  resolutions: readonly DedupeResolution[] = [],
): DedupeResult {
  const keys = records.map((r, i) => matchKeys(r, i));
  const n = keys.length;
  const indexOf = new Map<string, number>();
  for (const k of keys) if (!indexOf.has(k.id)) indexOf.set(k.id, k.index);

  // People's decisions: 'distinct' is a guard between the two records' clusters, 'duplicate' a link.
  const distinctFrom = new Map<number, Set<number>>();
  const candidates: Edge[] = [];
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
    candidates.push({ a: Math.min(i, j), b: Math.max(i, j), rule: 'resolution', score: 1 });
  }

  const blockedMerges: DedupeResult['blockedMerges'] = [];
  const blockedSeen = new Set<string>();
  const block = (i: number, j: number, guard: string): void => {
    const a = i < j ? i : j;
    const b = i < j ? j : i;
    const seen = `${a} ${b}`;
    if (blockedSeen.has(seen)) return;
    blockedSeen.add(seen);
    blockedMerges.push({ a: keys[a].id, b: keys[b].id, guard });
  };
  const uncertainPairs: { a: number; b: number; score: number; reasons: string[] }[] = [];

  const assess = (i: number, j: number): void => {
    const a = i < j ? i : j;
    const b = i < j ? j : i;
    if (distinctFrom.get(a)?.has(b)) return;
    const r = assessPair(keys[a], keys[b], settings);
    if (r.kind === 'merge') candidates.push({ a, b, rule: r.rule!, score: r.score });
    else if (r.kind === 'blocked') block(a, b, r.guard!);
    else if (r.kind === 'uncertain') uncertainPairs.push({ a, b, score: r.score, reasons: r.reasons });
  };

  // Block keys become small integers per blocking type: pairs are checked against earlier blocks by number.
  const blockings = BLOCKINGS.map((blocking) => ({ blocking, ...blocksBy(keys, blocking.keysOf) }));
  blockings.forEach(({ blocking, keyIds, blocks }, t) => {
    /** Assess a pair only in the first block type and the first key of that type the two share. */
    const firstMeeting = (i: number, j: number, key: number): boolean => {
      for (let u = 0; u < t; u++) if (sharesKey(blockings[u].keyIds[i], blockings[u].keyIds[j])) return false;
      for (const k of keyIds[i]) if (keyIds[j].includes(k)) return k === key;
      return false;
    };
    blocks.forEach((members, key) => {
      if (members.length < 2) return;
      forEachBlockPair(members, keys, blocking.order, (i, j) => {
        if (firstMeeting(i, j, key)) assess(i, j);
      });
    });
  });

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
  // cluster the engine had right.
  const evidenceRank = (e: Edge) => (e.rule === 'doi' ? 0 : e.rule === 'resolution' ? 2 : 1);
  candidates.sort(
    (p, q) =>
      evidenceRank(p) - evidenceRank(q) ||
      q.score - p.score ||
      p.a - q.a ||
      p.b - q.b,
  );
  const edges: Edge[] = [];
  for (const e of candidates) {
    const ri = find(e.a);
    const rj = find(e.b);
    if (ri === rj) continue;
    const mi = membersOf(ri);
    const mj = membersOf(rj);
    const guard =
      e.rule === 'resolution'
        ? resolutionGuard(mi, mj, keys, distinctFrom)
        : (clusterGuard(mi, mj, keys, settings, distinctFrom) ??
          (e.rule === 'doi' ? undefined : titleRuleGuard(mi, mj, keys, settings.yearTolerance)));
    if (guard !== undefined) {
      block(e.a, e.b, guard);
      continue;
    }
    const [big, small, bigRoot, smallRoot] = mi.length >= mj.length ? [mi, mj, ri, rj] : [mj, mi, rj, ri];
    parent[smallRoot] = bigRoot;
    members[bigRoot] = big.concat(small);
    members[smallRoot] = undefined;
    edges.push(e);
  }

  // A grey pair whose records ended up in one cluster anyway needs no decision.
  const uncertain = uncertainPairs
    .filter((p) => find(p.a) !== find(p.b))
    .sort((p, q) => q.score - p.score || p.a - q.a || p.b - q.b)
    .map((p) => ({ a: keys[p.a].id, b: keys[p.b].id, score: round(p.score), reasons: p.reasons }));

  return { ...buildResult(records, keys, find, membersOf, edges, blockedMerges), uncertain };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

interface Blocking {
  /** The block keys of a record (several when it may meet its copies under different keys). */
  keysOf: (k: MatchKeys) => string[];
  /** The order a large block is sorted in before its sliding window. */
  order: (k: MatchKeys) => string;
}

const byAuthorYear = (k: MatchKeys): string => `${k.author?.last ?? ''} ${k.year ?? ''}`;
const byTitle = (k: MatchKeys): string => k.titleKey;

const BLOCKINGS: Blocking[] = [
  { keysOf: (k) => (k.doi !== undefined ? [k.doi] : []), order: (k) => String(k.year ?? '') },
  {
    keysOf: (k) => {
      if (k.titleKey === '') return [];
      const out = [titlePrefix(k.titleKey)];
      if (k.mainKey !== undefined) {
        const main = titlePrefix(k.mainKey);
        if (main !== out[0]) out.push(main);
      }
      if (k.titleKey.length >= TITLE_KEY_CHARS + 20) out.push(`~${k.titleKey.slice(-TITLE_KEY_CHARS)}`);
      return out;
    },
    order: byAuthorYear,
  },
  {
    // Year and year + 1, so copies a year apart share a block.
    keysOf: (k) => {
      const author = k.author?.last;
      if (author === undefined) return [];
      return k.year === undefined ? [`${author} ?`] : [`${author} ${k.year}`, `${author} ${k.year + 1}`];
    },
    order: byTitle,
  },
  {
    keysOf: (k) => (k.volume !== undefined && k.startPage !== undefined ? [`${k.volume} ${k.startPage}`] : []),
    order: byTitle,
  },
];

function titlePrefix(key: string): string {
  return key.length > TITLE_KEY_CHARS ? key.slice(0, TITLE_KEY_CHARS) : `=${key}`;
}

const NO_KEYS: readonly number[] = Object.freeze([]);

function sharesKey(a: readonly number[], b: readonly number[]): boolean {
  for (let x = 0; x < a.length; x++) if (b.includes(a[x])) return true;
  return false;
}

/**
 * Each record's block keys as numbers (keys numbered in order of first appearance) and the blocks:
 * `blocks[key]` lists the records holding that key, in input order.
 */
function blocksBy(keys: MatchKeys[], keysOf: (k: MatchKeys) => string[]): { keyIds: (readonly number[])[]; blocks: number[][] } {
  const idOf = new Map<string, number>();
  const blocks: number[][] = [];
  const keyIds: (readonly number[])[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const list = keysOf(keys[i]);
    if (list.length === 0) {
      keyIds[i] = NO_KEYS;
      continue;
    }
    const ids: number[] = [];
    for (let x = 0; x < list.length; x++) {
      let id = idOf.get(list[x]);
      if (id === undefined) {
        id = blocks.length;
        idOf.set(list[x], id);
        blocks.push([i]);
      } else if (ids.includes(id)) continue;
      else blocks[id].push(i);
      ids.push(id);
    }
    keyIds[i] = ids;
  }
  return { keyIds, blocks };
}

/**
 * Every pair of a small block; a large one (hundreds of "Editorial"s, a prolific author's year,
 * one DOI on many records) compares each record with its WINDOW neighbours in `order`.
 */
function forEachBlockPair(
  block: number[],
  keys: MatchKeys[],
  order: (k: MatchKeys) => string,
  visit: (i: number, j: number) => void,
): void {
  if (block.length <= FULL_COMPARE_LIMIT) {
    for (let x = 1; x < block.length; x++) for (let y = 0; y < x; y++) visit(block[y], block[x]);
    return;
  }
  const sortKey = new Map(block.map((i) => [i, order(keys[i])]));
  const sorted = [...block].sort((p, q) => (sortKey.get(p)! < sortKey.get(q)! ? -1 : sortKey.get(p)! > sortKey.get(q)! ? 1 : p - q));
  for (let x = 1; x < sorted.length; x++) {
    for (let y = Math.max(0, x - WINDOW); y < x; y++) visit(sorted[y], sorted[x]);
  }
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
  records: ReviewRecord[],
  keys: MatchKeys[],
  find: (i: number) => number,
  membersOf: (root: number) => number[],
  edges: Edge[],
  blockedMerges: DedupeResult['blockedMerges'],
): Omit<DedupeResult, 'uncertain'> {
  const n = keys.length;
  const edgesByRoot = new Map<number, Edge[]>();
  for (const e of edges) {
    const root = find(e.a);
    const list = edgesByRoot.get(root);
    if (list) list.push(e);
    else edgesByRoot.set(root, [e]);
  }

  const clusters: (DuplicateCluster & { keptIndex: number })[] = [];
  const keptIndexes = new Set<number>();
  for (const [root, clusterEdges] of edgesByRoot) {
    const member = [...membersOf(root)].sort((p, q) => p - q);
    let kept = member[0];
    for (const m of member) if (keys[m].completeness > keys[kept].completeness) kept = m;
    keptIndexes.add(kept);

    // Orient the spanning tree of accepted links away from the kept record.
    const adjacent = new Map<number, { to: number; rule: DedupeRule; score: number }[]>();
    for (const e of clusterEdges) {
      (adjacent.get(e.a) ?? adjacent.set(e.a, []).get(e.a)!).push({ to: e.b, rule: e.rule, score: e.score });
      (adjacent.get(e.b) ?? adjacent.set(e.b, []).get(e.b)!).push({ to: e.a, rule: e.rule, score: e.score });
    }
    const linkOf = new Map<number, DuplicateLink>();
    const queue = [kept];
    const visited = new Set([kept]);
    for (let q = 0; q < queue.length; q++) {
      const at = queue[q];
      for (const next of adjacent.get(at) ?? []) {
        if (visited.has(next.to)) continue;
        visited.add(next.to);
        linkOf.set(next.to, { id: keys[next.to].id, to: keys[at].id, rule: next.rule, score: round(next.score) });
        queue.push(next.to);
      }
    }
    const removed = member.filter((m) => m !== kept);
    let rule: DedupeRule = 'doi';
    let score = 1;
    for (const e of clusterEdges) {
      if (RULE_STRENGTH[e.rule] > RULE_STRENGTH[rule]) rule = e.rule;
      if (e.score < score) score = e.score;
    }
    clusters.push({
      keptIndex: kept,
      kept: keys[kept].id,
      removed: removed.map((m) => keys[m].id),
      rule,
      links: removed.map((m) => {
        const link = linkOf.get(m);
        if (!link) throw new Error(`internal: dedupe cluster of ${keys[kept].id} is not connected`);
        return link;
      }),
      score: round(score),
    });
  }
  clusters.sort((p, q) => p.keptIndex - q.keptIndex);

  const removedToKept = new Map<string, string>();
  for (const c of clusters) for (const id of c.removed) removedToKept.set(id, c.kept);
  const keptIds: string[] = [];
  for (let i = 0; i < n; i++) {
    if (find(i) === i && membersOf(i).length === 1) keptIds.push(keys[i].id);
    else if (keptIndexes.has(i)) keptIds.push(keys[i].id);
  }

  checkAccounting(records, keptIds, removedToKept);
  return {
    clusters: clusters.map(({ keptIndex: _keptIndex, ...c }) => c),
    keptIds,
    removedToKept,
    blockedMerges,
  };
}

/** Nothing lost: records in = unique kept + removed, and every id is exactly one of them. */
function checkAccounting(records: ReviewRecord[], keptIds: string[], removedToKept: Map<string, string>): void {
  const seen = new Set<string>();
  let ok = records.length === keptIds.length + removedToKept.size;
  for (const id of keptIds) {
    if (seen.has(id) || removedToKept.has(id)) ok = false;
    seen.add(id);
  }
  for (const id of removedToKept.keys()) seen.add(id);
  if (seen.size !== records.length) ok = false;
  for (const r of records) if (!seen.has(r.id)) ok = false;
  if (!ok) throw new Error('internal: dedupe accounting');
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
