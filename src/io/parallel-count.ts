/**
 * Counting a big RIS export in several threads, for `litscreen import`, which only counts: the file
 * is cut at record starts (a line `TY  - …` right after a line end) into as many parts as the
 * machine has cores, the first part is read here and each other part in a worker thread, and the
 * parts' tallies and warnings are added up. Every part is read by the same reader as a whole file
 * (decoder, RIS tokenizer, record builder), so what is counted and warned about is what one thread
 * finds, with the same line numbers: a part's warnings get the lines of the parts before it added
 * once all are read, and a part that another follows ends a record left open "before the next
 * TY", as the tokenizer would have when it read on
 * (tests/io/parallel-count.test.ts compares both ways over every RIS fixture and corpus file).
 *
 * Whenever anything is not as expected (a byte that is not UTF-8, a read error, a worker that
 * fails), the caller reads the file in one thread instead, which restarts, reports and words
 * errors as it always did: this path only ever gives the same answer sooner, or none.
 */
import * as fs from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Warning } from '../model/record.js';
import { addTallies, addToTally, type RecordTally } from '../formats/types.js';
import { createChunkDecoder, type TextEncodingName } from '../formats/encoding.js';
import { risReader } from '../formats/ris/index.js';

export { addToTally, type RecordTally };

/**
 * Files below this are read in one thread: starting a worker and loading the reader in it costs
 * about 0.1 s, and the cut has to save more than that (a 32 MB RIS export reads in ~0.4 s).
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** Bytes read at a time. */
const READ_BYTES = 1 << 20;

/** How far past each planned cut a record start is looked for. */
const CUT_SEARCH_BYTES = 4 * READ_BYTES;

/** Encodings in which byte 0x0A is a line end and nothing else, so bytes can be cut at one. */
const CUTTABLE_ENCODINGS = new Set<TextEncodingName>(['utf-8', 'utf-8-bom', 'windows-1252']);

interface PartJob {
  litscreen: 'count-part';
  file: string;
  start: number;
  end: number;
  encoding: TextEncodingName;
  /** Bytes of a BOM at the start of the part (only the first part can have one). */
  bomBytes: number;
  dialect: string;
  moreFollows: boolean;
}

/** A part's tally, and its warnings with line numbers counted from the part's first line. */
type PartResult = { tally: RecordTally; warnings: Warning[]; lines: number } | { failed: string };

export interface PartsOptions {
  /** Parts to cut the file into (default: the machine's cores, at most 8). */
  parts?: number;
  /** Files smaller than this are not cut (default PARALLEL_MIN_BYTES). */
  minBytes?: number;
}

/**
 * Count the records of the RIS export `file` (`size` bytes, already found to be RIS in `encoding`,
 * with a BOM of `bomBytes`, dialect `dialect` from its head) in parts read in parallel. undefined
 * when the file is not worth cutting or cannot be cut, or a part could not be read: the caller then
 * reads it in one thread.
 */
export async function countRisInParts(
  file: string,
  size: number,
  encoding: TextEncodingName,
  bomBytes: number,
  dialect: string,
  options: PartsOptions = {},
): Promise<{ tally: RecordTally; warnings: Warning[]; parts: number } | undefined> {
  const wanted = options.parts ?? Math.min(availableParallelism(), 8);
  if (wanted < 2 || size < (options.minBytes ?? PARALLEL_MIN_BYTES) || !CUTTABLE_ENCODINGS.has(encoding)) return undefined;
  let cuts: number[];
  try {
    cuts = await recordStartsNear(file, size, wanted);
  } catch {
    return undefined;
  }
  if (cuts.length === 0) return undefined;
  const bounds = [0, ...cuts, size];
  const jobs: PartJob[] = bounds.slice(0, -1).map((start, i) => ({
    litscreen: 'count-part',
    file,
    start,
    end: bounds[i + 1],
    encoding,
    bomBytes: i === 0 ? bomBytes : 0,
    dialect,
    moreFollows: i < bounds.length - 2,
  }));
  const workers = jobs.slice(1).map(inWorker);
  const results = [await readPart(jobs[0]).catch((e: Error) => ({ failed: e.message }) as PartResult), ...(await Promise.all(workers))];
  const tally: RecordTally = { records: 0, withAbstract: 0, withDoi: 0, withYear: 0 };
  const warnings: Warning[] = [];
  let linesBefore = 0;
  for (const result of results) {
    if ('failed' in result) return undefined;
    addTallies(tally, result.tally);
    // Each part's warnings are sorted by line, and every line of a part comes after the part before.
    for (const w of result.warnings) warnings.push(linesBefore === 0 ? w : lineShifted(w, linesBefore));
    linesBefore += result.lines;
  }
  return { tally, warnings, parts: results.length };
}

