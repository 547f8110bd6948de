/**
 * Ovid's own export layouts (not Ovid's RIS): records open with a marker line `<12. >` / `<8>` and
 * carry either short tags (`TI  - value`, continuation lines indented) or, in the "display" layout,
 * long labels on their own line (`Title`) followed by indented value lines. Embase, MEDLINE,
 * PsycINFO, Journals@Ovid, Books@Ovid, BIOSIS and Zoological Record all write these.
 */
import { RawFields, type Author, type DocType, type ParseResult, type ParsedRecord, type Warning } from '../model/record.js';
import {
  cleanDoi,
  cleanText,
  findDoiInText,
  nonEmpty,
  parseAuthorName,
  rawHash,
  splitKeywords,
  noTitleWarning,
  tidyRecord,
} from './normalize-fields.js';
import {
  expandPageRange,
  mostSpecificType,
  pubmedPublicationType,
  eachLine,
  lfText,
  type TaggedEntry,
  type TaggedField,
} from './tagged-common.js';
import type { FormatReader } from './types.js';

/** `<1. >`, `<3001. >`, `<8>`, ` <7. >` (some exports indent every line by one space). */
const MARKER = /^\s*<\s*\d+\s*\.?\s*>\s*$/;
const MARKER_ANYWHERE = /^[ \t]*<[ \t]*\d+[ \t]*\.?[ \t]*>[ \t]*$/m;
/** `TI  - x`, `VN - x` (PsycINFO via some proxies), `SCORE  - *****` (Books@Ovid), one leading space allowed. */
const SHORT_TAG = /^ ?([A-Z][A-Za-z0-9]{1,5}) {1,2}-(?: ([^]*)|)$/;

/** The display layout's labels → the short tag that means the same. */
const LONG_LABELS: Record<string, string> = {
  'accession number': 'AN',
  'unique identifier': 'UI',
  title: 'TI',
  'chapter title': 'CT',
  'book title': 'BT',
  author: 'AU',
  authors: 'AU',
  editor: 'ED',
  editors: 'ED',
  source: 'SO',
  'journal name': 'JN',
  volume: 'VO',
  issue: 'IP',
  'issue/part': 'IP',
  page: 'PG',
  pages: 'PG',
  'year of publication': 'YR',
  'publication year': 'YR',
  'date of publication': 'DP',
  abstract: 'AB',
  'author keywords': 'KW',
  keywords: 'KW',
  'keyword heading': 'KW',
  'subject headings': 'MH',
  'mesh subject headings': 'MH',
  language: 'LG',
  'document type': 'DT',
  'publication type': 'PT',
  'doi number': 'DO',
  'digital object identifier': 'DO',
  doi: 'DO',
  issn: 'IS',
  isbn: 'IB',
  database: 'DB',
  institution: 'IN',
  publisher: 'PB',
  url: 'UR',
};

export function sniffOvidTagged(text: string): boolean {
  const head = text.length > 8192 ? text.slice(0, 8192) : text;
  const lines = lfText(head).split('\n');
  let i = 0;
  while (i < lines.length && !MARKER.test(lines[i])) i++;
  if (i === lines.length) return false;
  // The first non-blank line after the marker is a short tag or a long label followed by an indented value.
  let j = i + 1;
  while (j < lines.length && lines[j].trim() === '') j++;
  if (j >= lines.length) return false;
  if (SHORT_TAG.test(lines[j])) return !/^\s*TY {1,2}-/.test(lines[j]);
  return /^[A-Z][A-Za-z0-9 /&()-]{1,60}$/.test(lines[j].trim()) && /^\s+\S/.test(lines[j + 1] ?? '');
}

