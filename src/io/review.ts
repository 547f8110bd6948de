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
import { readInputText, readInputBytes, pathExists, INPUT_LIMITS } from './files.js';
import type { TableRow } from './csv-table.js';
// The CSV parser (csv-parse, nine modules) is loaded only when a log must be parsed: a warm run
// reads every unchanged log's rows from the cache.
const appendLog = () => import('./append-log.js');
import { PROTOCOL_FILE, sourceFileClashes } from './protocol-file.js';
import { checkReviewerName, reviewerLogFileName, reviewerOfLogFile } from '../model/reviewer-name.js';
// Deduplication (core/review/derive.ts and the engine) and the protocol's schema (protocol.ts and
// zod) are loaded only when something must be derived or checked again: never on a warm cache.
import {
  applyDecisions,
  foldReviewResolutions,
  studyLayout,
  summarizeRecord,
  type ReviewState,
  type ReviewRecords,
  type RecordSummary,
  type ReviewBase,
  type StudyLayout,
  type KnownState,
  type ReviewProblem,
} from '../core/review/review-state.js';
import type { DedupeResult, DedupeResolution } from '../core/dedupe/engine.js';
import type { Flow } from '../model/flow.js';
import {
  ReviewCache,
  StoredRecords,
  StoredSummaries,
  cacheDisabledByEnv,
  encodeIdIndex,
  hashOf,
  float64sOf,
  int32sOf,
  lookupId,
  recordSections,
  summarySections,
  type CacheEntry,
  type ExportMeta,
} from './review-cache.js';
import { serialize, deserialize } from 'node:v8';

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
  let bytes: Uint8Array;
  try {
    bytes = await readInputBytes(file);
  } catch (err) {
    throw namedExportError(err, file, source);
  }
  return parseSource(bytes, file, source);
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

/**
 * Parse an export's bytes, all records kept. Read in chunks where the format can (RIS), as `import`
 * reads it: the records' strings are one byte a character and slices of their own chunk, where
 * the whole file decoded as one string made every record two bytes a character (twice the memory,
 * and four times the cache: v8.serialize writes two-byte strings as they are) and pinned all of
 * the text. The readers are loaded only when an export is parsed, never on a warm cache.
 */
async function parseSource(bytes: Uint8Array, file: string, source: Source): Promise<LoadedSource> {
  const { streamExportBytes } = await import('./export-stream.js');
  let parsed: ParsedRecord[] = [];
  const result = await streamExportBytes(bytes, file, {
    format: source.format,
    onRecord: (record) => parsed.push(record),
    onRestart: () => {
      parsed = [];
    },
  });
  const warnings = [...result.warnings];
  const records = assignIds(parsed, source, warnings);
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
    const table = await (await appendLog()).readLogTable(file, RESOLUTION_LOG_COLUMNS);
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
export async function readDecisionLogs(reviewDir: string, cache?: ReviewCache, entryNames?: string[]): Promise<DecisionRow[]> {
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
        for (const row of await readDecisionLog(file, { reviewer, stage, role }, cache, entryNames)) rows.push(row);
      }
    }
  }
  return rows;
}

