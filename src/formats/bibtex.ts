/**
 * BibTeX / BibLaTeX (.bib from Zotero, JabRef, Scopus, Web of Science, EBSCO, Google Scholar).
 * Syntax: `@type{key, field = value, ...}` or `@type(key, ...)`; a value is `{braced}`, `"quoted"`,
 * a bare number or a macro name, joined by `#`. `@string` defines macros, `@preamble` and `@comment`
 * are not records, and anything between entries is a comment.
 *
 * Two stages, as the other readers: `tokenizeBibtex` (syntax only, entries with their start lines,
 * macros expanded) and `bibtexEntryToRecord` (fields → Record, LaTeX → Unicode).
 *
 * Hostile input: one forward scan over the text with explicit depth counters (no recursion, no
 * backtracking regex on field text), keys taken from the input live in Maps or null-prototype
 * objects. A missing closing brace must not swallow the rest of the file: a line that starts with
 * `@article{` (a known entry type) inside an unterminated entry closes it, with a warning.
 */
import { RawFields, type Author, type DocType, type ParseResult, type ParsedRecord, type Warning } from '../model/record.js';
import {
  cleanDoi,
  cleanText,
  combineDocType,
  docTypeFromString,
  extractYear,
  findDoiInText,
  isMissingValue,
  nonEmpty,
  noTitleWarning,
  parseAuthorName,
  rawHash,
  splitKeywords,
  tidyRecord,
} from './normalize-fields.js';
import { expandPageRange, lfText } from './tagged-common.js';
import type { FormatReader } from './types.js';

// ---------------------------------------------------------------- syntax

/** One `name = value` of an entry: name lower-cased, value with macros expanded and outer delimiters removed (LaTeX kept). */
export interface BibField {
  name: string;
  value: string;
  line: number;
}

/** One entry at the syntax level: `@type{key, ...}` with its start line and raw text (LF). */
export interface BibEntry {
  type: string;
  key: string;
  line: number;
  fields: BibField[];
  rawText: string;
}

const MONTHS: [string, string][] = [
  ['jan', 'January'],
  ['feb', 'February'],
  ['mar', 'March'],
  ['apr', 'April'],
  ['may', 'May'],
  ['jun', 'June'],
  ['jul', 'July'],
  ['aug', 'August'],
  ['sep', 'September'],
  ['oct', 'October'],
  ['nov', 'November'],
  ['dec', 'December'],
];

/**
 * Entry types of BibTeX, BibLaTeX and common tools. Only used to recognise an entry that starts
 * inside another, unterminated one; outside entries any `@name{` opens an entry.
 */
const KNOWN_TYPES = new Set(
  (
    'article book booklet inbook incollection inproceedings conference manual mastersthesis misc phdthesis proceedings ' +
    'techreport unpublished online electronic www report thesis collection mvbook mvcollection mvproceedings mvreference ' +
    'bookinbook suppbook suppcollection suppperiodical periodical reference inreference patent dataset software standard ' +
    'artwork audio image jurisdiction legislation letter movie music performance review video set xdata data string preamble comment'
  ).split(' '),
);

const CC_NL = 10;
const CC_SPACE = 32;
const CC_TAB = 9;
const CC_AT = 64;
const CC_LBRACE = 123;
const CC_RBRACE = 125;
const CC_LPAREN = 40;
const CC_RPAREN = 41;
const CC_QUOTE = 34;
const CC_HASH = 35;
const CC_COMMA = 44;
const CC_EQUALS = 61;
const CC_BACKSLASH = 92;

function isSpace(c: number): boolean {
  // Space, tab, LF, CR (stray ones survive lfText only when mid-line? no: all are LF), VT, FF, NBSP, BOM.
  return c === CC_SPACE || c === CC_NL || c === CC_TAB || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

/** Letters, digits and `_-.:+/'` … : what BibTeX accepts in entry types, field and macro names (not delimiters, quotes, `#`, `%`, `@`). */
function isNameChar(c: number): boolean {
  if (c <= CC_SPACE || c === 0xa0 || c === 0xfeff) return false;
  return !(
    c === CC_LBRACE ||
    c === CC_RBRACE ||
    c === CC_LPAREN ||
    c === CC_RPAREN ||
    c === CC_QUOTE ||
    c === CC_HASH ||
    c === CC_COMMA ||
    c === CC_EQUALS ||
    c === CC_AT ||
    c === 37 /* % */ ||
    c === 127
  );
}

/**
 * Characters a person does not see before a line's first mark: spaces, control characters, format
 * characters (zero-width, direction marks, BOM), line and paragraph separators.
 */
function isBlankOrInvisible(c: number): boolean {
  return (
    c <= CC_SPACE ||
    (c >= 127 && c <= 0xa0) ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x2028 && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) ||
    c === 0xfeff
  );
}

function onlySpaceOrTab(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== CC_SPACE && c !== CC_TAB) return false;
  }
  return true;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** A name or key from the file as messages show it: at most 40 characters. */
