import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { decodeAndParse, parseText, READERS } from '../../src/formats/registry.js';
import { CORPUS, corpusFile } from './helpers.js';

/**
 * The field rules of normalize-fields.ts (placeholders are missing values, abbreviated page
 * ranges expand, volume and issue split from combined forms) hold in every reader: each reader
 * reads the same record, written in its own format with `NA` placeholders, pages `221-8` and
 * volume `61 (Supplement 1)`, the same way.
 */
const SAMPLES: Record<string, string> = {
  ris: `TY  - JOUR
TI  - Placeholders and abbreviated pages
AU  - Webber, Martin
PY  - 2019
JO  - Child & Family Social Work
VL  - 61 (Supplement 1)
IS  - NA
SP  - 221-8
AB  - [No abstract available]
DO  - NA
ER  - 
`,
  nbib: `PMID- 31000001
OWN - NLM
TI  - Placeholders and abbreviated pages
AU  - Webber M
DP  - 2019
JT  - Child & Family Social Work
VI  - 61 (Supplement 1)
IP  - NA
PG  - 221-8
AB  - NA
`,
  csv: `Title,Authors,Year,Journal,Volume,Issue,Pages,Abstract,DOI
Placeholders and abbreviated pages,"Webber, Martin",2019,Child & Family Social Work,61 (Supplement 1),NA,221-8,N/A,-
`,
  tsv: `Title\tAuthors\tYear\tJournal\tVolume\tIssue\tPages\tAbstract\tDOI
Placeholders and abbreviated pages\tWebber, Martin\t2019\tChild & Family Social Work\t61 (Supplement 1)\tNA\t221-8\tnull\tNA
`,
  ovid: `<1. >
VN  - Ovid Technologies
DB  - Embase
UI  - 626000001
TI  - Placeholders and abbreviated pages
AU  - Webber M.J.
JN  - Child & Family Social Work
VO  - 61 (Supplement 1)
IP  - NA
PG  - 221-8
YR  - 2019
AB  - NA
DO  - NA
`,
  wos: `FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Webber, M
TI Placeholders and abbreviated pages
SO Child & Family Social Work
PY 2019
VL 61 (Supplement 1)
IS NA
BP 221
EP 8
AB NA
DI NA
ER

EF
`,
  refworks: `RT Journal Article
A1 Webber,Martin
T1 Placeholders and abbreviated pages
JF Child & Family Social Work
YR 2019
VO 61 (Supplement 1)
IS NA
SP 221-8
AB NA
DO NA
`,
  refer: `%0 Journal Article
%A Webber, Martin
%T Placeholders and abbreviated pages
%J Child & Family Social Work
%D 2019
%V 61 (Supplement 1)
%N NA
%P 221-8
%X NA
%R NA
`,
  'endnote-xml': `<?xml version="1.0" encoding="UTF-8" ?><xml><records><record><rec-number>1</rec-number><ref-type name="Journal Article">17</ref-type>
<contributors><authors><author>Webber, Martin</author></authors></contributors>
<titles><title>Placeholders and abbreviated pages</title><secondary-title>Child &amp; Family Social Work</secondary-title></titles>
<pages>221-8</pages><volume>61 (Supplement 1)</volume><number>NA</number><dates><year>2019</year></dates>
<abstract>NA</abstract><electronic-resource-num>NA</electronic-resource-num></record></records></xml>
`,
  'pubmed-xml': `<?xml version="1.0" ?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">31000001</PMID>
<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print"><Volume>61 (Supplement 1)</Volume><Issue>NA</Issue><PubDate><Year>2019</Year></PubDate></JournalIssue>
<Title>Child &amp; Family Social Work</Title></Journal><ArticleTitle>Placeholders and abbreviated pages</ArticleTitle>
<Pagination><MedlinePgn>221-8</MedlinePgn></Pagination><Abstract><AbstractText>NA</AbstractText></Abstract>
<AuthorList><Author><LastName>Webber</LastName><ForeName>Martin</ForeName></Author></AuthorList></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
`,
  // For the BibTeX reader being added: it must end in tidyRecord like every other reader.
  bibtex: `@article{webber2019,
  title = {Placeholders and abbreviated pages},
  author = {Webber, Martin},
  year = {2019},
  journal = {Child \\& Family Social Work},
  volume = {61 (Supplement 1)},
  number = {NA},
  pages = {221-8},
  abstract = {NA},
  doi = {NA}
}
`,
};

describe('every registered reader applies the field rules', () => {
  it('has a sample for each reader', () => {
    expect(READERS.map((r) => r.name).filter((name) => SAMPLES[name] === undefined)).toEqual([]);
  });
  describe.each(READERS.map((r) => r.name))('%s', (name) => {
    it('reads NA as missing, 221-8 as 221-228, 61 (Supplement 1) as volume 61, issue Suppl 1', () => {
      const result = parseText(SAMPLES[name], `sample.${name}`, name);
      expect(result.records).toHaveLength(1);
      const r = result.records[0];
      expect(r.title).toBe('Placeholders and abbreviated pages');
      expect(r.year).toBe(2019);
      expect(r.journal?.toLowerCase()).toBe('child & family social work');
      expect({ volume: r.volume, issue: r.issue, startPage: r.startPage, endPage: r.endPage }).toEqual({
        volume: '61',
        issue: 'Suppl 1',
        startPage: '221',
        endPage: '228',
      });
      expect(r.abstract).toBeUndefined();
      expect(r.doi).toBeUndefined();
    });
    it('detects the sample as its own format', () => {
      expect(parseText(SAMPLES[name], `sample.${name}`).format).toBe(name);
    });
  });
});

describe('placeholders in a title and among authors and keywords', () => {
  it('a title that is a placeholder is no title (kept, with the no-title warning); real names survive', () => {
    const text = 'TY  - JOUR\nTI  - NA\nAU  - NA\nAU  - Na, Li\nKW  - -\nKW  - N-acetylcysteine\nER  - \n';
    const { records, warnings } = parseText(text, 'a.ris');
    expect(records[0].title).toBe('');
    expect(warnings.map((w) => w.message)).toEqual(['record starting at line 1 has no title; kept']);
    expect(records[0].authors).toEqual([{ family: 'Na', given: 'Li' }]);
    expect(records[0].keywords).toEqual(['N-acetylcysteine']);
    expect(records[0].raw.toObject().TI).toEqual(['NA']);
  });
});

const HAS_EMBASE = existsSync(path.join(CORPUS, 'asreview-demo-data/embase.csv'));
describe.skipIf(!HAS_EMBASE)('Embase.com CSV in the shared corpus (Source and Open URL Link only)', () => {
  it.each(['asreview-demo-data/embase.csv', 'asreview-demo-data/embase_newpage.csv'])('%s: every record has year, DOI, journal, volume, pages', (rel) => {
    const { records } = decodeAndParse(corpusFile(rel), rel);
    expect(records).toHaveLength(6);
    for (const r of records) {
      expect(r.year).toBeGreaterThan(2000);
      expect(r.doi).toMatch(/^10\.\d{4,}\//);
      expect(r.journal).not.toMatch(/Date of Publication|\(\d{4}\)/);
      expect(r.volume).toMatch(/^\d+$/);
      expect(r.startPage).toMatch(/^\d+$/);
    }
    expect(records[0]).toMatchObject({
      journal: 'Endoscopic Ultrasound',
      year: 2014,
      volume: '3',
      issue: '3',
      startPage: '152',
      endPage: '160',
      doi: '10.4103/2303-9027.138783',
    });
  });
});
