/**
 * Duplicate detection across the review's records. Pure: records in, clusters out.
 * Duplicates are marked (removedToKept), never dropped, so every decision can be traced.
 *
 * Precision first: a false merge silently deletes a study from the review, a missed one only
 * costs a reviewer a second look. Hence exact keys after normalisation, no fuzzy scores, and
 * guard rails checked across whole clusters before any two clusters are joined.
 *
 * Speed: candidates come only from blocks (same DOI; same title + first author; same main title
 * + first author), never from all pairs, and each record's keys are computed once.
 */
import type { ReviewRecord } from '../model/record.js';
import { guardViolation, matchKeys, matchRule, type DedupeRule, type DedupeSettings, type MatchKeys } from './similarity.js';

export type { DedupeRule, DedupeSettings } from './similarity.js';

export interface DuplicateLink {
  /** A removed record. */
  id: string;
  /** The record it was linked to (the kept record or another removed one, closer to the kept record). */
  to: string;
  rule: DedupeRule;
}

export interface DuplicateCluster {
  kept: string;
  /** Removed ids in input order. */
  removed: string[];
  /** The least certain rule among the cluster's links (doi < title-author-year < main-title-author-year). */
  rule: DedupeRule;
  /** For each removed id, the link that joined it: together a tree rooted at `kept`. */
  links: DuplicateLink[];
}

export interface DedupeResult {
  clusters: DuplicateCluster[];
  /** Every unique record (kept record of a cluster, or a record with no duplicate), input order. */
  keptIds: string[];
  removedToKept: Map<string, string>;
  /** Pairs a rule would have merged but a guard rail forbade, with the guard that held. */
  blockedMerges: { a: string; b: string; guard: string }[];
}

/** Blocks larger than this are compared only within a sliding window (sorted by year), not all pairs. */
const FULL_COMPARE_LIMIT = 50;
const WINDOW = 50;

const RULE_STRENGTH: Record<DedupeRule, number> = { doi: 0, 'title-author-year': 1, 'main-title-author-year': 2 };

export function findDuplicates(records: ReviewRecord[], settings: DedupeSettings): DedupeResult {
  const keys = records.map((r, i) => matchKeys(r, i));
  const n = keys.length;

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

  const edges: { a: number; b: number; rule: DedupeRule }[] = [];
  const blockedMerges: DedupeResult['blockedMerges'] = [];
  const blockedSeen = new Set<string>();

  const tryPair = (i: number, j: number): void => {
    const ri = find(i);
    const rj = find(j);
    if (ri === rj) return;
    const rule = matchRule(keys[i], keys[j], settings);
    if (rule === undefined) return;
    const guard =
      clusterGuard(membersOf(ri), membersOf(rj), keys) ??
      (rule === 'doi' ? undefined : titleRuleGuard(membersOf(ri), membersOf(rj), keys, settings.yearTolerance));
    if (guard !== undefined) {
      const [a, b] = i < j ? [i, j] : [j, i];
      const seen = `${a} ${b}`;
      if (!blockedSeen.has(seen)) {
        blockedSeen.add(seen);
        blockedMerges.push({ a: keys[a].id, b: keys[b].id, guard });
      }
      return;
    }
    const mi = membersOf(ri);
    const mj = membersOf(rj);
    const [big, small, bigRoot, smallRoot] = mi.length >= mj.length ? [mi, mj, ri, rj] : [mj, mi, rj, ri];
    parent[smallRoot] = bigRoot;
    members[bigRoot] = big.concat(small);
    members[smallRoot] = undefined;
    edges.push({ a: i, b: j, rule });
  };

  // Strongest evidence first, so a DOI link is never pre-empted by a title link that a guard then blocks.
  forEachBlockPair(blocksBy(keys, (k) => k.doi), keys, false, tryPair);
  forEachBlockPair(
    blocksBy(keys, (k) => (k.titleKey !== '' && k.author ? k.titleKey : undefined)),
    keys,
    true,
    tryPair,
  );
  if (settings.matchMainTitle) {
    // A record without a subtitle is keyed by its whole title, one with a subtitle by its main title;
    // only pairs of one of each can match by this rule.
    forEachBlockPair(
      blocksBy(keys, (k) => {
        if (!k.author || k.titleKey === '') return undefined;
        if (k.mainKey !== undefined) return k.mainKey;
        return k.genericTitle ? undefined : k.titleKey;
      }),
      keys,
      true,
      (i, j) => {
        if ((keys[i].mainKey === undefined) !== (keys[j].mainKey === undefined)) tryPair(i, j);
      },
    );
  }

  return buildResult(records, keys, find, membersOf, edges, blockedMerges);
}

