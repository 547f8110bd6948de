/**
 * Real vendor exports from the shared corpus (../shared/corpus beside the repository), read in
 * place — several are GPL/AGPL and must not be copied into the project. Skips when absent.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../src/formats/encoding.js';
import { decodeAndParse } from '../../src/formats/registry.js';
import { LitscreenError } from '../../src/errors.js';
import { CORPUS, corpusFile, HAS_CORPUS, walk } from './helpers.js';

const parse = (rel: string) => decodeAndParse(corpusFile(rel), rel);

describe.skipIf(!HAS_CORPUS)('corpus: Ovid PsycINFO RIS (asreview-demo-data/ovid_psycinfo.ris)', () => {
  const res = HAS_CORPUS ? parse('asreview-demo-data/ovid_psycinfo.ris') : undefined!;
  it('6 records, Ovid dialect, no junk records or warnings', () => {
    expect(res.dialect).toBe('ovid');
    expect(res.records).toHaveLength(6);
    expect(res.warnings).toEqual([]);
    for (const r of res.records) {
      expect(r.title).not.toBe('');
      expect(r.accession).toMatch(/^\d{4}-\d{5}-\d{3}$/);
      expect(r.raw.toObject().NL).toHaveLength(1);
    }
  });
  it('first record', () => {
    const r = res.records[0];
    expect(r).toMatchObject({
      accession: '2019-65183-001',
      doi: '10.1002/cpp.2398',
      year: 2019,
      title: 'The influence of self-criticism on depression symptoms among ambulatory patients with inflammatory bowel disease.',
      journal: 'Clinical Psychology & Psychotherapy',
      type: 'journal-article',
      source: { line: 2 },
    });
    expect(r.authors[0]).toEqual({ family: 'Trindade', given: 'Ines A' });
    expect(r.authors).toHaveLength(5);
    expect(r.startPage).toBeUndefined();
    expect(r.abstract).toMatch(/^Considering that self-criticism/);
  });
});

describe.skipIf(!HAS_CORPUS)('corpus: ProQuest RIS', () => {
  it('asreview-demo-data/proquest.ris: 6 records', () => {
    const res = parse('asreview-demo-data/proquest.ris');
    expect(res.dialect).toBe('proquest');
    expect(res.records).toHaveLength(6);
    expect(res.warnings).toEqual([]);
    expect(res.records[0]).toMatchObject({
      accession: '2214991469',
      exportDatabase: 'PTSDpubs',
      doi: '10.1002/jts.22387',
      year: 2019,
      language: 'English',
      journal: 'Journal of Traumatic Stress',
    });
    expect(res.records[1].accession).toBe('2236127104');
  });
  it('colrev-search-source-tests/abi_inform_proquest_ris.ris: thesis and article', () => {
    const res = parse('colrev-search-source-tests/abi_inform_proquest_ris.ris');
    expect(res.dialect).toBe('proquest');
    expect(res.records.map((r) => [r.type, r.accession, r.title])).toEqual([
      ['thesis', '1234567890', 'Thesis title'],
      ['journal-article', '1234567891', 'Title of a journal article'],
    ]);
    expect(res.records[0].exportDatabase).toBe('ProQuest Dissertations & Theses Global');
    expect(res.records[1].doi).toBe('10.0001/1234567891');
  });
});

describe.skipIf(!HAS_CORPUS)('corpus: EBSCOhost and APA PsycNET RIS', () => {
  it('synthesisr-tests/ASP_ris_example.ris (GPL, read in place)', () => {
    const res = parse('synthesisr-tests/ASP_ris_example.ris');
    expect(res.dialect).toBe('ebscohost');
    expect(res.records).toHaveLength(4);
    expect(res.records[0].year).toBe(2016);
    expect(res.records[0].accession).toMatch(/^\d+$/);
    expect(res.records[0].abstract).toBeTruthy();
  });
  it('colrev psycinfo_ris.ris: preamble skipped, PMID tag kept in raw', () => {
    const res = parse('colrev-search-source-tests/psycinfo_ris.ris');
    expect(res.dialect).toBe('apa-psycnet');
    expect(res.records).toHaveLength(1);
    expect(res.records[0]).toMatchObject({ accession: '2020-55555-005', doi: '10.1011/hea0004444', source: { line: 5 } });
    expect(res.records[0].raw.toObject().PMID).toEqual(['33355555']);
    expect(res.warnings).toEqual([]);
  });
});

/** asreview/citation-file-formatting: the same records exported by many tools. */
const CFF_RIS: Record<string, [dialect: string, count: number]> = {
  '_baseline.ris': ['generic', 100],
  '_baseline_cinahl.ris': ['ebscohost', 9],
  '_baseline_citavi.ris': ['generic', 100],
  '_baseline_cochrane_endnote.ris': ['generic', 3],
  '_baseline_cochrane_procite.ris': ['generic', 3],
  '_baseline_cochrane_refman.ris': ['generic', 3],
  '_baseline_covidence_endnote.ris': ['generic', 10],
  '_baseline_covidence_mendeley.ris': ['generic', 10],
  '_baseline_covidence_refworks.ris': ['generic', 10],
  '_baseline_covidence_zotero.ris': ['generic', 10],
  '_baseline_embase.ris': ['generic', 10],
  '_baseline_endnote.ris': ['generic', 10],
  '_baseline_eppireviewer.ris': ['generic', 10],
  '_baseline_eric_ovid.ris': ['ovid', 10],
  '_baseline_googlescholar.ris': ['generic', 10],
  '_baseline_mdpi.ris': ['generic', 11],
  '_baseline_mendeley.ris': ['generic', 10],
  '_baseline_openalex.ris': ['generic', 9],
  '_baseline_psychInfo_ovid.ris': ['ovid', 10],
  '_baseline_rayyan.ris': ['generic', 10],
  '_baseline_refworks.ris': ['generic', 10],
  '_baseline_scopus.ris': ['generic', 10],
  '_baseline_webofscience.ris': ['generic', 10],
  '_baseline_zotero.ris': ['generic', 10],
};

