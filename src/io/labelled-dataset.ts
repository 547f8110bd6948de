import { parse, CsvError } from 'csv-parse/sync';
import { readExportText } from './files.js';
import { CSV_HEADER_ALIASES, findCsvHeader, normalizeHeader } from '../formats/csv.js';
import { foldText } from '../core/criteria/fold-text.js';
import { inputError, usageError } from '../errors.js';

/**
 * A labelled review for `litscreen simulate`: any CSV (comma, semicolon or tab) with a title
 * column and an abstract column, found through the same header-alias table as the CSV export
 * reader (formats/csv.ts: Title | TI | Primary Title …, Abstract | AB …), and a label column named
 * by the caller whose cells are 1 (relevant) or 0 (irrelevant).
 *
 * `clean` prepares a set the way ASReview's benchmark papers do (Ferdinands et al. 2023):
 * rows without an abstract are dropped, then rows the file itself marks as a duplicate (a
 * non-empty `duplicate_record_id` cell, as the Nagtegaal 2019 file has), then rows whose title
 * and abstract, lower-cased with everything but letters and digits removed, repeat an earlier
 * row's (ASReview's `duplicated()`). On the corpus's Nagtegaal 2019 file that leaves 1,839
 * records, 100 relevant (the paper had 1,847: its source file had a few rows fewer marked).
 */

export interface LabelledDataset {
  file: string;
  titles: string[];
  abstracts: string[];
  /** 1 relevant, 0 irrelevant, per row kept. */
  labels: Uint8Array;
  /** The file's own record id per row kept (an id column when there is one, else the CSV line). */
  ids: string[];
  /** What cleaning removed (all 0 without clean). */
  dropped: { noAbstract: number; markedDuplicate: number; sameText: number };
  /** Rows in the file. */
  rowsRead: number;
}

const ID_COLUMNS = ['record_id', 'id', 'recordid'];

export async function readLabelledDataset(file: string, labelColumn: string, options: { clean?: boolean } = {}): Promise<LabelledDataset> {
  const text = await readExportText(file);
  const header = findCsvHeader(text);
  if (!header) throw inputError(`no column can hold the title (looked for ${CSV_HEADER_ALIASES.title.join(', ')})`, { file, line: 1 });
  let rows: string[][];
  let lines: number[];
  try {
    const parsed = parse(text, { delimiter: header.delimiter, bom: true, relax_column_count: true, from_line: header.headerLine, skip_empty_lines: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    rows = parsed.map((p) => p.record);
    // Physical line where each row ends (a cell may span lines), counted from the header.
    lines = parsed.map((p) => p.info.lines + header.headerLine - 1);
  } catch (e) {
    if (e instanceof CsvError) throw inputError(`not a readable CSV: ${e.message}`, { file, line: (e as CsvError & { lines?: number }).lines });
    throw e;
  }
  const names = rows[0].map(normalizeHeader);
  const column = (aliases: string[]) => {
    for (const alias of aliases) {
      const i = names.indexOf(normalizeHeader(alias));
      if (i >= 0) return i;
    }
    return -1;
  };
  const titleAt = column(CSV_HEADER_ALIASES.title);
  const abstractAt = column(CSV_HEADER_ALIASES.abstract);
  const labelAt = rows[0].indexOf(labelColumn) >= 0 ? rows[0].indexOf(labelColumn) : names.indexOf(normalizeHeader(labelColumn));
  const idAt = column(ID_COLUMNS);
  const duplicateAt = names.indexOf('duplicaterecordid');
  if (abstractAt < 0) throw inputError(`no column can hold the abstract (looked for ${CSV_HEADER_ALIASES.abstract.join(', ')})`, { file, line: header.headerLine });
  if (labelAt < 0) {
    throw usageError(`no label column "${labelColumn}" (columns: ${rows[0].slice(0, 20).join(', ')})`, { file });
  }

  const out: LabelledDataset = { file, titles: [], abstracts: [], labels: new Uint8Array(rows.length), ids: [], dropped: { noAbstract: 0, markedDuplicate: 0, sameText: 0 }, rowsRead: rows.length - 1 };
  const seenText = new Set<string>();
  let kept = 0;
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const line = lines[r];
    const cell = (i: number) => (i >= 0 ? (row[i] ?? '').trim() : '');
    const label = cell(labelAt);
    if (label !== '0' && label !== '1') {
      throw inputError(`label "${label.slice(0, 20)}" in column ${labelColumn} is neither 1 (relevant) nor 0 (irrelevant)`, { file, line });
    }
    const title = cell(titleAt);
    const abstract = cell(abstractAt);
    if (options.clean) {
      if (abstract === '') {
        out.dropped.noAbstract++;
        continue;
      }
      if (cell(duplicateAt) !== '') {
        out.dropped.markedDuplicate++;
        continue;
      }
      const key = foldText(title + abstract).replace(/[^a-z0-9]+/g, '');
      if (seenText.has(key)) {
        out.dropped.sameText++;
        continue;
      }
      seenText.add(key);
    }
    out.titles.push(title);
    out.abstracts.push(abstract);
    out.labels[kept++] = label === '1' ? 1 : 0;
    out.ids.push(idAt >= 0 && cell(idAt) !== '' ? cell(idAt) : `line ${line}`);
  }
  out.labels = out.labels.slice(0, kept);
  return out;
}
