import type { Protocol, Criterion, StoppingRuleSetting } from '../../model/protocol.js';
import { SCREEN_ACTIONS } from '../../model/protocol.js';
import type { DecisionRow, DecisionValue, Stage } from '../../model/decision.js';
import type { ReviewState, Study } from '../review/derive.js';
import { stageOutcome, finalDecisionOf, type FoldedDecisions, type StageOutcome } from '../review/decisions.js';
import { reviewerQueue, requiredReviewers, outcomeAt, screenedAt } from './queue.js';
import { LitscreenError } from '../../errors.js';
import { STOP_RECORD_ID } from '../../model/decision.js';
import { checkStop, ownRowsAt, sampleCandidates } from '../review/check-decision.js';
import {
  decisionOrderLabels,
  sampleDrawCell,
  sampleFromLogs,
  sampleRecordCell,
  sampleWithdrawnCell,
  unscreenedCandidates,
  type OrderLogRow,
  type SampleProgress,
  type SampleStatus,
} from '../review/stop.js';
import { irrelevantStreak } from './stopping.js';

/**
 * The interactive screen of `litscreen screen`, as a pure state machine: the terminal layer
 * (io/screen-terminal.ts) draws the state (core/screening/screen-render.ts) and feeds keys in;
 * tests feed them from a list. Nothing here touches the disk, the clock (it is injected) or the
 * terminal.
 *
 * The review is derived ONCE per session (startScreen: O(review) work, once); after that each key
 * costs work in proportion to the record and to this session, never to the review: a decision
 * updates the one study's outcome (the same `stageOutcome` rule the review uses, over that study's
 * rows alone) and the counts by their difference.
 *
 * Every key returns a Step: the next state and the rows to append to this reviewer's log. The
 * caller appends the rows (and syncs them) first and adopts the next state only then; should the
 * append fail, the old state is still the truth.
 *
 * Decisions in a session:
 * - include, exclude (then a numbered reason: at title/abstract the protocol's
 *   `titleAbstract.exclusionReasons`, "other (free text)" or none; at full text one of
 *   `fullText.exclusionReasons`, required, or "full text not retrieved", written as the
 *   decision `not-retrieved`), maybe: one row each, then the next record;
 * - override (title/abstract only): for a record a criterion excluded, reached by search; it asks
 *   for the reason (required) and writes the decision `override`;
 * - undo: takes back the last decision of this session with a `retract` row (or, when the reviewer
 *   had another decision on that record before it, that decision again) and shows that record;
 * - note: free text kept with the record on screen and written in the `note` cell of the decision
 *   the reviewer makes on that record in this session (a log row is a decision, so a note is never
 *   a row of its own); a note on a record left undecided is not written, and the screen says so;
 * - skip: the record comes back after the rest of the queue (and first in the next session, since
 *   nothing was written);
 * - search `/`: the first record from the current one on, in the queue order and wrapping, whose
 *   id, title or abstract contains the text (case-insensitive), or `#123` for a short number; then
 *   the records outside the queue a reviewer may still want: their own earlier decisions and maybes
 *   at this stage and, at title/abstract, the records a criterion excluded (for override). After a
 *   decision on such a record the screen returns to the queue where it was;
 * - stop (title/abstract, under the protocol's `titleAbstract.stoppingRule` {N, M}): once the
 *   reviewer's own excludes in a row reach N, it offers to draw the random sample (M records,
 *   seeded, from those this reviewer has not screened; the draw goes into the order log); the
 *   screen then shows the sample's records, and only those, until an include ends it (the rule is
 *   not met) or all are excluded; then the same key, confirmed with `y`, appends the `stop` row
 *   (after the same check `decide --stop` makes) and ends the session. The sample is read from the
 *   logs (core/review/stop.ts), so a session killed halfway resumes it with the same records, and
 *   an undo within it un-counts a record; an undo back to before the draw withdraws it (logged).
 */

export type ScreenAction = (typeof SCREEN_ACTIONS)[number];

export const DEFAULT_SCREEN_KEYS: Readonly<Record<ScreenAction, string>> = {
  include: 'i',
  exclude: 'e',
  maybe: 'm',
  skip: 's',
  undo: 'u',
  note: 'n',
  search: '/',
  help: '?',
  quit: 'q',
  override: 'o',
  stop: 'r',
};

/** Keys the stop action falls back to when a protocol had already given its default to another action. */
const STOP_KEY_FALLBACKS = ['r', 'x', 'z', '!', '.'];

/** Keys that are not characters, as the one-character strings a terminal sends for them. */
export const KEY = { enter: '\r', escape: '\x1b', backspace: '\x7f', interrupt: '\x03' } as const;

/** Keys that choose a reason in the exclusion menu, in order. */
const CHOICE_KEYS = '123456789abcdefghijklmnopqrstuvwxyz';

export interface ScreenKeys {
  /** The key of each action. */
  readonly byAction: Readonly<Record<ScreenAction, string>>;
  /** key -> action. */
  readonly actionOf: ReadonlyMap<string, ScreenAction>;
}

/**
 * The screen's keys: the defaults with the protocol's `screening.keys` laid over them. Returns a
 * problem when two actions would share a key, or a key could not be typed as one key in the
 * screen (Enter, Esc, Backspace, digits that name reasons are fine elsewhere but not here).
 */
