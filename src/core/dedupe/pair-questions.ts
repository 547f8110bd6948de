import type { UncertainPair } from './engine.js';
import type { ResolutionInput, ResolutionValue } from '../../model/decision.js';
import { RETRACT, pairKey } from '../../model/decision.js';

/**
 * The questions of `dedupe --review`, as a pure state machine: the terminal only draws the current
 * question and feeds keys in (tests feed them from a list).
 *
 * It asks about studies, not copies. The engine's uncertain pairs are between records; records
 * the engine already merged are one study (a cluster), so the pairs are grouped by the two studies
 * their records belong to, and each group is one question. After every answer what is still
 * unknown is worked out again:
 * - "duplicate" joins the two studies (one row: the engine joins whole clusters on one person's
 *   link), which settles every pair between them, and later questions are about the joined study;
 * - "distinct" settles every pair between the two studies (a row per record pair, since the engine
 *   keeps a person's 'distinct' per pair) and keeps them apart for the rest of the session: a study
 *   later joined to one of them is distinct from the other too, and the pairs that implies are
 *   written at once (noted as implied) rather than asked.
 * So an answer that contradicts earlier ones in the session is never asked for. An answer the
 * engine would not honour is refused at once with its reason: a 'duplicate' across two different
 * DOIs (the hard guard), or across a pair people resolved as distinct.
 *
 * Every answer returns the rows to append to the reviewer's log; `u` returns `retract` rows that
 * take those rows back (or, where the reviewer had another verdict on the pair before, that verdict
 * again), and restores the state as it was before the answer.
 */

export const ANSWER_KEYS = ['d', 'x', 's', 'u', 'q'] as const;
export type AnswerKey = (typeof ANSWER_KEYS)[number];

/** A pair people resolved as distinct, which the engine honours: it keeps the two studies apart. */
export interface KnownDistinct {
  a: string;
  b: string;
  /** Who said so and where, for the refusal: "you (decisions/duplicates/alice.csv:3)". */
  by: string;
}

export interface QuestionsInput {
  /** The engine's uncertain pairs, highest score first. */
  uncertain: readonly UncertainPair[];
  /** The records of the study a record belongs to as the engine built it (the record alone when unmerged). */
  clusterOf: (id: string) => readonly string[];
  /** This reviewer's verdicts in force, by pairKey: an answer that repeats one writes no row. */
  ownVerdicts?: ReadonlyMap<string, ResolutionValue>;
  /** Pairs resolved as distinct (by anyone, agreed): a 'duplicate' across one would be blocked. */
  knownDistinct?: readonly KnownDistinct[];
  /** Why the engine would refuse a person's 'duplicate' between these two studies, if it would. */
  mergeGuard?: (a: readonly string[], b: readonly string[]) => string | undefined;
}

export interface Question {
  /** The records of each study, as the engine built it plus what this session joined to it. */
  a: readonly string[];
  b: readonly string[];
  /** The uncertain record pairs between the two studies, highest score first. */
  pairs: readonly UncertainPair[];
}

interface Snapshot {
  /** record id -> its study's id in this session (only records of studies with an uncertain pair). */
  studyOf: ReadonlyMap<string, string>;
  /** study id -> its records. */
  members: ReadonlyMap<string, readonly string[]>;
  /** One record pair per "distinct" answered this session: the studies holding them are distinct. */
  distinctAnswers: readonly (readonly [string, string])[];
  /** This reviewer's verdicts in force: the log as read, plus what this session wrote. */
  verdicts: ReadonlyMap<string, ResolutionValue>;
  /** Pair keys of questions skipped this session. */
  skipped: ReadonlySet<string>;
}

interface HistoryEntry {
  before: Snapshot;
  rows: ResolutionInput[];
}

export interface QuestionState {
  readonly input: QuestionsInput;
  readonly now: Snapshot;
  readonly history: readonly HistoryEntry[];
  /** The open questions, in the order they are asked. */
  readonly open: readonly Question[];
}

export interface Step {
  state: QuestionState;
  /** Rows to append to the reviewer's log, in order, before the next question is shown. */
  rows: ResolutionInput[];
  /** The answer was refused, and why; the state is unchanged. */
  refused?: string;
  /** A remark for the reviewer (nothing to undo, an unknown key …). */
  notice?: string;
  quit?: boolean;
}

export { pairKey };

export function startQuestions(input: QuestionsInput): QuestionState {
  const studyOf = new Map<string, string>();
  const members = new Map<string, readonly string[]>();
  for (const p of input.uncertain) {
    for (const id of [p.a, p.b]) {
      if (studyOf.has(id)) continue;
      const cluster = input.clusterOf(id);
      const list = cluster.includes(id) ? [...cluster] : [id, ...cluster];
      const study = list[0];
      members.set(study, list);
      for (const m of list) studyOf.set(m, study);
    }
  }
  const now: Snapshot = {
    studyOf,
    members,
    distinctAnswers: [],
    verdicts: new Map(input.ownVerdicts ?? []),
    skipped: new Set(),
  };
  return withOpen(input, now, []);
}

