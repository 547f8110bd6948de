import { describe, expect, it } from 'vitest';
import { scoreDeduplication } from '../../../src/core/dedupe/benchmark-score.js';

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
/** a,b,c are one study; d,e another; f and g are unique. */
const truth = [
  ['a', 'b', 'c'],
  ['d', 'e'],
];
const merges = (pairs: [string, string][]) => new Map(pairs);

describe('scoreDeduplication', () => {
  it('a perfect answer: every duplicate removed into its own group', () => {
    const s = scoreDeduplication(truth, ids, merges([['b', 'a'], ['c', 'a'], ['e', 'd']]));
    expect(s).toMatchObject({ records: 7, trueDuplicates: 3, tp: 3, fp: 0, fn: 0, tn: 4 });
    expect(s.sensitivity).toBe(1);
    expect(s.precision).toBe(1);
    expect(s.specificity).toBe(1);
    expect(s.f1).toBe(1);
    expect(s.falseMerges).toEqual([]);
    expect(s.missedGroups).toEqual([]);
  });

  it('nothing merged: each group of k holds k − 1 false negatives', () => {
    const s = scoreDeduplication(truth, ids, merges([]));
    expect(s).toMatchObject({ tp: 0, fp: 0, fn: 3, tn: 4 });
    expect(s.sensitivity).toBe(0);
    expect(s.missedGroups).toEqual([
      { group: ['a', 'b', 'c'], kept: ['a', 'b', 'c'] },
      { group: ['d', 'e'], kept: ['d', 'e'] },
    ]);
  });

  it('a group half merged', () => {
    const s = scoreDeduplication(truth, ids, merges([['c', 'b'], ['e', 'd']]));
    expect(s).toMatchObject({ tp: 2, fp: 0, fn: 1, tn: 4 });
    expect(s.sensitivity).toBeCloseTo(2 / 3);
  });

  it('a unique record removed is a false positive', () => {
    const s = scoreDeduplication(truth, ids, merges([['g', 'f']]));
    expect(s).toMatchObject({ tp: 0, fp: 1, fn: 3, tn: 3 });
    expect(s.falseMerges).toEqual([{ id: 'g', keptId: 'f' }]);
  });

  it('a duplicate merged into the wrong group is a false positive, not a true one', () => {
    // e is a duplicate (of d), but it was merged into a: it is removed for the wrong reason.
    const s = scoreDeduplication(truth, ids, merges([['b', 'a'], ['c', 'a'], ['e', 'a']]));
    expect(s).toMatchObject({ tp: 2, fp: 1, fn: 0, tn: 4 });
    expect(s.falseMerges).toEqual([{ id: 'e', keptId: 'a' }]);
    expect(s.precision).toBeCloseTo(2 / 3);
  });

  it('strict: a record merged into a study it does not belong to is a false merge even when its own group keeps a survivor', () => {
    // d survives as its group's kept record; e was merged into a's cluster instead of into d.
    const s = scoreDeduplication(truth, ids, merges([['e', 'a']]));
    expect(s.falseMerges).toEqual([{ id: 'e', keptId: 'a' }]);
    expect(s).toMatchObject({ fp: 1, tp: 0 });
    // Right group, wrong kept record: b and c merged into the unique f are both false merges.
    expect(scoreDeduplication(truth, ids, merges([['b', 'f'], ['c', 'f']])).fp).toBe(2);
  });

  it('a whole group merged into another leaves it no kept record', () => {
    const s = scoreDeduplication(truth, ids, merges([['d', 'a'], ['e', 'a'], ['b', 'a'], ['c', 'a']]));
    expect(s).toMatchObject({ tp: 2, fp: 2, fn: 0, tn: 3 });
    expect(s.tp + s.fp + s.fn + s.tn).toBe(ids.length);
  });

  it('labels every record exactly once', () => {
    for (const answer of [
      merges([]),
      merges([['b', 'a'], ['f', 'c'], ['e', 'g']]),
      merges([['a', 'd'], ['b', 'd'], ['c', 'e']]),
    ]) {
      const s = scoreDeduplication(truth, ids, answer);
      expect(s.tp + s.fp + s.fn + s.tn).toBe(ids.length);
    }
  });

  it('rejects a truth that names an unknown record or one record twice', () => {
    expect(() => scoreDeduplication([['a', 'z']], ids, merges([]))).toThrow('z');
    expect(() => scoreDeduplication([['a', 'b'], ['b', 'c']], ids, merges([]))).toThrow('two groups');
  });
});
