import { describe, it, expect } from 'vitest';
import { foldDecisions, stageOutcome } from '../../../src/core/review/decisions.js';
import type { DecisionRow, DecisionValue, Stage } from '../../../src/model/decision.js';

let line = 1;
function row(reviewer: string, recordId: string, decision: DecisionValue, stage: Stage = 'title-abstract', reason = ''): DecisionRow {
  return { time: `2018-01-22T09:00:${String(line).padStart(2, '0')}Z`, recordId, decision, reason, note: '', reviewer, stage, file: `${reviewer}.csv`, line: ++line };
}

// Record "b" is a duplicate of "a"; "x" is unknown.
const resolve = (id: string) => ({ a: 'a', b: 'a', c: 'c' } as Record<string, string>)[id];

describe('foldDecisions', () => {
  const cases: { name: string; rows: DecisionRow[]; study: string; stage?: Stage; status: string; reason?: string }[] = [
    { name: 'no decision is pending', rows: [], study: 'a', status: 'pending' },
    { name: 'one reviewer decides', rows: [row('alice', 'a', 'include')], study: 'a', status: 'include' },
    { name: 'the latest row of a reviewer counts', rows: [row('alice', 'a', 'exclude'), row('alice', 'a', 'include')], study: 'a', status: 'include' },
    { name: 'a decision on a duplicate applies to its cluster', rows: [row('alice', 'b', 'exclude')], study: 'a', status: 'exclude' },
    { name: 'latest across cluster members', rows: [row('alice', 'a', 'include'), row('alice', 'b', 'exclude')], study: 'a', status: 'exclude' },
    { name: 'two reviewers agreeing', rows: [row('alice', 'a', 'include'), row('bob', 'b', 'include')], study: 'a', status: 'include' },
    { name: 'two reviewers disagreeing leave a conflict', rows: [row('alice', 'a', 'include'), row('bob', 'a', 'exclude')], study: 'a', status: 'conflict' },
    { name: 'a conflict resolves when one reviewer changes', rows: [row('alice', 'a', 'include'), row('bob', 'a', 'exclude'), row('bob', 'a', 'include')], study: 'a', status: 'include' },
    {
      name: 'full-text exclusions with different reasons conflict',
      rows: [row('alice', 'c', 'exclude', 'full-text', 'not-empirical'), row('bob', 'c', 'exclude', 'full-text', 'not-social-work')],
      study: 'c',
      stage: 'full-text',
      status: 'conflict',
    },
    {
      name: 'full-text exclusions with the same reason agree',
      rows: [row('alice', 'c', 'exclude', 'full-text', 'not-empirical'), row('bob', 'c', 'exclude', 'full-text', 'not-empirical')],
      study: 'c',
      stage: 'full-text',
      status: 'exclude',
      reason: 'not-empirical',
    },
    { name: 'stages are separate', rows: [row('alice', 'c', 'include', 'title-abstract')], study: 'c', stage: 'full-text', status: 'pending' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const folded = foldDecisions(c.rows, resolve);
      const outcome = stageOutcome(folded, c.stage ?? 'title-abstract', c.study);
      expect(outcome.status).toBe(c.status);
      if (c.reason !== undefined) expect(outcome.reason).toBe(c.reason);
    });
  }

  it('keeps the whole history and reports unknown ids', () => {
    const rows = [row('alice', 'a', 'exclude'), row('alice', 'b', 'include'), row('alice', 'x', 'include')];
    const folded = foldDecisions(rows, resolve);
    expect(folded.history.get('title-abstract')!.get('a')!.map((r) => r.decision)).toEqual(['exclude', 'include']);
    expect(folded.unknownIds.map((r) => r.recordId)).toEqual(['x']);
  });
});