describe.skipIf(!HAS_CORPUS)('corpus: asreview-citation-file-formatting RIS', () => {
  it.each(Object.entries(CFF_RIS))('%s', (name, [dialect, count]) => {
    const res = parse(`asreview-citation-file-formatting/RIS/${name}`);
    expect(res.format).toBe('ris');
    expect(res.dialect).toBe(dialect);
    expect(res.records).toHaveLength(count);
    for (const r of res.records) expect(r.title).not.toBe('');
    // Every record found a year somewhere in PY/Y1/DA/Y2.
    expect(res.records.filter((r) => r.year === undefined)).toEqual([]);
  });
  it('the nbib file named .ris is not taken for RIS', () => {
    let format: string | undefined;
    try {
      format = parse('asreview-citation-file-formatting/RIS/_baseline_pubmed.ris').format;
    } catch (e) {
      expect((e as Error).message).toMatch(/no known export format/);
    }
    expect(format).not.toBe('ris');
  });
  it('Cochrane "TY  -  JOUR" (two spaces after the dash) and accession', () => {
    const r = parse('asreview-citation-file-formatting/RIS/_baseline_cochrane_refman.ris').records[0];
    expect(r).toMatchObject({ accession: 'CN-00778158', type: 'journal-article', year: 2011, journal: 'Trials' });
  });
});

const CFF_TABLES: Record<string, [format: string, count: number]> = {
  'CSV/_baseline.csv': ['csv', 100],
  // Ten citations; abstrackr's "citations that are not yet labeled by anyone" row between them is skipped with a warning.
  'CSV/_baseline_abstrackr.csv': ['csv', 10],
  'CSV/_baseline_cinahl.csv': ['csv', 10],
  'CSV/_baseline_cochrane.csv': ['csv', 3],
  'CSV/_baseline_covidence.csv': ['csv', 10],
  'CSV/_baseline_embase.csv': ['csv', 10],
  'CSV/_baseline_excel.csv': ['csv', 10],
  'CSV/_baseline_googlescholar.csv': ['csv', 10],
  'CSV/_baseline_openalex.csv': ['csv', 9],
  'CSV/_baseline_pubmed.csv': ['csv', 10],
  'CSV/_baseline_rayyan.csv': ['csv', 10],
  'CSV/_baseline_scopus.csv': ['csv', 10],
  'CSV/_baseline_zotero.csv': ['csv', 10],
  'TSV/_baseline.tsv': ['tsv', 100],
  'TSV/_baseline_refworks.tsv': ['tsv', 100],
};

describe.skipIf(!HAS_CORPUS)('corpus: asreview-citation-file-formatting CSV/TSV', () => {
  it.each(Object.entries(CFF_TABLES))('%s', (rel, [format, count]) => {
    const res = parse(`asreview-citation-file-formatting/${rel}`);
    expect(res.format).toBe(format);
    expect(res.records).toHaveLength(count);
    expect(res.records.filter((r) => r.title !== '').length).toBeGreaterThanOrEqual(count - 1);
  });
  it('EBSCO CINAHL CSV: ="..." cells and dialect', () => {
    const res = parse('asreview-citation-file-formatting/CSV/_baseline_cinahl.csv');
    expect(res.dialect).toBe('ebsco');
    expect(res.records[0].raw.toObject().ISSN).toEqual(['19326203']);
    expect(res.records[0].accession).toBe('176404503');
  });
  it('Embase CSV: search-query preamble before the header', () => {
    const res = parse('asreview-citation-file-formatting/CSV/_baseline_embase.csv');
    expect(res.dialect).toBe('embase');
    expect(res.records[0].source.line).toBe(5);
    expect(res.records[1].type).toBe('erratum');
  });
});

/** Record count independent of the parser: lines starting with a TY tag, after decoding. */
function countTyLines(bytes: Uint8Array): number {
  const text = decodeText(bytes).text;
  return (text.match(/^TY {1,2}-/gm) ?? []).length;
}

describe.skipIf(!HAS_CORPUS)('corpus: every .ris file gives one record per TY line', () => {
  const files = HAS_CORPUS ? walk(CORPUS).filter((f) => /\.ris$/i.test(f)) : [];
  it.each(files.map((f) => [path.relative(CORPUS, f)]))('%s', (rel) => {
    const bytes = corpusFile(rel);
    const expected = countTyLines(bytes);
    let res;
    try {
      res = decodeAndParse(bytes, rel);
    } catch (e) {
      // Files with no TY line (nbib, WoS tagged) may be refused, but only with a located input error.
      expect(expected).toBe(0);
      expect(e).toBeInstanceOf(LitscreenError);
      expect((e as LitscreenError).line).toBe(1);
      return;
    }
    if (expected > 0) {
      expect(res.format).toBe('ris');
      expect(res.records).toHaveLength(expected);
    }
    for (const r of res.records) {
      expect(r.source.line).toBeGreaterThan(0);
      expect(r.rawHash).toMatch(/^[0-9a-f]{12}$/);
    }
    for (const w of res.warnings) expect(w.line).toBeGreaterThan(0);
  });
});
