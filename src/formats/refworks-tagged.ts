/**
 * RefWorks tagged export: records open with `RT Journal Article`, each line is a two-to-five
 * character tag, a space and the value (`A1 Brennan,Timothy`, `PMID 123`), records are separated by
 * blank lines. A value continues on following lines that do not start with a known tag. RefWorks may
 * write a legend header ("Refworks Export Tagged Format" ... "BEGIN EXPORTED REFERENCES") first.
 */
import { RawFields, type DocType, type ParseResult, type ParsedRecord, type Warning } from '../model/record.js';
import {
  cleanDoi,
  cleanText,
  docTypeFromString,
  extractYear,
  findDoiInText,
  nonEmpty,
  rawHash,
  splitKeywords,
  splitPages,
  authorsFromValues,
  noTitleWarning,
  tidyRecord,
} from './normalize-fields.js';
import { eachLine, lfText, type TaggedEntry, type TaggedField, rawFromFields } from './tagged-common.js';
import type { FormatReader } from './types.js';

const TAG_LINE = /^([A-Z][A-Z0-9]{1,4})(?: ([^]*))?$/;

/** The tags of RefWorks' own legend. Continuation lines are not indented, so only these start a field. */
const KNOWN_TAGS = new Set(
  (
    'RT SR ID A1 A2 A3 A4 A5 A6 T1 T2 T3 JF JO YR FD VO IS SP OP K1 AB NO ED PB PP SN AV AD AN LA CL SF OT LK DO CN DB DS ' +
    'IP RD ST UL SL LL CR WT WV WP OL PMID PMCID'
  ).split(' '),
);
const isKnownTag = (tag: string) => KNOWN_TAGS.has(tag) || /^U\d{1,2}$/.test(tag);

const SNIFF_HEAD = 4096;

/** An `RT type` line with `SR`, `A1` or `T1` lines in the head, or RefWorks' own legend header. */
export function sniffRefworksTagged(text: string): boolean {
  const head = lfText(text.length > SNIFF_HEAD ? text.slice(0, SNIFF_HEAD) : text);
  if (/^\s*RefWorks Export Tagged Format/i.test(head)) return true;
  return /^RT \S/m.test(head) && /^(?:SR|A1|T1) \S/m.test(head);
}

/** Syntax only: records from `RT` to the next blank line, with their start lines. */
export function tokenizeRefworksTagged(text: string, file: string): { entries: TaggedEntry[]; warnings: Warning[] } {
  const lf = lfText(text);
  const entries: TaggedEntry[] = [];
  const warnings: Warning[] = [];
  let fields: TaggedField[] = [];
  let inRecord = false;
  let startLine = 0;
  let startOffset = 0;
  let lastEnd = 0;
  // RefWorks' legend lists "RT=Reference Type" etc.; it ends at "BEGIN EXPORTED REFERENCES".
  let inLegend = /^\s*RefWorks Export Tagged Format/i.test(lf);

  const close = () => {
    if (fields.length > 0) entries.push({ line: startLine, fields, rawText: lf.slice(startOffset, lastEnd) });
    fields = [];
    inRecord = false;
  };
  const open = (i: number, offset: number) => {
    close();
    inRecord = true;
    startLine = i + 1;
    startOffset = offset;
  };

  eachLine(lf, (line, i, lineStart, lineEnd) => {
    if (inLegend) {
      if (/^\s*BEGIN EXPORTED REFERENCES\s*$/i.test(line)) {
        inLegend = false;
        return;
      }
      if (!/^RT \S/.test(line)) return;
      inLegend = false; // a legend without its closing line
    }
    if (line.trim() === '') {
      close();
      return;
    }
    const m = TAG_LINE.exec(line.trimEnd());
    const tag = m && isKnownTag(m[1]) ? m[1] : undefined;
    if (tag === 'RT') {
      if (inRecord) {
        warnings.push({ file, line: i + 1, message: 'record not separated from the one above by a blank line; read as a new record' });
      }
      open(i, lineStart);
    }
    else if (!inRecord) {
      if (!tag) {
        warnings.push({ file, line: i + 1, message: `text outside a record ("${line.trim().slice(0, 40)}"); skipped` });
        return;
      }
      warnings.push({ file, line: i + 1, message: `record starts with ${tag}, not RT; read as a new record` });
      open(i, lineStart);
    }
    if (tag && m) {
      fields.push({ tag, value: (m[2] ?? '').trim(), line: i + 1 });
    } else {
      const f = fields[fields.length - 1];
      f.value = f.value === '' ? line.trim() : `${f.value}\n${line.trim()}`;
    }
    lastEnd = lineEnd;
  });
  close();
  return { entries, warnings };
}

