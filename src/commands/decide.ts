import { loadReview, decisionLogPath, reviewerFor } from '../io/review.js';
import { appendLogRows } from '../io/append-log.js';
import { readOrderLog } from '../io/order-log.js';
import { usageError, LitscreenError, ExitCode, formatLocated } from '../errors.js';
import { checkDecision, checkStop } from '../core/review/check-decision.js';
import { DECISION_LOG_COLUMNS, type Stage, type DecisionValue } from '../model/decision.js';
import { parseCsvTable } from '../io/csv-table.js';
import { readInputText } from '../io/files.js';
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
  /** Include a record that a criterion excluded (title/abstract, with a reason). */
  override?: boolean;
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
 * a decision that could never count (core/review/check-decision.ts says which and what to do).
 */
export async function runDecide(options: DecideOptions): Promise<DecideResult> {
  const reviewer = await reviewerFor(options.review, options.reviewer);
  const review = await loadReview(options.review);
  const checked = checkDecision(review.state, review.protocol, options, options.review);
  const time = (options.now ?? new Date()).toISOString();
  const logFile = decisionLogPath(options.review, checked.stage, reviewer);
  // Written in the log's own delimiter and line ends, read back, and flushed before success is reported.
  await appendLogRows(logFile, DECISION_LOG_COLUMNS, [[time, checked.recordId, checked.decision, checked.reason, checked.note]]);
  return { logFile, recordId: checked.recordId, studyId: checked.studyId, stage: checked.stage, decision: checked.decision, reason: checked.reason, reviewer, time, notices: checked.notices };
}

export interface StopOptions {
  review: string;
  stage: string;
  reviewer?: string;
  /** The reviewer's word that their last M decisions were a random sample of the unscreened records. */
  sampleChecked?: boolean;
  note?: string;
  now?: Date;
}

export interface StopResult {
  logFile: string;
  reviewer: string;
  rule: string;
  /** How the random sample is known: drawn by litscreen and checked, or the reviewer's word. */
  sample: string;
  time: string;
  /** Title/abstract studies the flow now counts as excluded by automation (when every required reviewer has stopped). */
  excludedAutomatic?: number;
}

/**
 * `litscreen decide REVIEW --stop`: log that the reviewer stopped title/abstract screening under the
 * protocol's stopping rule, after checking that the rule holds (core/review/check-decision.ts).
 */
export async function runStop(options: StopOptions): Promise<StopResult> {
  const reviewer = await reviewerFor(options.review, options.reviewer);
  const review = await loadReview(options.review);
  // The order log shows a sample the screen drew; checkStop draws it again from the logs.
  const orderRows = options.stage === 'title-abstract' ? await readOrderLog(decisionLogPath(options.review, 'title-abstract', reviewer)) : [];
  const checked = checkStop(review.state, review.protocol, { stage: options.stage, reviewer, sampleChecked: options.sampleChecked, note: options.note, orderRows }, options.review);
  const time = (options.now ?? new Date()).toISOString();
  const logFile = decisionLogPath(options.review, checked.stage, reviewer);
  await appendLogRows(logFile, DECISION_LOG_COLUMNS, [[time, checked.recordId, checked.decision, checked.reason, checked.note]]);
  const after = await loadReview(options.review);
  return { logFile, reviewer, rule: checked.reason, sample: checked.note, time, excludedAutomatic: after.state.flow.title_abstract_stopped };
}

export interface DecideFromOptions {
  review: string;
  from: string;
  stage: string;
  reviewer?: string;
  now?: Date;
}

export interface DecideFromResult {
  logFile: string;
  reviewer: string;
  stage: Stage;
  written: number;
  notices: string[];
}

/** The columns of a spreadsheet of decisions for `decide --from`. */
export const DECISIONS_SHEET_COLUMNS = ['record_id', 'decision'] as const;

/**
 * `litscreen decide REVIEW --from decisions.csv`: many decisions from a spreadsheet
 * (record_id,decision,reason,note). Every row is checked as `decide` checks one; nothing is
 * written unless every row is valid, and then all rows go into the log in one append.
 */
