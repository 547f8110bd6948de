import { loadReview } from '../io/review.js';
import { STAGES, type Stage } from '../model/decision.js';
import { agreementAtStage, votingReviewers, type PairAgreement } from '../core/screening/agreement.js';
import { isBlind, hasRequiredVotes, requiredReviewers, screenedAt } from '../core/screening/queue.js';
import { Option, type Command } from 'commander';
import { examples } from '../io/command.js';
import { out, json, table } from '../io/output.js';

export interface AgreementOptions {
  review: string;
  stage: Stage;
}

export interface AgreementResult {
  stage: Stage;
  /** What the figures compare, for a reader of the JSON. */
  compares: string;
  /** Blind mode: the figures are hidden until every record at the stage has its required votes. */
  withheld: boolean;
  /** Records at the stage still waiting for their required votes (what blind mode waits for). */
  waitingForVotes: number;
  /** Reviewers with a vote at the stage, in name order. */
  reviewers: string[];
  /** One entry per pair of reviewers; empty while withheld. */
  pairs: PairAgreement[];
}

export const COMPARES = 'include vs not include (exclude, or not-retrieved at full text), each reviewer\'s latest vote; an adjudicator\'s decision replaces no vote';

/**
 * `litscreen agreement REVIEW --stage S`: how far each pair of reviewers agree at a stage, from
 * each one's latest vote on the records both voted on: observed agreement, Cohen's kappa with
 * its Landis–Koch band, PABAK and Gwet's AC1. In blind mode nothing is shown until every record
 * at the stage has its votes, since the figures would tell a reviewer how the other voted.
 */
export async function runAgreement(options: AgreementOptions): Promise<AgreementResult> {
  const { protocol, state } = await loadReview(options.review);
  const stage = options.stage;
  const required = requiredReviewers(protocol, stage);
  const waitingForVotes = state.studies.filter((s) => screenedAt(s, stage) && !hasRequiredVotes(s, stage, required)).length;
  const withheld = isBlind(protocol, state, stage);
  return {
    stage,
    compares: COMPARES,
    withheld,
    waitingForVotes,
    reviewers: votingReviewers(state, stage),
    pairs: withheld ? [] : agreementAtStage(state, stage),
  };
}

const STAGE_WORDS: Record<Stage, string> = { 'title-abstract': 'title/abstract', 'full-text': 'full text' };

/** A figure to three decimals; "undefined" where it cannot be computed (never NaN). */
const figure = (n: number | null) => (n === null ? 'undefined' : n.toFixed(3));

// A reviewer's name comes from a log's file name, which anyone may create: no control characters to the terminal.
// eslint-disable-next-line no-control-regex
const shownName = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

export function renderAgreement(result: AgreementResult, review: string): string {
  const at = STAGE_WORDS[result.stage];
  if (result.withheld) {
    return (
      `Agreement at ${at} is hidden (blind mode) until every record there has its required votes: ` +
      `${result.waitingForVotes} record(s) still wait. It would tell each reviewer how the other voted.`
    );
  }
  if (result.pairs.length === 0) {
    const who = result.reviewers.length === 0 ? 'no reviewer has voted there yet' : `only ${shownName(result.reviewers[0])} has votes there`;
    return `Agreement at ${at} needs two reviewers who voted on the same records; ${who}.`;
  }
  const lines = [`Agreement at ${at}: ${COMPARES}.`, ''];
  lines.push(
    table(
      [
        ['reviewers', 'screened by both', 'observed', 'kappa', 'band', 'PABAK', 'AC1'],
        ...result.pairs.map((p) => [
          `${shownName(p.reviewers[0])} / ${shownName(p.reviewers[1])}`,
          String(p.figures.ratedByBoth),
          figure(p.figures.observed),
          figure(p.figures.kappa),
          p.figures.band ?? '-',
          figure(p.figures.pabak),
          figure(p.figures.ac1),
        ]),
      ],
      ['left', 'right', 'right', 'right', 'left', 'right', 'right'],
    ),
  );
  lines.push('');
  for (const p of result.pairs) {
    const [a, b] = p.reviewers.map(shownName);
    const t = p.table;
    lines.push(
      `${a} / ${b}: both include ${t.bothInclude}, only ${a} includes ${t.onlyFirstIncludes}, only ${b} includes ${t.onlySecondIncludes}, ` +
        `neither includes ${t.bothExclude}; chance agreement ${figure(p.figures.chance)}.`,
    );
    if (p.differentReasons > 0) {
      lines.push(
        `  ${p.differentReasons} record(s) neither includes, on different grounds: agreement here, but conflicts to settle (litscreen conflicts ${review} --stage ${result.stage}).`,
      );
    }
    if (p.figures.undefinedBecause) lines.push(`  undefined: ${p.figures.undefinedBecause}.`);
  }
  if (result.waitingForVotes > 0) lines.push('', `${result.waitingForVotes} record(s) at ${at} still wait for their required votes; the figures will change.`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('agreement')
    .description('how far the reviewers agree at a stage: observed agreement, Cohen\'s kappa with its Landis-Koch band, PABAK and Gwet\'s AC1, per pair of reviewers')
    .argument('<review>', 'review folder')
    .addOption(new Option('--stage <stage>', 'which stage').choices([...STAGES]).makeOptionMandatory())
    .option('--json', 'machine-readable output (a figure that cannot be computed is null, with undefinedBecause)')
    .addHelpText(
      'after',
      examples('litscreen agreement fixtures/seed-review --stage full-text', 'litscreen agreement . --stage title-abstract --json') +
        '\nBands (Landis and Koch): below 0 poor, up to 0.20 slight, 0.40 fair, 0.60 moderate, 0.80 substantial, 1 almost perfect;\n' +
        'a band holds its upper bound, so a kappa of exactly 0.40 is fair.\n',
    )
    .action(async (review: string, opts: { stage: Stage; json?: boolean }) => {
      const result = await runAgreement({ review, stage: opts.stage });
      if (opts.json) return json(result);
      out(renderAgreement(result, review));
    });
}
