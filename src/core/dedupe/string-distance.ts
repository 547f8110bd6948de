/**
 * String similarity for duplicate detection, written for the hot loop: no allocation per call
 * (rows and tables are reused), and an early exit as soon as the answer cannot reach the caller's bar.
 */

let rowA = new Int32Array(256);
let rowB = new Int32Array(256);

/**
 * Levenshtein distance between `a` and `b` when it is at most `maxDistance`, else `maxDistance + 1`.
 * Only the cells that can lie on a path of cost ≤ maxDistance are computed (a band about maxDistance
 * wide), and the loop stops once no cell of a row can still finish within the bound, so unrelated
 * strings cost a few rows. A shorter remainder of at most 64 characters (after the shared prefix and
 * suffix) takes the bit-parallel algorithm instead of the table; a longer one first a bound from
 * shared bigrams. Both are exact.
 */
export function boundedLevenshtein(a: string, b: string, maxDistance: number): number {
  if (a === b) return 0;
  const k = Math.max(0, Math.floor(maxDistance));
  // A shared prefix and suffix cost nothing: copies of one title differ in a few places.
  // Offsets, not slices: this runs for every candidate pair.
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  // s is the shorter remainder, t the longer.
  let s = a;
  let t = b;
  let n = endA - start;
  let m = endB - start;
  if (n > m) {
    s = b;
    t = a;
    const x = n;
    n = m;
    m = x;
  }
  if (m - n > k) return k + 1;
  if (n === 0) return m <= k ? m : k + 1;
  // Candidate titles that share a block but are not one title get here by the thousand and fail:
  // a remainder of up to 64 characters is one or two machine words per column, and a longer one's
  // pairs of adjacent letters mostly tell so in one pass, before the table's rows.
  if (n <= 64) {
    const d = n <= 32 ? bitParallelDistance(s, t, start, n, m, k) : bitParallelDistance64(s, t, start, n, m, k);
    return d > k ? k + 1 : d;
  }
  if (bigramDistanceBound(s, t, start, n, m) > k) return k + 1;
  if (rowA.length <= m) {
    rowA = new Int32Array(m + 1);
    rowB = new Int32Array(m + 1);
  }
  // Only cells that can still lie on a path within k: |i − j| plus the remaining length difference
  // |(m − j) − (n − i)| must not exceed k, so column j runs over i + lowShift .. i + highShift.
  const delta = m - n;
  const lowShift = Math.ceil((delta - k) / 2);
  const highShift = Math.floor((delta + k) / 2);
  let prev = rowA;
  let cur = rowB;
  const big = k + 1;
  // Row 0 only as far as the band of row 1 reads; later rows write their own sentinels.
  const initTo = Math.min(m, highShift + 1);
  for (let j = 0; j <= initTo; j++) prev[j] = j <= highShift ? j : big;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i + lowShift);
    const to = Math.min(m, i + highShift);
    if (from > to) return big;
    cur[from - 1] = from - 1 === 0 ? i : big;
    let rowMin = big;
    const si = s.charCodeAt(start + i - 1);
    // The left and upper-left neighbours travel in locals; the rest of the path costs at least the
    // difference of the remaining lengths, |rest| with rest = (m − j) − (n − i).
    let left = cur[from - 1];
    let diagonal = prev[from - 1];
    let rest = m - from - (n - i);
    for (let j = from; j <= to; j++, rest--) {
      const up = prev[j];
      let v = si === t.charCodeAt(start + j - 1) ? diagonal : diagonal + 1;
      if (up + 1 < v) v = up + 1;
      if (left + 1 < v) v = left + 1;
      if (v > big) v = big;
      cur[j] = v;
      left = v;
      diagonal = up;
      const bound = rest < 0 ? v - rest : v + rest;
      if (bound < rowMin) rowMin = bound;
    }
    if (to < m) cur[to + 1] = big;
    if (rowMin > k) return big;
    const swap = prev;
    prev = cur;
    cur = swap;
  }
  const d = prev[m];
  return d > k ? big : d;
}

/** Counts of adjacent character pairs, by their two codes' low 7 bits; all zero between calls. */
const bigramCounts = new Int32Array(128 * 128);

