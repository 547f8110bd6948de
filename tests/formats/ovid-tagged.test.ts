import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffNbib } from '../../src/formats/nbib.js';
import { ovidTaggedReader, parseOvidAuthor, parseOvidTagged, sniffOvidTagged } from '../../src/formats/ovid-tagged.js';
import { CORPUS, FIXTURES } from './helpers.js';
import { expectLikeZotero, readExpected } from './tagged-corpus-helpers.js';

const fixtureText = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
/** Records counted without the parser: Ovid's `<n. >` / `<n>` marker lines. */
const markerCount = (text: string) => (text.match(/^\s*<\d+\.?\s*>\s*$/gm) ?? []).length;

describe('Ovid tagged fixture ovid-tagged-quirks.txt', () => {
  const result = parseOvidTagged(fixtureText('ovid-tagged-quirks.txt'), 'o.txt');
  const [embase, jov, psyc] = result.records;

  it('reads records from marker to marker and skips the search-strategy preamble', () => {
    expect(result.format).toBe('ovid');
    expect(result.dialect).toBe('ovid-tagged');
    expect(result.records.map((r) => r.source.line)).toEqual([7, 27, 36]);
    expect(result.records.map((r) => r.accession)).toEqual(['626000001', '00135124-201001000-00018', '2015-33942-012']);
  });

  it('Embase: title without the type suffix, authors cleaned, SO parsed, DOI from DO', () => {
    expect(embase.title).toBe('Blue light therapy for acne: a systematic review.');
    expect(embase.type).toBe('review');
    expect(embase.authors).toEqual([
      { family: 'Webber', given: 'M.J.' },
      { family: 'van Doorn', given: 'Lisa' },
      { family: 'Peterson', given: 'James A.' },
    ]);
    expect(embase.journal).toBe('Journal of Dermatology');
    expect([embase.volume, embase.issue, embase.startPage, embase.endPage]).toEqual(['45', '3', '100', '110']);
    expect(embase.year).toBe(2018);
    expect(embase.doi).toBe('10.1000/emb.1');
    expect(embase.abstract).toBe('Background: first paragraph. Method(s): a paragraph Ovid did not indent.');
    expect(embase.keywords).toEqual(['acne', 'blue light', 'acne vulgaris']);
    expect(embase.exportDatabase).toBe('Embase');
    expect(embase.raw.toObject().IN).toEqual(['(Webber) University of Somewhere, United Kingdom\n(van Doorn) Other University, Netherlands']);
  });

  it('Journals@Ovid: "[Report]" and "Case Report" do not make a report; SO gives year, volume, pages', () => {
    expect(jov.title).toBe('Take Ten: Facts About Acne.');
    expect(jov.type).toBe('journal-article');
    expect(jov.journal).toBe("ACSM'S Health & Fitness Journal");
    expect([jov.year, jov.volume, jov.issue, jov.startPage, jov.endPage]).toEqual([2010, '14', '1', '56', '58']);
    expect(jov.language).toBe('English');
  });

  it('keeps a record without a title, with a warning at its marker line', () => {
    expect(psyc.title).toBe('');
    expect(psyc.authors).toEqual([{ family: 'Kobori', given: 'Osamu' }]);
    expect(result.warnings).toEqual([{ file: 'o.txt', line: 36, message: expect.stringContaining('no title') }]);
  });

  it('hashes each record raw text; same text with CRLF gives the same hashes', () => {
    const crlf = parseOvidTagged(fixtureText('ovid-tagged-quirks.txt').replace(/\n/g, '\r\n'), 'o.txt');
    expect(crlf.records.map((r) => r.rawHash)).toEqual(result.records.map((r) => r.rawHash));
    expect(new Set(result.records.map((r) => r.rawHash)).size).toBe(3);
  });
});

describe('Ovid display layout fixture ovid-display-quirks.txt', () => {
  const result = parseOvidTagged(fixtureText('ovid-display-quirks.txt'), 'd.txt');
  const [first, second] = result.records;

  it('reads long labels with indented values', () => {
    expect(result.dialect).toBe('ovid-display');
    expect(result.records.map((r) => r.source.line)).toEqual([1, 18]);
    expect(first.title).toBe('Listening: Important to the Stuff of a Life.');
    expect(first.authors).toEqual([
      { family: 'Bunkers', given: 'Sandra Schmidt' },
      { family: 'Holstiege', given: 'Jakob' },
    ]);
    expect(first.journal).toBe('Nursing Science Quarterly');
    expect([first.year, first.volume, first.issue, first.startPage, first.endPage]).toEqual([2015, '28', '2', '103', '106']);
    expect(first.doi).toBe('10.1177/0894318415571606');
    expect(first.abstract).toBe('Lorem ipsum abstract.');
    expect(first.keywords).toEqual(['listening', 'nursing']);
    expect(first.accession).toBe('00006236-201504000-00002');
    expect(first.raw.toObject()['Accession Number']).toEqual(['00006236-201504000-00002.']);
    expect(second.type).toBe('book');
  });
});

