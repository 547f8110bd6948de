import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWosTagged, sniffWosTagged, wosTaggedReader } from '../../src/formats/wos-tagged.js';
import { CORPUS, FIXTURES } from './helpers.js';
import { decodedFile, expectOnlyClaimedBy, expectSniffIsolation } from './foreign-files.js';
import { expectLikeZotero, readExpected } from './tagged-corpus-helpers.js';

const FIXTURE = 'wos-quirks.txt';
const fixtureText = () => readFileSync(path.join(FIXTURES, FIXTURE), 'utf8');

describe(`wos fixture ${FIXTURE}`, () => {
  const text = fixtureText();
  const result = parseWosTagged(text, 'w.txt');
  const [article, correction, editorial, meeting, review] = result.records;

  it('reads every record between PT and ER with its start line, past a BOM and CRLF', () => {
    expect(wosTaggedReader.name).toBe('wos');
    expect(result.format).toBe('wos');
    expect(result.dialect).toBe('wos');
    expect(result.records.map((r) => r.source.line)).toEqual([3, 29, 43, 52, 65]);
    expect(result.records.map((r) => r.accession)).toEqual([
      'WOS:000601234500007',
      'WOS:000512345600001',
      'WOS:000470000000003',
      'WOS:000450000000099',
      'WOS:000830000000001',
    ]);
  });

  it('joins wrapped lines, strips markup and decodes entities', () => {
    expect(article.title).toBe('Peer support for young carers: a mixed-methods evaluation of a school-based programme');
    expect(article.abstract).toBe('Young carers & their families were followed for 12 months; p < 0.05 for the primary outcome.');
  });

  it('prefers AF full names, one author per continuation line; group authors (CA) count', () => {
    expect(article.authors).toEqual([
      { family: 'Webber', given: 'Martin' },
      { family: 'van Doorn', given: 'Lisa' },
    ]);
    expect(correction.authors).toEqual([{ family: 'Rantamaki', given: 'K' }]);
    expect(editorial.authors).toEqual([{ family: 'Care Leavers Study Grp', given: '' }]);
  });

  it('reads source fields, cleans the DOI, splits DE and ID keywords on ";" across wrapped lines', () => {
    expect(article).toMatchObject({
      year: 2021,
      journal: 'CHILD & FAMILY SOCIAL WORK',
      volume: '26',
      issue: '3',
      startPage: '401',
      endPage: '412',
      doi: '10.1111/cfs.12345',
      language: 'English',
      exportDatabase: 'WOS',
    });
    expect(article.keywords).toEqual(['young carers', 'peer support', 'school-based intervention', 'mixed methods', 'CHILDREN', 'FAMILIES', 'OUTCOMES']);
    // PD when PY is missing; the article number when there are no pages.
    expect([correction.year, correction.startPage, correction.endPage]).toEqual([2020, '104512', undefined]);
  });

  it('maps WoS document types', () => {
    expect(result.records.map((r) => r.type)).toEqual(['journal-article', 'erratum', 'editorial', 'conference', 'review']);
    expect(article.rawType).toBe('Article; Early Access');
    expect(meeting.rawType).toBe('Meeting Abstract');
  });

  it('warns about text outside records and keeps a last record without ER', () => {
    expect(result.warnings).toEqual([
      { file: 'w.txt', line: 42, message: expect.stringContaining('outside a record') },
      { file: 'w.txt', line: 65, message: expect.stringContaining('no ER line') },
    ]);
    expect(review.title).toBe('Interventions for children in kinship care: a systematic review');
  });

  it('keeps every tag in raw (list tags one item per line) and hashes raw text independently of line endings', () => {
    expect(article.raw.toObject().AU).toEqual(['Webber, M', 'van Doorn, L']);
    expect(article.raw.toObject().C1).toHaveLength(2);
    expect(article.raw.toObject().DE).toEqual(['young carers; peer support; school-based intervention; mixed methods']);
    expect(meeting.raw.toObject().SU).toEqual(['1']);
    const lf = parseWosTagged(text.replace(/\r\n/g, '\n'), 'w.txt');
    expect(lf.records.map((r) => r.rawHash)).toEqual(result.records.map((r) => r.rawHash));
    expect(new Set(result.records.map((r) => r.rawHash)).size).toBe(5);
  });

  it('a PT line before the previous ER closes that record with a warning; never an empty record', () => {
    const r = parseWosTagged('FN x\nVR 1.0\nPT J\nTI One\nPT J\nTI Two\nER\nER\n\nEF\n', 'x.txt');
    expect(r.records.map((x) => [x.title, x.source.line])).toEqual([
      ['One', 3],
      ['Two', 5],
    ]);
    expect(r.warnings.map((w) => w.line)).toEqual([3, 8]);
    expect(parseWosTagged('FN x\nVR 1.0\nEF\n', 'e.txt').records).toEqual([]);
  });

  it('reads continuation lines that are not indented (BIOSIS via WoS)', () => {
    const r = parseWosTagged(
      'PT J\nTI A title that\nwraps here\nAU Smith, Anne (anne@example.org)\nJones, Bob\nAB Carers in the\nUK and abroad.\nPY 2013\nER\n',
      'u.txt',
    );
    expect(r.records[0].title).toBe('A title that wraps here');
    expect(r.records[0].authors).toEqual([
      { family: 'Smith', given: 'Anne' },
      { family: 'Jones', given: 'Bob' },
    ]);
    // "UK " looks like a tag, but WoS has none and this record wraps at column 0.
    expect(r.records[0].abstract).toBe('Carers in the UK and abroad.');
    expect(r.records[0].year).toBe(2013);
    expect(r.records[0].raw.toObject().UK).toBeUndefined();
  });
});

