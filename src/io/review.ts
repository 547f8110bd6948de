import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Protocol, Source } from '../model/protocol.js';
import type { ParsedRecord, ReviewRecord, Warning } from '../model/record.js';
import {
  STAGES,
  DECISIONS,
  DECISION_LOG_COLUMNS,
  DUPLICATES_DIR,
  RESOLUTION_LOG_DECISIONS,
  RESOLUTION_LOG_COLUMNS,
  ADJUDICATION_DIR,
  type DecisionRole,
  type DecisionRow,
  type Stage,
  type DecisionValue,
  type ResolutionRow,
  type ResolutionLogValue,
} from '../model/decision.js';
import { inputError, usageError, LitscreenError } from '../errors.js';
import { decodeExport } from '../formats/encoding.js';
import { readExportText, readInputText, readInputBytes, pathExists, INPUT_LIMITS } from './files.js';
import { parseCsvTable, type TableRow } from './csv-table.js';
import { readLogTable, parseLogBytes, isIncompleteLastRow } from './append-log.js';
import { PROTOCOL_FILE, sourceFileClashes } from './protocol-file.js';
import { checkReviewerName, reviewerLogFileName, reviewerOfLogFile } from '../model/reviewer-name.js';
// Deduplication (core/review/derive.ts and the engine) and the protocol's schema (protocol.ts and
// zod) are loaded only when something must be derived or checked again: never on a warm cache.
import {
  applyDecisions,
  membersOfStudies,
  foldReviewResolutions,
  summarizeRecord,
  type ReviewState,
  type ReviewRecords,
  type RecordSummary,
  type ReviewBase,
} from '../core/review/review-state.js';
import type { DedupeResult, DedupeResolution } from '../core/dedupe/engine.js';
import {
  ReviewCache,
  StoredRecords,
  cacheDisabledByEnv,
  hashOf,
  serializeRecords,
  summaryAt,
  summaryColumns,
  type ExportMeta,
  type SummaryColumns,
} from './review-cache.js';
import { serialize } from 'node:v8';

/** What the review folder holds, read; plus everything derived from it. */
export interface LoadedReview {
  dir: string;
  protocolFile: string;
  protocol: Protocol;
  sources: LoadedSource[];
  warnings: Warning[];
  decisionRows: DecisionRow[];
  resolutionRows: ResolutionRow[];
  state: ReviewState;
}

export interface LoadedSource {
  source: Source;
  file: string;
  format: string;
  dialect: string;
  /** The export's records, whole (from the cache they are read when first asked for). */
  readonly records: ReviewRecord[];
  /** How many records the export holds, without reading them. */
  recordCount: number;
  warnings: Warning[];
}

export const DECISIONS_DIR = 'decisions';
export const EXTRACTION_FILE = 'extraction.csv';

export function decisionLogPath(reviewDir: string, stage: Stage, reviewer: string): string {
  return path.join(reviewDir, DECISIONS_DIR, stage, reviewerLogFileName(reviewer));
}

/** An adjudicator's final decisions on conflicts: decisions/<stage>/adjudication/<name>.csv. */
export function adjudicationLogPath(reviewDir: string, stage: Stage, adjudicator: string): string {
  return path.join(reviewDir, DECISIONS_DIR, stage, ADJUDICATION_DIR, reviewerLogFileName(adjudicator));
}

/**
 * Who acts: `--reviewer` or $LITSCREEN_REVIEWER, checked against the review's existing reviewers
 * (the spelling of an existing reviewer's log when the name is theirs up to Unicode form).
 * `who` words the refusal when no name is given ("decides", "screens", "resolves").
 */
export async function reviewerFor(reviewDir: string, named: string | undefined, who = 'decides'): Promise<string> {
  const name = named ?? process.env.LITSCREEN_REVIEWER;
  if (!name) throw usageError(`say who ${who}: --reviewer NAME, or set LITSCREEN_REVIEWER`);
  return checkReviewerName(name, await listReviewers(reviewDir));
}

/**
 * Every reviewer with a log in the review, from the file names in decisions/<any folder>/, sorted;
 * checkReviewerName compares a new name against these.
 */
export async function listReviewers(reviewDir: string): Promise<string[]> {
  const root = path.join(reviewDir, DECISIONS_DIR);
  if (!(await pathExists(root))) return [];
  const names = new Set<string>();
  for (const folder of await fs.readdir(root, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of await fs.readdir(path.join(root, folder.name))) {
      const reviewer = reviewerOfLogFile(file);
      if (reviewer !== undefined) names.add(reviewer);
    }
  }
  return [...names].sort();
}

