// Loading bib-dedupe's labelled sets (MIT, CoLRev-Environment/bib-dedupe) as litscreen ReviewRecords.
// The CSVs are CoLRev/BibTeX-flavoured: authors "Family, Given and Family, Given", pages "1256-74"
// or "376 -- 383", "UNKNOWN" for a missing value. Kept raw on purpose: normalising is the engine's job,
// and records reach the engine by paths like this one, without a reader's tidyRecord: placeholders
// ("NA", "N/A", "null", "-"), "221-8" page ranges and "61 (Supplement 1)" volumes are left as written
// for the engine to read (src/core/dedupe/normalize.ts `present`, `normalizePages`, `volumeKey`).
// Only CoLRev's own "UNKNOWN" and pandas' "nan" are dropped here, as before.
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';

const TYPES = {
  article: 'journal-article',
  inproceedings: 'conference',
  proceedings: 'conference',
  incollection: 'chapter',
  inbook: 'chapter',
  book: 'book',
  phdthesis: 'thesis',
  mastersthesis: 'thesis',
  techreport: 'report',
};

function value(v) {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' || s.toUpperCase() === 'UNKNOWN' || s.toLowerCase() === 'nan' ? undefined : s;
}

/** "Zuber, J and Le Quintrec, M" → [{family: 'Zuber', given: 'J'}, ...]; "Jane Smith" → {family: 'Smith', given: 'Jane'}. */
export function bibtexAuthors(s) {
  const v = value(s);
  if (!v) return [];
  return v
    .split(/\s+and\s+/)
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => {
      const comma = name.indexOf(',');
      if (comma >= 0) return { family: name.slice(0, comma).trim(), given: name.slice(comma + 1).trim() };
      const words = name.split(/\s+/);
      return words.length === 1 ? { family: name, given: '' } : { family: words.pop(), given: words.join(' ') };
    });
}

function pages(s) {
  const v = value(s);
  if (!v) return {};
  const m = /^\s*([^\s-–—]+)\s*[-–—]+\s*([^\s-–—]+)\s*$/.exec(v);
  return m ? { startPage: m[1], endPage: m[2] } : { startPage: v };
}

export function rowToRecord(row, set, line) {
  const year = Number.parseInt(value(row.year) ?? '', 10);
  const title = value(row.title) ?? '';
  return {
    id: row.ID,
    databaseKey: set,
    database: set,
    source: { file: `${set}/records_pre_merged.csv`, line },
    type: TYPES[(value(row.ENTRYTYPE) ?? '').toLowerCase()] ?? 'other',
    rawType: value(row.ENTRYTYPE),
    title,
    authors: bibtexAuthors(row.author),
    year: Number.isFinite(year) ? year : undefined,
    journal: value(row.journal) ?? value(row.booktitle),
    volume: value(row.volume),
    issue: value(row.number) ?? value(row.issue),
    ...pages(row.pages),
    doi: value(row.doi),
    abstract: value(row.abstract),
    keywords: [],
    raw: {},
    rawHash: row.ID,
  };
}

export function loadCsvSet(dir, set) {
  const rows = parse(readFileSync(path.join(dir, set, 'records_pre_merged.csv')), {
    columns: true,
    bom: true,
    relax_column_count: true,
  });
  // The header is line 1; csv-parse does not give each row's physical line cheaply, the row number is enough here.
  return rows.map((row, i) => rowToRecord(row, set, i + 2));
}

export function loadTruth(dir, set) {
  const rows = parse(readFileSync(path.join(dir, set, 'merged_record_ids.csv')), { columns: true, bom: true });
  return rows.map((r) => String(r.merged_ids).split(';').map((s) => s.trim()).filter((s) => s !== ''));
}

export function hasRecords(dir, set) {
  return existsSync(path.join(dir, set, 'records_pre_merged.csv'));
}