export function screenKeys(protocol: Pick<Protocol, 'screening'>): { keys: ScreenKeys; problem?: string } {
  const byAction = { ...DEFAULT_SCREEN_KEYS };
  const remapped = protocol.screening.keys as Partial<Record<ScreenAction, string>>;
  for (const action of SCREEN_ACTIONS) {
    const key = remapped[action];
    if (key !== undefined) byAction[action] = key;
  }
  // The stop key came after protocols could remap keys: one that gave "r" to another action keeps
  // working, and the stop key moves to a free one.
  if (remapped.stop === undefined) {
    const taken = new Set(SCREEN_ACTIONS.filter((a) => a !== 'stop').map((a) => byAction[a]));
    byAction.stop = STOP_KEY_FALLBACKS.find((k) => !taken.has(k)) ?? byAction.stop;
  }
  const actionOf = new Map<string, ScreenAction>();
  let problem: string | undefined;
  for (const action of SCREEN_ACTIONS) {
    const key = byAction[action];
    const taken = actionOf.get(key);
    if (taken && !problem) problem = `screening.keys: "${key}" would be the key of both ${taken} and ${action}; give each action its own key`;
    else if (/[\u0000-\u0020\u007f]/.test(key) && !problem) problem = `screening.keys.${action}: ${JSON.stringify(key)} is not a key a reviewer can press on its own; use a letter or a sign`;
    actionOf.set(key, action);
  }
  return { keys: { byAction, actionOf }, problem };
}

/** How the queue is arranged. */
export interface QueueOrder {
  readonly name: string;
  arrange(queue: readonly Study[], context: OrderContext): Study[];
  /**
   * A live order (relevance, core/screening/relevance-order.ts): after each decision, the next
   * record to show among the queue's waiting ones, or undefined for the queue's own order.
   */
  next?(waiting: (studyId: string) => boolean): string | undefined;
}

export interface OrderContext {
  readonly state: ReviewState;
  readonly protocol: Protocol;
  readonly stage: Stage;
  readonly reviewer: string;
}

/** The review's own order: exports in protocol order, records in file order. */
export const FILE_ORDER: QueueOrder = { name: 'file', arrange: (queue) => [...queue] };

/**
 * A seeded shuffle that does not move between sessions: each study is placed by a hash of the
 * seed and its id, so the records still waiting keep their order when others are decided.
 */
export function randomOrder(seed: number): QueueOrder {
  return {
    name: `random (seed ${seed})`,
    arrange(queue) {
      const keyed = queue.map((study) => ({ study, key: hash32(`${seed}\u0000${study.id}`) }));
      keyed.sort((a, b) => a.key - b.key || (a.study.id < b.study.id ? -1 : a.study.id > b.study.id ? 1 : 0));
      return keyed.map((k) => k.study);
    },
  };
}

/** FNV-1a, 32 bits. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A row for the reviewer's log, in the order of DECISION_LOG_COLUMNS. */
export interface ScreenRow {
  time: string;
  recordId: string;
  decision: DecisionValue;
  reason: string;
  note: string;
  /** The order log's `order` for this decision when the session knows it better than the caller (the random sample). */
  shownBy?: string;
}

/** A row for the order log alone (the random sample's draw, or its withdrawal: record `*`). */
export interface OrderRow {
  time: string;
  recordId: string;
  order: string;
}

export const rowCells = (r: ScreenRow): string[] => [r.time, r.recordId, r.decision, r.reason, r.note];

/** One line of the exclusion menu. */
export interface ReasonChoice {
  key: string;
  label: string;
  /** What choosing it writes. */
  kind: 'reason' | 'other' | 'none' | 'not-retrieved';
  /** The protocol's reason id (kind 'reason'). */
  id?: string;
}

export interface ScreenInput {
  state: ReviewState;
  protocol: Protocol;
  stage: Stage;
  reviewer: string;
  /** The clock, injected: rows are stamped with it. */
  now: () => Date;
  order?: QueueOrder;
  /** Keys from screenKeys(protocol); a problem there is the caller's to report. */
  keys?: ScreenKeys;
  /** The reviewer's order log at the stage (the random sample of the stopping rule is read from it). */
  orderLog?: readonly OrderLogRow[];
  /** The seed of a random sample, injected like the clock (the terminal uses crypto; tests a fixed one). */
  drawSeed?: () => number;
}

/** What the reviewer is doing: looking at a record, choosing a reason, typing text, reading help. */
export type ScreenMode =
  | { kind: 'record' }
  | { kind: 'reason' }
  | { kind: 'text'; purpose: 'note' | 'search' | 'other-reason' | 'override-reason'; text: string }
  | { kind: 'help' }
  /** The stop key asks first: draw the random sample, or stop screening. */
  | { kind: 'confirm'; purpose: 'draw' | 'stop' };

export interface ScreenCounts {
  /** Studies at this stage the reviewer has a decision or a maybe on. */
  screened: number;
  /** Studies in the queue still without one. */
  waiting: number;
  included: number;
  excluded: number;
  maybe: number;
  /** Studies at the stage whose reviewers disagree (shown only when not blind). */
  conflicts: number;
  /** Studies at the stage that lack some of their required votes: blind mode lasts while > 0. */
  missingVotes: number;
}

interface Own {
  decision: DecisionValue;
  reason: string;
  note: string;
}

interface HistoryEntry {
  studyId: string;
  /** The reviewer's decision on the study before this one (undefined: none). */
  before: Own | undefined;
  /** Where the screen was when the decision was made, to return there on undo. */
  cursor: number;
  detour: string | undefined;
}

/** What stays the same for the whole session. */
export interface SessionContext {
  readonly state: ReviewState;
  readonly protocol: Protocol;
  readonly stage: Stage;
  readonly reviewer: string;
  readonly required: number;
  readonly now: () => Date;
  readonly keys: ScreenKeys;
  readonly order: QueueOrder;
  /** The reviewer's queue, arranged. */
  readonly queue: readonly Study[];
  readonly queueIndex: ReadonlyMap<string, number>;
  /** Outside the queue, reachable by search: own earlier decisions, and criterion exclusions at title/abstract. */
  readonly others: readonly Study[];
  readonly reasons: readonly ReasonChoice[];
  /** Short number of each study: its place in the review (1-based), the same in every session. */
  readonly shortNumber: ReadonlyMap<string, number>;
  /** The protocol's stopping rule, at title/abstract only. */
  readonly rule?: StoppingRuleSetting;
  /** The reviewer's own rows at the stage before this session, in log order, and their order log. */
  readonly ownRows: readonly DecisionRow[];
  readonly orderLog: readonly OrderLogRow[];
  readonly drawSeed: () => number;
  /** The reviewer's stop row in force, if they stopped before this session. */
  readonly stoppedBefore?: DecisionRow;
}