function shown(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Line numbers for offsets, counted incrementally: the scanner asks in (almost always) increasing order. */
class LineCounter {
  private pos = 0;
  private line = 1;
  /** The first newline at or after `pos` (-1: none left), so a file without newlines is not rescanned per call. */
  private nextNewline: number;
  constructor(private readonly text: string) {
    this.nextNewline = text.indexOf('\n');
  }
  at(offset: number): number {
    if (offset < this.pos) {
      // Back to an entry's start after scanning it: count only the newlines in between.
      const t = this.text;
      for (let i = t.lastIndexOf('\n', this.pos - 1); i !== -1 && i >= offset; i = i === 0 ? -1 : t.lastIndexOf('\n', i - 1)) {
        this.line--;
        this.nextNewline = i;
      }
      this.pos = offset;
      return this.line;
    }
    while (this.nextNewline !== -1 && this.nextNewline < offset) {
      this.line++;
      this.nextNewline = this.text.indexOf('\n', this.nextNewline + 1);
    }
    this.pos = offset;
    return this.line;
  }
}

/**
 * At `pos` (a line start): `[ \t]*@[ \t]*type[ \t]*[{(]` for a known entry type? Returns the offset
 * of the `@`, or -1. Hand-written so a long line of spaces costs one pass.
 */
function knownEntryStartAt(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && (text.charCodeAt(i) === CC_SPACE || text.charCodeAt(i) === CC_TAB)) i++;
  if (text.charCodeAt(i) !== CC_AT) return -1;
  const at = i;
  i++;
  while (text.charCodeAt(i) === CC_SPACE || text.charCodeAt(i) === CC_TAB) i++;
  const nameStart = i;
  while (i < text.length && i - nameStart <= 20 && isIdentStart(text.charCodeAt(i))) i++;
  if (i === nameStart || !KNOWN_TYPES.has(text.slice(nameStart, i).toLowerCase())) return -1;
  while (text.charCodeAt(i) === CC_SPACE || text.charCodeAt(i) === CC_TAB) i++;
  const c = text.charCodeAt(i);
  return c === CC_LBRACE || c === CC_LPAREN ? at : -1;
}

/** Thrown inside the entry scanner when a new entry starts before the current one closed (or the file ends). */
class Unterminated {
  constructor(
    /** Offset where scanning resumes: the `@` of the next entry, or the end of the text. */
    readonly resumeAt: number,
    readonly what: string,
  ) {}
}

