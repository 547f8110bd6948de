/**
 * Reading an export in chunks, so memory does not grow with the file: bytes come from the file
 * descriptor a chunk at a time, are decoded (encoding.ts ChunkDecoder) and pushed into the
 * reader's RecordStream, which hands over each record as it completes. Formats without a stream
 * reader, standard input and small files are read whole, exactly as readExportText + parseText.
 *
 * The encoding is chosen from the first bytes as decodeText chooses it; only "UTF-8" cannot be
 * confirmed before the end, because a Windows-1252 file is valid UTF-8 until its first byte above
 * 0x7F that is not. When such a byte comes, the file is read again from its start as Windows-1252
 * (decodeText decodes the whole file so in that case) and the caller is told to drop the records
 * it was given so far (`onRestart`).
 */
import type { ParsedRecord, Warning } from '../model/record.js';
import { inputError, LitscreenError } from '../errors.js';
import { bomLength, createChunkDecoder, decodeExport, describeNonText, encodingFromHead, looksBinary, SNIFF_BYTES, type TextEncodingName } from '../formats/encoding.js';
import { detectFormat, parseText, readerByName } from '../formats/registry.js';
import { addTallies, type FormatReader } from '../formats/types.js';
import { openInput, readExportText, type OpenedInput } from './files.js';
import { countRisInParts, PARALLEL_MIN_BYTES, type PartsOptions, type RecordTally } from './parallel-count.js';
import { detectRisDialect, DIALECT_SIGN_CHARS } from '../formats/ris/tags.js';

/** Bytes read from the file descriptor at a time. */
export const CHUNK_BYTES = 1 << 20;

export interface StreamExportOptions {
  /** 'auto' (default) or a reader name, as for parseText. */
  format?: string;
  onRecord(record: ParsedRecord): void;
  /** The records handed over so far are void: the file is being read again from the start (see above). */
  onRestart?(): void;
  /** Awaited after each chunk's records were handed over: where a writer waits for its output to drain. */
  afterChunk?(): Promise<void> | void;
  /** The encoding an earlier read of the same file settled on, so that a second read never restarts. */
  encoding?: TextEncodingName;
  /**
   * Only counting: records read in chunks may come without `rawHash` (''), which saves hashing
   * every record. Records of a file read whole have it all the same.
   */
  countOnly?: boolean;
  /**
   * The caller only tallies the records (its onRecord does addToTally(tally, record) and nothing
   * else): a big RIS export may then be read in parts in parallel (io/parallel-count.ts), whose
   * records are tallied into this without going through onRecord.
   */
  tally?: RecordTally;
  /** How a tallied file is cut into parts (tests and benchmarks; default: by the machine's cores, from PARALLEL_MIN_BYTES). */
  parallel?: PartsOptions;
}

export interface StreamedExport {
  format: string;
  dialect: string;
  warnings: Warning[];
  /** Whether the file was read in chunks (false: read whole). */
  streamed: boolean;
  /** The encoding it was read in, when read in chunks. */
  encoding?: TextEncodingName;
  /** Parts it was read in, in parallel (io/parallel-count.ts); absent when read in one thread. */
  parts?: number;
}

/**
 * Read one export, handing each record to `onRecord` in file order. Errors as readExportText and
 * parseText give them (exit 3 with file:line, exit 2 for an unknown format name).
 */
export async function streamExport(file: string, options: StreamExportOptions): Promise<StreamedExport> {
  const format = options.format ?? 'auto';
  if (file === '-') return readWhole(file, options);
  const first = await openInput(file);
  if (first.atEnd) {
    await first.handle.close();
    return readWhole(file, options);
  }
  const encoding = options.encoding ?? encodingFromHead(first.head);
  if (options.tally) {
    const counted = await countInParallel(file, first, encoding, format, options.tally, options.parallel);
    if (counted) {
      await first.handle.close();
      return counted;
    }
  }
  // The first pass reads on from the head already read; a restart opens the file again.
  const chunks = async (again: boolean) => fileChunks(again ? await openInput(file) : first);
  return readRestarting(file, chunks, encoding, options, () => readWhole(file, options));
}

