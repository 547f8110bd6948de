import type { SparseRows } from './tfidf.js';
import { seededRandom } from '../random.js';

/**
 * The relevance model behind `screen --order relevance` and `litscreen simulate`: a linear
 * classifier over TF-IDF features (core/screening/tfidf.ts), retrained as decisions come in, that
 * scores every record so the likeliest relevant one can be shown next.
 *
 * The classifier is a linear support vector machine with the squared hinge loss (L2-loss SVM),
 * trained by dual coordinate descent (Hsieh et al. 2008, the method of LIBLINEAR and of
 * scikit-learn's LinearSVC, which ASReview 2 and 3 use in their default "ELAS u4"), with
 * class-balanced costs. Why this one: issue 11 compared four configurations fixed in advance
 * (bench/model-selection.md: the plan, committed before any was run, and every figure), 10 seeded
 * runs each with the same priors, on Nagtegaal 2019 and Bannach-Brown 2019, raw and cleaned: this
 * SVM; ASReview LAB 1's default (naive Bayes, alpha 3.822, on words without stop words, "double"
 * balance: the configuration of the published Nagtegaal figure); the rank fusion of the two; and
 * this SVM without English stop words. Chosen by the worst-case WSS@95 margin over ASReview 3's
 * measured elas_u4 run, leaving one review out, the SVM was chosen on either review and held on
 * the other; every other candidate was below it on Nagtegaal by 7 to 23 points of WSS@95, and
 * none beat it on Bannach-Brown by more than run-to-run noise. Besides:
 * - its dual form retrains incrementally: a new decision adds one variable, the previous solution
 *   is still feasible and is the starting point, so a retrain after one more decision costs a
 *   few passes over the decided records instead of a fit from nothing;
 * - it is deterministic: the passes visit the records in an order drawn from the seed.
 * Naive Bayes stays here (`classifier: 'nb'`; relevance-configs.ts names the configurations that
 * `simulate --model` can run) for those comparisons.
 *
 * Everything lives in typed arrays indexed by record row; the hot loops touch no objects.
 */

export type Classifier = 'svm' | 'nb';

export interface ModelConfig {
  classifier: Classifier;
  /** SVM cost of a misranked record (smaller: smoother weights). */
  c: number;
  /**
   * How much more a relevant record's cost weighs than an irrelevant one's, as a power of the
   * class ratio: weight(relevant) / weight(irrelevant) = (nIrrelevant / nRelevant) ^ balance.
   * 1 is scikit-learn's "balanced", 0 none.
   */
  balance: number;
  /**
   * A further factor on a relevant record's cost: the relevant class's total cost is this many
   * times the irrelevant class's when balance is 1 (ASReview's Balanced(ratio)).
   */
  relevantBoost: number;
  /** The constant feature's value (the intercept, regularised as LIBLINEAR does). */
  bias: number;
  /** Dual coordinate descent stops when the projected gradient's spread is under this, or after maxPasses. */
  tolerance: number;
  maxPasses: number;
  /** Naive Bayes smoothing. */
  alpha: number;
  /**
   * How naive Bayes balances the classes: 'weighted' counts each relevant record (nIrrelevant /
   * nRelevant) ^ balance times; 'double' is ASReview LAB 1's "double" strategy, which resamples
   * the decided records before each fit (see doubleBalanceCopies).
   */
  nbBalance: 'weighted' | 'double';
}

/**
 * One configuration for every review. The SVM's cost and class weights are ASReview's own for its
 * default model ELAS u4 (C 0.11, Balanced(ratio 9.8)), chosen by ASReview on its benchmark
 * collection, not fitted to the sets in our corpus (bench/model-selection.md: how it was kept).
 */
const DEFAULT_MODEL: ModelConfig = { classifier: 'svm', c: 0.11, balance: 1, relevantBoost: 9.8, bias: 1, tolerance: 0.05, maxPasses: 30, alpha: 1, nbBalance: 'weighted' };

