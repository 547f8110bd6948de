import { describe, expect, it } from 'vitest';
import {
  cleanDoi,
  cleanText,
  combineDocType,
  docTypeFromString,
  expandPageEnd,
  extractYear,
  findDoiInText,
  isMissingValue,
  nonEmpty,
  normalizeIssue,
  parseAuthorName,
  rawHash,
  splitAuthorCell,
  splitKeywords,
  splitPages,
  splitVolumeIssue,
  tidyRecord,
} from '../../src/formats/normalize-fields.js';
import { RawFields, type ParsedRecord } from '../../src/model/record.js';

describe('parseAuthorName', () => {
  it.each([
    ['Webber, Martin', 'Webber', 'Martin'],
    ['Webber, M.', 'Webber', 'M.'],
    ['Doorn, L. V.', 'Doorn', 'L. V.'],
    ['van Doorn, L.', 'van Doorn', 'L.'],
    ['Martin Webber', 'Webber', 'Martin'],
    ['Lisa van Doorn', 'van Doorn', 'Lisa'],
    ['Griffin DK', 'Griffin', 'DK'],
    ['Wilson L.N.', 'Wilson', 'L.N.'],
    ['Brownstein C D', 'Brownstein', 'C D'],
    ['Andres', 'Andres', ''],
    ['  Trindade,   Ines A  ', 'Trindade', 'Ines A'],
    ['van den Hoven,null', 'van den Hoven', ''],
  ])('%s', (name, family, given) => {
    expect(parseAuthorName(name)).toEqual({ family, given });
  });
  it('returns undefined for an empty name', () => {
    expect(parseAuthorName(' ; ')).toBeUndefined();
  });
});

describe('splitAuthorCell', () => {
  it.each([
    ['Anghel, R.; Ramon, S.', ['Anghel, R.', ' Ramon, S.']],
    ['Barrett, Paul M; Willis, Katherine J; ', ['Barrett, Paul M', ' Willis, Katherine J', '']],
    ['Yang, Z. and Jiang, B.', ['Yang, Z.', 'Jiang, B.']],
    ['Smith, J.|Jones, K.', ['Smith, J.', 'Jones, K.']],
    ['Griffin DK, Larkin DM, O\'Connor RE.', ['Griffin DK', 'Larkin DM', "O'Connor RE."]],
    ['Yang Z., Jiang B., Xu J.', ['Yang Z.', 'Jiang B.', 'Xu J.']],
    ['Joseph Rottman, Erran Carmel, Mary Lacity', ['Joseph Rottman', 'Erran Carmel', 'Mary Lacity']],
    ['Webber, Martin', ['Webber, Martin']],
    ["['Marx, Karl', 'Lindgren, Astrid']", ['Marx, Karl', 'Lindgren, Astrid']],
  ])('%s', (cell, names) => {
    expect(splitAuthorCell(cell)).toEqual(names);
  });
});

describe('extractYear', () => {
  it.each([
    ['2019//', 2019],
    ['2014///', 2014],
    ['2014/05/', 2014],
    ['4/3/2024', 2024],
    ['2024-02-01', 2024],
    ['circa 1998, reprinted 2004', 1998],
    ['12345', undefined],
    ['no date', undefined],
  ])('%s', (v, y) => {
    expect(extractYear(v)).toBe(y);
  });
});

describe('DOI cleaning', () => {
  it.each([
    ['http://dx.doi.org/10.1002/cpp.2398', '10.1002/cpp.2398'],
    ['https://doi.org/10.1093/BJSW/BCAA123.', '10.1093/bjsw/bcaa123'],
    ['doi:10.1000/ABC.123;', '10.1000/abc.123'],
    ['DOI: 10.1000/x,', '10.1000/x'],
    ['10.1016/S0889-8553(01)00002-4', '10.1016/s0889-8553(01)00002-4'],
    ['not a doi', undefined],
  ])('cleanDoi(%s)', (v, d) => {
    expect(cleanDoi(v)).toBe(d);
  });
  it('finds DOIs in URLs and notes', () => {
    expect(findDoiInText('https://www.scopus.com/inward/record.uri?eid=2-s2.0-1&doi=10.1038%2fs41467-024-46843-2&partnerID=40')).toBe(
      '10.1038/s41467-024-46843-2',
    );
    expect(findDoiInText('DOI 10.1002/jts.22400; corrected')).toBe('10.1002/jts.22400');
    expect(findDoiInText('http://sfx.example.org/?url_ver=Z39.88-2004')).toBeUndefined();
  });
});