/**
 * streamExport over an export already read whole (readInputBytes: its size limit, its refusal of
 * devices and FIFOs), as a review reads it: the same bytes are hashed for the cache key and parsed,
 * so the records always belong to the hash. Read in chunks, a RIS export's records get one-byte
 * strings of their own chunk (decodeText's one string of the whole file is two bytes a character
 * as soon as one character above U+00FF is in it). Errors and results as decodeExport + parseText.
 */
export async function streamExportBytes(bytes: Uint8Array, file: string, options: StreamExportOptions): Promise<StreamedExport> {
  // decodeExport's refusals of what is not text, before any chunk is decoded; a small file is read whole as streamExport reads it.
  if (bytes.length < SNIFF_BYTES || describeNonText(bytes.subarray(0, SNIFF_BYTES))) return readBytesWhole(bytes, file, options);
  const encoding = options.encoding ?? encodingFromHead(bytes.subarray(0, SNIFF_BYTES));
  return readRestarting(file, async () => byteChunks(bytes), encoding, options, () => readBytesWhole(bytes, file, options));
}

/**
 * Read in chunks from `chunks(false)` in `encoding`; when the bytes turn out not to be UTF-8, tell
 * the caller (onRestart) and read `chunks(true)` from the start as Windows-1252; a format that
 * does not stream is read by `whole`.
 */
async function readRestarting(
  file: string,
  chunks: (again: boolean) => Promise<ChunkSource>,
  encoding: TextEncodingName,
  options: StreamExportOptions,
  whole: () => Promise<StreamedExport>,
): Promise<StreamedExport> {
  const format = options.format ?? 'auto';
  let result = await readInChunks(file, await chunks(false), encoding, format, options);
  if (result === 'not utf-8') {
    options.onRestart?.();
    result = await readInChunks(file, await chunks(true), 'windows-1252', format, options);
  }
  if (result === 'not utf-8') throw new Error('unreachable: Windows-1252 decodes every byte');
  if (result === 'read whole') return whole();
  return result;
}

const readBytesWhole = (bytes: Uint8Array, file: string, options: StreamExportOptions) => parsedWhole(decodeExport(bytes, file).text, file, options);

/** A text read whole, parsed, its records handed over. */
async function parsedWhole(text: string, file: string, options: StreamExportOptions): Promise<StreamedExport> {
  const result = parseText(text, file, options.format ?? 'auto');
  for (const record of result.records) options.onRecord(record);
  await options.afterChunk?.();
  return { format: result.format, dialect: result.dialect, warnings: result.warnings, streamed: false };
}

/** An export's bytes a chunk at a time: its first SNIFF_BYTES, then up to CHUNK_BYTES per read, empty at the end. */
interface ChunkSource {
  head: Uint8Array;
  read(): Promise<Uint8Array>;
  close(): Promise<void>;
}

function fileChunks({ handle, head }: OpenedInput): ChunkSource {
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  return {
    head,
    read: async () => chunk.subarray(0, (await handle.read(chunk, 0, CHUNK_BYTES, null)).bytesRead),
    close: () => handle.close(),
  };
}

function byteChunks(bytes: Uint8Array): ChunkSource {
  let at = Math.min(SNIFF_BYTES, bytes.length);
  return {
    head: bytes.subarray(0, at),
    read: async () => {
      const from = at;
      at = Math.min(at + CHUNK_BYTES, bytes.length);
      return bytes.subarray(from, at);
    },
    close: async () => undefined,
  };
}

async function readWhole(file: string, options: StreamExportOptions): Promise<StreamedExport> {
  return parsedWhole(await readExportText(file), file, options);
}

/**
 * A big RIS export counted in parallel parts, when the caller only tallies: as readInChunks would
 * read it (same encoding, format decision and dialect), or undefined to read it in one thread.
 */
