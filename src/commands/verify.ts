import { loadReview } from '../io/review.js';
import { compareWithExpected, expectedFromReview, stopSampleProblems } from '../core/review/verify.js';
import { readOrderLogsOfStops } from '../io/order-log.js';
import { PROTOCOL_FILE } from '../io/protocol-file.js';
import { readInputBytes, writeFileAtomic, INPUT_LIMITS } from '../io/files.js';
import * as path from 'node:path';
import { formatLocated } from '../errors.js';
import type { Flow } from '../model/flow.js';
import type { Command } from 'commander';
import type { CommandContext } from '../io/command.js';
import { examples } from '../io/command.js';
import { out, err, json, style } from '../io/output.js';
import { ExitCode, LitscreenError, inputError } from '../errors.js';

export interface VerifyOptions {
  review: string;
  /** False: derive everything from the raw inputs, neither reading nor writing the cache (as CI does). */
  cache?: boolean;
}

export interface PinResult {
  file: string;
  /** False when the protocol already pinned exactly this (the file is left untouched). */
  changed: boolean;
  included: number;
  fullTextExcluded: number;
}

export interface VerifyResult {
  ok: boolean;
  /** One line per problem: a count that drifted, a pending or conflicting decision, a bad log row. */
  problems: string[];
  /** The same problems for a person to read: long runs of pending records shortened. */
  summary: string[];
  /** Studies a criterion excluded that a reviewer included anyway: human decisions, named so nobody misses them. */
  overrides: string[];
  flow: Flow;
}

/**
 * `litscreen verify REVIEW`: recompute the flow from the raw inputs and fail when a count differs
 * from the protocol's `expected` block, a source's record count differs from its database hit
 * count, a record is pending at a stage it reached, or reviewers disagree.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const review = await loadReview(options.review, { cache: options.cache });
  const problems: string[] = [];
  for (const loaded of review.sources) {
    const want = loaded.source.expectedRecords;
    if (want !== undefined && want !== loaded.recordCount) {
      problems.push(
        formatLocated(`${loaded.source.database}: expected ${want} records (the database's hit count), read ${loaded.recordCount}`, loaded.file),
      );
    }
  }
  const { state } = review;
  // Without an expected block nothing is compared: no study need be made.
  problems.push(...compareWithExpected(state.flow, review.protocol.expected, review.protocol.expected ? state.studies : []));
  for (const p of state.problems) problems.push(formatLocated(p.message, p.file, p.line));
  const orderLogs = await readOrderLogsOfStops(options.review, state.decisions.stops);
  for (const p of stopSampleProblems(state, review.protocol, (reviewer) => orderLogs.get(reviewer) ?? [])) problems.push(formatLocated(p.message, p.file, p.line));
  // Only a decision overrides a criterion; read from each study's view, so no study is made.
  const overrides: string[] = [];
  for (let i = 0; i < state.studyCount; i++) {
    const v = state.decidedAt(i) ? state.viewAt(i) : undefined;
    if (v?.overriddenCriterion) overrides.push(`${state.studyIdAt(i)}: criterion ${v.overriddenCriterion.id} overridden by ${v.titleAbstract.override?.reviewer ?? '?'}: ${v.titleAbstract.override?.reason ?? ''}`);
  }
  return { ok: problems.length === 0, problems, summary: summarize(problems, options.review), overrides, flow: review.state.flow };
}

/**
 * `litscreen verify REVIEW --pin`: write the review's current counts and its included and
 * full-text-excluded studies into the protocol's `expected` block, leaving every other byte of
 * litscreen.json as it was. Refused (exit 1) while anything is pending, in conflict or unreadable:
 * pinning a review that is not finished would pin an accident.
 */
export async function runPin(options: VerifyOptions): Promise<PinResult> {
  const review = await loadReview(options.review, { cache: options.cache });
  if (review.state.problems.length > 0) {
    throw new LitscreenError(
      ExitCode.checkFailed,
      `not pinning: ${review.state.problems.length} record(s) or log row(s) still need a decision or a fix`,
      {},
      summarize(review.state.problems.map((p) => formatLocated(p.message, p.file, p.line)), options.review),
    );
  }
  const file = path.join(options.review, PROTOCOL_FILE);
  const before = await readProtocolExactly(file);
  // The protocol editor (and its JSON position reader) is loaded only to pin.
  const { replaceExpectedBlock } = await import('../io/protocol-edit.js');
  const after = replaceExpectedBlock(before, expectedFromReview(review.state.flow, review.state.studies));
  if (after !== before) await writeFileAtomic(file, after);
  const pinned = expectedFromReview(review.state.flow, review.state.studies);
  return { file, changed: after !== before, included: pinned.included_ids!.length, fullTextExcluded: pinned.fulltext_excluded_ids!.length };
}

/**
 * The protocol as its exact text, BOM included, so that writing it back changes nothing but the
 * block edited. A protocol that is not UTF-8 is refused rather than re-encoded behind the reviewer's back.
 */
async function readProtocolExactly(file: string): Promise<string> {
  const bytes = await readInputBytes(file, { maxBytes: INPUT_LIMITS.protocol, kind: 'protocol' });
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw inputError('is not UTF-8; save it as UTF-8 before pinning, so it can be rewritten exactly', { file });
  }
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
    .option('--pin', 'write the current counts and the included and excluded studies into litscreen.json\'s "expected" block (refused while anything is pending)')
    .option('--no-cache', 'derive everything from the exports and logs, neither reading nor writing .litscreen-cache/ (as CI should; LITSCREEN_NO_CACHE=1 does this for every command)')
    .addHelpText('after', examples('litscreen verify fixtures/seed-review && echo counts pinned', 'litscreen verify my-review --pin'))
    .action(async (review: string, opts: { json?: boolean; pin?: boolean; cache?: boolean }) => {
      if (opts.pin) {
        const pinned = await runPin({ review, cache: opts.cache });
        if (opts.json) return json(pinned);
        return out(
          pinned.changed
            ? `pinned the counts, ${pinned.included} included and ${pinned.fullTextExcluded} full-text-excluded studies in ${pinned.file} ("expected"); commit it so CI runs verify against it`
            : `${pinned.file} already pins exactly this; nothing changed`,
        );
      }
      const result = await runVerify({ review, cache: opts.cache });
      if (!result.ok) context.setExitCode(ExitCode.checkFailed);
      if (opts.json) return json(result);
      for (const o of result.overrides) err(style.warn('override: ') + o);
      if (result.ok) {
        const f = result.flow;
        out(style.good('ok: ') + `${f.database_results} identified, ${f.duplicates} duplicates, ${f.records_screened} screened${f.title_abstract_stopped !== undefined ? ` (${f.title_abstract_stopped} left unscreened under the stopping rule, as automation)` : ''}, ${f.dbr_assessed} full texts assessed, ${f.new_studies} included; nothing pending.`);
      } else {
        for (const p of result.summary) err(style.bad('verify: ') + p);
        err(`${result.problems.length} problem(s).`);
      }
    });
}
