/**
 * MEDLINE / PubMed tagged format (.nbib, .txt "PubMed" export; ERIC writes the same layout).
 * Syntax: `TAG - value` with the tag padded to four characters, continuation lines indented by six
 * spaces, records separated by blank lines (a `PMID-` line also starts a new record).
 */
import { RawFields, type Author, type DocType, type ParseResult, type ParsedRecord, type Warning } from '../model/record.js';
import { cleanDoi, cleanText, extractYear, nonEmpty, parseAuthorName, rawHash, noTitleWarning, tidyRecord } from './normalize-fields.js';
import {
  expandPageRange,
  mostSpecificType,
  pubmedPublicationType,
  rawFromFields,
  eachLine,
  lfText,
  type TaggedEntry,
  type TaggedField,
} from './tagged-common.js';
import type { FormatReader } from './types.js';

/** `PMID- 123`, `TI  - x`, `PMC -x`, `TI  -x`, `SO- x` (JabRef's malformed samples), `ISSN- ...` (ERIC). */
// `[^]`: values may hold U+2028/U+2029 (seen in PubMed COIS), which `.` would not match.
const TAG_LINE = /^([A-Z][A-Z0-9]{1,3}) {0,3}-(?: ([^]*)|(\S[^]*)|)$/;

/** Tags only MEDLINE/ERIC write; RIS files never carry them at a line start. */
const SNIFF_RE = /^\uFEFF?(?:PMID-|OWN - |STAT- |FAU - |DCOM- |PMC - |OID - )/m;

/** MEDLINE-only tags; RIS never writes these (its tags are two characters, `TY` first). */
const MEDLINE_TAG_LINE = /^(?:PMID|PMC|FAU|JT|DP|PG|AID|MH|PT|LID|TA|STAT|DCOM|LR|IS|VI|IP|FED|BTI|CON|EDAT|MHDA|CRDT|PHST|PST|SO) {0,3}-/gm;

export function sniffNbib(text: string): boolean {
  const head = text.length > 8192 ? text.slice(0, 8192) : text;
  if (SNIFF_RE.test(head)) return true;
  // Hand-made or trimmed MEDLINE files may lack PMID/OWN lines (JabRef's samples do): several
  // MEDLINE-only tags, and no RIS record start, are enough.
  if (/^\uFEFF?TY {1,2}-/m.test(head)) return false;
  // Ovid's tagged format uses MEDLINE's tags too, but numbers its records <1>, <2> ...
  if (/^\s*<\d+\.?\s*>\s*$/m.test(head)) return false;
  const tags = new Set((head.match(MEDLINE_TAG_LINE) ?? []).map((t) => t.replace(/[ -]/g, '')));
  return tags.size >= 3;
}

/** Syntax only: lines → entries with their start lines. */
export function tokenizeNbib(text: string, file: string): { entries: TaggedEntry[]; warnings: Warning[] } {
  const lf = lfText(text);
  const entries: TaggedEntry[] = [];
  const warnings: Warning[] = [];
  let fields: TaggedField[] = [];
  let startLine = 0; // 1-based line of the current entry's first line; 0 = none
  let startOffset = 0;
  let lastEnd = 0; // offset just after the entry's last non-blank line

  const close = () => {
    if (startLine !== 0 && fields.length > 0) {
      entries.push({ line: startLine, fields, rawText: lf.slice(startOffset, lastEnd) });
    }
    fields = [];
    startLine = 0;
  };

  eachLine(lf, (line, i, lineStart, lineEnd) => {
    if (line.trim() === '') {
      close();
      return;
    }
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      if (fields.length === 0) {
        warnings.push({ file, line: i + 1, message: 'continuation line outside a record; skipped' });
        return;
      }
      const f = fields[fields.length - 1];
      f.value = f.value === '' ? line.trim() : `${f.value} ${line.trim()}`;
      lastEnd = lineEnd;
      return;
    }
    const m = TAG_LINE.exec(line);
    if (!m) {
      if (fields.length === 0) {
        warnings.push({ file, line: i + 1, message: `not a MEDLINE tag line ("${line.slice(0, 40)}"); skipped` });
        return;
      }
      const f = fields[fields.length - 1];
      warnings.push({ file, line: i + 1, message: `not a MEDLINE tag line; joined to the ${f.tag} above` });
      f.value = `${f.value} ${line.trim()}`;
      lastEnd = lineEnd;
      return;
    }
    const tag = m[1];
    if (tag === 'PMID' && fields.length > 0) close();
    // ERIC and other non-PubMed nbib start each record with OWN; a second OWN is the next record
    // even when the blank line between them was lost.
    if (tag === 'OWN' && fields.some((f) => f.tag === 'OWN')) {
      warnings.push({ file, line: i + 1, message: 'record not separated from the one above by a blank line; read as a new record' });
      close();
    }
    if (startLine === 0) {
      startLine = i + 1;
      startOffset = lineStart;
    }
    fields.push({ tag, value: (m[2] ?? m[3] ?? '').trim(), line: i + 1 });
    lastEnd = lineEnd;
  });
  close();
  return { entries, warnings };
}

