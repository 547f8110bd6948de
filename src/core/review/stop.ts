import { STOP_RECORD_ID, type DecisionRow } from '../../model/decision.js';
import type { Protocol, StoppingRuleSetting } from '../../model/protocol.js';
import { drawRandomSample, irrelevantStreak } from '../screening/stopping.js';
import { finalDecisionOf } from './decisions.js';

/**
 * Stopping under the protocol's rule (issue 11), as the logs can show it. Pure.
 *
 * The rule `{consecutiveIrrelevant: N, randomSample: M}`: N irrelevant records in a row, then a
 * random sample of M of the records still unscreened with no include. Both parts are decisions in
 * the reviewer's log, so the last N + M records the reviewer decided (in the order they decided
 * them) must all be excludes; that much is checked here.
 *
 * Whether the last M were drawn at random the decision log alone cannot show. When the screen drew
 * the sample (its stop key), the reviewer's order log (decisions/<stage>/order/<reviewer>.csv) holds
 * the draw: a row for record `*` with order `random-sample seed=S size=M from=P` (P: the records
 * the reviewer had not screened then), and each sample record decided with order
 * `random-sample seed=S`. From the logs the draw is made again (sampleFromLogs) and compared: the
 * records decided after the draw must be exactly the drawn ones. A sample screened outside
 * litscreen is the reviewer's word (`decide --stop --sample-checked`), and the stop row says so.
 */

export function describeStoppingRule(rule: StoppingRuleSetting): string {
  return `stop after ${rule.consecutiveIrrelevant} consecutive irrelevant records and a random sample of ${rule.randomSample} with no includes`;
}

export interface StopCheck {
  /** Records the reviewer excluded in a row, most recent last, by their latest decisions. */
  streak: number;
  /** N + M: the streak the rule asks for. */
  needed: number;
  holds: boolean;
}

/**
 * A reviewer's title/abstract decisions as labels (1 include, 0 exclude) in the order they made
 * their standing decisions: a retracted decision is gone, a changed one counts where it was last
 * made. `rows` are the reviewer's own rows in log order (rows after a stop row are left out by the caller).
 */
export function decisionOrderLabels(rows: readonly DecisionRow[], resolveStudy: (recordId: string) => string | undefined): number[] {
  const latest = new Map<string, { position: number; row: DecisionRow }>();
  rows.forEach((row, position) => {
    if (row.stage !== 'title-abstract' || row.role !== 'reviewer' || row.decision === 'stop') return;
    const study = resolveStudy(row.recordId);
    if (study === undefined) return;
    latest.delete(study);
    if (row.decision !== 'retract') latest.set(study, { position, row });
  });
  const labels: number[] = [];
  // A Map iterates in insertion order, and a changed decision was re-inserted: the order decided.
  for (const { row } of latest.values()) {
    const decision = finalDecisionOf(row);
    if (decision === 'include') labels.push(1);
    else if (decision === 'exclude') labels.push(0);
  }
  return labels;
}

export function checkStopRule(rule: StoppingRuleSetting, labels: readonly number[]): StopCheck {
  const streak = irrelevantStreak(labels);
  const needed = rule.consecutiveIrrelevant + rule.randomSample;
  return { streak, needed, holds: streak >= needed };
}

export interface EffectiveStop {
  rule: StoppingRuleSetting;
  /** The reviewers' stop rows that count, in log order. */
  rows: DecisionRow[];
  /** The latest of their times: screening stopped once every required reviewer had stopped. */
  stoppedAt: string;
  stoppedBy: string;
  /**
   * Whether every counting stop row says litscreen drew its random sample (verify checks that
   * against the order log); false when any is the reviewer's word (`--sample-checked`), which
   * flow and report may say (describeStopSample).
   */
  sampleDrawnByLitscreen: boolean;
}

/** How the random sample behind a stop is known, in words for the flow and the report. */
export function describeStopSample(stop: Pick<EffectiveStop, 'sampleDrawnByLitscreen'>): string {
  return stop.sampleDrawnByLitscreen
    ? 'random sample drawn by litscreen and checked against the order log'
    : "random sample on the reviewer's word (screened outside litscreen, not checked)";
}

/**
 * Whether title/abstract screening has stopped: the protocol adopts a rule and as many reviewers as
 * the stage requires have logged a `stop`. Otherwise nothing changes (the records stay pending).
 */
