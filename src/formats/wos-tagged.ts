/**
 * Web of Science "plain text" / "Other file format" export (also the .ciw/.isi files of the old ISI
 * export and of WoS-hosted databases: MEDLINE, BIOSIS, CABI, Inspec, Derwent).
 * Syntax: a `FN …` / `VR 1.0` header, records from `PT x` to `ER`, the file closed by `EF`; a tag is
 * two characters followed by a space, continuation lines are indented by three spaces. A continuation
 * of AU/AF/CR/C1/EM is the next item of a list; of any other tag, the wrapped rest of the value.
 */
import { RawFields, type Author, type DocType, type ParseResult, type ParsedRecord, type Warning } from '../model/record.js';
import {
  cleanDoi,
  cleanText,
  docTypeFromString,
  extractYear,
  nonEmpty,
  rawHash,
  splitKeywords,
  authorsFromValues,
  noTitleWarning,
  tidyRecord,
} from './normalize-fields.js';
import { eachLine, expandPageRange, lfText, mostSpecificType, type TaggedEntry, type TaggedField } from './tagged-common.js';
import type { FormatReader } from './types.js';

/** `TI Title`, `ER`, `AB ` (empty value, text on the indented lines below). */
const TAG_LINE = /^([A-Z][A-Z0-9])(?: ([^]*))?$/;

/**
 * Tags WoS and its hosted databases write. Only consulted for files whose continuation lines are
 * not indented (Zotero's BIOSIS sample): there an unknown "UK " at a line start is wrapped text.
 */
const KNOWN_TAGS = new Set(
  (
    'FN VR PT AU AF BA BF CA GP BE TI SO SE BS LA DT CT CY CL SP HO DE ID AB C1 C3 RP EM RI OI FU FP FX CR NR TC Z9 U1 U2 PU PI PA ' +
    'SN EI BN J9 JI PD PY VL IS PN SU SI MA BP EP AR DI DL D2 EA PG WC WE SC GA PM OA HC HP DA UT ER EF ' +
    'PS AN MC CC MQ BD OR PL PC AE DG TY BR KP IP ED NO AS GS TA FS'
  ).split(' '),
);

/** Tags whose continuation lines are separate items (one author, one address, one reference per line). */
const LIST_TAGS = new Set(['AU', 'AF', 'BA', 'BF', 'BE', 'CA', 'GP', 'C1', 'C3', 'CR', 'EM', 'RI', 'OI', 'FU']);

const SNIFF_HEAD = 4096;

/**
 * A WoS header on the first line (`FN Clarivate Analytics Web of Science`, `FN ISI Export Format`),
 * or, for a file cut without its header, a `PT J` line, an `ER` line and a WoS title/author tag.
 */
export function sniffWosTagged(text: string): boolean {
  const head = lfText(text.length > SNIFF_HEAD ? text.slice(0, SNIFF_HEAD) : text);
  if (/^\s*FN \S/.test(head)) return true;
  return /^PT [A-Z]\s*$/m.test(head) && /^ER\s*$/m.test(head) && /^(?:AU|TI|SO|UT) \S/m.test(head);
}

interface WosField extends TaggedField {
  /** The value's physical lines, trimmed: list items for LIST_TAGS, wrapped text otherwise. */
  lines: string[];
}

interface WosEntry extends TaggedEntry {
  fields: WosField[];
}