/**
 * A model over one fixed set of records. `setLabel` records a decision (1 relevant, 0
 * irrelevant, -1 none: an undo), `train` fits on the decided records (warm-started from the last
 * fit), `scores` gives every record's score (higher: likelier relevant).
 */
export class RelevanceModel {
  readonly features: SparseRows;
  readonly config: ModelConfig;
  /** Per row: +1 relevant, -1 irrelevant, 0 undecided. */
  private readonly y: Int8Array;
  /** The decided rows, in the order they were decided (a row decided twice keeps its first place). */
  private decided: Int32Array;
  private nDecided = 0;
  private nRelevant = 0;
  /** SVM dual variables per row, and the primal weights they add up to (last entry: intercept). */
  private readonly alpha: Float64Array;
  private readonly w: Float64Array;
  /** Per row: its squared length with the constant feature (the dual's diagonal before the cost term). */
  private readonly rowSquares: Float64Array;
  /** Naive Bayes log-odds weights (classifier 'nb'). */
  private readonly wNb: Float64Array;
  private readonly random: () => number;
  /** How many decisions the current fit was trained on. */
  trainedOn = 0;

  constructor(features: SparseRows, config: Partial<ModelConfig> = {}, seed = 0) {
    this.features = features;
    this.config = { ...DEFAULT_MODEL, ...config };
    this.y = new Int8Array(features.nRows);
    this.decided = new Int32Array(Math.max(16, features.nRows));
    this.alpha = new Float64Array(features.nRows);
    this.w = new Float64Array(features.nFeatures + 1);
    // Each row's squared norm (bias included), for the SVM's coordinate steps; naive Bayes reads none.
    this.rowSquares = new Float64Array(this.config.classifier === 'svm' ? features.nRows : 0);
    const { rowPtr, vals } = features;
    const bias = this.config.bias;
    for (let r = 0; r < this.rowSquares.length; r++) {
      let sq = bias * bias;
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) sq += vals[k] * vals[k];
      this.rowSquares[r] = sq;
    }
    this.wNb = this.config.classifier === 'svm' ? new Float64Array(0) : new Float64Array(features.nFeatures + 1);
    this.random = seededRandom(seed ^ 0x5f3759df);
  }

  get decisions(): number {
    return this.nDecided;
  }

  get relevantDecided(): number {
    return this.nRelevant;
  }

  label(row: number): number {
    return this.y[row];
  }

  /** Record a decision on a row: 1 relevant, 0 irrelevant, -1 undecided again (undo). */
  setLabel(row: number, label: 1 | 0 | -1): void {
    const next = label === 1 ? 1 : label === 0 ? -1 : 0;
    const prev = this.y[row];
    if (prev === next) return;
    if (prev !== 0) {
      // Take the row's part out of the weights: the rest of the solution stays feasible.
      this.addRow(row, -this.alpha[row] * prev);
      this.alpha[row] = 0;
      if (prev === 1) this.nRelevant--;
    }
    if (prev === 0) this.decided[this.nDecided++] = row;
    else if (next === 0) this.removeDecided(row);
    this.y[row] = next;
    if (next === 1) this.nRelevant++;
  }

  private removeDecided(row: number): void {
    const d = this.decided;
    let j = 0;
    for (let i = 0; i < this.nDecided; i++) if (d[i] !== row) d[j++] = d[i];
    this.nDecided = j;
  }

  /** w += scale * x_row (and the constant feature). */
  private addRow(row: number, scale: number): void {
    if (scale === 0) return;
    const { rowPtr, cols, vals } = this.features;
    const w = this.w;
    for (let k = rowPtr[row]; k < rowPtr[row + 1]; k++) w[cols[k]] += scale * vals[k];
    w[w.length - 1] += scale * this.config.bias;
  }

  /** Fit on the decided records. Needs at least one of each class to mean anything. */
  train(): void {
    if (this.config.classifier === 'nb') this.trainNaiveBayes();
    else this.trainSvm();
    this.trainedOn = this.nDecided;
  }

  private trainSvm(): void {
    const { rowPtr, cols, vals } = this.features;
    const { c, balance, relevantBoost, bias, tolerance, maxPasses } = this.config;
    const n = this.nDecided;
    const nPos = this.nRelevant;
    const nNeg = n - nPos;
    if (nPos === 0 || nNeg === 0) return;
    const ratio = Math.pow(nNeg / nPos, balance) * relevantBoost;
    // Costs per class, normalised so their weighted mean is c: 1/(2C) is the diagonal of the dual.
    const cNeg = (c * n) / (nNeg + nPos * ratio);
    const cPos = cNeg * ratio;
    const dPos = 1 / (2 * cPos);
    const dNeg = 1 / (2 * cNeg);
    const w = this.w;
    const biasIndex = w.length - 1;
    const y = this.y;
    const alpha = this.alpha;
    const order = this.decided.slice(0, n);
    const rowSquares = this.rowSquares;
    for (let pass = 0; pass < maxPasses; pass++) {
      // A fresh seeded order each pass, as LIBLINEAR does.
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      let pgMax = -Infinity;
      let pgMin = Infinity;
      for (let s = 0; s < n; s++) {
        const row = order[s];
        const yi = y[row];
        const d = yi > 0 ? dPos : dNeg;
        const start = rowPtr[row];
        const end = rowPtr[row + 1];
        let dot = w[biasIndex] * bias;
        for (let k = start; k < end; k++) dot += w[cols[k]] * vals[k];
        const sq = rowSquares[row];
        const a = alpha[row];
        const g = yi * dot - 1 + d * a;
        const pg = a === 0 ? Math.min(g, 0) : g;
        if (pg > pgMax) pgMax = pg;
        if (pg < pgMin) pgMin = pg;
        if (pg === 0) continue;
        const next = Math.max(a - g / (sq + d), 0);
        const step = (next - a) * yi;
        if (step === 0) continue;
        alpha[row] = next;
        for (let k = start; k < end; k++) w[cols[k]] += step * vals[k];
        w[biasIndex] += step * bias;
      }
      if (pgMax - pgMin <= tolerance) break;
    }
  }

  /**
   * Multinomial naive Bayes on the TF-IDF weights (scikit-learn's MultinomialNB, ASReview LAB 1's
   * default), the classes balanced as `nbBalance` says. The weights hold the log-odds of each
   * feature; the prior odds are the same for every record, so they are left out of the score.
   */
  private trainNaiveBayes(): void {
    const { rowPtr, cols, vals, nFeatures } = this.features;
    const { alpha, balance } = this.config;
    const n = this.nDecided;
    const nPos = this.nRelevant;
    const nNeg = n - nPos;
    if (nPos === 0 || nNeg === 0) return;
    const ratio = Math.pow(nNeg / nPos, balance);
    const copies = this.config.nbBalance === 'double' ? doubleBalanceCopies(this.decided.subarray(0, n), this.y, this.random) : undefined;
    const pos = new Float64Array(nFeatures);
    const neg = new Float64Array(nFeatures);
    let totalPos = 0;
    let totalNeg = 0;
    for (let s = 0; s < n; s++) {
      const row = this.decided[s];
      const relevant = this.y[row] > 0;
      const target = relevant ? pos : neg;
      const weight = copies ? copies[s] : relevant ? ratio : 1;
      if (weight === 0) continue;
      for (let k = rowPtr[row]; k < rowPtr[row + 1]; k++) {
        const v = vals[k] * weight;
        target[cols[k]] += v;
        if (relevant) totalPos += v;
        else totalNeg += v;
      }
    }
    const w = this.wNb;
    const logPos = Math.log(totalPos + alpha * nFeatures);
    const logNeg = Math.log(totalNeg + alpha * nFeatures);
    for (let f = 0; f < nFeatures; f++) w[f] = Math.log(pos[f] + alpha) - logPos - (Math.log(neg[f] + alpha) - logNeg);
    w[nFeatures] = 0;
  }

  /** Every undecided record's score under the last fit (into `out` when given); decided ones get -Infinity. */
  scores(out: Float64Array = new Float64Array(this.features.nRows)): Float64Array {
    const { classifier } = this.config;
    if (classifier === 'svm') return this.linearScores(this.w, this.w[this.w.length - 1] * this.config.bias, out);
    return this.linearScores(this.wNb, 0, out);
  }

  private linearScores(w: Float64Array, intercept: number, out: Float64Array): Float64Array {
    const { rowPtr, cols, vals, nRows } = this.features;
    const y = this.y;
    for (let r = 0; r < nRows; r++) {
      // Decided records need no score: -Infinity keeps them last in any ranking.
      if (y[r] !== 0) {
        out[r] = -Infinity;
        continue;
      }
      let s = intercept;
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) s += w[cols[k]] * vals[k];
      out[r] = s;
    }
    return out;
  }
}

