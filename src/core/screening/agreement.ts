import type { DecisionRow, Stage } from '../../model/decision.js';
import type { ReviewState } from '../review/derive.js';
import { finalDecisionOf } from '../review/decisions.js';
import { outcomeAt, screenedAt } from './queue.js';

/**
 * How far two reviewers agree at a stage: Cohen's kappa, PABAK and Gwet's AC1 over a 2×2 table of
 * their decisions. Pure: the table comes from the derived review state.
 *
 * What is compared is the question a reviewer answers at every stage, "does this record go on?":
 * include (an override is an include) against not include (exclude for any reason, and at full text
 * not-retrieved). A `maybe` is no answer yet, so a record counts for a pair only when both reviewers'
 * latest counted rows are votes. Two exclusions for different reasons are agreement here (both say
 * the record does not go on) although they are a conflict for the flow; `differentReasons` counts them.
 * An adjudicator's decision settles the record but replaces no one's vote: agreement is about the
 * reviewers' own judgements.
 *
 * Every figure is computed from the integer counts as one division, so a band boundary (kappa
 * exactly 0.40) is decided exactly, not by floating-point noise.
 */

/** The 2×2 table of two reviewers' votes on the records both voted on. */
export interface AgreementTable {
  bothInclude: number;
  /** The first reviewer includes, the second does not. */
  onlyFirstIncludes: number;
  /** The second reviewer includes, the first does not. */
  onlySecondIncludes: number;
  bothExclude: number;
}

/** Landis and Koch (1977): the words usually put on a kappa. */
export const KAPPA_BANDS = ['poor', 'slight', 'fair', 'moderate', 'substantial', 'almost perfect'] as const;
export type KappaBand = (typeof KAPPA_BANDS)[number];

/**
 * Upper bounds of the bands from "slight" on, in hundredths; a band holds its upper bound, so 0.40
 * is "fair" and anything above it up to 0.60 "moderate". Below 0 is "poor".
 */
const BAND_UPPER_HUNDREDTHS: [number, KappaBand][] = [
  [20, 'slight'],
  [40, 'fair'],
  [60, 'moderate'],
  [80, 'substantial'],
  [100, 'almost perfect'],
];

export interface AgreementFigures {
  /** Records both reviewers voted on (n). */
  ratedByBoth: number;
  /** Observed agreement p_o: the share of those records on which they agree. */
  observed: number | null;
  /** Agreement expected by chance from each reviewer's own include rate, p_e. */
  chance: number | null;
  /** Cohen's kappa, (p_o − p_e) / (1 − p_e). */
  kappa: number | null;
  band: KappaBand | null;
  /** Prevalence- and bias-adjusted kappa, 2·p_o − 1. */
  pabak: number | null;
  /** Gwet's AC1, chance agreement taken as 2·π·(1 − π) with π the mean include rate. */
  ac1: number | null;
  /** Why a figure is null (no records in common; chance agreement of 1 leaves kappa undefined). */
  undefinedBecause?: string;
}

/** A number as a fraction of integers, for exact comparisons with band boundaries. */
interface Fraction {
  num: number;
  den: number;
}

/** The band of kappa = num/den (den > 0), compared exactly: num/den ≤ k/100 ⇔ 100·num ≤ k·den. */
function bandOf(kappa: Fraction): KappaBand {
  if (kappa.num < 0) return 'poor';
  for (const [upper, band] of BAND_UPPER_HUNDREDTHS) if (100 * kappa.num <= upper * kappa.den) return band;
  return 'almost perfect'; // unreachable: kappa ≤ 1 always
}

/** The Landis–Koch band of a kappa given as a number (for callers without the table). */
export function kappaBand(kappa: number): KappaBand {
  return bandOf({ num: kappa, den: 1 });
}

