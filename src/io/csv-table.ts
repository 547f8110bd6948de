import { parse } from 'csv-parse/sync';
import { inputError } from '../errors.js';

/** A row of a small CSV the review folder holds (decision logs, extraction.csv), with its line. */
export interface TableRow {
  line: number;
  cells: Record<string, string>;
}

/**
 * Excel saves "CSV" with semicolons where the decimal separator is a comma (most of Europe), and
 * "Unicode text" with tabs: the header line says which one this file uses.
 */
export function guessDelimiter(text: string): string {
  const header = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
  let best = ',';
  let bestCount = header.split(',').length;
  for (const d of [';', '\t']) {
    const n = header.split(d).length;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/**
 * Parse a CSV whose header must contain `requiredColumns`. Used for the human-edited files in a
 * review folder, so every problem names the file and line.
 */
export function parseCsvTable(text: string, file: string, requiredColumns: readonly string[]): { columns: string[]; rows: TableRow[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: guessDelimiter(text),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw inputError(`not valid CSV: ${e.message.replace(/^Invalid [^:]*: /, '')}`, { file, line: e.lines ?? 1 });
  }
  if (records.length === 0) throw inputError(`empty; expected a header row: ${requiredColumns.join(',')}`, { file, line: 1 });
  const columns = records[0].record.map((c) => c.trim());
  const missing = requiredColumns.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw inputError(`header lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; expected ${requiredColumns.join(',')}`, {
      file,
      line: 1,
    });
  }
  const rows: TableRow[] = [];
  let previousEnd = records[0].info.lines;
  for (const { record, info } of records.slice(1)) {
    // info.lines is the line the record ENDS on; its first line follows the previous record.
    const line = previousEnd + 1;
    previousEnd = info.lines;
    if (record.every((c) => c.trim() === '')) continue;
    const cells: Record<string, string> = {};
    columns.forEach((c, i) => (cells[c] = (record[i] ?? '').trim()));
    rows.push({ line, cells });
  }
  return { columns, rows };
}
