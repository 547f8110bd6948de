/**
 * EndNote tagged / refer / BibIX export (.enw, .txt): `%0 Journal Article`, `%T title`, one `%A` per
 * author; a tag is `%` plus one character, then a space. Records are separated by blank lines; a
 * value continues on following lines that do not start with `%`. Not every writer opens a record
 * with `%0` (AIS eLibrary puts `%T` first; library catalogues leave it out).
 */
import { RawFields, type DocType, type ParseResult, type ParsedRecord, type Warning } from '../model/record.js';
import {
  cleanDoi,
  cleanText,
  combineDocType,
  docTypeFromString,
  extractYear,
  findDoiInText,
  nonEmpty,
  rawHash,
  splitKeywords,
  authorsFromValues,
  noTitleWarning,
  tidyRecord,
} from './normalize-fields.js';
import { eachLine, expandPageRange, lfText, type TaggedEntry, type TaggedField, rawFromFields } from './tagged-common.js';
import type { FormatReader } from './types.js';

/** `%A Webber, Martin`, `%0` (empty), `%@ 1008-0821`. `%%` and `% ` (TeX/MATLAB comments) are not tags. */
const TAG_LINE = /^%([^\s%])(?: ([^]*))?$/;

const SNIFF_HEAD = 4096;

/**
 * The first non-blank line is a refer tag (`%0` may stand alone), and a core tag (%0 type, %A author,
 * %T title, %E editor ...) occurs early.
 */
export function sniffRefer(text: string): boolean {
  const head = lfText(text.length > SNIFF_HEAD ? text.slice(0, SNIFF_HEAD) : text);
  const firstLine = /^\s*(\S[^\n]*)/.exec(head)?.[1] ?? '';
  if (!/^%[^\s%](?: \S|\s*$)/.test(firstLine)) return false;
  return /^%[0ATEJBDKX] \S/m.test(head);
}

/** Syntax only: blank-line-separated blocks of `%x` lines → entries with their start lines. */
export function tokenizeRefer(text: string, file: string): { entries: TaggedEntry[]; warnings: Warning[] } {
  const lf = lfText(text);
  const entries: TaggedEntry[] = [];
  const warnings: Warning[] = [];
  let fields: TaggedField[] = [];
  let startLine = 0;
  let startOffset = 0;
  let lastEnd = 0;
  let hasType = false;
  let hasTitle = false;

  const close = () => {
    if (fields.length > 0) entries.push({ line: startLine, fields, rawText: lf.slice(startOffset, lastEnd) });
    fields = [];
    hasType = false;
    hasTitle = false;
  };

  eachLine(lf, (line, i, lineStart, lineEnd) => {
    if (line.trim() === '') {
      close();
      return;
    }
    const m = TAG_LINE.exec(line.trimEnd());
    if (!m) {
      const f = fields[fields.length - 1];
      if (!f) {
        warnings.push({ file, line: i + 1, message: `text outside a record ("${line.trim().slice(0, 40)}"); skipped` });
        return;
      }
      f.value = f.value === '' ? line.trim() : `${f.value}\n${line.trim()}`;
      lastEnd = lineEnd;
      return;
    }
    const tag = `%${m[1]}`;
    // A second complete record run on without a blank line: its `%0` opens it.
    if (tag === '%0' && hasType && hasTitle) {
      warnings.push({ file, line: i + 1, message: 'record not separated from the one above by a blank line; read as a new record' });
      close();
    }
    if (fields.length === 0) {
      startLine = i + 1;
      startOffset = lineStart;
    }
    if (tag === '%0') hasType = true;
    if (tag === '%T') hasTitle = true;
    fields.push({ tag, value: (m[2] ?? '').trim(), line: i + 1 });
    lastEnd = lineEnd;
  });
  close();
  return { entries, warnings };
}

/** EndNote reference types (%0) whose pattern reading would mislead. */
const REFER_TYPES: Record<string, DocType> = {
  'journal article': 'journal-article',
  'electronic article': 'journal-article',
  'magazine article': 'journal-article',
  'newspaper article': 'journal-article',
  'book section': 'chapter',
  'electronic book section': 'chapter',
  'edited book': 'book',
  'electronic book': 'book',
  book: 'book',
  'conference proceedings': 'conference',
  'conference paper': 'conference',
  thesis: 'thesis',
  report: 'report',
  'government document': 'report',
  generic: 'other',
  audio: 'other',
  'audiovisual material': 'other',
  'film or broadcast': 'other',
  'web page': 'other',
  'computer program': 'other',
  dataset: 'other',
};

