import { promises as fs, constants as fsConstants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { inputError, LitscreenError, usageError } from '../errors.js';
import { decodeExport, decodeText, describeNonText, formatBytes, SNIFF_BYTES } from '../formats/encoding.js';

/**
 * How much litscreen reads of each kind of input before it refuses, so that a device, a disk
 * image or a runaway pipe cannot exhaust memory. An export read whole is held as one string, and
 * V8 caps a string at about 512 Mi characters, so 500 MiB is near the most any export could be
 * (`import` reads RIS in chunks instead, io/export-stream.ts, and has no such limit); the biggest
 * real database exports (a 50,000-record Embase RIS with abstracts) are around 250 MB. Files
 * people edit are much smaller: a decision log is about 100 bytes a row, so 64 MiB holds more than
 * half a million decisions; the protocol is a few KB of JSON, so 4 MiB is generous.
 */
export const INPUT_LIMITS = {
  export: 500 * 1024 * 1024,
  table: 64 * 1024 * 1024,
  protocol: 4 * 1024 * 1024,
} as const;

export interface ReadInputOptions {
  /** Refuse an input larger than this many bytes (default: INPUT_LIMITS.export). */
  maxBytes?: number;
  /** What the file should be, for messages: "export file" (default), "protocol", "decision log" … */
  kind?: string;
  /** Refuse input whose first bytes are not text (default true). */
  sniff?: boolean;
}

/** What a stat says a path is, when it is not a regular file (undefined for a regular file). */
function specialFileKind(stat: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function readError(err: unknown, file: string) {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return inputError('no such file', { file });
  if (code === 'EISDIR') return inputError('is a directory, not a file', { file });
  if (code === 'EACCES' || code === 'EPERM') return inputError('permission denied', { file });
  return inputError(`cannot read: ${(err as Error).message}`, { file });
}

function tooLarge(file: string, kind: string, maxBytes: number) {
  const why = kind === 'export file' ? 'no database export is this big; split the search into several exports' : 'no hand-edited file is this big';
  return inputError(`larger than ${formatBytes(maxBytes)}, the limit for a ${kind} (${why})`, { file });
}

/**
 * Read an input file, sniffing before reading it whole (openInput), then the rest, up to
 * `maxBytes`. Every refusal is exit 3 with the file named.
 */
export async function readInputBytes(file: string, options: ReadInputOptions = {}): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? INPUT_LIMITS.export;
  const kind = options.kind ?? 'export file';
  const sniff = options.sniff ?? true;
  // `-` is standard input, so exports can be piped in: `curl … | litscreen import -`.
  if (file === '-') return readStdin(maxBytes, kind, sniff);
  const opened = await openInput(file, kind, sniff);
  const { handle } = opened;
  let { head: buffer } = opened;
  try {
    let length = buffer.length;
    if (opened.atEnd) return buffer;
    if (opened.size > maxBytes) throw tooLarge(file, kind, maxBytes);
    // Then the rest into one buffer of the size stat gave; the file may still grow while it is
    // read, so read until end of file and check the limit as it goes.
    const whole = Buffer.allocUnsafe(Math.min(Math.max(opened.size + 1, 2 * SNIFF_BYTES), maxBytes + 1));
    buffer.copy(whole, 0, 0, length);
    buffer = whole;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw tooLarge(file, kind, maxBytes);
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge(file, kind, maxBytes);
    return buffer.subarray(0, length);
  } catch (err) {
    if (err instanceof LitscreenError) throw err;
    throw readError(err, file);
  } finally {
    await handle.close();
  }
}

/** An input opened and sniffed: its first SNIFF_BYTES (all of it when `atEnd`), and the open handle. */
export interface OpenedInput {
  handle: FileHandle;
  head: Buffer;
  atEnd: boolean;
  /** Size by stat when opened (the file may still grow). */
  size: number;
}

/**
 * Open a file path and read its first SNIFF_BYTES, refusing what cannot be read as text: the path
 * is stat'ed first (a directory, device, FIFO or socket is refused before it is opened, since
 * opening a FIFO blocks and a device never ends), then the head is refused when it cannot be text.
 * The caller reads on from the handle's position and closes it; on a refusal it is closed here.
 */
export async function openInput(file: string, kind = 'export file', sniff = true): Promise<OpenedInput> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    throw readError(err, file);
  }
  const special = specialFileKind(stat);
  if (special) throw inputError(`is ${special}, not ${article(kind)} ${kind}${stat.isFIFO() || stat.isCharacterDevice() ? " (pipe it to standard input with '-' instead)" : ''}`, { file });
  let handle: FileHandle;
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, opening it must not hang.
    handle = await fs.open(file, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw readError(err, file);
  }
  try {
    const again = await handle.stat();
    const specialNow = specialFileKind(again);
    if (specialNow) throw inputError(`is ${specialNow}, not ${article(kind)} ${kind}`, { file });
    // The first bytes alone first, so that a binary file or a device costs one small read.
    const buffer = Buffer.allocUnsafe(SNIFF_BYTES);
    let length = 0;
    let atEnd = false;
    while (length < SNIFF_BYTES && !atEnd) {
      const { bytesRead } = await handle.read(buffer, length, SNIFF_BYTES - length, null);
      length += bytesRead;
      atEnd = bytesRead === 0;
    }
    if (sniff) {
      const nonText = describeNonText(buffer.subarray(0, length));
      if (nonText) throw inputError(`looks like ${nonText}`, { file, line: 1 });
    }
    return { handle, head: buffer.subarray(0, length), atEnd, size: again.size };
  } catch (err) {
    await handle.close();
    if (err instanceof LitscreenError) throw err;
    throw readError(err, file);
  }
}

