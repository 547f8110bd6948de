import { writeTable } from './spreadsheet.js';
import type { DocType, ParsedRecord, ReviewRecord } from '../model/record.js';

/**
 * Writers that put records back out as RIS or CSV. Each is the inverse of the generic reader's
 * table for the Record model's fields, so reading what they write gives the same records
 * (tested as a round trip). Vendor-specific raw tags are not written: the export is for other
 * tools, and it says where each record came from in its own fields instead.
 */

/** DocType -> RIS TY, plus a vendor type string for types RIS has no code for. */
const RIS_TYPE_OUT: Record<DocType, { ty: string; m3?: string }> = {
  'journal-article': { ty: 'JOUR' },
  book: { ty: 'BOOK' },
  chapter: { ty: 'CHAP' },
  thesis: { ty: 'THES' },
  conference: { ty: 'CONF' },
  report: { ty: 'RPRT' },
  review: { ty: 'JOUR', m3: 'Review' },
  editorial: { ty: 'JOUR', m3: 'Editorial' },
  erratum: { ty: 'JOUR', m3: 'Erratum' },
  other: { ty: 'GEN' },
};

/** "Family, Given"; a family-only name keeps its comma ("Acne Study Group,") so readers do not split it. */
const authorName = (a: { family: string; given: string }) => `${a.family},${a.given ? ' ' + a.given : ''}`;

/** One value per line: RIS has no escaping, so line breaks inside a value become spaces. */
const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/**
 * `notes` adds N1 lines of the tool's own (a screening decision, for Zotero and EndNote, which
 * keep N1 as a note on the item).
 */
export function recordsToRis(records: (ParsedRecord | ReviewRecord)[], options: { notes?: (r: ParsedRecord | ReviewRecord) => string[] } = {}): string {
  const lines: string[] = [];
  const tag = (t: string, value: string | number | undefined) => {
    if (value === undefined || value === '') return;
    lines.push(`${t}  - ${oneLine(String(value))}`);
  };
  for (const r of records) {
    const type = RIS_TYPE_OUT[r.type] ?? RIS_TYPE_OUT.other;
    lines.push(`TY  - ${type.ty}`);
    tag('TI', r.title);
    for (const a of r.authors) tag('AU', authorName(a));
    tag('PY', r.year);
    tag('JO', r.journal);
    tag('VL', r.volume);
    tag('IS', r.issue);
    tag('SP', r.startPage);
    tag('EP', r.endPage);
    tag('DO', r.doi);
    tag('AB', r.abstract);
    for (const k of r.keywords) tag('KW', k);
    tag('LA', r.language);
    tag('M3', type.m3);
    tag('AN', r.accession);
    tag('UR', r.url);
    if ('database' in r) {
      tag('DB', r.database);
      tag('N1', `litscreen id: ${r.id}; from ${r.source.file}:${r.source.line}`);
    }
    for (const note of options.notes?.(r) ?? []) tag('N1', note);
    lines.push('ER  - ', '');
  }
  return lines.join('\n');
}

/** Column headings the CSV reader's alias table maps back to the same fields. */
export const CSV_EXPORT_COLUMNS = [
  'Title',
  'Authors',
  'Year',
  'Journal',
  'Volume',
  'Issue',
  'Start Page',
  'End Page',
  'DOI',
  'Abstract',
  'Keywords',
  'Document Type',
  'Language',
  'Accession Number',
  'URL',
] as const;

/** The records as a table: the CSV export's header and rows (before any decision columns). */
export function recordsTable(records: (ParsedRecord | ReviewRecord)[]): { header: string[]; rows: string[][] } {
  const withReview = records.length > 0 && 'database' in records[0];
  const header: string[] = [...(withReview ? ['litscreen_id', 'database', 'source'] : []), ...CSV_EXPORT_COLUMNS];
  const rows = records.map((r) => {
    const cells = [
      r.title,
      r.authors.map(authorName).join('; '),
      r.year === undefined ? '' : String(r.year),
      r.journal ?? '',
      r.volume ?? '',
      r.issue ?? '',
      r.startPage ?? '',
      r.endPage ?? '',
      r.doi ?? '',
      r.abstract ?? '',
      r.keywords.join('; '),
      r.type,
      r.language ?? '',
      r.accession ?? '',
      r.url ?? '',
    ];
    if ('database' in r) return [r.id, r.database, `${r.source.file}:${r.source.line}`, ...cells];
    return cells;
  });
  return { header, rows };
}

export function recordsToCsv(records: (ParsedRecord | ReviewRecord)[], options: { bom?: boolean } = {}): string {
  const { header, rows } = recordsTable(records);
  return writeTable([header, ...rows], { bom: options.bom });
}
