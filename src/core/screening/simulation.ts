import { RelevanceScorer, type RelevanceFeatures } from './relevance-configs.js';
import { seededRandom } from '../random.js';
import { simulationMetrics, type SimulationMetrics } from './metrics.js';

/**
 * Replaying a labelled review as a reviewer would screen it with `--order relevance`: the prior
 * knowledge is one relevant and one irrelevant record drawn by the seed; then, over and over, the
 * model is retrained on every label so far and the undecided record it ranks highest is "screened"
 * (its label revealed). ASReview's simulate does the same (one retrain per label, "max" query).
 *
 * One shortcut, which no measure can see: once the last relevant record has been found, the
 * remaining ones are appended in the order of the last ranking instead of one retrain each. Every
 * measure (WSS, RRF, ATD, records to 95 % and 100 % recall) depends only on where the relevant
 * records are.
 */

export interface SimulationRun {
  seed: number;
  /** Rows in the order screened, the two priors first (relevant, then irrelevant). */
  order: Int32Array;
  priors: [relevant: number, irrelevant: number];
  metrics: SimulationMetrics;
  /** Model fits made. */
  retrains: number;
}

/** One run with the configuration the features were built for (relevance-configs.ts). */
export function simulateRun(features: RelevanceFeatures, labels: Uint8Array, seed: number): SimulationRun {
  const n = features.nRows;
  const relevant: number[] = [];
  const irrelevant: number[] = [];
  for (let r = 0; r < n; r++) (labels[r] === 1 ? relevant : irrelevant).push(r);
  if (relevant.length === 0 || irrelevant.length === 0) throw new Error('simulateRun needs at least one relevant and one irrelevant record');
  const random = seededRandom(seed);
  const priors: [number, number] = [relevant[Math.floor(random() * relevant.length)], irrelevant[Math.floor(random() * irrelevant.length)]];

  const model = new RelevanceScorer(features, seed);
  const order = new Int32Array(n);
  let screened = 0;
  let relevantLeft = relevant.length;
  for (const row of priors) {
    model.setLabel(row, labels[row] === 1 ? 1 : 0);
    order[screened++] = row;
    if (labels[row] === 1) relevantLeft--;
  }
  const scores = new Float64Array(n);
  let retrains = 0;
  while (screened < n && relevantLeft > 0) {
    model.train();
    retrains++;
    model.scores(scores);
    let best = -1;
    let bestScore = -Infinity;
    for (let r = 0; r < n; r++) {
      if (model.label(r) !== 0) continue;
      if (scores[r] > bestScore) {
        best = r;
        bestScore = scores[r];
      }
    }
    model.setLabel(best, labels[best] === 1 ? 1 : 0);
    order[screened++] = best;
    if (labels[best] === 1) relevantLeft--;
  }
  if (screened < n) {
    // Every relevant record is found: the rest in the last ranking's order (ties by row).
    const rest: number[] = [];
    for (let r = 0; r < n; r++) if (model.label(r) === 0) rest.push(r);
    rest.sort((a, b) => scores[b] - scores[a] || a - b);
    for (const r of rest) order[screened++] = r;
  }
  const afterPriors = new Uint8Array(n - 2);
  for (let i = 2; i < n; i++) afterPriors[i - 2] = labels[order[i]];
  return { seed, order, priors, metrics: simulationMetrics(afterPriors), retrains };
}

export interface Summary {
  mean: number;
  min: number;
  max: number;
}

export function summarise(values: readonly number[]): Summary {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: values.length ? sum / values.length : NaN, min, max };
}

export type MetricsSummary = { [K in keyof SimulationMetrics]: Summary };

export function summariseRuns(runs: readonly SimulationRun[]): MetricsSummary {
  const keys = Object.keys(runs[0].metrics) as (keyof SimulationMetrics)[];
  const out = {} as MetricsSummary;
  for (const k of keys) out[k] = summarise(runs.map((r) => r.metrics[k]));
  return out;
}
