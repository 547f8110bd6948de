import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nbibReader, parseNbib, sniffNbib } from '../../src/formats/nbib.js';
import { CORPUS, FIXTURES } from './helpers.js';
import { expectLikeZotero, norm, readExpected } from './tagged-corpus-helpers.js';

const fixtureText = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

describe('nbib fixture nbib-quirks.nbib', () => {
  const text = fixtureText('nbib-quirks.nbib');
  const result = parseNbib(text, 'q.nbib');
  const [first, second, eric, untitled] = result.records;

  it('splits records on blank lines and on a PMID line, with start lines', () => {
    expect(result.format).toBe('nbib');
    expect(result.records.map((r) => r.source.line)).toEqual([1, 27, 37, 44]);
    expect(result.records.map((r) => r.accession)).toEqual(['31000001', '31000002', 'ED600001', '31000004']);
  });

  it('joins continuation lines and strips markup from the title', () => {
    expect(first.title).toBe('Blue light for acne: a randomized trial of home devices with a title that wraps onto a second line.');
    expect(first.abstract).toBe('BACKGROUND: First part of the abstract continues here.');
  });

  it('prefers FAU over AU and keeps collective names in place', () => {
    expect(first.authors).toEqual([
      { family: 'van Doorn', given: 'Lisa' },
      { family: 'Webber', given: 'Martin J' },
      { family: 'Acne Study Group', given: '' },
    ]);
    expect(second.authors).toEqual([{ family: 'Griffin', given: 'DK' }]);
  });

  it('reads DOI from LID/AID [doi], year from DP, journal from JT, and expands MEDLINE page ranges', () => {
    expect(first.doi).toBe('10.1000/abc.123');
    expect(second.doi).toBe('10.1000/xyz.9');
    expect(first.year).toBe(2019);
    expect(first.journal).toBe('Journal of Dermatological Tests');
    expect([first.volume, first.issue, first.startPage, first.endPage]).toEqual(['12', '3', '1256', '1274']);
    expect(first.language).toBe('eng');
    expect(first.keywords).toEqual(['Acne Vulgaris/therapy', 'blue light']);
  });

  it('maps publication types without being fooled by "Case Reports" or "English Abstract"', () => {
    expect(first.type).toBe('journal-article');
    expect(first.rawType).toBe('Journal Article; Case Reports; English Abstract');
    expect(second.type).toBe('review');
    expect(eric.type).toBe('report');
    expect(result.dialect).toBe('pubmed');
  });

  it('keeps a record without a title, with a warning at its line', () => {
    expect(untitled.title).toBe('');
    expect(result.warnings).toEqual([{ file: 'q.nbib', line: 44, message: expect.stringContaining('no title') }]);
  });

  it('keeps every tag in raw and hashes the raw text independently of line endings', () => {
    expect(first.raw.toObject().FAU).toEqual(['van Doorn, Lisa', 'Webber, Martin J']);
    expect(first.raw.toObject().LID).toHaveLength(2);
    const lf = parseNbib(text.replace(/\r\n/g, '\n'), 'q.nbib');
    expect(lf.records.map((r) => r.rawHash)).toEqual(result.records.map((r) => r.rawHash));
    expect(new Set(result.records.map((r) => r.rawHash)).size).toBe(4);
  });

  it('warns about a line that is not a tag and keeps it', () => {
    const r = parseNbib('PMID- 1\nTI  - A title\nSO  invalid line\n', 'x.nbib');
    expect(r.records).toHaveLength(1);
    expect(r.records[0].raw.toObject().TI).toEqual(['A title SO  invalid line']);
    expect(r.warnings[0]).toMatchObject({ line: 3 });
  });
});

describe('nbib records the file does not mark', () => {
  it('a record with neither PMID nor OWN among PubMed records is read with a warning on its line', () => {
    const r = parseNbib('PMID- 1\nOWN - NLM\nTI  - First\n\nSTAT- MEDLINE\nTI  - Lost its PMID\n\nPMID- 3\nTI  - Third\n', 'x.nbib');
    expect(r.records.map((x) => x.title)).toEqual(['First', 'Lost its PMID', 'Third']);
    expect(r.warnings).toEqual([{ file: 'x.nbib', line: 5, message: expect.stringContaining('neither a PMID nor an OWN line') }]);
  });

  it('an ERIC record (OWN, no PMID) among PubMed records and a file that marks no record are read without it', () => {
    expect(parseNbib(fixtureText('nbib-quirks.nbib'), 'q.nbib').warnings.some((w) => /neither a PMID/.test(w.message))).toBe(false);
    expect(parseNbib('TI  - A\nDP  - 2020\n\nTI  - B\nDP  - 2021\n', 'x.nbib').warnings).toEqual([]);
  });
});