async function readDecisionLog(
  file: string,
  where: { reviewer: string; stage: Stage; role: DecisionRole },
  cache?: ReviewCache,
  entryNames?: string[],
): Promise<DecisionRow[]> {
  const rowsOf = (table: { rows: TableRow[] }) => table.rows.map(({ line, cells }) => toDecisionRow(cells, { file, line, ...where }));
  if (!cache) return rowsOf(await (await appendLog()).readLogTable(file, DECISION_LOG_COLUMNS));
  const bytes = await readInputBytes(file);
  // The rows are parsed from exactly the bytes that name the entry.
  const name = `log-${hashOf('decision log', cache.code, file, where.stage, where.role, where.reviewer, bytes)}`;
  entryNames?.push(name);
  const entry = cache.read(name, 'log');
  if (entry) {
    try {
      return entry.value<DecisionRow[]>('rows');
    } catch {
      // Unreadable: parsed again below.
    }
  }
  const { parseLogBytes, isIncompleteLastRow, readLogTable } = await appendLog();
  let rows: DecisionRow[];
  try {
    rows = rowsOf(parseLogBytes(bytes, file, DECISION_LOG_COLUMNS));
  } catch (err) {
    // A row being appended right now: read the log again as the uncached path does, and keep nothing.
    if (isIncompleteLastRow(err)) {
      entryNames?.push('incomplete');
      return rowsOf(await readLogTable(file, DECISION_LOG_COLUMNS));
    }
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
  const { parseCsvTable } = await import('./csv-table.js');
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
  const { protocol, file: protocolFile, key: protocolKey } = await loadProtocolCached(reviewDir, cache);
  const parts: SourcePart[] = [];
  for (const source of protocol.sources) parts.push(await loadSourceCached(reviewDir, source, cache, code));
  const records = new CombinedRecords(parts);
  const logNames: string[] = [];
  const decisionRows = await readDecisionLogs(reviewDir, cache, logNames);
  const resolutionRows = await readResolutionLogs(reviewDir);
  const resolutions = foldReviewResolutions(records, resolutionRows);

  // Duplicate clusters and study records: from the records, the deduplication settings and the
  // resolutions the engine honours (folded from the logs, so a note or a retracted-then-repeated
  // verdict that changes nothing keeps the entry).
  const studiesKey = hashOf('studies', code, ...parts.map((p) => p.key), JSON.stringify(protocol.deduplication), JSON.stringify(resolutions.resolutions));
  const studies = readStudies(cache, `studies-${studiesKey}`, records) ?? (await deriveStudies(cache, `studies-${studiesKey}`, protocol, records, resolutions.resolutions));

  const criteriaKey = hashOf('criteria', code, studiesKey, JSON.stringify(protocol.titleAbstract.criteria));
  let failedCriteria: Int32Array | undefined;
  if (protocol.titleAbstract.criteria.length === 0) failedCriteria = new Int32Array(studies.count).fill(-1);
  else {
    const entry = cache.read(`criteria-${criteriaKey}`);
    try {
      if (entry) failedCriteria = int32sOf(entry.bytes('failed'));
      if (failedCriteria && failedCriteria.length !== studies.count) failedCriteria = undefined;
    } catch {
      failedCriteria = undefined;
    }
    if (!failedCriteria) {
      const { criteriaResults } = await import('../core/review/derive.js');
      records.all(); // one read of every record beats one read per study
      failedCriteria = criteriaResults(protocol, Array.from({ length: studies.count }, (_, i) => studies.studyRecord(i)));
      cache.write(`criteria-${criteriaKey}`, { failed: new Uint8Array(failedCriteria.buffer) });
    }
  }

  // The flow: from everything above, the whole protocol and every decision log's bytes (each log
  // entry's name is a hash of its bytes and where it lies). A log caught mid-append keeps no flow.
  const flowName = logNames.includes('incomplete') || protocolKey === 'unread' ? undefined : `flow-${hashOf('flow', code, protocolKey, criteriaKey, ...logNames)}`;
  let flow: Flow | undefined;
  const flowEntry = flowName ? cache.read(flowName) : undefined;
  if (flowEntry) {
    try {
      flow = flowEntry.value<Flow>('flow');
    } catch {
      flow = undefined;
    }
  }
  // Verify's problems are read only when asked for, after finish(): kept from its sweep.
  const problemsName = flowName && `problems-${hashOf('problems', flowName, JSON.stringify(resolutionRows))}`;
  if (problemsName) cache.keep(problemsName);
  await cache.finish();

  const base: ReviewBase = {
    records,
    dedupe: studies.dedupe,
    studyRecord: studies.studyRecord,
    studySummary: studies.studySummary,
    failedCriteria,
    layout: studies.layout,
    clusterOf: studies.clusterOf,
  };
  // A flow counted in this run (a `decide` counts none) is kept for the next. So are verify's
  // problems, which also name the resolution logs' rows (file, line, note): those are in their key.
  const counted = flowName && !flow ? (f: Flow) => cache.write(flowName, { flow: serialize(f) }) : undefined;
  const known: KnownState = { flow, counted };
  if (problemsName) {
    known.problems = () => {
      try {
        return cache.read(problemsName)?.value<ReviewProblem[]>('problems');
      } catch {
        return undefined;
      }
    };
    known.listedProblems = (problems) => cache.write(problemsName, { problems: serialize(problems) });
  }
  const state = applyDecisions(protocol, base, decisionRows, resolutions, known);
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
 * problem. `key` names the protocol's bytes.
 */
async function loadProtocolCached(reviewDir: string, cache: ReviewCache): Promise<{ protocol: Protocol; file: string; key: string }> {
  const file = path.join(reviewDir, PROTOCOL_FILE);
  const checkAgain = async () => {
    const { loadProtocol } = await import('./protocol.js');
    return loadProtocol(reviewDir);
  };
  let bytes: Uint8Array;
  try {
    bytes = await readInputBytes(file, { maxBytes: INPUT_LIMITS.protocol, kind: 'protocol' });
  } catch {
    // Unreadable now: checked (and refused) below; nothing derived from it is kept.
    return { ...(await checkAgain()), key: 'unread' };
  }
  const name = `protocol-${hashOf('protocol', cache.code, bytes)}`;
  const entry = cache.read(name, 'protocol');
  if (entry) {
    try {
      const protocol = entry.value<Protocol>('protocol');
      if (Array.isArray(protocol.sources) && (await sourceFileClashes(reviewDir, protocol)).length === 0) return { protocol, file, key: name };
    } catch {
      // Unreadable: checked again below.
    }
  }
  const loaded = await checkAgain();
  cache.write(name, { protocol: serialize(loaded.protocol) }, 'protocol');
  return { ...loaded, key: name };
}

/** One export's records, in memory (just parsed) or in a cache entry (read when asked for). */
interface SourcePart {
  source: Source;
  file: string;
  /** The cache key of its records: the export's bytes and path, the source's key, database and format, the code. */
  key: string;
  meta: ExportMeta;
  /** Each record's id (from the cache, made when first asked for). */
  readonly ids: string[];
  idAt(i: number): string;
  /** Position of a record by id (the last of two equal ids). */
  find(id: string): number | undefined;
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
      const summaries = new StoredSummaries(entry, meta.count);
      const stored = new StoredRecords(entry, meta.count);
      let slots: Int32Array | undefined;
      let ids: string[] | undefined;
      return {
        source,
        file,
        key,
        meta,
        get ids() {
          return (ids ??= summaries.ids.all());
        },
        idAt: (i) => summaries.ids.at(i),
        find: (id) => lookupId((slots ??= int32sOf(entry.bytes('idIndex'))), summaries.ids, id),
        record: (i) => stored.record(i),
        summary: (i) => summaries.at(i),
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
  const loaded = await parseSource(bytes, file, source);
  bytes = undefined;
  const records = loaded.records;
  const meta: ExportMeta = { format: loaded.format, dialect: loaded.dialect, warnings: loaded.warnings, count: records.length };
  const ids = records.map((r) => r.id);
  cache.write(name, {
    meta: serialize(meta),
    ...summarySections(records.map(summarizeRecord)),
    idIndex: encodeIdIndex(ids),
    ...recordSections(records),
  });
  let positions: Map<string, number> | undefined;
  return {
    source,
    file,
    key,
    meta,
    ids,
    idAt: (i) => ids[i],
    find: (id) => (positions ??= new Map(ids.map((recordId, i) => [recordId, i]))).get(id),
    record: (i) => records[i],
    summary: (i) => summarizeRecord(records[i]),
    all: () => records,
  };
}

/** Every export's records in protocol order, as the core sees them. */
class CombinedRecords implements ReviewRecords {
  readonly count: number;
  readonly countByDatabase = new Map<string, number>();
  private readonly starts: number[] = [];
  private allIds: string[] | undefined;
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

  /** Every record's id, made when first asked for (flow needs none). */
  get ids(): string[] {
    return (this.allIds ??= this.parts.length === 1 ? this.parts[0].ids : this.parts.flatMap((p) => p.ids));
  }

  indexOf(id: string): number | undefined {
    // The last of two equal ids wins, as in a Map built from the records: later exports first.
    for (let p = this.parts.length - 1; p >= 0; p--) {
      const i = this.parts[p].find(id);
      if (i !== undefined) return this.starts[p] + i;
    }
    return undefined;
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

  idAt(index: number): string {
    const [part, i] = this.partOf(index);
    return part.idAt(i);
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
  count: number;
  dedupe: DedupeResult;
  layout: StudyLayout;
  studyRecord(index: number): ReviewRecord;
  studySummary(index: number): RecordSummary;
  clusterOf(index: number): DedupeResult['clusters'][number] | undefined;
}

/** A cached studies entry: the clusters, the layout, and the records of the studies of more than one record. */
function readStudies(cache: ReviewCache, name: string, records: CombinedRecords): Studies | undefined {
  const entry = cache.read(name);
  if (!entry) return undefined;
  try {
    for (const section of ['keptIds', 'removedToKept', 'blockedMerges', 'uncertain', 'clusters', 'clusterOffsets', 'memberRecords']) {
      if (!entry.has(section)) throw new Error(`no ${section}`);
    }
    const merged = int32sOf(entry.bytes('merged'));
    const layout: StudyLayout = {
      studyOfRecord: int32sOf(entry.bytes('studyOfRecord')),
      keptRecord: int32sOf(entry.bytes('keptRecord')),
      memberStart: int32sOf(entry.bytes('memberStart')),
      memberRecords: int32sOf(entry.bytes('memberRecords')),
    };
    if (layout.studyOfRecord.length !== records.count || layout.memberStart.length !== layout.keptRecord.length + 1) throw new Error('shape');
    const dedupe = lazyDedupe(entry);
    const count = layout.keptRecord.length;
    // Per study: its slot among the merged records (-1: a study of one record).
    const slotOf = new Int32Array(count).fill(-1);
    merged.forEach((studyIndex, slot) => (slotOf[studyIndex] = slot));
    const mergedRecords = new StoredRecords(entry, merged.length);
    let summaries: StoredSummaries | undefined;
    const clusterSlots = int32sOf(entry.bytes('clusterOfStudy'));
    let clusterOffsets: Float64Array | undefined;
    return {
      count,
      dedupe,
      layout,
      studyRecord: (i) => (slotOf[i] < 0 ? records.record(layout.keptRecord[i]) : mergedRecords.record(slotOf[i])),
      studySummary: (i) => (slotOf[i] < 0 ? records.summary(layout.keptRecord[i]) : (summaries ??= new StoredSummaries(entry, merged.length)).at(slotOf[i])),
      clusterOf: (i) => {
        const slot = clusterSlots[i];
        if (slot < 0) return undefined;
        clusterOffsets ??= float64sOf(entry.bytes('clusterOffsets'));
        return deserialize(entry.bytes('clusters', clusterOffsets[slot], clusterOffsets[slot + 1]));
      },
    };
  } catch {
    return undefined;
  }
}

/**
 * A DedupeResult whose parts are deserialised when first asked for (`flow` reads none of them, and
 * the clusters only `dedupe` reads whole); the same own, enumerable keys in the same order as the
 * engine's result.
 */
function lazyDedupe(entry: CacheEntry): DedupeResult {
  const dedupe = {} as DedupeResult;
  for (const key of ['clusters', 'keptIds', 'removedToKept', 'blockedMerges', 'uncertain'] as const) {
    let value: unknown;
    let read = false;
    Object.defineProperty(dedupe, key, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (!read) {
          value = key === 'clusters' ? clustersOf(entry) : entry.value(key);
          read = true;
        }
        return value;
      },
      set: (v: unknown) => {
        value = v;
        read = true;
      },
    });
  }
  return dedupe;
}

function clustersOf(entry: CacheEntry): DedupeResult['clusters'] {
  const offsets = float64sOf(entry.bytes('clusterOffsets'));
  const all = entry.bytes('clusters');
  const clusters: DedupeResult['clusters'] = [];
  for (let i = 0; i + 1 < offsets.length; i++) clusters.push(deserialize(all.subarray(offsets[i], offsets[i + 1])));
  return clusters;
}

/** Deduplicate (the engine is loaded with derive.ts, only here) and store the clusters, the layout and the merged study records. */
async function deriveStudies(cache: ReviewCache, name: string, protocol: Protocol, records: CombinedRecords, resolutions: readonly DedupeResolution[]): Promise<Studies> {
  const { findStudies, studyRecordsOf } = await import('../core/review/derive.js');
  const all = records.all();
  const dedupe = findStudies(protocol, all, resolutions);
  const byId = new Map(all.map((r) => [r.id, r]));
  const studyRecords = studyRecordsOf(dedupe, (id) => byId.get(id)!);
  const layout = studyLayout(records, dedupe);
  const merged: number[] = [];
  for (let i = 0; i < dedupe.keptIds.length; i++) if (layout.memberStart[i + 1] - layout.memberStart[i] > 1) merged.push(i);
  const mergedRecords = merged.map((i) => studyRecords[i]);
  const clusterOfStudy = new Int32Array(dedupe.keptIds.length).fill(-1);
  const studyIndex = new Map(dedupe.keptIds.map((id, i) => [id, i]));
  // The first cluster of a kept record, as a search of the list would find it.
  for (let slot = dedupe.clusters.length - 1; slot >= 0; slot--) {
    const s = studyIndex.get(dedupe.clusters[slot].kept);
    if (s !== undefined) clusterOfStudy[s] = slot;
  }
  const clusterOffsets = new Float64Array(dedupe.clusters.length + 1);
  // Serialised one by one as the entry is written, each cluster's end noted for `show`.
  function* clusterBlobs(): Generator<Uint8Array> {
    for (let i = 0; i < dedupe.clusters.length; i++) {
      const blob = serialize(dedupe.clusters[i]);
      clusterOffsets[i + 1] = clusterOffsets[i] + blob.length;
      yield blob;
    }
  }
  cache.write(name, {
    keptIds: serialize(dedupe.keptIds),
    removedToKept: serialize(dedupe.removedToKept),
    blockedMerges: serialize(dedupe.blockedMerges),
    uncertain: serialize(dedupe.uncertain),
    clusters: clusterBlobs(),
    clusterOffsets: () => new Uint8Array(clusterOffsets.buffer),
    clusterOfStudy: new Uint8Array(clusterOfStudy.buffer),
    studyOfRecord: new Uint8Array(layout.studyOfRecord.buffer),
    keptRecord: new Uint8Array(layout.keptRecord.buffer),
    memberStart: new Uint8Array(layout.memberStart.buffer),
    memberRecords: new Uint8Array(layout.memberRecords.buffer),
    merged: new Uint8Array(Int32Array.from(merged).buffer),
    ...summarySections(mergedRecords.map(summarizeRecord)),
    ...recordSections(mergedRecords),
  });
  return {
    count: dedupe.keptIds.length,
    dedupe,
    layout,
    studyRecord: (i) => studyRecords[i],
    studySummary: (i) => summarizeRecord(studyRecords[i]),
    // clusterOfStudy holds the slot a search of the list would find (built above), as the cached path reads it.
    clusterOf: (i) => (clusterOfStudy[i] < 0 ? undefined : dedupe.clusters[clusterOfStudy[i]]),
  };
}