export interface ScreenState {
  readonly ctx: SessionContext;
  /** Index in the queue of the record on screen; queue.length when nothing is left. */
  readonly cursor: number;
  /** A record outside the queue shown after a search; the queue's cursor waits behind it. */
  readonly detour?: string;
  readonly mode: ScreenMode;
  /** This session's own latest decision per study (undefined: taken back). */
  readonly own: ReadonlyMap<string, Own | undefined>;
  /** Outcomes of the studies decided this session, recomputed one study at a time. */
  readonly outcomes: ReadonlyMap<string, StageOutcome>;
  readonly notes: ReadonlyMap<string, string>;
  readonly skipped: ReadonlySet<string>;
  readonly history: readonly HistoryEntry[];
  readonly counts: ScreenCounts;
  /** What the last key did, for the line under the record. */
  readonly message?: string;
  readonly lastSearch?: string;
  /** Every row this session appended to the decision log, and to the order log alone, in order. */
  readonly appended: readonly ScreenRow[];
  readonly orderAppended: readonly OrderRow[];
  /** A random sample drawn in this session: an undo back past `decisions` (history length then) withdraws it. */
  readonly drawnHere?: { seed: number; decisions: number };
  /** The stop row this session appended (the session ends with it). */
  readonly stopped?: ScreenRow;
}

export interface ScreenStep {
  state: ScreenState;
  /** Rows to append to the reviewer's log, and sync, before the next state is shown. */
  rows: ScreenRow[];
  /** Rows for the order log alone (after `rows`). */
  orderRows?: OrderRow[];
  quit?: boolean;
}

export function startScreen(input: ScreenInput): ScreenState {
  const { state, protocol, stage, reviewer } = input;
  const required = requiredReviewers(protocol, stage);
  const keys = input.keys ?? screenKeys(protocol).keys;
  const order = input.order ?? FILE_ORDER;
  const queue = order.arrange(reviewerQueue(state, protocol, stage, reviewer), { state, protocol, stage, reviewer });
  const queueIndex = new Map(queue.map((s, i) => [s.id, i]));
  const shortNumber = new Map(state.studies.map((s, i) => [s.id, i + 1]));
  const counts: ScreenCounts = { screened: 0, waiting: queue.length, included: 0, excluded: 0, maybe: 0, conflicts: 0, missingVotes: 0 };
  const others: Study[] = [];
  for (const study of state.studies) {
    const outcome = outcomeAt(study, stage);
    const mine = outcome.latestByReviewer.get(reviewer);
    if (screenedAt(study, stage)) {
      if (outcome.status === 'conflict') counts.conflicts++;
      if (!hasVotes(outcome, required)) counts.missingVotes++;
      if (mine) {
        counts.screened++;
        addTo(counts, mine.decision, 1);
        if (!queueIndex.has(study.id)) others.push(study);
      }
    } else if (stage === 'title-abstract' && study.failedCriterion) {
      others.push(study);
    }
  }
  const ctx: SessionContext = {
    state,
    protocol,
    stage,
    reviewer,
    required,
    now: input.now,
    keys,
    order,
    queue,
    queueIndex,
    others,
    reasons: reasonChoices(protocol, stage),
    shortNumber,
    rule: stage === 'title-abstract' ? protocol.titleAbstract.stoppingRule : undefined,
    ownRows: stage === 'title-abstract' ? ownRowsAt(state, reviewer) : [],
    orderLog: input.orderLog ?? [],
    drawSeed: input.drawSeed ?? (() => input.now().getTime() % 2147483647),
    stoppedBefore: state.decisions.stops.find((r) => r.stage === stage && r.role === 'reviewer' && r.reviewer === reviewer),
  };
  return { ctx, cursor: 0, mode: { kind: 'record' }, own: new Map(), outcomes: new Map(), notes: new Map(), skipped: new Set(), history: [], counts, appended: [], orderAppended: [] };
}

function reasonChoices(protocol: Protocol, stage: Stage): ReasonChoice[] {
  const listed = stage === 'full-text' ? protocol.fullText.exclusionReasons : (protocol.titleAbstract.exclusionReasons ?? []);
  const choices: ReasonChoice[] = listed.slice(0, CHOICE_KEYS.length - 1).map((r, i) => ({ key: CHOICE_KEYS[i], label: r.label, kind: 'reason', id: r.id }));
  const next = CHOICE_KEYS[choices.length];
  if (stage === 'full-text') choices.push({ key: next, label: 'full text not retrieved (decision not-retrieved)', kind: 'not-retrieved' });
  else {
    choices.push({ key: next, label: 'other (free text)', kind: 'other' });
    choices.push({ key: '0', label: 'no reason', kind: 'none' });
  }
  return choices;
}

function hasVotes(outcome: StageOutcome, required: number): boolean {
  if (outcome.adjudication) return true;
  let votes = 0;
  for (const row of outcome.latestByReviewer.values()) if (finalDecisionOf(row)) votes++;
  return votes >= required;
}

function addTo(counts: ScreenCounts, decision: DecisionValue | undefined, n: number): void {
  if (decision === 'include' || decision === 'override') counts.included += n;
  else if (decision === 'exclude' || decision === 'not-retrieved') counts.excluded += n;
  else if (decision === 'maybe') counts.maybe += n;
}

// ---------------------------------------------------------------------------------------------
// Reading the state

