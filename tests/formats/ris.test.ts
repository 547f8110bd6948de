import { describe, expect, it } from 'vitest';
import { decodeAndParse } from '../../src/formats/registry.js';
import { parseRis, sniffRis, tokenizeRis } from '../../src/formats/ris/index.js';
import type { ParseResult } from '../../src/model/record.js';
import { expectFirstRecord, fixture, type ExpectedFirstRecord } from './helpers.js';

const read = (name: string): ParseResult => decodeAndParse(fixture(name), name);

/** One row per quirk fixture: what the reader must make of it. */
const CASES: {
  file: string;
  dialect: string;
  count: number;
  warnings: string[];
  first: ExpectedFirstRecord;
}[] = [
  {
    file: 'ris-no-final-er.ris',
    dialect: 'generic',
    count: 2,
    warnings: ['ris-no-final-er.ris:13: record starting at line 8 has no ER at end of file; kept'],
    first: { title: 'Peer support for kinship carers: a qualitative study', family: 'Webber', given: 'Martin', year: 2019, doi: '10.1111/cfs.12001', line: 1 },
  },
  {
    file: 'ris-no-er-before-ty.ris',
    dialect: 'generic',
    count: 2,
    warnings: ['ris-no-er-before-ty.ris:5: record starting at line 1 has no ER before the next TY; kept'],
    first: { title: 'First record, never closed', family: 'Smith', given: 'J.', year: 2018, line: 1 },
  },
  {
    file: 'ris-crlf-bom.ris',
    dialect: 'generic',
    count: 2,
    warnings: [],
    first: { title: 'Social work with older people: a scoping review', family: 'Rantamäki', given: 'Kaisa', year: 2021, doi: '10.1093/bjsw/bcaa123', line: 1 },
  },
  {
    file: 'ris-latin1.ris',
    dialect: 'generic',
    count: 1,
    warnings: [],
    first: { title: '“Café culture” and community care in São Paulo', family: 'Müller', given: 'Jürgen', year: 2015, line: 1 },
  },
  {
    file: 'ris-utf16le.ris',
    dialect: 'generic',
    count: 1,
    warnings: [],
    first: { title: 'Résumé of foster care outcomes in Łódź', family: 'Kowalski', given: 'Łukasz', year: 2016, doi: '10.1000/utf16.test', line: 1 },
  },
  {
    file: 'ris-ovid-psycinfo.ris',
    dialect: 'ovid',
    count: 2,
    warnings: [],
    first: {
      title: 'Self-criticism and depression in carers of people with dementia.',
      family: 'Trindade',
      given: 'Ines A',
      year: 2019,
      doi: '10.1002/cpp.9999',
      accession: '2019-00001-001',
      line: 2,
    },
  },
  {
    file: 'ris-proquest.ris',
    dialect: 'proquest',
    count: 3,
    warnings: [],
    first: { title: 'Predictors of stress among kinship carers', family: 'Jones', given: 'Hannah', year: 2019, doi: '10.1002/jts.22387', accession: '2214991469', line: 1 },
  },
  {
    file: 'ris-ebscohost.ris',
    dialect: 'ebscohost',
    count: 2,
    warnings: [],
    first: { title: 'Reablement services for older adults.', family: 'Curry Rogers', given: 'Kristina', year: 2014, doi: '10.1371/journal.pone.0298242', accession: '176404503', line: 1 },
  },
  {
    file: 'ris-multiline.ris',
    dialect: 'generic',
    count: 2,
    warnings: [],
    first: { title: 'A title that continues on a second line', family: 'Tab', given: 'Before Dash', year: 2011, line: 1 },
  },
  {
    file: 'ris-junk-outside.ris',
    dialect: 'generic',
    count: 2,
    warnings: [
      'ris-junk-outside.ris:10: text outside any record ignored: "This stray sentence belongs to no record."',
      'ris-junk-outside.ris:11: ER outside any record; ignored',
    ],
    first: { title: 'Inside a record', year: 2001, line: 5 },
  },
  {
    file: 'ris-normalise.ris',
    dialect: 'generic',
    count: 8,
    warnings: [],
    first: { title: 'In vivo effects & outcomes: p < 0.05 and more', family: 'Webber', given: 'Martin', year: 1998, doi: '10.1000/abc.123', line: 1 },
  },
];

