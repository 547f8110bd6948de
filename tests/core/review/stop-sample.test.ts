import { describe, it, expect } from 'vitest';
import { assessReview } from '../../../src/core/review/derive.js';
import { checkStop } from '../../../src/core/review/check-decision.js';
import { checkDrawnSample, parseSampleCell, sampleDrawCell, sampleFromLogs, sampleRecordCell, sampleWithdrawnCell, type OrderLogRow, type SampleLogs } from '../../../src/core/review/stop.js';
import { drawRandomSample } from '../../../src/core/screening/stopping.js';
import { seededRandom } from '../../../src/core/random.js';
import { ProtocolSchema, type Protocol } from '../../../src/model/protocol.js';
import type { DecisionRow, DecisionValue } from '../../../src/model/decision.js';
import { rec } from '../../helpers/records.js';

/**
 * The random sample of the stopping rule, checked from the logs rather than the reviewer's word:
 * the draw is made again from the order log's seed and the decision log, and compared.
 */

const IDS = Array.from({ length: 20 }, (_, i) => `db:${String(i + 1).padStart(2, '0')}`);
const RECORDS = IDS.map((id, i) => rec({ id, title: `Record ${i + 1} on subject ${'abcdefghijklmnopqrst'[i]}` }));
const RULE = { consecutiveIrrelevant: 3, randomSample: 4 };

function protocol(rule: { consecutiveIrrelevant: number; randomSample: number } | undefined = RULE): Protocol {
  return ProtocolSchema.parse({
    title: 'sample',
    sources: [{ key: 'db', database: 'DB', file: 'db.ris', searchDate: '2020-01-01', searchString: 'x' }],
    titleAbstract: rule ? { stoppingRule: rule } : {},
    fullText: { exclusionReasons: [{ id: 'x', label: 'X' }] },
    extraction: { fields: [] },
  });
}

/** The reviewer's log and order log, written row by row as the screen would write them. */
function logs() {
  const rows: DecisionRow[] = [];
  const orderRows: OrderLogRow[] = [];
  let second = 0;
  const time = () => `2024-05-01T10:${String(Math.floor(second / 60)).padStart(2, '0')}:${String(second++ % 60).padStart(2, '0')}.000Z`;
  return {
    rows,
    orderRows,
    decide(recordId: string, decision: DecisionValue, order = 'relevance') {
      const t = time();
      rows.push({ time: t, recordId, decision, reason: '', note: '', reviewer: 'alice', stage: 'title-abstract', role: 'reviewer', file: 'alice.csv', line: rows.length + 2 });
      if (decision !== 'retract') orderRows.push({ time: t, recordId, order, line: orderRows.length + 2 });
    },
    draw(seed: number, size: number, from: number) {
      orderRows.push({ time: time(), recordId: '*', order: sampleDrawCell(seed, size, from), line: orderRows.length + 2 });
    },
  };
}

const SEED = 987654;
/** An include, then three excludes (the streak), then the draw over the 16 left, then its records excluded. */
function screenedUnderTheRule(decideSample: (drawn: string[], log: ReturnType<typeof logs>) => void = (drawn, log) => drawn.forEach((id) => log.decide(id, 'exclude', sampleRecordCell(SEED)))) {
  const log = logs();
  log.decide('db:01', 'include');
  for (const id of ['db:02', 'db:03', 'db:04']) log.decide(id, 'exclude');
  log.draw(SEED, 4, 16);
  const drawn = drawRandomSample(IDS.slice(4), 4, SEED);
  decideSample(drawn, log);
  return { log, drawn };
}
const input = (log: ReturnType<typeof logs>, extra: Partial<SampleLogs> = {}): SampleLogs => ({ rows: log.rows, orderRows: log.orderRows, candidates: IDS, resolveStudy: (id) => (IDS.includes(id) ? id : undefined), ...extra });