/** The study on screen, if any: a detour reached by search, else the queue's current record. */
export function currentStudy(state: ScreenState): Study | undefined {
  if (state.detour !== undefined) return state.ctx.state.studyById.get(state.detour);
  const sampled = sampleRecordOnScreen(state);
  if (sampled !== undefined) return state.ctx.state.studyById.get(sampled);
  return state.ctx.queue[state.cursor];
}

/** The study's outcome at the session's stage, with this session's decisions. */
export function outcomeOf(state: ScreenState, study: Study): StageOutcome {
  return state.outcomes.get(study.id) ?? outcomeAt(study, state.ctx.stage);
}

/** The reviewer's own decision in force on the study (this session's, else the log's). */
export function ownDecision(state: ScreenState, study: Study): { decision: DecisionValue; reason: string; note: string } | undefined {
  if (state.own.has(study.id)) return state.own.get(study.id);
  const row = outcomeAt(study, state.ctx.stage).latestByReviewer.get(state.ctx.reviewer);
  return row ? { decision: row.decision, reason: row.reason, note: row.note } : undefined;
}

/** Whether other reviewers' decisions are hidden now (blind mode, until every study has its votes). */
export function isBlindNow(state: ScreenState): boolean {
  return state.ctx.protocol.screening.blind && state.counts.missingVotes > 0;
}

/** The criterion that excludes the study at title/abstract (not overridden, also not this session). */
export function excludingCriterion(state: ScreenState, study: Study): Criterion | undefined {
  if (state.ctx.stage !== 'title-abstract' || !study.failedCriterion) return undefined;
  return ownDecision(state, study)?.decision === 'override' ? undefined : study.failedCriterion;
}

/** `123/286`: the record on screen is the reviewer's 123rd of 286 at this stage. */
export function progressOf(state: ScreenState): { position: number; total: number } {
  const { screened, waiting } = state.counts;
  return { position: Math.min(screened + 1, screened + waiting), total: screened + waiting };
}

// ---------------------------------------------------------------------------------------------
// Keys

export function press(state: ScreenState, key: string): ScreenStep {
  const s = state.message === undefined ? state : { ...state, message: undefined };
  if (key === KEY.interrupt) return { state: s, rows: [], quit: true };
  switch (s.mode.kind) {
    case 'help':
      return stay({ ...s, mode: { kind: 'record' } });
    case 'reason':
      return chooseReason(s, key);
    case 'text':
      return typeText(s, s.mode, key);
    case 'record':
      return onRecord(s, key);
    case 'confirm':
      return confirm(s, s.mode.purpose, key);
  }
}

const stay = (state: ScreenState, message?: string): ScreenStep => ({ state: message === undefined ? state : { ...state, message }, rows: [] });

function onRecord(state: ScreenState, key: string): ScreenStep {
  const { keys } = state.ctx;
  const action = keys.actionOf.get(key) ?? keys.actionOf.get(key.toLowerCase());
  const study = currentStudy(state);
  switch (action) {
    case 'quit':
      return { state, rows: [], quit: true };
    case 'help':
      return stay({ ...state, mode: { kind: 'help' } });
    case 'undo':
      return undo(state);
    case 'search':
      return stay({ ...state, mode: { kind: 'text', purpose: 'search', text: '' } });
    case 'stop':
      return stopKey(state);
    case undefined:
      if (key === KEY.escape || key === KEY.enter) return stay(state);
      return stay(state, `"${printableKey(key)}" is not a key here; ${keys.byAction.help} lists the keys`);
  }
  if (!study) return stay(state, `nothing left to screen: ${keys.byAction.undo} undoes your last decision, ${keys.byAction.search} searches, ${keys.byAction.quit} quits`);
  const sample = openSample(state);
  if (sample && !sample.drawn.includes(study.id) && (action === 'include' || action === 'exclude' || action === 'maybe' || action === 'override')) {
    // Anything else decided now would sit between the sample's records, and the sample would no longer check.
    return stay(state, `you are screening the random sample (${sampleProgressText(sample)}): only its records can be decided until it ends; ${keys.byAction.skip} goes back to it`);
  }
  const criterion = excludingCriterion(state, study);
  switch (action) {
    case 'note':
      return stay({ ...state, mode: { kind: 'text', purpose: 'note', text: state.notes.get(study.id) ?? '' } });
    case 'skip':
      return skip(state, study);
    case 'override':
      if (state.ctx.stage !== 'title-abstract') return stay(state, 'override lifts a title/abstract criterion; at full text decide include or exclude');
      if (!criterion) return stay(state, `no criterion excludes this record: decide it with ${keys.byAction.include} or ${keys.byAction.exclude}`);
      return stay({ ...state, mode: { kind: 'text', purpose: 'override-reason', text: '' } });
  }
  if (criterion) {
    return stay(state, `criterion "${criterion.id}" excludes this record, so a decision would not count; ${keys.byAction.override} overrides it (include, with a reason)`);
  }
  switch (action) {
    case 'include':
      return decide(state, study, 'include', '');
    case 'maybe':
      return decide(state, study, 'maybe', '');
    case 'exclude':
      return stay({ ...state, mode: { kind: 'reason' } });
  }
}