/** Syntax only: records from marker to marker, each field with its line. */
export function tokenizeOvidTagged(
  text: string,
  file: string,
): { entries: TaggedEntry[]; warnings: Warning[]; display: boolean } {
  const lf = lfText(text);
  const warnings: Warning[] = [];
  const entries: TaggedEntry[] = [];
  const hasMarkers = MARKER_ANYWHERE.test(lf);

  let fields: TaggedField[] | undefined; // undefined: outside a record (preamble)
  let startLine = 0; // 1-based; 0 = the record has no line yet
  let startOffset = 0;
  let lastEnd = 0;
  let layout: 'short' | 'long' | undefined;
  let preambleTags = 0;
  let display = false;
  let preambleLine = 0;

  const begin = (i: number, offset: number) => {
    if (startLine === 0) {
      startLine = i + 1;
      startOffset = offset;
    }
  };
  const close = () => {
    if (fields && startLine !== 0) {
      if (fields.length === 0) {
        warnings.push({ file, line: startLine, message: `record marker at line ${startLine} has no fields; kept as an empty record` });
      }
      // Never invent a record silently: Ovid marks every record with a `<n>` line. Without any
      // (the marker was lost, or the file was cut), the tagged lines are still one record, but the
      // file does not mark it, so say so on its first line.
      if (!hasMarkers) {
        warnings.push({ file, line: startLine, message: 'no <n> record marker in the file; its tagged lines are read as one record' });
      }
      entries.push({ line: startLine, fields, rawText: lf.slice(startOffset, lastEnd) });
    }
    fields = undefined;
    startLine = 0;
    layout = undefined;
  };

  if (!hasMarkers) fields = [];

  eachLine(lf, (line, i, lineStart, lineEnd) => {
    if (MARKER.test(line)) {
      close();
      fields = [];
      begin(i, lineStart);
      lastEnd = lineEnd;
      return;
    }
    if (line.trim() === '') return;
    if (!fields) {
      // Search history and headers before the first record.
      if (SHORT_TAG.test(line)) {
        preambleTags++;
        preambleLine ||= i + 1;
      }
      return;
    }
    const indented = /^\s{2,}\S/.test(line) || line[0] === '\t';
    const short = indented ? null : SHORT_TAG.exec(line);
    if (short && layout !== 'long') {
      layout = 'short';
      begin(i, lineStart);
      fields.push({ tag: short[1], value: (short[2] ?? '').trim(), line: i + 1 });
      lastEnd = lineEnd;
      return;
    }
    if (indented) {
      if (fields.length === 0) {
        warnings.push({ file, line: i + 1, message: 'indented line before any tag; skipped' });
        return;
      }
      const f = fields[fields.length - 1];
      const v = line.trim();
      f.value = f.value === '' ? v : `${f.value}\n${v}`;
      lastEnd = lineEnd;
      return;
    }
    if (layout === 'short') {
      // Ovid's EndNote/Citavi exports do not indent abstract paragraphs or grant details: the
      // line belongs to the field above.
      const f = fields[fields.length - 1];
      f.value = `${f.value}\n${line.trim()}`;
      lastEnd = lineEnd;
      return;
    }
    // Display layout: a label line; its values follow indented.
    layout = 'long';
    display = true;
    begin(i, lineStart);
    fields.push({ tag: line.trim(), value: '', line: i + 1 });
    lastEnd = lineEnd;
  });
  close();
  if (preambleTags > 0) {
    warnings.push({
      file,
      line: preambleLine,
      message: `${preambleTags} tag line(s) before the first <n> record marker were not read as a record`,
    });
  }
  return { entries, warnings, display };
}

/** Degrees and honorifics Journals@Ovid appends to names ("Peterson, James A. Ph.D., FACSM"). */
const DEGREE =
  /^(?:MD|PHD|MPH|MS|MSC|MA|BA|BS|BSC|RN|FAAN|FACSM|FACS|FACP|FRCP|FRCS|FRCPC|MBBS|DRPH|DDS|DMD|PHARMD|MSN|BSN|DNP|CNM|APRN|NP|PAC|DVM|EDD|PSYD|JD|MBA|MBCHB|FRACP|OTR|DPT|LCSW|CRNA|ATC|CSCS|MPHIL|DPHIL|MSW|MED|CCCSLP|FAHA|FACC|FESC|FAAP|PT|OT|MHS|MHSC|SCD|DSC)$/;

