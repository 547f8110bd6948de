import { RETRACT, pairKey, type ResolutionRow } from '../../model/decision.js';
import type { DedupeResolution } from '../dedupe/engine.js';

/**
 * Folding the duplicate-resolution logs: for each reviewer and unordered pair the latest row
 * counts, and a `retract` row takes that reviewer's verdict back (from then on they have none on
 * the pair, as in the screening logs); reviewers who agree give a resolution the deduplicator honours;
 * reviewers who disagree leave the pair unresolved (reported by verify) and the deduplicator
 * decides alone. Pure.
 */

/** One key per unordered pair of record ids (shared with dedupe --review's questions). */
export { pairKey };

export interface FoldedResolutions {
  resolutions: DedupeResolution[];
  conflicts: { a: string; b: string; rows: ResolutionRow[] }[];
  unknownIds: ResolutionRow[];
  /** pair key -> latest rows per reviewer, for `show`. */
  byPair: Map<string, ResolutionRow[]>;
}

export function foldResolutions(rows: readonly ResolutionRow[], isRecord: (id: string) => boolean): FoldedResolutions {
  const latest = new Map<string, Map<string, ResolutionRow>>();
  const unknownIds: ResolutionRow[] = [];
  for (const row of rows) {
    if (!isRecord(row.recordA) || !isRecord(row.recordB)) {
      unknownIds.push(row);
      continue;
    }
    const key = pairKey(row.recordA, row.recordB);
    let byReviewer = latest.get(key);
    if (!byReviewer) latest.set(key, (byReviewer = new Map()));
    if (row.decision === RETRACT) byReviewer.delete(row.reviewer);
    else byReviewer.set(row.reviewer, row);
  }
  const resolutions: DedupeResolution[] = [];
  const conflicts: FoldedResolutions['conflicts'] = [];
  const byPair = new Map<string, ResolutionRow[]>();
  for (const [key, byReviewer] of latest) {
    const list = [...byReviewer.values()];
    if (list.length === 0) continue;
    byPair.set(key, list);
    const [a, b] = key.split('\u0000');
    const decision = list[0].decision;
    if (decision !== RETRACT && list.every((r) => r.decision === decision)) resolutions.push({ a, b, decision });
    else conflicts.push({ a, b, rows: list });
  }
  return { resolutions, conflicts, unknownIds, byPair };
}

/** One reviewer's verdicts in force, by pair key (see pairKey), as `foldResolutions` counts them. */
export function verdictsOf(folded: FoldedResolutions, reviewer: string): Map<string, ResolutionRow> {
  const mine = new Map<string, ResolutionRow>();
  for (const [key, list] of folded.byPair) {
    const row = list.find((r) => r.reviewer === reviewer);
    if (row) mine.set(key, row);
  }
  return mine;
}
