import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRefer, referReader, sniffRefer } from '../../src/formats/refer.js';
import { CORPUS, FIXTURES } from './helpers.js';
import { decodedFile, expectOnlyClaimedBy, expectSniffIsolation } from './foreign-files.js';
import { expectLikeZotero, readExpected } from './tagged-corpus-helpers.js';

const FIXTURE = 'refer-quirks.enw';
const fixtureText = () => readFileSync(path.join(FIXTURES, FIXTURE), 'utf8');

describe(`refer fixture ${FIXTURE}`, () => {
  const text = fixtureText();
  const result = parseRefer(text, 'r.enw');
  const [article, ais, chapter, review, untitled] = result.records;

  it('splits records on blank lines (and on a %0 that runs on), with start lines', () => {
    expect(referReader.name).toBe('refer');
    expect(result.format).toBe('refer');
    expect(result.dialect).toBe('endnote-tagged');
    expect(result.records.map((r) => r.source.line)).toEqual([1, 22, 32, 41, 49]);
  });

  it('joins continuation lines, strips markup, one author per %A', () => {
    expect(article.title).toBe('Peer support for young carers: a mixed-methods evaluation');
    expect(article.abstract).toBe('Young carers & their families were followed for 12 months. A second paragraph of the abstract.');
    expect(article.authors).toEqual([
      { family: 'Webber', given: 'Martin' },
      { family: 'van Doorn', given: 'Lisa' },
      { family: 'Acne Study Group', given: '' },
    ]);
  });

  it('reads journal, year, volume, issue, pages, DOI from %R, keywords split on lines and ";"', () => {
    expect(article).toMatchObject({
      type: 'journal-article',
      rawType: 'Journal Article',
      journal: 'Child & Family Social Work',
      year: 2021,
      volume: '26',
      issue: '3',
      startPage: '401',
      endPage: '412',
      doi: '10.1111/cfs.12345',
      language: 'English',
      accession: 'WOS:000601234500007',
      url: 'https://onlinelibrary.wiley.com/doi/10.1111/cfs.12345',
    });
    expect(article.keywords).toEqual(['young carers', 'peer support', 'school-based intervention', 'mixed methods']);
    expect(review.doi).toBe('10.1016/j.childyouth.2022.106590');
  });

  it('AIS layout: %T before %0, journal in %B', () => {
    expect(ais).toMatchObject({ title: 'Decision support for child protection workers', journal: 'Nordic Social Work Research', year: 2020 });
    expect(ais.authors).toEqual([{ family: 'Rantamäki', given: 'K.' }]);
  });

  it('types: %0 mapped, refined by %9; a book section keeps %B out of the journal', () => {
    expect(result.records.map((r) => r.type)).toEqual(['journal-article', 'journal-article', 'review', 'review', 'other']);
    expect(chapter.journal).toBeUndefined();
    expect([chapter.startPage, chapter.endPage]).toEqual(['11', '31']);
  });

  it('warns about text outside records, a run-on record and a missing title', () => {
    expect(untitled.title).toBe('');
    expect(result.warnings).toEqual([
      { file: 'r.enw', line: 30, message: expect.stringContaining('outside a record') },
      { file: 'r.enw', line: 41, message: expect.stringContaining('blank line') },
      { file: 'r.enw', line: 49, message: expect.stringContaining('no title') },
    ]);
  });

  it('keeps every tag in raw and hashes raw text independently of line endings', () => {
    expect(article.raw.toObject()['%A']).toHaveLength(3);
    expect(article.raw.toObject()['%K']).toEqual(['young carers\npeer support', 'school-based intervention; mixed methods']);
    expect(chapter.raw.toObject()['%E']).toEqual(['Smith, Jane']);
    const crlf = parseRefer(text.replace(/\n/g, '\r\n'), 'r.enw');
    expect(crlf.records.map((r) => r.rawHash)).toEqual(result.records.map((r) => r.rawHash));
    expect(new Set(result.records.map((r) => r.rawHash)).size).toBe(5);
  });
});