/** Syntax only: text → entries (with macros expanded) and warnings with line numbers. */
export function tokenizeBibtex(text: string, file: string): { entries: BibEntry[]; warnings: Warning[]; commentHeader: string } {
  const src = lfText(text);
  const n = src.length;
  const lines = new LineCounter(src);
  const entries: BibEntry[] = [];
  const warnings: Warning[] = [];
  const macros = new Map<string, string>(MONTHS);
  const warn = (offset: number, message: string) => warnings.push({ file, line: lines.at(offset), message });
  let commentHeader = '';

  let pos = 0;
  let commentScan = true;

  /** Skip whitespace inside an entry; a line starting a known entry type ends the current entry. */
  const skipSpace = (): void => {
    while (pos < n) {
      const c = src.charCodeAt(pos);
      if (!isSpace(c)) return;
      pos++;
      if (c === CC_NL) {
        const at = knownEntryStartAt(src, pos);
        if (at !== -1) throw new Unterminated(at, 'a new entry starts');
      }
    }
  };

  const readName = (): string => {
    const start = pos;
    while (pos < n && isNameChar(src.charCodeAt(pos))) pos++;
    return src.slice(start, pos);
  };

  /** `{...}` at pos: returns the inside, pos after the closing brace. Braces balance; backslashes do not escape them (as in BibTeX). */
  const readBraced = (): string => {
    const start = pos + 1;
    let depth = 0;
    for (let i = pos; i < n; i++) {
      const c = src.charCodeAt(i);
      if (c === CC_LBRACE) depth++;
      else if (c === CC_RBRACE) {
        if (--depth === 0) {
          pos = i + 1;
          return src.slice(start, i);
        }
      } else if (c === CC_NL) {
        const at = knownEntryStartAt(src, i + 1);
        if (at !== -1) throw new Unterminated(at, 'a braced value is not closed before a new entry starts');
      }
    }
    throw new Unterminated(n, 'a braced value is not closed before the end of the file');
  };

  /** `"..."` at pos: ends at a `"` outside braces (a `\"` accent does not end it). */
  const readQuoted = (): string => {
    const start = pos + 1;
    let depth = 0;
    for (let i = start; i < n; i++) {
      const c = src.charCodeAt(i);
      if (c === CC_LBRACE) depth++;
      else if (c === CC_RBRACE) {
        if (depth > 0) depth--;
      } else if (c === CC_QUOTE && depth === 0 && src.charCodeAt(i - 1) !== CC_BACKSLASH) {
        pos = i + 1;
        return src.slice(start, i);
      } else if (c === CC_NL) {
        const at = knownEntryStartAt(src, i + 1);
        if (at !== -1) throw new Unterminated(at, 'a quoted value is not closed before a new entry starts');
      }
    }
    throw new Unterminated(n, 'a quoted value is not closed before the end of the file');
  };

  /**
   * A value: parts joined by `#`. Returns undefined when there is no value at pos (the caller
   * warns). `field` names the field in messages.
   */
  const readValue = (field: string, closer: number): string | undefined => {
    const parts: string[] = [];
    for (;;) {
      skipSpace();
      const c = src.charCodeAt(pos);
      if (c === CC_LBRACE) parts.push(readBraced());
      else if (c === CC_QUOTE) parts.push(readQuoted());
      else if (pos < n && isNameChar(c) && c !== closer) {
        const at = pos;
        const word = readName();
        if (/^\d+$/.test(word)) parts.push(word);
        else {
          const m = macros.get(word.toLowerCase());
          if (m !== undefined) parts.push(m);
          else if (/^\d/.test(word)) parts.push(word); // `pages = 12-15`: not BibTeX, but clear enough
          else {
            warn(at, `undefined macro "${shown(word)}" in field "${shown(field)}"; kept as the text "${shown(word)}"`);
            parts.push(word);
          }
        }
      } else return parts.length === 0 ? undefined : parts.join('');
      skipSpace();
      if (src.charCodeAt(pos) !== CC_HASH) return parts.join('');
      pos++;
    }
  };

  /** A field name at p: words (Scopus writes `funding_text\u00a01`) separated by spaces, tabs or no-break spaces, then `=`. Returns the offset after the name, or -1. */
  const fieldNameEnd = (p: number): number => {
    let i = p;
    while (src.charCodeAt(i) === CC_SPACE || src.charCodeAt(i) === CC_TAB || src.charCodeAt(i) === 0xa0) i++;
    let end = -1;
    for (;;) {
      const wordStart = i;
      while (i < n && isNameChar(src.charCodeAt(i))) i++;
      if (i === wordStart) break;
      end = i;
      while (src.charCodeAt(i) === CC_SPACE || src.charCodeAt(i) === CC_TAB || src.charCodeAt(i) === 0xa0) i++;
      if (src.charCodeAt(i) === CC_EQUALS) return end;
    }
    return -1;
  };

  /** After a closer at p-1: only spaces to the end of the line, or a new entry. */
  const closesEntry = (p: number): boolean => {
    let i = p;
    while (src.charCodeAt(i) === CC_SPACE || src.charCodeAt(i) === CC_TAB) i++;
    return i >= n || src.charCodeAt(i) === CC_NL || src.charCodeAt(i) === CC_AT;
  };

  /**
   * Recovery after text that is not BibTeX: on the same line, the next `,` that starts a field or a
   * closer at the end of the line (both outside braces); failing that, the next line that starts a
   * field (`name =`) or holds the closer. Braces in the skipped text are not trusted across lines:
   * scraped values (EBSCO keywords full of script code) leave them unbalanced. pos ends at the `,`,
   * the closer or the field name; a new entry or the end of the file throws Unterminated.
   */
  const skipToSeparator = (closer: number): void => {
    let depth = 0;
    while (pos < n) {
      const c = src.charCodeAt(pos);
      if (c === CC_NL) break;
      if (c === CC_LBRACE) depth++;
      else if (depth === 0 && c === closer && closesEntry(pos + 1)) return;
      else if (c === CC_RBRACE) {
        if (depth > 0) depth--;
      } else if (depth === 0 && c === CC_COMMA && fieldNameEnd(pos + 1) !== -1) return;
      pos++;
    }
    while (pos < n) {
      const lineStart = pos + 1;
      const at = knownEntryStartAt(src, lineStart);
      if (at !== -1) throw new Unterminated(at, 'a new entry starts');
      if (fieldNameEnd(lineStart) !== -1) {
        pos = lineStart;
        return;
      }
      let k = lineStart;
      while (src.charCodeAt(k) === CC_SPACE || src.charCodeAt(k) === CC_TAB) k++;
      if (src.charCodeAt(k) === closer && closesEntry(k + 1)) {
        pos = k;
        return;
      }
      const next = src.indexOf('\n', lineStart);
      pos = next === -1 ? n : next;
    }
    throw new Unterminated(n, 'the file ends');
  };

  /** The `field = value, ...` list up to the closer; pos ends after the closer. */
  const readFields = (closer: number, fields: BibField[], entryLabel: string): void => {
    for (;;) {
      skipSpace();
      if (pos >= n) throw new Unterminated(n, 'the file ends');
      const c = src.charCodeAt(pos);
      if (c === closer) {
        pos++;
        return;
      }
      if (c === CC_COMMA) {
        pos++;
        continue;
      }
      if (c === CC_AT) {
        // `@` cannot start a field name: the entry is not closed and another one starts here.
        const save = pos;
        pos++;
        skipSpace();
        if (isIdentStart(src.charCodeAt(pos))) {
          readName();
          skipSpace();
          const d = src.charCodeAt(pos);
          if (d === CC_LBRACE || d === CC_LPAREN) throw new Unterminated(save, 'a new entry starts');
        }
        pos = save;
      }
      const nameAt = pos;
      const nameEnd = fieldNameEnd(pos);
      const name = (nameEnd === -1 ? readName() : src.slice(pos, (pos = nameEnd))).toLowerCase().replace(/[ \t\u00a0]+/g, ' ');
      if (name === '') {
        warn(nameAt, `unexpected "${src[pos]}" in ${entryLabel} where a field name should be; skipped to the next field`);
        pos++;
        skipToSeparator(closer);
        continue;
      }
      const nameLine = lines.at(nameAt);
      skipSpace();
      if (src.charCodeAt(pos) !== CC_EQUALS) {
        const next = src.charCodeAt(pos);
        if (next === CC_COMMA || next === closer) warn(nameAt, `field "${shown(name)}" of ${entryLabel} has no value; skipped`);
        else {
          warn(nameAt, `field "${shown(name)}" of ${entryLabel} is not followed by "="; skipped to the next field`);
          skipToSeparator(closer);
        }
        continue;
      }
      pos++;
      const value = readValue(name, closer);
      if (value === undefined) {
        warn(nameAt, `field "${shown(name)}" of ${entryLabel} has no value; skipped`);
        // An `=` followed by junk ("title = , ..."): move on to the next separator.
        if (src.charCodeAt(pos) !== CC_COMMA && src.charCodeAt(pos) !== closer) skipToSeparator(closer);
        continue;
      }
      fields.push({ name, value, line: nameLine });
      skipSpace();
      const after = src.charCodeAt(pos);
      if (after !== CC_COMMA && after !== closer && pos < n) {
        if (fieldNameEnd(pos) !== -1) {
          warn(pos, `missing "," after field "${shown(name)}" of ${entryLabel}; read on`);
        } else {
          warn(pos, `unexpected "${src[pos]}" after field "${shown(name)}" of ${entryLabel}; skipped to the next field`);
          skipToSeparator(closer);
        }
      }
    }
  };

  while (pos < n) {
    const at = src.indexOf('@', pos);
    if (at === -1) break;
    // A `@` opens an entry when followed by a name and `{` or `(`; otherwise it is comment text.
    pos = at + 1;
    while (pos < n && (src.charCodeAt(pos) === CC_SPACE || src.charCodeAt(pos) === CC_TAB)) pos++;
    const typeAt = pos;
    const typeWritten = isIdentStart(src.charCodeAt(pos)) ? readName() : '';
    const typeEnd = pos;
    while (pos < n && isSpace(src.charCodeAt(pos)) && src.charCodeAt(pos) !== CC_NL) pos++;
    const open = src.charCodeAt(pos);
    let b = at - 1;
    while (b >= 0 && src.charCodeAt(b) !== CC_NL && isBlankOrInvisible(src.charCodeAt(b))) b--;
    const lineStart = b < 0 || src.charCodeAt(b) === CC_NL;
    if (typeWritten === '' || (open !== CC_LBRACE && open !== CC_LPAREN)) {
      // Text like "e-mail: someone@example.org" in a comment is fine; a line starting with "@article"
      // without its brace is a lost record and says so.
      if (lineStart && typeWritten !== '') warn(at, `"@${shown(typeWritten)}" is not followed by "{" or "("; not read as an entry`);
      pos = Math.max(pos, typeAt);
      continue;
    }
    const type = typeWritten.toLowerCase();
    const closer = open === CC_LBRACE ? CC_RBRACE : CC_RPAREN;
    pos++;
    const startLine = lines.at(at);
    // Never invent a record silently: BibTeX opens an entry at any "@name{", but a person (and every
    // export tool) marks one with "@type{" at the start of a line, the type in letters. An entry
    // opened any other way ("text @article{", "@ article{", a control character inside the type) is
    // read, as BibTeX would, and said so on its line.
    const plainType = typeAt === at + 1 && /^[A-Za-z]+$/.test(typeWritten) && onlySpaceOrTab(src, typeEnd, pos - 1);
    if ((!lineStart || !plainType) && type !== 'comment' && type !== 'preamble' && type !== 'string') {
      warn(at, `"@${shown(typeWritten)}" ${lineStart ? 'is not written as "@type{" (letters only, no space after "@")' : 'does not start its line'}; read as an entry, as BibTeX does`);
    }

    if (type === 'comment' && !commentScan) continue;
    if (type === 'comment') {
      // `@comment{...}`: skipped whole (JabRef keeps its settings here); its text ends at the balancing brace.
      const bodyStart = pos;
      let depth = 1;
      let end = -1;
      for (let i = pos; i < n; i++) {
        const c = src.charCodeAt(i);
        if (c === open) depth++;
        else if (c === closer && --depth === 0) {
          end = i;
          break;
        }
      }
      if (end === -1) {
        warn(at, `@comment starting at line ${startLine} is not closed; the rest of the file is read as entries`);
        // Later @comments are read as the one word BibTeX takes them for: no second scan to the end.
        commentScan = false;
        pos = bodyStart;
      } else {
        if (/jabref-meta/i.test(src.slice(bodyStart, Math.min(end, bodyStart + 40)))) commentHeader = 'jabref';
        pos = end + 1;
      }
      continue;
    }

    try {
      if (type === 'preamble') {
        readValue('@preamble', closer);
        skipSpace();
        if (src.charCodeAt(pos) !== closer) {
          warn(pos, `unexpected text in @preamble starting at line ${startLine}; skipped to its end`);
          skipToSeparator(closer);
        }
        if (src.charCodeAt(pos) === closer) pos++;
        continue;
      }
      if (type === 'string') {
        const defs: BibField[] = [];
        readFields(closer, defs, `@string at line ${startLine}`);
        for (const d of defs) macros.set(d.name, d.value);
        continue;
      }

    } catch (e) {
      if (!(e instanceof Unterminated)) throw e;
      warn(at, `@${shown(type)} starting at line ${startLine} is not closed (${e.what}); skipped`);
      pos = e.resumeAt;
      continue;
    }

    const entry: BibEntry = { type: typeWritten, key: '', line: startLine, fields: [], rawText: '' };
    try {
      // The citation key: up to the first comma (or the closer); `@article{,` has an empty one.
      skipSpace();
      const keyAt = pos;
      const key = readKey(src, pos, closer);
      entry.key = key.text;
      pos = key.end;
      const label = key.text === '' ? `the @${shown(type)} entry at line ${startLine}` : `entry "${shown(key.text)}"`;
      if (key.stop === 'comma') pos++;
      else if (key.stop === 'equals') {
        // `@article{title = ...`: no key; the word read is the first field name.
        warn(keyAt, `@${shown(type)} entry at line ${startLine} has no citation key`);
      } else if (key.stop === 'missing-comma') {
        warn(pos, `missing "," after the citation key of ${label}; read on`);
      } else if (key.stop === 'other') {
        warn(pos, `unexpected "${src[pos]}" after the citation key of ${label}; skipped to the next field`);
        skipToSeparator(closer);
      }
      readFields(closer, entry.fields, label);
    } catch (e) {
      if (!(e instanceof Unterminated)) throw e;
      // Kept with what was read, so the record is accounted for; the warning names its line.
      warn(at, `entry ${entry.key === '' ? '' : `"${shown(entry.key)}" `}starting at line ${startLine} is not closed (${e.what}); kept with the fields read before`);
      entry.rawText = src.slice(at, e.resumeAt).trimEnd();
      entries.push(entry);
      pos = e.resumeAt;
      continue;
    }
    entry.rawText = src.slice(at, pos);
    entries.push(entry);
  }
  return { entries, warnings, commentHeader };
}

