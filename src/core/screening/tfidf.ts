import { modelWords } from './tokenize.js';

/**
 * TF-IDF features of a set of records, as a compressed sparse row (CSR) matrix in typed arrays:
 * row r's features are `cols[rowPtr[r] .. rowPtr[r+1])` with weights `vals[…]`, columns sorted.
 *
 * Features are words and pairs of adjacent words (1–2-grams), weighted by sublinear term
 * frequency (1 + ln tf) times the smoothed inverse document frequency ln((1 + n) / (1 + df)) + 1
 * (scikit-learn's TfidfVectorizer with `sublinear_tf=True`), each row scaled to unit length (L2).
 * Terms in more than `maxDf` of the records are dropped, as in ASReview's default (0.95).
 *
 * The vocabulary is fitted on every record of the set, screened or not: the records are all
 * known before screening starts, and ASReview does the same. Pure and deterministic: feature
 * numbers follow first appearance in record order.
 */

export interface SparseRows {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly rowPtr: Int32Array;
  readonly cols: Int32Array;
  readonly vals: Float64Array;
}

export interface TfidfOptions {
  /** Largest n-gram (1 or 2). */
  ngramMax?: 1 | 2;
  /** Drop terms found in more than this share of records. */
  maxDf?: number;
  /** Drop terms found in fewer than this many records. */
  minDf?: number;
  sublinearTf?: boolean;
}

export const DEFAULT_TFIDF: Required<TfidfOptions> = { ngramMax: 2, maxDf: 0.95, minDf: 1, sublinearTf: true };

/** A growable Int32Array. */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
}

/** Word ids fit in 26 bits, so a pair of them is one safe integer key. */
const PAIR_BASE = 1 << 26;

export function tfidfMatrix(texts: readonly string[], options: TfidfOptions = {}): SparseRows {
  const opts = { ...DEFAULT_TFIDF, ...options };
  const n = texts.length;
  const wordIds = new Map<string, number>();
  const pairIds = new Map<number, number>();
  let nTerms = 0;
  // Per record: its distinct term ids and their counts, as runs in two flat lists.
  const rowStart = new Int32Array(n + 1);
  const termList = new IntList(1 << 16);
  const countList = new IntList(1 << 16);
  const df = new IntList(1 << 16);
  // Scratch: the count of each term in the current record, and which terms it has.
  let counts = new Int32Array(1 << 16);
  const seen: number[] = [];

  const touch = (id: number) => {
    if (id >= counts.length) {
      const bigger = new Int32Array(counts.length * 2);
      bigger.set(counts);
      counts = bigger;
    }
    if (counts[id]++ === 0) seen.push(id);
  };
  const newTerm = (): number => {
    df.push(0);
    return nTerms++;
  };

  for (let r = 0; r < n; r++) {
    const words = modelWords(texts[r]);
    let prev = -1;
    for (const w of words) {
      let wid = wordIds.get(w);
      if (wid === undefined) {
        if (wordIds.size >= PAIR_BASE) throw new Error('more than 2^26 distinct words');
        wid = wordIds.size;
        wordIds.set(w, wid);
      }
      // The term id of a word is kept apart from its word id so words and pairs share one numbering.
      let tid = pairIds.get(-1 - wid);
      if (tid === undefined) pairIds.set(-1 - wid, (tid = newTerm()));
      touch(tid);
      if (opts.ngramMax === 2 && prev >= 0) {
        const key = prev * PAIR_BASE + wid;
        let pid = pairIds.get(key);
        if (pid === undefined) pairIds.set(key, (pid = newTerm()));
        touch(pid);
      }
      prev = wid;
    }
    seen.sort((a, b) => a - b);
    for (const id of seen) {
      termList.push(id);
      countList.push(counts[id]);
      df.data[id]++;
      counts[id] = 0;
    }
    seen.length = 0;
    rowStart[r + 1] = termList.length;
  }

  // Keep the terms within the document-frequency limits, renumbered densely in first-seen order.
  const maxDocs = opts.maxDf * n;
  const column = new Int32Array(nTerms).fill(-1);
  const idf: number[] = [];
  for (let t = 0; t < nTerms; t++) {
    const d = df.data[t];
    if (d > maxDocs || d < opts.minDf) continue;
    column[t] = idf.length;
    idf.push(Math.log((1 + n) / (1 + d)) + 1);
  }

  const rowPtr = new Int32Array(n + 1);
  let nnz = 0;
  for (let i = 0; i < termList.length; i++) if (column[termList.data[i]] >= 0) nnz++;
  const cols = new Int32Array(nnz);
  const vals = new Float64Array(nnz);
  let k = 0;
  for (let r = 0; r < n; r++) {
    const start = k;
    let norm = 0;
    for (let i = rowStart[r]; i < rowStart[r + 1]; i++) {
      const c = column[termList.data[i]];
      if (c < 0) continue;
      const tf = countList.data[i];
      const v = (opts.sublinearTf ? 1 + Math.log(tf) : tf) * idf[c];
      cols[k] = c;
      vals[k] = v;
      norm += v * v;
      k++;
    }
    // Renumbering keeps first-seen order, so the columns of a row stay sorted.
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = start; i < k; i++) vals[i] *= scale;
    }
    rowPtr[r + 1] = k;
  }
  return { nRows: n, nFeatures: idf.length, rowPtr, cols, vals };
}