/**
 * A lower bound of the edit distance between s[start, start + n) and t[start, start + m), m ≥ n ≥ 1,
 * from their pairs of adjacent characters (bigrams): one edit changes at most two of a string's
 * bigrams, so `edits ≥ (m − 1 − shared bigrams) / 2` (the q-gram lemma, q = 2). Pairs are counted by
 * their codes' low 7 bits: codes that share those bits count as one, which can only add shared
 * bigrams, so the bound stays a lower bound.
 */
function bigramDistanceBound(s: string, t: string, start: number, n: number, m: number): number {
  const counts = bigramCounts;
  let x = s.charCodeAt(start) & 127;
  for (let i = 1; i < n; i++) {
    const y = s.charCodeAt(start + i) & 127;
    counts[(x << 7) | y]++;
    x = y;
  }
  let shared = 0;
  x = t.charCodeAt(start) & 127;
  for (let j = 1; j < m; j++) {
    const y = t.charCodeAt(start + j) & 127;
    const at = (x << 7) | y;
    if (counts[at] > 0) {
      counts[at]--;
      shared++;
    }
    x = y;
  }
  // Only s's bigrams can be left: clear them for the next call.
  x = s.charCodeAt(start) & 127;
  for (let i = 1; i < n; i++) {
    const y = s.charCodeAt(start + i) & 127;
    counts[(x << 7) | y] = 0;
    x = y;
  }
  return Math.ceil((m - 1 - shared) / 2);
}

/** For each character code, the bits of the positions where it occurs in the shorter remainder; all zero between calls. */
const positionBits = new Int32Array(65536);

/**
 * The edit distance between s[start, start + n) and t[start, start + m), 1 ≤ n ≤ 32, n ≤ m, or any
 * value above k once it must exceed k: Myers' bit-parallel algorithm (Hyyrö's form for the whole
 * strings), one column of the table in one 32-bit word, so each character of t costs a few
 * operations instead of a row of the table.
 */
