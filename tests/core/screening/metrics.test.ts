import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { wss, rrf, atd, recordsForRecall, simulationMetrics } from '../../../src/core/screening/metrics.js';

/**
 * The measures on label sequences small enough to work out by hand, as ASReview's insights
 * package defines them (the priors are already left out of every sequence here).
 */
describe('WSS (work saved over sampling)', () => {
  it('both relevant first of ten: k = 1 (1/2 <= 0.95 < 2/2); random order, round(linspace(0,2,10)) = 0,0,0,1,…, reaches 1 at index 3', () => {
    expect(wss([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(0.3, 12);
  });

  it('both relevant last: the order is worse than random, so WSS is negative', () => {
    // Found at index 8, random at 3: (3 - 8) / 10.
    expect(wss([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])).toBeCloseTo(-0.5, 12);
  });

  it("rounds the random curve half to even, as numpy does: linspace(0,2,5) = 0,.5,1,1.5,2 rounds to 0,0,1,2,2", () => {
    // k = 1, found at 0, random reaches 1 at index 2 (half-up rounding would say 1): 2 / 5.
    expect(wss([1, 0, 0, 0, 1])).toBeCloseTo(0.4, 12);
  });

  it('reads recall at the largest k with k / relevant <= 0.95: 19 of 20, not 20', () => {
    // 20 relevant first, then 80 irrelevant: the 19th is at index 18; random: round(i·20/99) reaches 19 at i = 92 (92·20/99 = 18.59).
    const labels = [...Array(20).fill(1), ...Array(80).fill(0)];
    expect(wss(labels)).toBeCloseTo((92 - 18) / 100, 12);
  });

  it('at another recall', () => {
    // 4 relevant: at 50 % k = 2, found at index 1; random round(i·4/9) reaches 2 at i = 4 (1.78 → 2): (4 - 1) / 10.
    expect(wss([1, 1, 0, 0, 0, 0, 0, 1, 1, 0], 0.5)).toBeCloseTo(0.3, 12);
  });
});

describe('RRF (relevant records found)', () => {
  it('after 10 % of ten records: the first record alone', () => {
    expect(rrf([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], 0.1)).toBe(0.5);
    expect(rrf([0, 1, 1, 0, 0, 0, 0, 0, 0, 0], 0.1)).toBe(0);
  });

  it('reads at the largest i with i / n <= share: 25 % of ten is two records', () => {
    expect(rrf([0, 1, 1, 0, 0, 0, 0, 0, 0, 0], 0.25)).toBe(0.5);
    expect(rrf([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 0.25)).toBe(0.5);
  });

  it('30 records, 10 % is 3 exactly (3/30 == 0.1 in floating point)', () => {
    const labels = Array(30).fill(0);
    labels[2] = 1;
    labels[3] = 1;
    expect(rrf(labels, 0.1)).toBe(0.5);
  });
});

describe('ATD (average time to discovery)', () => {
  it('mean 1-based position of the relevant records, over n', () => {
    expect(atd([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])).toBeCloseTo(0.15, 12);
    expect(atd([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])).toBeCloseTo(0.95, 12);
    expect(atd([0, 1, 0, 1])).toBeCloseTo(3 / 4, 12);
  });
});

describe('records screened to a recall', () => {
  it('ceil(recall × relevant) found', () => {
    expect(recordsForRecall([1, 0, 1, 0, 0, 1], 0.95)).toBe(6);
    expect(recordsForRecall([1, 0, 1, 0, 0, 1], 0.6)).toBe(3);
    expect(recordsForRecall([1, 0, 1, 0, 0, 1, 0, 0], 1)).toBe(6);
  });

  it('95 % of 100 is 95, not 96 (0.95 × 100 is 95.00000000000001 in binary)', () => {
    const labels = [...Array(95).fill(1), 0, ...Array(5).fill(1)];
    expect(recordsForRecall(labels, 0.95)).toBe(95);
    expect(recordsForRecall(labels, 1)).toBe(101);
  });
});

describe('simulationMetrics', () => {
  it('all measures in percent, over the sequence given', () => {
    const m = simulationMetrics([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(m).toMatchObject({ n: 10, nRelevant: 2, recordsFor95: 2, recordsFor100: 2 });
    expect(m.wss95).toBeCloseTo(30, 9);
    expect(m.rrf10).toBeCloseTo(50, 9);
    expect(m.rrf25).toBeCloseTo(100, 9);
    expect(m.atdPercent).toBeCloseTo(15, 9);
  });
});

describe('against a numpy transcription of asreview-insights on 40 random sequences', () => {
  // tests/core/screening/metrics-reference.json: labels and the figures numpy gives for
  // searchsorted(cumsum), round(linspace) and the "largest x <= intercept" slice.
  const cases: { labels: number[]; wss95: number; rrf10: number; rrf25: number; atd: number }[] = JSON.parse(
    readFileSync(new URL('./metrics-reference.json', import.meta.url), 'utf8'),
  );
  it.each(cases.map((c, i) => [i, c] as const))('sequence %i', (_i, c) => {
    expect(wss(c.labels)).toBeCloseTo(c.wss95, 12);
    expect(rrf(c.labels, 0.1)).toBeCloseTo(c.rrf10, 12);
    expect(rrf(c.labels, 0.25)).toBeCloseTo(c.rrf25, 12);
    expect(atd(c.labels)).toBeCloseTo(c.atd, 12);
  });
});
