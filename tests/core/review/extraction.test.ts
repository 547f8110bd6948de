import { describe, it, expect } from 'vitest';
import { buildExtractionTable, checkValue, studyCitation } from '../../../src/core/review/extraction.js';
import type { ExtractionField } from '../../../src/model/protocol.js';
import { RawFields, type ReviewRecord } from '../../../src/model/record.js';

const fields: ExtractionField[] = [
  { name: 'country', type: 'text', required: true },
  { name: 'study_design', type: 'choice', required: true, choices: ['qualitative', 'mixed methods'] },
  { name: 'sample_size', type: 'text', required: true },
  { name: 'participants', type: 'integer', required: false },
];

function record(id: string, extra: Partial<ReviewRecord> = {}): ReviewRecord {
  return {
    id,
    databaseKey: id.split(':')[0],
    database: 'DB',
    source: { file: 'x.ris', line: 1 },
    type: 'journal-article',
    title: `Title of ${id}`,
    authors: [{ family: 'Webber', given: 'M.' }],
    year: 2012,
    keywords: [],
    raw: RawFields.EMPTY,
    rawHash: 'abc',
    ...extra,
  };
}

const resolve = (id: string) => ({ 'a:1': 'a:1', 'b:1': 'a:1', 'a:2': 'a:2', 'a:3': 'a:3' } as Record<string, string>)[id];

describe('checkValue', () => {
  const cases: [ExtractionField, string, string | null][] = [
    [fields[0], 'UK', 'UK'],
    [fields[0], '', null],
    [fields[1], 'Qualitative', 'qualitative'],
    [fields[1], 'survey', null],
    [fields[3], '', ''],
    [fields[3], '29', '29'],
    [fields[3], 'twenty', null],
    [{ name: 'n', type: 'number', required: true }, '3.5', '3.5'],
    [{ name: 'b', type: 'boolean', required: true }, 'Yes', 'yes'],
    [{ name: 'd', type: 'date', required: true }, '2018-01-19', '2018-01-19'],
    [{ name: 'd', type: 'date', required: true }, '19/01/2018', null],
  ];
  for (const [field, raw, want] of cases) {
    it(`${field.type} ${JSON.stringify(raw)}`, () => {
      const got = checkValue(field, raw);
      if (want === null) expect('error' in got).toBe(true);
      else expect(got).toEqual({ value: want });
    });
  }
});

describe('buildExtractionTable', () => {
  const included = [
    { id: 'a:1', members: [record('a:1'), record('b:1', { doi: '10.1093/bjsw/bcr141' })] },
    { id: 'a:2', members: [record('a:2')] },
  ];
  const columns = ['record_id', 'country', 'study_design', 'sample_size', 'participants'];

  it('builds one row per included study with citation columns, filling a DOI from a duplicate', () => {
    const t = buildExtractionTable(
      fields,
      included,
      {
        columns,
        rows: [
          { line: 2, cells: { record_id: 'b:1', country: 'UK', study_design: 'qualitative', sample_size: '29', participants: '29' } },
          { line: 3, cells: { record_id: 'a:2', country: 'Australia', study_design: 'Mixed methods', sample_size: 'not reported', participants: '' } },
        ],
      },
      resolve,
    );
    expect(t.problems).toEqual([]);
    expect(t.header).toEqual(['record_id', 'authors', 'year', 'title', 'journal', 'doi', 'country', 'study_design', 'sample_size', 'participants']);
    expect(t.rows[0]).toEqual(['a:1', 'Webber, M.', '2012', 'Title of a:1', '', '10.1093/bjsw/bcr141', 'UK', 'qualitative', '29', '29']);
    expect(t.rows[1][7]).toBe('mixed methods');
  });

  it('reports every problem by study and field', () => {
    const t = buildExtractionTable(
      fields,
      included,
      {
        columns,
        rows: [
          { line: 2, cells: { record_id: 'a:1', country: '', study_design: 'survey', sample_size: '29', participants: 'x' } },
          { line: 3, cells: { record_id: 'a:3', country: 'UK', study_design: 'qualitative', sample_size: '1', participants: '' } },
          { line: 4, cells: { record_id: 'zz:9', country: 'UK', study_design: 'qualitative', sample_size: '1', participants: '' } },
        ],
      },
      resolve,
    );
    const messages = t.problems.map((p) => `${p.study}${p.field ? ' ' + p.field : ''}: ${p.message}`);
    expect(messages).toEqual([
      'a:3: has an extraction row but is not an included study',
      'zz:9: not a record of this review',
      'a:1 country: required value is missing',
      'a:1 study_design: "survey" is not one of: qualitative, mixed methods',
      'a:1 participants: "x" is not a whole number',
      'a:2: included study has no row in extraction.csv',
    ]);
  });

  it('studyCitation takes the first non-empty value across cluster members', () => {
    expect(studyCitation([record('a:1', { journal: '' }), record('b:1', { journal: 'BJSW' })]).journal).toBe('BJSW');
  });
});
