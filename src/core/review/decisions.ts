import type { DecisionRow, DecisionValue, Stage } from '../../model/decision.js';

/**
 * Folding the append-only decision logs into one outcome per study and stage.
 * Pure: takes rows already read from the logs.
 *
 * Rules:
 * - Rows name any record id; `resolveStudy` maps it to the study (dedupe cluster) it belongs to,
 *   so a decision on any member of a cluster applies to the whole cluster.
 * - For each reviewer, study and stage the latest row counts (the reviewer's own log is in append
 *   order, so "latest" is the last row in that file); earlier rows stay as history.
 * - Reviewers who agree give the outcome; reviewers who disagree (decision, or exclusion reason)
 *   leave the study in conflict until one of them changes their decision.
 */

export type StageStatus = 'pending' | 'conflict' | DecisionValue;

export interface StageOutcome {
  status: StageStatus;
  /** Exclusion reason when status is 'exclude' (full text: a protocol reason id). */
  reason: string;
  /** Latest decision of each reviewer who decided on this study at this stage. */
  latestByReviewer: Map<string, DecisionRow>;
}

export interface FoldedDecisions {
  /** stage -> study id -> latest row per reviewer. */
  latest: Map<Stage, Map<string, Map<string, DecisionRow>>>;
  /** stage -> study id -> every row in log order (history, never rewritten). */
  history: Map<Stage, Map<string, DecisionRow[]>>;
  /** Rows whose record id is not a record of this review. */
  unknownIds: DecisionRow[];
}

export function foldDecisions(
  rows: readonly DecisionRow[],
  resolveStudy: (recordId: string) => string | undefined,
): FoldedDecisions {
  const latest = new Map<Stage, Map<string, Map<string, DecisionRow>>>();
  const history = new Map<Stage, Map<string, DecisionRow[]>>();
  const unknownIds: DecisionRow[] = [];
  for (const row of rows) {
    const study = resolveStudy(row.recordId);
    if (study === undefined) {
      unknownIds.push(row);
      continue;
    }
    let stageLatest = latest.get(row.stage);
    if (!stageLatest) latest.set(row.stage, (stageLatest = new Map()));
    let byReviewer = stageLatest.get(study);
    if (!byReviewer) stageLatest.set(study, (byReviewer = new Map()));
    // Rows arrive in log order per reviewer file, so a later row replaces an earlier one.
    byReviewer.set(row.reviewer, row);

    let stageHistory = history.get(row.stage);
    if (!stageHistory) history.set(row.stage, (stageHistory = new Map()));
    let rowsForStudy = stageHistory.get(study);
    if (!rowsForStudy) stageHistory.set(study, (rowsForStudy = []));
    rowsForStudy.push(row);
  }
  return { latest, history, unknownIds };
}

const NO_DECISIONS: Map<string, DecisionRow> = new Map();

/** The outcome of one study at one stage from its reviewers' latest decisions. */
export function stageOutcome(folded: FoldedDecisions, stage: Stage, study: string): StageOutcome {
  const latestByReviewer = folded.latest.get(stage)?.get(study) ?? NO_DECISIONS;
  if (latestByReviewer.size === 0) return { status: 'pending', reason: '', latestByReviewer };
  let first: DecisionRow | undefined;
  for (const row of latestByReviewer.values()) {
    if (!first) {
      first = row;
      continue;
    }
    const reasonMatters = stage === 'full-text' && row.decision === 'exclude';
    if (row.decision !== first.decision || (reasonMatters && row.reason !== first.reason)) {
      return { status: 'conflict', reason: '', latestByReviewer };
    }
  }
  return { status: first!.decision, reason: first!.reason, latestByReviewer };
}

/** A human summary of a conflict, e.g. "alice: include; bob: exclude (not-empirical)". */
export function describeReviewers(latestByReviewer: Map<string, DecisionRow>): string {
  return [...latestByReviewer.values()]
    .map((r) => `${r.reviewer}: ${r.decision}${r.reason ? ` (${r.reason})` : ''}`)
    .join('; ');
}
