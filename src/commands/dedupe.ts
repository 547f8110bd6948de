import { stringify } from 'csv-stringify/sync';
import type { ReviewRecord } from '../model/record.js';
import { RESOLUTION_LOG_COLUMNS, RESOLUTIONS, type ResolutionValue } from '../model/decision.js';
import { loadReview, assignIds, resolutionLogPath, type LoadedReview } from '../io/review.js';
import { appendCsvRow, readInputText, writeFileAtomic } from '../io/files.js';
import { parseCsvTable } from '../io/csv-table.js';
import { findDuplicates, type DedupeSettings, type UncertainPair } from '../core/dedupe.js';
import { formatAuthors } from '../core/extraction.js';
import { runImport, keyFromFileName } from './import.js';
import { inputError, usageError } from '../errors.js';

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

/** The fields shown side by side for a pair, in the order a reviewer compares them. */
export const PAIR_FIELDS: [string, (r: ReviewRecord) => string][] = [
  ['title', (r) => r.title],
  ['authors', (r) => formatAuthors(r.authors)],
  ['year', (r) => (r.year === undefined ? '' : String(r.year))],
  ['journal', (r) => r.journal ?? ''],
  ['volume', (r) => r.volume ?? ''],
  ['issue', (r) => r.issue ?? ''],
  ['pages', (r) => (r.startPage ? `${r.startPage}${r.endPage ? '-' + r.endPage : ''}` : '')],
  ['doi', (r) => r.doi ?? ''],
  ['type', (r) => r.type],
  ['source', (r) => `${r.database}, ${r.source.file}:${r.source.line}`],
];

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

export interface ResolutionInput {
  a: string;
  b: string;
  decision: ResolutionValue;
  note: string;
}

/** Append resolutions to the reviewer's own log, `decisions/duplicates/<reviewer>.csv`. */
export async function appendResolutions(review: LoadedReview, reviewer: string, resolutions: ResolutionInput[], now = new Date()): Promise<string> {
  const file = resolutionLogPath(review.dir, reviewer);
  for (const r of resolutions) {
    if (!review.state.recordById.has(r.a)) throw usageError(`no record "${r.a}" in this review`);
    if (!review.state.recordById.has(r.b)) throw usageError(`no record "${r.b}" in this review`);
    await appendCsvRow(file, RESOLUTION_LOG_COLUMNS, [now.toISOString(), r.a, r.b, r.decision, r.note]);
  }
  return file;
}

/** Read a pairs CSV a reviewer filled in (from --uncertain); rows with an empty decision are skipped. */
export async function readFilledPairs(file: string): Promise<ResolutionInput[]> {
  const table = parseCsvTable(await readInputText(file), file, ['record_a', 'record_b', 'decision']);
  const out: ResolutionInput[] = [];
  for (const { line, cells } of table.rows) {
    const decision = cells.decision.toLowerCase();
    if (decision === '') continue;
    const normalized = decision === 'd' || decision === 'dup' || decision === 'yes' ? 'duplicate' : decision === 'n' || decision === 'no' || decision === 'not' ? 'distinct' : decision;
    if (!(RESOLUTIONS as readonly string[]).includes(normalized)) {
      throw inputError(`decision "${cells.decision}" must be duplicate or distinct (or empty to leave the pair for later)`, { file, line });
    }
    out.push({ a: cells.record_a, b: cells.record_b, decision: normalized as ResolutionValue, note: cells.note ?? '' });
  }
  return out;
}

export async function writeUncertain(report: DedupeReport, file: string): Promise<void> {
  await writeFileAtomic(file, uncertainPairsCsv(report));
}
