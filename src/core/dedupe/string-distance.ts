/**
 * String similarity for duplicate detection, written for the hot loop: no allocation per call
 * beyond two reused rows, and an early exit as soon as the answer cannot reach the caller's bar.
 */

let rowA = new Int32Array(256);
let rowB = new Int32Array(256);

/**
 * Levenshtein distance between `a` and `b` when it is at most `maxDistance`, else `maxDistance + 1`.
 * Only the cells that can lie on a path of cost ≤ maxDistance are computed (a band about maxDistance
 * wide), and the loop stops once no cell of a row can still finish within the bound, so unrelated
 * strings cost a few rows.
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
