import { describe, it, expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import { escapeFormula, writeTable } from '../../src/report/spreadsheet.js';
import { recordsToCsv } from '../../src/report/records.js';
import { flowCsv } from '../../src/report/flow.js';
import { prisma2020Csv } from '../../src/report/prisma2020-csv.js';
import { xlsxWorkbook, columnName } from '../../src/report/xlsx.js';
import { parseCsv, parseTsv } from '../../src/formats/csv.js';
import { runFlow } from '../../src/commands/flow.js';
import { rec } from '../helpers/records.js';
import { SEED_REVIEW } from '../helpers/cli.js';
import { readXlsx } from '../helpers/xlsx.js';

const HOSTILE = ['=HYPERLINK("http://x","y")', '+1+1', '-ing forms of care', '@SUM(A1)', '\tindented', '\rcarriage', "'-already escaped"];

describe('formula injection', () => {
  it('puts an apostrophe before a cell a spreadsheet would read as a formula, and nothing else', () => {
    for (const cell of HOSTILE) expect(escapeFormula(cell)).toBe(`'${cell}`);
    for (const cell of ['Plain title', "O'Brien", '-3', '-0.5', '', '10.1000/x', "'quoted"]) expect(escapeFormula(cell)).toBe(cell);
  });

  it('reaches every cell of a CSV and a TSV', () => {
    const csv = parse(writeTable([['h'], ...HOSTILE.map((c) => [c])]), { relax_quotes: true }) as string[][];
    expect(csv.slice(1).map((r) => r[0])).toEqual(HOSTILE.map((c) => `'${c}`));
    const tsv = parse(writeTable([['h'], ...HOSTILE.map((c) => [c])], { delimiter: '\t' }), { delimiter: '\t' }) as string[][];
    expect(tsv.slice(1).map((r) => r[0])).toEqual(HOSTILE.map((c) => `'${c}`));
  });

  it('the records CSV (export --to csv) escapes, and import takes exactly that apostrophe off again', () => {
    const records = [
      rec({ id: 'db:1', title: '-ing forms of involvement: a study', authors: '=Evil, A.', abstract: '@mention', keywords: ['+plus'] }),
      rec({ id: 'db:2', title: "'-a title that looks escaped already", authors: 'Plain, B.' }),
    ];
    for (const [text, read] of [
      [recordsToCsv(records), parseCsv],
      [recordsToCsv(records).replace(/,/g, '\t'), null],
    ] as const) {
      if (!read) continue;
      expect(text).toContain("'-ing forms of involvement");
      const back = read(text, 'export.csv').records;
      expect(back.map((r) => r.title)).toEqual(['-ing forms of involvement: a study', "'-a title that looks escaped already"]);
      expect(back[0].authors[0].family).toBe('=Evil');
      expect(back[0].abstract).toBe('@mention');
      expect(back[0].keywords).toEqual(['+plus']);
    }
    const tsv = writeTable([['Title', 'Authors'], ['-ing forms', 'Doe, J.']], { delimiter: '\t' });
    expect(parseTsv(tsv, 'export.tsv').records[0].title).toBe('-ing forms');
  });

  it('the flow CSV and the PRISMA2020 template escape names and reasons', async () => {
    const { flow, prisma } = await runFlow({ review: SEED_REVIEW });
    const hostileFlow = { ...flow, records_excluded_reviewer_reasons: { '=cmd|calc': 3 }, dbr_excluded: { '-not relevant': 2 }, database_specific_results: { '@db': 1 } };
    const csv = flowCsv(hostileFlow);
    expect(csv).toContain("'=cmd|calc");
    expect(csv).toContain("'-not relevant");
    const template = prisma2020Csv({ ...prisma, flow: hostileFlow, sources: [{ database: '@db', kind: 'database' }] });
    const rows = parse(template, { columns: true }) as Record<string, string>[];
    expect(rows.find((r) => r.data === 'database_specific_results')!.n).toBe("'@db, 1");
    expect(rows.find((r) => r.data === 'dbr_excluded')!.n).toBe("'-not relevant, 2");
  });
});

describe('the XLSX writer', () => {
  it('names columns as a spreadsheet does', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });

  it('writes every cell as an inline string, formulas and control characters included, unaltered', () => {
    const rows = [...HOSTILE.map((c) => [c, '1e5']), ['a & b < c', '_x0041_ literal'], ['line\u000Bbreak', '']];
    const book = readXlsx(xlsxWorkbook(['text', 'other'], rows, { sheet: 'A/B:[C]' }));
    expect(book.formulas).toBe(0);
    expect(book.sheets).toEqual(['A B  C']);
    expect(book.rows[0]).toEqual(['text', 'other']);
    expect(book.rows.slice(1, 1 + HOSTILE.length).map((r) => r[0])).toEqual(HOSTILE);
    expect(book.rows[1 + HOSTILE.length]).toEqual(['a & b < c', '_x0041_ literal']);
    expect(book.rows[2 + HOSTILE.length][0]).toBe('line\u000Bbreak');
  });

  it('gives the same bytes for the same rows', () => {
    const a = xlsxWorkbook(['h'], [['x']]);
    expect(Buffer.from(xlsxWorkbook(['h'], [['x']])).equals(Buffer.from(a))).toBe(true);
  });
});
