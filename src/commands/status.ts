import { loadReview, listReviewers } from '../io/review.js';
import { checkReviewerName } from '../model/reviewer-name.js';
import type { Protocol } from '../model/protocol.js';
import { STAGES, type Stage } from '../model/decision.js';
import type { ReviewState } from '../core/review/derive.js';
import { finalDecisionOf } from '../core/review/decisions.js';
import { agreementAtStage, type PairAgreement } from '../core/screening/agreement.js';
import { isBlind, hasRequiredVotes, requiredReviewers, screenedAt, outcomeAt, reviewerQueue } from '../core/screening/queue.js';
import type { Command } from 'commander';
import { examples } from '../io/command.js';
import { out, json, table } from '../io/output.js';

export interface StatusOptions {
  review: string;
  /** Who asks: in blind mode their own split of decisions is shown, no one else's. */
  reviewer?: string;
}

/**
 * One reviewer at one stage. `null` is a number blind mode hides: it would tell who asks how
 * another reviewer voted.
 */
export interface ReviewerProgress {
  reviewer: string;
  /** Records with this reviewer's vote (include, exclude, not-retrieved). */
  decided: number;
  included: number | null;
  excluded: number | null;
  notRetrieved: number | null;
  /** Records whose latest row by this reviewer is a maybe. */
  maybe: number;
  /** This reviewer's own queue: the records still waiting for them (as `screen` shows them). */
  remaining: number;
  /** Records where this reviewer's vote is part of an unsettled disagreement. */
  inConflict: number | null;
}

export interface StageProgress {
  stage: Stage;
  /** Reviewers each record needs at this stage (the protocol's `reviewers`). */
  reviewersPerRecord: number;
  /** Blind mode is on and not every record here has its required votes yet. */
  blind: boolean;
  /** Records people screen at this stage. */
  screened: number;
  /** Records that have all their required votes (or an adjudicator's decision). */
  withAllVotes: number;
  /** Records still waiting for a vote, or with a maybe. */
  pending: number;
  conflicts: number | null;
  /** Records settled (include, exclude, not-retrieved), by agreeing reviewers or an adjudicator. */
  decided: number | null;
  /** Of those, the ones an adjudicator settled. */
  adjudicated: number | null;
  reviewers: ReviewerProgress[];
  /** One entry per pair of reviewers with votes here; null while blind. */
  agreement: PairAgreement[] | null;
}

export interface StatusResult {
  /** Who asked (--reviewer or $LITSCREEN_REVIEWER), when named. */
  reviewer?: string;
  stages: StageProgress[];
}

/**
 * The reviewers listed at a stage: everyone with a row there, who asks, and, at a stage that needs
 * two reviewers, everyone with a row at another stage (they are expected to screen here too).
 */