describe('Ovid author strings', () => {
  it.each([
    ['Walsdorf, Neill B. [Inventor, Reprint Author]', 'Walsdorf', 'Neill B.'],
    ['Zhang, Weijia 1,2,+', 'Zhang', 'Weijia'],
    ['Lefkowitz, Rafael Y. MD, MPH 1', 'Lefkowitz', 'Rafael Y.'],
    ['Logunov, DV', 'Logunov', 'DV'],
    ['Behan L.', 'Behan', 'L.'],
    ['Verbeek, Jan MD *', 'Verbeek', 'Jan'],
  ])('%s', (input, family, given) => {
    expect(parseOvidAuthor(input)).toEqual({ family, given });
  });
});

describe('Ovid sniff', () => {
  it('claims both layouts but not Ovid RIS, nbib or RIS', () => {
    expect(ovidTaggedReader.name).toBe('ovid');
    expect(sniffOvidTagged(fixtureText('ovid-tagged-quirks.txt'))).toBe(true);
    expect(sniffOvidTagged(fixtureText('ovid-display-quirks.txt'))).toBe(true);
    expect(sniffOvidTagged(fixtureText('ris-ovid-psycinfo.ris'))).toBe(false);
    expect(sniffOvidTagged(fixtureText('nbib-quirks.nbib'))).toBe(false);
    expect(sniffNbib(fixtureText('ovid-tagged-quirks.txt'))).toBe(false);
    expect(sniffOvidTagged('<1. >\nTY  - JOUR\nER  - \n')).toBe(false);
  });
});

describe.skipIf(!existsSync(CORPUS))('Ovid corpus', () => {
  const zotero = path.join(CORPUS, 'zotero-translators-testcases');
  const jabref = path.join(CORPUS, 'jabref-importer-tests');
  const files = [
    ...(existsSync(zotero) ? readdirSync(zotero).filter((f) => /^ovid-tagged-case\d+\.txt$/.test(f)).map((f) => path.join(zotero, f)) : []),
    path.join(CORPUS, 'ovid-embase-knh11545/Embase_citavi_r3001-3002.ovd'),
    path.join(CORPUS, 'ovid-embase-knh11545/Embase_endnote_r3001-3002.cgi'),
    ...[1, 3, 4, 5, 6, 7].map((n) => path.join(jabref, `OvidImporterTest${n}.txt`)),
  ].filter((f) => existsSync(f));

  it.each(files.map((f) => [path.relative(CORPUS, f), f]))('%s: sniffed, one record per marker', (_rel, file) => {
    const text = readFileSync(file, 'utf8');
    expect(sniffOvidTagged(text)).toBe(true);
    expect(sniffNbib(text)).toBe(false);
    const r = parseOvidTagged(text, file);
    expect(r.records.length).toBe(markerCount(text));
    const expected = readExpected(file);
    if (expected) expectLikeZotero(r.records, expected, path.basename(file));
  });

  it('the two Embase exports of the same records agree', () => {
    const a = path.join(CORPUS, 'ovid-embase-knh11545/Embase_citavi_r3001-3002.ovd');
    const b = path.join(CORPUS, 'ovid-embase-knh11545/Embase_endnote_r3001-3002.cgi');
    if (!existsSync(a) || !existsSync(b)) return;
    const ra = parseOvidTagged(readFileSync(a, 'utf8'), a).records;
    const rb = parseOvidTagged(readFileSync(b, 'utf8'), b).records;
    expect(ra.map((r) => [r.title, r.accession, r.doi, r.year, r.type])).toEqual(rb.map((r) => [r.title, r.accession, r.doi, r.year, r.type]));
    expect(ra.map((r) => r.accession)).toEqual(['621381829', '621381823']);
    expect(ra[0].type).toBe('conference');
  });

  it('tagged lines without any <n> marker (read as Ovid when asked) are one record, with a warning on its first line', () => {
    const r = parseOvidTagged('\nTI  - A title\nAU  - Smith, J.\n', 'o.txt');
    expect(r.records.map((x) => [x.title, x.source.line])).toEqual([['A title', 2]]);
    expect(r.warnings).toEqual([{ file: 'o.txt', line: 2, message: expect.stringContaining('no <n> record marker') }]);
  });

  it("JabRef's Ovid sample without a record marker is not claimed", () => {
    const f = path.join(jabref, 'OvidImporterTest2Invalid.txt');
    if (existsSync(f)) expect(sniffOvidTagged(readFileSync(f, 'utf8'))).toBe(false);
  });
});
