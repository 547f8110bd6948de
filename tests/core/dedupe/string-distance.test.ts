import { describe, expect, it } from 'vitest';
import { boundedLevenshtein, jaroWinkler, levenshteinSimilarity } from '../../../src/core/dedupe/string-distance.js';

/** Plain full-matrix Levenshtein, the reference the banded one must agree with. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

describe('boundedLevenshtein', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['flaw', 'lawn', 2],
    ['results', 'resuls', 1],
    ['samestring', 'samestring', 0],
  ])('%j vs %j = %i', (a, b, d) => {
    expect(boundedLevenshtein(a, b, 10)).toBe(d);
  });

  it('returns bound + 1 as soon as the distance exceeds the bound', () => {
    expect(boundedLevenshtein('kitten', 'sitting', 2)).toBe(3);
    expect(boundedLevenshtein('abcdefgh', 'zyxwvuts', 1)).toBe(2);
    expect(boundedLevenshtein('a', 'abcdefgh', 3)).toBe(4);
  });

  it('agrees with the full matrix on random strings whenever within the bound', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const word = () => Array.from({ length: 1 + Math.floor(next() * 25) }, () => 'abcd'[Math.floor(next() * 4)]).join('');
    for (let n = 0; n < 400; n++) {
      const a = word();
      const b = next() < 0.5 ? word() : a.slice(0, Math.floor(next() * a.length)) + word().slice(0, 3) + a.slice(Math.floor(next() * a.length));
      const k = Math.floor(next() * 12);
      const exact = reference(a, b);
      expect(boundedLevenshtein(a, b, k)).toBe(exact <= k ? exact : k + 1);
    }
  });

  // Remainders of up to 32 and of 33–64 characters go through the bit-parallel paths, longer ones
  // through the banded table; the bigram bound may stop any of them early. Non-ASCII and astral characters too.
  it.each([
    ['2–30', 2, 30],
    ['33–64', 33, 64],
    ['65–110', 65, 110],
  ])('agrees with the full matrix on random titles with remainders of %s characters', (_, from, to) => {
    let seed = from;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const alphabets = ['ab', 'abcdefghijklmnopqrstuvwxyz0123456789', 'aé€\u0100\ud83d\ude00b'];
    for (let n = 0; n < 300; n++) {
      const letters = alphabets[n % alphabets.length];
      const word = (length: number) => Array.from({ length }, () => letters[Math.floor(next() * letters.length)]).join('');
      // Different first and last characters: nothing shared is stripped, the lengths are the remainders'.
      const a = `x${word(from - 2 + Math.floor(next() * (to - from)))}y`;
      const b = next() < 0.3 ? `z${word(a.length - 2)}w` : `z${a.slice(1, -1).replace(/./gu, (c) => (next() < 0.15 ? word(Math.floor(next() * 3)) : c))}w`;
      const k = next() < 0.3 ? 200 : Math.floor(next() * 40);
      const exact = reference(a, b);
      expect(boundedLevenshtein(a, b, k)).toBe(exact <= k ? exact : k + 1);
    }
  });
  // The bit-parallel paths stop once the diagonal cell that ends in the last cell passes the bound:
  // at the bound itself (k = distance) the answer must still be exact, one below it must be k + 1.
  it('is exact at the bound and one below it, for remainders of 1–64 characters and unequal lengths', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 600; n++) {
      const letters = n % 2 === 0 ? 'abc' : 'abcdefghijklmnopqrstuvwxyz';
      const word = (length: number) => Array.from({ length }, () => letters[Math.floor(next() * letters.length)]).join('');
      const a = `x${word(1 + Math.floor(next() * 64))}y`;
      const b = `z${word(Math.max(1, a.length - 2 + Math.floor(next() * 9) - 4))}w`;
      const exact = reference(a, b);
      expect(boundedLevenshtein(a, b, exact)).toBe(exact);
      if (exact > 0) expect(boundedLevenshtein(a, b, exact - 1)).toBe(exact);
    }
  });
});

describe('levenshteinSimilarity', () => {
  it('is 1 − distance / longer length', () => {
    expect(levenshteinSimilarity('results', 'resuls')).toBeCloseTo(1 - 1 / 7);
    expect(levenshteinSimilarity('', '')).toBe(1);
  });

  it('gives 0 below the minimum (early exit)', () => {
    expect(levenshteinSimilarity('cervical cytology', 'renal transplantation', 0.85)).toBe(0);
    // cytology_screening id_0000045 / id_0000046: a typo in a long title.
    const a = 'originalcervicalcytologyandfollowupbiopsyresultsinpositivehighriskhumanpapillomavirusdnatestswithhighlevelresults';
    const b = 'originalcervicalcytologyandfollowupbiopsyresultsinpositivehighriskhumanpapillomavirusdnatestswithhighlevelresuls';
    expect(levenshteinSimilarity(a, b, 0.95)).toBeGreaterThan(0.99);
  });
});

describe('jaroWinkler', () => {
  it.each([
    ['martha', 'marhta', 0.961],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.813],
    ['coutlee', 'coutle', 0.971],
  ])('%j vs %j ≈ %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 2);
  });

  it('is 1 for equal strings and 0 for nothing in common', () => {
    expect(jaroWinkler('webber', 'webber')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('', 'abc')).toBe(0);
  });
});
