import { FINAL_DECISIONS, STOP_RECORD_ID, type DecisionRow, type FinalDecision, type Stage } from '../../model/decision.js';

/**
 * Folding the append-only decision logs into one outcome per study and stage.
 * Pure: takes rows already read from the logs.
 *
 * Rules:
 * - Rows name any record id; `resolveStudy` maps it to the study (dedupe cluster) it belongs to,
 *   so a decision on any member of a cluster applies to the whole cluster.
 * - For each reviewer, study and stage the latest row counts (a reviewer's own log is in append
 *   order, so "latest" is the last row in that file); earlier rows stay as history. A `retract`
 *   row takes the reviewer's decision back: from then on they have none on that study.
 * - `maybe` is a reviewer's "not yet": the study stays pending until they decide.
 * - `override` (title/abstract) is an include that lifts a criterion's exclusion.
 * - A stage needs `required` reviewers (1 or 2) who agree; reviewers who disagree (decision, or
 *   full-text exclusion reason) leave the study in conflict until one of them changes their
 *   decision or an adjudicator settles it. An adjudicator's row is final, and every reviewer's
 *   vote is kept for the agreement figures.
 * - A `stop` row (record id `*`) is no vote on any record: it says the reviewer stopped screening
 *   under the protocol's stopping rule, and is kept apart in `stops` (a `retract` of `*` takes it
 *   back). Whether it counts is for the review state to say (review-state.ts).
 */

export type StageStatus = 'pending' | 'conflict' | FinalDecision;

export interface StageOutcome {
  status: StageStatus;
  /** Exclusion reason when status is 'exclude' (full text: a protocol reason id). */
  reason: string;
  /** Latest counted row (a vote or a maybe) of each reviewer on this study at this stage. */
  latestByReviewer: Map<string, DecisionRow>;
  /** The adjudicator's final row, when a conflict was settled by `litscreen resolve`. */
  adjudication?: DecisionRow;
  /** The reviewers' own votes disagree (kept after adjudication, for reports and agreement). */
  reviewersDisagree: boolean;
  /** A reviewer's (or the adjudicator's) `override` lifted a criterion's exclusion. */
  override?: DecisionRow;
}