/** RefWorks reference types (RT) → DocType; others fall back to docTypeFromString. */
const RT_TYPES: Record<string, DocType> = {
  'journal article': 'journal-article',
  'journal, electronic': 'journal-article',
  'magazine article': 'journal-article',
  'newspaper article': 'journal-article',
  'book, section': 'chapter',
  'book, whole': 'book',
  'book, edited': 'book',
  'dissertation/thesis': 'thesis',
  'dissertation/thesis, unpublished': 'thesis',
  dissertation: 'thesis',
  'conference proceedings': 'conference',
  abstract: 'conference',
  report: 'report',
  'grant': 'other',
  'web page': 'other',
  generic: 'other',
};


export function refworksEntryToRecord(entry: TaggedEntry, file: string, warnings: Warning[]): ParsedRecord {
  const raw = rawFromFields(entry.fields);
  const first = (...tags: string[]): string | undefined => {
    for (const t of tags) for (const v of raw[t] ?? []) if (v.trim() !== '') return v;
    return undefined;
  };

  const title = cleanText(first('T1')) ?? '';
  if (title === '') {
    warnings.push(noTitleWarning(file, entry.line));
  }

  const rt = nonEmpty(first('RT'));
  const type: DocType = (rt && (RT_TYPES[rt.toLowerCase()] ?? docTypeFromString(rt))) || 'other';

  let authors = authorsFromValues(raw.A1 ?? []);
  if (authors.length === 0) authors = authorsFromValues(raw.A2 ?? []);

  // SP may hold the whole range; OP is then something else.
  const sp = splitPages(first('SP'));
  const pages = sp.endPage ? sp : { startPage: sp.startPage, endPage: sp.startPage ? nonEmpty(first('OP')) : undefined };

  let doi = cleanDoi(first('DO'));
  if (!doi) for (const v of raw.NO ?? []) if (/\bdoi\b/i.test(v) && (doi = findDoiInText(v))) break;
  if (!doi) for (const v of [...(raw.UL ?? []), ...(raw.LK ?? [])]) if ((doi = findDoiInText(v))) break;

  const keywords: string[] = [];
  // Loops, not push(...): a hostile keyword field may split into more values than a call takes arguments.
  for (const v of raw.K1 ?? []) for (const k of splitKeywords(v)) keywords.push(k);

  const journal = type === 'book' || type === 'chapter' ? undefined : (nonEmpty(first('JF')) ?? nonEmpty(first('JO')));

  return tidyRecord({
    source: { file, line: entry.line },
    type,
    rawType: rt,
    title,
    authors,
    year: extractYear(first('YR')) ?? extractYear(first('FD')),
    journal,
    volume: nonEmpty(first('VO')),
    issue: nonEmpty(first('IS')),
    ...pages,
    doi,
    abstract: cleanText(first('AB')),
    keywords,
    language: nonEmpty(first('LA')),
    accession: nonEmpty(first('AN')),
    exportDatabase: nonEmpty(first('DB')),
    url: nonEmpty(first('UL')) ?? nonEmpty(first('LK')),
    raw: RawFields.fromObject(raw),
    rawHash: rawHash(entry.rawText),
  });
}

export function parseRefworksTagged(text: string, file: string): ParseResult {
  const { entries, warnings } = tokenizeRefworksTagged(text, file);
  const records = entries.map((e) => refworksEntryToRecord(e, file, warnings));
  warnings.sort((a, b) => a.line - b.line);
  return { format: 'refworks', dialect: 'refworks', records, warnings };
}

export const refworksTaggedReader: FormatReader = {
  name: 'refworks',
  sniff: sniffRefworksTagged,
  parse: parseRefworksTagged,
};
