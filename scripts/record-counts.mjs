// Record counts made WITHOUT the parsers, by what each format marks a record with. Shared by
// scripts/conformance.js (real exports) and scripts/fuzz.mjs (damaged ones), so that a reader
// is always checked against something that does not share its code.
import { parse as parseCsv } from 'csv-parse/sync';

export const INDEPENDENT_COUNT = {
  ris: (t) => (t.match(/^TY {1,2}-/gm) ?? []).length,
  nbib: nbibRecords,
  'endnote-xml': (t) => (t.match(/<record>/g) ?? []).length,
  'pubmed-xml': (t) => (t.match(/<Pubmed(?:Book)?Article>/g) ?? []).length,
  ovid: (t) => (t.match(/^\s*<\d+\.?\s*>\s*$/gm) ?? []).length,
  // A PT line opens a record; one whose type was pushed to the next line (a stray CR) still does.
  wos: (t) => (t.match(/^PT(?=[ \r\n]|$(?![^]))/gm) ?? []).length,
  refworks: (t) => (t.match(/^RT /gm) ?? []).length,
  // Blank-line separated blocks with a %-tag line (refer has no record start tag every tool writes).
  refer: (t) => t.split(/\r?\n\s*\r?\n/).filter((block) => /^%[A-Z0-9@]/m.test(block)).length,
  // @type{ or @type( at a line start, except the three that are not entries. Lines end at LF, CRLF
  // or a lone CR as in the readers (not at U+2028, which a regex's ^ would also take), and what a
  // person cannot see (spaces, control and format characters) may come before the "@".
  bibtex: (t) => t.split(/\r\n?|\n/).filter((line) => BIBTEX_ENTRY_LINE.test(line)).length,
  csv: (t, delimiter = ',') => csvRows(t, delimiter),
  tsv: (t) => csvRows(t, '\t'),
};

const BIBTEX_ENTRY_LINE = /^[\s\p{Cc}\p{Cf}]*@(?!comment\b|preamble\b|string\b)[A-Za-z]+[ \t]*[{(]/iu;

/**
 * MEDLINE/nbib records as a person counts them: PubMed marks each record with a PMID line, ERIC and
 * other databases with an OWN line (a PubMed record has both, one record). So per blank-line block,
 * its PMID lines, else its OWN lines. A file that marks no record (hand-made samples): blocks that
 * have a tag line.
 */
function nbibRecords(t) {
  const blocks = t.split(/\r?\n\s*\r?\n/);
  const count = (block, re) => (block.match(re) ?? []).length;
  if (!/^(?:PMID {0,3}-|OWN {0,3}-)/m.test(t)) return blocks.filter((block) => /^[A-Z]{2,4} {0,3}-/m.test(block)).length;
  return blocks.reduce((n, block) => n + (count(block, /^PMID {0,3}-/gm) || count(block, /^OWN {0,3}-/gm)), 0);
}

/** Data rows of a delimited file: rows after the header row (the first row naming a title column) with any non-empty cell. */
export function csvRows(text, delimiter) {
  const rows = parseCsv(text, { delimiter: [delimiter, ';'].includes(delimiter) ? delimiter : ',', relax_column_count: true, relax_quotes: true, bom: true });
  const header = rows.findIndex((r) => r.some((c) => /^\s*(title|ti|article title|document title|primary title|"?title"?)\s*$/i.test(c)));
  if (header < 0) return undefined;
  return rows.slice(header + 1).filter((r) => r.some((c) => c.trim() !== '')).length;
}

/** The delimiter conformance assumes for a CSV: ';' when the first line has semicolons and no commas. */
export function csvDelimiter(text) {
  const first = text.split('\n')[0];
  return /;/.test(first) && !/,/.test(first) ? ';' : ',';
}
