import { describe, it, expect } from 'vitest';
import { irrelevantStreak, upperBoundProportion, estimateRemaining, stoppingRuleMet, streakStop } from '../../../src/core/screening/stopping.js';

describe('stopping guidance', () => {
  it('counts the irrelevant records in a row since the last relevant one', () => {
    expect(irrelevantStreak([1, 0, 0, 1, 0, 0, 0])).toBe(3);
    expect(irrelevantStreak([0, 0])).toBe(2);
    expect(irrelevantStreak([0, 1])).toBe(0);
  });

  it('Clopper-Pearson upper bounds: 0 of n is 1 - 0.05^(1/n) (about 3/n), and known values', () => {
    expect(upperBoundProportion(0, 100)).toBeCloseTo(1 - Math.pow(0.05, 1 / 100), 12);
    expect(upperBoundProportion(0, 100)).toBeCloseTo(0.0295, 4);
    // scipy.stats.beta.ppf(0.95, 2, 99) = 0.046560; beta.ppf(0.95, 6, 45) = 0.198833
    expect(upperBoundProportion(1, 100)).toBeCloseTo(0.04656, 5);
    expect(upperBoundProportion(5, 50)).toBeCloseTo(0.198833, 5);
  });

  it('estimates the relevant records left from a random sample, with an upper bound', () => {
    const none = estimateRemaining(1000, 100, 0);
    expect(none.estimate).toBe(0);
    expect(none.upper).toBe(Math.ceil((1 - Math.pow(0.05, 1 / 100)) * 900));
    const some = estimateRemaining(1000, 100, 2);
    expect(some.estimate).toBeCloseTo(18, 9);
    expect(some.upper).toBeGreaterThan(18);
  });

  it('the rule: a long enough streak and a sample with no relevant record', () => {
    const rule = { consecutiveIrrelevant: 50, randomSample: 100 };
    expect(stoppingRuleMet(rule, 50, 100, 0)).toBe(true);
    expect(stoppingRuleMet(rule, 49, 100, 0)).toBe(false);
    expect(stoppingRuleMet(rule, 50, 99, 0)).toBe(false);
    expect(stoppingRuleMet(rule, 80, 100, 1)).toBe(false);
  });

  it('where the streak heuristic alone would stop an order', () => {
    expect(streakStop([1, 0, 1, 0, 0, 0, 1], 3)).toEqual({ screened: 6, recall: 2 / 3 });
    expect(streakStop([1, 0, 1], 3)).toEqual({ screened: 3, recall: 1 });
  });
});