describe('document types', () => {
  it.each([
    ['JOUR', 'journal-article'],
    ['MGZN', 'journal-article'],
    ['BOOK', 'book'],
    ['CHAP', 'chapter'],
    ['THES', 'thesis'],
    ['CPAPER', 'conference'],
    ['ABST', 'conference'],
    ['RPRT', 'report'],
    ['Erratum', 'erratum'],
    ['Correction', 'erratum'],
    ['Comment', 'editorial'],
    ['Reply', 'editorial'],
    ['Letter', 'editorial'],
    ['Editorial', 'editorial'],
    ['Book Review', 'editorial'],
    ['Review', 'review'],
    ['Dissertation', 'thesis'],
    ['Dissertation/Thesis', 'thesis'],
    ['Scholarly Journals', 'journal-article'],
    ['Journal article', 'journal-article'],
    ['Conference Abstract', 'conference'],
    ['Report', 'report'],
    ['GEN', undefined],
  ])('%s', (s, t) => {
    expect(docTypeFromString(s)).toBe(t);
  });
  it('lets a specific vendor type override a generic TY', () => {
    expect(combineDocType('journal-article', 'erratum')).toBe('erratum');
    expect(combineDocType('journal-article', 'journal-article')).toBe('journal-article');
    expect(combineDocType('chapter', 'book')).toBe('chapter');
    expect(combineDocType(undefined, undefined)).toBe('other');
    expect(combineDocType('other', 'report')).toBe('report');
  });
});

