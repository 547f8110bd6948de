import type { Command } from 'commander';
import { loadReview, adjudicationLogPath, reviewerFor } from '../io/review.js';
import { appendLogRows } from '../io/append-log.js';
import { usageError } from '../errors.js';
import { examples } from '../io/command.js';
import { out, json } from '../io/output.js';
import { DECISION_LOG_COLUMNS, stageOption, type Stage } from '../model/decision.js';
import { outcomeAt } from '../core/screening/queue.js';
import { describeReviewers } from '../core/review/decisions.js';
import { reviewerNameKey } from '../model/reviewer-name.js';
import { findExclusionReason } from '../core/review/check-decision.js';

export interface ResolveOptions {
  review: string;
  id: string;
  decision: string;
  stage: string;
  reviewer?: string;
  reason?: string;
  note?: string;
  now?: Date;
}

export interface ResolveResult {
  logFile: string;
  studyId: string;
  stage: Stage;
  adjudicator: string;
  decision: string;
  reason: string;
  /** The reviewers' votes, kept as they were for the agreement figures. */
  votes: string;
}

const ADJUDICATED = ['include', 'exclude', 'not-retrieved'] as const;

/**
 * `litscreen resolve REVIEW ID include|exclude --stage S --reviewer NAME`: an adjudicator's final
 * decision on a conflict, in their own log (decisions/<stage>/adjudication/<name>.csv). The flow
 * uses it; the reviewers' own votes stay as they are, for the agreement figures.
 */
export async function runResolve(options: ResolveOptions): Promise<ResolveResult> {
  const stage = stageOption(options.stage);
  if (!(ADJUDICATED as readonly string[]).includes(options.decision)) throw usageError(`decision must be one of ${ADJUDICATED.join(', ')} (got "${options.decision}")`);
  if (options.decision === 'not-retrieved' && stage === 'title-abstract') throw usageError('"not-retrieved" is a full-text decision');
  const adjudicator = await reviewerFor(options.review, options.reviewer);
  const review = await loadReview(options.review);
  const allowed = review.protocol.screening.adjudicators;
  if (allowed.length === 0) throw usageError('no adjudicators are named: list who may settle conflicts in litscreen.json, "screening": {"adjudicators": ["name"]}');
  if (!allowed.some((a) => reviewerNameKey(a) === reviewerNameKey(adjudicator))) {
    throw usageError(`${adjudicator} is not an adjudicator of this review (litscreen.json screening.adjudicators: ${allowed.join(', ')})`);
  }
  const studyId = review.state.studyIdOf.get(options.id);
  if (studyId === undefined) throw usageError(`no record "${options.id}" in this review`);
  const outcome = outcomeAt(review.state.studyById.get(studyId)!, stage);
  if (!outcome.reviewersDisagree) {
    throw usageError(`${studyId} is not in conflict at ${stage} (${outcome.status}); an adjudicator settles disagreements only (see: litscreen conflicts ${options.review} --stage ${stage})`);
  }
  let reason = (options.reason ?? '').trim();
  if (options.decision === 'exclude' && stage === 'full-text') {
    const reasons = review.protocol.fullText.exclusionReasons;
    const match = findExclusionReason(reasons, reason);
    if (!match) throw usageError(`a full-text exclusion needs --reason, one of: ${reasons.map((r) => r.id).join(', ')}`);
    reason = match.id;
  }
  const logFile = adjudicationLogPath(options.review, stage, adjudicator);
  const time = (options.now ?? new Date()).toISOString();
  await appendLogRows(logFile, DECISION_LOG_COLUMNS, [[time, options.id, options.decision, reason, options.note ?? '']]);
  return { logFile, studyId, stage, adjudicator, decision: options.decision, reason, votes: describeReviewers(outcome.latestByReviewer) };
}

export function register(program: Command): void {
  program
    .command('resolve')
    .description('settle a conflict as an adjudicator: your decision is final, the reviewers\' votes are kept')
    .argument('<review>', 'review folder')
    .argument('<id>', 'record id (any copy of a duplicate cluster)')
    .argument('<decision>', 'include, exclude or (full text) not-retrieved')
    .requiredOption('--stage <stage>', 'title-abstract or full-text')
    .option('--reviewer <name>', 'the adjudicator (default: $LITSCREEN_REVIEWER); must be in screening.adjudicators')
    .option('--reason <reason>', 'exclusion reason (at full text one of the protocol\'s reason ids)')
    .option('--note <text>', 'free note kept with the decision')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('litscreen resolve . psycinfo:2016-12345-001 exclude --stage full-text --reason not-empirical --reviewer carol'))
    .action(async (review: string, id: string, decision: string, opts: { stage: string; reviewer?: string; reason?: string; note?: string; json?: boolean }) => {
      const result = await runResolve({ review, id, decision, ...opts });
      if (opts.json) return json(result);
      out(`${result.adjudicator} resolved ${result.studyId} at ${result.stage}: ${result.decision}${result.reason ? ` (${result.reason})` : ''} (votes: ${result.votes}) -> ${result.logFile}`);
    });
}