function printableKey(key: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(key) ? `U+${key.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : key;
}

function chooseReason(state: ScreenState, key: string): ScreenStep {
  const study = currentStudy(state)!;
  const back = { ...state, mode: { kind: 'record' } as const };
  if (key === KEY.escape) return stay(back, 'not excluded');
  const choice = state.ctx.reasons.find((c) => c.key === key.toLowerCase());
  if (!choice) {
    const required = state.ctx.stage === 'full-text' ? 'a full-text exclusion needs a reason: ' : '';
    return stay(state, `${required}press the number of a reason, or Esc to go back`);
  }
  switch (choice.kind) {
    case 'reason':
      return decide(back, study, 'exclude', choice.id!);
    case 'none':
      return decide(back, study, 'exclude', '');
    case 'not-retrieved':
      return decide(back, study, 'not-retrieved', '');
    case 'other':
      return stay({ ...state, mode: { kind: 'text', purpose: 'other-reason', text: '' } });
  }
}

const MAX_TEXT = 2000;

function typeText(state: ScreenState, mode: Extract<ScreenMode, { kind: 'text' }>, key: string): ScreenStep {
  const back = { ...state, mode: { kind: 'record' } as const };
  if (key === KEY.escape) return stay(mode.purpose === 'other-reason' ? { ...state, mode: { kind: 'reason' } } : back);
  if (key === KEY.backspace || key === '\b') return stay({ ...state, mode: { ...mode, text: [...mode.text].slice(0, -1).join('') } });
  if (key === KEY.enter || key === '\n') {
    const text = mode.text.replace(/\s+/g, ' ').trim();
    const study = currentStudy(state);
    switch (mode.purpose) {
      case 'search':
        return search(back, text);
      case 'note': {
        const notes = new Map(state.notes);
        if (text === '') notes.delete(study!.id);
        else notes.set(study!.id, text);
        return stay({ ...back, notes }, text === '' ? 'note removed' : 'note kept: it is written with your decision on this record');
      }
      case 'other-reason':
        if (text === '') return stay(state, 'type the reason, or Esc to go back to the list');
        return decide(back, study!, 'exclude', text);
      case 'override-reason':
        if (text === '') return stay(state, 'an override needs a reason: why the criterion is wrong for this record (Esc to go back)');
        return decide(back, study!, 'override', text);
    }
  }
  // Anything else that is text is typed; control characters are not.
  if (/^[^\u0000-\u001f\u007f-\u009f]+$/u.test(key) && mode.text.length + key.length <= MAX_TEXT) {
    return stay({ ...state, mode: { ...mode, text: mode.text + key } });
  }
  return stay(state);
}

// ---------------------------------------------------------------------------------------------
// Moving and deciding

/** The first queue index after `from` (wrapping) whose study is still waiting; skipped ones only when nothing else is. */
function nextWaiting(state: Pick<ScreenState, 'ctx' | 'own' | 'skipped'>, from: number): number {
  const { queue } = state.ctx;
  const n = queue.length;
  const waiting = (i: number) => state.own.get(queue[i].id) === undefined;
  for (let step = 1; step <= n; step++) {
    const i = (from + step) % n;
    if (waiting(i) && !state.skipped.has(queue[i].id)) return i;
  }
  for (let step = 1; step <= n; step++) {
    const i = (from + step) % n;
    if (waiting(i)) return i;
  }
  return n;
}

function skip(state: ScreenState, study: Study): ScreenStep {
  if (state.detour !== undefined) return stay({ ...state, detour: undefined }, openSample(state) ? 'back to the random sample' : 'back to the queue');
  if (openSample(state)?.drawn.includes(study.id)) return stay({ ...state, skipped: new Set(state.skipped).add(study.id) }, 'skipped: it comes back after the rest of the sample');
  const skipped = new Set(state.skipped).add(study.id);
  const next = { ...state, skipped };
  const cursor = nextWaiting(next, state.cursor);
  // A skip of the only record left keeps it on screen.
  return stay({ ...next, cursor: cursor === state.ctx.queue.length ? state.cursor : cursor }, 'skipped: it comes back after the rest');
}

function decide(state: ScreenState, study: Study, decision: DecisionValue, reason: string): ScreenStep {
  const note = state.notes.get(study.id) ?? '';
  const sample = openSample(state);
  const inSample = sample !== undefined && sample.drawn.includes(study.id);
  const row: ScreenRow = { time: state.ctx.now().toISOString(), recordId: study.id, decision, reason, note, ...(inSample ? { shownBy: sampleRecordCell(sample.draw.seed) } : {}) };
  const before = ownDecision(state, study);
  const entry: HistoryEntry = { studyId: study.id, before, cursor: state.cursor, detour: state.detour };
  const notes = new Map(state.notes);
  notes.delete(study.id);
  const streakBefore = stoppingOf(state)?.streak ?? 0;
  const changed = setOwn({ ...appendRows(state, [row]), notes, history: [...state.history, entry] }, study, { decision, reason, note });
  // The queue waits where it was while the sample's records are shown.
  const moved = inSample && state.detour === undefined && state.ctx.queue[state.cursor]?.id !== study.id ? changed : moveOn(changed, study);
  const what = decision === 'exclude' && reason ? `exclude (${reasonLabel(state.ctx, reason)})` : decision;
  const after = { ...moved, message: `recorded: ${what} #${state.ctx.shortNumber.get(study.id)}` };
  return { state: { ...after, message: [after.message, stoppingNews(after, streakBefore)].filter(Boolean).join('. ') }, rows: [row] };
}

/** What the stopping rule says after a decision: the sample ended or completed, or the streak reached N. */
function stoppingNews(state: ScreenState, streakBefore: number): string | undefined {
  const view = stoppingOf(state);
  if (!view || view.stopped) return undefined;
  const k = state.ctx.keys.byAction;
  const sample = view.sample;
  if (sample.kind === 'include' && sample.included.length === 1 && state.appended.at(-1)?.shownBy !== undefined) {
    return `An include in the random sample: the rule is not met, so the sample ends; back to your queue, and the streak starts again`;
  }
  if (sample.kind === 'complete' && state.appended.at(-1)?.shownBy !== undefined) {
    return `Random sample complete: ${sample.drawn.length} of ${sample.drawn.length} excluded, so the rule is met; ${k.stop} stops screening (it asks first)`;
  }
  if (sample.kind !== 'open' && streakBefore < view.rule.consecutiveIrrelevant && view.streak >= view.rule.consecutiveIrrelevant) {
    return `${view.streak} irrelevant in a row: the rule's streak is reached; ${k.stop} draws its random sample of ${view.rule.randomSample}`;
  }
  return undefined;
}

