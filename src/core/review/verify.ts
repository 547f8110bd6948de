import type { Flow } from '../../model/flow.js';
import type { ExpectedCounts, PinnedExclusion } from '../../model/protocol.js';
import { EXPECTED_COUNT_KEYS } from '../../model/expected-keys.js';
import type { Protocol } from '../../model/protocol.js';
import type { Study, ReviewState } from './derive.js';
import { ownRowsAt, sampleCandidates } from './check-decision.js';
import { checkDrawnSample, sampleFromLogs, stopSampleOf, type OrderLogRow } from './stop.js';

/** The sets of studies a review pins beside its counts: which were included, which excluded at full text and why. */
export interface PinnedStudies {
  included_ids: string[];
  fulltext_excluded_ids: PinnedExclusion[];
}

/** The included and full-text-excluded studies, sorted by id so that a pinned block diffs cleanly. Pure. */
export function pinnedStudies(studies: readonly Study[]): PinnedStudies {
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    included_ids: studies.filter((s) => s.status === 'included').map((s) => s.id).sort(byId),
    fulltext_excluded_ids: studies
      .filter((s) => s.status === 'excluded-at-full-text')
      .map((s) => ({ id: s.id, reason: s.fullText.reason }))
      .sort((a, b) => byId(a.id, b.id)),
  };
}

/** What `verify --pin` writes: every count of the flow and both sets of studies. Pure. */
export function expectedFromReview(flow: Flow, studies: readonly Study[]): ExpectedCounts {
  // In the flow's own key order, so the pinned block reads like `flow --json`.
  const pinnable = new Set<string>([...EXPECTED_COUNT_KEYS, 'database_specific_results', 'dbr_excluded']);
  const expected: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flow)) {
    if (pinnable.has(key)) expected[key] = typeof value === 'object' && value !== null ? { ...value } : value;
  }
  return { ...(expected as ExpectedCounts), ...pinnedStudies(studies) };
}

/**
 * One line per count that differs from what the protocol pins, and one per study that left or
 * joined a pinned set (or changed its exclusion reason), so a swap that keeps every count still
 * fails with the ids that moved. Pure.
 */
export function compareWithExpected(flow: Flow, expected: ExpectedCounts | undefined, studies: readonly Study[] = []): string[] {
  if (!expected) return [];
  const problems: string[] = [];
  const { included_ids: pinnedIncluded, fulltext_excluded_ids: pinnedExcluded, ...counts } = expected;
  for (const [key, want] of Object.entries(counts)) {
    if (want === undefined) continue;
    const have = (flow as unknown as Record<string, unknown>)[key];
    if (typeof want === 'number') {
      if (have !== want) problems.push(`${key}: expected ${want}, found ${String(have)}`);
    } else {
      // {name: n} maps: database_specific_results and dbr_excluded.
      const haveMap = (have ?? {}) as Record<string, number>;
      const names = new Set([...Object.keys(want), ...Object.keys(haveMap).filter((k) => haveMap[k] !== 0)]);
      for (const name of names) {
        const w = (want as Record<string, number>)[name] ?? 0;
        const h = haveMap[name] ?? 0;
        if (w !== h) problems.push(`${key}["${name}"]: expected ${w}, found ${h}`);
      }
    }
  }
  const now = pinnedStudies(studies);
  const statusOf = new Map(studies.map((s) => [s.id, s.status]));
  const describe = (id: string) => statusOf.get(id) ?? 'no longer a study of this review';
  if (pinnedIncluded) {
    const pinned = new Set(pinnedIncluded);
    const have = new Set(now.included_ids);
    for (const id of pinnedIncluded) if (!have.has(id)) problems.push(`included_ids: ${id} was pinned as included, now ${describe(id)}`);
    for (const id of now.included_ids) if (!pinned.has(id)) problems.push(`included_ids: ${id} is now included, but not pinned as included`);
  }
  if (pinnedExcluded) {
    const pinned = new Map(pinnedExcluded.map((e) => [e.id, e.reason]));
    const have = new Map(now.fulltext_excluded_ids.map((e) => [e.id, e.reason]));
    for (const [id, reason] of pinned) {
      if (!have.has(id)) problems.push(`fulltext_excluded_ids: ${id} was pinned as excluded at full text (${reason}), now ${describe(id)}`);
      else if (have.get(id) !== reason) problems.push(`fulltext_excluded_ids: ${id} was pinned as excluded for ${reason}, now for ${have.get(id)}`);
    }
    for (const [id, reason] of have) if (!pinned.has(id)) problems.push(`fulltext_excluded_ids: ${id} is now excluded at full text (${reason}), but not pinned`);
  }
  return problems;
}

/**
 * Stop rows that say their random sample was drawn by litscreen, checked again from the
 * reviewer's order log: the draw made again from its seed, the records decided after it exactly
 * the drawn ones, all excluded, after N excludes in a row (core/review/stop.ts). A stop on the
 * reviewer's word (`--sample-checked`) has nothing in the logs to check beyond its streak, which
 * the review's own problems cover. Pure: the caller reads the order logs.
 */
export function stopSampleProblems(
  state: ReviewState,
  protocol: Protocol,
  orderLogOf: (reviewer: string) => readonly OrderLogRow[],
): { message: string; file: string; line: number }[] {
  const rule = protocol.titleAbstract.stoppingRule;
  if (!rule) return [];
  const problems: { message: string; file: string; line: number }[] = [];
  // Made only when a stop claims a drawn sample: listing the candidates makes every study.
  let candidates: string[] | undefined;
  for (const stop of state.decisions.stops) {
    if (stop.stage !== 'title-abstract' || stop.role !== 'reviewer') continue;
    const claimed = stopSampleOf(stop);
    if (!claimed.drawn) continue;
    candidates ??= sampleCandidates(state);
    const rows = ownRowsAt(state, stop.reviewer).filter((r) => r.file === stop.file && r.line < stop.line);
    const status = sampleFromLogs({ rows, orderRows: orderLogOf(stop.reviewer), candidates, resolveStudy: (id) => state.studyIdOf.get(id), seed: claimed.seed });
    const check = checkDrawnSample(rule, status);
    if (!check.ok) problems.push({ message: `${stop.reviewer} stopped saying the random sample was drawn by litscreen (seed ${claimed.seed}), but the logs do not bear it out: ${check.message}`, file: stop.file, line: stop.line });
  }
  return problems;
}
