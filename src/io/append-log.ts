/**
 * Appending to the append-only logs of a review folder (`decisions/<stage>/<reviewer>.csv`,
 * `decisions/duplicates/<reviewer>.csv`), and reading them back.
 *
 * A log is a file people open in a spreadsheet, so it comes back with CRLF or lone-CR line ends,
 * semicolons or tabs, a BOM, columns moved about, no final newline. A row is appended in the file's
 * own conventions, laid out by the file's own header, and checked to read back as exactly the cells
 * given before anything is written and again after, from the disk, before success is reported.
 *
 * Concurrency and interruption. Each append is ONE `write(2)` of the whole text (all rows and their
 * line ends) on a descriptor opened with O_APPEND, then `fsync`. POSIX makes the seek-to-end and the
 * write one step for a regular file, and Linux serialises writes to one inode, so two processes
 * appending at once never interleave their bytes and neither overwrites the other. A lock file
 * (`<log>.lock`, O_EXCL, pid inside) was considered and rejected: a process killed while holding it
 * leaves it behind, and breaking a stale lock has no sound form without kernel locks (flock/fcntl),
 * which Node does not offer: two processes that both find the owner dead can each remove the lock,
 * one of them removing the fresh lock the other just took, so both "hold" it; pids are also reused
 * and mean nothing to a lock that came from another machine through git or a synced folder. With
 * O_APPEND nothing is ever left behind but, at worst, a torn last row (a write cut by power loss;
 * SIGKILL does not split a small write to a local file in practice), and the reader reports such a
 * row with its line and never takes it for a decision (see parseCsvTable's `log` option).
 * Everything else is arranged so that it needs no lock either:
 * - a new log is written whole to a temp file, synced, and `link`ed into place, which fails if
 *   another process created the log first (then the rows are appended to that one); the folder is
 *   synced so the new name survives a crash;
 * - the decisions about the text (delimiter, line end, a missing final newline) come from the file
 *   itself, which a concurrent litscreen append does not change; two processes both adding the
 *   missing final newline leave an empty line, which every reader skips;
 * - the check before writing parses the old text plus the new rows in memory: a row that would not
 *   read back is refused and nothing is written; the check after writing, from the disk, finds the
 *   rows among those that follow the old end (another process's rows may come first) and, should
 *   they not be there, cuts the file back to its previous length when nothing was appended after
 *   them (else it says so rather than cut another process's row).
 * What a torn row can show: a cut anywhere before the row's last delimiter leaves fewer cells than
 * the header, and one inside its quoted last cell a quote that never closes; both are reported.
 * Two cuts cannot be told from a complete row that a spreadsheet saved without a final newline
 * (Google Sheets does): right after the last delimiter, and between the two quotes of a `""`
 * inside the last cell. The row then reads with its last cell (the note) shortened, every other
 * cell exact. Calling every unterminated last row torn would close that gap but refuse every such
 * spreadsheet file, so it is left open.
 * O_APPEND is not atomic on NFS; a review folder on a network share should have one writer per log,
 * which one log per reviewer gives.
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { inputError, LitscreenError } from '../errors.js';
import { decodeText } from '../formats/encoding.js';
import { readInputBytes } from './files.js';
import { detectLineEnd, guessDelimiter, parseCsvTable, INCOMPLETE_LAST_ROW, type TableRow } from './csv-table.js';

export { detectLineEnd };

export interface AppendedRows {
  /** Physical line of the first appended row. */
  line: number;
  /** Whether the log was created by this append (with `columns` as its header). */
  created: boolean;
}

/** How long a reader waits for another process's write in progress before calling the last row torn. */
const SETTLE_MS = 50;
const SETTLE_TRIES = 3;

/**
 * Append `rows` (cells in the order of `columns`) to the log `file`, creating it and its folder
 * with `columns` as header when new. Cells are written trimmed, because the reader trims them;
 * the row read back must equal the trimmed cells, else nothing stays written and this throws.
 * Resolves only once the rows are on disk (fsync), so a caller may then report them as recorded.
 */