describe('the draw', () => {
  it('is a partial Fisher-Yates shuffle of the sorted ids by the project\'s seeded generator, so it can be made again anywhere', () => {
    // The algorithm written out again: a change to drawRandomSample would make every logged sample fail verify.
    const reference = (ids: string[], size: number, seed: number) => {
      const a = [...ids].sort();
      const random = seededRandom(seed);
      for (let i = 0; i < size; i++) {
        const j = i + Math.floor(random() * (a.length - i));
        [a[i], a[j]] = [a[j], a[i]];
      }
      return a.slice(0, size);
    };
    for (const seed of [1, 2, 99, 2147483646]) expect(drawRandomSample(IDS, 5, seed)).toEqual(reference(IDS, 5, seed));
    // The order the ids come in does not matter; the seed does.
    expect(drawRandomSample([...IDS].reverse(), 5, 7)).toEqual(drawRandomSample(IDS, 5, 7));
    expect(drawRandomSample(IDS, 5, 7)).not.toEqual(drawRandomSample(IDS, 5, 8));
    expect(new Set(drawRandomSample(IDS, 20, 3)).size).toBe(20);
    expect(drawRandomSample(IDS.slice(0, 2), 5, 3)).toHaveLength(2);
  });

  it('draws every record about equally often over many seeds', () => {
    const counts = new Map<string, number>();
    for (let seed = 1; seed <= 4000; seed++) for (const id of drawRandomSample(IDS, 5, seed)) counts.set(id, (counts.get(id) ?? 0) + 1);
    // Each of 20 ids is expected 4000 × 5/20 = 1000 times; binomial sd ≈ 27.
    for (const id of IDS) expect(Math.abs(counts.get(id)! - 1000)).toBeLessThan(120);
  });

  it('reads its order cells tolerantly, and nothing else as one', () => {
    expect(parseSampleCell(sampleDrawCell(12, 50, 4321))).toEqual({ kind: 'draw', seed: 12, size: 50, from: 4321 });
    expect(parseSampleCell(' Random-Sample  seed=12 ')).toEqual({ kind: 'record', seed: 12 });
    expect(parseSampleCell(sampleWithdrawnCell(12))).toEqual({ kind: 'withdrawn', seed: 12 });
    for (const other of ['relevance', 'random (seed 1)', 'random-sample', 'random-sample seed=x']) expect(parseSampleCell(other)).toBeUndefined();
  });
});

describe('a sample checked from the logs', () => {
  it('holds when the records decided after the draw are exactly the drawn ones, all excluded, after N excludes in a row', () => {
    const { log, drawn } = screenedUnderTheRule();
    const status = sampleFromLogs(input(log));
    expect(status).toMatchObject({ kind: 'complete', drawn, excluded: drawn, included: [], undecided: [], strays: [], notDrawn: [], streakBefore: 3 });
    expect(checkDrawnSample(RULE, status)).toEqual({ ok: true, draw: expect.objectContaining({ seed: SEED, size: 4, from: 16 }) });
  });

  it('refuses a hand-picked "sample", naming the record that was not in the draw', () => {
    const { log, drawn } = screenedUnderTheRule((drawn, log) => {
      const picked = IDS.slice(4).filter((id) => !drawn.includes(id)).slice(0, 1);
      [...drawn.slice(0, 3), ...picked].forEach((id) => log.decide(id, 'exclude', sampleRecordCell(SEED)));
    });
    const picked = log.rows.at(-1)!.recordId;
    expect(drawn).not.toContain(picked);
    const check = checkDrawnSample(RULE, sampleFromLogs(input(log)));
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toContain(`${picked} is logged as a random-sample record (order log line ${log.orderRows.at(-1)!.line}) but was not in the draw (seed ${SEED})`);
    // The same picks without the tags: the record decided after the draw is named all the same.
    const untagged = { ...log, orderRows: log.orderRows.map((o) => (o.recordId === picked ? { ...o, order: 'relevance' } : o)) };
    const again = checkDrawnSample(RULE, sampleFromLogs(input(untagged as ReturnType<typeof logs>)));
    expect(!again.ok && again.message).toContain(`${picked} was decided after the random sample was drawn (seed ${SEED}) but was not in the draw`);
  });

  it('refuses a draw row whose seed was edited: the records no longer match the draw', () => {
    const { log } = screenedUnderTheRule();
    const forged = log.orderRows.map((o) => (o.recordId === '*' ? { ...o, order: sampleDrawCell(SEED + 1, 4, 16) } : o.order.startsWith('random-sample') ? { ...o, order: sampleRecordCell(SEED + 1) } : o));
    const check = checkDrawnSample(RULE, sampleFromLogs(input({ ...log, orderRows: forged } as ReturnType<typeof logs>)));
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(/^db:\d+ is logged as a random-sample record .* but was not in the draw \(seed 987655\)/);
  });

  it('says what is missing: an include, an unfinished sample, a short streak, a changed review, a withdrawn draw', () => {
    const withInclude = screenedUnderTheRule((drawn, log) => drawn.forEach((id, i) => log.decide(id, i === 2 ? 'include' : 'exclude', sampleRecordCell(SEED))));
    expect(checkDrawnSample(RULE, sampleFromLogs(input(withInclude.log)))).toEqual({ ok: false, message: `${withInclude.drawn[2]} in the random sample (seed ${SEED}) is an include, so the rule is not met` });

    const unfinished = screenedUnderTheRule((drawn, log) => drawn.slice(0, 2).forEach((id) => log.decide(id, 'exclude', sampleRecordCell(SEED))));
    const open = sampleFromLogs(input(unfinished.log));
    expect(open.kind).toBe('open');
    expect(checkDrawnSample(RULE, open)).toEqual({ ok: false, message: `the random sample (seed ${SEED}) is not finished: 2 of 4 excluded, ${unfinished.drawn[2]} still to decide` });

    const short = screenedUnderTheRule();
    expect(checkDrawnSample({ consecutiveIrrelevant: 4, randomSample: 4 }, sampleFromLogs(input(short.log)))).toEqual({
      ok: false,
      message: `before the random sample was drawn (seed ${SEED}) the last 3 record(s) decided were excludes in a row, and the rule needs 4`,
    });

    // A record left the review since the draw (a criterion now excludes it): the draw cannot be made again.
    const changed = sampleFromLogs(input(short.log, { candidates: IDS.slice(0, 19) }));
    expect(changed).toMatchObject({ kind: 'changed', fromNow: 15 });
    expect(!checkDrawnSample(RULE, changed).ok && (checkDrawnSample(RULE, changed) as { message: string }).message).toContain('16 record(s) were unscreened then, 15 by the logs now');

    const withdrawn = logs();
    withdrawn.decide('db:02', 'exclude');
    withdrawn.draw(5, 4, 19);
    withdrawn.orderRows.push({ time: '2024-05-01T11:00:00.000Z', recordId: '*', order: sampleWithdrawnCell(5), line: 99 });
    expect(sampleFromLogs(input(withdrawn)).kind).toBe('withdrawn');
    expect(sampleFromLogs(input(logs())).kind).toBe('none');
  });

  it('an undo inside the sample un-counts that record: a retract, then the same record excluded again', () => {
    const { log, drawn } = screenedUnderTheRule((drawn, log) => {
      log.decide(drawn[0], 'exclude', sampleRecordCell(SEED));
      log.decide(drawn[0], 'retract');
      expect(sampleFromLogs(input(log))).toMatchObject({ kind: 'open', excluded: [] });
      drawn.forEach((id) => log.decide(id, 'exclude', sampleRecordCell(SEED)));
    });
    expect(checkDrawnSample(RULE, sampleFromLogs(input(log)))).toMatchObject({ ok: true });
    expect(drawn).toHaveLength(4);
  });
});