function reasonLabel(ctx: SessionContext, reason: string): string {
  return ctx.reasons.find((c) => c.id === reason)?.label ?? reason;
}

/** After a decision: back from a detour to the queue, else on to the next waiting record. */
function moveOn(state: ScreenState, decided: Study): ScreenState {
  if (state.detour !== undefined) {
    const onQueue = state.ctx.queue[state.cursor];
    const cursor = onQueue && state.own.get(onQueue.id) === undefined ? state.cursor : nextWaiting(state, state.cursor);
    return { ...state, detour: undefined, cursor };
  }
  const index = state.ctx.queueIndex.get(decided.id);
  const { queueIndex } = state.ctx;
  const picked = state.ctx.order.next?.((id) => queueIndex.has(id) && state.own.get(id) === undefined && !state.skipped.has(id));
  const at = picked === undefined ? undefined : queueIndex.get(picked);
  return { ...state, cursor: at ?? nextWaiting(state, index ?? state.cursor) };
}

/**
 * Set the reviewer's own decision on a study (undefined: none) and update the counts and the
 * study's outcome by difference: only this study is looked at.
 */
function setOwn(state: ScreenState, study: Study, next: Own | undefined): ScreenState {
  const { ctx } = state;
  const prev = ownDecision(state, study);
  const counts = { ...state.counts };
  const oldOutcome = outcomeOf(state, study);
  const wasScreened = screenedNow(state, study);

  const own = new Map(state.own).set(study.id, next);
  const outcomes = new Map(state.outcomes).set(study.id, recomputeOutcome(ctx, study, oldOutcome, next));
  const after: ScreenState = { ...state, own, outcomes, counts };
  const newOutcome = outcomes.get(study.id)!;
  const isScreened = screenedNow(after, study);

  addTo(counts, prev?.decision, -1);
  addTo(counts, next?.decision, 1);
  if (wasScreened && prev) counts.screened--;
  if (isScreened && next) counts.screened++;
  if (ctx.queueIndex.has(study.id)) counts.waiting += (prev ? 1 : 0) - (next ? 1 : 0);
  if (wasScreened) {
    if (oldOutcome.status === 'conflict') counts.conflicts--;
    if (!hasVotes(oldOutcome, ctx.required)) counts.missingVotes--;
  }
  if (isScreened) {
    if (newOutcome.status === 'conflict') counts.conflicts++;
    if (!hasVotes(newOutcome, ctx.required)) counts.missingVotes++;
  }
  return after;
}

/** Whether the study is screened at the stage now (an override this session brings one back). */
function screenedNow(state: ScreenState, study: Study): boolean {
  if (state.ctx.stage === 'title-abstract' && study.failedCriterion) return !excludingCriterion(state, study);
  return screenedAt(study, state.ctx.stage);
}

/** The study's outcome with the reviewer's decision replaced, by the review's own rule. */
function recomputeOutcome(ctx: SessionContext, study: Study, current: StageOutcome, own: Own | undefined): StageOutcome {
  const latest = new Map(current.latestByReviewer);
  if (own) {
    const row: DecisionRow = { time: '', recordId: study.id, ...own, reviewer: ctx.reviewer, stage: ctx.stage, role: 'reviewer', file: '(this session)', line: 0 };
    latest.set(ctx.reviewer, row);
  } else latest.delete(ctx.reviewer);
  const folded: FoldedDecisions = {
    latest: new Map([[ctx.stage, new Map([[study.id, latest]])]]),
    adjudications: new Map(current.adjudication ? [[ctx.stage, new Map([[study.id, current.adjudication]])]] : []),
    history: new Map(),
    unknownIds: [],
    stops: [],
  };
  return stageOutcome(folded, ctx.stage, study.id, ctx.required);
}

function undo(state: ScreenState): ScreenStep {
  const last = state.history[state.history.length - 1];
  if (!last) return stay(state, 'nothing to undo in this session');
  const study = state.ctx.state.studyById.get(last.studyId)!;
  const row: ScreenRow = last.before
    ? { time: state.ctx.now().toISOString(), recordId: study.id, decision: last.before.decision, reason: last.before.reason, note: last.before.note }
    : { time: state.ctx.now().toISOString(), recordId: study.id, decision: 'retract', reason: '', note: 'undo' };
  // The note written with the undone decision is kept on screen for the next one.
  const undoneNote = state.own.get(study.id)?.note ?? '';
  const notes = new Map(state.notes);
  if (undoneNote !== '') notes.set(study.id, undoneNote);
  // An undo back to before a sample drawn this session withdraws the draw: the streak it followed no longer holds.
  const withdraw = state.drawnHere !== undefined && state.history.length <= state.drawnHere.decisions ? state.drawnHere : undefined;
  const orderRows: OrderRow[] = withdraw ? [{ time: row.time, recordId: STOP_RECORD_ID, order: sampleWithdrawnCell(withdraw.seed) }] : [];
  const logged = appendRows(state, [row], orderRows);
  const restored = setOwn({ ...logged, notes, history: state.history.slice(0, -1), drawnHere: withdraw ? undefined : state.drawnHere }, study, last.before);
  // Back to that record: in the queue where it is, or as the detour it was; a sample record is shown by the sample.
  const index = state.ctx.queueIndex.get(study.id);
  const sampleRecord = openSample(restored)?.drawn.includes(study.id) === true;
  const at = sampleRecord ? { cursor: state.cursor, detour: undefined } : index !== undefined ? { cursor: index, detour: undefined } : { cursor: last.cursor, detour: study.id };
  const skipped = new Set(restored.skipped);
  skipped.delete(study.id);
  let message = `undone: #${state.ctx.shortNumber.get(study.id)} ${last.before ? `is ${last.before.decision} again` : 'has no decision of yours'}`;
  if (withdraw) message += `; the random sample (seed ${withdraw.seed}) is withdrawn, since the streak it followed is undone too`;
  else if (sampleRecord) message += ` (random sample ${sampleProgressText(openSample(restored)!)})`;
  return { state: { ...restored, ...at, skipped, mode: { kind: 'record' }, message }, rows: [row], ...(orderRows.length > 0 ? { orderRows } : {}) };
}

