import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRefworksTagged, refworksTaggedReader, sniffRefworksTagged } from '../../src/formats/refworks-tagged.js';
import { sniffWosTagged } from '../../src/formats/wos-tagged.js';
import { CORPUS, FIXTURES } from './helpers.js';
import { decodedFile, expectOnlyClaimedBy, expectSniffIsolation } from './foreign-files.js';
import { expectLikeZotero, readExpected } from './tagged-corpus-helpers.js';

const FIXTURE = 'refworks-quirks.txt';
const fixtureText = () => readFileSync(path.join(FIXTURES, FIXTURE), 'utf8');

describe(`refworks fixture ${FIXTURE}`, () => {
  const text = fixtureText();
  const result = parseRefworksTagged(text, 'rw.txt');
  const [article, chapter, thesis, noRt] = result.records;

  it('skips the legend header and reads records from RT, with start lines', () => {
    expect(refworksTaggedReader.name).toBe('refworks');
    expect(result.format).toBe('refworks');
    expect(result.dialect).toBe('refworks');
    expect(result.records.map((r) => r.source.line)).toEqual([15, 38, 47, 54]);
    expect(result.records.map((r) => r.type)).toEqual(['journal-article', 'chapter', 'thesis', 'other']);
  });

  it('reads the fields, joining unindented continuation lines', () => {
    expect(article).toMatchObject({
      title: 'Peer support for young carers: a mixed-methods evaluation',
      abstract: 'Young carers & their families were followed for 12 months. A second paragraph of the abstract, not indented.',
      year: 2021,
      journal: 'Child & Family Social Work',
      volume: '26',
      issue: '3',
      startPage: '401',
      endPage: '412',
      doi: '10.1111/cfs.12345',
      language: 'English',
      accession: '2021-00001-001',
      url: 'https://onlinelibrary.wiley.com/doi/10.1111/cfs.12345',
      rawType: 'Journal Article',
    });
    expect(article.authors).toEqual([
      { family: 'Webber', given: 'Martin' },
      { family: 'van Doorn', given: 'Lisa' },
    ]);
    expect(article.keywords).toEqual(['young carers', 'peer support', 'mixed methods']);
  });

  it('a chapter: page range in SP, book title (T2) not a journal; a thesis: DOI from the notes', () => {
    expect([chapter.startPage, chapter.endPage, chapter.journal]).toEqual(['11', '31', undefined]);
    expect(thesis.doi).toBe('10.5555/thesis.2020.1');
    expect(thesis.exportDatabase).toBe('ProQuest Dissertations');
    expect(thesis.authors).toEqual([{ family: 'Rantamäki', given: 'K.' }]);
  });

  it('warns about a record run on without a blank line and one without RT, and keeps both', () => {
    expect(noRt.title).toBe('A record that lost its RT line');
    expect(result.warnings).toEqual([
      { file: 'rw.txt', line: 47, message: expect.stringContaining('blank line') },
      { file: 'rw.txt', line: 54, message: expect.stringContaining('not RT') },
    ]);
  });

  it('keeps every tag in raw and hashes raw text independently of line endings', () => {
    expect(article.raw.toObject().K1).toEqual(['young carers', 'peer support; mixed methods']);
    expect(article.raw.toObject().OL).toEqual(['English(30)']);
    expect(chapter.raw.toObject().T2).toEqual(['Handbook of Community Care']);
    const crlf = parseRefworksTagged(text.replace(/\n/g, '\r\n'), 'rw.txt');
    expect(crlf.records.map((r) => r.rawHash)).toEqual(result.records.map((r) => r.rawHash));
    expect(new Set(result.records.map((r) => r.rawHash)).size).toBe(4);
  });
});

describe('refworks sniff', () => {
  it('claims RefWorks files, not RIS or WoS', () => {
    expect(sniffRefworksTagged(fixtureText())).toBe(true);
    expect(sniffRefworksTagged('RT Journal Article\nA1 Smith,J\nT1 x\n')).toBe(true);
    expect(sniffRefworksTagged('TY  - JOUR\nT1  - x\nER  - \n')).toBe(false);
    expect(sniffRefworksTagged('FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nID KEYWORDS\nTI x\nER\n')).toBe(false);
    expect(sniffWosTagged(fixtureText())).toBe(false);
  });

  it('claims no fixture of another reader, and no other reader claims the RefWorks fixture', () => {
    expectSniffIsolation(refworksTaggedReader, FIXTURE, fixtureText());
  });
});

/** Records counted without the parser: `RT` lines. */
const independentCount = (text: string) => (text.match(/^RT \S/gm) ?? []).length;

describe.skipIf(!existsSync(CORPUS))('refworks corpus', () => {
  const zotero = path.join(CORPUS, 'zotero-translators-testcases');
  const files = existsSync(zotero)
    ? readdirSync(zotero)
        .filter((f) => /^refworks-tagged-case\d+\.txt$/.test(f))
        .map((f) => path.join(zotero, f))
    : [];

  it.each(files.map((f) => [path.relative(CORPUS, f), f]))('%s: sniffed by RefWorks only, every record read', (_rel, file) => {
    const text = decodedFile(file);
    expectOnlyClaimedBy(refworksTaggedReader, text, file);
    const r = parseRefworksTagged(text, file);
    expect(r.records.length).toBe(independentCount(text));
    expect(r.warnings).toEqual([]);
    for (const rec of r.records) expect(rec.title).not.toBe('');
    const expected = readExpected(file);
    if (expected) expectLikeZotero(r.records, expected, path.basename(file));
  });

  it('Zotero samples: types and the DOI written into the notes', () => {
    const rec = (n: number) => parseRefworksTagged(readFileSync(path.join(zotero, `refworks-tagged-case0${n}.txt`), 'utf8'), `c${n}`).records[0];
    if (!existsSync(path.join(zotero, 'refworks-tagged-case04.txt'))) return;
    expect([rec(1).type, rec(2).type, rec(3).type, rec(4).type]).toEqual(['chapter', 'thesis', 'journal-article', 'journal-article']);
    expect(rec(4)).toMatchObject({ doi: '10.1086/374030', source: { line: 94 }, startPage: '337', endPage: '367' });
  });
});
