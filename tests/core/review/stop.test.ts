import { describe, it, expect } from 'vitest';
import { assessReview } from '../../../src/core/review/derive.js';
import { flowImbalances } from '../../../src/core/review/flow.js';
import { checkStop } from '../../../src/core/review/check-decision.js';
import { checkStopRule, decisionOrderLabels } from '../../../src/core/review/stop.js';
import { ProtocolSchema, type Protocol } from '../../../src/model/protocol.js';
import type { DecisionRow, DecisionValue } from '../../../src/model/decision.js';
import { flowText, flowCsv } from '../../../src/report/flow.js';
import { rec } from '../../helpers/records.js';

/** Ten distinct records; one criterion excludes the two about hospitals. */
const RECORDS = Array.from({ length: 10 }, (_, i) =>
  rec({ id: `db:${i + 1}`, title: i < 2 ? `Hospital discharge study ${i}` : `Social work topic number ${i} ${'abcdefghij'[i]}`, authors: `Author${i}, A.`, year: 2000 + i }),
);

function protocol(stoppingRule?: { consecutiveIrrelevant: number; randomSample: number }, reportCriteriaAsAutomation = false): Protocol {
  return ProtocolSchema.parse({
    title: 'stop test',
    sources: [{ key: 'db', database: 'DB', file: 'db.ris', searchDate: '2020-01-01', searchString: 'x' }],
    titleAbstract: { criteria: [{ id: 'sw', query: '"social work"', reason: 'Not social work' }], reportCriteriaAsAutomation, ...(stoppingRule ? { stoppingRule } : {}) },
    fullText: { exclusionReasons: [{ id: 'x', label: 'X' }] },
    extraction: { fields: [] },
  });
}

let line = 1;
function row(recordId: string, decision: DecisionValue, reviewer = 'alice', extra: Partial<DecisionRow> = {}): DecisionRow {
  line++;
  return { time: `2020-01-01T00:00:${String(line).padStart(2, '0')}.000Z`, recordId, decision, reason: '', note: '', reviewer, stage: 'title-abstract', role: 'reviewer', file: `${reviewer}.csv`, line, ...extra };
}

// db:3 included, then db:4 .. db:7 excluded: a streak of 4; db:8 .. db:10 never screened.
const decided = (): DecisionRow[] => [row('db:3', 'include'), row('db:4', 'exclude'), row('db:5', 'exclude'), row('db:6', 'exclude'), row('db:7', 'exclude')];

