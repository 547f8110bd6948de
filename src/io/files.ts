import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';
import { inputError, usageError } from '../errors.js';
import { decodeExport } from '../formats/encoding.js';

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

export async function readInputText(file: string): Promise<string> {
  const bytes = await readInputBytes(file);
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
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

/** Append to an append-only log, creating it (and its folder) with `header` when new. */
export async function appendLine(file: string, header: string, line: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const exists = await pathExists(file);
  let prefix = '';
  if (!exists) {
    prefix = header + '\n';
  } else {
    // Never glue a row onto a last line a text editor left without a newline.
    const current = await fs.readFile(file);
    if (current.length > 0 && current[current.length - 1] !== 0x0a) prefix = '\n';
  }
  await fs.appendFile(file, prefix + line + '\n');
}
