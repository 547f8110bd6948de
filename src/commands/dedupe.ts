import { stringify } from 'csv-stringify/sync';
import type { ReviewRecord } from '../model/record.js';
import * as path from 'node:path';
import { RESOLUTION_LOG_COLUMNS, RETRACT, type ResolutionValue, type ResolutionInput } from '../model/decision.js';
import { loadReview, assignIds, resolutionLogPath, reviewerFor, type LoadedReview } from '../io/review.js';
import { readInputText, writeFileAtomic } from '../io/files.js';
import { appendLogRows } from '../io/append-log.js';
import { parseCsvTable } from '../io/csv-table.js';
import { findDuplicates, personMergeGuard, type DedupeSettings, type UncertainPair } from '../core/dedupe/engine.js';
import { startQuestions, checkAnswers, pairKey, type KnownDistinct, type QuestionsInput } from '../core/dedupe/pair-questions.js';
import { verdictsOf } from '../core/review/resolutions.js';
import { PAIR_FIELDS } from '../core/dedupe/pair-fields.js';
import { runImport, keyFromFileName } from './import.js';
import { inputError, usageError } from '../errors.js';
import type { Command } from 'commander';
import { examples } from '../io/command.js';
import { out, json, style, truncate } from '../io/output.js';
import { reviewPairsInTerminal } from '../io/pair-review.js';

export interface DedupeOptions {
  review?: string;
  files?: string[];
}

export interface RecordRef {
  id: string;
  database: string;
  file: string;
  line: number;
  title: string;
}

export interface ClusterReport {
  kept: RecordRef;
  removed: (RecordRef & { rule: string; linkedTo: string; score: number })[];
  rule: string;
  score: number;
}

export interface DedupeReport {
  clusters: ClusterReport[];
  uncertain: (UncertainPair & { recordA: RecordRef; recordB: RecordRef })[];
  counts: { records: number; unique: number; duplicates: number; clusters: number; uncertain: number; byRule: Record<string, number> };
  blockedMerges: { a: string; b: string; guard: string }[];
  /** Records and settings behind the report, for --uncertain and --review. */
  records: Map<string, ReviewRecord>;
}

const ref = (r: ReviewRecord): RecordRef => ({ id: r.id, database: r.database, file: r.source.file, line: r.source.line, title: r.title });

/**
 * `litscreen dedupe REVIEW` (or `--files FILE...` without a review): which record absorbed which,
 * by which rule and score, and the pairs too uncertain to merge without a person.
 */