export interface FoldedDecisions {
  /** stage -> study id -> latest counted row per reviewer (retracted decisions removed). */
  latest: Map<Stage, Map<string, Map<string, DecisionRow>>>;
  /** stage -> study id -> the adjudicator's latest counted row. */
  adjudications: Map<Stage, Map<string, DecisionRow>>;
  /** stage -> study id -> every row in log order (history, never rewritten). */
  history: Map<Stage, Map<string, DecisionRow[]>>;
  /** Rows whose record id is not a record of this review. */
  unknownIds: DecisionRow[];
  /** Each writer's latest `stop` row per stage and role, not retracted, in log order. */
  stops: DecisionRow[];
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

export function foldDecisions(
  rows: readonly DecisionRow[],
  resolveStudy: (recordId: string) => string | undefined,
): FoldedDecisions {
  const latest = new Map<Stage, Map<string, Map<string, DecisionRow>>>();
  const adjudications = new Map<Stage, Map<string, DecisionRow>>();
  const history = new Map<Stage, Map<string, DecisionRow[]>>();
  const unknownIds: DecisionRow[] = [];
  // stage/role/writer -> their stop row; a Map keeps the order rows were first met.
  const stops = new Map<string, DecisionRow>();
  for (const row of rows) {
    if (row.decision === 'stop' || (row.decision === 'retract' && row.recordId === STOP_RECORD_ID)) {
      const key = `${row.stage}\u0000${row.role}\u0000${row.reviewer}`;
      stops.delete(key);
      if (row.decision === 'stop') stops.set(key, row);
      continue;
    }
    const study = resolveStudy(row.recordId);
    if (study === undefined) {
      unknownIds.push(row);
      continue;
    }
    getOrSet(getOrSet(history, row.stage, () => new Map()), study, () => []).push(row);
    if (row.role === 'adjudicator') {
      const stageAdjudications = getOrSet(adjudications, row.stage, () => new Map());
      if (row.decision === 'retract') stageAdjudications.delete(study);
      else stageAdjudications.set(study, row);
      continue;
    }
    const byReviewer = getOrSet(getOrSet(latest, row.stage, () => new Map()), study, () => new Map<string, DecisionRow>());
    // Rows arrive in log order per reviewer file, so a later row replaces an earlier one.
    if (row.decision === 'retract') byReviewer.delete(row.reviewer);
    else byReviewer.set(row.reviewer, row);
  }
  return { latest, adjudications, history, unknownIds, stops: [...stops.values()] };
}

const NO_DECISIONS: Map<string, DecisionRow> = new Map();

/** The decision a row stands for when votes are compared: an override is an include. */
export function finalDecisionOf(row: DecisionRow): FinalDecision | undefined {
  if (row.decision === 'override') return 'include';
  return (FINAL_DECISIONS as readonly string[]).includes(row.decision) ? (row.decision as FinalDecision) : undefined;
}

/** Two votes disagree when their decisions differ, or (full text) their exclusion reasons do. */
function disagree(stage: Stage, a: DecisionRow, b: DecisionRow): boolean {
  const da = finalDecisionOf(a);
  const db = finalDecisionOf(b);
  if (da !== db) return true;
  return stage === 'full-text' && da === 'exclude' && a.reason !== b.reason;
}

/** The outcome of one study at one stage from its reviewers' latest decisions. */
export function stageOutcome(folded: FoldedDecisions, stage: Stage, study: string, required: number = 1): StageOutcome {
  const latestByReviewer = folded.latest.get(stage)?.get(study) ?? NO_DECISIONS;
  const adjudication = folded.adjudications.get(stage)?.get(study);
  // One pass over the votes, no arrays made: a warm listing asks this of thousands of studies.
  let votes = 0;
  let first: DecisionRow | undefined;
  let reviewersDisagree = false;
  let voteOverride: DecisionRow | undefined;
  for (const row of latestByReviewer.values()) {
    if (finalDecisionOf(row) === undefined) continue;
    if (first === undefined) first = row;
    else if (!reviewersDisagree && disagree(stage, row, first)) reviewersDisagree = true;
    if (voteOverride === undefined && row.decision === 'override') voteOverride = row;
    votes++;
  }
  const override = (adjudication?.decision === 'override' ? adjudication : undefined) ?? voteOverride;
  const outcome = (status: StageStatus, reason: string): StageOutcome => ({ latestByReviewer, adjudication, reviewersDisagree, override, status, reason });
  if (adjudication && finalDecisionOf(adjudication)) return outcome(finalDecisionOf(adjudication)!, adjudication.reason);
  if (reviewersDisagree) return outcome('conflict', '');
  const maybe = latestByReviewer.size > votes;
  if (maybe || votes < required) return outcome('pending', '');
  return outcome(finalDecisionOf(first!)!, first!.reason);
}

/**
 * Whether a study at a stage waits for this reviewer: it is still pending there, the reviewer has
 * neither decided nor said maybe, and fewer reviewers than required have voted. This is the
 * reviewer's own queue, the same in `screen` and in `list --pending --reviewer`.
 */
export function awaitsReviewer(outcome: StageOutcome, reviewer: string, required: number): boolean {
  if (outcome.status !== 'pending') return false;
  if (outcome.latestByReviewer.has(reviewer)) return false;
  let votes = 0;
  for (const row of outcome.latestByReviewer.values()) if (finalDecisionOf(row)) votes++;
  return votes < required;
}

/** A human summary of a conflict, e.g. "alice: include; bob: exclude (not-empirical)". */
export function describeReviewers(latestByReviewer: Map<string, DecisionRow>): string {
  return [...latestByReviewer.values()]
    .map((r) => `${r.reviewer}: ${r.decision}${r.reason ? ` (${r.reason})` : ''}`)
    .join('; ');
}