export async function appendLogRows(file: string, columns: readonly string[], rows: readonly (readonly string[])[]): Promise<AppendedRows> {
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`appendLogRows: a row of ${row.length} cells for ${columns.length} columns`);
  }
  const wanted = rows.map((row) => row.map((cell) => cell.trim()));
  if (wanted.length === 0) return { line: 0, created: false };
  const dir = path.dirname(path.resolve(file));
  let firstCreatedDir: string | undefined;
  try {
    firstCreatedDir = await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    throw inputError(`cannot create the log's folder: ${(err as Error).message}`, { file });
  }
  // A log that vanishes between "not there" and "there" (created by another process, then removed
  // by someone) is retried a few times.
  for (let attempt = 0; attempt < 5; attempt++) {
    const handle = await openForAppend(file);
    if (handle === undefined) {
      const line = await createLog(file, columns, wanted);
      if (line === undefined) continue; // another process created it first: append to that one
      await syncFolders(dir, firstCreatedDir);
      return { line, created: true };
    }
    try {
      return { line: await appendTo(handle, file, columns, wanted), created: false };
    } finally {
      await handle.close();
    }
  }
  throw inputError('cannot create or open the log: it keeps appearing and disappearing', { file });
}

/**
 * Read a log for its rows: decoded like any human-edited file (a spreadsheet may have saved it as
 * UTF-16), parsed with the check for a torn last row. A last row that looks torn is read again a
 * moment later first, since it may be another process's write in progress.
 */
export async function readLogTable(file: string, columns: readonly string[]): Promise<{ columns: string[]; rows: TableRow[] }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return parseLogBytes(await readInputBytes(file), file, columns);
    } catch (err) {
      if (!isIncompleteLastRow(err) || attempt >= SETTLE_TRIES) throw err;
      await sleep(SETTLE_MS);
    }
  }
}

/** A log's bytes as rows; a torn last row is an error with its line (see parseCsvTable's `log`). */
export function parseLogBytes(bytes: Uint8Array, file: string, columns: readonly string[]): { columns: string[]; rows: TableRow[] } {
  return parseCsvTable(decodeLog(bytes, file).text, file, columns, { log: true });
}

export function isIncompleteLastRow(err: unknown): boolean {
  return err instanceof LitscreenError && err.message.startsWith(INCOMPLETE_LAST_ROW);
}

/**
 * Decode a log's bytes. Invalid UTF-8 only in an unterminated last line, where a multi-byte
 * character is cut short, is a torn write of a UTF-8 log, not a Windows-1252 file: say so, rather
 * than decode the whole log as Windows-1252.
 */
function decodeLog(bytes: Uint8Array, file: string): ReturnType<typeof decodeText> {
  const decoded = decodeText(bytes);
  if (decoded.encoding === 'windows-1252' && bytes.length > 0) {
    const last = bytes[bytes.length - 1];
    if (last !== 0x0a && last !== 0x0d) {
      const cutAt = cutCharacterStart(bytes);
      const bomLength = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
      if (cutAt !== undefined && cutAt >= bomLength && isUtf8(bytes.subarray(bomLength, cutAt))) {
        throw inputError(INCOMPLETE_LAST_ROW, { file, line: lineCountBefore(bytes, cutAt) });
      }
    }
  }
  return decoded;
}

/** Where a UTF-8 multi-byte character cut short at the very end of `bytes` starts, if one is. */
function cutCharacterStart(bytes: Uint8Array): number | undefined {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i--) {
    const b = bytes[i];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead byte
    const needed = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    return needed > bytes.length - i ? i : undefined;
  }
  return undefined;
}