function bitParallelDistance(s: string, t: string, start: number, n: number, m: number, k: number): number {
  const peq = positionBits;
  for (let i = 0; i < n; i++) peq[s.charCodeAt(start + i)] |= 1 << i;
  const last = 1 << (n - 1);
  let pv = -1;
  let mv = 0;
  let score = n;
  // The cell on the diagonal that ends in the last cell (see diagonalStep), from column m − n on.
  const diagonalFrom = m - n;
  let diagonal = diagonalFrom;
  let j = 0;
  for (; j < m; j++) {
    const eq = peq[t.charCodeAt(start + j)];
    const xv = eq | mv;
    const xh = (((eq & pv) + pv) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if ((ph & last) !== 0) score++;
    else if ((mh & last) !== 0) score--;
    // The last row falls by at most one per remaining column.
    if (score - (m - j - 1) > k) break;
    if (j >= diagonalFrom) {
      diagonal += diagonalStep(pv, mv, ph, mh, j - diagonalFrom);
      if (diagonal > k) break;
    }
    ph = (ph << 1) | 1;
    mh = mh << 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  for (let i = 0; i < n; i++) peq[s.charCodeAt(start + i)] = 0;
  return j < m ? k + 1 : score;
}

/**
 * How the cell on the diagonal that ends in the table's last cell changes from one column to the
 * next: D[r + 1][j + 1] − D[r][j] is the vertical change below row r in column j (bit r of the old
 * pv / mv) plus the horizontal change into row r + 1 (bit r of ph / mh, before their shift), 0 or 1.
 *
 * Why it may stop the loop: the path of the last cell crosses column j at some row i and costs at
 * least D[i][j] + |(n − i) − (m − j)| (the remaining lengths differ by that much); neighbouring cells
 * differ by at most one, so that is at least D[r][j] for the row r = j − (m − n) where the remaining
 * lengths are equal. Once that diagonal cell passes k, so does the distance. Copies of a title follow
 * the diagonal at cost 0; two unrelated remainders climb it about one edit per two letters, so a
 * failing pair stops about halfway instead of at its last column.
 */
function diagonalStep(pv: number, mv: number, ph: number, mh: number, row: number): number {
  return ((pv >>> row) & 1) - ((mv >>> row) & 1) + ((ph >>> row) & 1) - ((mh >>> row) & 1);
}

/** positionBits for positions 32 … 63 of the shorter remainder. */
const positionBitsHigh = new Int32Array(65536);

/** `bitParallelDistance` for 32 < n ≤ 64: the column in two words, the lower passing its bottom row's change to the upper. */
function bitParallelDistance64(s: string, t: string, start: number, n: number, m: number, k: number): number {
  const peqLow = positionBits;
  const peqHigh = positionBitsHigh;
  for (let i = 0; i < 32; i++) peqLow[s.charCodeAt(start + i)] |= 1 << i;
  for (let i = 32; i < n; i++) peqHigh[s.charCodeAt(start + i)] |= 1 << (i - 32);
  const last = 1 << (n - 33);
  let pvLow = -1;
  let mvLow = 0;
  let pvHigh = -1;
  let mvHigh = 0;
  let score = n;
  const diagonalFrom = m - n;
  let diagonal = diagonalFrom;
  let j = 0;
  for (; j < m; j++) {
    const c = t.charCodeAt(start + j);
    // Lower word: the top row (row 0) rises by one per column.
    const eqLow = peqLow[c];
    const xvLow = eqLow | mvLow;
    const xhLow = (((eqLow & pvLow) + pvLow) ^ pvLow) | eqLow;
    let phLow = mvLow | ~(xhLow | pvLow);
    let mhLow = pvLow & xhLow;
    // Rows 1 … 32 of the diagonal are in the lower word, the rest in the upper.
    const diagonalRow = j - diagonalFrom;
    if (diagonalRow >= 0 && diagonalRow < 32) diagonal += diagonalStep(pvLow, mvLow, phLow, mhLow, diagonalRow);
    // The change along row 32, the upper word's top.
    const carry = (phLow & 0x80000000) !== 0 ? 1 : (mhLow & 0x80000000) !== 0 ? -1 : 0;
    phLow = (phLow << 1) | 1;
    mhLow = mhLow << 1;
    pvLow = mhLow | ~(xvLow | phLow);
    mvLow = phLow & xvLow;
    // Upper word, entered with that change.
    let eqHigh = peqHigh[c];
    const xvHigh = eqHigh | mvHigh;
    if (carry < 0) eqHigh |= 1;
    const xhHigh = (((eqHigh & pvHigh) + pvHigh) ^ pvHigh) | eqHigh;
    let phHigh = mvHigh | ~(xhHigh | pvHigh);
    let mhHigh = pvHigh & xhHigh;
    if ((phHigh & last) !== 0) score++;
    else if ((mhHigh & last) !== 0) score--;
    if (score - (m - j - 1) > k) break;
    if (diagonalRow >= 32) diagonal += diagonalStep(pvHigh, mvHigh, phHigh, mhHigh, diagonalRow - 32);
    if (diagonal > k) break;
    phHigh = phHigh << 1;
    mhHigh = mhHigh << 1;
    if (carry < 0) mhHigh |= 1;
    else if (carry > 0) phHigh |= 1;
    pvHigh = mhHigh | ~(xvHigh | phHigh);
    mvHigh = phHigh & xvHigh;
  }
  for (let i = 0; i < 32; i++) peqLow[s.charCodeAt(start + i)] = 0;
  for (let i = 32; i < n; i++) peqHigh[s.charCodeAt(start + i)] = 0;
  return j < m ? k + 1 : score;
}

/**
 * 1 − distance / length of the longer string, when that reaches `minSimilarity`; else 0.
 * "" vs "" is 1.
 */
export function levenshteinSimilarity(a: string, b: string, minSimilarity = 0): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  const maxDistance = Math.floor((1 - minSimilarity) * longest + 1e-9);
  const d = boundedLevenshtein(a, b, maxDistance);
  if (d > maxDistance) return 0;
  const sim = 1 - d / longest;
  return sim >= minSimilarity ? sim : 0;
}

let matchedA = new Uint8Array(64);
let matchedB = new Uint8Array(64);

/** Jaro–Winkler similarity (prefix scale 0.1, up to 4 prefix characters), for short strings such as names. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  // Reused flags, cleared for the lengths in use: this runs for author pairs of every candidate pair.
  if (matchedA.length < la) matchedA = new Uint8Array(la * 2);
  if (matchedB.length < lb) matchedB = new Uint8Array(lb * 2);
  matchedA.fill(0, 0, la);
  matchedB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = from; j <= to; j++) {
      if (matchedB[j] === 0 && b.charCodeAt(j) === c) {
        matchedA[i] = 1;
        matchedB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let j = 0;
  for (let i = 0; i < la; i++) {
    if (matchedA[i] === 0) continue;
    while (matchedB[j] === 0) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
    j++;
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}
