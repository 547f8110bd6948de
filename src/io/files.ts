import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { inputError, usageError } from '../errors.js';
import { stringify } from 'csv-stringify/sync';
import { decodeExport, decodeText } from '../formats/encoding.js';
import { guessDelimiter } from './csv-table.js';

/** Read a whole input file; a missing or unreadable file is exit 3 with the file named. */
export async function readInputBytes(file: string): Promise<Uint8Array> {
  // `-` is standard input, so exports can be piped in: `curl … | litscreen import -`.
  if (file === '-') return readStdin();
  try {
    return await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError('no such file', { file });
    if (code === 'EISDIR') throw inputError('is a folder, not a file', { file });
    if (code === 'EACCES') throw inputError('permission denied', { file });
    throw inputError(`cannot read: ${(err as Error).message}`, { file });
  }
}

/**
 * Read and decode an export (exit 3 on an unreadable, empty or binary file). Only the text leaves
 * this function, so the bytes are garbage as soon as it returns: on a 250 MB export that is the
 * difference between holding the file once or twice while it is parsed.
 */
export async function readExportText(file: string): Promise<string> {
  return decodeExport(await readInputBytes(file), file).text;
}

/**
 * A human-edited file of the review folder (protocol, decision logs, extraction.csv): decoded like
 * an export, so a spreadsheet saved as UTF-16 or Windows-1252 reads correctly too.
 */
export async function readInputText(file: string): Promise<string> {
  const bytes = await readInputBytes(file);
  return bytes.length === 0 ? '' : decodeText(bytes).text;
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.access(p, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Write a whole file atomically: write a temp file beside it, then rename it into place,
 * so an interrupted run never leaves a half-written table behind.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    throw usageError(`cannot create folder for output: ${(err as Error).message}`, { file });
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await fs.writeFile(tmp, content);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw usageError(`cannot write output: ${(err as Error).message}`, { file });
  }
}

/**
 * Append one row to an append-only CSV log, creating it (and its folder) with `columns` as header
 * when new. A log a reviewer re-saved from a spreadsheet keeps its delimiter (Excel writes ';' in
 * much of Europe); one saved as UTF-16 or Windows-1252 is refused rather than corrupted.
 */
export async function appendCsvRow(file: string, columns: readonly string[], cells: string[]): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  let prefix = '';
  let delimiter = ',';
  if (!(await pathExists(file))) {
    prefix = columns.join(',') + '\n';
  } else {
    const current = await fs.readFile(file);
    const { text, encoding } = decodeText(current);
    if (encoding !== 'utf-8' && encoding !== 'utf-8-bom') {
      throw inputError(`saved as ${encoding}; save it as "CSV UTF-8" before adding decisions to it`, { file });
    }
    delimiter = guessDelimiter(text);
    // Never glue a row onto a last line a text editor left without a newline.
    if (current.length > 0 && current[current.length - 1] !== 0x0a) prefix = '\n';
  }
  await fs.appendFile(file, prefix + stringify([cells], { delimiter }).trimEnd() + '\n');
}
