/**
 * The RIS reader: tokenize (syntax, line numbers) → dialect table → records. One parser, fed in
 * chunks (`streamRis`, for big exports read a piece at a time) or whole (`parseRis`).
 */
import type { ParsedRecord, ParseResult, Warning } from '../../model/record.js';
import type { FormatReader, RecordStream, StreamOptions } from '../types.js';
import { detectRisDialect, DIALECT_SIGN_CHARS, RIS_DIALECTS, type RisDialect, type RisDialectName } from './tags.js';
import { entryToRecord, tallyEntry } from './to-record.js';
import { RisTokenizer, type RisEntry } from './tokenize.js';

export { tokenizeRis, RisTokenizer } from './tokenize.js';
export type { RisEntry, RisTokens } from './tokenize.js';
export { detectRisDialect, RIS_DIALECTS, GENERIC_TAGS } from './tags.js';

/** `TY  - ` at a line start (1–2 spaces before the dash, as in Zotero's test files). */
const TY_LINE = /^\uFEFF?TY {1,2}-/m;
/** A file of tag lines with an ER but no TY (JabRef's "corrupted" sample) is still RIS. */
const TAG_LINE = /^[A-Z][A-Z0-9] {1,2}- /gm;
const ER_LINE = /^ER {1,2}-/m;

export function sniffRis(text: string): boolean {
  const head = text.length > 8192 ? text.slice(0, 8192) : text;
  if (TY_LINE.test(head)) return true;
  if (!ER_LINE.test(head)) return false;
  const tags = head.match(TAG_LINE);
  return tags !== null && tags.length >= 3;
}

/**
 * Read RIS text pushed in chunks. The dialect is known from the first DIALECT_SIGN_CHARS
 * characters, so text is held back until that much has arrived (or the end), then tokenized.
 */
export function streamRis(file: string, onRecord: (record: ParsedRecord) => void, options: StreamOptions = {}): RecordStream {
  let dialect: RisDialect | undefined;
  let head: string[] = [];
  let headLength = 0;
  const recordWarnings: Warning[] = [];
  const { part, tally } = options;
  const onEntry = tally ? (e: RisEntry) => tallyEntry(e, file, dialect!, recordWarnings, tally) : (e: RisEntry) => onRecord(entryToRecord(e, file, dialect!, recordWarnings));
  const tokenizer = new RisTokenizer(file, onEntry, options.hashRaw ?? true);
  if (part) dialect = RIS_DIALECTS[part.dialect as RisDialectName] ?? RIS_DIALECTS.generic;
  const start = () => {
    const text = head.join('');
    head = [];
    dialect = detectRisDialect(text);
    tokenizer.push(text);
  };
  return {
    push(text: string) {
      if (dialect) return tokenizer.push(text);
      head.push(text);
      headLength += text.length;
      if (headLength >= DIALECT_SIGN_CHARS) start();
    },
    end() {
      if (!dialect) start();
      const tokens = tokenizer.end(part?.moreFollows);
      const warnings = tokens.warnings.concat(recordWarnings);
      warnings.sort((a, b) => a.line - b.line);
      return { format: 'ris', dialect: dialect!.name, warnings, lines: tokens.lines };
    },
  };
}

export function parseRis(text: string, file: string): ParseResult {
  const records: ParsedRecord[] = [];
  const stream = streamRis(file, (r) => records.push(r));
  stream.push(text);
  const { dialect, warnings } = stream.end();
  return { format: 'ris', dialect, records, warnings };
}

export const risReader: FormatReader = {
  name: 'ris',
  sniff: sniffRis,
  parse: parseRis,
  stream: streamRis,
};
