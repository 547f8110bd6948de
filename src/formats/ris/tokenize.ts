/**
 * RIS, stage 1: syntax only. Lines → raw entries `{startLine, fields: [tag, value, tag, value …]}`.
 * No field knowledge lives here (that is tags.ts / to-record.ts), only what a line is:
 * a tag line, a continuation of the previous tag, a blank line, or text outside any record.
 *
 * Lenient where vendors are sloppy: 1–2 spaces (or a tab) before the dash, a missing space after
 * it (`ER  -`), 2–4 character tags (APA PsycNET writes `PMID  -`), a last record without `ER`
 * (kept, with a warning — rispy silently drops it).
 *
 * Incremental: RisTokenizer takes the text in chunks cut anywhere (a big export is read and
 * decoded a piece at a time) and hands each entry over once it is complete; tokenizeRis is the
 * same tokenizer fed one chunk. Lines, line numbers, values and raw hashes do not depend on where
 * the chunks were cut (tests/formats/ris-stream.test.ts cuts at every position).
 */
import type { Warning } from '../../model/record.js';
import { isWhitespaceCode, rawHash } from '../normalize-fields.js';

export interface RisEntry {
  /** 1-based line of the entry's first tag (normally `TY`). */
  startLine: number;
  /** 1-based line of the entry's last line (`ER`, or the last tag/continuation when `ER` is missing). */
  endLine: number;
  /**
   * The entry's tags and values in file order, flat: `[tag, value, tag, value …]` (a continuation
   * line is part of the value before it). Becomes the record's RawFields as it is: one array per
   * record, no object per line.
   */
  fields: string[];
  /** True when the entry was closed by `ER`. */
  closed: boolean;
  /**
   * Hash of the entry's raw text as the file has it, first tag line through the ER line (Ovid's
   * NL after ER is not part of it), after CRLF→LF so that the same export saved with Windows or
   * Unix line ends keeps the same ids. Hashed here so the raw copy never outlives its line loop.
   */
  rawHash: string;
}

export interface RisTokens {
  entries: RisEntry[];
  warnings: Warning[];
  /** Non-blank lines outside any record that were recognised as vendor preamble/junk (dialect detection uses them). */
  skippedLines: number;
  /** Lines read (the line number of the last line). */
  lines: number;
}

const CH_A = 65;
const CH_Z = 90;
const CH_0 = 48;
const CH_9 = 57;
const CH_SPACE = 32;
const CH_TAB = 9;
const CH_DASH = 45;
const CH_CR = 13;
const CH_LF = 10;

function isUpper(c: number): boolean {
  return c >= CH_A && c <= CH_Z;
}
function isUpperOrDigit(c: number): boolean {
  return (c >= CH_A && c <= CH_Z) || (c >= CH_0 && c <= CH_9);
}