describe('text helpers', () => {
  it('strips HTML tags and entities but keeps comparisons', () => {
    expect(cleanText('<i>In vivo</i> p &lt; 0.05 &amp; <span class="x">q</span> > 1 &#233;&#x2013;')).toBe('In vivo p < 0.05 & q > 1 é–');
    expect(cleanText('a < b and c > d')).toBe('a < b and c > d');
    expect(cleanText('  \n ')).toBeUndefined();
  });
  it('splits keywords and pages', () => {
    expect(splitKeywords('a; *b;\nc')).toEqual(['a', 'b', 'c']);
    expect(splitKeywords('article, cyst (diagnosis, surgery)', true)).toEqual(['article', 'cyst (diagnosis, surgery)']);
    expect(splitPages('739-751')).toEqual({ startPage: '739', endPage: '751' });
    expect(splitPages('e0815')).toEqual({ startPage: 'e0815' });
  });
  it('hashes to 12 hex characters', () => {
    expect(rawHash('TY  - JOUR\nER  - ')).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('missing values', () => {
  it.each(['', '  ', 'NA', 'N/A', 'n/a', '#N/A', 'null', 'NULL', 'None', 'nan', 'NaN', '-', '--', '—', '‐', '?', '[No abstract available]', 'No abstract available', '[Not Available]', 'Abstract not available', 'No pagination specified', 'no issue', '[no title]'])(
    '%j is a placeholder',
    (v) => {
      expect(isMissingValue(v)).toBe(true);
      expect(nonEmpty(v)).toBeUndefined();
      expect(cleanText(v)).toBeUndefined();
    },
  );
  it.each(['N-acetylcysteine', 'NA-rich diet', 'Na', 'Nan', 'na', 'Null models of coexistence', 'No Safe Place Given', 'Not all who wander', '0', 'e123', 'S1', '[Chinese title in English translation]'])(
    '%j is a value',
    (v) => {
      expect(isMissingValue(v)).toBe(false);
      expect(nonEmpty(v)).toBe(v);
    },
  );
  it('drops placeholder authors and keywords but not the Korean surname Na', () => {
    expect(parseAuthorName('NA')).toBeUndefined();
    expect(parseAuthorName('Na, J.')).toEqual({ family: 'Na', given: 'J.' });
    expect(splitKeywords('acne; NA; -; N-acetylcysteine')).toEqual(['acne', 'N-acetylcysteine']);
  });
});

describe('page ranges', () => {
  it.each([
    ['221-8', '221', '228'],
    ['1021-35', '1021', '1035'],
    ['e123-e130', 'e123', 'e130'],
    ['S12-4', 'S12', 'S14'],
    ['S12-S4', 'S12', 'S14'],
    ['221-228', '221', '228'],
    ['xii-xv', 'xii', 'xv'],
    ['229-1', '229', '1'],
    ['1279‐1297', '1279', '1297'],
    ['43 – 58', '43', '58'],
  ])('splitPages(%j)', (v, startPage, endPage) => {
    expect(splitPages(v)).toEqual({ startPage, endPage });
  });
  it('leaves article numbers and placeholders alone', () => {
    expect(splitPages('e0815341')).toEqual({ startPage: 'e0815341' });
    expect(splitPages('CD008173')).toEqual({ startPage: 'CD008173' });
    expect(splitPages('-')).toEqual({});
    expect(splitPages('NA')).toEqual({});
  });
  it('expands an end page given on its own', () => {
    expect(expandPageEnd('221', '8')).toBe('228');
    expect(expandPageEnd('e1153', '4')).toBe('e1154');
    expect(expandPageEnd('A55', 'B6')).toBe('B6');
  });
});

describe('volume and issue', () => {
  it.each([
    ['61 (Supplement 1)', undefined, '61', 'Suppl 1'],
    ['61(4)', undefined, '61', '4'],
    ['61 (4)', undefined, '61', '4'],
    ['61 (Suppl 1)', undefined, '61', 'Suppl 1'],
    ['61 Suppl 2', undefined, '61', 'Suppl 2'],
    ['61 Suppl. 2', undefined, '61', 'Suppl 2'],
    ['74 Suppl', undefined, '74', 'Suppl'],
    ['12(3-4)', undefined, '12', '3-4'],
    ['Volume 13 Suppl 1', undefined, '13', 'Suppl 1'],
    ['35 ( Pt 1)', undefined, '35', 'Pt 1'],
    ['Suppl. 2', undefined, undefined, 'Suppl 2'],
    ['61', 'Supplement 1', '61', 'Suppl 1'],
    ['61', 'sup1', '61', 'Suppl 1'],
    ['61', '4 (Suppl 1)', '61', '4 Suppl 1'],
    ['61', '(4)', '61', '4'],
    ['61(4)', '5', '61', '5'],
    ['7 Suppl 18', '4', '7', '4 Suppl 18'],
    ['61 (Supplement 1)', 'NA', '61', 'Suppl 1'],
    ['NA', '-', undefined, undefined],
    ['30a', undefined, '30a', undefined],
    ['1262 CCIS', undefined, '1262 CCIS', undefined],
    ['1-2', '1 January', '1-2', '1 January'],
  ])('%j / %j', (volume, issue, v, i) => {
    expect(splitVolumeIssue(volume, issue)).toEqual({ volume: v, issue: i });
  });
  it('spells a supplement issue one way', () => {
    expect(['Supplement', 'SUPPL. 2', '11 SUPPL.', 'Supp 3'].map(normalizeIssue)).toEqual(['Suppl', 'Suppl 2', '11 Suppl', 'Suppl 3']);
  });
});

describe('tidyRecord', () => {
  const record = (fields: Partial<ParsedRecord>): ParsedRecord => ({
    source: { file: 'x', line: 1 },
    type: 'journal-article',
    title: 'T',
    authors: [],
    keywords: [],
    raw: RawFields.EMPTY,
    rawHash: '000000000000',
    ...fields,
  });
  it('drops placeholders from every optional field and keeps raw as exported', () => {
    const r = tidyRecord(
      record({ journal: '-', volume: 'NA', issue: 'null', startPage: '--', doi: 'N/A', abstract: '[No abstract available]', language: 'NA', accession: 'NA', url: 'NA', keywords: ['NA', 'acne'], raw: RawFields.fromObject({ VL: ['NA'] }) }),
    );
    expect(Object.keys(r).sort()).toEqual(['authors', 'keywords', 'raw', 'rawHash', 'source', 'title', 'type']);
    expect(r.keywords).toEqual(['acne']);
    expect(r.raw.toObject().VL).toEqual(['NA']);
  });
  it('expands pages given as a range in the start page or as an abbreviated end page', () => {
    expect(tidyRecord(record({ startPage: '221-8' }))).toMatchObject({ startPage: '221', endPage: '228' });
    expect(tidyRecord(record({ startPage: '1021', endPage: '35' }))).toMatchObject({ startPage: '1021', endPage: '1035' });
  });
});