export function effectiveStop(protocol: Protocol, stops: readonly DecisionRow[]): EffectiveStop | undefined {
  const rule = protocol.titleAbstract.stoppingRule;
  if (!rule) return undefined;
  const rows = stops.filter((r) => r.stage === 'title-abstract' && r.role === 'reviewer');
  if (rows.length === 0 || rows.length < protocol.titleAbstract.reviewers) return undefined;
  const stoppedAt = rows.map((r) => r.time).reduce((a, b) => (b > a ? b : a));
  const stoppedBy = [...new Set(rows.map((r) => r.reviewer))].sort().join(', ');
  return { rule, rows, stoppedAt, stoppedBy, sampleDrawnByLitscreen: rows.every((r) => stopSampleOf(r).drawn) };
}

// ---------------------------------------------------------------------------------------------
// The random sample, as the order log records it

/** One row of an order log as read: which order showed a record the reviewer decided. */
export interface OrderLogRow {
  time: string;
  recordId: string;
  order: string;
  /** Line in the order log, for messages. */
  line: number;
}

/** The order log's `order` cell of the draw row (record `*`). */
export const sampleDrawCell = (seed: number, size: number, from: number): string => `random-sample seed=${seed} size=${size} from=${from}`;
/** The `order` cell of a record the sample showed. */
export const sampleRecordCell = (seed: number): string => `random-sample seed=${seed}`;
/** The `order` cell of a draw taken back (an undo to before it), record `*`. */
export const sampleWithdrawnCell = (seed: number): string => `random-sample seed=${seed} withdrawn`;

type SampleCell = { kind: 'draw'; seed: number; size: number; from: number } | { kind: 'record'; seed: number } | { kind: 'withdrawn'; seed: number };

/** An order cell of the sample, read tolerantly (case, spaces a spreadsheet may add); undefined for any other order. */
export function parseSampleCell(cell: string): SampleCell | undefined {
  const m = /^\s*random-sample\s+seed=(\d{1,15})(?:\s+size=(\d{1,9})\s+from=(\d{1,9})|\s+(withdrawn))?\s*$/i.exec(cell);
  if (!m) return undefined;
  const seed = Number(m[1]);
  if (m[2] !== undefined) return { kind: 'draw', seed, size: Number(m[2]), from: Number(m[3]) };
  return m[4] ? { kind: 'withdrawn', seed } : { kind: 'record', seed };
}

/** The row a stop under a litscreen-drawn sample carries in its `note`, and the one for the reviewer's word. */
export const drawnSampleNote = (seed: number): string => `random sample drawn by litscreen (seed ${seed}), checked against the order log`;
export const REVIEWERS_WORD_NOTE = "random sample on the reviewer's word (--sample-checked), not checked by litscreen";

/** What a stop row says of its sample: drawn by litscreen (with the seed), or the reviewer's word (older rows too). */
export function stopSampleOf(row: Pick<DecisionRow, 'note'>): { drawn: true; seed: number } | { drawn: false } {
  const m = /^random sample drawn by litscreen \(seed (\d{1,15})\)/.exec(row.note);
  return m ? { drawn: true, seed: Number(m[1]) } : { drawn: false };
}

export interface SampleDraw {
  seed: number;
  /** M when drawn (the rule's randomSample then). */
  size: number;
  /** How many records the reviewer had not screened then: the population drawn from. */
  from: number;
  time: string;
  /** Line of the draw row in the order log. */
  line: number;
}

export interface SampleLogs {
  /** The reviewer's own title/abstract rows in log order (stop rows and other stages are skipped). */
  rows: readonly DecisionRow[];
  /** The reviewer's order log at the stage, in order. */
  orderRows: readonly OrderLogRow[];
  /** The studies people screen at title/abstract: the sample is drawn from those the reviewer had not screened. */
  candidates: readonly string[];
  resolveStudy: (recordId: string) => string | undefined;
  /** The draw of this seed (a stop row names it); default: the last draw. */
  seed?: number;
}

export type SampleStatus =
  | { kind: 'none' }
  | { kind: 'withdrawn'; draw: SampleDraw }
  /** The review changed since the draw (imports, criteria, deduplication): the draw cannot be made again. */
  | { kind: 'changed'; draw: SampleDraw; fromNow: number }
  | SampleProgress;