/** One Ovid author string → Author: drops "[Inventor]" roles, affiliation markers and degrees. */
export function parseOvidAuthor(value: string): Author | undefined {
  let s = value.replace(/\[[^\]]*\]/g, ' ').replace(/\([^)]*\)\s*$/, ' ').trim();
  s = s.replace(/(?:\s+[\d,+*†‡§#]+)+$/u, '').trim();
  const comma = s.indexOf(',');
  if (comma !== -1) {
    const family = s.slice(0, comma).trim();
    // Everything after a second comma or a semicolon is degrees ("James A. Ph.D., FACSM").
    const givenTokens = s.slice(comma + 1).split(/[,;]/)[0].trim().split(/\s+/).filter((t) => t !== '');
    while (givenTokens.length > 1 && DEGREE.test(givenTokens[givenTokens.length - 1].replace(/[.\-]/g, '').toUpperCase())) {
      givenTokens.pop();
    }
    return family === '' ? undefined : { family, given: givenTokens.join(' ') };
  }
  return parseAuthorName(s);
}

/** Names in one AU/ED value: one per line, or several joined by ";  " (two spaces) as the display layout writes them. */
function splitNames(value: string): string[] {
  return value.split(/;\s{2,}|\n/).map((s) => s.trim()).filter((s) => s !== '');
}

interface SourceParts {
  journal?: string;
  year?: number;
  volume?: string;
  issue?: string;
  startPage?: string;
  endPage?: string;
}

const PLAUSIBLE_YEAR = /(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)/g;

/**
 * The SO citation line in its common Ovid shapes:
 *   Journals@Ovid  "ACSM'S Health & Fitness Journal January/February 2010;14(1):56"
 *   Embase/BIOSIS  "Forest Ecology & Management. 201(2-3):327-334, November 15, 2004."
 *                  "PLoS ONE. 13 (5) (pp 100-110), 2018."
 *   PsycINFO       "Behavioural and Cognitive Psychotherapy. Vol.43(5), Sep 2015, pp. 623-634."
 */
export function parseOvidSource(so: string | undefined): SourceParts {
  const s = nonEmpty(so?.replace(/\s+/g, ' '));
  if (!s) return {};
  const out: SourceParts = {};
  const jov = /^(.+?)\s+(?:[A-Z][a-z]+\.?(?:\/[A-Z][a-z]+\.?)?\s+(?:\d{1,2},?\s+)?)?(\d{4});\s*([^(:;\s]+)?(?:\(([^)]*)\))?(?::\s*(\S+))?/.exec(s);
  if (jov) {
    out.journal = jov[1].replace(/[.,]$/, '');
    out.year = Number(jov[2]);
    out.volume = jov[3];
    out.issue = jov[4];
    Object.assign(out, expandPageRange(jov[5]));
    return out;
  }
  // "Journal. 201(2-3):327-334, ..." first; then "Journal of Political Studies 12, Winter 2007: 7-14."
  const dotted =
    /^(.+?)\.\s+(?:Vol\.?\s*)?(\d[\w-]*)\s*(?:\(([^)]*)\))?\s*(?::\s*([\w]+(?:\s*-\s*[\w]+)?))?/.exec(s) ??
    /^([^.]+?),?\s+(?:Vol\.?\s*)?(\d[\w-]*)\s*(?:\(([^)]*)\))?\s*(?::\s*([\w]+(?:\s*-\s*[\w]+)?))?[,.;:]/.exec(s);
  if (dotted) {
    // Embase conference abstracts: "BMC Proceedings. Conference: 2nd BEAT-PCD Conference ... Spain".
    out.journal = dotted[1].replace(/\.\s+Conference:.*$/, '');
    out.volume = dotted[2];
    out.issue = dotted[3];
    if (dotted[4]) Object.assign(out, expandPageRange(dotted[4]));
  }
  if (!out.startPage) {
    const pp = /\bpp?\.?\s+(\w+)\s*-\s*(\w+)/.exec(s) ?? /:\s*(\w+)\s*-\s*(\w+)\.?\s*$/.exec(s);
    if (pp) Object.assign(out, expandPageRange(`${pp[1]}-${pp[2]}`));
  }
  const years = s.match(PLAUSIBLE_YEAR);
  if (years) out.year = Number(years[years.length - 1]);
  return out;
}

/** Ovid appends the article type to titles: "Listening: Important to the Stuff of a Life.[Miscellaneous]". */
const TITLE_TYPE_SUFFIX = /\s*\[([A-Za-z][A-Za-z ,\-]{0,40})\]\.?\s*$/;

