import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bibtexAuthors, bibtexReader, latexToUnicode, parseBibtex, sniffBibtex } from '../../src/formats/bibtex.js';
import { decodeAndParse, detectFormat } from '../../src/formats/registry.js';
import { CORPUS, FIXTURES, HAS_CORPUS, walk } from './helpers.js';
import { allFixtureTexts, decodedFile, expectOnlyClaimedBy } from './foreign-files.js';

const FIXTURE_NAMES = ['bibtex-escapes-macros.bib', 'bibtex-parens-comments.bib', 'bibtex-broken.bib', 'bibtex-scopus-wos.bib'];
const read = (name: string) => decodedFile(path.join(FIXTURES, name));
const enc = (s: string) => new TextEncoder().encode(s);

describe('bibtex entries not marked by "@type{" at a line start', () => {
  const warned = (text: string) => parseBibtex(text, 'x.bib').warnings.filter((w) => /read as an entry/.test(w.message));

  it('are read, as BibTeX does, with a warning on their line', () => {
    const text = 'see @article{a, title={A}}\n@ book{b, title={B}}\n@in\u2028proceedings{c, title={C}}\n';
    expect(parseBibtex(text, 'x.bib').records.map((r) => r.title)).toEqual(['A', 'B', 'C']);
    expect(warned(text).map((w) => w.line)).toEqual([1, 2, 3]);
  });

  it('invisible characters before "@" and text "@" without a brace are not warned about', () => {
    expect(parseBibtex('\u007f@article{a, title={A}}\n', 'x.bib').records).toHaveLength(1);
    expect(warned('\u007f\u200b @article{a, title={A}}\ne-mail: someone@example.org\n')).toEqual([]);
  });
});

describe('bibtex fixture bibtex-escapes-macros.bib', () => {
  const result = parseBibtex(read('bibtex-escapes-macros.bib'), 'm.bib');
  const [article, accents, chapter] = result.records;

  it('reads three entries (not the @string definitions), with start lines and no warnings', () => {
    expect(bibtexReader.name).toBe('bibtex');
    expect(result.format).toBe('bibtex');
    expect(result.records.map((r) => r.source.line)).toEqual([5, 22, 32]);
    expect(result.warnings).toEqual([]);
  });

  it('expands @string macros, month macros and # concatenation', () => {
    expect(article.journal).toBe('Child & Family Social Work');
    expect(article.raw.toObject().month).toEqual(['March']);
    expect(accents.journal).toBe('Journal of Youth Studies');
    expect(article.year).toBe(2021);
  });

  it('turns LaTeX into Unicode and drops case-protecting braces', () => {
    expect(article.title).toBe('Peer support for young carers: A mixed-methods evaluation of COVID-19 measures');
    expect(article.abstract).toBe('Young carers & their families were followed for 12 months; 45% improved. A second line of the abstract.');
    expect(accents.title).toBe('Études of the Øresund region: Straße, år, Łódź and łódź');
    expect(chapter.title).toBe('Kinship care – a review in context — and α-levels of CO2');
    // raw keeps the value as written (macros expanded, LaTeX kept).
    expect(accents.raw.toObject().title[0]).toContain('{\\O}resund');
  });

  it('reads "Last, First", "First Last", {Corporate Name}, Jr parts; drops "and others"', () => {
    expect(article.authors).toEqual([
      { family: 'Webber', given: 'Martin' },
      { family: 'van Doorn', given: 'Lisa' },
      { family: 'Müller', given: 'Jörg' },
      { family: 'World Health Organization', given: '' },
    ]);
    expect(accents.authors).toEqual([
      { family: 'Rantamäki', given: 'Kirsi' },
      { family: 'Garçon', given: 'François' },
      { family: 'García Márquez', given: 'Ana' },
    ]);
    expect(chapter.authors).toEqual([
      { family: 'Smith Jr.', given: 'John' },
      { family: 'de la Fontaine', given: 'Jean' },
    ]);
  });

  it('maps fields: pages with --, number → issue, DOI from a doi.org link or a note, keywords on ; or ,', () => {
    expect(article).toMatchObject({
      type: 'journal-article',
      rawType: 'article',
      volume: '26',
      issue: '3',
      startPage: '401',
      endPage: '412',
      doi: '10.1111/cfs.12345',
      language: 'english',
      url: 'https://onlinelibrary.wiley.com/doi/10.1111/cfs.12345',
      accession: 'webber2021peer',
    });
    expect(article.keywords).toEqual(['young carers', 'peer support', 'school-based intervention']);
    expect(accents.doi).toBe('10.1080/13676261.2020.1234567');
    expect(accents.startPage).toBe('e0815');
    expect(accents.keywords).toEqual(['foster care', 'kinship care', 'outcomes (long-term, short-term)']);
  });

  it('types from the entry type, refined by a type field; booktitle as the venue', () => {
    expect(chapter).toMatchObject({ type: 'review', rawType: 'incollection; Review', journal: 'Handbook of Child Welfare', startPage: '11', endPage: '31' });
    expect(chapter.raw.toObject().issn).toEqual(['1234-5678']);
  });
});