export interface SampleProgress {
  /** open: records still to decide; complete: all excluded; include: an include ended it; stale: other records were decided after it. */
  kind: 'open' | 'complete' | 'include' | 'stale';
  draw: SampleDraw;
  /** The drawn studies, in the order drawn. */
  drawn: readonly string[];
  /** Drawn studies excluded / included (include or override) / not yet decided (a maybe counts as not decided). */
  excluded: readonly string[];
  included: readonly string[];
  undecided: readonly string[];
  /** Studies decided after the draw that are not in it, and sample-tagged order rows naming records not in it. */
  strays: readonly string[];
  notDrawn: readonly OrderLogRow[];
  /** Excludes in a row, in the order decided, before the draw. */
  streakBefore: number;
}

/**
 * The reviewer's sample as the logs show it, drawn again from them. The draw's moment in the
 * decision log is the first row the order log tags as a sample record, or else the first row
 * stamped after the draw: what the reviewer had decided before it is the population left out.
 */
export function sampleFromLogs(logs: SampleLogs): SampleStatus {
  let draw: SampleDraw | undefined;
  let withdrawn = false;
  for (const o of logs.orderRows) {
    const cell = parseSampleCell(o.order);
    if (!cell || (logs.seed !== undefined && cell.seed !== logs.seed)) continue;
    if (cell.kind === 'draw' && o.recordId.trim() === STOP_RECORD_ID) {
      draw = { seed: cell.seed, size: cell.size, from: cell.from, time: o.time.trim(), line: o.line };
      withdrawn = false;
    } else if (cell.kind === 'withdrawn' && draw && cell.seed === draw.seed) withdrawn = true;
  }
  if (!draw) return { kind: 'none' };
  if (withdrawn) return { kind: 'withdrawn', draw };
  const d = draw;
  const tagged = logs.orderRows.filter((o) => o.line > d.line && parseSampleCell(o.order)?.kind === 'record' && parseSampleCell(o.order)!.seed === d.seed);
  const taggedKeys = new Set(tagged.map((o) => `${o.time.trim()}\u0000${o.recordId.trim()}`));
  const rows = logs.rows.filter(isSampleRow);
  let split = rows.findIndex((r) => taggedKeys.has(`${r.time}\u0000${r.recordId}`) || r.time > d.time);
  if (split < 0) split = rows.length;

  const before = rows.slice(0, split);
  const { fromNow, drawn } = drawAgain(logs, d, before);
  if (fromNow !== d.from) return { kind: 'changed', draw: d, fromNow };
  const drawnSet = new Set(drawn);

  const all = standing(rows, logs.resolveStudy);
  const excluded: string[] = [];
  const included: string[] = [];
  const undecided: string[] = [];
  for (const id of drawn) {
    const decision = all.get(id)?.row;
    const final = decision ? finalDecisionOf(decision) : undefined;
    if (final === 'include') included.push(id);
    else if (final === 'exclude') excluded.push(id);
    else undecided.push(id);
  }
  const strays: string[] = [];
  for (const [id, { position }] of all) if (position >= split && !drawnSet.has(id)) strays.push(id);
  const notDrawn = tagged.filter((o) => {
    const id = logs.resolveStudy(o.recordId.trim());
    return id === undefined || !drawnSet.has(id);
  });
  const streakBefore = irrelevantStreak(decisionOrderLabels(before, logs.resolveStudy));
  const kind = included.length > 0 ? 'include' : strays.length > 0 ? 'stale' : undecided.length > 0 ? 'open' : 'complete';
  return { kind, draw: d, drawn, excluded, included, undecided, strays, notDrawn, streakBefore };
}

/**
 * The last draw made again, per list of candidates. The screen asks for the sample after every
 * decision while it is screened, and what the draw depends on (the candidates, the seed and size,
 * and the decisions before the draw: logs are append-only) does not change meanwhile; sorting and
 * shuffling ~70,000 ids took 50–70 ms, more than a keypress may cost. Kept with the decisions
 * before the draw, compared row by row (time, record and decision), so any other history draws
 * afresh; a key string joined from those rows cost 12–30 ms a key at 60,000 decisions.
 */
const lastDraw = new WeakMap<readonly string[], { seed: number; size: number; from: number; before: readonly DecisionRow[]; fromNow: number; drawn: readonly string[] }>();

const sameRows = (a: readonly DecisionRow[], b: readonly DecisionRow[]): boolean =>
  a.length === b.length && a.every((r, i) => r === b[i] || (r.time === b[i].time && r.recordId === b[i].recordId && r.decision === b[i].decision));