export async function runDedupe(options: DedupeOptions): Promise<DedupeReport> {
  let records: ReviewRecord[];
  let result;
  if (options.files && options.files.length > 0) {
    if (options.review) throw usageError('give either a review folder or --files, not both');
    records = [];
    const usedKeys = new Set<string>();
    for (const file of options.files) {
      let key = keyFromFileName(file);
      for (let n = 2; usedKeys.has(key); n++) key = `${keyFromFileName(file)}-${n}`;
      usedKeys.add(key);
      const imported = await runImport({ files: [file] });
      records.push(...assignIds(imported.records, { key, database: key }, []));
    }
    const settings: DedupeSettings = { yearTolerance: 1, matchMainTitle: true };
    result = findDuplicates(records, settings);
  } else if (options.review) {
    const review = await loadReview(options.review);
    records = review.state.records;
    result = review.state.dedupe;
  } else {
    throw usageError('give a review folder, or --files FILE... to deduplicate exports without one');
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  const byRule: Record<string, number> = {};
  const clusters = result.clusters.map((c) => {
    const links = new Map(c.links.map((l) => [l.id, l]));
    return {
      kept: ref(byId.get(c.kept)!),
      removed: c.removed.map((id) => {
        const link = links.get(id)!;
        byRule[link.rule] = (byRule[link.rule] ?? 0) + 1;
        return { ...ref(byId.get(id)!), rule: link.rule, linkedTo: link.to, score: link.score };
      }),
      rule: c.rule,
      score: c.score,
    };
  });
  const duplicates = records.length - result.keptIds.length;
  return {
    clusters,
    uncertain: result.uncertain.map((p) => ({ ...p, recordA: ref(byId.get(p.a)!), recordB: ref(byId.get(p.b)!) })),
    counts: {
      records: records.length,
      unique: result.keptIds.length,
      duplicates,
      clusters: clusters.length,
      uncertain: result.uncertain.length,
      byRule,
    },
    blockedMerges: result.blockedMerges,
    records: byId,
  };
}


/**
 * The uncertain pairs as a CSV with both records side by side and an empty `decision` column a
 * reviewer fills with duplicate or distinct, then feeds back with `dedupe --resolve FILE`.
 */
export function uncertainPairsCsv(report: DedupeReport): string {
  const header = ['record_a', 'record_b', 'score', 'reasons', 'decision', 'note', ...PAIR_FIELDS.flatMap(([name]) => [`a_${name}`, `b_${name}`])];
  const rows = report.uncertain.map((p) => {
    const a = report.records.get(p.a)!;
    const b = report.records.get(p.b)!;
    return [p.a, p.b, p.score.toFixed(3), p.reasons.join('; '), '', '', ...PAIR_FIELDS.flatMap(([, get]) => [get(a), get(b)])];
  });
  return '\uFEFF' + stringify([header, ...rows], { record_delimiter: 'windows' });
}


/**
 * Append resolutions to the reviewer's own log, `decisions/duplicates/<reviewer>.csv`: all rows in
 * one write, synced to disk before this returns (io/append-log.ts), so a caller may go on as if
 * they were recorded.
 */
export async function appendResolutions(review: LoadedReview, reviewer: string, resolutions: ResolutionInput[], now = new Date()): Promise<string> {
  const file = resolutionLogPath(review.dir, reviewer);
  for (const r of resolutions) {
    if (!review.state.recordById.has(r.a)) throw usageError(`no record "${r.a}" in this review`);
    if (!review.state.recordById.has(r.b)) throw usageError(`no record "${r.b}" in this review`);
  }
  if (resolutions.length === 0) return file;
  const time = now.toISOString();
  await appendLogRows(file, RESOLUTION_LOG_COLUMNS, resolutions.map((r) => [time, r.a, r.b, r.decision, r.note]));
  return file;
}

/** The decision column's spellings: as the prompt shows them (d, x), in full, and the older ones. */
const SPELLINGS = new Map<string, ResolutionValue>([
  ['duplicate', 'duplicate'],
  ['d', 'duplicate'],
  ['dup', 'duplicate'],
  ['yes', 'duplicate'],
  ['y', 'duplicate'],
  ['distinct', 'distinct'],
  ['x', 'distinct'],
  ['n', 'distinct'],
  ['no', 'distinct'],
  ['not', 'distinct'],
]);

/** Read a pairs CSV a reviewer filled in (from --uncertain); rows with an empty decision are skipped. */
export async function readFilledPairs(file: string): Promise<(ResolutionInput & { line: number })[]> {
  const table = parseCsvTable(await readInputText(file), file, ['record_a', 'record_b', 'decision']);
  const out: (ResolutionInput & { line: number })[] = [];
  for (const { line, cells } of table.rows) {
    const decision = cells.decision.trim().toLowerCase();
    if (decision === '') continue;
    const normalized = SPELLINGS.get(decision);
    if (normalized === undefined) {
      throw inputError(`decision "${cells.decision}" must be duplicate (d) or distinct (x), or empty to leave the pair for later`, { file, line });
    }
    if (!cells.record_a || !cells.record_b) throw inputError('row needs both record_a and record_b', { file, line });
    out.push({ a: cells.record_a, b: cells.record_b, decision: normalized, note: cells.note ?? '', line });
  }
  return out;
}

/**
 * The rows of a filled-in pairs file that change something: a row that repeats the reviewer's
 * verdict in force on the pair (from the log, or from an earlier row of the file) adds nothing,
 * so `--resolve FILE` run twice writes nothing the second time.
 */
export function newResolutions<T extends ResolutionInput>(rows: readonly T[], inForce: ReadonlyMap<string, ResolutionValue>): T[] {
  const verdicts = new Map(inForce);
  const out: T[] = [];
  for (const r of rows) {
    const key = pairKey(r.a, r.b);
    if (r.decision === RETRACT || verdicts.get(key) === r.decision) continue;
    verdicts.set(key, r.decision);
    out.push(r);
  }
  return out;
}

export async function writeUncertain(report: DedupeReport, file: string): Promise<void> {
  await writeFileAtomic(file, uncertainPairsCsv(report));
}

interface DedupeCliOptions {
  files?: string[];
  uncertain?: string;
  resolve?: string;
  review?: boolean;
  reviewer?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('dedupe')
    .description('find duplicate records across databases and show which record absorbed which, and why')
    .argument('[review]', 'review folder')
    .option('--files <files...>', 'deduplicate these exports without a review folder')
    .option('--uncertain <file>', 'write the pairs too uncertain to merge automatically, side by side, to a CSV to fill in')
    .option('--resolve <file>', 'record the decisions filled into such a CSV (decision column: duplicate or d, distinct or x); rows already recorded are not added again')
    .option('--review', 'decide the uncertain pairs in the terminal, one question per pair of studies, one key per answer (d duplicate, x distinct, s skip, u undo, q quit); each answer is saved at once')
    .option('--reviewer <name>', 'who resolves pairs (default: $LITSCREEN_REVIEWER)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'litscreen dedupe fixtures/seed-review',
        'litscreen dedupe --files a.ris b.csv --json',
        'litscreen dedupe . --uncertain pairs.csv     # then fill in the decision column',
        'litscreen dedupe . --resolve pairs.csv --reviewer alice',
        'litscreen dedupe . --review --reviewer alice',
      ),
    )
    .action(async (review: string | undefined, opts: DedupeCliOptions) => {
      if ((opts.resolve || opts.review) && !review) throw usageError('--resolve and --review need a review folder');
      if (opts.resolve || opts.review) return resolvePairs(review!, opts);
      const report = await runDedupe({ review, files: opts.files });
      if (opts.uncertain) await writeUncertain(report, opts.uncertain);
      if (opts.json) {
        const { records: _records, ...rest } = report;
        return json(rest);
      }
      out(renderDedupeReport(report));
      if (opts.uncertain) out(`wrote ${report.uncertain.length} uncertain pair(s) to ${opts.uncertain}`);
    });
}

