/**
 * RIS, stage 1: syntax only. Lines → raw entries `{startLine, tags: [{tag, value, line}]}`.
 * No field knowledge lives here (that is tags.ts / to-record.ts), only what a line is:
 * a tag line, a continuation of the previous tag, a blank line, or text outside any record.
 *
 * Lenient where vendors are sloppy: 1–2 spaces (or a tab) before the dash, a missing space after
 * it (`ER  -`), 2–4 character tags (APA PsycNET writes `PMID  -`), a last record without `ER`
 * (kept, with a warning — rispy silently drops it).
 */
import type { Warning } from '../../model/record.js';

export interface RisTag {
  tag: string;
  value: string;
  /** 1-based physical line of the tag line. */
  line: number;
}

export interface RisEntry {
  /** 1-based line of the entry's first tag (normally `TY`). */
  startLine: number;
  /** 1-based line of the entry's last line (`ER`, or the last tag/continuation when `ER` is missing). */
  endLine: number;
  tags: RisTag[];
  /** True when the entry was closed by `ER`. */
  closed: boolean;
  /**
   * The entry's raw text as the file has it, first tag line through the ER line (Ovid's NL after
   * ER is not part of it), with CRLF→LF so that the same export saved with Windows or Unix line
   * ends hashes the same and keeps the same ids.
   */
  raw: string;
  /** Offsets of the raw text in the tokenized text (internal). */
  rawStart: number;
  rawEnd: number;
}

export interface RisTokens {
  entries: RisEntry[];
  warnings: Warning[];
  /** Non-blank lines outside any record that were recognised as vendor preamble/junk (dialect detection uses them). */
  skippedLines: number;
}

const CH_A = 65;
const CH_Z = 90;
const CH_0 = 48;
const CH_9 = 57;
const CH_SPACE = 32;
const CH_TAB = 9;
const CH_DASH = 45;
const CH_CR = 13;

function isUpper(c: number): boolean {
  return c >= CH_A && c <= CH_Z;
}
function isUpperOrDigit(c: number): boolean {
  return (c >= CH_A && c <= CH_Z) || (c >= CH_0 && c <= CH_9);
}

/**
 * If `line` is a tag line, the index where its value starts (after the dash), with the tag
 * length in `tagLen.n`; otherwise -1. charCode checks only: this runs once per line of
 * files of hundreds of MB.
 */
function tagLineValueStart(line: string, tagLen: { n: number }): number {
  const len = line.length;
  if (len < 4 || !isUpper(line.charCodeAt(0)) || !isUpperOrDigit(line.charCodeAt(1))) return -1;
  let i = 2;
  while (i < 4 && i < len && isUpperOrDigit(line.charCodeAt(i))) i++;
  const tagEnd = i;
  let spaces = 0;
  while (i < len && (line.charCodeAt(i) === CH_SPACE || line.charCodeAt(i) === CH_TAB) && spaces < 3) {
    i++;
    spaces++;
  }
  if (spaces === 0 || i >= len || line.charCodeAt(i) !== CH_DASH) return -1;
  // "AB  - text", "ER  -", "TY  -  JOUR" (Cochrane); not "AB  -text" unless that is the whole rest.
  const after = i + 1;
  if (after < len) {
    const c = line.charCodeAt(after);
    if (c !== CH_SPACE && c !== CH_TAB) return -1;
  }
  tagLen.n = tagEnd;
  return after;
}