export function agreementFigures(table: AgreementTable): AgreementFigures {
  const a = table.bothInclude;
  const b = table.onlyFirstIncludes;
  const c = table.onlySecondIncludes;
  const d = table.bothExclude;
  for (const cell of [a, b, c, d]) {
    if (!Number.isSafeInteger(cell) || cell < 0) throw new Error(`internal: an agreement table holds counts, not ${cell}`);
  }
  const n = a + b + c + d;
  if (n === 0) {
    return { ratedByBoth: 0, observed: null, chance: null, kappa: null, band: null, pabak: null, ac1: null, undefinedBecause: 'no record was voted on by both reviewers' };
  }
  const agreed = a + d;
  // n²·p_e: the chance that both include plus the chance that both do not, from the margins.
  const chanceTimesN2 = (a + b) * (a + c) + (c + d) * (b + d);
  const n2 = n * n;
  // 2n²·p_e(AC1) with π = (2a + b + c) / 2n the mean include rate: 2π(1 − π)·2n² = (2a+b+c)(2d+b+c).
  const gwetChanceTimes2N2 = (2 * a + b + c) * (2 * d + b + c);
  const figures: AgreementFigures = {
    ratedByBoth: n,
    observed: agreed / n,
    chance: chanceTimesN2 / n2,
    kappa: null,
    band: null,
    pabak: (2 * agreed - n) / n,
    // The denominator 2n² − (2a+b+c)(2d+b+c) ≥ n² > 0: Gwet's chance agreement is at most 1/2.
    ac1: (2 * n * agreed - gwetChanceTimes2N2) / (2 * n2 - gwetChanceTimes2N2),
  };
  const kappa: Fraction = { num: n * agreed - chanceTimesN2, den: n2 - chanceTimesN2 };
  if (kappa.den === 0) {
    figures.undefinedBecause = 'chance agreement is 1 (both reviewers gave every record the same one answer), so kappa is undefined';
  } else {
    figures.kappa = kappa.num / kappa.den;
    figures.band = bandOf(kappa);
  }
  return figures;
}

/** include vs not include: the binary answer a vote stands for, undefined for a row that is no vote (maybe). */
export function votesToInclude(row: DecisionRow): boolean | undefined {
  const decision = finalDecisionOf(row);
  return decision === undefined ? undefined : decision === 'include';
}

export interface PairAgreement {
  stage: Stage;
  /** The two reviewers, in name order. */
  reviewers: [string, string];
  table: AgreementTable;
  figures: AgreementFigures;
  /**
   * Records neither includes but on grounds that put them in conflict: exclude vs not-retrieved, or
   * at full text two different exclusion reasons. Agreement in the table, conflicts in the flow.
   */
  differentReasons: number;
}

/**
 * Every reviewer with a vote at a stage on a study screened there, in name order (adjudicators'
 * rows are not votes).
 */
export function votingReviewers(state: ReviewState, stage: Stage): string[] {
  const names = new Set<string>();
  for (const study of state.studies) {
    if (!screenedAt(study, stage)) continue;
    for (const row of outcomeAt(study, stage).latestByReviewer.values()) if (votesToInclude(row) !== undefined) names.add(row.reviewer);
  }
  return [...names].sort(byName);
}

const byName = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/**
 * The agreement of every pair of reviewers at a stage, from each one's latest counted vote on each
 * study screened there. Pairs in name order; a pair with no study in common is listed with
 * undefined figures.
 */
export function agreementAtStage(state: ReviewState, stage: Stage): PairAgreement[] {
  const reviewers = votingReviewers(state, stage);
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < reviewers.length; i++) {
    for (let j = i + 1; j < reviewers.length; j++) {
      pairs.push(pairAgreement(state, stage, reviewers[i], reviewers[j]));
    }
  }
  return pairs;
}

export function pairAgreement(state: ReviewState, stage: Stage, first: string, second: string): PairAgreement {
  const table: AgreementTable = { bothInclude: 0, onlyFirstIncludes: 0, onlySecondIncludes: 0, bothExclude: 0 };
  let differentReasons = 0;
  for (const study of state.studies) {
    if (!screenedAt(study, stage)) continue;
    const votes = outcomeAt(study, stage).latestByReviewer;
    const rowA = votes.get(first);
    const rowB = votes.get(second);
    if (!rowA || !rowB) continue;
    const a = votesToInclude(rowA);
    const b = votesToInclude(rowB);
    if (a === undefined || b === undefined) continue;
    if (a && b) table.bothInclude++;
    else if (a) table.onlyFirstIncludes++;
    else if (b) table.onlySecondIncludes++;
    else {
      table.bothExclude++;
      // The same test as the flow's conflicts (core/review/decisions.ts): the decision, or at full text the reason.
      const da = finalDecisionOf(rowA);
      if (da !== finalDecisionOf(rowB) || (stage === 'full-text' && da === 'exclude' && rowA.reason !== rowB.reason)) differentReasons++;
    }
  }
  return { stage, reviewers: [first, second], table, figures: agreementFigures(table), differentReasons };
}
