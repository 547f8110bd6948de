import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endnoteXmlReader, parseEndnoteXml, sniffEndnoteXml } from '../../src/formats/endnote-xml.js';
import { parsePubmedXml, pubmedXmlReader, sniffPubmedXml } from '../../src/formats/pubmed-xml.js';
import { LitscreenError } from '../../src/errors.js';
import { CORPUS, FIXTURES } from './helpers.js';
import { expectLikeZotero, readExpected } from './tagged-corpus-helpers.js';

const fixtureText = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
/** Records counted without the parser. */
const endnoteCount = (text: string) => (text.match(/<record[\s>]/g) ?? []).length;
const pubmedCount = (text: string) => (text.match(/<Pubmed(?:Book)?Article[\s>]/g) ?? []).length;

function thrown(fn: () => unknown): LitscreenError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LitscreenError) return e;
    throw e;
  }
  throw new Error('expected a LitscreenError');
}

describe('EndNote XML fixture endnote-xml-quirks.xml', () => {
  const result = parseEndnoteXml(fixtureText('endnote-xml-quirks.xml'), 'e.xml');
  const [article, chapter, generic] = result.records;

  it('one record per <record>, at the line of its opening tag', () => {
    expect(result.format).toBe('endnote-xml');
    expect(result.records.map((r) => r.source.line)).toEqual([2, 13, 16]);
  });

  it('flattens <style> runs and decodes entities', () => {
    expect(article.title).toBe('Blue light and Propionibacterium acnes & acne');
    expect(article.journal).toBe('Adv Biomed Res');
    expect(article.abstract).toBe('p < 0.05 was significant.');
    expect(article.authors).toEqual([
      { family: 'Webber', given: 'M.' },
      { family: 'van Doorn', given: 'Lisa' },
    ]);
  });

  it('maps EndNote fields', () => {
    expect(article.type).toBe('journal-article');
    expect(article.rawType).toBe('Journal Article');
    expect([article.volume, article.issue, article.startPage, article.endPage]).toEqual(['7', '2', '1256', '1274']);
    expect(article.year).toBe(2018);
    expect(article.doi).toBe('10.4103/abr.abr_99_17');
    expect(article.keywords).toEqual(['Acne']);
    expect(article.language).toBe('eng');
    expect(article.accession).toBe('29657938');
    expect(article.raw.toObject().custom7).toEqual(['unknown field kept']);
    expect(article.raw.toObject()['ref-type@name']).toEqual(['Journal Article']);
  });

  it('book sections, DOI from a URL, rec-number as accession, untitled records kept with a warning', () => {
    expect(chapter.type).toBe('chapter');
    expect(chapter.journal).toBe('The Book');
    expect(chapter.doi).toBe('10.1000/chap.1');
    expect(chapter.accession).toBe('18');
    expect(generic.type).toBe('other');
    expect(generic.title).toBe('');
    expect(result.warnings).toEqual([{ file: 'e.xml', line: 16, message: expect.stringContaining('no title') }]);
    expect(new Set(result.records.map((r) => r.rawHash)).size).toBe(3);
  });
});

describe('PubMed XML fixture pubmed-xml-quirks.xml', () => {
  const result = parsePubmedXml(fixtureText('pubmed-xml-quirks.xml'), 'p.xml');
  const [article, book, empty] = result.records;

  it('one record per PubmedArticle / PubmedBookArticle, at its line', () => {
    expect(result.format).toBe('pubmed-xml');
    expect(result.records.map((r) => r.source.line)).toEqual([4, 43, 55]);
  });

  it('article: inline markup removed, labelled abstract, DOI from ArticleIdList, MEDLINE pages', () => {
    expect(article.title).toBe('Risk factors on chromosome 19 and the APOE locus: CO2 & more.');
    expect(article.abstract).toBe('BACKGROUND: The APOE gene. METHODS: We tested p < 0.05.');
    expect(article.doi).toBe('10.18632/oncotarget.25083');
    expect([article.year, article.volume, article.issue, article.startPage, article.endPage]).toEqual([2018, '9', '37', '24590', '24600']);
    expect(article.authors).toEqual([
      { family: 'Moreno-Grau', given: 'Sonia' },
      { family: 'Hernández', given: 'I' },
      { family: "Alzheimer's Disease Neuroimaging Initiative", given: '' },
    ]);
    expect(article.type).toBe('review');
    expect(article.accession).toBe('29872490');
    expect(article.journal).toBe('Oncotarget');
    expect(article.keywords).toEqual(['APOE', 'Alzheimer Disease']);
    expect(article.raw.toObject()['MedlineCitation/Article/ArticleTitle']).toEqual(['Risk factors on chromosome 19 and the APOE locus: CO2 & more.']);
  });

  it('book: title from BookTitle, collective author, year from the book', () => {
    expect(book.type).toBe('book');
    expect(book.title).toBe('Rheumatoid Arthritis: National Clinical Guideline');
    expect(book.authors).toEqual([{ family: 'National Collaborating Centre for Chronic Conditions (UK)', given: '' }]);
    expect(book.year).toBe(2009);
    expect(book.accession).toBe('21413195');
  });

  it('an empty PubmedArticle is kept with a warning', () => {
    expect(empty.title).toBe('');
    expect(result.warnings).toEqual([{ file: 'p.xml', line: 55, message: expect.stringContaining('empty') }]);
  });
});

