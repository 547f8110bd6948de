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
import { rawHash } from '../normalize-fields.js';

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
   * Hash of the entry's raw text as the file has it, first tag line through the ER line (Ovid's
   * NL after ER is not part of it), after CRLF→LF so that the same export saved with Windows or
   * Unix line ends keeps the same ids. Hashed here so the raw copy never outlives its line loop.
   */
  rawHash: string;
  /** Offsets of the raw text in the tokenized text. */
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
 * If text[start, end) is a tag line, the index where its value starts (after the dash), with
 * the tag length in `tagLen.n`; otherwise -1. charCode checks on the whole text, no line string:
 * this runs once per line of files of hundreds of MB.
 */
function tagLineValueStart(text: string, start: number, end: number, tagLen: { n: number }): number {
  if (end - start < 4 || !isUpper(text.charCodeAt(start)) || !isUpperOrDigit(text.charCodeAt(start + 1))) return -1;
  let i = start + 2;
  while (i < start + 4 && i < end && isUpperOrDigit(text.charCodeAt(i))) i++;
  const tagEnd = i;
  let spaces = 0;
  while (i < end && spaces < 3 && (text.charCodeAt(i) === CH_SPACE || text.charCodeAt(i) === CH_TAB)) {
    i++;
    spaces++;
  }
  if (spaces === 0 || i >= end || text.charCodeAt(i) !== CH_DASH) return -1;
  // "AB  - text", "ER  -", "TY  -  JOUR" (Cochrane); not "AB  -text".
  const after = i + 1;
  if (after < end) {
    const c = text.charCodeAt(after);
    if (c !== CH_SPACE && c !== CH_TAB) return -1;
  }
  tagLen.n = tagEnd - start;
  return after;
}

/** Tag names are few; one string per distinct tag instead of one per line. */
const TAG_NAMES = new Map<number, string>();
function tagName(text: string, start: number, n: number): string {
  let key = n;
  for (let i = 0; i < n; i++) key = key * 128 + text.charCodeAt(start + i);
  let name = TAG_NAMES.get(key);
  if (name === undefined) {
    name = text.slice(start, start + n);
    TAG_NAMES.set(key, name);
  }
  return name;
}

/** Known vendor lines outside records: Ovid numbering `12.`, Ovid links, EndNote/Cochrane/APA headers. */
const PREAMBLE_RE =
  /^(?:\d+\.\s*$|Link to the (?:Ovid|External)|Record #\d+ of \d+|Provider:|Database:|Content:|Search Strategy:|Export Date:)/;

/**
 * Tokenize RIS text. `text` may have LF, CRLF or CR line ends; a leading BOM is ignored.
 * With `onEntry`, each entry is handed over as soon as it is complete and not kept in
 * `entries` (the reader maps it at once, so its tag objects die young: big files need that).
 */
export function tokenizeRis(input: string, file: string, onEntry?: (entry: RisEntry) => void): RisTokens {
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

  /** An entry closed by ER waits here until no Ovid `NL` can follow, then goes to onEntry. */
  let pending: RisEntry | undefined;
  const flush = () => {
    if (pending && onEntry) onEntry(pending);
    pending = undefined;
  };
  const finish = (entry: RisEntry) => {
    const raw = text.slice(entry.rawStart, entry.rawEnd);
    entry.rawHash = rawHash(raw.indexOf('\r') === -1 ? raw : raw.replace(/\r\n?/g, '\n'));
    if (onEntry) {
      flush();
      pending = entry;
    } else entries.push(entry);
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
  // A lone CR (not part of CRLF) ends a line too, as in every other reader (tagged-common lfText):
  // otherwise a TY after one is read as text of the line before and its record is lost unsaid.
  let nextCr = -2;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = len;
    if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf('\r', pos);
    if (nextCr !== -1 && nextCr < nl - 1) nl = nextCr;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === CH_CR) end--;
    lineNo++;
    const lineStart = pos;
    pos = nl + 1;

    let vs = tagLineValueStart(text, lineStart, end, tagLen);
    if (vs !== -1) {
      const tag = tagName(text, lineStart, tagLen.n);
      let ve = end;
      while (vs < ve && text.charCodeAt(vs) <= CH_SPACE) vs++;
      while (ve > vs && text.charCodeAt(ve - 1) <= CH_SPACE) ve--;
      const value = vs === ve ? '' : text.slice(vs, ve);
      if (tag === 'TY') {
        closeWithoutEr(lineNo, ' before the next TY');
        justClosed = undefined;
        flush();
        current = { startLine: lineNo, endLine: lineNo, tags: [], closed: false, rawHash: '', rawStart: lineStart, rawEnd: end };
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
      current = { startLine: lineNo, endLine: lineNo, tags: [], closed: false, rawHash: '', rawStart: lineStart, rawEnd: end };
      lastTag = { tag, value, line: lineNo };
      current.tags.push(lastTag);
      continue;
    }

    // Not a tag line.
    justClosed = undefined;
    flush();
    const trimmed = text.slice(lineStart, end).trim();
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
  flush();
  return { entries, warnings, skippedLines };
}