describe('refer sniff', () => {
  it('claims refer files, not TeX comments or a lone %0', () => {
    expect(sniffRefer(fixtureText())).toBe(true);
    expect(sniffRefer('\n%A Webber, Martin\n')).toBe(true);
    expect(sniffRefer('%0\n%A x\n%T y\n')).toBe(true);
    expect(sniffRefer('%0\n')).toBe(false);
    expect(sniffRefer('% a comment\n%A x\n')).toBe(false);
    expect(sniffRefer('%%\n%A x\n')).toBe(false);
    expect(sniffRefer('TY  - JOUR\n%A x\n')).toBe(false);
  });

  it('claims no fixture of another reader, and no other reader claims the refer fixture', () => {
    expectSniffIsolation(referReader, FIXTURE, fixtureText());
  });
});

/** Records counted without the parser: blank-line-separated blocks that hold a `%` line (AIS puts %T first; BibIX repeats %0). */
const independentCount = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .filter((block) => /^%/m.test(block)).length;

describe.skipIf(!existsSync(CORPUS))('refer corpus', () => {
  const zotero = path.join(CORPUS, 'zotero-translators-testcases');
  const files = [
    ...(existsSync(zotero) ? readdirSync(zotero).filter((f) => /^refer-bibix-case\d+\.txt$/.test(f)).map((f) => path.join(zotero, f)) : []),
    path.join(CORPUS, 'jabref-importer-tests/Endnote.book.example.enw'),
    path.join(CORPUS, 'colrev-search-source-tests/ais_enl.txt'),
    path.join(CORPUS, 'colrev-search-source-tests/loader_enl_data.enl'),
  ].filter((f) => existsSync(f));

  it.each(files.map((f) => [path.relative(CORPUS, f), f]))('%s: sniffed by refer only, every record read', (_rel, file) => {
    const text = decodedFile(file);
    expectOnlyClaimedBy(referReader, text, file);
    const r = parseRefer(text, file);
    expect(r.records.length).toBe(independentCount(text));
    expect(r.warnings).toEqual([]);
    for (const rec of r.records) {
      expect(rec.title).not.toBe('');
      expect(rec.source.line).toBeGreaterThan(0);
    }
    const expected = readExpected(file);
    if (expected) expectLikeZotero(r.records, expected, path.basename(file));
  });

  it('AIS eLibrary: 6 records, %B as journal, conference papers recognised', () => {
    const file = path.join(CORPUS, 'colrev-search-source-tests/ais_enl.txt');
    if (!existsSync(file)) return;
    const recs = parseRefer(readFileSync(file, 'utf8'), file).records;
    expect(recs.map((r) => r.source.line)).toEqual([1, 17, 27, 37, 50, 61]);
    expect(recs[0]).toMatchObject({ journal: 'Management Information Systems Quarterly', year: 2021, startPage: '1309', endPage: '1348' });
    expect(recs[3].type).toBe('conference');
  });

  it("JabRef's samples: accepted and rejected like JabRef's EndnoteImporter", () => {
    const dir = path.join(CORPUS, 'jabref-importer-tests');
    if (!existsSync(dir)) return;
    for (const f of ['Endnote.pattern.A.enw', 'Endnote.pattern.E.enw', 'Endnote.book.example.enw', 'Endnote.entries.enw']) {
      expect(sniffRefer(readFileSync(path.join(dir, f), 'utf8')), f).toBe(true);
    }
    for (const f of ['Endnote.pattern.no_enw', 'IsiImporterTest1.isi', 'IsiImporterTestMedline.isi', 'RisImporterTest1.ris']) {
      expect(sniffRefer(readFileSync(path.join(dir, f), 'utf8')), f).toBe(false);
    }
    const entries = parseRefer(readFileSync(path.join(dir, 'Endnote.entries.enw'), 'utf8'), 'e.enw').records;
    expect(entries[0]).toMatchObject({ title: 'testT', authors: [{ family: 'testA0', given: '' }, { family: 'testA1', given: '' }] });
    const book = parseRefer(readFileSync(path.join(dir, 'Endnote.book.example.enw'), 'utf8'), 'b.enw').records[0];
    expect(book).toMatchObject({ type: 'book', year: 2016 });
    expect(book.startPage).toBeUndefined(); // "XX, 327" is the book's page count
    expect(book.authors[0]).toEqual({ family: 'Preißel', given: 'René' });
  });
});