describe('XML that is not well formed', () => {
  it('is an input error at the line of the problem', () => {
    const e = thrown(() => parsePubmedXml(fixtureText('pubmed-xml-not-well-formed.xml'), 'bad.xml'));
    expect(e.exitCode).toBe(3);
    expect(e.file).toBe('bad.xml');
    expect(e.line).toBe(6);
    expect(e.message).toMatch(/^XML is not well formed: /);
    const e2 = thrown(() => parseEndnoteXml('<xml><records>\n<record>\n<titles></record>\n</records></xml>', 'bad2.xml'));
    expect(e2.line).toBe(3);
  });
});

describe('XML sniff', () => {
  it('tells EndNote XML and PubMed XML apart', () => {
    expect(endnoteXmlReader.name).toBe('endnote-xml');
    expect(pubmedXmlReader.name).toBe('pubmed-xml');
    expect(sniffEndnoteXml(fixtureText('endnote-xml-quirks.xml'))).toBe(true);
    expect(sniffPubmedXml(fixtureText('endnote-xml-quirks.xml'))).toBe(false);
    expect(sniffPubmedXml(fixtureText('pubmed-xml-quirks.xml'))).toBe(true);
    expect(sniffEndnoteXml(fixtureText('pubmed-xml-quirks.xml'))).toBe(false);
    expect(sniffEndnoteXml(fixtureText('nbib-quirks.nbib'))).toBe(false);
    expect(sniffPubmedXml(fixtureText('nbib-quirks.nbib'))).toBe(false);
  });
});

describe.skipIf(!existsSync(CORPUS))('XML corpus', () => {
  const dirFiles = (dir: string, re: RegExp) =>
    existsSync(path.join(CORPUS, dir)) ? readdirSync(path.join(CORPUS, dir)).filter((f) => re.test(f)).map((f) => path.join(CORPUS, dir, f)) : [];
  const endnoteFiles = [
    ...dirFiles('zotero-translators-testcases', /^endnote-xml-case\d+\.xml$/),
    ...dirFiles('jabref-importer-tests', /^EndnoteXmlImporterTest.*\.xml$/),
    ...dirFiles('reflib-tests', /\.xml$/),
  ];
  const pubmedFiles = [
    ...dirFiles('zotero-translators-testcases', /^pubmed-xml-case\d+\.xml$/),
    ...dirFiles('jabref-importer-tests', /^MedlineImporterTest.*\.xml$/).filter((f) => !f.includes('Malformed')),
  ];

  it.each(endnoteFiles.map((f) => [path.relative(CORPUS, f), f]))('%s: EndNote XML, one record per <record>', (_rel, file) => {
    const text = readFileSync(file, 'utf8');
    expect(sniffEndnoteXml(text)).toBe(true);
    expect(sniffPubmedXml(text)).toBe(false);
    const r = parseEndnoteXml(text, file);
    expect(r.records.length).toBe(endnoteCount(text));
    const expected = readExpected(file);
    // Zotero keeps EndNote's rich text as HTML in titles; we compare the plain text.
    if (expected) expectLikeZotero(r.records, expected.map((i) => ({ ...i, title: i.title?.replace(/<[^>]+>/g, '') })), path.basename(file));
  });

  it.each(pubmedFiles.map((f) => [path.relative(CORPUS, f), f]))('%s: PubMed XML, one record per article', (_rel, file) => {
    const text = readFileSync(file, 'utf8');
    expect(sniffPubmedXml(text)).toBe(true);
    expect(sniffEndnoteXml(text)).toBe(false);
    const r = parsePubmedXml(text, file);
    expect(r.records.length).toBe(pubmedCount(text));
    const expected = readExpected(file);
    if (expected) expectLikeZotero(r.records, expected, path.basename(file));
  });

  it("JabRef's malformed PubMed sample is an input error at line 4", () => {
    const f = path.join(CORPUS, 'jabref-importer-tests/MedlineImporterTestMalformedEntry.xml');
    if (!existsSync(f)) return;
    const e = thrown(() => parsePubmedXml(readFileSync(f, 'utf8'), f));
    expect([e.exitCode, e.line]).toEqual([3, 4]);
  });

  it('JabRef italics sample: markup inside ArticleTitle becomes plain text', () => {
    const f = path.join(CORPUS, 'jabref-importer-tests/MedlineImporterTestArticleItalics.xml');
    if (!existsSync(f)) return;
    const [r] = parsePubmedXml(readFileSync(f, 'utf8'), f).records;
    expect(r.title).not.toMatch(/[<>]/);
    expect(r.title).toMatch(/^Genome-wide significant risk factors on chromosome 19 and the/);
  });
});