export function ovidEntryToRecord(entry: TaggedEntry, file: string, warnings: Warning[]): ParsedRecord {
  // Keys come from the file (a column or tag may be called __proto__ or constructor): no prototype.
  const raw: Record<string, string[]> = Object.create(null);
  const byTag: Record<string, string[]> = Object.create(null);
  for (const f of entry.fields) {
    (raw[f.tag] ??= []).push(f.value);
    const canonical = LONG_LABELS[f.tag.toLowerCase()] ?? f.tag;
    (byTag[canonical] ??= []).push(f.value);
  }
  const first = (...tags: string[]): string | undefined => {
    for (const t of tags) for (const v of byTag[t] ?? []) if (v.trim() !== '') return v;
    return undefined;
  };

  let title = cleanText(first('TI')) ?? cleanText(first('CT')) ?? '';
  let titleTypeHint: DocType | undefined;
  const suffix = TITLE_TYPE_SUFFIX.exec(title);
  if (suffix && suffix.index > 0) {
    // Journals@Ovid's "[Report]" / "[Article]" are section names; only these say what the item is.
    const hint = pubmedPublicationType(suffix[1]);
    if (hint === 'review' || hint === 'editorial' || hint === 'erratum') titleTypeHint = hint;
    title = title.slice(0, suffix.index).trim();
  }
  if (title === '') {
    warnings.push(noTitleWarning(file, entry.line));
  }

  const authors: Author[] = [];
  for (const tag of byTag.AU ? ['AU'] : ['ED']) {
    for (const v of byTag[tag] ?? []) {
      for (const name of splitNames(v)) {
        const a = parseOvidAuthor(name);
        if (a) authors.push(a);
      }
    }
  }

  // PsycINFO gives PT "Journal; Peer Reviewed Journal" and DT "Journal Article"; Journals@Ovid only DT.
  const typeValues = [...(byTag.PT ?? []), ...(byTag.DT ?? [])];
  const vendorTypes = typeValues.flatMap((v) => v.split(/;|\n/)).map((v) => pubmedPublicationType(v));
  vendorTypes.push(titleTypeHint);
  const isBookPart = vendorTypes.some((t) => t === 'book' || t === 'chapter');

  const src = parseOvidSource(first('SO'));
  // A chapter's SO is "Editors. (Year). Book title. (pp. 11-31) ...": no journal in it.
  const journal = nonEmpty(first('JN', 'JT', 'JA')) ?? (isBookPart ? undefined : src.journal);
  const pages = first('PG') ? expandPageRange(first('PG')) : {};
  const noPages = /no pagination/i.test(first('PG') ?? '');

  const year = yearOf(first('YR')) ?? yearOf(first('DP')) ?? src.year ?? yearOf(first('EP', 'DG'));

  let doi = cleanDoi(first('DO', 'DI'));
  if (!doi) for (const v of [...(byTag.XL ?? []), ...(byTag.UR ?? [])]) if ((doi = findDoiInText(v))) break;

  const keywords: string[] = [];
  // Loops, not push(...): a hostile keyword field may split into more values than a call takes arguments.
  for (const tag of ['KW', 'ID']) for (const v of byTag[tag] ?? []) for (const k of splitKeywords(v)) keywords.push(k);
  for (const tag of ['MH', 'DE']) {
    for (const v of byTag[tag] ?? []) {
      for (const line of v.split('\n')) {
        const k = line.replace(/^\*/, '').trim();
        if (k !== '') keywords.push(k);
      }
    }
  }

  let base: DocType = journal ? 'journal-article' : byTag.IB ? 'book' : 'other';
  if (!journal && byTag.BT && byTag.TI) base = 'chapter';
  const type = mostSpecificType(vendorTypes, base);

  const accessionRaw = nonEmpty(first('AN', 'UI'));
  const accession = accessionRaw?.replace(/^[A-Za-z][A-Za-z ]*:\s*/, '').replace(/\.$/, '').trim();

  const language = nonEmpty(first('LG'))?.replace(/\.$/, '');
  const abstractText = cleanText((byTag.AB ?? []).join(' '));

  return tidyRecord({
    source: { file, line: entry.line },
    type,
    rawType: typeValues.length > 0 ? typeValues.join('; ').replace(/\n/g, '; ') : undefined,
    title,
    authors,
    year,
    journal: journal?.replace(/\s+/g, ' '),
    volume: nonEmpty(first('VO')) ?? (isBookPart ? undefined : src.volume),
    issue: nonEmpty(first('IP')) ?? (isBookPart ? undefined : src.issue),
    startPage: noPages ? undefined : (pages.startPage ?? src.startPage),
    endPage: noPages ? undefined : (pages.endPage ?? src.endPage),
    doi,
    abstract: abstractText,
    keywords,
    language,
    accession: accession === '' ? undefined : accession,
    exportDatabase: nonEmpty(first('DB')),
    url: nonEmpty(first('UR')),
    raw: RawFields.fromObject(raw),
    rawHash: rawHash(entry.rawText),
  });
}

function yearOf(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = value.match(PLAUSIBLE_YEAR);
  return m ? Number(m[0]) : undefined;
}

export function parseOvidTagged(text: string, file: string): ParseResult {
  const { entries, warnings, display } = tokenizeOvidTagged(text, file);
  const records = entries.map((e) => ovidEntryToRecord(e, file, warnings));
  warnings.sort((a, b) => a.line - b.line);
  return { format: 'ovid', dialect: display ? 'ovid-display' : 'ovid-tagged', records, warnings };
}

export const ovidTaggedReader: FormatReader = {
  name: 'ovid',
  sniff: sniffOvidTagged,
  parse: parseOvidTagged,
};