async function countInParallel(
  file: string,
  first: OpenedInput,
  encoding: TextEncodingName,
  format: string,
  tally: RecordTally,
  parts: PartsOptions = {},
): Promise<StreamedExport | undefined> {
  const { size } = first;
  // Checked here too (countRisInParts checks it again) so a small file costs no decoding of its head.
  if (size < (parts.minBytes ?? PARALLEL_MIN_BYTES)) return undefined;
  const bomBytes = bomLength(first.head);
  // The decisions readInChunks makes on the first SNIFF_BYTES: text, not binary, RIS. A head that
  // is not UTF-8 is where the one-thread read would restart as Windows-1252: read so from the start.
  let headTexts = createChunkDecoder(encoding, bomBytes).decode(first.head, false);
  if (!headTexts && (encoding === 'utf-8' || encoding === 'utf-8-bom')) {
    encoding = 'windows-1252';
    headTexts = createChunkDecoder(encoding, bomBytes).decode(first.head, false);
  }
  if (!headTexts) return undefined;
  const headText = headTexts.join('');
  if (looksBinary(headText) || headText.trim() === '' || streamingReader(headText, format)?.name !== 'ris') return undefined;
  // streamRis's dialect: from the first DIALECT_SIGN_CHARS characters (at most 4 bytes each).
  const signBytes = Buffer.allocUnsafe(Math.min(size, 4 * DIALECT_SIGN_CHARS));
  const { bytesRead } = await first.handle.read(signBytes, 0, signBytes.length, 0);
  const signTexts = createChunkDecoder(encoding, bomBytes).decode(signBytes.subarray(0, bytesRead), bytesRead === size);
  if (!signTexts) return undefined;
  const dialect = detectRisDialect(signTexts.join('')).name;
  const counted = await countRisInParts(file, size, encoding, bomBytes, dialect, parts);
  if (!counted) return undefined;
  addTallies(tally, counted.tally);
  return { format: 'ris', dialect, warnings: counted.warnings, streamed: true, encoding, parts: counted.parts };
}

/** The reader for the head of a file when it can stream, else undefined (the whole file decides). */
function streamingReader(headText: string, format: string): FormatReader | undefined {
  const reader = format === 'auto' ? detectFormat(headText) : readerByName(format);
  return reader?.stream ? reader : undefined;
}

async function readInChunks(
  file: string,
  source: ChunkSource,
  encoding: TextEncodingName,
  format: string,
  options: StreamExportOptions,
): Promise<StreamedExport | 'not utf-8' | 'read whole'> {
  const { head } = source;
  try {
    const decoder = createChunkDecoder(encoding, bomLength(head));
    const headTexts = decoder.decode(head, false);
    if (!headTexts) return 'not utf-8';
    // The checks decodeExport makes on the whole text look at its first 8 KB only.
    const headText = headTexts.join('');
    if (looksBinary(headText)) throw inputError('binary data, not a text export', { file, line: 1 });
    const reader = headText.trim() === '' ? undefined : streamingReader(headText, format);
    if (!reader) return 'read whole';
    const stream = reader.stream!(file, options.onRecord, { hashRaw: !options.countOnly, tally: options.tally });
    for (const text of headTexts) stream.push(text);
    await options.afterChunk?.();
    for (;;) {
      const chunk = await source.read();
      const bytesRead = chunk.length;
      const texts = decoder.decode(chunk, bytesRead === 0);
      if (!texts) return 'not utf-8';
      for (const text of texts) stream.push(text);
      await options.afterChunk?.();
      if (bytesRead === 0) break;
    }
    const { format: name, dialect, warnings } = stream.end();
    await options.afterChunk?.();
    return { format: name, dialect, warnings, streamed: true, encoding };
  } catch (err) {
    if (err instanceof LitscreenError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw inputError(`cannot read: ${(err as Error).message}`, { file });
    throw err;
  } finally {
    await source.close();
  }
}
