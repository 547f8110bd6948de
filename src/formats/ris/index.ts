/**
 * The RIS reader: tokenize (syntax, line numbers) → dialect table → records.
 */
import type { ParsedRecord, ParseResult, Warning } from '../../model/record.js';
import type { FormatReader } from '../types.js';
import { detectRisDialect } from './tags.js';
import { entryToRecord } from './to-record.js';
import { tokenizeRis } from './tokenize.js';

export { tokenizeRis } from './tokenize.js';
export type { RisEntry, RisTag, RisTokens } from './tokenize.js';
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

export function parseRis(text: string, file: string): ParseResult {
  const dialect = detectRisDialect(text);
  const records: ParsedRecord[] = [];
  const recordWarnings: Warning[] = [];
  const tokens = tokenizeRis(text, file, (e) => records.push(entryToRecord(e, file, dialect, recordWarnings)));
  const warnings = tokens.warnings.concat(recordWarnings);
  warnings.sort((a, b) => a.line - b.line);
  return { format: 'ris', dialect: dialect.name, records, warnings };
}

export const risReader: FormatReader = {
  name: 'ris',
  sniff: sniffRis,
  parse: parseRis,
};