describe('nbib sniff', () => {
  it('claims MEDLINE and ERIC files but not RIS', () => {
    expect(nbibReader.name).toBe('nbib');
    expect(sniffNbib(fixtureText('nbib-quirks.nbib'))).toBe(true);
    expect(sniffNbib('\r\nOWN - ERIC\r\nTI  - x\r\n')).toBe(true);
    for (const f of readdirSync(FIXTURES).filter((n) => n.startsWith('ris-') && !n.includes('utf16'))) {
      expect(sniffNbib(fixtureText(f)), f).toBe(false);
    }
    expect(sniffNbib('TY  - JOUR\nTI  - x\nAU  - y\nER  - \n')).toBe(false);
  });
});

/** Records counted without the parser: PubMed records carry a PMID line, ERIC ones an `OWN - ERIC` line. */
const independentCount = (text: string) => (text.match(/^(?:PMID-|OWN - ERIC)/gm) ?? []).length;

describe.skipIf(!existsSync(CORPUS))('nbib corpus', () => {
  const zotero = path.join(CORPUS, 'zotero-translators-testcases');
  const files = [
    ...(existsSync(zotero) ? readdirSync(zotero).filter((f) => /^medline-nbib-case\d+\.nbib$/.test(f)).map((f) => path.join(zotero, f)) : []),
    path.join(CORPUS, 'jabref-importer-tests/NbibImporterTest.nbib'),
    path.join(CORPUS, 'jabref-importer-tests/MedlinePlainImporterTestCompleteEntry.txt'),
    path.join(CORPUS, 'reflib-tests/blue-light.nbib'),
    path.join(CORPUS, 'colrev-search-source-tests/eric_nbib.nbib'),
    path.join(CORPUS, 'colrev-search-source-tests/loader_nbib_data.nbib'),
  ].filter((f) => existsSync(f));

  it.each(files.map((f) => [path.relative(CORPUS, f), f]))('%s: sniffed, every record read', (_rel, file) => {
    const text = readFileSync(file, 'utf8');
    expect(sniffNbib(text)).toBe(true);
    const r = parseNbib(text, file);
    expect(r.records.length).toBe(independentCount(text));
    for (const rec of r.records) {
      expect(rec.title).not.toBe('');
      expect(rec.source.line).toBeGreaterThan(0);
    }
    const expected = readExpected(file);
    if (expected) expectLikeZotero(r.records, expected, path.basename(file));
  });

  it('JabRef samples with malformed lines still yield every record', () => {
    const dir = path.join(CORPUS, 'jabref-importer-tests');
    const oob = parseNbib(readFileSync(path.join(dir, 'MedlinePlainImporterStringOutOfBounds.txt'), 'utf8'), 'oob.txt');
    expect(oob.records.map((r) => r.title)).toEqual(['This is a test title', 'This is also a test title']);
    expect(oob.records.map((r) => r.accession)).toEqual(['27433151', '27394443']);
    const doi = parseNbib(readFileSync(path.join(dir, 'MedlinePlainImporterTestDOI.txt'), 'utf8'), 'doi.txt');
    expect(doi.records[0].doi).toBe('10.1016/j.cpr.2005.02.002');
  });

  it('blue-light.nbib is the PubMed part of the EndNote library blue-light.xml', () => {
    const nbib = path.join(CORPUS, 'reflib-tests/blue-light.nbib');
    const xml = path.join(CORPUS, 'reflib-tests/blue-light.xml');
    if (!existsSync(nbib) || !existsSync(xml)) return;
    const records = parseNbib(readFileSync(nbib, 'utf8'), nbib).records;
    expect(records).toHaveLength(80);
    const xmlText = readFileSync(xml, 'utf8');
    // Titles from the XML counted without the XML reader: every nbib title is among them.
    const flat = norm(xmlText.replace(/<[^>]+>/g, ' '));
    for (const r of records) expect(flat.includes(norm(r.title)), r.title).toBe(true);
  });
});