/**
 * The citation key at pos: up to the first `,` on its line (Scopus writes keys with a space:
 * `Conference paper2022775`). Where it ends and what stopped it.
 */
function readKey(src: string, pos: number, closer: number): { text: string; end: number; stop: 'comma' | 'closer' | 'equals' | 'missing-comma' | 'other' } {
  let i = pos;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === CC_COMMA || c === closer || c === CC_EQUALS || c === CC_NL || c === CC_LBRACE || c === CC_RBRACE) break;
    i++;
  }
  const text = src.slice(pos, i).trim();
  if (src.charCodeAt(i) === CC_EQUALS) {
    // `@article{title = ...` has no key; `@article{key title = ...` lacks the comma after its key.
    const space = text.search(/\s/);
    if (space === -1) return { text: '', end: pos, stop: 'equals' };
    return { text: text.slice(0, space), end: pos + space, stop: 'missing-comma' };
  }
  // Line breaks may separate the key from its comma, unless a new entry starts on the next line.
  let j = i;
  while (j < src.length && isSpace(src.charCodeAt(j))) {
    if (src.charCodeAt(j) === CC_NL && knownEntryStartAt(src, j + 1) !== -1) break;
    j++;
  }
  const c = src.charCodeAt(j);
  if (c === CC_COMMA) return { text, end: j, stop: 'comma' };
  if (c === closer) return { text, end: j, stop: 'closer' };
  // `@article{key\n  title = ...` (missing comma): the key is taken, the fields are read on.
  if (text !== '' && j > i && isNameChar(c)) return { text, end: j, stop: 'missing-comma' };
  return { text, end: j, stop: 'other' };
}