function search(state: ScreenState, text: string): ScreenStep {
  const query = text === '' ? state.lastSearch : text;
  if (!query) return stay(state);
  const { ctx } = state;
  const withQuery = { ...state, lastSearch: query };
  const matches = searchMatcher(ctx, query);
  const n = ctx.queue.length;
  const start = state.detour === undefined ? state.cursor : state.cursor - 1;
  for (let step = 1; step <= n; step++) {
    const i = (((start + step) % n) + n) % n;
    const study = ctx.queue[i];
    if (!matches(study)) continue;
    // While the random sample is screened, the queue waits where it is: a record found there is a detour.
    if (openSample(state)) return stay({ ...withQuery, detour: study.id }, `found "${query}" in your queue; ${ctx.keys.byAction.skip} goes back to the random sample`);
    return stay({ ...withQuery, cursor: i, detour: undefined, skipped: without(state.skipped, study.id) }, `found "${query}" in the queue`);
  }
  const found = ctx.others.find((s) => s.id !== state.detour && matches(s)) ?? ctx.others.find(matches);
  if (found) {
    const criterion = excludingCriterion(state, found);
    const why = criterion ? `excluded by criterion "${criterion.id}"` : 'decided before';
    return stay({ ...withQuery, detour: found.id }, `found "${query}" outside your queue (${why}); ${ctx.keys.byAction.skip} goes back`);
  }
  return stay(withQuery, `no record matches "${query}"`);
}

function without(set: ReadonlySet<string>, id: string): ReadonlySet<string> {
  if (!set.has(id)) return set;
  const copy = new Set(set);
  copy.delete(id);
  return copy;
}

