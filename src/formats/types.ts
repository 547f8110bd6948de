import type { ParsedRecord, ParseResult, Warning } from '../model/record.js';

/**
 * A reader for one export format. The registry (src/formats/registry.ts) tries `sniff` on the
 * decoded text of a file, in registry order, and hands the text to the first reader that claims it.
 */
export interface FormatReader {
  /** Format name used by --format and the protocol's `format` field: one of EXPORT_FORMAT_NAMES in src/model/protocol.ts. */
  name: string;
  /** True when the text looks like this format. Must be cheap: look at the first few KB only. */
  sniff(text: string): boolean;
  /**
   * Parse a whole decoded file. Never throws for a recoverable problem: it returns records plus
   * warnings (each with file and line). Throws LitscreenError(exit 3) with file:line only when the
   * file is unusable as a whole (not well-formed XML, a CSV with no title column ...).
   */
  parse(text: string, file: string): ParseResult;
  /**
   * For formats whose exports get big (RIS): the same parser fed the text in chunks, handing each
   * record to `onRecord` as soon as it is complete, so a file is never held whole. `parse` is
   * built on it, so both give the same records, warnings and line numbers.
   */
  stream?(file: string, onRecord: (record: ParsedRecord) => void, options?: StreamOptions): RecordStream;
}

export interface StreamOptions {
  /** False when the caller only counts: `rawHash` is then '' (default true). */
  hashRaw?: boolean;
  /**
   * For reading one part of a file split at record starts (io/parallel-count.ts; RIS only): the
   * dialect the whole file's head gave, and whether another part follows (it starts with a TY
   * line, so a record left open ends "before the next TY"). Lines are counted from the part's start.
   */
  part?: { dialect: string; moreFollows: boolean };
  /**
   * Only tally the records into this instead of handing them to onRecord (`litscreen import` shows
   * nothing else): a reader may then work out only what the tally counts (RIS does; the
   * others hand each record to onRecord, which tallies it). The tally must come out as
   * addToTally over the records would make it.
   */
  tally?: RecordTally;
}

/** What `litscreen import` shows of a file's records. */
export interface RecordTally {
  records: number;
  withAbstract: number;
  withDoi: number;
  withYear: number;
}

/** Add the counts of `part` to `tally`. */
export function addTallies(tally: RecordTally, part: RecordTally): void {
  tally.records += part.records;
  tally.withAbstract += part.withAbstract;
  tally.withDoi += part.withDoi;
  tally.withYear += part.withYear;
}

export function addToTally(tally: RecordTally, record: ParsedRecord): void {
  tally.records++;
  if (record.abstract) tally.withAbstract++;
  if (record.doi) tally.withDoi++;
  if (record.year !== undefined) tally.withYear++;
}

/** An incremental reader: `push` decoded text in chunks cut anywhere, then `end`. */
export interface RecordStream {
  push(text: string): void;
  /** The file's format, dialect and warnings (sorted by line), once all text was pushed; RIS also says how many lines it read. */
  end(): { format: string; dialect: string; warnings: Warning[]; lines?: number };
}
