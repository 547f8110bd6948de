import { parse } from 'csv-parse/sync';
import { inputError } from '../errors.js';

/** A row of a small CSV the review folder holds (decision logs, extraction.csv), with its line. */
export interface TableRow {
  line: number;
  cells: Record<string, string>;
}

export interface ParseCsvTableOptions {
  /**
   * The file is an append-only log (decision or resolution log). Its last row, when the file does
   * not end in a line end and the row has fewer cells than the header or a quote that never
   * closes, is what an interrupted write leaves behind: it is an error naming that line, never a
   * row. Such a row was never confirmed (a write is reported only after it is complete and synced),
   * but it may also be a hand-typed row, so the reviewer decides: delete it or complete it.
   */
  log?: boolean;
}

/**
 * The file's own line end: the first one outside quotes (the header's); LF for a file without one.
 * Spreadsheets end lines with CRLF (Windows), LF, or a lone CR (old Mac Excel).
 */
export function detectLineEnd(text: string): '\n' | '\r\n' | '\r' {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '\n') return '\n';
    else if (!quoted && c === '\r') return text[i + 1] === '\n' ? '\r\n' : '\r';
  }
  return '\n';
}

/**
 * What ends a record. A log appended to by different tools may mix CRLF and LF (litscreen 0.1
 * appended LF rows to CRLF logs), so both always do. A lone CR does only in a file whose header
 * ends with one (old Mac Excel); elsewhere it is a stray character of a cell.
 */
function recordDelimiters(text: string): string[] {
  return detectLineEnd(text) === '\r' ? ['\r\n', '\n', '\r'] : ['\r\n', '\n'];
}

/**
 * Excel saves "CSV" with semicolons where the decimal separator is a comma (most of Europe), and
 * "Unicode text" with tabs: the header line says which one this file uses.
 */
export function guessDelimiter(text: string): string {
  const end = text.search(/[\r\n]/);
  const header = end < 0 ? text : text.slice(0, end);
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
 * Physical line numbers of byte offsets, counting CRLF and LF (and a lone CR, when it ends lines
 * in this file) as one line end each. (csv-parse's own count takes a CRLF inside a quoted cell for
 * two lines.) Offsets must not decrease between calls, so a whole file costs one pass.
 */
function lineCounter(bytes: Uint8Array, loneCr: boolean) {
  let pos = 0;
  let line = 1;
  const endsLine = (i: number) => bytes[i] === 0x0a || (bytes[i] === 0x0d && (loneCr || bytes[i + 1] === 0x0a));
  const step = () => {
    if (bytes[pos] === 0x0d && bytes[pos + 1] === 0x0a) pos++;
    if (endsLine(pos)) line++;
    pos++;
  };
  return {
    /** The line of the first byte at or after `offset` that is not a line end: where the next record starts. */
    recordStartingAt(offset: number): number {
      while (pos < offset) step();
      while (pos < bytes.length && endsLine(pos)) step();
      return line;
    },
    /** Whether the record starting at or after `offset` runs to the end of the bytes on one line. */
    isLastLine(offset: number): boolean {
      let i = offset;
      while (i < bytes.length && endsLine(i)) i++;
      for (; i < bytes.length; i++) if (endsLine(i)) return false;
      return true;
    },
  };
}

export const INCOMPLETE_LAST_ROW = 'last row is incomplete (the write was interrupted); delete that line or complete it';

/**
 * Parse a CSV whose header must contain `requiredColumns`. Used for the human-edited files in a
 * review folder, so every problem names the file and line.
 */
export function parseCsvTable(
  text: string,
  file: string,
  requiredColumns: readonly string[],
  options: ParseCsvTableOptions = {},
): { columns: string[]; rows: TableRow[] } {
  const delimiters = recordDelimiters(text);
  // A CR alone at the very end of a CRLF file is a line end cut in half (an interrupted write).
  if (text.endsWith('\r') && delimiters.length === 2) text = text.slice(0, -1) + '\n';
  // csv-parse counts `info.bytes` in the UTF-8 encoding of the text; the same bytes map them to lines.
  const bytes = Buffer.from(text, 'utf8');
  const lines = lineCounter(bytes, delimiters.length === 3);
  let lastRecordEnd = 0;
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: guessDelimiter(text),
      record_delimiter: delimiters,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record, context) => {
        lastRecordEnd = context.bytes;
        return record;
      },
    }) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      // Name the line the unclosed record starts on, not the end of the file it swallowed.
      const oneLine = lines.isLastLine(lastRecordEnd);
      const line = lines.recordStartingAt(lastRecordEnd);
      if (options.log && lastRecordEnd > 0) {
        throw inputError(
          oneLine
            ? INCOMPLETE_LAST_ROW
            : 'last row is incomplete (the write was interrupted: its quoted cell never ends); delete from this line to the end of the file, or close the quote',
          { file, line },
        );
      }
      throw inputError('not valid CSV: a quote opened in this row is never closed', { file, line });
    }
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
  const endsWithLineEnd = bytes.length > 0 && (bytes[bytes.length - 1] === 0x0a || bytes[bytes.length - 1] === 0x0d);
  const rows: TableRow[] = [];
  let previousEnd = records[0].info.bytes;
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i];
    const line = lines.recordStartingAt(previousEnd);
    previousEnd = info.bytes;
    if (record.every((c) => c.trim() === '')) continue;
    if (options.log && i === records.length - 1 && !endsWithLineEnd && record.length < columns.length) {
      throw inputError(INCOMPLETE_LAST_ROW, { file, line });
    }
    const cells: Record<string, string> = Object.create(null);
    columns.forEach((c, j) => (cells[c] = (record[j] ?? '').trim()));
    rows.push({ line, cells });
  }
  return { columns, rows };
}