/** `dedupe --resolve FILE` or `--review`: take a reviewer's verdicts on uncertain pairs, log them, re-run. */
async function resolvePairs(review: string, opts: DedupeCliOptions): Promise<void> {
  const reviewer = await reviewerFor(review, opts.reviewer, 'resolves');
  const loaded = await loadReview(review);
  const mine = new Map([...verdictsOf(loaded.state.resolutions, reviewer)].map(([key, row]) => [key, row.decision as ResolutionValue]));
  let file = resolutionLogPath(loaded.dir, reviewer);
  let summary: string;
  if (opts.resolve) {
    const filled = await readFilledPairs(opts.resolve);
    // A pair the file itself answers is this reviewer's to change (verify reports a disagreement).
    const answered = new Set(filled.map((r) => pairKey(r.a, r.b)));
    for (const r of filled) {
      if (!loaded.state.recordById.has(r.a)) throw inputError(`no record "${r.a}" in this review`, { file: opts.resolve, line: r.line });
      if (!loaded.state.recordById.has(r.b)) throw inputError(`no record "${r.b}" in this review`, { file: opts.resolve, line: r.line });
    }
    const problem = checkAnswers(filled, reviewQuestionsInput(loaded, reviewer, mine, answered));
    if (problem) throw inputError(`${filled[problem.index].decision} refused: ${problem.reason}; nothing was recorded`, { file: opts.resolve, line: filled[problem.index].line });
    const fresh = newResolutions(filled, mine);
    if (filled.length === 0) return out('no pairs resolved.');
    file = await appendResolutions(loaded, reviewer, fresh.map(({ line: _line, ...r }) => r));
    const same = filled.length - fresh.length;
    summary = `${fresh.length} pair(s) resolved by ${reviewer} -> ${file}` + (same ? ` (${same} already recorded as such)` : '');
  } else {
    const result = await reviewPairsInTerminal(
      startQuestions(reviewQuestionsInput(loaded, reviewer, mine)),
      loaded.state.recordById,
      { input: process.stdin, output: process.stdout },
      async (rows) => void (await appendResolutions(loaded, reviewer, rows)),
    );
    if (result.rowsWritten === 0) return out(result.answered === 0 && loaded.state.dedupe.uncertain.length === 0 ? 'no uncertain pairs: nothing to review.' : 'no pairs resolved.');
    summary = `${result.answered} pair(s) of studies answered by ${reviewer}: ${result.rowsWritten} row(s) -> ${file}`;
  }
  const after = await runDedupe({ review });
  out(summary);
  out(`now ${after.counts.duplicates} duplicates, ${after.counts.unique} unique records, ${after.counts.uncertain} uncertain pair(s) left.`);
}