describe('decide --stop (checkStop) with the order log', () => {
  it('writes a stop row that names the seed when the sample checks, and the reviewer\'s word only with --sample-checked', () => {
    const { log } = screenedUnderTheRule();
    const state = assessReview(protocol(), RECORDS, log.rows);
    const checked = checkStop(state, protocol(), { stage: 'title-abstract', reviewer: 'alice', orderRows: log.orderRows });
    expect(checked.note).toBe(`random sample drawn by litscreen (seed ${SEED}), checked against the order log`);
    // Without the order log the same decisions are only the reviewer's word.
    expect(() => checkStop(state, protocol(), { stage: 'title-abstract', reviewer: 'alice' })).toThrow(/the order log shows no random sample drawn by litscreen.*--sample-checked/);
    expect(checkStop(state, protocol(), { stage: 'title-abstract', reviewer: 'alice', sampleChecked: true }).note).toBe("random sample on the reviewer's word (--sample-checked), not checked by litscreen");
  });

  it('a hand-picked sample is refused even with --sample-checked', () => {
    const { log } = screenedUnderTheRule((drawn, log) => {
      const picked = IDS.slice(4).filter((id) => !drawn.includes(id)).slice(0, 4);
      picked.forEach((id) => log.decide(id, 'exclude', sampleRecordCell(SEED)));
    });
    const state = assessReview(protocol(), RECORDS, log.rows);
    for (const sampleChecked of [false, true]) {
      expect(() => checkStop(state, protocol(), { stage: 'title-abstract', reviewer: 'alice', orderRows: log.orderRows, sampleChecked })).toThrow(/does not hold for alice: db:\d+ is logged as a random-sample record .* but was not in the draw/);
    }
  });
});

describe('a stop in the flow', () => {
  it('says whether its sample was drawn by litscreen or is the reviewer\'s word', async () => {
    const { effectiveStop, describeStopSample, drawnSampleNote, REVIEWERS_WORD_NOTE } = await import('../../../src/core/review/stop.js');
    const stop = (note: string): DecisionRow => ({ time: '2024-01-01T00:00:00Z', recordId: '*', decision: 'stop', reason: 'rule', note, reviewer: 'alice', stage: 'title-abstract', role: 'reviewer', file: 'a.csv', line: 9 });
    const drawn = effectiveStop(protocol(), [stop(drawnSampleNote(5))])!;
    expect(drawn.sampleDrawnByLitscreen).toBe(true);
    expect(describeStopSample(drawn)).toBe('random sample drawn by litscreen and checked against the order log');
    const word = effectiveStop(protocol(), [stop(REVIEWERS_WORD_NOTE)])!;
    expect(word.sampleDrawnByLitscreen).toBe(false);
    expect(describeStopSample(word)).toContain("reviewer's word");
    // A row written before this change (any other note) is the reviewer's word too.
    expect(effectiveStop(protocol(), [stop('random sample checked by the reviewer')])!.sampleDrawnByLitscreen).toBe(false);
  });
});