function drawAgain(logs: SampleLogs, draw: SampleDraw, before: readonly DecisionRow[]): { fromNow: number; drawn: readonly string[] } {
  const memo = lastDraw.get(logs.candidates);
  if (memo && memo.seed === draw.seed && memo.size === draw.size && memo.from === draw.from && sameRows(memo.before, before)) return memo;
  const population = unscreenedCandidates(logs.candidates, before, logs.resolveStudy);
  const made = {
    seed: draw.seed,
    size: draw.size,
    from: draw.from,
    before: before.slice(),
    fromNow: population.length,
    drawn: population.length === draw.from ? drawRandomSample(population, draw.size, draw.seed) : [],
  };
  lastDraw.set(logs.candidates, made);
  return made;
}

/** The rows a stopping sample is about: a reviewer's title/abstract decisions, stop rows left out. */
const isSampleRow = (r: DecisionRow): boolean => r.stage === 'title-abstract' && r.role === 'reviewer' && r.decision !== 'stop' && r.recordId !== STOP_RECORD_ID;

/**
 * The candidates with no standing decision after `rows` (a reviewer's rows in log order): the
 * population a sample is drawn from. The screen counts it when it draws (`from=`) and the check
 * counts it again from the logs, so both use this.
 */
export function unscreenedCandidates(candidates: readonly string[], rows: readonly DecisionRow[], resolveStudy: (recordId: string) => string | undefined): string[] {
  const screened = standing(rows.filter(isSampleRow), resolveStudy);
  return candidates.filter((id) => !screened.has(id));
}

/** Each study's standing decision (retracts undone), with its position; a Map in the order last decided. */
function standing(rows: readonly DecisionRow[], resolveStudy: (recordId: string) => string | undefined): Map<string, { row: DecisionRow; position: number }> {
  const latest = new Map<string, { row: DecisionRow; position: number }>();
  rows.forEach((row, position) => {
    const study = resolveStudy(row.recordId);
    if (study === undefined) return;
    latest.delete(study);
    if (row.decision !== 'retract') latest.set(study, { row, position });
  });
  return latest;
}

/**
 * Whether the logs show the rule met with a sample litscreen drew: a draw of M, the N excludes in
 * a row before it, every drawn record excluded after it and nothing else decided since. Returns
 * the draw, or a message saying what does not hold (naming a record where one is to blame).
 */
export function checkDrawnSample(rule: StoppingRuleSetting, status: SampleStatus): { ok: true; draw: SampleDraw } | { ok: false; message: string } {
  const no = (message: string) => ({ ok: false as const, message });
  switch (status.kind) {
    case 'none':
      return no('the order log shows no random sample drawn by litscreen');
    case 'withdrawn':
      return no(`the random sample drawn with seed ${status.draw.seed} was withdrawn (an undo went back to before it)`);
    case 'changed':
      return no(
        `the review has changed since the random sample was drawn (seed ${status.draw.seed}): ${status.draw.from} record(s) were unscreened then, ` +
          `${status.fromNow} by the logs now (an import, a criterion or a duplicate changed), so the draw cannot be made again`,
      );
  }
  const s = status;
  const seed = s.draw.seed;
  if (s.notDrawn.length > 0) {
    const o = s.notDrawn[0];
    return no(`${o.recordId.trim()} is logged as a random-sample record (order log line ${o.line}) but was not in the draw (seed ${seed}); the draw was ${listIds(s.drawn)}`);
  }
  if (s.strays.length > 0) return no(`${s.strays[0]} was decided after the random sample was drawn (seed ${seed}) but was not in the draw; the draw was ${listIds(s.drawn)}`);
  if (s.draw.size !== rule.randomSample) return no(`the random sample drew ${s.draw.size} record(s), and the rule asks for ${rule.randomSample}`);
  if (s.included.length > 0) return no(`${s.included[0]} in the random sample (seed ${seed}) is an include, so the rule is not met`);
  if (s.undecided.length > 0) return no(`the random sample (seed ${seed}) is not finished: ${s.excluded.length} of ${s.drawn.length} excluded, ${s.undecided[0]} still to decide`);
  if (s.streakBefore < rule.consecutiveIrrelevant) {
    return no(`before the random sample was drawn (seed ${seed}) the last ${s.streakBefore} record(s) decided were excludes in a row, and the rule needs ${rule.consecutiveIrrelevant}`);
  }
  return { ok: true, draw: s.draw };
}

function listIds(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} … (${ids.length})`;
}
