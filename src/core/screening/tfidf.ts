import { modelWords } from './tokenize.js';
import { ENGLISH_STOP_WORDS } from './stop-words.js';

/**
 * TF-IDF features of a set of records, as a compressed sparse row (CSR) matrix in typed arrays:
 * row r's features are `cols[rowPtr[r] .. rowPtr[r+1])` with weights `vals[…]`.
 *
 * Features are words and pairs of adjacent words (1–2-grams), weighted by sublinear term
 * frequency (1 + ln tf) times the smoothed inverse document frequency ln((1 + n) / (1 + df)) + 1
 * (scikit-learn's TfidfVectorizer with `sublinear_tf=True`), each row scaled to unit length (L2).
 * Terms in more than `maxDf` of the records are dropped, as in ASReview's default (0.95).
 * Within a row the columns come in the order the terms first appear in the record.
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
  /**
   * Leave out English stop words (stop-words.ts) before words are paired, as scikit-learn does,
   * so a pair may span one ("quality of life" gives "quality life").
   */
  stopWords?: boolean;
}

export const DEFAULT_TFIDF: Required<TfidfOptions> = { ngramMax: 2, maxDf: 0.95, minDf: 1, sublinearTf: true, stopWords: false };

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

/**
 * Term ids of words (b = -1) and word pairs (a, b), in an open-addressing hash table of typed
 * arrays: a Map keyed by numbers this large (a pair of word ids) would hash heap numbers, and
 * building the features of 10,000 records was ten times slower that way.
 */
class PairTable {
  private a = new Int32Array(1 << 16);
  private b = new Int32Array(1 << 16);
  private id = new Int32Array(1 << 16).fill(-1);
  private size = 0;

  /** The id of (a, b), made by `create` when new. */
  get(a: number, b: number, create: () => number): number {
    let mask = this.id.length - 1;
    let i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) & mask;
    for (;;) {
      const found = this.id[i];
      if (found === -1) break;
      if (this.a[i] === a && this.b[i] === b) return found;
      i = (i + 1) & mask;
    }
    const id = create();
    if ((this.size + 1) * 2 > this.id.length) {
      this.grow();
      mask = this.id.length - 1;
      i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) & mask;
      while (this.id[i] !== -1) i = (i + 1) & mask;
    }
    this.a[i] = a;
    this.b[i] = b;
    this.id[i] = id;
    this.size++;
    return id;
  }

  private grow(): void {
    const { a, b, id } = this;
    const capacity = id.length * 2;
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.id = new Int32Array(capacity).fill(-1);
    const mask = capacity - 1;
    for (let j = 0; j < id.length; j++) {
      if (id[j] === -1) continue;
      let i = (Math.imul(a[j], 0x9e3779b1) ^ Math.imul(b[j] + 1, 0x85ebca6b)) & mask;
      while (this.id[i] !== -1) i = (i + 1) & mask;
      this.a[i] = a[j];
      this.b[i] = b[j];
      this.id[i] = id[j];
    }
  }
}

export function tfidfMatrix(texts: readonly string[], options: TfidfOptions = {}): SparseRows {
  const opts = { ...DEFAULT_TFIDF, ...options };
  const n = texts.length;
  const wordIds = new Map<string, number>();
  const terms = new PairTable();
  let nTerms = 0;
  // Per record: its distinct term ids and their counts, as runs in two flat lists.
  const rowStart = new Int32Array(n + 1);
  const termList = new IntList(1 << 16);
  const countList = new IntList(1 << 16);
  const df = new IntList(1 << 16);
  // Scratch: the count of each term in the current record, and which terms it has.
  let counts = new Int32Array(1 << 16);
  let seen = new Int32Array(1 << 12);
  let nSeen = 0;
  const newTerm = (): number => {
    df.push(0);
    return nTerms++;
  };

  for (let r = 0; r < n; r++) {
    const words = modelWords(texts[r]);
    if (words.length * 2 > seen.length) seen = new Int32Array(words.length * 4);
    let prev = -1;
    for (let j = 0; j < words.length; j++) {
      const w = words[j];
      if (opts.stopWords && ENGLISH_STOP_WORDS.has(w)) continue;
      let wid = wordIds.get(w);
      if (wid === undefined) {
        wid = wordIds.size;
        wordIds.set(w, wid);
      }
      // A word's term id is apart from its word id, so words and pairs share one numbering.
      let tid = terms.get(wid, -1, newTerm);
      for (let g = 0; g < 2; g++) {
        if (tid >= counts.length) {
          const bigger = new Int32Array(Math.max(counts.length * 2, tid + 1));
          bigger.set(counts);
          counts = bigger;
        }
        if (counts[tid]++ === 0) seen[nSeen++] = tid;
        if (g === 1 || opts.ngramMax !== 2 || prev < 0) break;
        tid = terms.get(prev, wid, newTerm);
      }
      prev = wid;
    }
    for (let j = 0; j < nSeen; j++) {
      const id = seen[j];
      termList.push(id);
      countList.push(counts[id]);
      df.data[id]++;
      counts[id] = 0;
    }
    nSeen = 0;
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
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let i = start; i < k; i++) vals[i] *= scale;
    }
    rowPtr[r + 1] = k;
  }
  return { nRows: n, nFeatures: idf.length, rowPtr, cols, vals };
}