/** Syntax only: lines → entries (each from its PT line to its ER line) with their start lines. */
export function tokenizeWosTagged(text: string, file: string): { entries: WosEntry[]; warnings: Warning[] } {
  const lf = lfText(text);
  const entries: WosEntry[] = [];
  const warnings: Warning[] = [];
  let fields: WosField[] | undefined; // undefined: between records
  let startLine = 0;
  let startOffset = 0;
  let lastEnd = 0;
  let unindented = false; // the record has wrapped lines at column 0

  const close = () => {
    if (fields && fields.length > 0) entries.push({ line: startLine, fields, rawText: lf.slice(startOffset, lastEnd) });
    fields = undefined;
    unindented = false;
  };
  const open = (i: number, offset: number) => {
    fields = [];
    startLine = i + 1;
    startOffset = offset;
  };

  eachLine(lf, (line, i, lineStart, lineEnd) => {
    if (line.trim() === '') return;
    const indented = line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9;
    const m = indented ? null : TAG_LINE.exec(line.trimEnd());
    const isTag = m !== null && (KNOWN_TAGS.has(m[1]) || !unindented);

    if (!fields) {
      if (!isTag) {
        warnings.push({ file, line: i + 1, message: `text outside a record ("${line.trim().slice(0, 40)}"); skipped` });
        return;
      }
      const tag = m[1];
      if (tag === 'FN' || tag === 'VR' || tag === 'EF') return;
      if (tag === 'ER') {
        warnings.push({ file, line: i + 1, message: 'ER without a record before it; skipped' });
        return;
      }
      if (tag !== 'PT') warnings.push({ file, line: i + 1, message: `record starts with ${tag}, not PT; read as a new record` });
      open(i, lineStart);
    }
    const current = fields as WosField[];

    if (isTag) {
      const tag = m[1];
      if (tag === 'ER') {
        lastEnd = lineEnd;
        close();
        return;
      }
      if (tag === 'EF' || (tag === 'PT' && current.length > 0)) {
        warnings.push({ file, line: startLine, message: `record starting at line ${startLine} has no ER line; kept` });
        close();
        if (tag === 'EF') return;
        open(i, lineStart);
      }
      const value = (m[2] ?? '').trim();
      (fields as WosField[]).push({ tag, value, line: i + 1, lines: value === '' ? [] : [value] });
      lastEnd = lineEnd;
      return;
    }

    // A continuation line: indented as WoS writes it, or at column 0 in some hosted-database exports.
    if (!indented) unindented = true;
    const f = current[current.length - 1];
    if (!f) {
      warnings.push({ file, line: i + 1, message: 'continuation line before any tag; skipped' });
      return;
    }
    f.lines.push(line.trim());
    lastEnd = lineEnd;
  });
  if (fields && (fields as WosField[]).length > 0) {
    warnings.push({ file, line: startLine, message: `record starting at line ${startLine} has no ER line before the end of the file; kept` });
  }
  close();
  for (const e of entries) {
    for (const f of e.fields) f.value = LIST_TAGS.has(f.tag) ? f.lines.join('\n') : f.lines.join(' ');
  }
  return { entries, warnings };
}

/** WoS document types whose generic reading would mislead ("Film Review" is not a literature review). */
const WOS_TYPE_OVERRIDES: Record<string, DocType | null> = {
  article: 'journal-article',
  'early access': null,
  'news item': 'editorial',
  'biographical-item': 'other',
  'item about an individual': 'other',
  reprint: 'journal-article',
  'data paper': 'journal-article',
  'retracted publication': 'journal-article',
  'book chapter': 'chapter',
  'abstract only': null,
  'journal paper': 'journal-article',
  'conference paper': 'conference',
  discussion: 'editorial',
  bibliography: 'other',
  poetry: 'other',
  'fiction, creative prose': 'other',
  patent: 'other',
  chronology: 'other',
};

function wosDocType(value: string): DocType | undefined {
  const key = value.trim().toLowerCase();
  if (key in WOS_TYPE_OVERRIDES) return WOS_TYPE_OVERRIDES[key] ?? undefined;
  // Reviews of films, exhibitions, software ... are commentary.
  if (/\breview\b/.test(key) && key !== 'review' && !/meta|systematic|literature/.test(key)) return 'editorial';
  return docTypeFromString(value);
}

/** PT: J journal, B book, S book series (indexed like a journal), P patent. */
const PT_TYPES: Record<string, DocType> = { J: 'journal-article', S: 'journal-article', B: 'book', P: 'other', C: 'conference' };

/** "Medvedeff, Cassandra A. (medvedeff22@ufl.edu)" → the name without the e-mail. */
const withoutEmail = (name: string) => name.replace(/\s*\([^)]*@[^)]*\)\s*$/, '');
const authorsFrom = (values: readonly string[]): Author[] => authorsFromValues(values, /[\n;]/, withoutEmail);