describe.each(CASES)('RIS fixture $file', ({ file, dialect, count, warnings, first }) => {
  const result = read(file);
  it('is read as RIS of the expected dialect', () => {
    expect(result.format).toBe('ris');
    expect(result.dialect).toBe(dialect);
  });
  it(`has ${count} records and the expected warnings`, () => {
    expect(result.records).toHaveLength(count);
    expect(result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual(warnings);
  });
  it('reads the first record', () => {
    expectFirstRecord(result.records[0], first, file);
  });
  it('never makes an empty record', () => {
    for (const r of result.records) expect(r.raw.fieldNames().length).toBeGreaterThan(1);
  });
});

describe('RIS details', () => {
  it('keeps the record without a final ER, with its multi-line abstract', () => {
    const r = read('ris-no-final-er.ris').records[1];
    expect(r.title).toBe('Family group conferences in child protection');
    expect(r.abstract).toBe('The last record of this file has no ER line; rispy would drop it.');
    expect(r.source.line).toBe(8);
  });

  it('Ovid: preamble numbers and Link lines vanish, NL after ER joins the record, SP No/EP Specified dropped, M3 is not a type', () => {
    const { records } = read('ris-ovid-psycinfo.ris');
    const [a, b] = records;
    expect(a.raw.toObject().NL).toEqual(['Clin Psychol Psychother']);
    expect(a.startPage).toBeUndefined();
    expect(a.endPage).toBeUndefined();
    expect(a.type).toBe('journal-article');
    expect(a.rawType).toBe('JOUR');
    expect(a.raw.toObject().M3).toEqual(['Health & Mental Health Treatment & Prevention [3300]']);
    expect(a.exportDatabase).toBe('APA PsycInfo <2019>');
    expect(a.abstract).toBe('Considering that self-criticism is an important process in depression, we studied carers. Results are discussed.');
    // Cited authors (A2) are not authors; DOIs in the reference list (M1) are not the record's DOI.
    expect(a.authors.map((x) => x.family)).toEqual(['Trindade', 'Irons']);
    expect(a.keywords).toEqual(['Caregivers', 'Dementia']);
    expect(a.raw.toObject().KW).toEqual(['*Caregivers', 'Dementia']);
    expect(a.url).toContain('ovidsp.ovid.com');
    expect(b.source.line).toBe(28);
    expect(b.accession).toBe('2019-00002-001');
    expect(b.doi).toBeUndefined();
    expect([b.volume, b.issue, b.startPage, b.endPage]).toEqual(['24', '7', '847', '856']);
    expect(b.raw.toObject().NL).toEqual(['J Health Psychol']);
  });

  it('ProQuest: accession before ";", DB, M3 types, DOI found in L2 or N1', () => {
    const [a, b, c] = read('ris-proquest.ris').records;
    expect(a.exportDatabase).toBe('Social Services Abstracts');
    expect(a.language).toBe('English');
    expect(a.rawType).toBe('Scholarly Journals');
    expect(a.type).toBe('journal-article');
    expect(a.url).toBe('https://search.proquest.com/docview/2214991469?accountid=14772');
    expect(b.accession).toBe('2236127104');
    expect(b.type).toBe('erratum');
    expect(b.rawType).toBe('Erratum');
    expect(b.doi).toBe('10.1002/jts.22400');
    expect(b.source.line).toBe(21);
    expect(c.type).toBe('thesis');
    expect(c.accession).toBe('1234567890');
  });

  it('EBSCOhost: Y1 forms, accession from the UR link, N2 abstract, review type', () => {
    const [a, b] = read('ris-ebscohost.ris').records;
    expect(a.abstract).toBe('Reablement aims to restore independence.');
    expect(a.journal).toBe('Health & Social Care in the Community');
    expect(b.year).toBe(2014);
    expect(b.accession).toBe('175875899');
    expect(b.type).toBe('review');
    expect(b.source.line).toBe(19);
  });

  it('multi-line values, KW one per line, lenient tag spacing', () => {
    const [a, b] = read('ris-multiline.ris').records;
    expect(a.abstract).toBe('First line of the abstract, second line of the abstract ER then text that is not a tag');
    expect(a.keywords).toEqual(['Health Facility Administration', 'Joint Commission', 'Standards']);
    expect([a.startPage, a.endPage]).toEqual(['1', '5']);
    expect(b.title).toBe('Cochrane writes two spaces after the dash');
    expect(b.authors).toEqual([{ family: 'Bywater', given: 'T' }]);
    expect(b.source.line).toBe(14);
  });

  it('normalises authors, DOIs, types and markup', () => {
    const rs = read('ris-normalise.ris').records;
    expect(rs[0].authors).toEqual([
      { family: 'Webber', given: 'Martin' },
      { family: 'Webber', given: 'M.' },
      { family: 'Doorn', given: 'L. V.' },
      { family: 'van Doorn', given: 'L.' },
      { family: 'Webber', given: 'Martin' },
      { family: 'Griffin', given: 'DK' },
    ]);
    expect(rs[0].abstract).toBe('Results 2 were p < 0.05 & q > 1.');
    expect(rs[1].doi).toBe('10.1000/xyz');
    expect(rs[1].year).toBe(2020);
    expect(rs.map((r) => r.type)).toEqual(['journal-article', 'erratum', 'editorial', 'chapter', 'conference', 'editorial', 'editorial', 'thesis']);
    expect(rs[3].journal).toBe('An edited book');
    expect(rs[3].authors).toEqual([{ family: 'Editor', given: 'Ed' }]);
    expect(rs[5].rawType).toBe('Letter');
  });

  it('keeps unknown tags and repeated tags in order in raw', () => {
    const r = parseRis('TY  - JOUR\nTI  - t\nZZ  - one\nZZ  - two\nER  - \n', 'x.ris').records[0];
    expect(r.raw.toObject().ZZ).toEqual(['one', 'two']);
    expect(r.raw.toObject().TY).toEqual(['JOUR']);
  });

  it('rawHash ignores CRLF vs LF but sees any other change', () => {
    const lf = 'TY  - JOUR\nTI  - Same\nER  - \n';
    const a = parseRis(lf, 'a.ris').records[0].rawHash;
    const b = parseRis(lf.replace(/\n/g, '\r\n'), 'b.ris').records[0].rawHash;
    const c = parseRis(lf.replace('Same', 'Other'), 'c.ris').records[0].rawHash;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(read('ris-crlf-bom.ris').records[0].rawHash).toBe(
      parseRis(new TextDecoder().decode(fixture('ris-crlf-bom.ris')).replace(/\r\n/g, '\n'), 'x').records[0].rawHash,
    );
  });

  it('counts physical lines with CRLF and with CR-only line ends', () => {
    const crlf = read('ris-crlf-bom.ris').records;
    expect(crlf[1].source.line).toBe(14);
    const cr = parseRis('TY  - JOUR\rTI  - a\rER  - \r\rTY  - JOUR\rTI  - b\rER  - \r', 'mac.ris').records;
    expect(cr.map((r) => [r.title, r.source.line])).toEqual([
      ['a', 1],
      ['b', 5],
    ]);
  });

  it('tags with no TY before them are kept as a record, with a warning', () => {
    const res = parseRis('\nJF  - Journal\nT1  - Orphan\nER  -\n', 'c.ris');
    expect(res.records).toHaveLength(1);
    expect(res.records[0].title).toBe('Orphan');
    expect(res.records[0].type).toBe('other');
    expect(res.warnings.map((w) => [w.line, w.message])).toEqual([[2, 'record starting at line 2 has no TY; kept']]);
  });

  it('blank-line-only or preamble-only text gives no records', () => {
    expect(parseRis('\n\n   \n', 'e.ris').records).toEqual([]);
    expect(tokenizeRis('1.\nLink to the Ovid Full Text or citation: x\n\n', 'e.ris')).toMatchObject({ entries: [], warnings: [] });
  });

  it('sniffs RIS by content', () => {
    expect(sniffRis('\uFEFFTY  - JOUR\n')).toBe(true);
    expect(sniffRis('1.\r\nTY  - JOUR\r\n')).toBe(true);
    expect(sniffRis('TY - JOUR\n')).toBe(true);
    expect(sniffRis('Title,Authors\nx,y\n')).toBe(false);
    expect(sniffRis('PMID- 123\nTI  - x\n')).toBe(false);
  });
});

describe('two exports appended into one file', () => {
  // The second export's byte-order mark lands at the start of a line in the middle of the file.
  const one = '\uFEFFTY  - JOUR\r\nTI  - First export\r\nER  - \r\n';
  const two = '\uFEFFTY  - BOOK\rTI  - Second export\rER  - \r';
  it('reads the mark at a line start as the start of the next export, not as text', () => {
    const parsed = parseRis(one + two + one, 'appended.ris');
    expect(parsed.warnings).toEqual([]);
    expect(parsed.records.map((r) => [r.title, r.rawType])).toEqual([
      ['First export', 'JOUR'],
      ['Second export', 'BOOK'],
      ['First export', 'JOUR'],
    ]);
  });
  it('gives a record the same raw hash with or without the mark', () => {
    const withMark = parseRis(one + one, 'a.ris').records.map((r) => r.rawHash);
    expect(withMark[1]).toBe(withMark[0]);
  });
});
