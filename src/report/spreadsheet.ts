import { stringify } from 'csv-stringify/sync';

/**
 * What every CSV and TSV litscreen writes shares: a cell a spreadsheet would read as a formula
 * (it begins with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, so Excel,
 * LibreOffice and Google Sheets show it as text and never run it (OWASP's "CSV injection"). The
 * readers remove exactly that apostrophe again (formats/csv.ts), so a title such as "-ing forms"
 * survives a round trip. Reasons and notes reviewers type reach these files too, so no cell is exempt.
 */

/** Also a cell that already looks escaped, so the reader's one removed apostrophe gives it back whole. */
const FORMULA_START = /^'?[=+\-@\t\r]/;
/** A plain negative number ("-3", "-0.5") is data, not a formula, and stays a number in the sheet. */
const NEGATIVE_NUMBER = /^-\d+(\.\d+)?$/;

export function escapeFormula(cell: string): string {
  return FORMULA_START.test(cell) && !NEGATIVE_NUMBER.test(cell) ? `'${cell}` : cell;
}

export interface TableOptions {
  delimiter?: ',' | '\t';
  /** A UTF-8 byte-order mark, so Excel reads the file as UTF-8 (its default elsewhere is the ANSI code page). */
  bom?: boolean;
  /** CRLF, what spreadsheets write and expect (default); LF for files diffed in git. */
  lineEnding?: 'crlf' | 'lf';
}

/** Rows of cells as CSV/TSV, every cell escaped. Numbers are written as they are. */
export function writeTable(rows: readonly (readonly (string | number)[])[], options: TableOptions = {}): string {
  const escaped = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? String(cell) : escapeFormula(cell))));
  const body = stringify(escaped, { delimiter: options.delimiter ?? ',', record_delimiter: options.lineEnding === 'lf' ? 'unix' : 'windows' });
  return (options.bom ? '\uFEFF' : '') + body;
}

/** Keep the named columns, in the order named; an unknown name is the caller's usage error. */
export function selectColumns(header: readonly string[], rows: readonly (readonly string[])[], columns: readonly string[]): { header: string[]; rows: string[][]; unknown: string[] } {
  const norm = (s: string) => s.trim().toLowerCase();
  const index = columns.map((c) => header.findIndex((h) => norm(h) === norm(c)));
  const unknown = columns.filter((_, i) => index[i] === -1);
  return {
    header: index.filter((i) => i >= 0).map((i) => header[i]),
    rows: rows.map((row) => index.filter((i) => i >= 0).map((i) => row[i] ?? '')),
    unknown,
  };
}
