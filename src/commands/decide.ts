import { loadReview, decisionLogPath, listReviewers } from '../io/review.js';
import { checkReviewerName } from '../model/reviewer-name.js';
import { appendLogRows } from '../io/append-log.js';
import { usageError } from '../errors.js';
import { reachedFullText } from '../core/review/derive.js';
import { STAGES, DECISIONS, DECISION_LOG_COLUMNS, type Stage, type DecisionValue } from '../model/decision.js';
import type { Command } from 'commander';
import { examples } from '../io/command.js';
import { out, err, json, style } from '../io/output.js';

export interface DecideOptions {
  review: string;
  id: string;
  decision: string;
  stage: string;
  reviewer?: string;
  reason?: string;
  note?: string;
  /** Injected clock for tests; defaults to now. */
  now?: Date;
}

export interface DecideResult {
  logFile: string;
  recordId: string;
  studyId: string;
  stage: Stage;
  decision: DecisionValue;
  reason: string;
  reviewer: string;
  time: string;
  /** Things the reviewer should know but that do not stop the decision. */
  notices: string[];
}

/**
 * `litscreen decide`: append one decision to the reviewer's own log for the stage. Refuses (exit 2)
 * what would make the log wrong: an unknown id, `not-retrieved` at title/abstract, a full-text
 * exclusion without one of the protocol's reasons.
 */
export async function runDecide(options: DecideOptions): Promise<DecideResult> {
  const stage = options.stage as Stage;
  if (!STAGES.includes(stage)) throw usageError(`--stage must be one of ${STAGES.join(', ')} (got "${options.stage}")`);
  const decision = options.decision as DecisionValue;
  if (!DECISIONS.includes(decision)) throw usageError(`decision must be one of ${DECISIONS.join(', ')} (got "${options.decision}")`);
  const named = options.reviewer ?? process.env.LITSCREEN_REVIEWER;
  if (!named) throw usageError('say who decides: --reviewer NAME, or set LITSCREEN_REVIEWER');
  // The spelling of an existing reviewer's log when the name is theirs up to Unicode form.
  const reviewer = checkReviewerName(named, await listReviewers(options.review));
  if (decision === 'not-retrieved' && stage === 'title-abstract') {
    throw usageError('"not-retrieved" is a full-text decision; at title/abstract decide include or exclude');
  }

  const review = await loadReview(options.review);
  let reason = (options.reason ?? '').trim();
  if (stage === 'full-text' && decision === 'exclude') {
    const reasons = review.protocol.fullText.exclusionReasons;
    const allowed = reasons.map((r) => `${r.id} (${r.label})`).join('; ');
    if (!reason) throw usageError(`a full-text exclusion needs --reason, one of: ${allowed}`);
    const match = reasons.find((r) => r.id === reason || r.label.toLowerCase() === reason.toLowerCase());
    if (!match) throw usageError(`--reason "${reason}" is not in the protocol's full-text exclusion reasons: ${allowed}`);
    reason = match.id;
  }
  const studyId = review.state.studyIdOf.get(options.id);
  if (studyId === undefined) {
    throw usageError(`no record "${options.id}" in this review (ids look like ${review.state.records[0]?.id ?? 'psycinfo:2016-12345-001'}; see: litscreen list ${options.review} --stage title-abstract)`);
  }

  const notices: string[] = [];
  if (studyId !== options.id) notices.push(`${options.id} is a duplicate of ${studyId}; the decision applies to that study`);
  const study = review.state.studyById.get(studyId)!;
  if (study.failedCriterion && stage === 'title-abstract') {
    notices.push(`${studyId} is already excluded by criterion "${study.failedCriterion.id}"; the criterion counts, not this decision`);
  }
  if (stage === 'full-text' && !reachedFullText(study.status)) {
    notices.push(`${studyId} has not been included at title/abstract (${study.status}); this full-text decision counts only once it is`);
  }

  const time = (options.now ?? new Date()).toISOString();
  const logFile = decisionLogPath(options.review, stage, reviewer);
  // Written in the log's own delimiter and line ends, read back, and flushed before success is reported.
  await appendLogRows(logFile, DECISION_LOG_COLUMNS, [[time, options.id, decision, reason, options.note ?? '']]);
  return { logFile, recordId: options.id, studyId, stage, decision, reason, reviewer, time, notices };
}

export function register(program: Command): void {
  program
    .command('decide')
    .description('record a decision in your own append-only log (decisions/<stage>/<reviewer>.csv)')
    .argument('<review>', 'review folder')
    .argument('<id>', 'record id (any copy of a duplicate cluster)')
    .argument('<decision>', 'include, exclude or not-retrieved')
    .requiredOption('--stage <stage>', 'title-abstract or full-text')
    .option('--reviewer <name>', 'who decides (default: $LITSCREEN_REVIEWER)')
    .option('--reason <reason>', 'exclusion reason; at full text one of the protocol\'s reason ids')
    .option('--note <text>', 'free note kept with the decision')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'litscreen decide . psycinfo:2016-12345-001 include --stage title-abstract --reviewer alice',
        'litscreen decide . psycinfo:2016-12345-001 exclude --stage full-text --reason not-empirical --reviewer alice',
      ),
    )
    .action(async (review: string, id: string, decision: string, opts: { stage: string; reviewer?: string; reason?: string; note?: string; json?: boolean }) => {
      const result = await runDecide({ review, id, decision, ...opts });
      for (const n of result.notices) err(style.warn('note: ') + n);
      if (opts.json) return json(result);
      out(`${result.reviewer}: ${result.decision}${result.reason ? ` (${result.reason})` : ''} ${result.studyId} at ${result.stage} -> ${result.logFile}`);
    });
}
