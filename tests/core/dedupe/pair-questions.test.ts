import { describe, it, expect } from 'vitest';
import {
  answer,
  checkAnswers,
  currentQuestion,
  progress,
  startQuestions,
  pairKey,
  type QuestionsInput,
  type QuestionState,
} from '../../../src/core/dedupe/pair-questions.js';
import type { UncertainPair } from '../../../src/core/dedupe/engine.js';
import type { ResolutionInput } from '../../../src/model/decision.js';

const pair = (a: string, b: string, score = 0.7): UncertainPair => ({ a, b, score, reasons: ['similar title'] });

/** Feed keys one by one, as the terminal does; collect every row and every refusal. */
function run(input: QuestionsInput, keys: string) {
  let state: QuestionState = startQuestions(input);
  const rows: ResolutionInput[] = [];
  const refused: string[] = [];
  const shown: string[] = [];
  for (const key of keys) {
    const q = currentQuestion(state);
    const { position, total } = progress(state);
    shown.push(q ? `${position}/${total} ${q.a.join('+')} ? ${q.b.join('+')}` : 'done');
    const step = answer(state, key);
    rows.push(...step.rows);
    if (step.refused) refused.push(step.refused);
    state = step.state;
    if (step.quit) break;
  }
  return { state, rows, refused, shown };
}

const clusters = (groups: string[][]) => {
  const of = new Map<string, string[]>();
  for (const g of groups) for (const id of g) of.set(id, g);
  return (id: string) => of.get(id) ?? [id];
};

describe('one question per pair of studies', () => {
  // A hand-searched record H resembles one study found by nine databases (one cluster of nine
  // copies): the engine lists nine uncertain pairs, one per copy.
  const copies = Array.from({ length: 9 }, (_, i) => `db${i + 1}:1`);
  const nine: QuestionsInput = {
    uncertain: copies.map((c, i) => pair('hand:1', c, 0.8 - i / 100)),
    clusterOf: clusters([copies]),
  };

  it('asks once about the nine copies, not nine times', () => {
    const s = startQuestions(nine);
    expect(s.open).toHaveLength(1);
    expect(currentQuestion(s)!.a).toEqual(['hand:1']);
    expect(currentQuestion(s)!.b).toEqual(copies);
    expect(progress(s)).toMatchObject({ position: 1, total: 1 });
  });

  it('"duplicate" writes one row and settles all nine pairs', () => {
    const r = run(nine, 'd');
    expect(r.rows).toEqual([{ a: 'hand:1', b: 'db1:1', decision: 'duplicate', note: '' }]);
    expect(r.state.open).toHaveLength(0);
  });

  it('"distinct" writes a row per record pair (the engine keeps distinct per pair) and settles them all', () => {
    const r = run(nine, 'x');
    expect(r.rows.map((x) => [x.a, x.b, x.decision])).toEqual(copies.map((c) => ['hand:1', c, 'distinct']));
    expect(r.state.open).toHaveLength(0);
  });

  it('a row the reviewer already has in force is not written again', () => {
    const r = run({ ...nine, ownVerdicts: new Map([[pairKey('db3:1', 'hand:1'), 'distinct']]) }, 'x');
    expect(r.rows.map((x) => x.b)).toEqual(copies.filter((c) => c !== 'db3:1'));
  });
});

