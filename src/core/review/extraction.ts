import type { ExtractionField } from '../../model/protocol.js';
import type { Author, ReviewRecord } from '../../model/record.js';

/**
 * The data-extraction table: one row per included study, citation columns then the protocol's
 * fields. Pure: validation and row building; the command reads extraction.csv and writes the table.
 */

export interface ExtractionInputRow {
  line: number;
  cells: Record<string, string>;
}

export interface ExtractionProblem {
  study: string;
  field?: string;
  line?: number;
  message: string;
}

export interface CitationFields {
  authors: string;
  year: string;
  title: string;
  journal: string;
  doi: string;
}

export const CITATION_COLUMNS = ['authors', 'year', 'title', 'journal', 'doi'] as const;

export function formatAuthors(authors: Author[]): string {
  return authors.map((a) => (a.given ? `${a.family}, ${a.given}` : a.family)).join('; ');
}

/** Citation of a study from its kept record, filling gaps (a DOI only one copy had) from its duplicates. */
export function studyCitation(members: ReviewRecord[]): CitationFields {
  const pick = <T>(get: (r: ReviewRecord) => T | undefined): T | undefined => {
    for (const r of members) {
      const v = get(r);
      if (v !== undefined && v !== null && (v as unknown) !== '' && !(Array.isArray(v) && v.length === 0)) return v;
    }
    return undefined;
  };
  return {
    authors: formatAuthors(pick((r) => r.authors) ?? []),
    year: String(pick((r) => r.year) ?? ''),
    title: pick((r) => r.title) ?? '',
    journal: pick((r) => r.journal) ?? '',
    doi: pick((r) => r.doi) ?? '',
  };
}

/** Check one value against its field's type; returns the canonical value or an error message. */
export function checkValue(field: ExtractionField, raw: string): { value: string } | { error: string } {
  const value = raw.trim();
  if (value === '') return field.required ? { error: 'required value is missing' } : { value: '' };
  switch (field.type) {
    case 'text':
      return { value };
    case 'integer':
      return /^-?\d+$/.test(value) ? { value } : { error: `"${value}" is not a whole number` };
    case 'number':
      return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) ? { value } : { error: `"${value}" is not a number` };
    case 'boolean': {
      const v = value.toLowerCase();
      if (['yes', 'true', 'y', '1'].includes(v)) return { value: 'yes' };
      if (['no', 'false', 'n', '0'].includes(v)) return { value: 'no' };
      return { error: `"${value}" is not yes/no` };
    }
    case 'date':
      return /^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) ? { value } : { error: `"${value}" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)` };
    case 'choice': {
      const match = field.choices!.find((c) => c.toLowerCase() === value.toLowerCase());
      return match ? { value: match } : { error: `"${value}" is not one of: ${field.choices!.join(', ')}` };
    }
  }
}

export interface ExtractionTable {
  header: string[];
  rows: string[][];
  problems: ExtractionProblem[];
}

/**
 * Build the table for the included studies, and report every problem: a missing required value,
 * a value of the wrong type, an included study without a row, a row for a study not included,
 * two rows for one study, a column the protocol does not know.
 */
export function buildExtractionTable(
  fields: ExtractionField[],
  included: { id: string; members: ReviewRecord[] }[],
  input: { columns: string[]; rows: ExtractionInputRow[] },
  resolveStudy: (recordId: string) => string | undefined,
): ExtractionTable {
  const problems: ExtractionProblem[] = [];
  const includedIds = new Set(included.map((s) => s.id));
  const rowByStudy = new Map<string, ExtractionInputRow>();

  const known = new Set(['record_id', ...fields.map((f) => f.name), ...CITATION_COLUMNS]);
  for (const column of input.columns) {
    if (!known.has(column)) problems.push({ study: '(header)', field: column, line: 1, message: `column "${column}" is not an extraction field of the protocol` });
  }
  for (const field of fields) {
    if (input.rows.length > 0 && !input.columns.includes(field.name)) {
      problems.push({ study: '(header)', field: field.name, line: 1, message: `no column for field "${field.name}"` });
    }
  }
  for (const row of input.rows) {
    const recordId = row.cells.record_id;
    const study = resolveStudy(recordId);
    if (study === undefined) {
      problems.push({ study: recordId, line: row.line, message: 'not a record of this review' });
      continue;
    }
    if (!includedIds.has(study)) {
      problems.push({ study: recordId, line: row.line, message: 'has an extraction row but is not an included study' });
      continue;
    }
    if (rowByStudy.has(study)) {
      problems.push({ study, line: row.line, message: `second extraction row for this study (first at line ${rowByStudy.get(study)!.line})` });
      continue;
    }
    rowByStudy.set(study, row);
  }

  const header = ['record_id', ...CITATION_COLUMNS, ...fields.map((f) => f.label ?? f.name)];
  const rows: string[][] = [];
  for (const study of included) {
    const citation = studyCitation(study.members);
    const row = rowByStudy.get(study.id);
    if (!row) problems.push({ study: study.id, message: 'included study has no row in extraction.csv' });
    const values = fields.map((field) => {
      if (!row) return '';
      const checked = checkValue(field, row.cells[field.name] ?? '');
      if ('error' in checked) {
        problems.push({ study: study.id, field: field.name, line: row.line, message: checked.error });
        return (row.cells[field.name] ?? '').trim();
      }
      return checked.value;
    });
    rows.push([study.id, ...CITATION_COLUMNS.map((c) => citation[c]), ...values]);
  }
  return { header, rows, problems };
}
