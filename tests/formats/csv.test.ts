import { describe, expect, it } from 'vitest';
import { findCsvHeader, normalizeHeader, parseCsv, SOCIAL_CARE_ONLINE_HEADER } from '../../src/formats/csv.js';
import { decodeAndParse } from '../../src/formats/registry.js';
import { LitscreenError } from '../../src/errors.js';
import type { ParseResult } from '../../src/model/record.js';
import { expectFirstRecord, fixture, type ExpectedFirstRecord } from './helpers.js';

const read = (name: string): ParseResult => decodeAndParse(fixture(name), name);

const CASES: {
  file: string;
  format: string;
  dialect: string;
  count: number;
  warnings: string[];
  first: ExpectedFirstRecord;
}[] = [
  {
    file: 'csv-social-care-online.csv',
    format: 'csv',
    dialect: 'social-care-online',
    count: 3,
    warnings: [],
    first: { title: 'Family group conferences and kinship care: a review', family: 'Anghel', given: 'R.', year: 2019, doi: '10.1111/cfs.12345', accession: 'SCO-0001', line: 2 },
  },
  {
    file: 'csv-excel-bom-crlf.csv',
    format: 'csv',
    dialect: 'generic',
    count: 3,
    warnings: ['csv-excel-bom-crlf.csv:9: row has no title; kept'],
    first: { title: 'A study with a multi-line title cell', family: 'Smith', given: 'J.', year: 2019, doi: '10.1000/a1', line: 2 },
  },
  {
    file: 'csv-ebsco-equals.csv',
    format: 'csv',
    dialect: 'ebsco',
    count: 2,
    warnings: [],
    first: { title: 'Reablement for older adults.', family: 'Curry Rogers', given: 'Kristina', year: 2024, doi: '10.1371/journal.pone.0298242', accession: '176404503', line: 2 },
  },
  {
    file: 'csv-semicolon.csv',
    format: 'csv',
    dialect: 'generic',
    count: 2,
    warnings: [],
    first: { title: 'Semicolon separated export', family: 'Smith', given: 'J.', year: 2018, line: 2 },
  },
  {
    file: 'tsv-basic.tsv',
    format: 'tsv',
    dialect: 'generic',
    count: 1,
    warnings: [],
    first: { title: 'A tab separated export', family: 'Smith', given: 'J.', year: 2017, doi: '10.1000/t1', line: 2 },
  },
  {
    file: 'csv-preamble.csv',
    format: 'csv',
    dialect: 'embase',
    count: 1,
    warnings: [],
    first: { title: 'Kinship care outcomes', family: 'Yang', given: 'Z.', year: 2024, doi: '10.1000/pre1', line: 5 },
  },
];

