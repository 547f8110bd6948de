import type { Command } from 'commander';
import { loadReview, decisionLogPath, reviewerFor } from '../io/review.js';
import { appendLogRows } from '../io/append-log.js';
import { screenInTerminal, type ScreenIo } from '../io/screen-terminal.js';
import { examples } from '../io/command.js';
import { out } from '../io/output.js';
import { stageOption, DECISION_LOG_COLUMNS, type Stage } from '../model/decision.js';
import { usageError, protocolError, LitscreenError, ExitCode } from '../errors.js';
import { FILE_ORDER, randomOrder, rowCells, screenKeys, startScreen, type QueueOrder, type ScreenCounts, type ScreenRow } from '../core/screening/screen-session.js';
import { randomInt } from 'node:crypto';
import { labelOfDecision, rankedTexts, relevanceOrder, relevanceReady, streakText, trainingLabels, type TrainingLabel } from '../core/screening/relevance-order.js';
import { outcomeAt } from '../core/screening/queue.js';
import { RelevanceWorker } from '../io/relevance-worker.js';
import { ORDER_LOG_COLUMNS, orderLogPath, readOrderLog } from '../io/order-log.js';

export interface ScreenOptions {
  review: string;
  stage: string;
  reviewer?: string;
  /**
   * `relevance` (the model's ranking, retrained in a worker thread), `file` (the review's order)
   * or `random` (seeded, stable between sessions). Default: relevance once the stage has an
   * include and an exclude to learn from, else file.
   */
  order?: string;
  seed?: string;
  /** The terminal; defaults to the process's stdin and stdout. */
  io?: ScreenIo;
  /** Injected clock for tests; defaults to now. */
  now?: () => Date;
  /** Injected seed of the stopping rule's random sample for tests; defaults to a random one. */
  drawSeed?: () => number;
}

export interface ScreenResult {
  reviewer: string;
  stage: Stage;
  logFile: string;
  /** Rows appended this session (undo rows included). */
  rowsWritten: number;
  /** Decisions made this session, undone ones not counted. */
  decisions: number;
  counts: ScreenCounts;
  /** Notes typed on records left undecided: a note is written with a decision, so these were not. */
  notesNotWritten: number;
  /** The session ended with a stop under the protocol's stopping rule. */
  stopped?: { time: string; rule: string; sample: string; review: string };
}

const ORDERS = ['relevance', 'file', 'random'] as const;


/**
 * `litscreen screen`: screen this reviewer's queue at a stage, one key per record. Refuses (exit
 * 2) to start without a terminal, where `decide` and `decide --from` do the same work.
 */
export async function runScreen(options: ScreenOptions): Promise<ScreenResult> {
  const stage = stageOption(options.stage);
  const asked = queueOrder(options.order, options.seed);
  const io: ScreenIo = options.io ?? { input: process.stdin, output: process.stdout };
  if (io.input.isTTY !== true || io.output.isTTY !== true || typeof io.input.setRawMode !== 'function') {
    throw new LitscreenError(ExitCode.usage, 'litscreen screen needs a terminal, and its input or output is a pipe, a script or CI here; without one:', {}, [
      `  one decision:  litscreen decide ${options.review} ID include|exclude|maybe --stage ${stage} --reviewer NAME`,
      `  many at once:  litscreen decide ${options.review} --from decisions.csv --stage ${stage} --reviewer NAME   (columns record_id,decision,reason,note)`,
    ]);
  }
  const reviewer = await reviewerFor(options.review, options.reviewer, 'screens');

  const review = await loadReview(options.review);
  const { keys, problem } = screenKeys(review.protocol);
  if (problem) throw protocolError(problem, { file: review.protocolFile });
  // The relevance model learns from the stage's decisions (in blind mode this reviewer's only).
  const baseLabels = trainingLabels(review.state, review.protocol, stage, reviewer);
  const useRelevance = asked === 'relevance' || (asked === undefined && relevanceReady(baseLabels));
  const labels = new Map(baseLabels);
  const worker = useRelevance ? await RelevanceWorker.start(rankedTexts(review.state, stage), labels, options.seed === undefined ? 1 : Number(options.seed)) : undefined;
  // Stopping guidance: this reviewer's irrelevant decisions in a row since their last include, from the logs on.
  let streak = 0;
  const earlier = review.state.studies.flatMap((s) => {
    const own = outcomeAt(s, stage).latestByReviewer.get(reviewer);
    return own ? [own] : [];
  });
  earlier.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.line - b.line));
  for (const row of earlier) {
    const l = labelOfDecision(row.decision);
    if (l === 1) streak = 0;
    else if (l === 0) streak++;
  }
  const order = worker ? relevanceOrder(worker, () => streakText(streak)) : asked === undefined || asked === 'relevance' ? FILE_ORDER : asked;
  const blind = review.protocol.screening.blind;
  const learn = (row: ScreenRow) => {
    const label = labelOfDecision(row.decision);
    if (label !== undefined) labels.set(row.recordId, label);
    else {
      // A retract or a maybe takes this reviewer's vote away: back to what the others' votes say (blind: nothing).
      const before: TrainingLabel | undefined = blind ? undefined : baseLabels.get(row.recordId);
      if (before === undefined) labels.delete(row.recordId);
      else labels.set(row.recordId, before);
    }
  };

  const logFile = decisionLogPath(options.review, stage, reviewer);
  // The stopping rule's random sample is read back from the order log (a session killed halfway resumes it).
  const orderLog = stage === 'title-abstract' && review.protocol.titleAbstract.stoppingRule ? await readOrderLog(logFile) : [];
  const drawSeed = options.drawSeed ?? (() => randomInt(1, 2 ** 31 - 1));
  const start = startScreen({ state: review.state, protocol: review.protocol, stage, reviewer, now: options.now ?? (() => new Date()), order, keys, orderLog, drawSeed });
  let state: typeof start;
  let rowsWritten: number;
  try {
    ({ state, rowsWritten } = await screenInTerminal(start, io, async (rows, orderOnly) => {
      // Appended in the log's own conventions, read back and synced before the next record is drawn.
      if (rows.length > 0) await appendLogRows(logFile, DECISION_LOG_COLUMNS, rows.map(rowCells));
      const decided = rows.filter((r) => r.decision !== 'retract' && r.decision !== 'stop');
      if (decided.length > 0 || orderOnly.length > 0) {
        const ranked = (r: ScreenRow) => (r.shownBy === undefined ? (worker?.rankedOn(r.recordId)?.toString() ?? '') : '');
        const orderName = worker ? 'relevance' : order.name;
        await appendLogRows(orderLogPath(logFile), ORDER_LOG_COLUMNS, [
          ...decided.map((r) => [r.time, r.recordId, r.shownBy ?? orderName, ranked(r)]),
          ...orderOnly.map((r) => [r.time, r.recordId, r.order, '']),
        ]);
      }
      for (const r of rows) {
        const l = labelOfDecision(r.decision);
        if (l === 1) streak = 0;
        else if (l === 0) streak++;
      }
      if (worker) {
        rows.forEach(learn);
        // Never awaited: the next record comes from whichever ranking has finished by then.
        worker.update(labels);
      }
    }));
  } finally {
    await worker?.close();
  }
  return {
    reviewer,
    stage,
    logFile,
    rowsWritten,
    decisions: state.history.length,
    counts: state.counts,
    notesNotWritten: state.notes.size,
    ...(state.stopped ? { stopped: { time: state.stopped.time, rule: state.stopped.reason, sample: state.stopped.note, review: options.review } } : {}),
  };
}