/**
 * ASReview LAB 1's "double" balance strategy (asreview/models/balance/double.py, defaults a 2.155,
 * alpha 0.94, b 0.789, beta 1): before each fit the decided records are resampled into a training
 * set of the same size in which relevant records weigh a (nRelevant / nIrrelevant) ^ -alpha and
 * irrelevant ones 1 - (1 - b) (1 + ln n) ^ -beta; each class is filled by whole copies of its
 * records plus a draw without replacement for the remainder. Returns, per decided record (in
 * `decided` order), how many times it is in the training set. The draws come from `random`, so
 * a seed gives one resampling.
 */
export function doubleBalanceCopies(decided: Int32Array, y: Int8Array, random: () => number, a = 2.155, alpha = 0.94, b = 0.789, beta = 1): Int32Array {
  const ones: number[] = [];
  const zeros: number[] = [];
  for (let s = 0; s < decided.length; s++) (y[decided[s]] > 0 ? ones : zeros).push(s);
  const nOne = ones.length;
  const nZero = zeros.length;
  const nTrain = nOne + nZero;
  const oneWeight = a * Math.pow(nOne / nZero, -alpha);
  const zeroWeight = 1 - (1 - b) * Math.pow(1 + Math.log(nTrain), -beta);
  const share = (oneWeight * nOne * nTrain) / (oneWeight * nOne + zeroWeight * nZero);
  // Rounded up with probability equal to the fraction, as ASReview's random_round.
  let nOneTrain = Math.floor(share);
  if (random() < share - nOneTrain) nOneTrain++;
  nOneTrain = Math.max(1, Math.min(nTrain - 2, nOneTrain));
  const copies = new Int32Array(decided.length);
  fill(ones, nOneTrain);
  fill(zeros, nTrain - nOneTrain);
  return copies;

  function fill(members: number[], size: number): void {
    const whole = Math.floor(size / members.length);
    for (const s of members) copies[s] = whole;
    // The remainder drawn without replacement: a partial Fisher–Yates shuffle.
    const pool = members.slice();
    const extra = size - whole * members.length;
    for (let i = 0; i < extra; i++) {
      const j = i + Math.floor(random() * (pool.length - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
      copies[pool[i]]++;
    }
  }
}

/**
 * The undecided rows from most to least likely relevant: by score, ties by row (file order),
 * so one fit always gives one order.
 */
export function rankUndecided(model: { label(row: number): number }, scores: Float64Array): Int32Array {
  const rows: number[] = [];
  for (let r = 0; r < scores.length; r++) if (model.label(r) === 0) rows.push(r);
  rows.sort((a, b) => scores[b] - scores[a] || a - b);
  return Int32Array.from(rows);
}
