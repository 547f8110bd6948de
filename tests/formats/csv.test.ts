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
    expect(a.raw.toObject().Title).toEqual(['Family group conferences and kinship care: a review']);
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
  it('a lone CR that ends a row in a file of LF or CRLF lines is warned about on its line; lone-CR line ends are not', () => {
    const stray = parseCsv('Title,Authors,Year\nOne,Smith\r J,2020\nTwo,Doe,2021\n', 's.csv');
    expect(stray.records.map((r) => r.title)).toEqual(['One', 'J', 'Two']);
    expect(stray.warnings.filter((w) => /lone carriage return/.test(w.message)).map((w) => w.line)).toEqual([2]);
    const crlf = parseCsv('Title,Authors\r\nOne,Smith\r\nTwo,Doe\r\n', 'c.csv');
    expect(crlf.warnings).toEqual([]);
    const mac = parseCsv('Title,Authors\rOne,Smith\rTwo,Doe\r', 'm.csv');
    expect(mac.records.map((r) => [r.title, r.source.line])).toEqual([['One', 2], ['Two', 3]]);
    expect(mac.warnings).toEqual([]);
  });

  it('EBSCO ="..." cells lose their wrapper', () => {
    const [a, b] = read('csv-ebsco-equals.csv').records;
    expect(a.raw.toObject().ISSN).toEqual(['19326203']);
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

import { parseEmbaseSource } from '../../src/formats/csv.js';
describe('CSV field rules (placeholders, page and volume forms, Embase Source, rows that are not records)', () => {
  it('placeholder cells are missing fields, not values; real values that start like one survive', () => {
    const [a, b, c] = read('csv-missing-values.csv').records;
    expect(a).toMatchObject({ title: 'N-acetylcysteine for kinship carers', volume: '61', issue: 'Suppl 1', startPage: '221', endPage: '228' });
    expect([a.abstract, a.doi]).toEqual([undefined, undefined]);
    expect(b.authors).toEqual([]);
    for (const field of ['year', 'journal', 'volume', 'issue', 'startPage', 'endPage', 'abstract', 'doi'] as const) expect(b[field]).toBeUndefined();
    expect(b.raw.toObject().Volume).toEqual(['N/A']);
    expect(c).toMatchObject({ volume: '12', issue: '3-4', startPage: '1021', endPage: '1035', doi: '10.1000/mv1' });
    expect(c.year).toBeUndefined();
  });
  it('abbreviated end pages in separate start/end page columns expand', () => {
    const r = parseCsv('Title,Start Page,End Page\nT,221,8\n', 'p.csv').records[0];
    expect([r.startPage, r.endPage]).toEqual(['221', '228']);
  });
  it('a header-only file gives no records and says so', () => {
    const result = read('csv-header-only.csv');
    expect(result.records).toEqual([]);
    expect(result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual(['csv-header-only.csv:1: header only; no records']);
  });
  it('section headings, a pasted header and summary rows are skipped with a warning naming the line', () => {
    const result = read('csv-trailer-rows.csv');
    expect(result.records.map((r) => r.title)).toEqual(['A labelled citation', 'An unlabelled citation', 'A third citation after a pasted header']);
    expect(result.records.map((r) => r.source.line)).toEqual([2, 4, 6]);
    expect(result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual([
      'csv-trailer-rows.csv:3: not a record: only "citations that are not yet labeled by anyone" in column "(internal) id", no field of a record; skipped',
      'csv-trailer-rows.csv:5: not a record: the header row again; skipped',
      'csv-trailer-rows.csv:7: not a record: a summary line ("Total: 3"); skipped',
    ]);
  });
  it('a row with only a title or only an abstract is still a record', () => {
    const result = parseCsv('title,abstract\n"Title of reference",""\n"","An abstract"\n', 'm.csv');
    expect(result.records).toHaveLength(2);
  });
  it('Embase.com Source and Open URL Link give journal, year, volume, issue, pages and DOI', () => {
    const result = read('csv-embase-source.csv');
    expect(result.dialect).toBe('embase');
    const [a, b, c] = result.records;
    expect(a).toMatchObject({ journal: 'Child & Family Social Work', year: 2014, volume: '3', issue: '3', startPage: '152', endPage: '160', doi: '10.1000/cfs.2014.152' });
    expect(b).toMatchObject({ journal: 'PLoS ONE', year: 2024, volume: '19', issue: '1', startPage: 'e0292318', doi: '10.1371/journal.pone.0292318' });
    expect(c).toMatchObject({ journal: 'Anatomical Record', year: 2024 });
    expect([c.volume, c.doi]).toEqual([undefined, undefined]);
  });
  it.each([
    ['International Journal of Surgery Case Reports (2019) 54 (83-86). Date of Publication: 1 Jan 2019', { journal: 'International Journal of Surgery Case Reports', year: 2019, volume: '54', startPage: '83', endPage: '86' }],
    ['Nature Communications (2024) 15:1 Article Number: 4063. Date of Publication: 1 Dec 2024', { journal: 'Nature Communications', year: 2024, volume: '15', issue: '1', startPage: '4063' }],
    ['Scientific reports (2024) 14:1 (14316). Date of Publication: 21 Jun 2024', { journal: 'Scientific reports', year: 2024, volume: '14', issue: '1', startPage: '14316' }],
    ['Child & Family Social Work', undefined],
  ])('parseEmbaseSource(%j)', (cell, parts) => {
    expect(parseEmbaseSource(cell)).toEqual(parts);
  });
});
