import { describe, it, expect } from 'vitest';
import { foldDecisions, stageOutcome, awaitsReviewer } from '../../../src/core/review/decisions.js';
import type { DecisionRole, DecisionRow, DecisionValue, Stage } from '../../../src/model/decision.js';

let line = 1;
function row(reviewer: string, recordId: string, decision: DecisionValue, stage: Stage = 'title-abstract', reason = '', role: DecisionRole = 'reviewer'): DecisionRow {
  return { time: `2018-01-22T09:00:${String(line).padStart(2, '0')}Z`, recordId, decision, reason, note: '', reviewer, stage, role, file: `${reviewer}.csv`, line: ++line };
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

describe('maybe, retract, override, two reviewers and an adjudicator', () => {
  const outcome = (rows: DecisionRow[], required = 1, stage: Stage = 'title-abstract') => stageOutcome(foldDecisions(rows, resolve), stage, 'a', required);

  it('a maybe keeps the study pending, also when another reviewer decided', () => {
    expect(outcome([row('alice', 'a', 'maybe')]).status).toBe('pending');
    expect(outcome([row('alice', 'a', 'include'), row('bob', 'a', 'maybe')]).status).toBe('pending');
    expect(outcome([row('alice', 'a', 'maybe'), row('alice', 'a', 'include')]).status).toBe('include');
  });

  it('a retraction takes the reviewer\'s decision back, and the history keeps both rows', () => {
    const rows = [row('alice', 'a', 'exclude'), row('alice', 'a', 'retract')];
    expect(outcome(rows).status).toBe('pending');
    expect(outcome(rows).latestByReviewer.size).toBe(0);
    expect(foldDecisions(rows, resolve).history.get('title-abstract')!.get('a')!.map((r) => r.decision)).toEqual(['exclude', 'retract']);
    // Retracting one side of a conflict ends the conflict.
    expect(outcome([row('alice', 'a', 'include'), row('bob', 'a', 'exclude'), row('bob', 'a', 'retract')]).status).toBe('include');
  });

  it('with two reviewers required, one vote is pending and two agreeing votes decide', () => {
    expect(outcome([row('alice', 'a', 'include')], 2).status).toBe('pending');
    expect(outcome([row('alice', 'a', 'include'), row('bob', 'a', 'include')], 2).status).toBe('include');
    expect(outcome([row('alice', 'a', 'include'), row('bob', 'a', 'exclude')], 2).status).toBe('conflict');
  });

  it('an override counts as an include and is named', () => {
    const o = outcome([row('alice', 'a', 'override', 'title-abstract', 'criterion missed a synonym')]);
    expect(o.status).toBe('include');
    expect(o.override?.reviewer).toBe('alice');
  });

  it('an adjudicator settles a conflict; the reviewers\' votes are kept and still disagree', () => {
    const rows = [row('alice', 'a', 'include'), row('bob', 'a', 'exclude'), row('carol', 'a', 'exclude', 'title-abstract', 'off topic', 'adjudicator')];
    const o = outcome(rows, 2);
    expect(o.status).toBe('exclude');
    expect(o.reason).toBe('off topic');
    expect(o.reviewersDisagree).toBe(true);
    expect([...o.latestByReviewer.keys()].sort()).toEqual(['alice', 'bob']);
    // The adjudicator retracts: the conflict is back.
    expect(outcome([...rows, row('carol', 'a', 'retract', 'title-abstract', '', 'adjudicator')], 2).status).toBe('conflict');
  });

  it('a study waits for a reviewer only while it needs their vote', () => {
    const one = outcome([row('alice', 'a', 'include')], 2);
    expect(awaitsReviewer(one, 'bob', 2)).toBe(true);
    expect(awaitsReviewer(one, 'alice', 2)).toBe(false);
    const maybe = outcome([row('alice', 'a', 'maybe')], 1);
    expect(awaitsReviewer(maybe, 'alice', 1)).toBe(false);
    expect(awaitsReviewer(maybe, 'bob', 1)).toBe(true);
    const two = outcome([row('alice', 'a', 'include'), row('bob', 'a', 'include')], 2);
    expect(awaitsReviewer(two, 'carol', 2)).toBe(false);
  });
});
