import type { ResolutionRow } from '../../model/decision.js';
import type { DedupeResolution } from '../dedupe/engine.js';

/**
 * Folding the duplicate-resolution logs: for each reviewer and unordered pair the latest row
 * counts; reviewers who agree give a resolution the deduplicator honours; reviewers who disagree
 * leave the pair unresolved (reported by verify) and the deduplicator decides alone. Pure.
 */

export const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

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
    byReviewer.set(row.reviewer, row);
  }
  const resolutions: DedupeResolution[] = [];
  const conflicts: FoldedResolutions['conflicts'] = [];
  const byPair = new Map<string, ResolutionRow[]>();
  for (const [key, byReviewer] of latest) {
    const list = [...byReviewer.values()];
    byPair.set(key, list);
    const [a, b] = key.split('\u0000');
    if (list.every((r) => r.decision === list[0].decision)) resolutions.push({ a, b, decision: list[0].decision });
    else conflicts.push({ a, b, rows: list });
  }
  return { resolutions, conflicts, unknownIds, byPair };
}