/** Record indexes grouped by key, blocks in order of their first record; singletons dropped. */
function blocksBy(keys: MatchKeys[], keyOf: (k: MatchKeys) => string | undefined): number[][] {
  const blocks = new Map<string, number[]>();
  for (const k of keys) {
    const key = keyOf(k);
    if (key === undefined) continue;
    const block = blocks.get(key);
    if (block) block.push(k.index);
    else blocks.set(key, [k.index]);
  }
  const out: number[][] = [];
  for (const block of blocks.values()) if (block.length > 1) out.push(block);
  return out;
}

/**
 * A title block split by first author, for blocks too large to compare all pairs. A record goes
 * into the sub-block of its surname's last word and, when different, of its whole surname,
 * since either agreeing is a match.
 */
function splitByAuthor(block: number[], keys: MatchKeys[]): number[][] {
  const sub = new Map<string, number[]>();
  const add = (key: string, i: number) => {
    const list = sub.get(key);
    if (list) list.push(i);
    else sub.set(key, [i]);
  };
  for (const i of block) {
    const author = keys[i].author!;
    add(`l ${author.last}`, i);
    if (author.full !== author.last) add(`f ${author.full}`, i);
  }
  return [...sub.values()].filter((b) => b.length > 1);
}

/**
 * Every pair of a small block. A large block is first split by first author (title blocks only,
 * since the title rules need the author to agree anyway); a part still large (the same DOI on
 * hundreds of records, "Editorial" by one prolific editor) compares each record with its WINDOW
 * neighbours by year, since copies of one report lie within the year tolerance of each other.
 */
function forEachBlockPair(
  blocks: number[][],
  keys: MatchKeys[],
  splitLargeByAuthor: boolean,
  visit: (i: number, j: number) => void,
): void {
  for (const block of blocks) {
    if (block.length <= FULL_COMPARE_LIMIT) {
      for (let x = 1; x < block.length; x++) for (let y = 0; y < x; y++) visit(block[y], block[x]);
    } else if (splitLargeByAuthor) {
      forEachBlockPair(splitByAuthor(block, keys), keys, false, visit);
    } else {
      const sorted = [...block].sort((p, q) => (keys[p].year ?? 0) - (keys[q].year ?? 0) || p - q);
      for (let x = 1; x < sorted.length; x++) {
        for (let y = Math.max(0, x - WINDOW); y < x; y++) {
          const [i, j] = sorted[y] < sorted[x] ? [sorted[y], sorted[x]] : [sorted[x], sorted[y]];
          visit(i, j);
        }
      }
    }
  }
}

function clusterGuard(a: number[], b: number[], keys: MatchKeys[]): string | undefined {
  for (const i of a) {
    for (const j of b) {
      const guard = guardViolation(keys[i], keys[j]);
      if (guard !== undefined) {
        return a.length === 1 && b.length === 1 ? guard : `${guard}: ${keys[i].id} and ${keys[j].id}`;
      }
    }
  }
  return undefined;
}

/**
 * Title rules compare two records' years and volumes, but a chain of them must not stretch a
 * cluster: "Editorial" 2010 ~ 2011 ~ 2012 is three editorials, and a volume-less copy must not
 * bridge volume 42 and volume 140. A DOI link is exempt (a database's wrong year does not make
 * another report).
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
  return max - min > yearTolerance ? `years ${min}-${max} more than ${yearTolerance} apart across the cluster` : undefined;
}

function buildResult(
  records: ReviewRecord[],
  keys: MatchKeys[],
  find: (i: number) => number,
  membersOf: (root: number) => number[],
  edges: { a: number; b: number; rule: DedupeRule }[],
  blockedMerges: DedupeResult['blockedMerges'],
): DedupeResult {
  const n = keys.length;
  const edgesByRoot = new Map<number, { a: number; b: number; rule: DedupeRule }[]>();
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
    const adjacent = new Map<number, { to: number; rule: DedupeRule }[]>();
    for (const e of clusterEdges) {
      (adjacent.get(e.a) ?? adjacent.set(e.a, []).get(e.a)!).push({ to: e.b, rule: e.rule });
      (adjacent.get(e.b) ?? adjacent.set(e.b, []).get(e.b)!).push({ to: e.a, rule: e.rule });
    }
    const linkOf = new Map<number, DuplicateLink>();
    const queue = [kept];
    const visited = new Set([kept]);
    while (queue.length > 0) {
      const at = queue.shift()!;
      for (const next of adjacent.get(at) ?? []) {
        if (visited.has(next.to)) continue;
        visited.add(next.to);
        linkOf.set(next.to, { id: keys[next.to].id, to: keys[at].id, rule: next.rule });
        queue.push(next.to);
      }
    }
    const removed = member.filter((m) => m !== kept);
    let rule: DedupeRule = 'doi';
    for (const e of clusterEdges) if (RULE_STRENGTH[e.rule] > RULE_STRENGTH[rule]) rule = e.rule;
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