function article(kind: string): string {
  return /^[aeiou]/i.test(kind) ? 'an' : 'a';
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
 * an export, so a spreadsheet saved as UTF-16 or Windows-1252 reads correctly too. Refused above
 * INPUT_LIMITS.table bytes unless the caller passes a limit of its own (the protocol passes
 * INPUT_LIMITS.protocol).
 */
export async function readInputText(
  file: string,
  options: { maxBytes?: number; kind?: string } = {},
): Promise<string> {
  const bytes = await readInputBytes(file, { maxBytes: options.maxBytes ?? INPUT_LIMITS.table, kind: options.kind ?? 'text file' });
  return bytes.length === 0 ? '' : decodeText(bytes).text;
}

/** Standard input, sniffed once its first SNIFF_BYTES arrive and capped at `maxBytes`. */
async function readStdin(maxBytes: number, kind: string, sniff: boolean): Promise<Uint8Array> {
  const file = 'standard input';
  const chunks: Buffer[] = [];
  let length = 0;
  let sniffed = !sniff;
  // Leaving the loop early (a refusal) destroys the stream, so `cat /dev/zero | litscreen import -` ends.
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (!sniffed && length >= SNIFF_BYTES) {
      const nonText = describeNonText(Buffer.concat(chunks).subarray(0, SNIFF_BYTES));
      if (nonText) throw inputError(`looks like ${nonText}`, { file, line: 1 });
      sniffed = true;
    }
    if (length > maxBytes) throw tooLarge(file, kind, maxBytes);
  }
  const bytes = Buffer.concat(chunks);
  if (!sniffed) {
    const nonText = describeNonText(bytes);
    if (nonText) throw inputError(`looks like ${nonText}`, { file, line: 1 });
  }
  return bytes;
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
  const existing = await fs.stat(file).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw usageError('is a folder; give the name of a file to write (inside it, or elsewhere)', { file });
  }
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // mkdir -p over a path one of whose parents is a file.
    if (code === 'EEXIST' || code === 'ENOTDIR') throw usageError(`cannot write here: a part of the path is a file, not a folder`, { file });
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
