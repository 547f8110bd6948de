// Record counts made WITHOUT the parsers, by what each format marks a record with. Shared by
// scripts/conformance.js (real exports) and scripts/fuzz.mjs (damaged ones), so that a reader
// is always checked against something that does not share its code.
import { parse as parseCsv } from 'csv-parse/sync';

export const INDEPENDENT_COUNT = {
  ris: (t) => (t.match(/^TY {1,2}-/gm) ?? []).length,
  nbib: (t) =>
    (t.match(/^PMID-/gm) ?? []).length ||
    (t.match(/^OWN - /gm) ?? []).length ||
    t.split(/\r?\n\s*\r?\n/).filter((block) => /^[A-Z]{2,4} {0,3}-/m.test(block)).length,
  'endnote-xml': (t) => (t.match(/<record>/g) ?? []).length,
  'pubmed-xml': (t) => (t.match(/<Pubmed(?:Book)?Article>/g) ?? []).length,
  ovid: (t) => (t.match(/^\s*<\d+\.?\s*>\s*$/gm) ?? []).length,
  wos: (t) => (t.match(/^PT /gm) ?? []).length,
  refworks: (t) => (t.match(/^RT /gm) ?? []).length,
  // Blank-line separated blocks with a %-tag line (refer has no record start tag every tool writes).
  refer: (t) => t.split(/\r?\n\s*\r?\n/).filter((block) => /^%[A-Z0-9@]/m.test(block)).length,
  // @type{ or @type( at a line start, except the three that are not entries.
  bibtex: (t) => (t.match(/^[ \t]*@(?!comment\b|preamble\b|string\b)[A-Za-z]+[ \t]*[{(]/gim) ?? []).length,
  csv: (t, delimiter = ',') => csvRows(t, delimiter),
  tsv: (t) => csvRows(t, '\t'),
};

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