function referDocType(value: string | undefined): DocType | undefined {
  const s = nonEmpty(value);
  if (!s) return undefined;
  return REFER_TYPES[s.toLowerCase()] ?? docTypeFromString(s);
}


export function referEntryToRecord(entry: TaggedEntry, file: string, warnings: Warning[]): ParsedRecord {
  const raw = rawFromFields(entry.fields);
  const first = (...tags: string[]): string | undefined => {
    for (const t of tags) for (const v of raw[t] ?? []) if (v.trim() !== '') return v;
    return undefined;
  };

  const title = cleanText(first('%T')) ?? '';
  if (title === '') {
    warnings.push(noTitleWarning(file, entry.line));
  }

  // Several %0 lines (Zotero's BibIX sample): the first one that names a type we know.
  const typeValues = (raw['%0'] ?? []).map((v) => v.trim()).filter((v) => v !== '');
  let base = typeValues.map(referDocType).find((t) => t !== undefined);
  if (!base) {
    if (first('%J')) base = 'journal-article';
    else if (first('%B')) base = docTypeFromString(first('%B')) === 'conference' ? 'conference' : 'journal-article';
    else if (first('%I')) base = 'book';
  }
  // %9 "Type of Work" ("Review", "Ph.D. thesis", "Journal Article; Review") refines the reference type.
  const workTypes = (raw['%9'] ?? []).flatMap((v) => v.split(';')).map(referDocType);
  let type: DocType = base ?? 'other';
  for (const t of workTypes) type = combineDocType(type, t);

  // Decided on the reference type, not on %9: a "Review" book section is still in a book.
  const isBook = base === 'book';
  // %B is the journal for AIS eLibrary and some catalogue exports; for a chapter it is the book.
  const journal = nonEmpty(first('%J')) ?? (base === 'chapter' || isBook ? undefined : nonEmpty(first('%B')));

  let doi: string | undefined;
  for (const v of raw['%R'] ?? []) if ((doi = cleanDoi(v))) break;
  if (!doi) for (const v of [...(raw['%U'] ?? []), ...(raw['%O'] ?? [])]) if ((doi = findDoiInText(v))) break;

  const keywords: string[] = [];
  // Loops, not push(...): a hostile keyword field may split into more values than a call takes arguments.
  for (const v of raw['%K'] ?? []) for (const k of splitKeywords(v)) keywords.push(k);

  let authors = authorsFromValues(raw['%A'] ?? []);
  if (authors.length === 0) authors = authorsFromValues(raw['%E'] ?? []);

  const abstractParts = (raw['%X'] ?? []).filter((s) => s.trim() !== '');

  return tidyRecord({
    source: { file, line: entry.line },
    type,
    rawType: typeValues.length > 0 ? typeValues.join('; ') : undefined,
    title,
    authors,
    year: extractYear(first('%D')) ?? extractYear(first('%8')),
    journal,
    volume: nonEmpty(first('%V')),
    issue: nonEmpty(first('%N')),
    // A book's %P is its page count ("173 s.", "XX, 327").
    ...(isBook ? {} : expandPageRange(first('%P'))),
    doi,
    abstract: cleanText(abstractParts.join('\n')),
    keywords,
    language: nonEmpty(first('%G')),
    accession: nonEmpty(first('%M')),
    exportDatabase: nonEmpty(first('%~')) ?? nonEmpty(first('%W')),
    url: nonEmpty(first('%U')),
    raw: RawFields.fromObject(raw),
    rawHash: rawHash(entry.rawText),
  });
}

export function parseRefer(text: string, file: string): ParseResult {
  const { entries, warnings } = tokenizeRefer(text, file);
  const records = entries.map((e) => referEntryToRecord(e, file, warnings));
  warnings.sort((a, b) => a.line - b.line);
  const dialect = records.some((r) => r.raw.has('%0')) ? 'endnote-tagged' : 'refer';
  return { format: 'refer', dialect, records, warnings };
}

export const referReader: FormatReader = {
  name: 'refer',
  sniff: sniffRefer,
  parse: parseRefer,
};