function reviewersAt(state: ReviewState, stage: Stage, required: number, asking: string | undefined): string[] {
  const names = new Set<string>();
  for (const s of STAGES) {
    if (s !== stage && required < 2) continue;
    for (const rows of state.decisions.history.get(s)?.values() ?? []) for (const r of rows) if (r.role === 'reviewer') names.add(r.reviewer);
  }
  if (asking) names.add(asking);
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function stageProgress(state: ReviewState, protocol: Protocol, stage: Stage, asking: string | undefined): StageProgress {
  const required = requiredReviewers(protocol, stage);
  const blind = isBlind(protocol, state, stage);
  const studies = state.studies.filter((s) => screenedAt(s, stage));
  let pending = 0;
  let conflicts = 0;
  let adjudicated = 0;
  let withAllVotes = 0;
  for (const s of studies) {
    const outcome = outcomeAt(s, stage);
    if (outcome.status === 'pending') pending++;
    else if (outcome.status === 'conflict') conflicts++;
    else if (outcome.adjudication) adjudicated++;
    if (hasRequiredVotes(s, stage, required)) withAllVotes++;
  }
  const decided = studies.length - pending - conflicts;
  const reviewers = reviewersAt(state, stage, required, asking).map((reviewer): ReviewerProgress => {
    let votes = 0;
    let included = 0;
    let excluded = 0;
    let notRetrieved = 0;
    let maybe = 0;
    let inConflict = 0;
    for (const s of studies) {
      const outcome = outcomeAt(s, stage);
      const row = outcome.latestByReviewer.get(reviewer);
      if (!row) continue;
      const vote = finalDecisionOf(row);
      if (vote === undefined) {
        if (row.decision === 'maybe') maybe++;
        continue;
      }
      votes++;
      if (vote === 'include') included++;
      else if (vote === 'exclude') excluded++;
      else notRetrieved++;
      if (outcome.status === 'conflict') inConflict++;
    }
    // Blind: how far each reviewer got is no secret, which way they voted is; a reviewer's own
    // split is theirs to see, but their conflicts would show the other's vote.
    const own = !blind || reviewer === asking;
    return {
      reviewer,
      decided: votes,
      included: own ? included : null,
      excluded: own ? excluded : null,
      notRetrieved: own ? notRetrieved : null,
      maybe,
      remaining: reviewerQueue(state, protocol, stage, reviewer).length,
      inConflict: blind ? null : inConflict,
    };
  });
  return {
    stage,
    reviewersPerRecord: required,
    blind,
    screened: studies.length,
    withAllVotes,
    pending,
    conflicts: blind ? null : conflicts,
    decided: blind ? null : decided,
    adjudicated: blind ? null : adjudicated,
    reviewers,
    agreement: blind ? null : agreementAtStage(state, stage),
  };
}

/**
 * `litscreen status REVIEW`: where screening stands, per stage and reviewer: records decided,
 * remaining in each one's own queue, maybe and in conflict, the agreement figures per pair, and per
 * stage the records pending, in conflict and decided. Blind mode (until every record at a stage has
 * its votes) shows each reviewer's progress (decided, maybe, remaining) but which way they voted
 * only to themselves (--reviewer), and no conflicts, settled counts or agreement.
 */
export async function runStatus(options: StatusOptions): Promise<StatusResult> {
  const { protocol, state } = await loadReview(options.review);
  // The spelling of the reviewer's own logs (checked as `decide` checks it).
  const asking = options.reviewer ? checkReviewerName(options.reviewer, await listReviewers(options.review)) : undefined;
  return { reviewer: asking, stages: STAGES.map((stage) => stageProgress(state, protocol, stage, asking)) };
}

const STAGE_HEADINGS: Record<Stage, string> = { 'title-abstract': 'Title/abstract', 'full-text': 'Full text' };
const figure = (n: number | null) => (n === null ? 'undefined' : n.toFixed(3));
const shown = (n: number | null) => (n === null ? 'hidden' : String(n));

// A reviewer's name comes from a log's file name, which anyone may create: no control characters to the terminal.
// eslint-disable-next-line no-control-regex
const shownName = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

export function renderStatus(result: StatusResult, review: string): string {
  const lines: string[] = [];
  for (const s of result.stages) {
    const per = `${s.reviewersPerRecord} reviewer${s.reviewersPerRecord > 1 ? 's' : ''} per record`;
    lines.push(`${STAGE_HEADINGS[s.stage]}: ${s.screened} record(s) screened, ${per}${s.blind ? ', blind' : ''}`);
    if (s.blind) {
      lines.push(
        `  pending ${s.pending} · with all their votes ${s.withAllVotes} of ${s.screened}`,
        `  blind mode: which way others voted, conflicts, decided records and agreement stay hidden until every record here has its votes.`,
      );
    } else {
      const adj = s.adjudicated ? ` (${s.adjudicated} by an adjudicator)` : '';
      lines.push(`  pending ${s.pending} · in conflict ${s.conflicts} · decided ${s.decided}${adj}`);
    }
    if (s.reviewers.length > 0) {
      const fullText = s.stage === 'full-text';
      const head = ['reviewer', 'decided', 'included', 'excluded', ...(fullText ? ['not retrieved'] : []), 'maybe', 'remaining', 'in conflict'];
      const rows = s.reviewers.map((r) => [
        shownName(r.reviewer),
        String(r.decided),
        shown(r.included),
        shown(r.excluded),
        ...(fullText ? [shown(r.notRetrieved)] : []),
        String(r.maybe),
        String(r.remaining),
        shown(r.inConflict),
      ]);
      lines.push(
        '',
        table([head, ...rows], ['left', ...head.slice(1).map(() => 'right' as const)])
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      );
    }
    lines.push('');
    if (s.agreement === null) {
      // said above
    } else if (s.agreement.length === 0) {
      const voters = s.reviewers.filter((r) => r.decided > 0).map((r) => shownName(r.reviewer));
      lines.push(`  agreement: needs two reviewers who voted on the same records${voters.length === 1 ? ` (only ${voters[0]} has votes here)` : ''}`);
    } else {
      for (const p of s.agreement) {
        const f = p.figures;
        const kappa = f.kappa === null ? 'kappa undefined' : `kappa ${figure(f.kappa)} (${f.band})`;
        lines.push(
          `  agreement ${shownName(p.reviewers[0])} / ${shownName(p.reviewers[1])}: ${f.ratedByBoth} screened by both, observed ${figure(f.observed)}, ${kappa}, PABAK ${figure(f.pabak)}, AC1 ${figure(f.ac1)}`,
        );
      }
    }
    if (!s.blind && s.conflicts) lines.push(`  ${s.conflicts} conflict(s) to settle: litscreen conflicts ${review} --stage ${s.stage}`);
    lines.push('');
  }
  return lines.join('\n').replace(/\n+$/, '');
}

export function register(program: Command): void {
  program
    .command('status')
    .description('where screening stands: per stage and reviewer the records decided, remaining, maybe and in conflict, with the agreement figures')
    .argument('<review>', 'review folder')
    .option('--reviewer <name>', 'who asks: in blind mode your own included/excluded counts are shown (default: $LITSCREEN_REVIEWER)')
    .option('--json', 'machine-readable output (a number blind mode hides is null)')
    .addHelpText('after', examples('litscreen status fixtures/seed-review', 'litscreen status . --reviewer alice', 'litscreen status . --json'))
    .action(async (review: string, opts: { reviewer?: string; json?: boolean }) => {
      const result = await runStatus({ review, reviewer: opts.reviewer ?? process.env.LITSCREEN_REVIEWER });
      if (opts.json) return json(result);
      out(renderStatus(result, review));
    });
}