export function currentQuestion(state: QuestionState): Question | undefined {
  return state.open[0];
}

/** `pair 3 of 21`: answers and skips so far, plus the questions still open. */
export function progress(state: QuestionState): { position: number; total: number; answered: number } {
  const answered = state.history.length;
  return { position: answered + 1, total: answered + state.open.length, answered };
}

export function answer(state: QuestionState, key: string): Step {
  const question = currentQuestion(state);
  switch (key) {
    case 'q':
      return { state, rows: [], quit: true };
    case 'u':
      return undo(state);
    case 'd':
    case 'x':
    case 's':
      if (!question) return { state, rows: [], notice: 'no pair left to answer: u to undo the last answer, q to quit' };
      if (key === 's') return skip(state, question);
      return key === 'd' ? duplicate(state, question) : distinct(state, question);
    default:
      return { state, rows: [], notice: 'keys: d duplicate, x distinct, s skip, u undo, q quit' };
  }
}

function undo(state: QuestionState): Step {
  const last = state.history[state.history.length - 1];
  if (!last) return { state, rows: [], notice: 'nothing to undo in this session' };
  // A retraction leaves no verdict; where the reviewer had one before the answer, it is written again.
  const rows = [...last.rows].reverse().map((r): ResolutionInput => {
    const before = last.before.verdicts.get(pairKey(r.a, r.b));
    return { a: r.a, b: r.b, decision: before ?? RETRACT, note: 'undo' };
  });
  return { state: withOpen(state.input, last.before, state.history.slice(0, -1)), rows };
}

function skip(state: QuestionState, question: Question): Step {
  const skipped = new Set(state.now.skipped);
  for (const p of question.pairs) skipped.add(pairKey(p.a, p.b));
  return advance(state, { ...state.now, skipped }, []);
}

function distinct(state: QuestionState, question: Question): Step {
  const verdicts = new Map(state.now.verdicts);
  const rows: ResolutionInput[] = [];
  for (const p of question.pairs) write(verdicts, rows, p.a, p.b, 'distinct', '');
  const first = question.pairs[0];
  const distinctAnswers = [...state.now.distinctAnswers, [first.a, first.b] as const];
  return advance(state, { ...state.now, verdicts, distinctAnswers }, rows);
}

function duplicate(state: QuestionState, question: Question): Step {
  const { input, now } = state;
  const inA = new Set(question.a);
  const inB = new Set(question.b);
  for (const d of input.knownDistinct ?? []) {
    if ((inA.has(d.a) && inB.has(d.b)) || (inA.has(d.b) && inB.has(d.a))) {
      return refuse(state, `${d.by} resolved ${d.a} and ${d.b} as distinct, which keeps these two studies apart`);
    }
  }
  const guard = input.mergeGuard?.(question.a, question.b);
  if (guard !== undefined) return refuse(state, `${guard}: these are never merged, whatever anyone answers`);

  const verdicts = new Map(now.verdicts);
  const rows: ResolutionInput[] = [];
  const best = question.pairs[0];
  write(verdicts, rows, best.a, best.b, 'duplicate', '');

  // Join the smaller study into the larger one.
  const sa = now.studyOf.get(best.a)!;
  const sb = now.studyOf.get(best.b)!;
  const [keep, gone] = question.a.length >= question.b.length ? [sa, sb] : [sb, sa];
  const studyOf = new Map(now.studyOf);
  const members = new Map(now.members);
  const joined = [...members.get(keep)!, ...members.get(gone)!];
  for (const m of members.get(gone)!) studyOf.set(m, keep);
  members.set(keep, joined);
  members.delete(gone);

  // Pairs between the joined study and one answered distinct from either half are settled: write them.
  const distinctStudies = distinctPairsOf(studyOf, now.distinctAnswers);
  for (const p of input.uncertain) {
    const x = studyOf.get(p.a)!;
    const y = studyOf.get(p.b)!;
    if ((x === keep || y === keep) && x !== y && distinctStudies.has(pairKey(x, y))) {
      write(verdicts, rows, p.a, p.b, 'distinct', `implied: ${best.a} and ${best.b} are one study, answered distinct from the other`);
    }
  }
  return advance(state, { ...now, studyOf, members, verdicts }, rows);
}

function refuse(state: QuestionState, reason: string): Step {
  return { state, rows: [], refused: reason };
}

/** Add a row unless the reviewer's verdict in force on the pair already says so. */
function write(verdicts: Map<string, ResolutionValue>, rows: ResolutionInput[], a: string, b: string, decision: ResolutionValue, note: string): void {
  const key = pairKey(a, b);
  if (verdicts.get(key) === decision) return;
  verdicts.set(key, decision);
  rows.push({ a, b, decision, note });
}