export function wosEntryToRecord(entry: WosEntry, file: string, warnings: Warning[]): ParsedRecord {
  // Keys come from the file (a column or tag may be called __proto__ or constructor): no prototype.
  const raw: Record<string, string[]> = Object.create(null);
  for (const f of entry.fields) {
    const values = LIST_TAGS.has(f.tag) ? f.lines : [f.value];
    (raw[f.tag] ??= []).push(...(values.length > 0 ? values : ['']));
  }
  const first = (...tags: string[]): string | undefined => {
    for (const t of tags) for (const v of raw[t] ?? []) if (v.trim() !== '') return v;
    return undefined;
  };

  const title = cleanText(first('TI')) ?? '';
  if (title === '') {
    warnings.push(noTitleWarning(file, entry.line));
  }

  // AF (full names) beats AU ("Webber, M"); books list BF/BA; group authors (CA) come last.
  let authors = authorsFrom(raw.AF ?? raw.AU ?? []);
  if (authors.length === 0) authors = authorsFrom(raw.BF ?? raw.BA ?? []);
  for (const g of raw.CA ?? []) if (g.trim() !== '') authors.push({ family: g.trim(), given: '' });
  if (authors.length === 0) authors = authorsFrom(raw.BE ?? []);

  const dtParts = (raw.DT ?? []).flatMap((v) => v.split(';')).filter((v) => v.trim() !== '' && v.trim() !== '-');
  const vendorType = dtParts.length > 0 ? mostSpecificType(dtParts.map(wosDocType), 'other') : undefined;
  const ptCode = nonEmpty(first('PT'))?.toUpperCase() ?? '';
  const baseType = PT_TYPES[ptCode] ?? 'other';
  const type = vendorType && vendorType !== 'other' ? vendorType : baseType;

  const keywords: string[] = [];
  // Loops, not push(...): a hostile keyword field may split into more values than a call takes arguments.
  for (const tag of ['DE', 'ID']) for (const v of raw[tag] ?? []) for (const k of splitKeywords(v)) keywords.push(k);

  let pages: { startPage?: string; endPage?: string } = {};
  const bp = nonEmpty(first('BP'));
  if (bp) pages = { startPage: bp, endPage: nonEmpty(first('EP')) };
  else if (first('PS')) pages = expandPageRange(first('PS'));
  else if (first('AR')) pages = { startPage: nonEmpty(first('AR')?.replace(/^UNSP\s+/, '')) };

  const accession = nonEmpty(first('UT'));
  const database = accession && /^([A-Z][A-Z0-9]*):/.exec(accession)?.[1];
  const journal = type === 'book' ? undefined : nonEmpty(first('SO'));

  return tidyRecord({
    source: { file, line: entry.line },
    type,
    rawType: dtParts.length > 0 ? dtParts.map((s) => s.trim()).join('; ') : nonEmpty(first('PT')),
    title,
    authors,
    year: extractYear(first('PY')) ?? extractYear(first('PD')) ?? extractYear(first('EA')),
    journal,
    volume: nonEmpty(first('VL')),
    issue: nonEmpty(first('IS')),
    ...pages,
    doi: cleanDoi(first('DI')),
    abstract: cleanText(first('AB')),
    keywords,
    language: nonEmpty(first('LA')),
    accession,
    exportDatabase: database || undefined,
    url: undefined,
    raw: RawFields.fromObject(raw),
    rawHash: rawHash(entry.rawText),
  });
}

export function parseWosTagged(text: string, file: string): ParseResult {
  const { entries, warnings } = tokenizeWosTagged(text, file);
  const records = entries.map((e) => wosEntryToRecord(e, file, warnings));
  warnings.sort((a, b) => a.line - b.line);
  return { format: 'wos', dialect: 'wos', records, warnings };
}

export const wosTaggedReader: FormatReader = {
  name: 'wos',
  sniff: sniffWosTagged,
  parse: parseWosTagged,
};