describe('after each answer, what is still unknown', () => {
  // A ~ B, B ~ C, A ~ C: three records, three questions at first.
  const triangle: QuestionsInput = {
    uncertain: [pair('a', 'b', 0.9), pair('b', 'c', 0.8), pair('a', 'c', 0.7)],
    clusterOf: (id) => [id],
  };

  it('A=B then (AB,C) is one question, so A=B and B=C leave nothing to ask about A and C', () => {
    const r = run(triangle, 'ddd');
    expect(r.shown).toEqual(['1/3 a ? b', '2/2 a+b ? c', 'done']);
    expect(r.rows.map((x) => `${x.a}${x.b} ${x.decision}`)).toEqual(['ab duplicate', 'bc duplicate']);
  });

  it('A≠C answered, then A=B: B≠C follows, is written as implied, and never asked', () => {
    const input: QuestionsInput = { ...triangle, uncertain: [pair('a', 'c', 0.9), pair('a', 'b', 0.8), pair('b', 'c', 0.7)] };
    const r = run(input, 'xdd');
    expect(r.shown).toEqual(['1/3 a ? c', '2/3 a ? b', 'done']);
    expect(r.rows.map((x) => `${x.a}${x.b} ${x.decision}`)).toEqual(['ac distinct', 'ab duplicate', 'bc distinct']);
    expect(r.rows[2].note).toMatch(/^implied/);
  });

  it('skip leaves the question unanswered and moves on; the next session asks it again', () => {
    const r = run(triangle, 'sx');
    expect(r.shown).toEqual(['1/3 a ? b', '2/3 b ? c']);
    expect(r.rows).toEqual([{ a: 'b', b: 'c', decision: 'distinct', note: '' }]);
    expect(r.state.open.map((q) => `${q.a}${q.b}`)).toEqual(['ac']);
  });
});

describe('undo', () => {
  const triangle: QuestionsInput = {
    uncertain: [pair('a', 'b', 0.9), pair('b', 'c', 0.8), pair('a', 'c', 0.7)],
    clusterOf: (id) => [id],
  };

  it('u retracts the rows of the last answer and asks that question again', () => {
    const r = run(triangle, 'dux');
    expect(r.shown).toEqual(['1/3 a ? b', '2/2 a+b ? c', '1/3 a ? b']);
    expect(r.rows.map((x) => `${x.a}${x.b} ${x.decision}`)).toEqual(['ab duplicate', 'ab retract', 'ab distinct']);
  });

  it('undoing a "distinct" retracts every row it wrote, implied ones included', () => {
    const input: QuestionsInput = { ...triangle, uncertain: [pair('a', 'c', 0.9), pair('a', 'b', 0.8), pair('b', 'c', 0.7)] };
    const r = run(input, 'xduu');
    expect(r.rows.map((x) => `${x.a}${x.b} ${x.decision}`)).toEqual(['ac distinct', 'ab duplicate', 'bc distinct', 'bc retract', 'ab retract', 'ac retract']);
    expect(progress(r.state)).toMatchObject({ position: 1, total: 3 });
  });

  it('undo with nothing answered says so and writes nothing', () => {
    const step = answer(startQuestions(triangle), 'u');
    expect(step.rows).toEqual([]);
    expect(step.notice).toMatch(/nothing to undo/);
  });

  it('undo after a skip goes back to the skipped question', () => {
    const r = run(triangle, 'su');
    expect(r.rows).toEqual([]);
    expect(currentQuestion(r.state)!.pairs[0]).toMatchObject({ a: 'a', b: 'b' });
  });
});

describe('answers the engine would not honour are refused at once, with the reason', () => {
  it('a "duplicate" across a guard rail (two different DOIs)', () => {
    const input: QuestionsInput = {
      uncertain: [pair('a', 'b')],
      clusterOf: (id) => [id],
      mergeGuard: (x, y) => (x.includes('a') && y.includes('b') ? 'different DOIs (10.1/x vs 10.1/y)' : undefined),
    };
    const r = run(input, 'dx');
    expect(r.refused).toEqual(['different DOIs (10.1/x vs 10.1/y): these are never merged, whatever anyone answers']);
    expect(r.rows).toEqual([{ a: 'a', b: 'b', decision: 'distinct', note: '' }]);
  });

  it('the guard is checked between whole studies, including what this session joined', () => {
    const input: QuestionsInput = {
      uncertain: [pair('a', 'b', 0.9), pair('b', 'c', 0.8)],
      clusterOf: (id) => [id],
      mergeGuard: (x, y) => ((x.includes('a') && y.includes('c')) || (x.includes('c') && y.includes('a')) ? 'different DOIs' : undefined),
    };
    const r = run(input, 'dd');
    expect(r.refused).toHaveLength(1);
    expect(r.rows).toHaveLength(1);
  });

  it('a "duplicate" across a pair someone resolved as distinct names who and where', () => {
    // The engine's cluster {b, b2}: bob said a and b2 are distinct; the pair asked about is a ~ b.
    const input: QuestionsInput = {
      uncertain: [pair('a', 'b')],
      clusterOf: clusters([['b', 'b2']]),
      knownDistinct: [{ a: 'b2', b: 'a', by: 'bob (decisions/duplicates/bob.csv:2)' }],
    };
    const r = run(input, 'd');
    expect(r.refused[0]).toBe('bob (decisions/duplicates/bob.csv:2) resolved b2 and a as distinct, which keeps these two studies apart');
    expect(r.rows).toEqual([]);
  });
});