/**
 * Give parsed records their stable ids: `<source key>:<accession>` when the export carries an
 * accession number, else `<source key>:h<hash of the raw entry>`. A second record with the same id
 * in one export (the database exported a record twice) gets `~2`, `~3` ... and a warning.
 */
export function assignIds(parsed: ParsedRecord[], source: Pick<Source, 'key' | 'database'>, warnings: Warning[]): ReviewRecord[] {
  const seen = new Map<string, number>();
  return parsed.map((record) => {
    const accession = record.accession?.trim();
    let id = accession ? `${source.key}:${accession}` : `${source.key}:h${record.rawHash}`;
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    if (count > 1) {
      warnings.push({
        file: record.source.file,
        line: record.source.line,
        message: `record id ${id} occurs ${count} times in this export; this copy is ${id}~${count}`,
      });
      id = `${id}~${count}`;
    }
    return { ...record, id, databaseKey: source.key, database: source.database };
  });
}

export async function loadSource(reviewDir: string, source: Source): Promise<LoadedSource> {
  const file = exportPath(reviewDir, source);
  let text: string;
  try {
    text = await readExportText(file);
  } catch (err) {
    throw namedExportError(err, file, source);
  }
  return parseSource(text, file, source);
}

// Absolute only when the protocol allows paths outside the review folder (checked there).
function exportPath(reviewDir: string, source: Source): string {
  return path.isAbsolute(source.file) ? source.file : path.join(reviewDir, source.file);
}

/** Say where the name came from: the reviewer fixes the protocol or puts the export there. */
function namedExportError(err: unknown, file: string, source: Source): unknown {
  if (err instanceof LitscreenError && err.line === undefined) {
    return inputError(`${err.message} (the export of ${source.database}, named in ${PROTOCOL_FILE} sources[].file)`, { file });
  }
  return err;
}

/** The readers are loaded only when an export is parsed, never on a warm cache. */
async function parseSource(text: string, file: string, source: Source): Promise<LoadedSource> {
  const { parseText } = await import('../formats/registry.js');
  const result = parseText(text, file, source.format);
  const warnings = [...result.warnings];
  const records = assignIds(result.records, source, warnings);
  return { source, file, format: result.format, dialect: result.dialect, records, recordCount: records.length, warnings };
}

export function resolutionLogPath(reviewDir: string, reviewer: string): string {
  return path.join(reviewDir, DECISIONS_DIR, DUPLICATES_DIR, reviewerLogFileName(reviewer));
}

/** The reviewers' duplicate resolutions, `decisions/duplicates/<reviewer>.csv`, in log order. */
export async function readResolutionLogs(reviewDir: string): Promise<ResolutionRow[]> {
  const dir = path.join(reviewDir, DECISIONS_DIR, DUPLICATES_DIR);
  if (!(await pathExists(dir))) return [];
  const rows: ResolutionRow[] = [];
  for (const name of (await fs.readdir(dir)).filter((f) => f.endsWith('.csv')).sort()) {
    const file = path.join(dir, name);
    const reviewer = name.slice(0, -'.csv'.length);
    const table = await readLogTable(file, RESOLUTION_LOG_COLUMNS);
    for (const { line, cells } of table.rows) {
      const decision = cells.decision as ResolutionLogValue;
      if (!RESOLUTION_LOG_DECISIONS.includes(decision)) throw inputError(`decision "${cells.decision}" is not one of ${RESOLUTION_LOG_DECISIONS.join(', ')}`, { file, line });
      if (!cells.record_a || !cells.record_b) throw inputError('row needs both record_a and record_b', { file, line });
      rows.push({ time: cells.time, recordA: cells.record_a, recordB: cells.record_b, decision, note: cells.note ?? '', reviewer, file, line });
    }
  }
  return rows;
}

/**
 * Every decision log's rows, in stage, role and file order. With a cache, a log whose bytes are
 * those of an entry is not parsed again: its rows come from the entry (a `decide` appends to one
 * log; the others are read from the cache).
 */