describe('stopping under the protocol\'s rule', () => {
  it('without a stop row nothing changes: the unscreened records stay pending', () => {
    const state = assessReview(protocol({ consecutiveIrrelevant: 2, randomSample: 2 }), RECORDS, decided());
    expect(state.flow.title_abstract_pending).toBe(3);
    expect(state.flow.excluded_automatic).toBe(0);
    expect('stopping_rule' in state.flow).toBe(false);
  });

  it('a stop row turns the unscreened studies into excluded_automatic, names the rule, and the flow balances', () => {
    const rows = decided();
    const stop = row('*', 'stop', 'alice', { reason: 'rule' });
    const state = assessReview(protocol({ consecutiveIrrelevant: 2, randomSample: 2 }), RECORDS, [...rows, stop]);
    const f = state.flow;
    expect(f.title_abstract_pending).toBe(0);
    expect(f.title_abstract_stopped).toBe(3);
    expect(f.excluded_automatic).toBe(3);
    expect(f.records_screened).toBe(7);
    expect(f.records_excluded).toBe(2 + 4);
    expect(f.stopping_rule).toBe('stop after 2 consecutive irrelevant records and a random sample of 2 with no includes');
    expect(f.stopped_at).toBe(stop.time);
    expect(f.stopped_by).toBe('alice');
    // A stop row that does not claim a litscreen draw is the reviewer's word, and the flow says so.
    expect(f.stopping_sample).toBe("random sample on the reviewer's word (screened outside litscreen, not checked)");
    expect(flowImbalances(f)).toEqual([]);
    // Only db:3, included, waits (at full text).
    expect(state.problems.map((p) => p.message)).toEqual(['db:3: pending at full text (included at title/abstract, no decision yet)']);
    expect(state.studyById.get('db:9')!.status).toBe('excluded-by-stopping-rule');
    expect(state.decisions.unknownIds).toEqual([]);
    // The criteria stay screening exclusions, and the text says which rule and when.
    expect(flowText(f, 't')).toContain('by a-priori criteria');
    expect(flowText(f, 't')).toContain(`unscreened when screening stopped under the stopping rule (${f.stopping_rule}; ${f.stopping_sample}; ${stop.time}, alice)`);
    expect(flowCsv(f)).toContain('title_abstract_stopped');
  });

  it('balances with the criteria reported as automation too', () => {
    const state = assessReview(protocol({ consecutiveIrrelevant: 2, randomSample: 2 }, true), RECORDS, [...decided(), row('*', 'stop')]);
    expect(state.flow.excluded_automatic).toBe(2 + 3);
    expect(flowImbalances(state.flow)).toEqual([]);
  });

  it('a record a reviewer said maybe to stays pending', () => {
    const state = assessReview(protocol({ consecutiveIrrelevant: 2, randomSample: 2 }), RECORDS, [...decided(), row('db:8', 'maybe'), row('*', 'stop')]);
    expect(state.flow.title_abstract_pending).toBe(1);
    expect(state.flow.title_abstract_stopped).toBe(2);
  });

  it('without an adopted rule a stop row changes nothing and is a problem', () => {
    const state = assessReview(protocol(), RECORDS, [...decided(), row('*', 'stop')]);
    expect(state.flow.title_abstract_pending).toBe(3);
    expect(state.flow.excluded_automatic).toBe(0);
    const kinds = state.problems.map((p) => p.kind);
    expect(kinds).toContain('stopping-rule');
    expect(kinds).not.toContain('unknown-id');
  });

  it('a stop row the reviewer\'s log does not bear out is a problem (verify), and a retract of * takes a stop back', () => {
    const early = assessReview(protocol({ consecutiveIrrelevant: 4, randomSample: 2 }), RECORDS, [...decided(), row('*', 'stop')]);
    expect(early.problems.find((p) => p.kind === 'stopping-rule')?.message).toContain('needs 6');
    const taken = assessReview(protocol({ consecutiveIrrelevant: 2, randomSample: 2 }), RECORDS, [...decided(), row('*', 'stop'), row('*', 'retract')]);
    expect(taken.flow.title_abstract_pending).toBe(3);
    expect(taken.flow.stopping_rule).toBeUndefined();
  });

  it('with two reviewers required, screening stops once both have stopped', () => {
    const p = ProtocolSchema.parse({ ...protocol({ consecutiveIrrelevant: 1, randomSample: 0 }), titleAbstract: { ...protocol({ consecutiveIrrelevant: 1, randomSample: 0 }).titleAbstract, reviewers: 2 } });
    const rows = [row('db:3', 'exclude'), row('db:3', 'exclude', 'bob'), row('*', 'stop')];
    expect(assessReview(p, RECORDS, rows).flow.title_abstract_pending).toBe(7);
    const both = assessReview(p, RECORDS, [...rows, row('*', 'stop', 'bob')]);
    expect(both.flow.title_abstract_stopped).toBe(7);
    expect(both.flow.stopped_by).toBe('alice, bob');
    expect(flowImbalances(both.flow)).toEqual([]);
  });

  it('the streak counts standing decisions in the order made', () => {
    const resolve = (id: string) => id;
    expect(checkStopRule({ consecutiveIrrelevant: 2, randomSample: 1 }, decisionOrderLabels(decided(), resolve))).toEqual({ streak: 4, needed: 3, holds: true });
    // Retracting db:7 and deciding db:4 again as include ends the streak there.
    const changed = [...decided(), row('db:7', 'retract'), row('db:4', 'include')];
    expect(checkStopRule({ consecutiveIrrelevant: 1, randomSample: 0 }, decisionOrderLabels(changed, resolve)).streak).toBe(0);
  });

  it('decide --stop is refused without a rule, before the rule holds, and without the sample', () => {
    const none = assessReview(protocol(), RECORDS, decided());
    expect(() => checkStop(none, protocol(), { stage: 'title-abstract', reviewer: 'alice', sampleChecked: true })).toThrow(/adopts no stopping rule/);
    const strict = protocol({ consecutiveIrrelevant: 4, randomSample: 2 });
    expect(() => checkStop(assessReview(strict, RECORDS, decided()), strict, { stage: 'title-abstract', reviewer: 'alice', sampleChecked: true })).toThrow(/needs 6/);
    const rule = protocol({ consecutiveIrrelevant: 2, randomSample: 2 });
    const state = assessReview(rule, RECORDS, decided());
    expect(() => checkStop(state, rule, { stage: 'title-abstract', reviewer: 'alice' })).toThrow(/--sample-checked/);
    expect(() => checkStop(state, rule, { stage: 'full-text', reviewer: 'alice', sampleChecked: true })).toThrow(/title-abstract/);
    expect(checkStop(state, rule, { stage: 'title-abstract', reviewer: 'alice', sampleChecked: true })).toMatchObject({ recordId: '*', decision: 'stop' });
  });
});
