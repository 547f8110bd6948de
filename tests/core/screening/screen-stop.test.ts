import { describe, it, expect } from 'vitest';
import { assessReview } from '../../../src/core/review/derive.js';
import { ProtocolSchema, type Protocol } from '../../../src/model/protocol.js';
import type { DecisionRow } from '../../../src/model/decision.js';
import { KEY, currentStudy, press, pressAll, screenKeys, startScreen, stoppingOf, type OrderRow, type ScreenRow, type ScreenState } from '../../../src/core/screening/screen-session.js';
import { renderScreen, progressLine, stoppingLine } from '../../../src/core/screening/screen-render.js';
import { drawRandomSample } from '../../../src/core/screening/stopping.js';
import { drawnSampleNote, stopSampleOf, type OrderLogRow } from '../../../src/core/review/stop.js';
import { rec } from '../../helpers/records.js';

/**
 * The stop key of the screen (issue 11), driven by keys as a reviewer presses them: the streak,
 * the random sample's draw and progress, an include ending it, undo around it, the stop, and a
 * session that ends halfway through the sample and resumes from the rows it wrote.
 */

const IDS = Array.from({ length: 14 }, (_, i) => `db:${String(i + 1).padStart(2, '0')}`);
const RECORDS = IDS.map((id, i) => rec({ id, title: `Record number ${i + 1} about topic ${'abcdefghijklmn'[i]}`, abstract: `Abstract ${i + 1}.` }));
const SEED = 424242;

function protocolWith(titleAbstract: Record<string, unknown> = { stoppingRule: { consecutiveIrrelevant: 2, randomSample: 3 } }, screening: Record<string, unknown> = {}): Protocol {
  return ProtocolSchema.parse({
    title: 'stop key',
    sources: [{ key: 'db', database: 'DB', file: 'db.ris', searchDate: '2020-01-01', searchString: 'x' }],
    titleAbstract,
    fullText: { exclusionReasons: [{ id: 'x', label: 'X' }] },
    screening,
    extraction: { fields: [] },
  });
}

/** A clock that moves one second per call, as a reviewer's would between keys. */
function ticking() {
  let t = 0;
  return () => new Date(Date.UTC(2024, 0, 1, 9, 0, 0) + 1000 * t++);
}

/** The rows a session wrote, as they come back from the logs next time. */
function asLog(rows: readonly ScreenRow[], reviewer = 'alice'): DecisionRow[] {
  return rows.map((r, i) => ({ time: r.time, recordId: r.recordId, decision: r.decision, reason: r.reason, note: r.note, reviewer, stage: 'title-abstract', role: 'reviewer', file: `${reviewer}.csv`, line: i + 2 }));
}
/** The order log as the screen command writes it: sample tags for decided rows, then the order-only rows of each step. */
function orderLogOf(steps: { rows: ScreenRow[]; orderRows: OrderRow[] }[]): OrderLogRow[] {
  const out: OrderLogRow[] = [];
  for (const step of steps) {
    for (const r of step.rows) if (r.decision !== 'retract' && r.decision !== 'stop') out.push({ time: r.time, recordId: r.recordId, order: r.shownBy ?? 'file', line: out.length + 2 });
    for (const o of step.orderRows) out.push({ ...o, line: out.length + 2 });
  }
  return out;
}

function session(options: { protocol?: Protocol; rows?: DecisionRow[]; orderLog?: OrderLogRow[]; reviewer?: string; now?: () => Date } = {}): ScreenState {
  const protocol = options.protocol ?? protocolWith();
  const state = assessReview(protocol, RECORDS, options.rows ?? []);
  return startScreen({ state, protocol, stage: 'title-abstract', reviewer: options.reviewer ?? 'alice', now: options.now ?? ticking(), orderLog: options.orderLog, drawSeed: () => SEED });
}

/** Press keys one at a time, keeping each step's rows and order rows (what the terminal would save). */
function run(start: ScreenState, typed: string[]) {
  let state = start;
  const steps: { rows: ScreenRow[]; orderRows: OrderRow[] }[] = [];
  let quit = false;
  for (const key of typed) {
    const step = press(state, key);
    steps.push({ rows: step.rows, orderRows: step.orderRows ?? [] });
    state = step.state;
    if (step.quit) {
      quit = true;
      break;
    }
  }
  return { state, steps, rows: steps.flatMap((s) => s.rows), orderRows: steps.flatMap((s) => s.orderRows), quit };
}