/** Known vendor lines outside records: Ovid numbering `12.`, Ovid links, EndNote/Cochrane/APA headers. */
const PREAMBLE_RE =
  /^(?:\d+\.\s*$|Link to the (?:Ovid|External)|Record #\d+ of \d+|Provider:|Database:|Content:|Search Strategy:|Export Date:)/;

/** Tokenize RIS text. `text` may have LF, CRLF or CR line ends; a leading BOM is ignored. */
export function tokenizeRis(input: string, file: string): RisTokens {
  // Old Mac files end lines with CR only; everything else splits on LF and drops a trailing CR.
  let text = input;
  if (text.indexOf('\n') === -1 && text.indexOf('\r') !== -1) text = text.replace(/\r/g, '\n');

  const entries: RisEntry[] = [];
  const warnings: Warning[] = [];
  let skippedLines = 0;
  let current: RisEntry | undefined;
  /** The entry closed by ER on the line just before (Ovid writes `NL  -` after `ER  -`). */
  let justClosed: RisEntry | undefined;
  let lastTag: RisTag | undefined;
  const tagLen = { n: 0 };

  const finish = (entry: RisEntry) => {
    const raw = text.slice(entry.rawStart, entry.rawEnd);
    entry.raw = raw.indexOf('\r') === -1 ? raw : raw.replace(/\r\n?/g, '\n');
    entries.push(entry);
  };
  const closeWithoutEr = (at: number, why: string) => {
    if (!current) return;
    warnings.push({ file, line: at, message: `record starting at line ${current.startLine} has no ER${why}; kept` });
    finish(current);
    current = undefined;
  };

  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = len;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === CH_CR) end--;
    lineNo++;
    const lineStart = pos;
    pos = nl + 1;
    const line = text.slice(lineStart, end);

    const vs = tagLineValueStart(line, tagLen);
    if (vs !== -1) {
      const tag = line.slice(0, tagLen.n);
      const value = line.slice(vs).trim();
      if (tag === 'TY') {
        closeWithoutEr(lineNo, ' before the next TY');
        justClosed = undefined;
        current = { startLine: lineNo, endLine: lineNo, tags: [], closed: false, raw: '', rawStart: lineStart, rawEnd: end };
        lastTag = { tag, value, line: lineNo };
        current.tags.push(lastTag);
        continue;
      }
      if (tag === 'ER') {
        if (current) {
          current.closed = true;
          current.endLine = lineNo;
          current.rawEnd = end;
          finish(current);
          justClosed = current;
          current = undefined;
        } else {
          warnings.push({ file, line: lineNo, message: 'ER outside any record; ignored' });
        }
        lastTag = undefined;
        continue;
      }
      if (current) {
        lastTag = { tag, value, line: lineNo };
        current.tags.push(lastTag);
        current.endLine = lineNo;
        current.rawEnd = end;
        continue;
      }
      if (justClosed) {
        // Ovid's trailing `NL  - Journal abbreviation` right after ER belongs to that record.
        lastTag = { tag, value, line: lineNo };
        justClosed.tags.push(lastTag);
        continue;
      }
      // Tags with no TY before them: keep them as a record rather than lose them.
      warnings.push({ file, line: lineNo, message: `record starting at line ${lineNo} has no TY; kept` });
      current = { startLine: lineNo, endLine: lineNo, tags: [], closed: false, raw: '', rawStart: lineStart, rawEnd: end };
      lastTag = { tag, value, line: lineNo };
      current.tags.push(lastTag);
      continue;
    }

    // Not a tag line.
    justClosed = undefined;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (current && lastTag && !(trimmed.startsWith('Link to the Ovid') || /^\d+\.$/.test(trimmed))) {
      // Continuation: multi-line abstracts, Rayyan's one-keyword-per-line KW, free text in Citavi exports.
      lastTag.value = lastTag.value === '' ? trimmed : lastTag.value + '\n' + trimmed;
      current.endLine = lineNo;
      current.rawEnd = end;
      continue;
    }
    if (PREAMBLE_RE.test(trimmed)) {
      skippedLines++;
      continue;
    }
    const shown = trimmed.length > 60 ? trimmed.slice(0, 57) + '...' : trimmed;
    warnings.push({ file, line: lineNo, message: `text outside any record ignored: "${shown}"` });
  }
  closeWithoutEr(lineNo, ' at end of file');
  return { entries, warnings, skippedLines };
}