/** The order asked for: undefined (the default: relevance when the stage is ready for it), 'relevance', or a fixed order. */
function queueOrder(name: string | undefined, seed: string | undefined): QueueOrder | 'relevance' | undefined {
  if (name === undefined) return undefined;
  const order = name;
  if (!(ORDERS as readonly string[]).includes(order)) throw usageError(`--order must be one of ${ORDERS.join(', ')} (got "${order}")`);
  if (seed !== undefined && order === 'file') throw usageError('--seed goes with --order random or relevance');
  if (order === 'file') return FILE_ORDER;
  if (order === 'relevance') {
    if (seed !== undefined && !/^\d+$/.test(seed)) throw usageError(`--seed must be a whole number (got "${seed}")`);
    return 'relevance';
  }
  const n = seed === undefined ? 1 : Number(seed);
  if (!Number.isSafeInteger(n) || n < 0) throw usageError(`--seed must be a whole number (got "${seed}")`);
  return randomOrder(n);
}

export function renderScreenResult(result: ScreenResult): string {
  const c = result.counts;
  const left = c.waiting === 0 ? 'nothing left in your queue' : result.stopped ? `${c.waiting} record(s) you had not screened when you stopped` : `${c.waiting} record(s) left in your queue`;
  return (
    `${result.reviewer}: ${result.decisions} decision(s) this session at ${result.stage}, ` +
    `${result.rowsWritten} row(s) appended to ${result.logFile}; ${left}.\n` +
    `You have screened ${c.screened}: ${c.included} included, ${c.excluded} excluded, ${c.maybe} maybe.` +
    (result.notesNotWritten > 0 ? `\n${result.notesNotWritten} note(s) on records you did not decide were not written (a note goes with a decision).` : '') +
    (result.stopped
      ? `\nYou stopped title/abstract screening at ${result.stopped.time} under the protocol's rule (${result.stopped.rule}); ${result.stopped.sample}.` +
        `\nOnce every required reviewer has stopped, the records nobody screened count as excluded by automation tools (see litscreen flow). ` +
        `To take the stop back: litscreen retract ${result.stopped.review} '*' --stage ${result.stage} --reviewer ${result.reviewer}`
      : '')
  );
}

export function register(program: Command): void {
  program
    .command('screen')
    .description('screen your queue at a stage in the terminal, one key per record (i include, e exclude, m maybe, u undo, q quit)')
    .argument('<review>', 'review folder')
    .requiredOption('--stage <stage>', 'title-abstract or full-text')
    .option('--reviewer <name>', 'who screens (default: $LITSCREEN_REVIEWER)')
    .option('--order <order>', 'relevance (likeliest relevant first; the default once the stage has an include and an exclude), file (the review\'s order) or random (seeded, the same in every session)')
    .option('--seed <n>', 'seed of --order random or relevance')
    .addHelpText(
      'after',
      '\nKeys (remap them in the protocol\'s screening.keys): i include, e exclude (then a reason number), m maybe,\n' +
        's skip, u undo (a retract row), n note, / search, o override (title/abstract), r stopping rule (draw its random\n' +
        'sample once the streak is reached, then stop; each asks first), ? help, q quit.\n' +
        'Each decision is synced to your log before the next record appears; the next session resumes at your\n' +
        'first undecided record. Without a terminal, use litscreen decide (or decide --from FILE).\n' +
        examples('litscreen screen . --stage title-abstract --reviewer alice', 'litscreen screen . --stage full-text --reviewer bob'),
    )
    .action(async (review: string, opts: { stage: string; reviewer?: string; order?: string; seed?: string }) => {
      const result = await runScreen({ review, ...opts });
      out(renderScreenResult(result));
    });
}
