import { describe, it, expect } from 'vitest';
import { agreementFigures, agreementAtStage, kappaBand, votingReviewers, type AgreementTable } from '../../../src/core/screening/agreement.js';
import { foldDecisions, stageOutcome } from '../../../src/core/review/decisions.js';
import type { ReviewState, Study, StudyStatus } from '../../../src/core/review/derive.js';
import type { DecisionRole, DecisionRow, DecisionValue, Stage } from '../../../src/model/decision.js';

const table = (bothInclude: number, onlyFirstIncludes: number, onlySecondIncludes: number, bothExclude: number): AgreementTable => ({
  bothInclude,
  onlyFirstIncludes,
  onlySecondIncludes,
  bothExclude,
});

describe('agreementFigures: the worked examples', () => {
  it('50 items: 20 / 5 / 10 / 15', () => {
    const f = agreementFigures(table(20, 5, 10, 15));
    expect(f.ratedByBoth).toBe(50);
    expect(f.observed).toBeCloseTo(0.7, 10);
    expect(f.chance).toBeCloseTo(0.5, 10);
    expect(f.kappa).toBeCloseTo(0.4, 10);
    expect(f.band).toBe('fair');
    expect(f.pabak).toBeCloseTo(0.4, 10);
    expect(f.ac1!.toFixed(3)).toBe('0.406');
    expect(f.undefinedBecause).toBeUndefined();
  });

  it('100 items: 5 / 5 / 5 / 85', () => {
    const f = agreementFigures(table(5, 5, 5, 85));
    expect(f.ratedByBoth).toBe(100);
    expect(f.observed).toBeCloseTo(0.9, 10);
    expect(f.chance).toBeCloseTo(0.82, 10);
    expect(f.kappa!.toFixed(3)).toBe('0.444');
    expect(f.band).toBe('moderate');
    expect(f.pabak).toBeCloseTo(0.8, 10);
    expect(f.ac1!.toFixed(3)).toBe('0.878');
  });

  it('swapping the reviewers changes nothing', () => {
    expect(agreementFigures(table(20, 10, 5, 15))).toEqual(agreementFigures(table(20, 5, 10, 15)));
  });
});

describe('agreementFigures: degenerate tables give null and a reason, never NaN', () => {
  const noNaN = (f: object) => expect(JSON.stringify(f)).not.toMatch(/NaN|Infinity/);

  it('no record in common', () => {
    const f = agreementFigures(table(0, 0, 0, 0));
    expect(f).toMatchObject({ ratedByBoth: 0, observed: null, chance: null, kappa: null, band: null, pabak: null, ac1: null });
    expect(f.undefinedBecause).toMatch(/no record/);
    noNaN(f);
  });

  it('both reviewers include everything: p_e = 1, kappa undefined, PABAK and AC1 are 1', () => {
    const f = agreementFigures(table(7, 0, 0, 0));
    expect(f).toMatchObject({ ratedByBoth: 7, observed: 1, chance: 1, kappa: null, band: null, pabak: 1, ac1: 1 });
    expect(f.undefinedBecause).toMatch(/chance agreement is 1/);
    noNaN(f);
  });

  it('both reviewers exclude everything', () => {
    const f = agreementFigures(table(0, 0, 0, 12));
    expect(f).toMatchObject({ kappa: null, pabak: 1, ac1: 1 });
    noNaN(f);
  });

  it('one record', () => {
    noNaN(agreementFigures(table(1, 0, 0, 0)));
    expect(agreementFigures(table(0, 1, 0, 0))).toMatchObject({ observed: 0, chance: 0, kappa: 0, band: 'slight', pabak: -1 });
  });

  it('always opposite: kappa -1, poor', () => {
    const f = agreementFigures(table(0, 5, 5, 0));
    expect(f.kappa).toBe(-1);
    expect(f.band).toBe('poor');
    expect(f.pabak).toBe(-1);
  });

  it('perfect agreement on both answers is 1, almost perfect', () => {
    expect(agreementFigures(table(3, 0, 0, 9))).toMatchObject({ kappa: 1, band: 'almost perfect', pabak: 1, ac1: 1 });
  });

  it('refuses what is not a count (a bug in the caller)', () => {
    expect(() => agreementFigures(table(-1, 0, 0, 0))).toThrow(/internal/);
    expect(() => agreementFigures(table(0.5, 0, 0, 0))).toThrow(/internal/);
  });
});

describe('Landis–Koch bands: a band holds its upper bound', () => {
  it.each([
    [-0.01, 'poor'],
    [0, 'slight'],
    [0.2, 'slight'],
    [0.2001, 'fair'],
    [0.4, 'fair'],
    [0.4001, 'moderate'],
    [0.6, 'moderate'],
    [0.61, 'substantial'],
    [0.8, 'substantial'],
    [0.81, 'almost perfect'],
    [1, 'almost perfect'],
  ])('kappa %s is %s', (kappa, band) => expect(kappaBand(kappa)).toBe(band));

  // Exactly on a boundary computed from a table: decided exactly, not by rounding noise.
  it.each([
    // kappa = 0.2 exactly: p_o 0.6, p_e 0.5
    [table(15, 10, 10, 15), 0.2, 'slight'],
    // kappa = 0.4 exactly (the first worked example)
    [table(20, 5, 10, 15), 0.4, 'fair'],
    // kappa = 0.6 exactly: p_o 0.8, p_e 0.5
    [table(20, 5, 5, 20), 0.6, 'moderate'],
    // kappa = 0.8 exactly: p_o 0.9, p_e 0.5
    [table(45, 5, 5, 45), 0.8, 'substantial'],
  ] as const)('a table with kappa exactly %#', (t, kappa, band) => {
    const f = agreementFigures(t);
    expect(f.kappa).toBeCloseTo(kappa, 12);
    expect(f.band).toBe(band);
  });
});