const keys = (typed: string) => [...typed].map((k) => (k === '⏎' ? KEY.enter : k === '⎋' ? KEY.escape : k));
const onScreen = (s: ScreenState) => currentStudy(s)?.id;
const text = (s: ScreenState) => renderScreen(s, { width: 100 }).lines.join('\n');

/** Exclude (no reason) the record on screen, `n` times. */
const excludeTimes = (n: number) => 'e0'.repeat(n);

describe('the stop key without an adopted rule', () => {
  it('is refused, saying why and where a rule is adopted', () => {
    const s = run(session({ protocol: protocolWith({}) }), keys('e0e0r'));
    expect(s.rows).toHaveLength(2);
    expect(s.state.message).toContain('the protocol adopts no stopping rule');
    expect(s.state.message).toContain('"stoppingRule"');
    expect(s.state.mode.kind).toBe('record');
    expect(stoppingLine(s.state)).toBeUndefined();
    expect(text(s.state)).not.toContain('r stop rule');
  });
});

describe('the stop key under {consecutiveIrrelevant: 2, randomSample: 3}', () => {
  it('counts the streak, refuses a draw before it is reached, then offers one', () => {
    const first = run(session(), keys('e0r'));
    expect(first.state.message).toBe("the rule's random sample comes after 2 irrelevant records in a row; you have 1 (1 to go)");
    expect(stoppingLine(first.state)).toBe('Stopping rule: 1 of 2 irrelevant in a row, then a random sample of 3.');
    // An include resets the streak.
    const reset = run(first.state, keys('ie0'));
    expect(stoppingOf(reset.state)!.streak).toBe(1);
    const reached = run(reset.state, keys('e0'));
    expect(reached.state.message).toContain('2 irrelevant in a row: the rule\'s streak is reached; r draws its random sample of 3');
    expect(stoppingLine(reached.state)).toContain('r draws its random sample of 3');
    // Any key but y leaves without drawing; nothing is written.
    const help = run(reached.state, keys('?'));
    expect(text(help.state)).toContain('r  stopping rule: after 2 irrelevant in a row, draw a random sample of 3');
    const declined = run(reached.state, keys('rn'));
    expect(declined.steps[0].orderRows).toEqual([]);
    expect(declined.state.message).toBe('no sample drawn; screening goes on');
    expect(stoppingOf(declined.state)!.sample.kind).toBe('none');
  });

  it('draws M records at random from those the reviewer has not screened, logs the seed, and shows only them', () => {
    const before = run(session(), keys(excludeTimes(2)));
    const decided = new Set(before.rows.map((r) => r.recordId));
    const drawStep = run(before.state, keys('r'));
    expect(drawStep.state.mode).toEqual({ kind: 'confirm', purpose: 'draw' });
    expect(text(drawStep.state)).toContain('y draws · any other key goes on screening');
    const drawn = run(drawStep.state, keys('y'));
    expect(drawn.rows).toEqual([]);
    expect(drawn.orderRows).toEqual([{ time: expect.any(String), recordId: '*', order: `random-sample seed=${SEED} size=3 from=12` }]);
    // The draw, made independently: the seeded generator over the 12 unscreened ids.
    const expected = drawRandomSample(IDS.filter((id) => !decided.has(id)), 3, SEED);
    expect(expected).toHaveLength(3);
    const sample = stoppingOf(drawn.state)!.sample;
    expect(sample.kind === 'open' && sample.drawn).toEqual(expected);
    expect(onScreen(drawn.state)).toBe(expected[0]);
    expect(progressLine(drawn.state)).toContain('random sample 0/3, 0 includes');
    expect(text(drawn.state)).toContain(`random sample (seed ${SEED})`);

    // Each exclusion counts, tagged for the order log; a record outside the sample cannot be decided.
    const one = run(drawn.state, keys('e0'));
    expect(one.rows[0]).toMatchObject({ recordId: expected[0], decision: 'exclude', shownBy: `random-sample seed=${SEED}` });
    expect(progressLine(one.state)).toContain('random sample 1/3, 0 includes');
    const outside = IDS.find((id) => !decided.has(id) && !expected.includes(id))!;
    const searched = run(one.state, keys(`/${outside}⏎i`));
    expect(searched.rows).toEqual([]);
    expect(searched.state.message).toContain('you are screening the random sample (1/3, 0 includes)');
    const back = run(searched.state, keys('s'));
    expect(onScreen(back.state)).toBe(expected[1]);

    // Undo within the sample un-counts that record and shows it again.
    const undone = run(back.state, keys('e0u'));
    expect(undone.rows.map((r) => [r.recordId, r.decision])).toEqual([
      [expected[1], 'exclude'],
      [expected[1], 'retract'],
    ]);
    expect(progressLine(undone.state)).toContain('random sample 1/3, 0 includes');
    expect(onScreen(undone.state)).toBe(expected[1]);

    // All three excluded: the rule is met, the stop key asks, `y` appends the stop row and ends the session.
    const complete = run(undone.state, keys('e0e0'));
    expect(complete.state.message).toContain('Random sample complete: 3 of 3 excluded, so the rule is met; r stops screening');
    expect(stoppingLine(complete.state)).toContain('Stopping rule met: 5 irrelevant in a row');
    const asked = run(complete.state, keys('r'));
    expect(asked.state.mode).toEqual({ kind: 'confirm', purpose: 'stop' });
    expect(text(asked.state)).toContain("y stops · any other key goes on screening");
    const stopped = run(asked.state, keys('y'));
    expect(stopped.quit).toBe(true);
    expect(stopped.rows).toEqual([
      { time: expect.any(String), recordId: '*', decision: 'stop', reason: 'stop after 2 consecutive irrelevant records and a random sample of 3 with no includes', note: drawnSampleNote(SEED) },
    ]);
    expect(stopSampleOf(stopped.rows[0])).toEqual({ drawn: true, seed: SEED });
    expect(stoppingLine(stopped.state)).toContain('you stopped screening under it');
  });

  it('an include in the sample ends it: the rule is not met, the streak starts again, the queue comes back', () => {
    const drawn = run(session(), keys(`${excludeTimes(2)}ry`));
    const queueRecord = drawn.state.ctx.queue[drawn.state.cursor]?.id;
    const sample = stoppingOf(drawn.state)!.sample;
    if (sample.kind !== 'open') throw new Error('no sample');
    const ended = run(drawn.state, keys('e0i'));
    expect(ended.rows.map((r) => r.recordId)).toEqual(sample.drawn.slice(0, 2));
    expect(ended.state.message).toContain('An include in the random sample: the rule is not met, so the sample ends');
    expect(stoppingOf(ended.state)!.sample.kind).toBe('include');
    expect(stoppingOf(ended.state)!.streak).toBe(0);
    expect(stoppingLine(ended.state)).toBe('Stopping rule: 0 of 2 irrelevant in a row, then a random sample of 3.');
    expect(progressLine(ended.state)).not.toContain('random sample');
    // Back to the queue: the record shown is one still waiting, and deciding it is allowed again.
    const next = onScreen(ended.state)!;
    expect(ended.rows.map((r) => r.recordId)).not.toContain(next);
    if (queueRecord && !sample.drawn.includes(queueRecord)) expect(next).toBe(queueRecord);
    expect(run(ended.state, keys('e0')).rows).toHaveLength(1);
    // Undoing the include reopens the sample where it was.
    const reopened = run(ended.state, keys('u'));
    expect(stoppingOf(reopened.state)!.sample.kind).toBe('open');
    expect(onScreen(reopened.state)).toBe(sample.drawn[1]);
  });

  it('an undo back to before the draw withdraws the sample, and logs that', () => {
    const drawn = run(session(), keys(`${excludeTimes(2)}ry`));
    const undone = run(drawn.state, keys('u'));
    expect(undone.rows.map((r) => r.decision)).toEqual(['retract']);
    expect(undone.orderRows).toEqual([{ time: undone.rows[0].time, recordId: '*', order: `random-sample seed=${SEED} withdrawn` }]);
    expect(undone.state.message).toContain('the random sample (seed 424242) is withdrawn');
    expect(stoppingOf(undone.state)!.sample.kind).toBe('withdrawn');
    expect(stoppingOf(undone.state)!.streak).toBe(1);
    expect(run(undone.state, keys('r')).state.message).toContain('you have 1 (1 to go)');
  });

  it('a session that ends halfway through the sample resumes it with the same records, nothing lost', () => {
    const now = ticking();
    const first = run(session({ now }), keys(`${excludeTimes(2)}rye0`));
    const sample = stoppingOf(first.state)!.sample;
    if (sample.kind !== 'open') throw new Error('no sample');
    // The process dies here; next time the logs are all there is.
    const again = session({ rows: asLog(first.rows), orderLog: orderLogOf(first.steps), now });
    const resumed = stoppingOf(again)!.sample;
    expect(resumed.kind).toBe('open');
    expect(resumed.kind === 'open' && resumed.drawn).toEqual(sample.drawn);
    expect(onScreen(again)).toBe(sample.drawn[1]);
    expect(progressLine(again)).toContain('random sample 1/3, 0 includes');
    // Finished and stopped in the second session: the check sees both sessions' rows.
    const done = run(again, keys('e0e0ry'));
    expect(done.quit).toBe(true);
    expect(done.rows.at(-1)).toMatchObject({ recordId: '*', decision: 'stop', note: drawnSampleNote(SEED) });
  });

  it('going on screening after a complete sample leaves it behind: the key offers a new draw, not a stop', () => {
    const first = run(session(), keys(`${excludeTimes(2)}rye0e0e0`));
    expect(stoppingOf(first.state)!.sample.kind).toBe('complete');
    const more = run(first.state, keys('e0'));
    expect(stoppingOf(more.state)!.sample.kind).toBe('stale');
    expect(run(more.state, keys('r')).state.mode).toEqual({ kind: 'confirm', purpose: 'draw' });
  });

  it('a stop the logs do not bear out is refused on screen with the reason, and nothing is written', () => {
    const now = ticking();
    const first = run(session({ now }), keys(`${excludeTimes(2)}rye0e0e0`));
    // The protocol's M changed after the draw: the sample of 3 is not the rule's sample of 4.
    const protocol = protocolWith({ stoppingRule: { consecutiveIrrelevant: 2, randomSample: 4 } });
    const again = session({ protocol, rows: asLog(first.rows), orderLog: orderLogOf(first.steps), now });
    expect(stoppingOf(again)!.sample.kind).toBe('complete');
    const refused = run(again, keys('ry'));
    expect(refused.quit).toBe(false);
    expect(refused.rows).toEqual([]);
    expect(refused.state.message).toContain('the random sample drew 3 record(s), and the rule asks for 4');
  });

  it('in blind mode the streak and the sample are the reviewer\'s own', () => {
    const protocol = protocolWith({ stoppingRule: { consecutiveIrrelevant: 2, randomSample: 3 }, reviewers: 2 }, { blind: true });
    const bob: DecisionRow[] = IDS.slice(0, 6).map((id, i) => ({ time: `2023-01-01T00:00:0${i}.000Z`, recordId: id, decision: 'include', reason: '', note: '', reviewer: 'bob', stage: 'title-abstract', role: 'reviewer', file: 'bob.csv', line: i + 2 }));
    const s = run(session({ protocol, rows: bob }), keys(`${excludeTimes(2)}ry`));
    expect(stoppingOf(s.state)!.streak).toBe(2);
    const sample = stoppingOf(s.state)!.sample;
    // Bob's includes neither break alice's streak nor leave the population: 12 records alice has not screened.
    expect(s.orderRows[0].order).toBe(`random-sample seed=${SEED} size=3 from=12`);
    expect(sample.kind === 'open' && sample.drawn).toEqual(drawRandomSample(IDS.filter((id) => !s.rows.some((r) => r.recordId === id)), 3, SEED));
  });
});

describe('the stop key in screening.keys', () => {
  it('defaults to r, can be remapped, and steps aside for a protocol that gave r to another action', () => {
    expect(screenKeys(protocolWith()).keys.byAction.stop).toBe('r');
    expect(screenKeys(protocolWith(undefined, { keys: { stop: 'k' } })).keys.byAction.stop).toBe('k');
    const older = screenKeys(protocolWith(undefined, { keys: { include: 'r' } }));
    expect(older.problem).toBeUndefined();
    expect(older.keys.byAction.stop).toBe('x');
    expect(screenKeys(protocolWith(undefined, { keys: { stop: 'i' } })).problem).toContain('"i" would be the key of both include and stop');
    const remapped = pressAll(session({ protocol: protocolWith(undefined, { keys: { stop: 'k' } }) }), keys('e0k'));
    expect(remapped.state.message).toContain('you have 1 (1 to go)');
  });
});