export async function runDecideFrom(options: DecideFromOptions): Promise<DecideFromResult> {
  const reviewer = await reviewerFor(options.review, options.reviewer);
  const review = await loadReview(options.review);
  const sheet = parseCsvTable(await readInputText(options.from), options.from, DECISIONS_SHEET_COLUMNS);
  const rows: string[][] = [];
  const problems: string[] = [];
  const notices: string[] = [];
  const time = (options.now ?? new Date()).toISOString();
  let stage: Stage | undefined;
  for (const { line, cells } of sheet.rows) {
    try {
      const checked = checkDecision(
        review.state,
        review.protocol,
        { id: cells.record_id, decision: cells.decision.toLowerCase(), stage: options.stage, reason: cells.reason, note: cells.note, override: /^(yes|true|1|override)$/i.test(cells.override ?? '') },
        options.review,
      );
      stage = checked.stage;
      rows.push([time, checked.recordId, checked.decision, checked.reason, checked.note]);
      notices.push(...checked.notices.map((n) => formatLocated(n, options.from, line)));
    } catch (e) {
      if (!(e instanceof LitscreenError)) throw e;
      problems.push(formatLocated(e.message, options.from, line));
    }
  }
  if (problems.length > 0) {
    throw new LitscreenError(ExitCode.usage, `${problems.length} of ${sheet.rows.length} row(s) cannot be recorded; nothing was written`, { file: options.from }, problems);
  }
  if (rows.length === 0 || !stage) throw usageError('no decisions in this file (expected columns record_id,decision,reason,note)', { file: options.from });
  const logFile = decisionLogPath(options.review, stage, reviewer);
  await appendLogRows(logFile, DECISION_LOG_COLUMNS, rows);
  return { logFile, reviewer, stage, written: rows.length, notices };
}

export function register(program: Command): void {
  program
    .command('decide')
    .description('record a decision in your own append-only log (decisions/<stage>/<reviewer>.csv)')
    .argument('<review>', 'review folder')
    .argument('[id]', 'record id (any copy of a duplicate cluster)')
    .argument('[decision]', 'include, exclude, maybe or (full text) not-retrieved')
    .requiredOption('--stage <stage>', 'title-abstract or full-text')
    .option('--reviewer <name>', 'who decides (default: $LITSCREEN_REVIEWER)')
    .option('--reason <reason>', 'exclusion reason; at full text one of the protocol\'s reason ids; with --override, why')
    .option('--note <text>', 'free note kept with the decision')
    .option('--override', 'include at title/abstract a record that a criterion excluded (needs --reason)')
    .option('--stop', 'stop title/abstract screening under the protocol\'s titleAbstract.stoppingRule (checked against your log); the records nobody screened count as excluded by automation')
    .option('--sample-checked', 'with --stop: a random sample screened outside litscreen (the stop row says it is your word); a sample the screen drew is checked from the order log without it')
    .option('--from <file>', 'many decisions from a spreadsheet (columns record_id,decision,reason,note); all rows or none')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'litscreen decide . psycinfo:2016-12345-001 include --stage title-abstract --reviewer alice',
        'litscreen decide . psycinfo:2016-12345-001 exclude --stage full-text --reason not-empirical --reviewer alice',
        'litscreen decide . psycinfo:2016-12345-001 include --stage title-abstract --override --reason "criterion missed a synonym"',
        'litscreen decide . --from my-decisions.csv --stage title-abstract --reviewer alice',
        'litscreen decide . --stop --stage title-abstract --reviewer alice',
        'litscreen decide . --stop --sample-checked --stage title-abstract --reviewer alice',
      ),
    )
    .action(async (review: string, id: string | undefined, decision: string | undefined, opts: { stage: string; reviewer?: string; reason?: string; note?: string; override?: boolean; stop?: boolean; sampleChecked?: boolean; from?: string; json?: boolean }) => {
      if (opts.stop) {
        if (id || decision || opts.from) throw usageError('--stop names no record: litscreen decide REVIEW --stop --stage title-abstract');
        const result = await runStop({ review, stage: opts.stage, reviewer: opts.reviewer, sampleChecked: opts.sampleChecked, note: opts.note });
        if (opts.json) return json(result);
        return out(
          `${result.reviewer}: stop at title-abstract (${result.rule}; ${result.sample}) -> ${result.logFile}` +
            (result.excludedAutomatic === undefined ? '\n(screening stops once every required reviewer has stopped)' : `\n${result.excludedAutomatic} unscreened record(s) now count as excluded by automation tools`),
        );
      }
      if (opts.from) {
        if (id || decision) throw usageError('give either ID DECISION or --from FILE, not both');
        const result = await runDecideFrom({ review, from: opts.from, stage: opts.stage, reviewer: opts.reviewer });
        for (const n of result.notices) err(style.warn('note: ') + n);
        if (opts.json) return json(result);
        return out(`${result.reviewer}: ${result.written} decision(s) at ${result.stage} from ${opts.from} -> ${result.logFile}`);
      }
      if (!id || !decision) throw usageError('say which record and what: litscreen decide REVIEW ID include|exclude|maybe --stage S (or --from FILE)');
      const result = await runDecide({ review, id, decision, ...opts });
      for (const n of result.notices) err(style.warn('note: ') + n);
      if (opts.json) return json(result);
      out(`${result.reviewer}: ${result.decision}${result.reason ? ` (${result.reason})` : ''} ${result.studyId} at ${result.stage} -> ${result.logFile}`);
    });
}
