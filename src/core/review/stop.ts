import type { DecisionRow } from '../../model/decision.js';
import type { Protocol, StoppingRuleSetting } from '../../model/protocol.js';
import { irrelevantStreak } from '../screening/stopping.js';
import { finalDecisionOf } from './decisions.js';

/**
 * Stopping under the protocol's rule (issue 11), as the logs can show it. Pure.
 *
 * The rule `{consecutiveIrrelevant: N, randomSample: M}`: N irrelevant records in a row, then a
 * random sample of M of the records still unscreened with no include. Both parts are decisions in
 * the reviewer's log, so the last N + M records the reviewer decided (in the order they decided
 * them) must all be excludes; that much is checked here. Whether the last M were drawn at random
 * the logs cannot show, so `decide --stop` asks the reviewer to say so (`--sample-checked`).
 */

export function describeStoppingRule(rule: StoppingRuleSetting): string {
  return `stop after ${rule.consecutiveIrrelevant} consecutive irrelevant records and a random sample of ${rule.randomSample} with no includes`;
}

export interface StopCheck {
  /** Records the reviewer excluded in a row, most recent last, by their latest decisions. */
  streak: number;
  /** N + M: the streak the rule asks for. */
  needed: number;
  holds: boolean;
}

/**
 * A reviewer's title/abstract decisions as labels (1 include, 0 exclude) in the order they made
 * their standing decisions: a retracted decision is gone, a changed one counts where it was last
 * made. `rows` are the reviewer's own rows in log order (rows after a stop row are left out by the caller).
 */
export function decisionOrderLabels(rows: readonly DecisionRow[], resolveStudy: (recordId: string) => string | undefined): number[] {
  const latest = new Map<string, { position: number; row: DecisionRow }>();
  rows.forEach((row, position) => {
    if (row.stage !== 'title-abstract' || row.role !== 'reviewer' || row.decision === 'stop') return;
    const study = resolveStudy(row.recordId);
    if (study === undefined) return;
    latest.delete(study);
    if (row.decision !== 'retract') latest.set(study, { position, row });
  });
  const labels: number[] = [];
  // A Map iterates in insertion order, and a changed decision was re-inserted: the order decided.
  for (const { row } of latest.values()) {
    const decision = finalDecisionOf(row);
    if (decision === 'include') labels.push(1);
    else if (decision === 'exclude') labels.push(0);
  }
  return labels;
}

export function checkStopRule(rule: StoppingRuleSetting, labels: readonly number[]): StopCheck {
  const streak = irrelevantStreak(labels);
  const needed = rule.consecutiveIrrelevant + rule.randomSample;
  return { streak, needed, holds: streak >= needed };
}

export interface EffectiveStop {
  rule: StoppingRuleSetting;
  /** The reviewers' stop rows that count, in log order. */
  rows: DecisionRow[];
  /** The latest of their times: screening stopped once every required reviewer had stopped. */
  stoppedAt: string;
  stoppedBy: string;
}

/**
 * Whether title/abstract screening has stopped: the protocol adopts a rule and as many reviewers as
 * the stage requires have logged a `stop`. Otherwise nothing changes (the records stay pending).
 */
export function effectiveStop(protocol: Protocol, stops: readonly DecisionRow[]): EffectiveStop | undefined {
  const rule = protocol.titleAbstract.stoppingRule;
  if (!rule) return undefined;
  const rows = stops.filter((r) => r.stage === 'title-abstract' && r.role === 'reviewer');
  if (rows.length === 0 || rows.length < protocol.titleAbstract.reviewers) return undefined;
  const stoppedAt = rows.map((r) => r.time).reduce((a, b) => (b > a ? b : a));
  const stoppedBy = [...new Set(rows.map((r) => r.reviewer))].sort().join(', ');
  return { rule, rows, stoppedAt, stoppedBy };
}
