/**
 * The measures of a screening order on a labelled review, defined as ASReview's insights package
 * (asreview-insights 1.x, metrics.py) defines them, so figures can be set beside ASReview's.
 *
 * Every function takes the labels in the order they were screened, with the prior-knowledge
 * records LEFT OUT (ASReview's convention): `labels[i]` is 1 when the (i+1)-th record screened
 * after the priors is relevant. n = labels.length, nRelevant = the number of 1s.
 */

/** numpy's round: half to even (np.round(2.5) = 2). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function countRelevant(labels: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) n++;
  return n;
}

/**
 * Work saved over sampling at a recall, as a share of all records (0..1): insights' `_wss`.
 * The recall is read at the largest k with k / nRelevant ≤ recall; WSS is (where a random order,
 * round(linspace(0, nRelevant, n)), first reaches k − where this order first reaches k) / n.
 */
export function wss(labels: ArrayLike<number>, recall = 0.95): number {
  const n = labels.length;
  const nRelevant = countRelevant(labels);
  if (nRelevant === 0) return NaN;
  let k = 0;
  for (let j = 1; j <= nRelevant; j++) if (j / nRelevant <= recall) k = j;
  if (k === 0) return 0;
  // searchsorted(cumsum(labels), k): the first index whose running count reaches k.
  let found = 0;
  let whenFound = n;
  for (let i = 0; i < n; i++) {
    found += labels[i] === 1 ? 1 : 0;
    if (found >= k) {
      whenFound = i;
      break;
    }
  }
  // searchsorted(round(linspace(0, nRelevant, n)), k).
  let whenRandom = n;
  const step = n > 1 ? nRelevant / (n - 1) : 0;
  for (let i = 0; i < n; i++) {
    const value = i === n - 1 && n > 1 ? nRelevant : roundHalfEven(i * step);
    if (value >= k) {
      whenRandom = i;
      break;
    }
  }
  return (whenRandom - whenFound) / n;
}

/**
 * Relevant records found (as a share of all relevant, 0..1) after screening a share of the
 * records: insights' `_recall`, read at the largest i with i / n ≤ share.
 */
export function rrf(labels: ArrayLike<number>, share: number): number {
  const n = labels.length;
  const nRelevant = countRelevant(labels);
  if (nRelevant === 0) return NaN;
  let found = 0;
  for (let i = 1; i <= n && i / n <= share; i++) found += labels[i - 1] === 1 ? 1 : 0;
  return found / nRelevant;
}

/**
 * Average time to discovery as a share of all records (0..1): the mean 1-based position at which
 * each relevant record was screened, over n.
 */
export function atd(labels: ArrayLike<number>): number {
  const n = labels.length;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1) {
      sum += i + 1;
      count++;
    }
  }
  return count === 0 ? NaN : sum / count / n;
}

/**
 * How many records had to be screened to find ceil(recall · nRelevant) relevant ones (for 1:
 * where the last relevant one is). 0 when there is nothing to find.
 */
export function recordsForRecall(labels: ArrayLike<number>, recall: number): number {
  const nRelevant = countRelevant(labels);
  // 0.95 * 100 is 95.00000000000001 in binary: round off the representation error before ceil.
  const target = Math.ceil(Math.round(recall * nRelevant * 1e9) / 1e9);
  if (target === 0) return 0;
  let found = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1 && ++found >= target) return i + 1;
  }
  return labels.length;
}

export interface SimulationMetrics {
  /** Records and relevant records the metrics are over (priors left out). */
  n: number;
  nRelevant: number;
  /** Percentages, as ASReview reports them. */
  wss95: number;
  rrf10: number;
  rrf25: number;
  atdPercent: number;
  /** Records screened after the priors to reach 95 % and 100 % recall. */
  recordsFor95: number;
  recordsFor100: number;
}

export function simulationMetrics(labels: ArrayLike<number>): SimulationMetrics {
  return {
    n: labels.length,
    nRelevant: countRelevant(labels),
    wss95: 100 * wss(labels, 0.95),
    rrf10: 100 * rrf(labels, 0.1),
    rrf25: 100 * rrf(labels, 0.25),
    atdPercent: 100 * atd(labels),
    recordsFor95: recordsForRecall(labels, 0.95),
    recordsFor100: recordsForRecall(labels, 1),
  };
}
