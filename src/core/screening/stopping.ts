/**
 * Stopping guidance for prioritised screening (issue 11): how long the current run of irrelevant
 * records is, how many relevant records may still be unseen, and a rule a protocol may adopt.
 * Pure arithmetic on what the reviewer has screened; nothing here decides for the reviewer.
 *
 * The rule (proposed protocol setting `titleAbstract.stoppingRule`):
 *   { consecutiveIrrelevant: N, randomSample: M }
 * Screen in relevance order until N records in a row are irrelevant; then screen M records drawn
 * at random (seeded) from those still unscreened. Stop if none of the M is relevant: the records
 * left are then "marked ineligible by automation tools" (PRISMA 2020), and the upper bound below
 * says how many relevant ones they may still hold. If one is relevant, go back to relevance order.
 * The sample is what makes the rule honest: the streak alone (a heuristic) says nothing about the
 * records the model ranks low, and a random sample does (SAFE procedure, Boetje & van de Schoot
 * 2024; statistical stopping, Callaghan & Müller-Hansen 2020).
 */

import { seededRandom } from '../random.js';

export interface StoppingRule {
  consecutiveIrrelevant: number;
  randomSample: number;
}

/** Irrelevant records in a row since the last relevant one (labels in screening order, 1 relevant). */
export function irrelevantStreak(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = labels.length - 1; i >= 0 && labels[i] !== 1; i--) n++;
  return n;
}

/** The regularised incomplete beta function I_x(a, b) by its continued fraction (Numerical Recipes' betacf). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-12) break;
  }
  return (Math.exp(lnFront) * h) / a;
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9). */
function lnGamma(x: number): number {
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let s = g[0];
  for (let i = 1; i < 9; i++) s += g[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** The Clopper-Pearson upper bound of a proportion after `found` of `n`, one-sided at `confidence`. */
export function upperBoundProportion(found: number, n: number, confidence = 0.95): number {
  if (n <= 0) return 1;
  if (found >= n) return 1;
  const alpha = 1 - confidence;
  if (found === 0) return 1 - Math.pow(alpha, 1 / n);
  // Solve I_p(found + 1, n - found) = 1 - alpha by bisection.
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, found + 1, n - found) < 1 - alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface RemainingEstimate {
  /** Unscreened records. */
  unscreened: number;
  /** Point estimate of relevant records among them. */
  estimate: number;
  /** At most this many, at the confidence given (one-sided Clopper-Pearson on the sample). */
  upper: number;
  confidence: number;
}

/**
 * Relevant records still unseen, from a random sample of the unscreened records: `found` relevant
 * in a sample of `sampled`, drawn from `unscreened` records (the sample counted among them).
 */
export function estimateRemaining(unscreened: number, sampled: number, found: number, confidence = 0.95): RemainingEstimate {
  const rest = Math.max(unscreened - sampled, 0);
  const p = sampled > 0 ? found / sampled : 0;
  const upperP = upperBoundProportion(found, sampled, confidence);
  return { unscreened, estimate: p * rest, upper: Math.ceil(upperP * rest), confidence };
}

/** Whether the rule allows stopping now: the streak is long enough and the sample held no relevant record. */
export function stoppingRuleMet(rule: StoppingRule, streak: number, sampled: number, foundInSample: number): boolean {
  return streak >= rule.consecutiveIrrelevant && sampled >= rule.randomSample && foundInSample === 0;
}

/** Where the streak heuristic alone would stop a screening order: records screened and recall then (for simulations). */
export function streakStop(labels: ArrayLike<number>, consecutiveIrrelevant: number): { screened: number; recall: number } {
  let total = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) total++;
  let found = 0;
  let streak = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      found++;
      streak = 0;
    } else if (++streak >= consecutiveIrrelevant) {
      return { screened: i + 1, recall: total ? found / total : 1 };
    }
  }
  return { screened: labels.length, recall: 1 };
}

/**
 * The rule's random sample: `size` of the `population` (study ids) drawn without replacement by
 * a partial Fisher-Yates shuffle driven by the project's seeded generator (core/random.ts), in the
 * order drawn. The population is sorted first (by code unit), so the draw depends only on the set
 * of ids and the seed: anyone with the logs can draw it again and compare (core/review/stop.ts).
 */
export function drawRandomSample(population: Iterable<string>, size: number, seed: number): string[] {
  const ids = [...population].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const random = seededRandom(seed);
  const n = Math.min(Math.max(0, size), ids.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (ids.length - i));
    const picked = ids[j];
    ids[j] = ids[i];
    ids[i] = picked;
  }
  return ids.slice(0, n);
}