/** The physical line that byte `offset` is on (CRLF, LF and a lone CR each end one line). */
function lineCountBefore(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

/**
 * One row of cells as CSV text for `delimiter`. A cell holding the delimiter, a quote, CR or LF is
 * quoted. So is the last cell when it is not empty: a write torn inside it then leaves a quote that
 * never closes, and a write torn anywhere before it leaves fewer cells than the header; either way
 * the reader sees the row is incomplete, instead of taking a note cut short for the whole note.
 */
export function formatLogRow(cells: readonly string[], delimiter: string): string {
  const last = cells.length - 1;
  return cells
    .map((cell, i) => ((i === last && cell !== '') || cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell))
    .join(delimiter);
}

async function openForAppend(file: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO in the log's place fails at once instead of waiting for a reader.
    handle = await fs.open(file, fsConstants.O_RDWR | fsConstants.O_APPEND | (fsConstants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw inputError('is a folder, not a log file', { file });
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw inputError('cannot add to the log: permission denied', { file });
    throw inputError(`cannot open the log: ${(err as Error).message}`, { file });
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw inputError('is not a regular file; a decision log must be a plain CSV file', { file });
  }
  return handle;
}

/** All bytes of the open file, read by position (an O_APPEND descriptor's own position is its end). */
async function readAll(handle: FileHandle): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let position = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return Buffer.concat(chunks);
    chunks.push(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/**
 * The parts of a log's text that an append needs, found in one linear pass without parsing every
 * row (a reviewer's log reaches 100,000 rows, and parsing it whole took seconds per keypress):
 * where the header ends, where the last non-empty record starts, and that record's physical line.
 * A line end inside quotes belongs to a cell, not to the record structure.
 */
export function logLandmarks(text: string, loneCrEndsLines: boolean): { headerEnd: number; lastStart: number; lastLine: number; lines: number } {
  let quoted = false;
  let line = 1;
  let headerEnd = -1;
  let recordStart = 0;
  let recordLine = 1;
  let lastStart = 0;
  let lastLine = 1;
  let seenContent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    let lineEnd = 0;
    if (c === 0x0a) lineEnd = 1;
    else if (c === 0x0d) lineEnd = text.charCodeAt(i + 1) === 0x0a ? 2 : loneCrEndsLines ? 1 : 0;
    if (lineEnd === 0) {
      if (!seenContent && c !== 0x20 && c !== 0x09) seenContent = true;
      continue;
    }
    i += lineEnd - 1;
    line++;
    if (quoted) continue;
    if (seenContent) {
      if (headerEnd < 0) headerEnd = i + 1;
      else {
        lastStart = recordStart;
        lastLine = recordLine;
      }
    }
    recordStart = i + 1;
    recordLine = line;
    seenContent = false;
  }
  if (seenContent) {
    if (headerEnd < 0) headerEnd = text.length;
    else {
      lastStart = recordStart;
      lastLine = recordLine;
    }
  }
  const lines = line - (text.length > 0 && /[\r\n]$/.test(text) ? 1 : 0);
  return { headerEnd: Math.max(headerEnd, 0), lastStart, lastLine, lines };
}

/**
 * Parse the header and the records from `from` on, as if they stood alone, with the real line
 * numbers in any error: what an append checks (the last record is whole, the new rows read back).
 */
function parseTail(text: string, headerEnd: number, from: number, fromLine: number, file: string, columns: readonly string[]) {
  let header = text.slice(0, headerEnd);
  if (!/[\r\n]$/.test(header)) header += detectLineEnd(text);
  // A log of only its header has no last record: the tail is whatever follows the header.
  const tail = text.slice(Math.max(from, headerEnd));
  try {
    return parseCsvTable(header + tail, file, columns, { log: true });
  } catch (err) {
    // Lines after the header stand `fromLine - 2` lines further down in the real file.
    if (err instanceof LitscreenError && err.line !== undefined && err.line > 1 && from >= headerEnd) {
      throw new LitscreenError(err.exitCode, err.message, { file, line: err.line - 2 + fromLine }, err.details);
    }
    throw err;
  }
}

/** The log as it stands, settled: a torn-looking last record is read again after a moment. */
async function readSettled(handle: FileHandle, file: string, columns: readonly string[]) {
  for (let attempt = 1; ; attempt++) {
    const bytes = await readAll(handle);
    const decoded = decodeLog(bytes, file);
    try {
      if (decoded.text.trim() === '') return { bytes, ...decoded, header: undefined };
      const marks = logLandmarks(decoded.text, detectLineEnd(decoded.text) === '\r');
      // Only the header and the last record are parsed; the rows between were checked when written.
      const table = parseTail(decoded.text, marks.headerEnd, marks.lastStart, marks.lastLine, file, columns);
      return { bytes, ...decoded, header: { columns: table.columns, marks, hasLastRow: table.rows.length > 0 } };
    } catch (err) {
      if (!isIncompleteLastRow(err) || attempt >= SETTLE_TRIES) throw err;
      await sleep(SETTLE_MS);
    }
  }
}

/** The cells each appended row must read back as, keyed by the file's own header. */
function expectedRows(fileColumns: readonly string[], columns: readonly string[], wanted: readonly string[][]): Record<string, string>[] {
  return wanted.map((row) => {
    const cells: Record<string, string> = Object.create(null);
    for (const c of fileColumns) {
      const i = columns.indexOf(c);
      cells[c] = i < 0 ? '' : row[i];
    }
    return cells;
  });
}

/** The index of the first run of rows, at or after `from`, equal to `expected`; -1 if none. */
function findRows(rows: readonly TableRow[], expected: readonly Record<string, string>[], from: number): number {
  const same = (a: Record<string, string>, b: Record<string, string>) => Object.keys(b).every((k) => a[k] === b[k]);
  for (let i = from; i + expected.length <= rows.length; i++) {
    if (expected.every((cells, j) => same(rows[i + j].cells, cells))) return i;
  }
  return -1;
}

function describeMismatch(file: string, expected: readonly Record<string, string>[]): string {
  return `${path.basename(file)}: the row(s) would not read back as ${JSON.stringify(expected)}`;
}

/**
 * What this process last left at the end of a log it appended to: when the file is still exactly
 * that (same inode, size and modification time), the next append in the same session (the
 * interactive screen) need not read the log again, so a keypress costs the same at row 100,000 as
 * at row 1. Anything else, including another process's append, falls back to reading the log.
 */
interface LeftAsWritten {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  /** The header and the last record as text, with the landmarks of that short text. */
  text: string;
  encoding: ReturnType<typeof decodeText>['encoding'];
  header: NonNullable<Awaited<ReturnType<typeof readSettled>>['header']>;
}
const leftAsWritten = new Map<string, LeftAsWritten>();

async function stateBefore(handle: FileHandle, file: string, columns: readonly string[]) {
  const stat = await handle.stat();
  const known = leftAsWritten.get(path.resolve(file));
  if (known && known.dev === stat.dev && known.ino === stat.ino && known.size === stat.size && known.mtimeMs === stat.mtimeMs) {
    return { size: known.size, text: known.text, encoding: known.encoding, header: known.header };
  }
  const read = await readSettled(handle, file, columns);
  return { size: read.bytes.length, text: read.text, encoding: read.encoding, header: read.header };
}

async function appendTo(handle: FileHandle, file: string, columns: readonly string[], wanted: string[][]): Promise<number> {
  const before = await stateBefore(handle, file, columns);
  if (before.encoding !== 'utf-8' && before.encoding !== 'utf-8-bom') {
    throw inputError(`saved as ${before.encoding}; save it as "CSV UTF-8" before adding decisions to it`, { file });
  }
  const { text, header } = before;
  const delimiter = header ? guessDelimiter(text.slice(0, header.marks.headerEnd)) : ',';
  const lineEnd = detectLineEnd(text);
  const fileColumns = header ? header.columns : [...columns];
  for (const c of columns) {
    if (fileColumns.indexOf(c) !== fileColumns.lastIndexOf(c)) {
      throw inputError(`the header names column ${c} twice; keep one before adding to this log`, { file, line: 1 });
    }
  }
  const layout = fileColumns.map((c) => columns.indexOf(c));
  let addition = text !== '' && !/[\r\n]$/.test(text) ? lineEnd : ''; // never glue a row onto the last line
  if (!header) addition += fileColumns.join(delimiter) + lineEnd; // an empty file gets its header
  const rowTexts = wanted.map((row) => formatLogRow(layout.map((i) => (i < 0 ? '' : row[i])), delimiter) + lineEnd);
  addition += rowTexts.join('');

  // Before writing: the last record plus the new rows must read back as that record and exactly
  // these rows (a torn or open-quoted last record would swallow them).
  const expected = expectedRows(fileColumns, columns, wanted);
  if (header) {
    const lastCount = header.hasLastRow ? 1 : 0;
    const predicted = parseTail(text + addition, header.marks.headerEnd, header.marks.lastStart, header.marks.lastLine, file, columns);
    if (predicted.rows.length !== lastCount + wanted.length || findRows(predicted.rows, expected, lastCount) !== lastCount) {
      throw inputError(`${describeMismatch(file, expected)}; nothing was written`, { file });
    }
  } else {
    const predicted = parseCsvTable(text + addition, file, columns, { log: true });
    if (predicted.rows.length !== wanted.length || findRows(predicted.rows, expected, 0) !== 0) {
      throw inputError(`${describeMismatch(file, expected)}; nothing was written`, { file });
    }
  }

  const bytes = Buffer.from(addition, 'utf8');
  const oldLength = before.size;
  let written: number;
  try {
    ({ bytesWritten: written } = await handle.write(bytes, 0, bytes.length, null));
    if (written === bytes.length) await handle.sync();
  } catch (err) {
    throw inputError(`cannot add to the log: ${(err as Error).message}; the decision was NOT recorded`, { file });
  }
  if (written !== bytes.length) {
    await cutBack(handle, oldLength + written, oldLength);
    throw inputError('cannot add to the log: the disk took only part of the row (is it full?); the decision was NOT recorded', { file });
  }

  // After writing: read the log again from the disk, by its name (git or a spreadsheet may have
  // replaced the file meanwhile, and then the rows went to the old, now nameless, file). Only what
  // follows the old end is read: the rows must be there (another process's rows may come first).
  const mine = await handle.stat();
  const named = await fs.stat(file).catch(() => undefined);
  if (!named || named.ino !== mine.ino || named.dev !== mine.dev) {
    throw inputError('the log was replaced or removed while this was being added to it (a git pull, a spreadsheet saving it?); the decision was NOT recorded: run the command again', { file });
  }
  let found = -1;
  let foundLine = 0;
  try {
    const grown = await readFrom(handle, oldLength);
    const headerText = header ? text.slice(0, header.marks.headerEnd) : '';
    const afterText = headerText + (headerText && !/[\r\n]$/.test(headerText) ? lineEnd : '') + grown;
    const after = parseCsvTable(afterText, file, columns, { log: true });
    found = findRows(after.rows, expected, 0);
    // Lines of the re-read text after the header stand where the old text ended.
    // A line end added to close an unterminated old last line ends that line, not a new one.
    const closedOldLine = text !== '' && !/[\r\n]$/.test(text) ? 1 : 0;
    if (found >= 0) foundLine = after.rows[found].line + (header ? header.marks.lines - headerLines(headerText) - closedOldLine : 0);
  } catch {
    found = -1;
  }
  if (found >= 0 && header) {
    rememberEnd(file, await handle.stat(), oldLength + bytes.length, before.encoding, text.slice(0, header.marks.headerEnd), header.columns, foundLine, rowTexts, lineEnd);
  }
  if (found < 0) {
    leftAsWritten.delete(path.resolve(file));
    const restored = await cutBack(handle, oldLength + bytes.length, oldLength);
    throw inputError(
      `${describeMismatch(file, expected)} after writing; ${restored ? 'the log is back to its previous length' : 'other rows were added after them, so the log was left as it is: check its last lines'}; the decision was NOT recorded`,
      { file },
    );
  }
  return foundLine;
}

/**
 * Remember the log as this append left it: its header and, as its last record, the last row just
 * written, but only when the file grew by exactly what was written (no other process's row is last).
 */
function rememberEnd(
  file: string,
  stat: { dev: number; ino: number; size: number; mtimeMs: number },
  expectedSize: number,
  encoding: LeftAsWritten['encoding'],
  headerText: string,
  columns: string[],
  firstNewLine: number,
  rowTexts: readonly string[],
  lineEnd: string,
): void {
  const key = path.resolve(file);
  if (stat.size !== expectedSize) {
    leftAsWritten.delete(key);
    return;
  }
  const physicalLines = (row: string) => row.split(/\r\n|\n|\r/).length - 1;
  let lastLine = firstNewLine;
  for (const row of rowTexts.slice(0, -1)) lastLine += physicalLines(row);
  const lastRow = rowTexts[rowTexts.length - 1];
  const head = /[\r\n]$/.test(headerText) ? headerText : headerText + lineEnd;
  leftAsWritten.set(key, {
    dev: stat.dev,
    ino: stat.ino,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    text: head + lastRow,
    encoding,
    header: { columns, hasLastRow: true, marks: { headerEnd: head.length, lastStart: head.length, lastLine, lines: lastLine + physicalLines(lastRow) - 1 } },
  });
}

/** Physical lines the header text spans (a quoted heading may hold a line end). */
function headerLines(headerText: string): number {
  return Math.max(1, headerText.split(/\r\n|\n|\r/).length - (/[\r\n]$/.test(headerText) ? 1 : 0));
}

/** The bytes of the open file from `position` to its end, as UTF-8 text. */
async function readFrom(handle: FileHandle, position: number): Promise<string> {
  const chunks: Buffer[] = [];
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return Buffer.concat(chunks).toString('utf8');
    chunks.push(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
}

/** Cut the file back to `length` when it is still exactly `expectedSize` long (nobody appended since). */
async function cutBack(handle: FileHandle, expectedSize: number, length: number): Promise<boolean> {
  if ((await handle.stat()).size !== expectedSize) return false;
  await handle.truncate(length);
  await handle.sync();
  return true;
}

/** Create the log whole, or return undefined when another process created it first. */
async function createLog(file: string, columns: readonly string[], wanted: string[][]): Promise<number | undefined> {
  const content = [columns.join(','), ...wanted.map((row) => formatLogRow(row, ','))].map((line) => line + '\n').join('');
  const expected = expectedRows(columns, columns, wanted);
  const predicted = parseCsvTable(content, file, columns, { log: true });
  if (predicted.rows.length !== wanted.length || findRows(predicted.rows, expected, 0) !== 0) {
    throw inputError(`${describeMismatch(file, expected)}; nothing was written`, { file });
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // link() puts the complete file in place, or fails if the name is taken: no reader ever sees
      // the log without its header, and two creators cannot both write one.
      await fs.link(tmp, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return undefined;
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code ?? '')) throw err;
      // A file system without hard links (FAT, some network shares): create it exclusively and
      // write it in one call; a reader in that instant may see it empty.
      const handle = await fs.open(file, 'wx').catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') return undefined;
        throw e;
      });
      if (!handle) return undefined;
      try {
        await handle.write(content, null, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (err) {
    if (err instanceof LitscreenError) throw err;
    throw inputError(`cannot create the log: ${(err as Error).message}; the decision was NOT recorded`, { file });
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const table = await readLogTable(file, columns);
  const found = findRows(table.rows, expected, 0);
  if (found < 0) throw inputError(`${describeMismatch(file, expected)} after creating it; the decision was NOT recorded`, { file });
  return table.rows[found].line;
}

/**
 * fsync the folder that gained the log's name, and each folder this append created up to the one
 * that already existed: until then a crash may forget the new names.
 */
async function syncFolders(dir: string, firstCreatedDir: string | undefined): Promise<void> {
  const last = firstCreatedDir ? path.dirname(path.resolve(firstCreatedDir)) : dir;
  for (let d = dir; ; d = path.dirname(d)) {
    await syncFolder(d);
    if (d === last || path.dirname(d) === d) break;
  }
}

async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Windows cannot open a folder, and some file systems cannot sync one: nothing more to do there.
    const code = (err as NodeJS.ErrnoException).code;
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EBADF'].includes(code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
