// The letter-count bound that screens candidate titles before their edit distance: half the L1
// distance of the 36 letter and digit counts (each capped at 15), which no pair of titles within
// k edits can exceed. The packed form is compared through a table; it must give the plain sum.
import { describe, expect, it } from 'vitest';
import { histogramDistance, matchKeys } from '../../../src/core/dedupe/pair-assessment.js';
import { boundedLevenshtein } from '../../../src/core/dedupe/string-distance.js';
import { rec } from '../../helpers/records.js';

/** Half the L1 distance of two keys' capped letter and digit counts, counted plainly. */
function reference(a: string, b: string): number {
  const counts = (key: string): number[] => {
    const c = new Array<number>(36).fill(0);
    for (const ch of key) {
      const code = ch.charCodeAt(0);
      const bin = code >= 97 && code <= 122 ? code - 97 : code >= 48 && code <= 57 ? code - 22 : -1;
      if (bin >= 0 && c[bin] < 15) c[bin]++;
    }
    return c;
  };
  const ca = counts(a);
  const cb = counts(b);
  return ca.reduce((d, x, i) => d + Math.abs(x - cb[i]), 0) / 2;
}

describe('histogramDistance', () => {
  it('is half the L1 distance of the capped counts, and never more than the edit distance', () => {
    let seed = 5;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789 ';
    const title = (length: number) => Array.from({ length }, () => letters[Math.floor(next() * letters.length)]).join('');
    for (let n = 0; n < 300; n++) {
      // Long runs of one letter too, so counts reach the cap of 15.
      const ta = n % 5 === 0 ? `${'e'.repeat(20)} ${title(30)}` : title(20 + Math.floor(next() * 100));
      const tb = next() < 0.5 ? title(20 + Math.floor(next() * 100)) : ta.replace(/./g, (c) => (next() < 0.1 ? title(1) : c));
      const a = matchKeys(rec({ id: 'a', title: ta }), 0);
      const b = matchKeys(rec({ id: 'b', title: tb }), 1);
      const d = histogramDistance(a.titleHistogram, b.titleHistogram);
      expect(d).toBe(reference(a.titleKey, b.titleKey));
      expect(d).toBeLessThanOrEqual(boundedLevenshtein(a.titleKey, b.titleKey, 1000));
    }
  });
});