/**
 * Byte offsets at which to cut the file into about `parts` parts: each the start of a line
 * `TY  -` (followed by a space, a tab or the line's end) that follows an LF, searched for from
 * each planned cut onwards. Fewer when the file has no such line near a planned cut.
 */
async function recordStartsNear(file: string, size: number, parts: number): Promise<number[]> {
  const handle = await fs.open(file, 'r');
  try {
    const cuts: number[] = [];
    const window = Buffer.allocUnsafe(CUT_SEARCH_BYTES);
    for (let k = 1; k < parts; k++) {
      const from = Math.max(Math.floor((size * k) / parts), (cuts.at(-1) ?? 0) + 1);
      const { bytesRead } = await handle.read(window, 0, Math.min(CUT_SEARCH_BYTES, size - from), from);
      const bytes = window.subarray(0, bytesRead);
      for (let at = bytes.indexOf('\nTY  -', 0, 'latin1'); at !== -1; at = bytes.indexOf('\nTY  -', at + 1, 'latin1')) {
        const after = at + 6;
        // "TY  -JOUR" is not a tag line; the byte after the dash must be within this window.
        if (after >= bytes.length) break;
        const c = bytes[after];
        if (c === 32 || c === 9 || c === 13 || c === 10) {
          cuts.push(from + at + 1);
          break;
        }
      }
    }
    return cuts;
  } finally {
    await handle.close();
  }
}

/**
 * A part's warning with the lines of the parts before it added: to its line, and to the record
 * start the RIS reader's messages name ("record starting at line N has no ER …", "… no TY …",
 * "… no title …"; none of its other messages holds a line number). Only those messages are made
 * by the reader, and only at their start, so no text from the file can be mistaken for one.
 */
function lineShifted(w: Warning, linesBefore: number): Warning {
  const message = w.message.replace(RECORD_START_MESSAGE, (_, line: string) => `record starting at line ${Number(line) + linesBefore} `);
  return { ...w, line: w.line + linesBefore, message };
}
const RECORD_START_MESSAGE = /^record starting at line (\d+) /;

/** Read one part: its bytes decoded and fed to the RIS reader, the records tallied and let go. */
async function readPart(job: PartJob): Promise<PartResult> {
  const handle = await fs.open(job.file, 'r');
  try {
    const tally: RecordTally = { records: 0, withAbstract: 0, withDoi: 0, withYear: 0 };
    const stream = risReader.stream!(job.file, (record) => addToTally(tally, record), {
      hashRaw: false,
      tally,
      // Lines are counted from the part's first: the lines of the parts before are added once all
      // are read (lineShifted), so no part waits to count another's lines.
      part: { dialect: job.dialect, moreFollows: job.moreFollows },
    });
    const decoder = createChunkDecoder(job.encoding, job.bomBytes);
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    for (let at = job.start; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_BYTES, job.end - at), at);
      at += bytesRead;
      const last = bytesRead === 0 || at >= job.end;
      const texts = decoder.decode(buffer.subarray(0, bytesRead), last);
      if (!texts) return { failed: 'not utf-8' };
      for (const text of texts) stream.push(text);
      if (last) break;
    }
    const { warnings, lines } = stream.end();
    return { tally, warnings, lines: lines! };
  } finally {
    await handle.close();
  }
}

function inWorker(job: PartJob): Promise<PartResult> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    let settled = false;
    const settle = (result: PartResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
      void worker.terminate();
    };
    worker.once('message', (result: PartResult) => settle(result));
    worker.once('error', (e) => settle({ failed: e.message }));
    worker.once('exit', (code) => settle({ failed: `worker exited with ${code}` }));
  });
}

if (!isMainThread && (workerData as PartJob | undefined)?.litscreen === 'count-part') {
  readPart(workerData as PartJob).then(
    (result) => parentPort!.postMessage(result),
    (e: Error) => parentPort!.postMessage({ failed: e.message } satisfies PartResult),
  );
}
