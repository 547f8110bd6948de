/**
 * Pieces shared by the line-tagged readers (MEDLINE .nbib, Ovid tagged) and the PubMed XML reader:
 * the syntax-level entry shape, page ranges, and PubMed publication types. Pure functions, no IO.
 */
import type { DocType } from '../model/record.js';
import { docTypeFromString, nonEmpty, splitPages } from './normalize-fields.js';

/** One tag occurrence: the tag as written, its value with continuation lines joined, and its line. */
export interface TaggedField {
  tag: string;
  value: string;
  line: number;
}

/** One record at the syntax level: where it starts, its fields in file order, its raw text (LF). */
export interface TaggedEntry {
  line: number;
  fields: TaggedField[];
  rawText: string;
}

/** Every tag with its values in file order; unknown tags survive. */
export function rawFromFields(fields: readonly TaggedField[]): Record<string, string[]> {
  // Keys come from the file (a column or tag may be called __proto__ or constructor): no prototype.
  const raw: Record<string, string[]> = Object.create(null);
  for (const f of fields) (raw[f.tag] ??= []).push(f.value);
  return raw;
}

/**
 * The text with CRLF/CR turned into LF and a BOM dropped where it starts the text or a line: what
 * raw hashes are taken of and what `eachLine` walks. A BOM at the start of a line in the middle is
 * where a second export was appended to the first (`cat a.nbib b.nbib`); left in, it would hide
 * that line's tag. Dropping it changes no line number.
 */
export function lfText(text: string): string {
  let s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (s.indexOf('\r') !== -1) s = s.replace(/\r\n?/g, '\n');
  return s.indexOf('\uFEFF') === -1 ? s : s.replace(/\n\uFEFF+/g, '\n');
}

/**
 * Calls `fn(line, index, start, end)` for each line of an LF text (index 0-based; start/end are
 * offsets, end excluding the newline). No array of lines is built: exports run to 100 MB.
 */
export function eachLine(lf: string, fn: (line: string, index: number, start: number, end: number) => void): void {
  let start = 0;
  let index = 0;
  while (start <= lf.length) {
    let end = lf.indexOf('\n', start);
    if (end === -1) end = lf.length;
    fn(lf.slice(start, end), index, start, end);
    index++;
    start = end + 1;
  }
}

/**
 * MEDLINE-style page ranges: "1256-74" → 1256/1274 (the end page abbreviated to its changed
 * digits), "e0815" → e0815, "123-4; author reply 125-6" → 123/124 (only the first range).
 */
export function expandPageRange(value: string | undefined): { startPage?: string; endPage?: string } {
  const s = nonEmpty(value);
  if (!s) return {};
  const first = s.split(/[;,]/)[0].trim();
  // One rule for ranges in every reader (normalize-fields.ts): "1256-74" → 1256/1274.
  return first === '' ? {} : splitPages(first);
}

/** When a record lists several type strings, the most telling wins (an erratum of a review is an erratum). */
const TYPE_PRIORITY: DocType[] = [
  'erratum',
  'editorial',
  'review',
  'thesis',
  'conference',
  'report',
  'chapter',
  'book',
  'journal-article',
  'other',
];

export function mostSpecificType(types: readonly (DocType | undefined)[], fallback: DocType): DocType {
  let best = -1;
  for (const t of types) {
    if (!t) continue;
    const i = TYPE_PRIORITY.indexOf(t);
    if (best === -1 || i < best) best = i;
  }
  return best === -1 ? fallback : TYPE_PRIORITY[best];
}

/**
 * PubMed publication types (nbib PT, XML PublicationType) whose generic reading would mislead:
 * "Case Reports" are journal articles, not reports; "English Abstract" says the abstract is
 * translated, not that it is a conference abstract. `null` = says nothing about the type.
 */
const PUBMED_TYPE_OVERRIDES: Record<string, DocType | null> = {
  'case reports': 'journal-article',
  'english abstract': null,
  'journal article': 'journal-article',
  'journal articles': 'journal-article',
  'retracted publication': 'journal-article',
  'corrected and republished article': 'journal-article',
  'news': 'editorial',
  'interview': 'editorial',
  'biography': 'other',
  'preprint': 'journal-article',
  'dataset': 'other',
  'video-audio media': 'other',
  'patient education handout': 'other',
  'practice guideline': 'report',
  'guideline': 'report',
  'patent': 'other',
};

export function pubmedPublicationType(value: string): DocType | undefined {
  const key = value.trim().replace(/\.$/, '').toLowerCase();
  if (/\bcase reports?\b|peer[- ]reviewed/.test(key)) return 'journal-article';
  if (key.startsWith('reports -') || key.startsWith('reports-')) return undefined;
  if (key === 'information analyses') return 'review';
  if (key in PUBMED_TYPE_OVERRIDES) return PUBMED_TYPE_OVERRIDES[key] ?? undefined;
  return docTypeFromString(value);
}