describe('wos sniff', () => {
  it('claims WoS files, with or without the FN header', () => {
    expect(sniffWosTagged(fixtureText())).toBe(true);
    expect(sniffWosTagged('PT J\nAU Smith, A\nTI x\nER\n')).toBe(true);
    expect(sniffWosTagged('TY  - JOUR\nTI  - x\nER  - \n')).toBe(false);
    expect(sniffWosTagged('PMID- 1\nPT  - Journal Article\n')).toBe(false);
  });

  it('claims no fixture of another reader, and no other reader claims the WoS fixture', () => {
    expectSniffIsolation(wosTaggedReader, FIXTURE, fixtureText());
  });
});

/** Records counted without the parser: `PT` lines (each record has one), cross-checked with `ER` lines. */
const independentCount = (text: string) => (text.match(/^\uFEFF?PT /gm) ?? []).length;

describe.skipIf(!existsSync(CORPUS))('wos corpus', () => {
  const zotero = path.join(CORPUS, 'zotero-translators-testcases');
  const files = [
    ...(existsSync(zotero) ? readdirSync(zotero).filter((f) => /^wos-tagged-case\d+\.txt$/.test(f)).map((f) => path.join(zotero, f)) : []),
    path.join(CORPUS, 'rispy-tests/example_wos.ris'),
    path.join(CORPUS, 'synthesisr-tests/WoS_txt_example.txt'),
    path.join(CORPUS, 'synthesisr-tests/WoS_ciw_example.ciw'),
    path.join(CORPUS, 'synthesisr-tests/zoorec.txt'),
    ...['IsiImporterTest1', 'IsiImporterTest2', 'IsiImporterTestInspec', 'IsiImporterTestMedline', 'IsiImporterTestWOS'].map((n) =>
      path.join(CORPUS, `jabref-importer-tests/${n}.isi`),
    ),
  ].filter((f) => existsSync(f));

  it.each(files.map((f) => [path.relative(CORPUS, f), f]))('%s: sniffed by WoS only, every record read', (_rel, file) => {
    const text = decodedFile(file);
    expectOnlyClaimedBy(wosTaggedReader, text, file);
    const r = parseWosTagged(text, file);
    expect(r.records.length).toBe(independentCount(text));
    expect(r.records.length).toBe((text.match(/^ER\s*$/gm) ?? []).length);
    expect(r.warnings).toEqual([]);
    for (const rec of r.records) {
      expect(rec.title).not.toBe('');
      expect(rec.source.line).toBeGreaterThan(0);
      expect(rec.accession).toMatch(/^[A-Z]+:\S+$/);
    }
    const expected = readExpected(file);
    if (expected) expectLikeZotero(r.records, expected, path.basename(file));
  });

  it('reads the JabRef samples like JabRef does', () => {
    const dir = path.join(CORPUS, 'jabref-importer-tests');
    const medline = parseWosTagged(readFileSync(path.join(dir, 'IsiImporterTestMedline.isi'), 'utf8'), 'm.isi').records;
    // One AU line holding "Joffe, Hadine; Hall, Janet E; ..." and MEDLINE-style page spans "411-22".
    expect(medline[1].authors.slice(0, 2)).toEqual([
      { family: 'Joffe', given: 'Hadine' },
      { family: 'Hall', given: 'Janet E' },
    ]);
    expect([medline[1].startPage, medline[1].endPage]).toEqual(['411', '422']);
    const wos = parseWosTagged(readFileSync(path.join(dir, 'IsiImporterTestWOS.isi'), 'utf8'), 'w.isi').records;
    expect(wos[0].authors[0]).toEqual({ family: 'Gamernyk', given: 'RV' });
    expect(wos[0].type).toBe('journal-article');
  });

  it('Zotero samples: types, e-mail after an author name, patents', () => {
    const rec = (n: number) => parseWosTagged(readFileSync(path.join(zotero, `wos-tagged-case0${n}.txt`), 'utf8'), `c${n}`).records;
    if (!existsSync(path.join(zotero, 'wos-tagged-case09.txt'))) return;
    expect(rec(4)[0].type).toBe('review');
    expect(rec(9)[0].type).toBe('conference');
    expect(rec(5)[0].type).toBe('other');
    expect(rec(7)[0].authors).toEqual([
      { family: 'Medvedeff', given: 'Cassandra A.' },
      { family: 'Hershey', given: 'Anne E.' },
    ]);
    expect(rec(6).map((r) => r.type)).toEqual(['book', 'journal-article', 'journal-article', 'journal-article']);
  });
});