it('q quits; an unknown key tells the keys', () => {
  const s = startQuestions({ uncertain: [pair('a', 'b')], clusterOf: (id) => [id] });
  expect(answer(s, 'z').notice).toMatch(/d duplicate, x distinct, s skip, u undo, q quit/);
  expect(answer(s, 'q').quit).toBe(true);
});

describe('checkAnswers: a filled-in spreadsheet gets the same checks, row by row', () => {
  // The engine merged copies c1 and c2 into one study; h is a hand-searched record.
  const context = { clusterOf: clusters([['c1', 'c2']]) };
  const row = (a: string, b: string, decision: 'duplicate' | 'distinct') => ({ a, b, decision, note: '' });

  it('"h = copy 1" and "h ≠ copy 2" of one study contradict each other', () => {
    expect(checkAnswers([row('h', 'c1', 'duplicate'), row('h', 'c2', 'distinct')], context)).toEqual({
      index: 1,
      reason: 'h and c2 are one study by the answers above (h = c1, with the copies the engine merged)',
    });
    expect(checkAnswers([row('h', 'c2', 'distinct'), row('h', 'c1', 'duplicate')], context)).toEqual({
      index: 1,
      reason: 'answered distinct above (h and c2), and they belong to these two studies',
    });
  });

  it('A=B and B=C, then A≠C is refused; A≠C alone is not', () => {
    const plain = { clusterOf: (id: string) => [id] };
    expect(checkAnswers([row('a', 'b', 'duplicate'), row('b', 'c', 'duplicate'), row('a', 'c', 'distinct')], plain)?.index).toBe(2);
    expect(checkAnswers([row('a', 'c', 'distinct'), row('a', 'b', 'duplicate')], plain)).toBeUndefined();
  });

  it('splitting copies the engine merged is an answer, not a contradiction', () => {
    expect(checkAnswers([row('c1', 'c2', 'distinct')], context)).toBeUndefined();
  });

  it('a duplicate across a hard guard or a known distinct is refused', () => {
    expect(checkAnswers([row('a', 'b', 'duplicate')], { clusterOf: (id) => [id], mergeGuard: () => 'different DOIs' })?.reason).toBe(
      'different DOIs: these are never merged, whatever anyone answers',
    );
    expect(
      checkAnswers([row('h', 'c1', 'duplicate')], { ...context, knownDistinct: [{ a: 'c2', b: 'h', by: 'bob (bob.csv:2)' }] })?.reason,
    ).toBe('bob (bob.csv:2) resolved c2 and h as distinct, which keeps these two studies apart');
  });
});

it('undo restores a verdict the reviewer had on the pair before the answer (a retraction would leave none)', () => {
  const input: QuestionsInput = {
    uncertain: [pair('a', 'b')],
    clusterOf: (id) => [id],
    ownVerdicts: new Map([[pairKey('a', 'b'), 'distinct']]),
  };
  const r = run(input, 'du');
  expect(r.rows.map((x) => `${x.a}${x.b} ${x.decision}`)).toEqual(['ab duplicate', 'ab distinct']);
});