// ---------------------------------------------------------------- LaTeX → Unicode

/** Accent commands → combining marks (applied to the next letter, then NFC). */
const ACCENTS = new Map<string, string>([
  ['`', '\u0300'],
  ["'", '\u0301'],
  ['^', '\u0302'],
  ['~', '\u0303'],
  ['"', '\u0308'],
  ['=', '\u0304'],
  ['.', '\u0307'],
  ['u', '\u0306'],
  ['v', '\u030c'],
  ['H', '\u030b'],
  ['c', '\u0327'],
  ['k', '\u0328'],
  ['r', '\u030a'],
  ['d', '\u0323'],
  ['b', '\u0331'],
  ['t', '\u0361'],
]);

const GREEK =
  'alpha α beta β gamma γ delta δ epsilon ε varepsilon ε zeta ζ eta η theta θ vartheta ϑ iota ι kappa κ lambda λ mu μ nu ν xi ξ pi π ' +
  'rho ρ sigma σ tau τ upsilon υ phi φ varphi φ chi χ psi ψ omega ω Gamma Γ Delta Δ Theta Θ Lambda Λ Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω';

/** Control words that stand for a character. */
const SYMBOLS = new Map<string, string>([
  ['ss', 'ß'],
  ['SS', 'SS'],
  ['aa', 'å'],
  ['AA', 'Å'],
  ['o', 'ø'],
  ['O', 'Ø'],
  ['l', 'ł'],
  ['L', 'Ł'],
  ['ae', 'æ'],
  ['AE', 'Æ'],
  ['oe', 'œ'],
  ['OE', 'Œ'],
  ['i', 'ı'],
  ['j', 'ȷ'],
  ['dh', 'ð'],
  ['DH', 'Ð'],
  ['dj', 'đ'],
  ['DJ', 'Đ'],
  ['th', 'þ'],
  ['TH', 'Þ'],
  ['ng', 'ŋ'],
  ['NG', 'Ŋ'],
  ['textendash', '–'],
  ['textemdash', '—'],
  ['ldots', '…'],
  ['dots', '…'],
  ['textellipsis', '…'],
  ['textquoteright', '’'],
  ['textquoteleft', '‘'],
  ['textquotedblleft', '“'],
  ['textquotedblright', '”'],
  ['guillemotleft', '«'],
  ['guillemotright', '»'],
  ['copyright', '©'],
  ['textcopyright', '©'],
  ['textregistered', '®'],
  ['texttrademark', '™'],
  ['pounds', '£'],
  ['textsterling', '£'],
  ['euro', '€'],
  ['texteuro', '€'],
  ['S', '§'],
  ['P', '¶'],
  ['textdegree', '°'],
  ['textbackslash', '\\'],
  ['textasciitilde', '~'],
  ['textasciicircum', '^'],
  ['textunderscore', '_'],
  ['textbar', '|'],
  ['textless', '<'],
  ['textgreater', '>'],
  ['pm', '±'],
  ['textpm', '±'],
  ['times', '×'],
  ['texttimes', '×'],
  ['le', '≤'],
  ['leq', '≤'],
  ['ge', '≥'],
  ['geq', '≥'],
  ['neq', '≠'],
  ['ne', '≠'],
  ['approx', '≈'],
  ['sim', '∼'],
  ['infty', '∞'],
  ['cdot', '·'],
  ['textperiodcentered', '·'],
  ['textmu', 'µ'],
  ['LaTeX', 'LaTeX'],
  ['TeX', 'TeX'],
  ['BibTeX', 'BibTeX'],
  ...(() => {
    const words = GREEK.split(' ');
    const pairs: [string, string][] = [];
    for (let k = 0; k + 1 < words.length; k += 2) pairs.push([words[k], words[k + 1]]);
    return pairs;
  })(),
]);

/** Formatting commands: dropped, their argument kept (the braces go anyway). */
const DROPPED = new Set(
  (
    'emph textit textbf textsc textrm textsf texttt textup textsl textmd textnormal textsuperscript textsubscript mathrm mathit ' +
    'mathbf mathsf mathtt mathcal mathbb mathnormal it bf em sc rm sf tt sl up normalfont url ensuremath mbox hbox text protect relax ' +
    'nocase NoCaseChange MakeUppercase MakeLowercase uppercase lowercase small footnotesize scriptsize tiny large Large LARGE huge Huge'
  ).split(' '),
);

/** `\&`, `\%` … : one non-letter after a backslash. */
const ESCAPES = new Map<string, string>([
  ['&', '&'],
  ['%', '%'],
  ['$', '$'],
  ['#', '#'],
  ['_', '_'],
  ['{', '{'],
  ['}', '}'],
  [' ', ' '],
  ['\n', ' '],
  ['\\', ' '],
  ['-', ''],
  ['/', ''],
  [',', ' '],
  [';', ' '],
  [':', ' '],
  ['!', ''],
  ['@', ''],
]);

const isAsciiLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * A BibTeX value as text: accents and symbols to Unicode, `{}` (case protection) removed, `~` as a
 * space, `--`/`---` as dashes, `$…$` math markers dropped. One pass, no recursion. `verbatim` (DOIs,
 * URLs): only `\_`-style escapes and braces are undone.
 */
export function latexToUnicode(value: string, verbatim = false): string {
  // Most values are plain: nothing to do.
  if (!/[{}\\~$`'-]/.test(value)) return value;
  const s = value;
  const n = s.length;
  let out = '';
  let run = 0; // start of the pending plain run
  let math = false;
  let i = 0;
  const flush = (to: number) => {
    if (to > run) out += s.slice(run, to);
  };
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === CC_LBRACE || c === CC_RBRACE) {
      flush(i);
      run = ++i;
      continue;
    }
    if (c === CC_BACKSLASH) {
      flush(i);
      if (i + 1 >= n) {
        run = i = n;
        continue;
      }
      const next = s[i + 1];
      if (isAsciiLetter(s.charCodeAt(i + 1))) {
        let j = i + 1;
        while (j < n && isAsciiLetter(s.charCodeAt(j))) j++;
        const name = s.slice(i + 1, j);
        if (verbatim) {
          if (name !== 'url') out += s.slice(i, j);
          run = i = j;
          continue;
        }
        const mark = name.length === 1 ? ACCENTS.get(name) : undefined;
        if (mark !== undefined) {
          i = applyAccent(s, j, mark, '', (text) => (out += text));
          run = i;
          continue;
        }
        // TeX skips the spaces after a control word (`\ss bar` is "ßbar"); `\ss{}` is the usual spelling.
        let k = j;
        while (k < n && (s.charCodeAt(k) === CC_SPACE || s.charCodeAt(k) === CC_TAB || s.charCodeAt(k) === CC_NL)) k++;
        const sym = SYMBOLS.get(name);
        if (sym !== undefined) out += sym;
        else if (!DROPPED.has(name)) {
          out += name;
          k = j; // an unknown command keeps its name and the space after it
        }
        run = i = k;
        continue;
      }
      const mark = verbatim ? undefined : ACCENTS.get(next);
      if (mark !== undefined) {
        i = applyAccent(s, i + 2, mark, next, (text) => (out += text));
        run = i;
        continue;
      }
      out += ESCAPES.get(next) ?? next;
      run = i = i + 2;
      continue;
    }
    if (verbatim) {
      i++;
      continue;
    }
    if (c === 126 /* ~ */) {
      flush(i);
      out += ' ';
      run = ++i;
    } else if (c === 45 /* - */ && s.charCodeAt(i + 1) === 45) {
      flush(i);
      const em = s.charCodeAt(i + 2) === 45;
      out += em ? '—' : '–';
      run = i = i + (em ? 3 : 2);
    } else if (c === 36 /* $ */) {
      flush(i);
      math = !math;
      run = ++i;
    } else if (math && (c === 94 /* ^ */ || c === 95) /* _ */) {
      flush(i);
      run = ++i;
    } else if (c === 96 /* ` */ && s.charCodeAt(i + 1) === 96) {
      flush(i);
      out += '“';
      run = i = i + 2;
    } else if (c === 39 /* ' */ && s.charCodeAt(i + 1) === 39) {
      flush(i);
      out += '”';
      run = i = i + 2;
    } else i++;
  }
  flush(n);
  return out.normalize('NFC');
}

/**
 * The accent's argument at `j`: `o`, `{o}`, ` o`, `{\i}`, `\i`; an empty `{}` gives the accent
 * character itself (`\~{}` is a tilde). Emits base + combining mark; returns where scanning resumes
 * (any closing brace left is dropped by the caller's loop, like every brace).
 */
function applyAccent(s: string, j: number, mark: string, accentChar: string, emit: (text: string) => void): number {
  const n = s.length;
  let k = j;
  while (k < n && (s.charCodeAt(k) === CC_SPACE || s.charCodeAt(k) === CC_LBRACE)) k++;
  if (k >= n || s.charCodeAt(k) === CC_RBRACE) {
    emit(accentChar);
    return k;
  }
  if (s.charCodeAt(k) === CC_BACKSLASH) {
    const name = s[k + 1];
    if ((name === 'i' || name === 'j') && !isAsciiLetter(s.charCodeAt(k + 2))) {
      emit(name + mark);
      return k + 2;
    }
    // Something else (`\'{\o}`): leave the command to the main loop, drop the accent.
    return k;
  }
  const cp = s.codePointAt(k) as number;
  const len = cp > 0xffff ? 2 : 1;
  emit(s.slice(k, k + len) + mark);
  return k + len;
}

// ---------------------------------------------------------------- names

/**
 * BibTeX name tokens: split at whitespace outside braces; a comma outside braces is a token of its own.
 * `Last, First and {Corporate Name} and others` → [["Last", ",", "First"], ["{Corporate Name}"], ["others"]].
 */
function nameTokens(value: string): string[][] {
  const names: string[][] = [[]];
  let depth = 0;
  let start = -1;
  const end = (i: number) => {
    if (start === -1) return;
    const tok = value.slice(start, i);
    start = -1;
    if (depth === 0 && tok.toLowerCase() === 'and' && names[names.length - 1].length > 0) names.push([]);
    else names[names.length - 1].push(tok);
  };
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === CC_LBRACE) {
      if (start === -1) start = i;
      depth++;
    } else if (c === CC_RBRACE) {
      if (depth > 0) depth--;
    } else if (depth === 0 && (isSpace(c) || c === 126 /* ~ */)) {
      end(i);
    } else if (depth === 0 && c === CC_COMMA) {
      end(i);
      names[names.length - 1].push(',');
    } else if (start === -1) start = i;
  }
  end(value.length);
  return names.filter((t) => t.length > 0);
}