/**
 * If text[start, end) is a tag line, the index where its value starts (after the dash), with
 * the tag length in `tagLen.n`; otherwise -1. charCode checks on the chunk, no line string:
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
/** Two-character tags (nearly every line) by their characters: 'A'–'Z' then '0'–'Z' (43 codes). */
const TWO_CHARACTER_TAGS: (string | undefined)[] = new Array(26 * 43).fill(undefined);
function tagName(text: string, start: number, n: number): string {
  if (n === 2) {
    const slot = (text.charCodeAt(start) - CH_A) * 43 + (text.charCodeAt(start + 1) - CH_0);
    return (TWO_CHARACTER_TAGS[slot] ??= text.slice(start, start + 2));
  }
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

/** An entry being read, with where its raw text starts and ends (in `RisTokenizer.texts`). */
interface OpenEntry extends RisEntry {
  rawStartText: number;
  rawStart: number;
  rawEndText: number;
  rawEnd: number;
}

/**
 * The RIS tokenizer, fed text chunks by `push` and finished by `end`. Lines end at LF, CRLF or a
 * lone CR (old Mac files; a TY after a lone CR must not be read as text of the line before).
 * With `onEntry`, each entry is handed over as soon as it is complete and not kept in `entries`
 * (the reader maps it at once, so its tag objects die young: big files need that).
 */
export class RisTokenizer {
  private readonly entries: RisEntry[] = [];
  private readonly warnings: Warning[] = [];
  private skippedLines = 0;
  private current: OpenEntry | undefined;
  /** The entry closed by ER on the line just before (Ovid writes `NL  -` after `ER  -`). */
  private justClosed: RisEntry | undefined;
  /** The fields array (of `current` or `justClosed`) whose last value a continuation line extends. */
  private lastFields: string[] | undefined;
  /**
   * Where the last value lies in the text numbered `valueTextId` (-1: it does not, or it is ''),
   * so that continuation lines that follow it unchanged (LF, no indent, no trailing space) make it
   * one longer slice of that text instead of a concatenation: a multi-line abstract or reference
   * list is then no tree of pieces to be copied flat later.
   */
  private valueTextId = -1;
  private valueStart = 0;
  private valueEnd = 0;
  /** An entry closed by ER waits here until no Ovid `NL` can follow, then goes to onEntry. */
  private pending: RisEntry | undefined;
  private readonly tagLen = { n: 0 };
  private lineNo = 0;
  private started = false;
  /** The start of a line whose end has not arrived yet (a chunk may end anywhere, even between CR and LF). */
  private carry = '';
  /**
   * The texts lines were read from since the current entry started (chunks, or a line joined
   * across two chunks), so its raw text can be put together for the hash; numbered from `textBase`.
   */
  private texts: string[] = [];
  private textBase = 0;

  /**
   * @param hashRaw false when no one will read `rawHash` (import only counting records): the hash
   *   of every record's raw text is 7% of an import, and `rawHash` is then ''.
   */
  constructor(
    private readonly file: string,
    private readonly onEntry?: (entry: RisEntry) => void,
    private readonly hashRaw = true,
  ) {}

  /** Tokenize the next piece of text; complete lines are read now, a partial last line waits. */
  push(chunk: string): void {
    if (chunk.length === 0) return;
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let pos = 0;
    if (this.carry !== '') {
      // Finish the carried line with the head of this chunk, as one short string of its own.
      const carry = this.carry;
      let cut: number;
      if (carry.charCodeAt(carry.length - 1) === CH_CR) cut = text.charCodeAt(0) === CH_LF ? 1 : 0;
      else {
        cut = firstLineEnd(text, 0);
        if (cut === -1) {
          this.carry = carry + text;
          return;
        }
      }
      this.carry = '';
      const joined = cut === 0 ? carry : carry + text.slice(0, cut);
      this.scan(joined, true);
      pos = cut;
    }
    if (pos < text.length) this.scan(pos === 0 ? text : text.slice(pos), false);
  }

  /**
   * No more text: read the last line, close an open record and return what was not handed over.
   * `moreFollows`: the text was a part of a file that a TY line continues (a record left open ends
   * there, as it would when the tokenizer read on).
   */
  end(moreFollows = false): RisTokens {
    if (this.carry !== '') {
      const carry = this.carry;
      this.carry = '';
      this.scan(carry, true);
    }
    if (moreFollows) this.closeWithoutEr(this.lineNo + 1, ' before the next TY');
    else this.closeWithoutEr(this.lineNo, ' at end of file');
    this.flush();
    return { entries: this.entries, warnings: this.warnings, skippedLines: this.skippedLines, lines: this.lineNo };
  }

  /**
   * Read the complete lines of `text`. With `final`, its end ends a line; otherwise a line without
   * its end (or a CR that may be the first half of a CRLF) is carried to the next chunk.
   */
  private scan(text: string, final: boolean): void {
    const textId = this.textBase + this.texts.length;
    if (this.current) this.texts.push(text);
    else {
      this.texts = [text];
      this.textBase = textId;
    }
    const len = text.length;
    let pos = 0;
    let nextCr = -2;
    while (pos < len) {
      let nl = text.indexOf('\n', pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf('\r', pos);
      if (nl === -1) {
        // No LF left: a lone CR may still end a line; otherwise the rest waits for its end.
        if (nextCr !== -1 && nextCr < len - 1) nl = nextCr;
        else if (final) nl = len;
        else {
          this.carry = text.slice(pos);
          // The carried part is raw text of the joined line, not of this one.
          this.texts[textId - this.textBase] = text.slice(0, pos);
          return;
        }
      } else if (nextCr !== -1 && nextCr < nl - 1) nl = nextCr;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === CH_CR) end--;
      this.line(text, textId, pos, end);
      pos = nl + 1;
    }
  }

  private line(text: string, textId: number, lineStart: number, end: number): void {
    const lineNo = ++this.lineNo;
    // A byte-order mark at the start of a line is where a second export was appended to the first
    // (`cat a.ris b.ris`, or "append" in a reference manager): the line is read as if it were not there.
    if (lineStart < end && text.charCodeAt(lineStart) === 0xfeff) lineStart++;
    let vs = tagLineValueStart(text, lineStart, end, this.tagLen);
    if (vs !== -1) {
      const tag = tagName(text, lineStart, this.tagLen.n);
      let ve = end;
      while (vs < ve && text.charCodeAt(vs) <= CH_SPACE) vs++;
      while (ve > vs && text.charCodeAt(ve - 1) <= CH_SPACE) ve--;
      const value = vs === ve ? '' : text.slice(vs, ve);
      this.valueTextId = vs === ve ? -1 : textId;
      this.valueStart = vs;
      this.valueEnd = ve;
      if (tag === 'TY') {
        this.closeWithoutEr(lineNo, ' before the next TY');
        this.justClosed = undefined;
        this.flush();
        this.open(lineNo, textId, lineStart, end, tag, value);
        return;
      }
      const current = this.current;
      if (tag === 'ER') {
        if (current) {
          current.closed = true;
          current.endLine = lineNo;
          current.rawEndText = textId;
          current.rawEnd = end;
          this.finish(current);
          this.justClosed = current;
          this.current = undefined;
        } else {
          this.warnings.push({ file: this.file, line: lineNo, message: 'ER outside any record; ignored' });
        }
        this.lastFields = undefined;
        return;
      }
      if (current) {
        current.fields.push(tag, value);
        this.lastFields = current.fields;
        current.endLine = lineNo;
        current.rawEndText = textId;
        current.rawEnd = end;
        return;
      }
      if (this.justClosed) {
        // Ovid's trailing `NL  - Journal abbreviation` right after ER belongs to that record.
        this.justClosed.fields.push(tag, value);
        this.lastFields = this.justClosed.fields;
        return;
      }
      // Tags with no TY before them: keep them as a record rather than lose them.
      this.warnings.push({ file: this.file, line: lineNo, message: `record starting at line ${lineNo} has no TY; kept` });
      this.open(lineNo, textId, lineStart, end, tag, value);
      return;
    }

    // Not a tag line.
    this.justClosed = undefined;
    this.flush();
    // As String.prototype.trim, on the chunk.
    let ts = lineStart;
    let te = end;
    while (ts < te && isWhitespaceCode(text.charCodeAt(ts))) ts++;
    while (te > ts && isWhitespaceCode(text.charCodeAt(te - 1))) te--;
    if (ts === te) return;
    const trimmed = text.slice(ts, te);
    const current = this.current;
    const lastFields = this.lastFields;
    if (current && lastFields && !(trimmed.startsWith('Link to the Ovid') || /^\d+\.$/.test(trimmed))) {
      // Continuation: multi-line abstracts, Rayyan's one-keyword-per-line KW, free text in Citavi exports.
      const at = lastFields.length - 1;
      if (lastFields[at] === '') {
        lastFields[at] = trimmed;
        this.valueTextId = textId;
        this.valueStart = ts;
        this.valueEnd = te;
      } else if (this.valueTextId === textId && ts === this.valueEnd + 1 && text.charCodeAt(this.valueEnd) === CH_LF) {
        // The value, LF and this line are the text as it stands.
        this.valueEnd = te;
        lastFields[at] = text.slice(this.valueStart, te);
      } else {
        lastFields[at] = lastFields[at] + '\n' + trimmed;
        this.valueTextId = -1;
      }
      current.endLine = lineNo;
      current.rawEndText = textId;
      current.rawEnd = end;
      return;
    }
    if (PREAMBLE_RE.test(trimmed)) {
      this.skippedLines++;
      return;
    }
    const shown = trimmed.length > 60 ? trimmed.slice(0, 57) + '...' : trimmed;
    this.warnings.push({ file: this.file, line: lineNo, message: `text outside any record ignored: "${shown}"` });
  }

  private open(lineNo: number, textId: number, lineStart: number, end: number, tag: string, value: string): void {
    if (textId !== this.textBase) {
      // Texts before this one can go: the new entry's raw text starts here.
      this.texts = this.texts.slice(textId - this.textBase);
      this.textBase = textId;
    }
    this.current = {
      startLine: lineNo,
      endLine: lineNo,
      fields: [tag, value],
      closed: false,
      rawHash: '',
      rawStartText: textId,
      rawStart: lineStart,
      rawEndText: textId,
      rawEnd: end,
    };
    this.lastFields = this.current.fields;
  }

  private flush(): void {
    if (this.pending && this.onEntry) this.onEntry(this.pending);
    this.pending = undefined;
  }

  private finish(open: OpenEntry): void {
    const entry: RisEntry = { startLine: open.startLine, endLine: open.endLine, fields: open.fields, closed: open.closed, rawHash: this.hashRaw ? this.hashOf(open) : '' };
    if (this.onEntry) {
      this.flush();
      this.pending = entry;
    } else this.entries.push(entry);
  }

  private hashOf(open: OpenEntry): string {
    const first = open.rawStartText - this.textBase;
    const last = open.rawEndText - this.textBase;
    let raw: string;
    if (first === last) raw = this.texts[first].slice(open.rawStart, open.rawEnd);
    else {
      raw = this.texts[first].slice(open.rawStart);
      for (let i = first + 1; i < last; i++) raw += this.texts[i];
      raw += this.texts[last].slice(0, open.rawEnd);
    }
    return rawHash(raw.indexOf('\r') === -1 ? raw : raw.replace(/\r\n?/g, '\n'));
  }

  private closeWithoutEr(at: number, why: string): void {
    const current = this.current;
    if (!current) return;
    this.warnings.push({ file: this.file, line: at, message: `record starting at line ${current.startLine} has no ER${why}; kept` });
    this.finish(current);
    this.current = undefined;
  }
}

/**
 * Index just after the first line end in text from `from` (LF, CRLF, or a lone CR followed by
 * something), or -1 when the text holds no complete line end (a final CR may be half a CRLF).
 */
function firstLineEnd(text: string, from: number): number {
  const lf = text.indexOf('\n', from);
  const cr = text.indexOf('\r', from);
  if (cr !== -1 && (lf === -1 || cr < lf - 1)) return cr < text.length - 1 ? cr + 1 : -1;
  return lf === -1 ? -1 : lf + 1;
}

/**
 * Tokenize a whole RIS text. `text` may have LF, CRLF or CR line ends; a leading BOM is ignored.
 * With `onEntry`, entries are handed over as they complete instead of being returned.
 */
export function tokenizeRis(text: string, file: string, onEntry?: (entry: RisEntry) => void): RisTokens {
  const tokenizer = new RisTokenizer(file, onEntry);
  tokenizer.push(text);
  return tokenizer.end();
}
