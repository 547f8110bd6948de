import { describe, it, expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import { prisma2020Csv, PRISMA2020_TEMPLATE_ROWS } from '../../src/report/prisma2020-csv.js';
import { runFlow } from '../../src/commands/flow.js';
import { SEED_REVIEW } from '../helpers/cli.js';

/** The row ids of the PRISMA2020 R package's inst/extdata/PRISMA.csv, in its order. */
const TEMPLATE_IDS = [
  'NA', 'previous_studies', 'previous_reports', 'NA', 'database_results', 'database_specific_results', 'register_results',
  'register_specific_results', 'NA', 'website_results', 'organisation_results', 'citations_results', 'duplicates',
  'excluded_automatic', 'excluded_other', 'records_screened', 'records_excluded', 'dbr_sought_reports', 'dbr_notretrieved_reports',
  'other_sought_reports', 'other_notretrieved_reports', 'dbr_assessed', 'dbr_excluded', 'other_assessed', 'other_excluded',
  'new_studies', 'new_reports', 'total_studies', 'total_reports', 'identification', 'screening', 'included',
];

describe('flow --format prisma2020-csv', () => {
  it('has the template\'s columns and rows and the seed review\'s counts', async () => {
    const result = await runFlow({ review: SEED_REVIEW });
    const rows: Record<string, string>[] = parse(prisma2020Csv(result.prisma), { columns: true });
    expect(Object.keys(rows[0])).toEqual(['data', 'node', 'box', 'description', 'boxtext', 'tooltips', 'url', 'n']);
    expect(rows.map((r) => r.data)).toEqual(TEMPLATE_IDS);
    expect(PRISMA2020_TEMPLATE_ROWS.map((r) => r[0])).toEqual(TEMPLATE_IDS);
    const n = (id: string) => rows.find((r) => r.data === id)!.n;
    const { flow } = result;
    expect(n('database_results')).toBe(String(flow.database_results));
    expect(n('database_specific_results')).toBe('PsycINFO, 268; Social Care Online, 192; Social Services Abstracts, 205');
    for (const id of ['duplicates', 'excluded_automatic', 'excluded_other', 'records_screened', 'records_excluded', 'dbr_sought_reports', 'dbr_notretrieved_reports', 'dbr_assessed', 'new_studies'] as const) {
      expect(n(id), id).toBe(String(flow[id]));
    }
    expect(n('new_reports')).toBe('11');
    expect(n('register_results')).toBe('0');
    // As the package splits it: "; " between reasons, the first "," between a reason and its count.
    const reasons = n('dbr_excluded').split('; ').map((s) => [s.replace(/,.*$/, ''), Number(s.replace(/^.*?,/, ''))]);
    expect(reasons).toEqual([
      ['Not about service user or carer involvement', 13],
      ['Not social work education\u201A practice or policy', 12],
      ['Not empirical research', 24],
      ['Methods not reported in enough detail to appraise', 7],
    ]);
    expect(reasons.reduce((a, [, k]) => a + (k as number), 0)).toBe(flow.dbr_excluded_total);
  });
});
