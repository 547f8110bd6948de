import type { Command } from 'commander';
import { loadReview, decisionLogPath, adjudicationLogPath, reviewerFor } from '../io/review.js';
import { appendLogRows } from '../io/append-log.js';
import { usageError } from '../errors.js';
import { examples } from '../io/command.js';
import { out, json } from '../io/output.js';
import { DECISION_LOG_COLUMNS, stageOption, STOP_RECORD_ID, type Stage } from '../model/decision.js';
import { outcomeAt } from '../core/screening/queue.js';

export interface RetractOptions {
  review: string;
  id: string;
  stage: string;
  reviewer?: string;
  note?: string;
  now?: Date;
}

export interface RetractResult {
  logFile: string;
  studyId: string;
  stage: Stage;
  reviewer: string;
  /** The decision that stopped counting. */
  retracted: string;
  role: 'reviewer' | 'adjudicator';
}

/**
 * `litscreen retract REVIEW ID --stage S --reviewer NAME`: take back this reviewer's latest
 * decision on a study by appending a `retract` row; nothing is rewritten, the history keeps both.
 * An adjudicator with no vote of their own on the study retracts their adjudication.
 */
export async function runRetract(options: RetractOptions): Promise<RetractResult> {
  const stage = stageOption(options.stage);
  const reviewer = await reviewerFor(options.review, options.reviewer);
  const review = await loadReview(options.review);
  if (options.id === STOP_RECORD_ID) {
    // A `stop` names no record: its retraction takes back the reviewer's stop at the stage.
    const stop = review.state.decisions.stops.find((r) => r.stage === stage && r.role === 'reviewer' && r.reviewer === reviewer);
    if (!stop) throw usageError(`${reviewer} has not stopped at ${stage}; there is no stop to retract`);
    const logFile = decisionLogPath(options.review, stage, reviewer);
    const time = (options.now ?? new Date()).toISOString();
    await appendLogRows(logFile, DECISION_LOG_COLUMNS, [[time, STOP_RECORD_ID, 'retract', '', options.note ?? '']]);
    return { logFile, studyId: STOP_RECORD_ID, stage, reviewer, retracted: `stop${stop.reason ? ` (${stop.reason})` : ''}`, role: 'reviewer' };
  }
  const studyId = review.state.studyIdOf.get(options.id);
  if (studyId === undefined) throw usageError(`no record "${options.id}" in this review`);
  const outcome = outcomeAt(review.state.studyById.get(studyId)!, stage);
  const vote = outcome.latestByReviewer.get(reviewer);
  const adjudication = outcome.adjudication?.reviewer === reviewer ? outcome.adjudication : undefined;
  const taken = vote ?? adjudication;
  if (!taken) throw usageError(`${reviewer} has no decision on ${studyId} at ${stage} to retract`);
  const role = vote ? 'reviewer' : 'adjudicator';
  const logFile = role === 'reviewer' ? decisionLogPath(options.review, stage, reviewer) : adjudicationLogPath(options.review, stage, reviewer);
  // The row names the record the retracted decision named, so the history reads straight.
  const time = (options.now ?? new Date()).toISOString();
  await appendLogRows(logFile, DECISION_LOG_COLUMNS, [[time, taken.recordId, 'retract', '', options.note ?? '']]);
  return { logFile, studyId, stage, reviewer, retracted: `${taken.decision}${taken.reason ? ` (${taken.reason})` : ''}`, role };
}

export function register(program: Command): void {
  program
    .command('retract')
    .description('take back your latest decision on a record (appends a retract row; nothing is rewritten)')
    .argument('<review>', 'review folder')
    .argument('<id>', 'record id (any copy of a duplicate cluster)')
    .requiredOption('--stage <stage>', 'title-abstract or full-text')
    .option('--reviewer <name>', 'whose decision (default: $LITSCREEN_REVIEWER)')
    .option('--note <text>', 'why, kept with the retraction')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('litscreen retract . psycinfo:2016-12345-001 --stage title-abstract --reviewer alice'))
    .action(async (review: string, id: string, opts: { stage: string; reviewer?: string; note?: string; json?: boolean }) => {
      const result = await runRetract({ review, id, ...opts });
      if (opts.json) return json(result);
      out(`${result.reviewer}: retracted ${result.retracted} on ${result.studyId} at ${result.stage} -> ${result.logFile}`);
    });
}
