import { loadReview } from '../io/review.js';
import { compareWithExpected } from '../core/review/verify.js';
import { formatLocated } from '../errors.js';
import type { Flow } from '../model/flow.js';
import type { Command } from 'commander';
import type { CommandContext } from '../io/command.js';
import { examples } from '../io/command.js';
import { out, err, json, style } from '../io/output.js';
import { ExitCode } from '../errors.js';

export interface VerifyOptions {
  review: string;
}

export interface VerifyResult {
  ok: boolean;
  /** One line per problem: a count that drifted, a pending or conflicting decision, a bad log row. */
  problems: string[];
  /** The same problems for a person to read: long runs of pending records shortened. */
  summary: string[];
  flow: Flow;
}

/**
 * `litscreen verify REVIEW`: recompute the flow from the raw inputs and fail when a count differs
 * from the protocol's `expected` block, a source's record count differs from its database hit
 * count, a record is pending at a stage it reached, or reviewers disagree.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const review = await loadReview(options.review);
  const problems: string[] = [];
  for (const loaded of review.sources) {
    const want = loaded.source.expectedRecords;
    if (want !== undefined && want !== loaded.records.length) {
      problems.push(
        formatLocated(`${loaded.source.database}: expected ${want} records (the database's hit count), read ${loaded.records.length}`, loaded.file),
      );
    }
  }
  problems.push(...compareWithExpected(review.state.flow, review.protocol.expected));
  for (const p of review.state.problems) problems.push(formatLocated(p.message, p.file, p.line));
  return { ok: problems.length === 0, problems, summary: summarize(problems, options.review), flow: review.state.flow };
}

/** Pending records beyond this many per stage are summarised in the human output (--json lists all). */
const PENDING_SHOWN = 10;

/**
 * The problems for a person: every drifted count, conflict and bad log row, but at most
 * PENDING_SHOWN pending records per stage and a line saying how to list the rest. A fresh review
 * has hundreds of pending records, and a wall of identical lines hides the one that matters.
 */
function summarize(problems: string[], review: string): string[] {
  const out: string[] = [];
  const pendingCount = new Map<string, number>();
  for (const p of problems) {
    const stage = /: pending at (title\/abstract|full text)/.exec(p)?.[1];
    if (!stage) {
      out.push(p);
      continue;
    }
    const n = (pendingCount.get(stage) ?? 0) + 1;
    pendingCount.set(stage, n);
    if (n <= PENDING_SHOWN) out.push(p);
  }
  for (const [stage, n] of pendingCount) {
    if (n > PENDING_SHOWN) {
      const flag = stage === 'full text' ? 'full-text' : 'title-abstract';
      out.push(`… and ${n - PENDING_SHOWN} more pending at ${stage} (all ${n}: litscreen list ${review} --stage ${flag} --pending)`);
    }
  }
  return out;
}

export function register(program: Command, context: CommandContext): void {
  program
    .command('verify')
    .description('recompute the flow and fail (exit 1) when a count drifts from the protocol\'s expected counts, or a decision is pending or in conflict')
    .argument('<review>', 'review folder')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('litscreen verify fixtures/seed-review && echo counts pinned'))
    .action(async (review: string, opts: { json?: boolean }) => {
      const result = await runVerify({ review });
      if (!result.ok) context.setExitCode(ExitCode.checkFailed);
      if (opts.json) return json(result);
      if (result.ok) {
        const f = result.flow;
        out(style.good('ok: ') + `${f.database_results} identified, ${f.duplicates} duplicates, ${f.records_screened} screened, ${f.dbr_assessed} full texts assessed, ${f.new_studies} included; nothing pending.`);
      } else {
        for (const p of result.summary) err(style.bad('verify: ') + p);
        err(`${result.problems.length} problem(s).`);
      }
    });
}
