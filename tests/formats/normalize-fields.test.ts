import { describe, expect, it } from 'vitest';
import {
  cleanDoi,
  cleanText,
  combineDocType,
  docTypeFromString,
  extractYear,
  findDoiInText,
  parseAuthorName,
  rawHash,
  splitAuthorCell,
  splitKeywords,
  splitPages,
} from '../../src/formats/normalize-fields.js';

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