/** `#123` finds a short number; other text is looked for in the ids, title and abstract, ignoring case. */
function searchMatcher(ctx: SessionContext, query: string): (study: Study) => boolean {
  const number = /^#(\d+)$/.exec(query);
  if (number) {
    const n = Number(number[1]);
    return (study) => ctx.shortNumber.get(study.id) === n;
  }
  // A literal (escaped) pattern: a linear scan, and no lower-cased copy of every abstract.
  const re = new RegExp(query.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'), 'iu');
  return (study) => re.test(study.record.title) || re.test(study.record.abstract ?? '') || study.memberIds.some((id) => re.test(id));
}

/** Feed many keys (tests, the bench): the steps' rows in order, and the last state. */
export function pressAll(state: ScreenState, keys: Iterable<string>): { state: ScreenState; rows: ScreenRow[]; quit: boolean } {
  const rows: ScreenRow[] = [];
  let current = state;
  for (const key of keys) {
    const step = press(current, key);
    rows.push(...step.rows);
    current = step.state;
    if (step.quit) return { state: current, rows, quit: true };
  }
  return { state: current, rows, quit: false };
}

// ---------------------------------------------------------------------------------------------
// The stopping rule: its streak, its random sample, the stop

/** What the stopping rule stands at for this reviewer, from their logs and this session's rows. */
export interface StoppingView {
  rule: StoppingRuleSetting;
  /** Own excludes in a row, in the order decided (the same count `decide --stop` and verify make). */
  streak: number;
  sample: SampleStatus;
  /** The reviewer's stop, when they have stopped. */
  stopped?: { time: string; note: string };
}

/** A session's rows appended: to the decision log (`rows`) and to the order log alone (`orderRows`). */
function appendRows(state: ScreenState, rows: readonly ScreenRow[], orderRows: readonly OrderRow[] = []): ScreenState {
  const tags = rows.filter((r) => r.shownBy !== undefined).map((r) => ({ time: r.time, recordId: r.recordId, order: r.shownBy! }));
  return { ...state, appended: [...state.appended, ...rows], orderAppended: [...state.orderAppended, ...tags, ...orderRows] };
}

const stoppingCache = new WeakMap<readonly ScreenRow[], WeakMap<readonly OrderRow[], StoppingView>>();
const candidatesCache = new WeakMap<SessionContext, string[]>();

/** The studies a stopping sample may be drawn from, worked out once per session. */
function candidatesOf(ctx: SessionContext): string[] {
  let candidates = candidatesCache.get(ctx);
  if (!candidates) candidatesCache.set(ctx, (candidates = sampleCandidates(ctx.state)));
  return candidates;
}

/**
 * The rule's state, derived from the logs as `decide --stop` and verify derive it (so the three
 * cannot disagree), cached per session rows: work in proportion to the reviewer's log, once per
 * decision, and only when the protocol adopts a rule.
 */
export function stoppingOf(state: ScreenState): StoppingView | undefined {
  const { ctx } = state;
  if (!ctx.rule) return undefined;
  let byOrder = stoppingCache.get(state.appended);
  if (!byOrder) stoppingCache.set(state.appended, (byOrder = new WeakMap()));
  let view = byOrder.get(state.orderAppended);
  if (!view) {
    const rows = ownRowsNow(state);
    const resolveStudy = (id: string) => ctx.state.studyIdOf.get(id);
    const sample = sampleFromLogs({ rows, orderRows: orderRowsNow(state), candidates: candidatesOf(ctx), resolveStudy });
    const stop = state.stopped ?? ctx.stoppedBefore;
    view = { rule: ctx.rule, streak: irrelevantStreak(decisionOrderLabels(rows, resolveStudy)), sample, ...(stop ? { stopped: { time: stop.time, note: stop.note } } : {}) };
    byOrder.set(state.orderAppended, view);
  }
  return view;
}

/** The reviewer's own rows: the log's, then this session's (numbered on after the log's last line). */
function ownRowsNow(state: ScreenState): DecisionRow[] {
  const { ctx } = state;
  const last = ctx.ownRows.length > 0 ? ctx.ownRows[ctx.ownRows.length - 1].line : 1;
  const session = state.appended
    .filter((r) => r.recordId !== STOP_RECORD_ID)
    .map((r, i): DecisionRow => ({ time: r.time, recordId: r.recordId, decision: r.decision, reason: r.reason, note: r.note, reviewer: ctx.reviewer, stage: ctx.stage, role: 'reviewer', file: '(this session)', line: last + i + 1 }));
  return [...ctx.ownRows, ...session];
}

function orderRowsNow(state: ScreenState): OrderLogRow[] {
  const { ctx } = state;
  const last = ctx.orderLog.reduce((max, r) => Math.max(max, r.line), 1);
  return [...ctx.orderLog, ...state.orderAppended.map((r, i) => ({ ...r, line: last + i + 1 }))];
}

/** The random sample being screened, if one is. */
export function openSample(state: ScreenState): SampleProgress | undefined {
  const view = stoppingOf(state);
  if (!view || view.stopped || view.sample.kind !== 'open') return undefined;
  return view.sample;
}

/** `12/50, 0 includes`: records of the sample decided, of those drawn. */
export function sampleProgressText(sample: SampleProgress): string {
  const n = sample.included.length;
  return `${sample.excluded.length + n}/${sample.drawn.length}, ${n} include${n === 1 ? '' : 's'}`;
}

/** The sample's record to show: the first drawn one not decided and not skipped, then skipped ones, then maybes. */
function sampleRecordOnScreen(state: ScreenState): string | undefined {
  const sample = openSample(state);
  if (!sample) return undefined;
  const { studyById } = state.ctx.state;
  const fresh = sample.undecided.filter((id) => ownDecision(state, studyById.get(id)!) === undefined);
  return fresh.find((id) => !state.skipped.has(id)) ?? fresh[0] ?? sample.undecided[0];
}

/** The records this reviewer has not screened now (the population a sample is drawn from). */
function unscreenedNow(state: ScreenState): number {
  const { ctx } = state;
  return unscreenedCandidates(candidatesOf(ctx), ownRowsNow(state), (id) => ctx.state.studyIdOf.get(id)).length;
}

function stopKey(state: ScreenState): ScreenStep {
  const { ctx } = state;
  const k = ctx.keys.byAction;
  if (ctx.stage !== 'title-abstract') return stay(state, 'the stopping rule is for title/abstract screening; at full text every record is assessed');
  const view = stoppingOf(state);
  if (!view) {
    return stay(
      state,
      'the protocol adopts no stopping rule, so every record is screened: a rule is adopted before screening, in litscreen.json ' +
        '("titleAbstract": {"stoppingRule": {"consecutiveIrrelevant": N, "randomSample": M}}) and in the registered protocol',
    );
  }
  if (view.stopped) return stay(state, `you stopped screening under the rule at ${view.stopped.time}; litscreen retract REVIEW '*' --stage title-abstract takes it back`);
  const { rule, sample } = view;
  if (sample.kind === 'open') return stay(state, `random sample ${sampleProgressText(sample)}: decide its records (the next is on screen); when all are excluded, ${k.stop} stops`);
  if (sample.kind === 'complete') return stay({ ...state, mode: { kind: 'confirm', purpose: 'stop' } });
  if (view.streak < rule.consecutiveIrrelevant) {
    return stay(state, `the rule's random sample comes after ${rule.consecutiveIrrelevant} irrelevant records in a row; you have ${view.streak} (${rule.consecutiveIrrelevant - view.streak} to go)`);
  }
  if (unscreenedNow(state) === 0) return stay(state, 'you have screened every record: there is nothing left to sample or to stop');
  return stay({ ...state, mode: { kind: 'confirm', purpose: 'draw' } });
}

function confirm(state: ScreenState, purpose: 'draw' | 'stop', key: string): ScreenStep {
  const back: ScreenState = { ...state, mode: { kind: 'record' } };
  if (key !== 'y' && key !== 'Y') return stay(back, purpose === 'draw' ? 'no sample drawn; screening goes on' : 'not stopped; screening goes on');
  const { ctx } = state;
  const rule = ctx.rule!;
  const time = ctx.now().toISOString();
  if (purpose === 'draw') {
    const seed = Math.floor(Math.abs(ctx.drawSeed())) % 2147483647;
    const from = unscreenedNow(state);
    const orderRows: OrderRow[] = [{ time, recordId: STOP_RECORD_ID, order: sampleDrawCell(seed, rule.randomSample, from) }];
    const drawn = { ...appendRows(back, [], orderRows), drawnHere: { seed, decisions: state.history.length } };
    const sample = openSample(drawn);
    const message = sample
      ? `random sample drawn (seed ${seed}, in your order log): ${sample.drawn.length} of the ${from} records you have not screened; an include ends it`
      : `random sample drawn (seed ${seed}): it holds no record`;
    return { state: { ...drawn, message }, rows: [], orderRows };
  }
  // The same check `decide --stop` makes, over the logs and this session's rows.
  let checked;
  try {
    checked = checkStop(ctx.state, ctx.protocol, { stage: ctx.stage, reviewer: ctx.reviewer, orderRows: orderRowsNow(state), sessionRows: ownRowsNow(state).slice(ctx.ownRows.length) });
  } catch (err) {
    if (!(err instanceof LitscreenError)) throw err;
    return stay(back, err.message);
  }
  const row: ScreenRow = { time, recordId: STOP_RECORD_ID, decision: 'stop', reason: checked.reason, note: checked.note };
  return { state: { ...appendRows(back, [row]), stopped: row, message: `stopped under the rule: ${checked.reason}` }, rows: [row], quit: true };
}