describe('bibtex fixture bibtex-parens-comments.bib', () => {
  const text = read('bibtex-parens-comments.bib');
  const result = parseBibtex(text, 'p.bib');
  const [proceedings, book, misc] = result.records;

  it('skips comments, @comment and @preamble; reads ( ) entries past a BOM and CRLF', () => {
    expect(text.includes('\r\n')).toBe(true);
    expect(result.records.map((r) => [r.source.line, r.type, r.title])).toEqual([
      [8, 'conference', 'Decision support for child protection workers'],
      [16, 'book', 'Prototype names are ordinary keys'],
      [26, 'other', 'A web page with no author'],
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.dialect).toBe('jabref');
    expect(proceedings).toMatchObject({ year: 2018, startPage: '5', endPage: '9', journal: 'Proceedings of the Nordic Social Work Conference' });
  });

  it('__proto__ and constructor are plain field names and keys', () => {
    expect(book.accession).toBe('__proto__');
    expect(book.raw.fieldNames()).toContain('__proto__');
    expect(book.raw.toObject()['__proto__']).toEqual(['polluted']);
    expect(book.raw.toObject()['constructor']).toEqual(['also just a field']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(misc.accession).toBe('constructor');
    // A book's pages are its page count; a corporate author stays whole.
    expect(book.startPage).toBeUndefined();
    expect(book.authors).toEqual([{ family: 'Acne Study Group', given: '' }]);
  });

  it('hashes raw text independently of line endings', () => {
    const lf = parseBibtex(text.replace(/\r\n/g, '\n'), 'p.bib');
    expect(lf.records.map((r) => r.rawHash)).toEqual(result.records.map((r) => r.rawHash));
    expect(new Set(result.records.map((r) => r.rawHash)).size).toBe(3);
  });
});

describe('bibtex fixture bibtex-broken.bib', () => {
  const result = parseBibtex(read('bibtex-broken.bib'), 'b.bib');

  it('keeps every entry that opened, each broken one with a warning on its line', () => {
    expect(result.records.map((r) => [r.source.line, r.accession, r.title])).toEqual([
      [1, 'complete2020', 'A complete entry before the broken ones'],
      [7, 'unclosed2019', 'The closing brace of this entry is missing'],
      [13, 'emptyfield2018', 'A field without value and an undefined macro'],
      [26, 'junk2016', 'Junk after a value'],
      [32, 'lastopen2015', 'The last entry is cut off at the end of the file'],
    ]);
    expect(result.warnings.map((w) => `${w.file}:${w.line}: ${w.message}`)).toEqual([
      expect.stringMatching(/^b\.bib:7: entry "unclosed2019" starting at line 7 is not closed .*kept/),
      expect.stringMatching(/^b\.bib:16: field "volume" .* has no value/),
      expect.stringMatching(/^b\.bib:17: field "number" .* has no value/),
      expect.stringMatching(/^b\.bib:18: undefined macro "jcp" in field "journal"/),
      expect.stringMatching(/^b\.bib:22: "@article" is not followed by "\{" or "\("/),
      expect.stringMatching(/^b\.bib:27: unexpected "s" after field "title"/),
      expect.stringMatching(/^b\.bib:29: missing "," after field "author"/),
      expect.stringMatching(/^b\.bib:32: entry "lastopen2015" starting at line 32 is not closed \(the file ends\)/),
    ]);
  });

  it('reads on after the damage', () => {
    const [, unclosed, empty, junk, last] = result.records;
    expect(unclosed.authors).toEqual([{ family: 'Costa', given: 'Rui' }]);
    expect(empty).toMatchObject({ journal: 'jcp', year: 2018, volume: undefined, issue: undefined });
    expect(junk).toMatchObject({ year: 2016 });
    expect(junk.authors).toEqual([{ family: 'Smith', given: 'John' }]);
    expect(last.year).toBe(2015);
  });
});

describe('bibtex fixture bibtex-scopus-wos.bib', () => {
  const result = parseBibtex(read('bibtex-scopus-wos.bib'), 's.bib');
  const [scopus, conference, wosProc, wosArticle] = result.records;

  it('ids: Scopus EID from the link, WoS Unique-ID, a key with a space', () => {
    expect(result.warnings).toEqual([]);
    expect(result.records.map((r) => [r.accession, r.exportDatabase])).toEqual([
      ['2-s2.0-85079532227', 'Scopus'],
      ['Conference paper2022775', 'Scopus'],
      ['WOS:000223334444221', 'WOS'],
      ['WOS:000444488888888', 'WOS'],
    ]);
  });

  it('Scopus: document_type refines the type, art_number as the page, author_keywords first, funding_text\u00a01 kept', () => {
    expect(scopus).toMatchObject({ type: 'review', startPage: '1722034', doi: '10.1080/20964129.2020.1722034', language: 'English' });
    expect(scopus.authors[2]).toEqual({ family: 'Østergaard', given: 'K.' });
    expect(scopus.keywords).toEqual(['Environmental factors', 'Lake Taihu', 'wetland restoration', 'Soil fauna', 'Reed']);
    expect(scopus.raw.toObject()['funding_text 1']).toEqual(['Funded by an invented grant.']);
    expect(conference).toMatchObject({ type: 'conference', title: 'Article classified as document_type Conference Paper' });
  });

  it('WoS: wrapped title, entity, \\_ in the DOI, Keywords-Plus, Article-Number', () => {
    expect(wosProc).toMatchObject({
      type: 'conference',
      title: 'Inproceedings Title with an HTML entity & a wrapped second line',
      journal: 'A BOOKTITLE',
      doi: '10.1007/999-9-999-99999-9_3',
      startPage: '48',
      endPage: '98',
    });
    expect(wosProc.keywords).toEqual(['peer support', 'young carers', 'OUTCOMES', 'CARE']);
    expect(wosArticle).toMatchObject({ title: "A dummy title's", startPage: '6756', type: 'journal-article', year: 2022 });
    expect(result.dialect).toBe('wos');
  });
});

describe('LaTeX to Unicode', () => {
  it.each([
    ['{\\"o}', 'ö'],
    ['\\"{o}', 'ö'],
    ['\\"o', 'ö'],
    ["{\\'e}", 'é'],
    ["\\'{\\i}", 'í'],
    ['\\c{c}', 'ç'],
    ['\\c c', 'ç'],
    ['\\v{s}', 'š'],
    ['\\ss', 'ß'],
    ['Stra\\ss{}e', 'Straße'],
    ['\\&', '&'],
    ['50\\%', '50%'],
    ['401--412', '401–412'],
    ['a---b', 'a—b'],
    ['{\\aa}', 'å'],
    ['\\o', 'ø'],
    ['\\l', 'ł'],
    ['12~months', '12 months'],
    ['{COVID}-19', 'COVID-19'],
    ['\\~{}', '~'],
    ['\\textit{in vivo}', 'in vivo'],
    ['$\\beta$-blockers', 'β-blockers'],
    ['``quoted\'\'', '“quoted”'],
    ['\\unknowncommand x', 'unknowncommand x'],
  ])('%s → %s', (tex, text) => {
    expect(latexToUnicode(tex)).toBe(text);
  });
  it('verbatim fields keep -- and ~ but undo escapes', () => {
    expect(latexToUnicode('https://x.org/~a/b--c\\_d', true)).toBe('https://x.org/~a/b--c_d');
  });
});

describe('BibTeX names', () => {
  it.each([
    ['Webber, Martin and Doorn, Lisa van', [['Webber', 'Martin'], ['Doorn', 'Lisa van']]],
    ['Martin Webber and Lisa van Doorn', [['Webber', 'Martin'], ['van Doorn', 'Lisa']]],
    ['{Barnes and Noble} and others', [['Barnes and Noble', '']]],
    ['Cocke and Harrison, Warren Levenshtein Morris', [['Cocke', ''], ['Harrison', 'Warren Levenshtein Morris']]],
    ['M{\\"u}ller, J. AND Griffin DK', [['Müller', 'J.'], ['Griffin', 'DK']]],
    ['', []],
  ])('%s', (value, expected) => {
    expect(bibtexAuthors(value).map((a) => [a.family, a.given])).toEqual(expected);
  });
});

describe('hostile input', () => {
  it('200 (and 100,000) levels of braces do not blow the stack', () => {
    for (const depth of [200, 100_000]) {
      const text = `@article{deep,\n  title = {${'{'.repeat(depth)}Deep${'}'.repeat(depth)}},\n  author = {${'{'.repeat(depth)}Group${'}'.repeat(depth)}},\n}\n`;
      const r = parseBibtex(text, 'd.bib');
      expect(r.records).toHaveLength(1);
      expect(r.records[0].title).toBe('Deep');
      expect(r.records[0].authors).toEqual([{ family: 'Group', given: '' }]);
      expect(r.warnings).toEqual([]);
    }
  });

  it('stays linear on huge fields, long runs and unclosed braces', () => {
    const big = 2_000_000;
    const cases = [
      `@article{a, abstract = {${'a--b \\"o {x} '.repeat(big / 12)}}, title = {T}}\n`,
      `@article{a, title = {${' '.repeat(big)}`,
      `${'@'.repeat(big)}`,
      `${'@article{'.repeat(big / 9)}`,
      `${'@comment{'.repeat(big / 9)}`,
      `@article{a, title = "${'{'.repeat(big)}`,
      `@article{a, x = y ${', a b c'.repeat(big / 7)}}`,
      `@article{${' '.repeat(big)}`,
      `@article{a,\n${'\n   '.repeat(big / 4)}title={x}}`,
    ];
    for (const text of cases) {
      const start = performance.now();
      const r = parseBibtex(text, 'h.bib');
      expect(performance.now() - start, text.slice(0, 30)).toBeLessThan(3000);
      for (const w of r.warnings) expect(w.line).toBeGreaterThan(0);
    }
  });

  it('__proto__ as a @string name or a field leaves Object.prototype alone', () => {
    const r = parseBibtex('@string{__proto__ = "x"}\n@article{__proto__, __proto__ = __proto__, title = {t}}\n', 'p.bib');
    expect(r.records[0].raw.toObject()['__proto__']).toEqual(['x']);
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('stray CRs and a BOM mid-file', () => {
    const r = parseBibtex('\ufeff@article{a,\r title = {One}\r}\r\n\ufeff@article{b, title = {Two}}', 'c.bib');
    expect(r.records.map((x) => [x.title, x.source.line])).toEqual([
      ['One', 1],
      ['Two', 4],
    ]);
  });

  it('a file without entries reads no records and says so', () => {
    expect(parseBibtex('% Encoding: UTF-8\n', 'e.bib')).toMatchObject({ records: [], warnings: [] });
    expect(parseBibtex('just text\n', 'e.bib').warnings).toEqual([{ file: 'e.bib', line: 1, message: expect.stringContaining('no BibTeX entry') }]);
  });
});

describe('bibtex sniff and registry', () => {
  it('claims entries at a line start after comments, not other text', () => {
    expect(sniffBibtex('% Encoding: UTF-8\n\n@Article{,\n  author = {x},\n}')).toBe(true);
    expect(sniffBibtex('\ufeff\n\n@inproceedings( WOS:1,\n')).toBe(true);
    expect(sniffBibtex('This file was created with JabRef 2.10.\nEncoding: UTF-8\n\n@ARTICLE{key,\n')).toBe(true);
    expect(sniffBibtex('@string{x = "y"}\n')).toBe(true);
    expect(sniffBibtex('TY  - JOUR\nAB  - mail me @article{x, y}\nER  - \n')).toBe(false);
    expect(sniffBibtex('Title,Authors\n"@article{x,",B\n')).toBe(false);
    expect(sniffBibtex('% just a comment\n')).toBe(false);
  });

  it('claims exactly its own fixtures; no other reader claims them', () => {
    for (const [name, text] of allFixtureTexts()) {
      expect(bibtexReader.sniff(text), name).toBe(FIXTURE_NAMES.some((f) => name.endsWith(f)));
    }
    for (const name of FIXTURE_NAMES) expectOnlyClaimedBy(bibtexReader, read(name), name);
  });

  it('detected by content, and by name with --format bibtex', () => {
    expect(detectFormat('@article{a, title={x}}')?.name).toBe('bibtex');
    const bytes = readFileSync(path.join(FIXTURES, 'bibtex-parens-comments.bib'));
    expect(decodeAndParse(bytes, 'export.txt').format).toBe('bibtex');
    expect(decodeAndParse(enc('@article{a, title={x}}'), 'a.txt', 'bibtex').records[0].title).toBe('x');
  });
});

/** Records counted without the parser: `@type{` / `@type(` at a line start, except @string, @comment, @preamble. */
const independentCount = (text: string) => (text.match(/^[ \t]*@[ \t]*(?!comment\b|preamble\b|string\b)[A-Za-z]+[ \t]*[{(]/gim) ?? []).length;

describe.skipIf(!HAS_CORPUS)('bibtex corpus', () => {
  const files = HAS_CORPUS
    ? [...walk(CORPUS).filter((f) => f.endsWith('.bib')), path.join(CORPUS, 'synthesisr-tests/litsearchr.txt')].filter((f) => existsSync(f))
    : [];

  it.each(files.map((f) => [path.relative(CORPUS, f), f]))('%s: one record per entry', (_rel, file) => {
    const text = decodedFile(file);
    const expected = independentCount(text);
    const r = parseBibtex(text, file);
    expect(r.records).toHaveLength(expected);
    if (expected > 0) expectOnlyClaimedBy(bibtexReader, text, file);
    for (const rec of r.records) {
      expect(rec.source.line).toBeGreaterThan(0);
      expect(rec.rawHash).toMatch(/^[0-9a-f]{12}$/);
    }
    for (const w of r.warnings) expect(w.line).toBeGreaterThan(0);
  });

  it('colrev ebsco_bib.bib: scraped keywords with unbalanced braces do not cost the title', () => {
    const r = parseBibtex(decodedFile(path.join(CORPUS, 'colrev-search-source-tests/ebsco_bib.bib')), 'e.bib');
    expect(r.dialect).toBe('ebscohost');
    expect(r.records.map((x) => [x.accession, x.title])).toEqual([
      ['11111111111111111', 'Paper title.'],
      ['13362467620181001', 'When sharing fixes prices.'],
    ]);
    expect(r.records[0]).toMatchObject({ startPage: '1', endPage: '10', year: 2000, journal: 'MIS Quarterly' });
    expect(r.warnings).toHaveLength(1);
  });

  it('synthesisr Scopus_bib_example.bib (GPL, read in place)', () => {
    const r = parseBibtex(decodedFile(path.join(CORPUS, 'synthesisr-tests/Scopus_bib_example.bib')), 's.bib');
    expect(r.dialect).toBe('scopus');
    expect(r.warnings).toEqual([]);
    expect(r.records.map((x) => x.accession)).toEqual(['2-s2.0-85079532227', '2-s2.0-85083526403', '2-s2.0-85076498356']);
    for (const x of r.records) {
      expect(x.doi).toMatch(/^10\./);
      expect(x.abstract).toBeTruthy();
      expect(x.year).toBe(2020);
    }
  });
});

/**
 * JabRef's and CoLRev's expected .bib beside their inputs: read with this reader, the other
 * readers' records agree on title, first author, year and DOI. Two independent readers checking
 * each other; files where the projects disagree with the export are listed in expected-bib.test.ts.
 */
describe.skipIf(!HAS_CORPUS)('expected .bib read by the BibTeX reader agree with the other readers', () => {
  const fold = (s: string | undefined) =>
    (s ?? '')
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
  const pairs: [string, string][] = [];
  const jabref = path.join(CORPUS, 'jabref-importer-tests');
  if (HAS_CORPUS && existsSync(jabref)) {
    const names = readdirSync(jabref);
    for (const f of names) {
      const bib = f.replace(/\.[^.]+$/, '.bib');
      if (!f.endsWith('.bib') && names.includes(bib)) pairs.push([path.join(jabref, f), path.join(jabref, bib)]);
    }
  }
  const SKIP = /MultiTitle|MultipleEntries|BookArticleSet|KeywordSingleEntry|MinimalEntry|RisImporterTest1\.ris/;
  it.each(pairs.filter(([input]) => !SKIP.test(input)).map(([i, b]) => [path.basename(i), i, b]))('%s', (_name, input, bibFile) => {
    let others;
    try {
      others = decodeAndParse(readFileSync(input), input).records;
    } catch {
      return; // refused on purpose; covered by that reader's tests
    }
    const ours = parseBibtex(readFileSync(bibFile, 'utf8'), bibFile).records;
    expect(ours.length).toBe(others.length);
    ours.forEach((bib, i) => {
      const r = others[i];
      if (bib.title) expect(fold(r.title), `title ${i + 1}`).toBe(fold(bib.title));
      if (bib.authors[0]) expect(fold(r.authors[0]?.family), `first author ${i + 1}`).toBe(fold(bib.authors[0].family));
      if (bib.year !== undefined && bib.raw.toObject().year?.[0].trim().length === 4) expect(r.year, `year ${i + 1}`).toBe(bib.year);
      if (bib.doi) expect(r.doi, `doi ${i + 1}`).toBe(bib.doi);
    });
  });
});