describe.each(CASES)('CSV fixture $file', ({ file, format, dialect, count, warnings, first }) => {
  const result = read(file);
  it('is read with the expected format and dialect', () => {
    expect([result.format, result.dialect]).toEqual([format, dialect]);
  });
  it(`has ${count} records and the expected warnings`, () => {
    expect(result.records).toHaveLength(count);
    expect(result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual(warnings);
  });
  it('reads the first record', () => {
    expectFirstRecord(result.records[0], first, file);
  });
});

describe('Social Care Online CSV (Excel: UTF-8 BOM, CRLF)', () => {
  const { records } = read('csv-social-care-online.csv');
  it('reads every field of the documented layout', () => {
    const [a, b, c] = records;
    expect(a).toMatchObject({
      title: 'Family group conferences and kinship care: a review',
      authors: [
        { family: 'Anghel', given: 'R.' },
        { family: 'Ramon', given: 'S.' },
      ],
      year: 2019,
      journal: 'Child & Family Social Work',
      volume: '24',
      issue: '4',
      startPage: '739',
      endPage: '751',
      doi: '10.1111/cfs.12345',
      abstract: 'Family group conferences bring the family together. A second paragraph of the abstract.',
      keywords: ['kinship care', 'family group conferences', 'child protection'],
      type: 'journal-article',
      rawType: 'Journal article',
      language: 'English',
      accession: 'SCO-0001',
      url: 'https://www.scie-socialcareonline.org.uk/sco-0001',
    });
    expect(a.raw.Title).toEqual(['Family group conferences and kinship care: a review']);
    expect(b).toMatchObject({ type: 'report', rawType: 'Report', source: { line: 4 }, authors: [{ family: 'Webber', given: 'Martin' }] });
    expect(b.volume).toBeUndefined();
    expect(b.doi).toBeUndefined();
    expect(c).toMatchObject({ type: 'erratum', source: { line: 5 }, startPage: '200', doi: '10.1111/cfs.12399' });
    expect(c.endPage).toBeUndefined();
    expect(c.authors.map((x) => x.family)).toEqual(['Anghel', 'Ramon', 'van Doorn']);
  });
  it('the header constant is the fixture header', () => {
    const text = new TextDecoder().decode(fixture('csv-social-care-online.csv'));
    expect(text.split('\r\n')[0]).toBe(SOCIAL_CARE_ONLINE_HEADER);
  });
});

describe('CSV details', () => {
  it('physical lines of rows after multi-line cells, empty rows skipped, untitled rows kept', () => {
    const rs = read('csv-excel-bom-crlf.csv').records;
    expect(rs.map((r) => r.source.line)).toEqual([2, 7, 9]);
    expect(rs[0].abstract).toBe('Line one line two line three');
    expect(rs[2].title).toBe('');
    expect(rs[2].authors).toEqual([{ family: 'No Title', given: 'Person' }]);
  });
  it('EBSCO ="..." cells lose their wrapper', () => {
    const [a, b] = read('csv-ebsco-equals.csv').records;
    expect(a.raw.ISSN).toEqual(['19326203']);
    expect(b.accession).toBe('000175875899');
    expect(b.type).toBe('editorial');
    expect(a.keywords).toEqual(['REABLEMENT', 'OLDER people', 'home care']);
  });
  it('pages, author separators and types in other layouts', () => {
    const [a, b] = read('csv-semicolon.csv').records;
    expect([a.startPage, a.endPage, a.type]).toEqual(['12', '20', 'review']);
    expect(b.authors).toEqual([
      { family: 'Griffin', given: 'DK' },
      { family: 'Larkin', given: 'DM' },
    ]);
    expect(b.type).toBe('editorial');
    const t = read('tsv-basic.tsv').records[0];
    expect(t.authors.map((x) => x.family)).toEqual(['Smith', 'Jones']);
    expect(t.keywords).toEqual(['one', 'two']);
  });
  it('rawHash is the raw row: CRLF and LF copies hash the same', () => {
    const crlf = 'Title,Year\r\n"A, b",2001\r\n';
    expect(parseCsv(crlf, 'a.csv').records[0].rawHash).toBe(parseCsv(crlf.replace(/\r\n/g, '\n'), 'b.csv').records[0].rawHash);
    expect(parseCsv(crlf, 'a.csv').records[0].rawHash).not.toBe(parseCsv(crlf.replace('2001', '2002'), 'c.csv').records[0].rawHash);
  });
  it('no title column is an input error on line 1', () => {
    let err: unknown;
    try {
      read('csv-no-title.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LitscreenError);
    expect((err as LitscreenError).exitCode).toBe(3);
    expect((err as LitscreenError).format()).toMatch(/^csv-no-title\.csv:1: no column can hold the title \(looked for Title, TI, Primary Title, /);
  });
  it('header aliases ignore case, spaces and punctuation', () => {
    expect(normalizeHeader('\uFEFFAuthor(s)')).toBe('authors');
    expect(normalizeHeader(' Publication  Year ')).toBe('publicationyear');
    const r = parseCsv('PRIMARY TITLE,author/s,publication_year\nT,"Doe, J.",1999\n', 'x.csv').records[0];
    expect([r.title, r.authors[0].family, r.year]).toEqual(['T', 'Doe', 1999]);
  });
  it('finds the header and delimiter', () => {
    expect(findCsvHeader('a;b\nTitle;Authors\n')).toEqual({ delimiter: ';', headerLine: 2 });
    expect(findCsvHeader('TI\tAU\n')).toEqual({ delimiter: '\t', headerLine: 1 });
    expect(findCsvHeader('Name,Year\n')).toBeUndefined();
  });
  it('an unterminated quote is an input error with a line', () => {
    expect(() => parseCsv('Title,Year\n"open,2001\n', 'bad.csv')).toThrow(LitscreenError);
  });
});

import { accessionFromUrl } from '../../src/formats/csv.js';
describe('accession from a record link (CSV without an accession column)', () => {
  it.each([
    ['https://search.proquest.com/docview/2214991469?accountid=14772', '2214991469'],
    ['http://search.ebscohost.com/login.aspx?direct=true&db=aph&AN=176404503&site=ehost-live', '176404503'],
    ['https://www.scie-socialcareonline.org.uk/record/1234567/', '1234567'],
    ['https://www.example.org/about.html', undefined],
    ['https://doi.org/', undefined],
    [undefined, undefined],
  ])('%s', (url, id) => expect(accessionFromUrl(url)).toBe(id));
});