export async function readDecisionLogs(reviewDir: string, cache?: ReviewCache): Promise<DecisionRow[]> {
  const rows: DecisionRow[] = [];
  for (const stage of STAGES) {
    const dir = path.join(reviewDir, DECISIONS_DIR, stage);
    if (!(await pathExists(dir))) continue;
    // Reviewers' votes in decisions/<stage>/<name>.csv; adjudicators' final words in
    // decisions/<stage>/adjudication/<name>.csv (written by `litscreen resolve`).
    for (const [folder, role] of [[dir, 'reviewer'], [path.join(dir, ADJUDICATION_DIR), 'adjudicator']] as const) {
      if (!(await pathExists(folder))) continue;
      const files = (await fs.readdir(folder)).filter((f) => f.endsWith('.csv')).sort();
      for (const name of files) {
        const file = path.join(folder, name);
        const reviewer = name.slice(0, -'.csv'.length);
        for (const row of await readDecisionLog(file, { reviewer, stage, role }, cache)) rows.push(row);
      }
    }
  }
  return rows;
}

async function readDecisionLog(file: string, where: { reviewer: string; stage: Stage; role: DecisionRole }, cache?: ReviewCache): Promise<DecisionRow[]> {
  const rowsOf = (table: { rows: TableRow[] }) => table.rows.map(({ line, cells }) => toDecisionRow(cells, { file, line, ...where }));
  if (!cache) return rowsOf(await readLogTable(file, DECISION_LOG_COLUMNS));
  const bytes = await readInputBytes(file);
  // The rows are parsed from exactly the bytes that name the entry.
  const name = `log-${hashOf('decision log', cache.code, file, where.stage, where.role, where.reviewer, bytes)}`;
  const entry = cache.read(name, 'log');
  if (entry) {
    try {
      return entry.value<DecisionRow[]>('rows');
    } catch {
      // Unreadable: parsed again below.
    }
  }
  let rows: DecisionRow[];
  try {
    rows = rowsOf(parseLogBytes(bytes, file, DECISION_LOG_COLUMNS));
  } catch (err) {
    // A row being appended right now: read the log again as the uncached path does, and keep nothing.
    if (isIncompleteLastRow(err)) return rowsOf(await readLogTable(file, DECISION_LOG_COLUMNS));
    throw err;
  }
  cache.write(name, { rows: serialize(rows) }, 'log');
  return rows;
}

function toDecisionRow(
  cells: Record<string, string>,
  where: { file: string; line: number; reviewer: string; stage: Stage; role: DecisionRole },
): DecisionRow {
  const decision = cells.decision as DecisionValue;
  if (!DECISIONS.includes(decision)) {
    throw inputError(`decision "${cells.decision}" is not one of ${DECISIONS.join(', ')}`, where);
  }
  if (!cells.record_id) throw inputError('row has no record_id', where);
  return {
    time: cells.time,
    recordId: cells.record_id,
    decision,
    reason: cells.reason ?? '',
    note: cells.note ?? '',
    reviewer: where.reviewer,
    stage: where.stage,
    role: where.role,
    file: where.file,
    line: where.line,
  };
}

export async function readExtractionRows(reviewDir: string): Promise<{ file: string; exists: boolean; columns: string[]; rows: TableRow[] }> {
  const file = path.join(reviewDir, EXTRACTION_FILE);
  if (!(await pathExists(file))) return { file, exists: false, columns: [], rows: [] };
  const table = parseCsvTable(await readInputText(file), file, ['record_id']);
  return { file, exists: true, ...table };
}

export interface LoadReviewOptions {
  /**
   * Read and write the derived-state cache (REVIEW/.litscreen-cache/). Off: every export is read
   * and everything derived from scratch, as CI does (`verify --no-cache`, LITSCREEN_NO_CACHE=1).
   */
  cache?: boolean;
}