// ---- tables from the review state ----

let line = 1;
function row(reviewer: string, recordId: string, decision: DecisionValue, stage: Stage, reason = '', role: DecisionRole = 'reviewer'): DecisionRow {
  return { time: '2018-01-22T09:00:00Z', recordId, decision, reason, note: '', reviewer, stage, role, file: `${reviewer}.csv`, line: ++line };
}

/** A review state with just the studies these functions read: every study reached full text unless told. */
function stateOf(rows: DecisionRow[], ids: string[], status: (id: string) => StudyStatus = () => 'full-text-pending'): ReviewState {
  const folded = foldDecisions(rows, (id) => (ids.includes(id) ? id : undefined));
  const studies = ids.map(
    (id) =>
      ({
        id,
        status: status(id),
        titleAbstract: stageOutcome(folded, 'title-abstract', id, 2),
        fullText: stageOutcome(folded, 'full-text', id, 2),
      }) as unknown as Study,
  );
  return { studies } as unknown as ReviewState;
}

describe('agreementAtStage: tables from the reviewers\u2019 latest votes', () => {
  const ids = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
  const ft = 'full-text' as const;

  it('counts each reviewer\u2019s latest vote; a maybe and a retracted vote are no vote; override is include', () => {
    const rows = [
      row('alice', 'r1', 'include', ft),
      row('bob', 'r1', 'include', ft),
      row('alice', 'r2', 'include', ft),
      row('bob', 'r2', 'exclude', ft, 'not-empirical'),
      row('alice', 'r3', 'exclude', ft, 'not-empirical'),
      row('alice', 'r3', 'include', ft), // the latest counts
      row('bob', 'r3', 'exclude', ft, 'not-empirical'),
      row('alice', 'r4', 'exclude', ft, 'not-empirical'),
      row('bob', 'r4', 'not-retrieved', ft), // not include: agreement, but a conflict in the flow
      row('alice', 'r5', 'maybe', ft),
      row('bob', 'r5', 'include', ft),
      row('alice', 'r6', 'include', ft),
      row('bob', 'r6', 'include', ft),
      row('bob', 'r6', 'retract', ft),
    ];
    const [pair] = agreementAtStage(stateOf(rows, ids), ft);
    expect(pair.reviewers).toEqual(['alice', 'bob']);
    expect(pair.table).toEqual({ bothInclude: 1, onlyFirstIncludes: 2, onlySecondIncludes: 0, bothExclude: 1 });
    expect(pair.differentReasons).toBe(1);
    expect(pair.figures.ratedByBoth).toBe(4);
  });

  it('an adjudicator\u2019s decision replaces no vote, and the adjudicator is no rater', () => {
    const rows = [row('alice', 'r1', 'include', ft), row('bob', 'r1', 'exclude', ft, 'not-empirical'), row('carol', 'r1', 'include', ft, '', 'adjudicator')];
    const state = stateOf(rows, ids);
    expect(votingReviewers(state, ft)).toEqual(['alice', 'bob']);
    expect(agreementAtStage(state, ft)[0].table).toEqual({ bothInclude: 0, onlyFirstIncludes: 1, onlySecondIncludes: 0, bothExclude: 0 });
  });

  it('two exclusions for different reasons: agreement here, counted as different reasons at full text only', () => {
    const rows = [row('alice', 'r1', 'exclude', ft, 'a'), row('bob', 'r1', 'exclude', ft, 'b'), row('alice', 'r1', 'exclude', 'title-abstract', 'x'), row('bob', 'r1', 'exclude', 'title-abstract', 'y')];
    const state = stateOf(rows, ids, () => 'included');
    expect(agreementAtStage(state, ft)[0]).toMatchObject({ table: { bothExclude: 1 }, differentReasons: 1 });
    expect(agreementAtStage(state, 'title-abstract')[0]).toMatchObject({ table: { bothExclude: 1 }, differentReasons: 0 });
  });

  it('three reviewers: one table per pair, in name order', () => {
    const rows = [row('carol', 'r1', 'include', ft), row('alice', 'r1', 'include', ft), row('bob', 'r2', 'exclude', ft, 'x'), row('alice', 'r2', 'include', ft)];
    const pairs = agreementAtStage(stateOf(rows, ids), ft);
    expect(pairs.map((p) => p.reviewers.join('+'))).toEqual(['alice+bob', 'alice+carol', 'bob+carol']);
    expect(pairs[2].figures.ratedByBoth).toBe(0);
    expect(pairs[2].figures.kappa).toBeNull();
  });

  it('only studies screened at the stage count', () => {
    const rows = [row('alice', 'r1', 'include', ft), row('bob', 'r1', 'exclude', ft, 'x')];
    const state = stateOf(rows, ids, () => 'excluded-at-title-abstract');
    expect(agreementAtStage(state, ft)).toEqual([]);
  });

  it('one reviewer: no pair', () => {
    expect(agreementAtStage(stateOf([row('alice', 'r1', 'include', ft)], ids), ft)).toEqual([]);
  });
});