const isBraceGroup = (tok: string) => tok.charCodeAt(0) === CC_LBRACE && tok.charCodeAt(tok.length - 1) === CC_RBRACE && tok.charCodeAt(1) !== CC_BACKSLASH;
const decodeName = (tokens: string[]) => (cleanText(latexToUnicode(tokens.join(' '))) ?? '').replace(/,$/, '');

/** Authors or editors of one field: `Last, First and First Last and {Corporate Name} and others`. */
export function bibtexAuthors(value: string): Author[] {
  const out: Author[] = [];
  for (const tokens of nameTokens(value)) {
    if (tokens.length === 1 && tokens[0].toLowerCase() === 'others') continue; // "et al."
    const parts: string[][] = [[]];
    for (const t of tokens) {
      if (t === ',') parts.push([]);
      else parts[parts.length - 1].push(t);
    }
    const nonEmptyParts = parts.filter((p) => p.length > 0);
    if (nonEmptyParts.length === 0) continue;
    if (parts.length >= 2) {
      // "von Last, First" or "von Last, Jr, First".
      const family = decodeName(parts[0]);
      const jr = parts.length >= 3 ? decodeName(parts[1]) : '';
      const given = decodeName(parts[parts.length - 1]);
      const fam = jr ? `${family} ${jr}` : family;
      if (fam === '' && given === '') continue;
      out.push(fam === '' ? { family: given, given: '' } : { family: fam, given });
      continue;
    }
    const words = parts[0];
    if (words.length === 1 && isBraceGroup(words[0])) {
      // {World Health Organization}: one family name.
      const family = decodeName(words);
      if (family !== '') out.push({ family, given: '' });
      continue;
    }
    const last = words[words.length - 1];
    if (words.length > 1 && isBraceGroup(last)) {
      // First {Protected Last Name}
      out.push({ family: decodeName([last]), given: decodeName(words.slice(0, -1)) });
      continue;
    }
    // "First von Last": the shared rules (particles, trailing initials, group names).
    const a = parseAuthorName(decodeName(words));
    if (a) out.push(a);
  }
  return out;
}

// ---------------------------------------------------------------- record

/** BibTeX/BibLaTeX entry types → DocType. Unknown types are 'other' (with the type kept as rawType). */
const ENTRY_TYPES: Record<string, DocType> = {
  article: 'journal-article',
  periodical: 'journal-article',
  suppperiodical: 'journal-article',
  book: 'book',
  mvbook: 'book',
  booklet: 'book',
  collection: 'book',
  mvcollection: 'book',
  reference: 'book',
  mvreference: 'book',
  inbook: 'chapter',
  bookinbook: 'chapter',
  incollection: 'chapter',
  suppbook: 'chapter',
  suppcollection: 'chapter',
  inreference: 'chapter',
  inproceedings: 'conference',
  conference: 'conference',
  proceedings: 'conference',
  mvproceedings: 'conference',
  phdthesis: 'thesis',
  mastersthesis: 'thesis',
  thesis: 'thesis',
  techreport: 'report',
  report: 'report',
  manual: 'report',
  standard: 'report',
};

const BOOK_TYPES = new Set(['book', 'mvbook', 'booklet', 'collection', 'mvcollection', 'reference', 'mvreference', 'proceedings', 'mvproceedings']);

/** Values that are DOIs, URLs or ids: only escapes and braces are undone (`--` and `~` stay). */
const VERBATIM_FIELDS = new Set(['doi', 'url', 'eprint', 'file', 'pdf', 'issn', 'eissn', 'isbn', 'unique-id', 'eid', 'pmid', 'pmcid']);