/** A `LID`/`AID` value naming a DOI: "10.1/x [doi]", or "doi:10.1/x" without a type suffix. */
function doiFromArticleId(value: string): string | undefined {
  const typed = /^(.*?)\s*\[([a-z-]+)\]\s*$/i.exec(value);
  if (typed) return typed[2].toLowerCase() === 'doi' ? cleanDoi(typed[1]) : undefined;
  return cleanDoi(value);
}

function authorsOf(fields: readonly TaggedField[]): Author[] {
  // FAU ("Webber, Martin") beats AU ("Webber M"); collective names (CN) keep their place.
  const hasFau = fields.some((f) => f.tag === 'FAU');
  const personTag = hasFau ? 'FAU' : 'AU';
  const out: Author[] = [];
  for (const f of fields) {
    if (f.tag === personTag) {
      const a = parseAuthorName(f.value);
      if (a) out.push(a);
    } else if (f.tag === 'CN') {
      const name = f.value.trim();
      if (name !== '') out.push({ family: name, given: '' });
    }
  }
  if (out.length > 0) return out;
  // Books and reports list only editors.
  const hasFed = fields.some((f) => f.tag === 'FED');
  for (const f of fields) {
    if (f.tag === (hasFed ? 'FED' : 'ED')) {
      const a = parseAuthorName(f.value);
      if (a) out.push(a);
    }
  }
  return out;
}

export function nbibEntryToRecord(entry: TaggedEntry, file: string, warnings: Warning[]): ParsedRecord {
  const raw = rawFromFields(entry.fields);
  const first = (tag: string): string | undefined => {
    const v = raw[tag];
    if (!v) return undefined;
    for (const s of v) if (s.trim() !== '') return s;
    return undefined;
  };

  const title = cleanText(first('TI')) ?? cleanText(first('BTI')) ?? cleanText(first('TT')) ?? '';
  if (title === '') {
    warnings.push(noTitleWarning(file, entry.line));
  }

  let doi: string | undefined;
  for (const tag of ['LID', 'AID']) {
    for (const v of raw[tag] ?? []) {
      doi = doiFromArticleId(v);
      if (doi) break;
    }
    if (doi) break;
  }

  const journal = nonEmpty(first('JT')) ?? nonEmpty(first('TA')) ?? (raw.TI ? nonEmpty(first('BTI')) : undefined);
  const ptTypes = (raw.PT ?? []).map(pubmedPublicationType);
  let base: DocType = journal && !raw.BTI ? 'journal-article' : 'other';
  if (raw.BTI) base = raw.TI ? 'chapter' : 'book';
  // ERIC's "Reports - Research" describes content and sits on journal articles too: it only
  // decides the type when nothing else does.
  if (ptTypes.every((t) => t === undefined) && (raw.PT ?? []).some((p) => /^reports\s*-/i.test(p))) base = 'report';
  const type = mostSpecificType(ptTypes, base);

  const keywords: string[] = [];
  for (const f of entry.fields) {
    if (f.tag === 'OT' || f.tag === 'KW' || f.tag === 'MH') {
      const k = f.value.replace(/\*/g, '').trim();
      if (k !== '') keywords.push(k);
    }
  }

  const abstractParts = (raw.AB ?? []).map((s) => s.trim()).filter((s) => s !== '');
  const accession = nonEmpty(first('PMID')) ?? nonEmpty(first('OID')) ?? nonEmpty(first('AN'));

  return tidyRecord({
    source: { file, line: entry.line },
    type,
    rawType: raw.PT && raw.PT.length > 0 ? raw.PT.join('; ') : undefined,
    title,
    authors: authorsOf(entry.fields),
    year: extractYear(first('DP')) ?? extractYear(first('DEP')) ?? extractYear(first('SO')),
    journal,
    volume: nonEmpty(first('VI')),
    issue: nonEmpty(first('IP')),
    ...expandPageRange(first('PG')),
    doi,
    abstract: abstractParts.length > 0 ? cleanText(abstractParts.join(' ')) : undefined,
    keywords,
    language: nonEmpty(first('LA')),
    accession: accession?.split(/\s/)[0],
    url: undefined,
    raw: RawFields.fromObject(raw),
    rawHash: rawHash(entry.rawText),
  });
}

export function parseNbib(text: string, file: string): ParseResult {
  const { entries, warnings } = tokenizeNbib(text, file);
  // Never invent a record silently: PubMed marks each record with a PMID line, ERIC and other
  // databases with an OWN line. In a file whose records carry those marks, a block with neither
  // (a lost PMID line, damage between records) is still read, but said so on its line. Files that
  // mark no record (hand-made or trimmed samples) are read by their blank lines without a warning.
  const marked = (e: TaggedEntry) => e.fields.some((f) => f.tag === 'PMID' || f.tag === 'OWN');
  if (entries.some(marked)) {
    for (const e of entries) {
      if (!marked(e)) warnings.push({ file, line: e.line, message: 'record has neither a PMID nor an OWN line, unlike the other records of this file; read as a record' });
    }
  }
  const records = entries.map((e) => nbibEntryToRecord(e, file, warnings));
  warnings.sort((a, b) => a.line - b.line);
  const dialect = records.length > 0 && records[0].raw.first('OWN')?.trim() === 'ERIC' ? 'eric' : 'pubmed';
  return { format: 'nbib', dialect, records, warnings };
}

export const nbibReader: FormatReader = {
  name: 'nbib',
  sniff: sniffNbib,
  parse: parseNbib,
};