function advance(state: QuestionState, next: Snapshot, rows: ResolutionInput[]): Step {
  const history = [...state.history, { before: state.now, rows }];
  return { state: withOpen(state.input, next, history), rows };
}

/** Study-pair keys of the studies answered distinct this session. */
function distinctPairsOf(studyOf: ReadonlyMap<string, string>, answers: Snapshot['distinctAnswers']): Set<string> {
  const out = new Set<string>();
  for (const [a, b] of answers) out.add(pairKey(studyOf.get(a)!, studyOf.get(b)!));
  return out;
}

/** What is still unknown: uncertain pairs between two studies not (yet) joined or answered distinct, one question per two studies. */
function withOpen(input: QuestionsInput, now: Snapshot, history: readonly HistoryEntry[]): QuestionState {
  const distinctStudies = distinctPairsOf(now.studyOf, now.distinctAnswers);
  const byStudies = new Map<string, { pairs: UncertainPair[]; skipped: boolean; first: UncertainPair }>();
  for (const p of input.uncertain) {
    const x = now.studyOf.get(p.a)!;
    const y = now.studyOf.get(p.b)!;
    if (x === y) continue;
    const key = pairKey(x, y);
    if (distinctStudies.has(key)) continue;
    let q = byStudies.get(key);
    if (!q) byStudies.set(key, (q = { pairs: [], skipped: true, first: p }));
    q.pairs.push(p);
    if (!now.skipped.has(pairKey(p.a, p.b))) q.skipped = false;
  }
  const open: Question[] = [];
  for (const q of byStudies.values()) {
    if (q.skipped) continue;
    // Side A holds the first record of the question's best pair, as the engine listed it.
    const a = now.members.get(now.studyOf.get(q.first.a)!)!;
    const b = now.members.get(now.studyOf.get(q.first.b)!)!;
    open.push({ a, b, pairs: q.pairs });
  }
  return { input, now, history, open };
}

/**
 * The same checks for verdicts given all at once (a filled-in `--uncertain` spreadsheet), in their
 * order: the first that the engine would not honour, or that contradicts the rows before it, with
 * its index and reason. Copies the engine merged are one study: "H = copy 1" and "H ≠ copy 2" of
 * one study contradict each other, which is how a pair used to get stuck without a word.
 */
export function checkAnswers(
  rows: readonly ResolutionInput[],
  context: Pick<QuestionsInput, 'clusterOf' | 'knownDistinct' | 'mergeGuard'>,
): { index: number; reason: string } | undefined {
  // Union-find over record ids: the engine's studies, joined by the rows' duplicates.
  const parent = new Map<string, string>();
  const members = new Map<string, string[]>();
  const find = (id: string): string => {
    if (!parent.has(id)) {
      const cluster = context.clusterOf(id);
      const list = cluster.includes(id) ? [...cluster] : [id];
      for (const m of list) parent.set(m, list[0]);
      members.set(list[0], list);
    }
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    return root;
  };
  /** The rows that joined each study, for the contradiction's reason. */
  const joinedBy = new Map<string, number[]>();
  const distinctRows: { a: string; b: string; index: number }[] = [];
  const sameCluster = (a: string, b: string) => context.clusterOf(a).includes(b);
  for (const [index, row] of rows.entries()) {
    if (row.decision === RETRACT) continue;
    const ra = find(row.a);
    const rb = find(row.b);
    if (row.decision === 'distinct') {
      if (ra === rb && !sameCluster(row.a, row.b)) {
        const by = (joinedBy.get(ra) ?? []).map((i) => `${rows[i].a} = ${rows[i].b}`).join(', ');
        return { index, reason: `${row.a} and ${row.b} are one study by the answers above (${by}, with the copies the engine merged)` };
      }
      distinctRows.push({ a: row.a, b: row.b, index });
      continue;
    }
    if (ra === rb) continue;
    const inA = new Set(members.get(ra));
    const inB = new Set(members.get(rb));
    const across = (x: string, y: string) => (inA.has(x) && inB.has(y)) || (inA.has(y) && inB.has(x));
    const answered = distinctRows.find((d) => across(d.a, d.b));
    if (answered) return { index, reason: `answered distinct above (${answered.a} and ${answered.b}), and they belong to these two studies` };
    const known = (context.knownDistinct ?? []).find((d) => across(d.a, d.b));
    if (known) return { index, reason: `${known.by} resolved ${known.a} and ${known.b} as distinct, which keeps these two studies apart` };
    const guard = context.mergeGuard?.(members.get(ra)!, members.get(rb)!);
    if (guard !== undefined) return { index, reason: `${guard}: these are never merged, whatever anyone answers` };
    parent.set(rb, ra);
    members.set(ra, [...members.get(ra)!, ...members.get(rb)!]);
    members.delete(rb);
    joinedBy.set(ra, [...(joinedBy.get(ra) ?? []), ...(joinedBy.get(rb) ?? []), index]);
  }
  return undefined;
}