/** What the questions of --review need from the review: the engine's studies, its hard guards, and the verdicts that hold. */
function reviewQuestionsInput(loaded: LoadedReview, reviewer: string, mine: Map<string, ResolutionValue>, except: ReadonlySet<string> = new Set()): QuestionsInput {
  const { dedupe, recordById, resolutions } = loaded.state;
  const clusterOf = new Map<string, string[]>();
  for (const c of dedupe.clusters) {
    const members = [c.kept, ...c.removed];
    for (const id of members) clusterOf.set(id, members);
  }
  const knownDistinct: KnownDistinct[] = [];
  for (const r of resolutions.resolutions) {
    if (r.decision !== 'distinct' || except.has(pairKey(r.a, r.b))) continue;
    const rows = resolutions.byPair.get(pairKey(r.a, r.b)) ?? [];
    const by = rows.map((row) => `${row.reviewer === reviewer ? 'you' : row.reviewer} (${path.relative(loaded.dir, row.file)}:${row.line})`).join(' and ');
    knownDistinct.push({ a: r.a, b: r.b, by: by || 'a reviewer' });
  }
  return {
    uncertain: dedupe.uncertain,
    clusterOf: (id) => clusterOf.get(id) ?? [id],
    ownVerdicts: mine,
    knownDistinct,
    mergeGuard: (a, b) => personMergeGuard(a.map((id) => recordById.get(id)!), b.map((id) => recordById.get(id)!)),
  };
}

function renderDedupeReport(report: DedupeReport): string {
  const lines: string[] = [];
  for (const c of report.clusters) {
    lines.push(`${style.id(c.kept.id)} kept  ${style.dim(`${c.kept.file}:${c.kept.line}`)}  ${truncate(c.kept.title, 70)}`);
    for (const r of c.removed) lines.push(`  ${style.id(r.id)} removed (${r.rule} with ${r.linkedTo}, score ${r.score.toFixed(2)})  ${style.dim(`${r.file}:${r.line}`)}`);
  }
  if (report.uncertain.length) {
    lines.push(`\nUncertain pairs (not merged; decide with --review, or --uncertain FILE then --resolve FILE):`);
    for (const p of report.uncertain) lines.push(`  ${style.id(p.a)} ~ ${style.id(p.b)}  score ${p.score.toFixed(2)}: ${p.reasons.join(', ')}`);
  }
  const c = report.counts;
  lines.push(`\n${c.records} records, ${c.duplicates} duplicates removed in ${c.clusters} clusters, ${c.unique} unique, ${c.uncertain} uncertain pair(s).`);
  for (const [rule, n] of Object.entries(c.byRule)) lines.push(`  ${rule}: ${n}`);
  if (report.blockedMerges.length) lines.push(`${report.blockedMerges.length} merges blocked by guard rails (see --json).`);
  return lines.join('\n');
}
