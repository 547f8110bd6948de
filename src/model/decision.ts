import { usageError } from '../errors.js';
/** Decision logs: `decisions/<stage>/<reviewer>.csv`, append-only, one file per reviewer and stage. */
export const STAGES = ['title-abstract', 'full-text'] as const;
export type Stage = (typeof STAGES)[number];

/** A `--stage` value as a Stage, or a usage error (exit 2) naming the stages. */
export function stageOption(value: string): Stage {
  if (!(STAGES as readonly string[]).includes(value)) throw usageError(`--stage must be one of ${STAGES.join(', ')} (got "${value}")`);
  return value as Stage;
}

/**
 * What a row of a decision log may say.
 * - include, exclude, not-retrieved (full text only): a reviewer's vote;
 * - maybe: seen, not yet decided; the record stays pending until the reviewer decides;
 * - override (title/abstract only): include a record that a criterion excluded, with a reason;
 *   a human decision that `show`, the flow and `verify` name;
 * - retract: take back this reviewer's latest decision on the record; nothing is rewritten;
 *   with the record id `*`, take back the reviewer's `stop`;
 * - stop (title/abstract only, record id `*`): the reviewer stopped screening under the protocol's
 *   `titleAbstract.stoppingRule`; not a vote on any record (see core/review/stopping.ts).
 */
export const DECISIONS = ['include', 'exclude', 'not-retrieved', 'maybe', 'override', 'retract', 'stop'] as const;
export type DecisionValue = (typeof DECISIONS)[number];

/** The record id of a `stop` row (and of the `retract` that takes one back): it names no record. */
export const STOP_RECORD_ID = '*';

/** What `litscreen decide` takes on the command line (override and retract have their own options and command). */
export const VOTES = ['include', 'exclude', 'not-retrieved', 'maybe'] as const;

/** Decisions that settle a record at a stage when the reviewers agree. */
export const FINAL_DECISIONS = ['include', 'exclude', 'not-retrieved'] as const;
export type FinalDecision = (typeof FINAL_DECISIONS)[number];

/**
 * Who wrote a row: a reviewer's vote, or an adjudicator's final word on a conflict
 * (`decisions/<stage>/adjudication/<name>.csv`, written by `litscreen resolve`).
 */
export type DecisionRole = 'reviewer' | 'adjudicator';
export const ADJUDICATION_DIR = 'adjudication';

/** Columns of a decision log, in order. `reason` holds a full-text exclusion reason id. */
export const DECISION_LOG_COLUMNS = ['time', 'record_id', 'decision', 'reason', 'note'] as const;

export interface DecisionRow {
  time: string;
  recordId: string;
  decision: DecisionValue;
  reason: string;
  note: string;
  reviewer: string;
  stage: Stage;
  role: DecisionRole;
  /** Where the row is, for error messages. */
  file: string;
  line: number;
}

/**
 * Duplicate resolutions: `decisions/duplicates/<reviewer>.csv`, append-only like the decision logs.
 * A reviewer's verdict on a pair the deduplicator was not sure about (or on any pair it got wrong).
 */
export const DUPLICATES_DIR = 'duplicates';
export const RESOLUTIONS = ['duplicate', 'distinct'] as const;
export type ResolutionValue = (typeof RESOLUTIONS)[number];
/**
 * A row that takes back the reviewer's verdict on the pair (`u` in `dedupe --review`): from then
 * on they have none on it, as with a retraction in the screening logs (the same row form). Rows
 * are never rewritten, so an undo is a row too.
 */
export const RETRACT = 'retract';
/** What the decision column of a resolution log may hold. */
export const RESOLUTION_LOG_DECISIONS = [...RESOLUTIONS, RETRACT] as const;

/** One key for the pair of records a resolution row names, whichever order it names them in. */
export const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
export type ResolutionLogValue = (typeof RESOLUTION_LOG_DECISIONS)[number];
export const RESOLUTION_LOG_COLUMNS = ['time', 'record_a', 'record_b', 'decision', 'note'] as const;

export interface ResolutionRow {
  time: string;
  recordA: string;
  recordB: string;
  decision: ResolutionLogValue;
  note: string;
  reviewer: string;
  file: string;
  line: number;
}

/** A reviewer's verdict on one pair, before it is stamped with a time and written to their log. */
export interface ResolutionInput {
  a: string;
  b: string;
  decision: ResolutionLogValue;
  note: string;
}