/** Read every input of a review folder and derive the whole review from it. */
export async function loadReview(reviewDir: string, options: LoadReviewOptions = {}): Promise<LoadedReview> {
  if (options.cache === false || cacheDisabledByEnv()) {
    const { loadProtocol } = await import('./protocol.js');
    const { assessReview } = await import('../core/review/derive.js');
    const { protocol, file: protocolFile } = await loadProtocol(reviewDir);
    const sources: LoadedSource[] = [];
    for (const source of protocol.sources) sources.push(await loadSource(reviewDir, source));
    const records = sources.flatMap((s) => s.records);
    const decisionRows = await readDecisionLogs(reviewDir);
    const resolutionRows = await readResolutionLogs(reviewDir);
    const state = assessReview(protocol, records, decisionRows, resolutionRows);
    return { dir: reviewDir, protocolFile, protocol, sources, warnings: sources.flatMap((s) => s.warnings), decisionRows, resolutionRows, state };
  }

  const cache = await ReviewCache.open(reviewDir);
  const code = cache.code;
  const { protocol, file: protocolFile } = await loadProtocolCached(reviewDir, cache);
  const parts: SourcePart[] = [];
  for (const source of protocol.sources) parts.push(await loadSourceCached(reviewDir, source, cache, code));
  const records = new CombinedRecords(parts);
  const decisionRows = await readDecisionLogs(reviewDir, cache);
  const resolutionRows = await readResolutionLogs(reviewDir);
  const resolutions = foldReviewResolutions(records, resolutionRows);

  // Duplicate clusters and study records: from the records, the deduplication settings and the
  // resolutions the engine honours (folded from the logs, so a note or a retracted-then-repeated
  // verdict that changes nothing keeps the entry).
  const studiesKey = hashOf('studies', code, ...parts.map((p) => p.key), JSON.stringify(protocol.deduplication), JSON.stringify(resolutions.resolutions));
  const studies = readStudies(cache, `studies-${studiesKey}`, records) ?? (await deriveStudies(cache, `studies-${studiesKey}`, protocol, records, resolutions.resolutions));

  const criteriaKey = hashOf('criteria', code, studiesKey, JSON.stringify(protocol.titleAbstract.criteria));
  let failedCriteria: Int32Array | undefined;
  if (protocol.titleAbstract.criteria.length === 0) failedCriteria = new Int32Array(studies.dedupe.keptIds.length).fill(-1);
  else {
    const entry = cache.read(`criteria-${criteriaKey}`);
    try {
      if (entry) failedCriteria = int32s(entry.bytes('failed'));
      if (failedCriteria && failedCriteria.length !== studies.dedupe.keptIds.length) failedCriteria = undefined;
    } catch {
      failedCriteria = undefined;
    }
    if (!failedCriteria) {
      const { criteriaResults } = await import('../core/review/derive.js');
      records.all(); // one read of every record beats one read per study
      failedCriteria = criteriaResults(protocol, studies.dedupe.keptIds.map((_, i) => studies.studyRecord(i)));
      cache.write(`criteria-${criteriaKey}`, { failed: new Uint8Array(failedCriteria.buffer) });
    }
  }
  await cache.finish();

  const base: ReviewBase = { records, dedupe: studies.dedupe, studyRecord: studies.studyRecord, studySummary: studies.studySummary, failedCriteria };
  const state = applyDecisions(protocol, base, decisionRows, resolutions);
  const sources: LoadedSource[] = parts.map((p) => ({
    source: p.source,
    file: p.file,
    format: p.meta.format,
    dialect: p.meta.dialect,
    get records() {
      return p.all();
    },
    recordCount: p.meta.count,
    warnings: p.meta.warnings,
  }));
  return { dir: reviewDir, protocolFile, protocol, sources, warnings: sources.flatMap((s) => s.warnings), decisionRows, resolutionRows, state };
}

/**
 * The protocol, validated: from the cache when its bytes (and litscreen's code) are those of an
 * entry, which exists only for a protocol that passed every check. The checks that read the file
 * system (a source linked out of the review folder, two sources naming one file) run every time;
 * when one fails, or anything cannot be read, protocol.ts checks the file again and words the
 * problem.
 */
async function loadProtocolCached(reviewDir: string, cache: ReviewCache): Promise<{ protocol: Protocol; file: string }> {
  const file = path.join(reviewDir, PROTOCOL_FILE);
  const checkAgain = async () => {
    const { loadProtocol } = await import('./protocol.js');
    return loadProtocol(reviewDir);
  };
  let bytes: Uint8Array;
  try {
    bytes = await readInputBytes(file, { maxBytes: INPUT_LIMITS.protocol, kind: 'protocol' });
  } catch {
    return checkAgain();
  }
  const name = `protocol-${hashOf('protocol', cache.code, bytes)}`;
  const entry = cache.read(name, 'protocol');
  if (entry) {
    try {
      const protocol = entry.value<Protocol>('protocol');
      if (Array.isArray(protocol.sources) && (await sourceFileClashes(reviewDir, protocol)).length === 0) return { protocol, file };
    } catch {
      // Unreadable: checked again below.
    }
  }
  const loaded = await checkAgain();
  cache.write(name, { protocol: serialize(loaded.protocol) }, 'protocol');
  return loaded;
}

