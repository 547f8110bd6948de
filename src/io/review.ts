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
import { inputError, LitscreenError } from '../errors.js';
import { parseText } from '../formats/registry.js';
import { readExportText, readInputText, pathExists } from './files.js';
import { parseCsvTable, type TableRow } from './csv-table.js';
import { readLogTable } from './append-log.js';
import { loadProtocol, PROTOCOL_FILE } from './protocol.js';
import { reviewerLogFileName, reviewerOfLogFile } from '../model/reviewer-name.js';
import { assessReview, type ReviewState } from '../core/review/derive.js';

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
  records: ReviewRecord[];
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
  // Absolute only when the protocol allows paths outside the review folder (checked there).
  const file = path.isAbsolute(source.file) ? source.file : path.join(reviewDir, source.file);
  let text: string;
  try {
    text = await readExportText(file);
  } catch (err) {
    // Say where the name came from: the reviewer fixes the protocol or puts the export there.
    if (err instanceof LitscreenError && err.line === undefined) {
      throw inputError(`${err.message} (the export of ${source.database}, named in ${PROTOCOL_FILE} sources[].file)`, { file });
    }
    throw err;
  }
  const result = parseText(text, file, source.format);
  const warnings = [...result.warnings];
  const records = assignIds(result.records, source, warnings);
  return { source, file, format: result.format, dialect: result.dialect, records, warnings };
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

export async function readDecisionLogs(reviewDir: string): Promise<DecisionRow[]> {
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
        const table = await readLogTable(file, DECISION_LOG_COLUMNS);
        for (const { line, cells } of table.rows) rows.push(toDecisionRow(cells, { file, line, reviewer, stage, role }));
      }
    }
  }
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

/** Read every input of a review folder and derive the whole review from it. */
export async function loadReview(reviewDir: string): Promise<LoadedReview> {
  const { protocol, file: protocolFile } = await loadProtocol(reviewDir);
  const sources: LoadedSource[] = [];
  for (const source of protocol.sources) sources.push(await loadSource(reviewDir, source));
  const records = sources.flatMap((s) => s.records);
  const decisionRows = await readDecisionLogs(reviewDir);
  const resolutionRows = await readResolutionLogs(reviewDir);
  const state = assessReview(protocol, records, decisionRows, resolutionRows);
  return {
    dir: reviewDir,
    protocolFile,
    protocol,
    sources,
    warnings: sources.flatMap((s) => s.warnings),
    decisionRows,
    resolutionRows,
    state,
  };
}