/** Scopus links carry the record's EID (`…record.uri?eid=2-s2.0-85079532227&…`). */
const SCOPUS_EID_RE = /scopus\.com\/[^\s?]*\?(?:[^\s#]*&)?eid=(2-s2\.0-\d+)/i;
/** EBSCOhost links carry the accession number (`…&db=bth&AN=11111111111111111&…`). */
const EBSCO_AN_RE = /ebscohost\.com\/[^\s?]*\?(?:[^\s#]*&)?AN=([\w.-]+)/i;

export function bibtexEntryToRecord(entry: BibEntry, file: string, warnings: Warning[]): ParsedRecord {
  // Field names come from the file: a null-prototype object, so `__proto__` is just a field.
  const raw = Object.create(null) as Record<string, string[]>;
  for (const f of entry.fields) (raw[f.name] ??= []).push(f.value);
  const first = (...names: string[]): string | undefined => {
    for (const name of names) for (const v of raw[name] ?? []) if (v.trim() !== '') return v;
    return undefined;
  };
  const text = (...names: string[]): string | undefined => {
    const v = first(...names);
    return v === undefined ? undefined : cleanText(latexToUnicode(v));
  };
  const verbatim = (...names: string[]): string | undefined => {
    const v = first(...names);
    return v === undefined ? undefined : nonEmpty(latexToUnicode(v, true).replace(/\s+/g, ''));
  };

  const entryType = entry.type.toLowerCase();
  const title = text('title') ?? '';
  // A placeholder title ("NA") is no title: tidyRecord blanks it, and the record is reported here.
  if (isMissingValue(title)) warnings.push(noTitleWarning(file, entry.line));

  // Scopus `document_type`, WoS `type`, a thesis `type = {PhD thesis}` refine the entry type.
  const vendorTypeText = text('document_type', 'type');
  const base = ENTRY_TYPES[entryType] ?? 'other';
  const type = combineDocType(base, docTypeFromString(vendorTypeText));

  let authors: Author[] = [];
  // Loops, not push(...list): an author list may run to 100,000 names.
  const addAuthors = (values: readonly string[] | undefined, wrap = false) => {
    for (const v of values ?? []) for (const a of bibtexAuthors(wrap ? `{${v}}` : v)) authors.push(a);
  };
  addAuthors(raw.author);
  if (authors.length === 0) addAuthors(raw['book-group-author'], true);
  if (authors.length === 0) addAuthors(raw.editor);

  const isBook = BOOK_TYPES.has(entryType);
  const journal = text('journal', 'journaltitle') ?? (isBook ? undefined : text('booktitle'));

  const url = verbatim('url');
  const doi = cleanDoi(verbatim('doi')) ?? findDoiInText(url) ?? findDoiInText(verbatim('note'));

  const keywords: string[] = [];
  for (const name of ['author_keywords', 'keywords', 'keywords-plus', 'keyword', 'mesh']) {
    for (const v of raw[name] ?? []) {
      const decoded = cleanText(latexToUnicode(v));
      if (decoded) for (const k of splitKeywords(decoded, true)) keywords.push(k);
    }
  }

  // Pages; else the article number (Scopus art_number, WoS Article-Number, BibLaTeX eid).
  // A whole book's `pages` is its page count.
  let pages = isBook ? {} : expandPageRange(text('pages'));
  if (!pages.startPage) {
    const articleNumber = text('art_number', 'article-number', 'articleno');
    if (articleNumber) pages = { startPage: articleNumber };
  }

  // The database's own id when the export has one, else the citation key (Zotero, JabRef, Google
  // Scholar keys are stable across re-exports of the same library).
  const url0 = url ?? '';
  const uniqueId = verbatim('unique-id');
  const accession =
    uniqueId ??
    verbatim('eid') ??
    SCOPUS_EID_RE.exec(url0)?.[1] ??
    EBSCO_AN_RE.exec(url0)?.[1] ??
    nonEmpty(entry.key);

  const database =
    text('source', 'database') ??
    (uniqueId && /^([A-Z][A-Z0-9]*):/.exec(uniqueId)?.[1]) ??
    (SCOPUS_EID_RE.test(url0) ? 'Scopus' : undefined);

  raw['@type'] = [entry.type];
  if (entry.key !== '') raw['@key'] = [entry.key];

  return tidyRecord({
    source: { file, line: entry.line },
    type,
    rawType: vendorTypeText ? `${entryType}; ${vendorTypeText}` : entryType,
    title,
    authors,
    year: extractYear(first('year')) ?? extractYear(first('date')),
    journal,
    volume: text('volume'),
    issue: text('number', 'issue'),
    ...pages,
    doi,
    abstract: text('abstract'),
    keywords,
    language: text('language', 'langid'),
    accession,
    exportDatabase: database || undefined,
    url,
    raw: RawFields.fromObject(raw),
    rawHash: rawHash(entry.rawText),
  });
}

/** Which tool wrote the file, from what its entries carry. */
function bibtexDialect(records: readonly ParsedRecord[], commentHeader: string): string {
  const has = (pred: (r: ParsedRecord) => boolean) => records.some(pred);
  if (has((r) => /^WOS:/i.test(r.raw.first('unique-id') ?? ''))) return 'wos';
  if (has((r) => r.exportDatabase === 'Scopus' || r.raw.has('art_number') || r.raw.has('document_type'))) return 'scopus';
  if (has((r) => /ebscohost\.com/i.test(r.url ?? ''))) return 'ebscohost';
  if (commentHeader === 'jabref') return 'jabref';
  return 'generic';
}

export function parseBibtex(text: string, file: string): ParseResult {
  const { entries, warnings, commentHeader } = tokenizeBibtex(text, file);
  const records = entries.map((e) => bibtexEntryToRecord(e, file, warnings));
  if (entries.length === 0 && /\S/.test(text.replace(/^\s*%.*$/gm, ''))) {
    warnings.push({ file, line: 1, message: 'no BibTeX entry (@article{…}) found' });
  }
  warnings.sort((a, b) => a.line - b.line);
  const jabrefHeader = commentHeader || (/^\uFEFF?% Encoding: /.test(text) ? 'jabref' : '');
  return { format: 'bibtex', dialect: bibtexDialect(records, jabrefHeader), records, warnings };
}

// ---------------------------------------------------------------- sniff

const SNIFF_HEAD = 4096;
/** `@article{`, `@String (`, `@ inproceedings{` at a line start. */
const ENTRY_LINE = /^[ \t]*@[ \t]*([A-Za-z][\w-]{0,30})[ \t]*[{(]/;

/**
 * The first line that is not blank or a `%` comment opens an entry (`@article{key,`, `@string{`,
 * `@comment{`); or, after a free-text header (JabRef 2: "This file was created with JabRef"), a
 * known entry type opens a line with its key and comma.
 */
export function sniffBibtex(text: string): boolean {
  const head = lfText(text.length > SNIFF_HEAD ? text.slice(0, SNIFF_HEAD) : text);
  let pos = 0;
  while (pos < head.length) {
    let end = head.indexOf('\n', pos);
    if (end === -1) end = head.length;
    const line = head.slice(pos, end).replace(/^[\s\ufeff]+/, '');
    pos = end + 1;
    if (line === '' || line.charCodeAt(0) === 37 /* % */) continue;
    if (ENTRY_LINE.test(line)) return true;
    break;
  }
  for (const m of head.matchAll(/^[ \t]*@[ \t]*([A-Za-z]{3,20})[ \t]*[{(][^\s,{}()=]*,/gm)) {
    if (KNOWN_TYPES.has(m[1].toLowerCase()) && m[1].toLowerCase() !== 'comment') return true;
  }
  return false;
}

export const bibtexReader: FormatReader = {
  name: 'bibtex',
  sniff: sniffBibtex,
  parse: parseBibtex,
};