function int32s(bytes: Buffer): Int32Array {
  if (bytes.length % 4 !== 0) throw new Error('not an Int32Array');
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** One export's records, in memory (just parsed) or in a cache entry (read when asked for). */
interface SourcePart {
  source: Source;
  file: string;
  /** The cache key of its records: the export's bytes and path, the source's key, database and format, the code. */
  key: string;
  meta: ExportMeta;
  /** Each record's id (from the cache, read when first asked for). */
  readonly ids: string[];
  record(i: number): ReviewRecord;
  summary(i: number): RecordSummary;
  all(): ReviewRecord[];
}

async function loadSourceCached(reviewDir: string, source: Source, cache: ReviewCache, code: string): Promise<SourcePart> {
  const file = exportPath(reviewDir, source);
  let content: { hash: string; bytes?: Uint8Array };
  try {
    content = await cache.exportHash(file, () => readInputBytes(file));
  } catch (err) {
    throw namedExportError(err, file, source);
  }
  // The path is part of the key: records remember the file they came from, as the command named it.
  const key = hashOf('records', code, content.hash, file, source.key, source.database, source.format ?? 'auto');
  const name = `records-${key}`;
  const entry = cache.read(name);
  if (entry) {
    try {
      const meta = entry.value<ExportMeta>('meta');
      if (!entry.has('ids')) throw new Error('no ids');
      const stored = new StoredRecords(entry, meta.count);
      let summaries: SummaryColumns | undefined;
      let ids: string[] | undefined;
      return {
        source,
        file,
        key,
        meta,
        get ids() {
          if (!ids) {
            ids = entry.value<string[]>('ids');
            if (ids.length !== meta.count) throw new Error(`internal: cache entry ${name} holds ${ids.length} ids for ${meta.count} records`);
          }
          return ids;
        },
        record: (i) => stored.record(i),
        summary: (i) => summaryAt((summaries ??= entry.value<SummaryColumns>('summaries')), i),
        all: () => stored.all(),
      };
    } catch {
      // Unreadable: parsed again below.
    }
  }
  let bytes = content.bytes;
  if (!bytes) {
    try {
      bytes = await readInputBytes(file);
    } catch (err) {
      throw namedExportError(err, file, source);
    }
  }
  let text: string;
  try {
    text = decodeExport(bytes, file).text;
  } catch (err) {
    throw namedExportError(err, file, source);
  }
  bytes = undefined;
  const loaded = await parseSource(text, file, source);
  const records = loaded.records;
  const meta: ExportMeta = { format: loaded.format, dialect: loaded.dialect, warnings: loaded.warnings, count: records.length };
  const ids = records.map((r) => r.id);
  const { offsets, blobs } = serializeRecords(records);
  cache.write(name, {
    meta: serialize(meta),
    ids: serialize(ids),
    summaries: serialize(summaryColumns(records.map(summarizeRecord))),
    offsets,
    records: blobs,
  });
  return { source, file, key, meta, ids, record: (i) => records[i], summary: (i) => summarizeRecord(records[i]), all: () => records };
}

/** Every export's records in protocol order, as the core sees them. */
class CombinedRecords implements ReviewRecords {
  readonly count: number;
  readonly countByDatabase = new Map<string, number>();
  private readonly starts: number[] = [];
  private allIds: string[] | undefined;
  private positions: Map<string, number> | undefined;
  private everything: ReviewRecord[] | undefined;

  constructor(private readonly parts: SourcePart[]) {
    let at = 0;
    for (const p of parts) {
      this.starts.push(at);
      at += p.meta.count;
      this.countByDatabase.set(p.source.database, (this.countByDatabase.get(p.source.database) ?? 0) + p.meta.count);
    }
    this.count = at;
  }

  /** Every record's id, read from the cache when first asked for (flow needs none). */
  get ids(): string[] {
    return (this.allIds ??= this.parts.length === 1 ? this.parts[0].ids : this.parts.flatMap((p) => p.ids));
  }

  indexOf(id: string): number | undefined {
    // The last of two equal ids wins, as in a Map built from the records.
    if (!this.positions) {
      this.positions = new Map();
      this.ids.forEach((recordId, i) => this.positions!.set(recordId, i));
    }
    return this.positions.get(id);
  }

  private partOf(index: number): [SourcePart, number] {
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return [this.parts[lo], index - this.starts[lo]];
  }

  record(index: number): ReviewRecord {
    if (this.everything) return this.everything[index];
    const [part, i] = this.partOf(index);
    return part.record(i);
  }

  summary(index: number): RecordSummary {
    const [part, i] = this.partOf(index);
    return part.summary(i);
  }

  all(): ReviewRecord[] {
    this.everything ??= this.parts.flatMap((p) => p.all());
    return this.everything;
  }
}

interface Studies {
  dedupe: DedupeResult;
  studyRecord(index: number): ReviewRecord;
  studySummary(index: number): RecordSummary;
}

/** A cached studies entry: the clusters, and the records of the studies of more than one record. */
function readStudies(cache: ReviewCache, name: string, records: CombinedRecords): Studies | undefined {
  const entry = cache.read(name);
  if (!entry) return undefined;
  try {
    const stored = entry.value<Omit<DedupeResult, 'clusters'>>('dedupe');
    const merged = int32s(entry.bytes('merged'));
    if (!entry.has('clusters') || !Array.isArray(stored.keptIds) || !(stored.removedToKept instanceof Map)) throw new Error('shape');
    const dedupe = withLazyClusters(stored, () => entry.value<DedupeResult['clusters']>('clusters'));
    const slotOf = new Map<number, number>();
    merged.forEach((studyIndex, slot) => slotOf.set(studyIndex, slot));
    const mergedRecords = new StoredRecords(entry, merged.length);
    let summaries: SummaryColumns | undefined;
    return studiesFrom(dedupe, records, (i) => {
      const slot = slotOf.get(i);
      return slot === undefined ? undefined : mergedRecords.record(slot);
    }, (i) => {
      const slot = slotOf.get(i);
      return slot === undefined ? undefined : summaryAt((summaries ??= entry.value<SummaryColumns>('summaries')), slot);
    });
  } catch {
    return undefined;
  }
}

/**
 * A DedupeResult whose clusters (only `dedupe` and `show` read them) are deserialised when first
 * asked for; the same own, enumerable keys in the same order as the engine's result.
 */
function withLazyClusters(stored: Omit<DedupeResult, 'clusters'>, readClusters: () => DedupeResult['clusters']): DedupeResult {
  let clusters: DedupeResult['clusters'] | undefined;
  const dedupe = {} as DedupeResult;
  Object.defineProperty(dedupe, 'clusters', {
    enumerable: true,
    configurable: true,
    get: () => (clusters ??= readClusters()),
    set: (value: DedupeResult['clusters']) => void (clusters = value),
  });
  dedupe.keptIds = stored.keptIds;
  dedupe.removedToKept = stored.removedToKept;
  dedupe.blockedMerges = stored.blockedMerges;
  dedupe.uncertain = stored.uncertain;
  return dedupe;
}

function studiesFrom(
  dedupe: DedupeResult,
  records: CombinedRecords,
  mergedRecord: (studyIndex: number) => ReviewRecord | undefined,
  mergedSummary: (studyIndex: number) => RecordSummary | undefined,
): Studies {
  const keptIndex = (i: number) => records.indexOf(dedupe.keptIds[i])!;
  return {
    dedupe,
    studyRecord: (i) => mergedRecord(i) ?? records.record(keptIndex(i)),
    studySummary: (i) => mergedSummary(i) ?? records.summary(keptIndex(i)),
  };
}

/** Deduplicate (the engine is loaded with derive.ts, only here) and store the clusters with the merged study records. */
async function deriveStudies(cache: ReviewCache, name: string, protocol: Protocol, records: CombinedRecords, resolutions: readonly DedupeResolution[]): Promise<Studies> {
  const { findStudies, studyRecordsOf } = await import('../core/review/derive.js');
  const all = records.all();
  const dedupe = findStudies(protocol, all, resolutions);
  const byId = new Map(all.map((r) => [r.id, r]));
  const studyRecords = studyRecordsOf(dedupe, (id) => byId.get(id)!);
  const membersOf = membersOfStudies(dedupe);
  const merged: number[] = [];
  dedupe.keptIds.forEach((id, i) => {
    if (membersOf.get(id)!.length > 1) merged.push(i);
  });
  const mergedRecords = merged.map((i) => studyRecords[i]);
  const { offsets, blobs } = serializeRecords(mergedRecords);
  const { clusters, ...rest } = dedupe;
  cache.write(name, {
    dedupe: serialize(rest),
    clusters: serialize(clusters),
    merged: new Uint8Array(Int32Array.from(merged).buffer),
    summaries: serialize(summaryColumns(mergedRecords.map(summarizeRecord))),
    offsets,
    records: blobs,
  });
  return { dedupe, studyRecord: (i) => studyRecords[i], studySummary: (i) => summarizeRecord(studyRecords[i]) };
}
