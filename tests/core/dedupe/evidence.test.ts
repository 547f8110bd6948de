// Issue 9: patterns from a labelled set the engine had never seen (bib-dedupe's `diabetes`, 1,845
// records, of which the corpus holds only the group file). Records are built from what the issue
// quotes (the supplement DOI 10.1007/s00125-017-4350-z, CENTRAL's 10.1002/central/CN-00677540/full, the
// "Diabetologie und Stoffwechsel. Conference" venue, NA cells, "221-8", "61 (Supplement 1)") and from
// the shared corpus (the CENTRAL record CN-00778158 in asreview-citation-file-formatting's Cochrane
// export); titles and authors of the abstracts are invented in the style of an EASD abstract book.
import { describe, expect, it } from 'vitest';
import { findDuplicates, type DedupeSettings } from '../../../src/core/dedupe/engine.js';
import { matchKeys } from '../../../src/core/dedupe/pair-assessment.js';
import { isDatabaseEntryDoi, issueKey, normalizeDoi, normalizePages, present, volumeKey, isSupplement } from '../../../src/core/dedupe/normalize.js';
import { rec, type RecordParts } from '../../helpers/records.js';
import { RawFields } from '../../../src/model/record.js';

const settings: DedupeSettings = { yearTolerance: 1, matchMainTitle: true };
const find = (parts: RecordParts[], own: DedupeSettings = settings) => findDuplicates(parts.map(rec), own);

describe('no rule merges on one field alone: a supplement DOI on every abstract of the book', () => {
  const SUPPLEMENT_DOI = '10.1007/s00125-017-4350-z';
  const TITLES = [
    'Empagliflozin reduces hepatic fat content in patients with type 2 diabetes and non-alcoholic fatty liver disease',
    'Glycaemic variability and cognitive decline in older adults with type 1 diabetes: a prospective cohort',
    'Time in range as a predictor of diabetic retinopathy progression in a Scandinavian registry',
    'Beta cell function after bariatric surgery: five-year follow-up of a randomised trial',
    'Continuous glucose monitoring in pregnancy complicated by type 1 diabetes: neonatal outcomes',
    'Liraglutide and cardiovascular autonomic neuropathy: a double-blind crossover study',
    'Incidence of severe hypoglycaemia in insulin-treated type 2 diabetes across European primary care',
    'A machine learning model to predict diabetic foot ulcer healing from routine clinical data',
    'Sodium-glucose co-transporter 2 inhibitors and the risk of diabetic ketoacidosis in surgery',
    'Dietary fibre intake and incident type 2 diabetes in the EPIC-InterAct case-cohort study',
  ];
  const FIRST_AUTHORS = ['Andersen', 'Bianchi', 'Carvalho', 'Dubois', 'Eriksson', 'Fischer', 'Garcia', 'Hansen', 'Ivanova', 'Jansen'];
  // Embase files each abstract under its meeting, with the supplement's DOI.
  const abstracts: RecordParts[] = TITLES.map((title, i) => ({
    id: `embase:${i + 1}`,
    type: 'conference',
    title,
    authors: `${FIRST_AUTHORS[i]}, K.; ${FIRST_AUTHORS[(i + 3) % 10]}son, L.`,
    year: 2017,
    journal: 'Diabetologia. Conference: 53rd Annual Meeting of the European Association for the Study of Diabetes, EASD 2017. Portugal',
    volume: '60',
    issue: '1 Supplement 1',
    doi: SUPPLEMENT_DOI,
  }));

  it('ten different abstracts sharing the DOI: nothing merges, nothing is asked', () => {
    const r = find(abstracts);
    expect(r.clusters).toEqual([]);
    expect(r.uncertain).toEqual([]);
    expect(r.blockedMerges).toEqual([]);
  });

  it('two true copies among them (Embase and Web of Science) still merge on title, authors and year', () => {
    const wosCopy: RecordParts = {
      id: 'wos:1',
      type: 'conference',
      title: TITLES[3].toUpperCase(),
      authors: 'Dubois, Karine; Garciason, Lena',
      year: 2017,
      journal: 'DIABETOLOGIA',
      volume: '60',
      issue: 'S1',
      startPage: 'S112',
      doi: SUPPLEMENT_DOI,
    };
    const r = find([...abstracts, wosCopy]);
    expect(r.clusters).toHaveLength(1);
    expect(r.clusters[0]).toMatchObject({ kept: 'wos:1', removed: ['embase:4'], rule: 'title-author-year' });
  });

  it('a DOI with three different titles is a container: it no longer keeps a copy with another DOI apart', () => {
    const withOwnDoi: RecordParts = { ...abstracts[0], id: 'scopus:1', journal: 'Diabetologia', doi: '10.1007/s00125-017-4350-z.a001' };
    const r = find([...abstracts, withOwnDoi]);
    expect(r.clusters).toMatchObject([{ kept: 'embase:1', removed: ['scopus:1'] }]);
  });

  it('two abstracts alone on the DOI (too few to call it a container) still do not merge on it', () => {
    const r = find([abstracts[0], abstracts[1]]);
    expect(r.clusters).toEqual([]);
    expect(r.uncertain).toEqual([]);
    // By one team, they are put to a person rather than merged.
    const sameTeam = find([abstracts[0], { ...abstracts[1], authors: abstracts[0].authors }]);
    expect(sameTeam.clusters).toEqual([]);
    expect(sameTeam.uncertain).toMatchObject([{ reasons: expect.arrayContaining(['same DOI', 'but titles differ']) }]);
  });

  it('the same DOI on titles that do not agree, by the same team, goes to a person instead', () => {
    const translated: RecordParts = { ...abstracts[0], id: 'lilacs:1', title: 'Empagliflozina reduce la grasa hepática en pacientes con diabetes tipo 2' };
    const r = find([abstracts[0], translated]);
    expect(r.clusters).toEqual([]);
    expect(r.uncertain).toMatchObject([{ a: 'embase:1', b: 'lilacs:1', reasons: expect.arrayContaining(['same DOI']) }]);
  });
});

describe('database and registry pseudo-DOIs identify the entry, not the work', () => {
  // asreview-citation-file-formatting/CSV/_baseline_cochrane.csv, CENTRAL ID CN-00778158 (PubMed 21314913).
  const title =
    'The Incredible Years Therapeutic Dinosaur Programme to build social and emotional competence in Welsh primary schools: study protocol for a randomised controlled trial';
  const authors = 'Bywater, T; Hutchings, J; Whitaker, C; Evans, C; Parry, L';
  const central: RecordParts = { id: 'central:CN-00778158', title, authors, year: 2011, journal: 'Trials', volume: '12', startPage: '39', doi: '10.1002/central/CN-00778158/full' };
  const pubmed: RecordParts = { id: 'pubmed:21314913', title, authors, year: 2011, journal: 'Trials', volume: '12', startPage: '39', doi: '10.1186/1745-6215-12-39' };

  it('recognises the pattern: CENTRAL accessions and trial-registry numbers in a DOI suffix, not journal DOIs', () => {
    expect(isDatabaseEntryDoi(normalizeDoi('10.1002/central/CN-00677540/full')!)).toBe(true);
    expect(isDatabaseEntryDoi(normalizeDoi('https://doi.org/10.1186/ISRCTN96803379')!)).toBe(true);
    expect(isDatabaseEntryDoi(normalizeDoi('10.1186/1745-6215-12-39')!)).toBe(false);
    expect(isDatabaseEntryDoi(normalizeDoi('10.1002/14651858.CD001234.pub2')!)).toBe(false);
    // A landing page's view is no part of a DOI.
    expect(normalizeDoi('https://www.frontiersin.org/articles/10.3389/fpsyg.2021.724966/full')).toBe('10.3389/fpsyg.2021.724966');
  });

  it('does not block: the CENTRAL copy merges with the PubMed record that has the real DOI', () => {
    const r = find([pubmed, central]);
    expect(r.blockedMerges).toEqual([]);
    expect(r.clusters).toMatchObject([{ kept: 'pubmed:21314913', removed: ['central:CN-00778158'], rule: 'title-author-year' }]);
  });

  it('does not merge: records that share only the pseudo-DOI are not even put to a person', () => {
    const other: RecordParts = { id: 'central:x', title: 'Teacher classroom management training and child mental health: a cluster trial', authors: 'Ford, T', year: 2012, doi: '10.1002/central/CN-00778158/full' };
    const r = find([central, other]);
    expect(r.clusters).toEqual([]);
    expect(r.uncertain).toEqual([]);
    // The same with a real DOI would at least be asked.
    expect(find([{ ...central, doi: '10.1186/x' }, { ...other, authors: 'Bywater, T', doi: '10.1186/x' }]).uncertain).toHaveLength(1);
  });
});

describe('guard rails keyed on evidence, not on one word', () => {
  const title = 'Prävalenz des Diabetes mellitus Typ 2 bei Erwachsenen in Deutschland: Ergebnisse der GEDA-Studie';
  const authors = 'Heidemann, C.; Du, Y.; Scheidt-Nave, C.';
  const abstract = 'Hintergrund: Die Prävalenz des bekannten Diabetes ...';
  const meeting: RecordParts = {
    id: 'embase:1', type: 'conference', title, authors, year: 2017, abstract,
    journal: 'Diabetologie und Stoffwechsel. Conference', volume: '12', issue: 'Supplement 1', doi: '10.1055/s-0037-1601545',
  };
  const journal: RecordParts = { ...meeting, id: 'wos:1', type: 'journal-article', journal: 'Diabetologie und Stoffwechsel' };

  it('the "Conference" journal suffix against the same journal, same DOI, title and abstract: one item', () => {
    expect(find([meeting, journal]).clusters).toMatchObject([{ removed: ['wos:1'], rule: 'doi' }]);
  });

  it('the same without DOIs: the journal that prints the meeting supplement still places it', () => {
    expect(find([{ ...meeting, doi: undefined }, { ...journal, doi: undefined }]).clusters).toHaveLength(1);
  });

  it('the guard still holds between a meeting abstract and a full paper of that title', () => {
    const paper: RecordParts = { ...journal, id: 'pubmed:1', volume: '13', issue: '2', startPage: '101', endPage: '112', doi: '10.1055/s-0042-1234567' };
    const r = find([{ ...meeting, doi: undefined }, paper]);
    expect(r.clusters).toEqual([]);
    expect(r.blockedMerges.map((b) => b.guard)).toContain('conference abstract vs full paper');
  });

  describe('a letter in PubMed, an article in Embase', () => {
    const letterTitle = 'Insulin degludec versus glargine in type 2 diabetes: what the DEVOTE trial did not answer';
    const letter: RecordParts = {
      id: 'pubmed:28123456', type: 'editorial', rawType: 'Letter', title: letterTitle, authors: 'Marso, S. P.', year: 2017,
      journal: 'Diabetes Care', volume: '40', startPage: 'e45', doi: '10.2337/dc16-2601', raw: RawFields.fromObject({ PMID: ['28123456'] }),
    };
    const article: RecordParts = { ...letter, id: 'embase:615000001', type: 'journal-article', rawType: 'Article', raw: RawFields.fromObject({ 'PubMed ID': ['28123456'] }) };

    it('the same DOI, PubMed id and title are one work, whatever each database calls it', () => {
      expect(find([letter, article]).clusters).toMatchObject([{ rule: 'doi' }]);
    });
    it('different PubMed ids keep them apart', () => {
      const r = find([letter, { ...article, raw: RawFields.fromObject({ 'PubMed ID': ['28123999'] }) }]);
      expect(r.clusters).toEqual([]);
      expect(r.blockedMerges[0].guard).toBe('editorial vs ordinary record');
    });
    it('a reply named by its title stays guarded even with the same DOI and PubMed id', () => {
      const reply = { ...letter, title: `${letterTitle} - Reply`, type: 'journal-article' as const };
      expect(find([reply, article]).clusters).toEqual([]);
    });
  });
});

describe('missing values are missing', () => {
  const title = 'Effect of a structured exercise programme on HbA1c in adolescents with type 1 diabetes';
  const full: RecordParts = { id: 'scopus:1', title, authors: 'Okafor, C.; Lindqvist, M.', year: 2019, journal: 'Pediatric Diabetes', volume: '20', issue: '4', startPage: '401', endPage: '409', doi: '10.1111/pedi.12830' };
  // A spreadsheet export (an R or pandas CSV) writes NA in every empty cell.
  const spreadsheet: RecordParts = {
    id: 'csv:1', title, authors: 'Okafor, C.; Lindqvist, M.', year: 2019,
    journal: 'NA', volume: 'NA', issue: 'N/A', startPage: 'NA', endPage: 'NA', doi: 'NA', abstract: 'null',
  };

  it('NA, N/A, null, - and empty are absent, not values', () => {
    for (const v of ['NA', 'N/A', 'null', '-', '', ' ']) expect(present(v)).toBeUndefined();
    for (const v of ['Nature', 'NA-rich diet', 'Nguyen', '42']) expect(present(v)).toBe(v);
    const k = matchKeys(rec(spreadsheet), 0);
    expect([k.doi, k.volume, k.issue, k.startPage, k.journal]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(matchKeys(rec({ id: 'x', title, authors: 'NA' }), 0).author).toBeUndefined();
  });

  it('a copy with NA cells merges (an "NA" journal would have disagreed with the real one)', () => {
    expect(find([full, spreadsheet]).clusters).toMatchObject([{ kept: 'scopus:1', removed: ['csv:1'], rule: 'title-author-year' }]);
  });
});

describe('locators written the usual combined ways', () => {
  it('"221-8" is pages 221 to 228, so the same printed range places a title given in another language', () => {
    expect(normalizePages('221', '8')).toEqual({ first: '221', last: '228' });
    expect(normalizePages('221-8', undefined)).toEqual({ first: '221', last: '228' });
    const english: RecordParts = { id: 'pubmed:1', title: '[Self-management education in type 2 diabetes: a cluster randomised trial in general practice]', authors: 'Kulzer, B.; Hermanns, N.', year: 2015, journal: 'Diabetologe', volume: '11', startPage: '221', endPage: '8' };
    const german: RecordParts = { id: 'embase:1', title: 'Schulung zum Selbstmanagement bei Typ-2-Diabetes: eine cluster-randomisierte Studie in der Hausarztpraxis', authors: 'Kulzer, Bernhard; Hermanns, Norbert', year: 2015, journal: 'Der Diabetologe', volume: '11', startPage: '221', endPage: '228' };
    expect(find([english, german]).clusters).toHaveLength(1);
  });

  it('"61 (Supplement 1)" is volume 61 in a supplement; "Suppl. 2" alone names no volume', () => {
    expect(volumeKey('61 (Supplement 1)')).toBe('61');
    expect(issueKey(undefined, '61 (Supplement 1)')).toBeUndefined();
    expect(isSupplement('61 (Supplement 1)', undefined)).toBe(true);
    expect(volumeKey('61(4)')).toBe('61');
    expect(issueKey(undefined, '61(4)')).toBe('4');
    expect(volumeKey('Suppl. 2')).toBeUndefined();
    expect(volumeKey('Vol. 61')).toBe('61');
    // What a reader that split "61 (Supplement 1)" at the space left behind.
    expect(volumeKey('61 (Supplement')).toBe('61');
    expect(issueKey('1)')).toBe('1');
  });

  it('copies of one supplement abstract with the volume written three ways merge, and are not left to a person', () => {
    const title = 'Metformin use and risk of dementia in type 2 diabetes: a nationwide cohort';
    const authors = 'Nakamura, H.; Sato, Y.';
    const r = find([
      { id: 'embase:1', type: 'conference', title, authors, year: 2018, journal: 'Diabetologia', volume: '61 (Supplement 1)', startPage: 'S321' },
      { id: 'wos:1', type: 'conference', title, authors, year: 2018, journal: 'DIABETOLOGIA', volume: '61', issue: 'Suppl. 1', startPage: 'S321' },
      { id: 'csv:1', type: 'conference', title, authors, year: 2018, journal: 'Diabetologia', volume: 'Suppl. 1', issue: '61' },
    ]);
    expect(r.clusters).toHaveLength(1);
    expect([r.clusters[0].kept, ...r.clusters[0].removed].sort()).toEqual(['csv:1', 'embase:1', 'wos:1']);
    expect(r.uncertain).toEqual([]);
  });
});

describe('general patterns that keep a shared DOI merging where titles or pages are written differently (digital_work)', () => {
  it('a one-word name before the colon kept by one database: id_2006591 / id_3006855', () => {
    const r = find([
      { id: 'a', title: 'HYbrid Job Recommendation system', authors: 'Coelho, B.; Costa, F.; Gonçalves, G.M.', year: 2015, journal: 'Proceedings of the 12th International Conference on e-Business', startPage: '29', endPage: '38', doi: '10.5220/0005569200290038' },
      { id: 'b', title: 'Hyred: Hybrid Job Recommendation System', authors: 'Coelho, Bruno; Costa, Fernando; Goncalves, Gil M', year: 2015, journal: 'International Conference on E-Business and Telecommunication Networks', volume: '2', startPage: '29', endPage: '38', doi: '10.5220/0005569200290038' },
    ]);
    expect(r.clusters).toMatchObject([{ rule: 'doi' }]);
  });

  it('a heading before the colon is not a name: "Commentary: X" is not X', () => {
    const title = 'Crowdworkers and the platform economy in three European countries';
    const r = find([
      { id: 'a', title, authors: 'Ihl, A.', year: 2020, journal: 'Frontiers in Psychology', volume: '11' },
      { id: 'b', title: `Commentary: ${title}`, authors: 'Ihl, A.', year: 2020, journal: 'Frontiers in Psychology', volume: '11' },
    ]);
    expect(r.clusters).toEqual([]);
  });

  it('a character written as its Unicode name ("horizontal ellipsis"): id_4006721 / id_3006723', () => {
    const r = find([
      { id: 'a', title: 'Flexible, Self-Determined horizontal ellipsis and Unhealthy? An Empirical Study on Somatic Health Among Crowdworkers', authors: 'Schlicher, Katharina D.; Schulte, Julian', year: 2021, journal: 'Frontiers in Psychology', volume: '12', doi: '10.3389/FPSYG.2021.724966' },
      { id: 'b', title: 'Flexible, Self-Determined… and Unhealthy? An Empirical Study on Somatic Health Among Crowdworkers', authors: 'Schlicher, Katharina D; Schulte, Julian', year: 2021, journal: 'Frontiers in psychology', volume: '12', startPage: '724966', doi: '10.3389/FPSYG.2021.724966' },
    ]);
    expect(r.clusters).toMatchObject([{ rule: 'doi' }]);
  });

  it('an article number next to a page count is no page conflict for a shared DOI: id_3006669 / id_4006940', () => {
    const title = 'The mediated effects of social support in professional online communities on crowdworker engagement in micro-task crowdworking';
    const r = find([
      { id: 'a', title, authors: 'Ihl, Andreas; Strunk, Kim Simon; Fiedler, Marina', year: 2020, journal: 'Computers in Human Behavior', volume: '113', startPage: '11', doi: '10.1016/J.CHB.2020.106482' },
      { id: 'b', title, authors: 'Ihl, Andreas; Strunk, Kim Simon; Fiedler, Marina', year: 2020, journal: 'Computers in Human Behavior', volume: '113', startPage: '106482', doi: '10.1016/J.CHB.2020.106482' },
    ]);
    expect(r.clusters).toMatchObject([{ rule: 'doi' }]);
    // Two printed ranges that do not overlap are two items, DOI or not.
    const apart = find([
      { id: 'a', title, authors: 'Ihl, Andreas', year: 2020, journal: 'Computers in Human Behavior', volume: '113', startPage: '12', endPage: '18', doi: '10.1016/x' },
      { id: 'b', title, authors: 'Ihl, Andreas', year: 2020, journal: 'Computers in Human Behavior', volume: '113', startPage: '140', endPage: '146', doi: '10.1016/x' },
    ]);
    expect(apart.clusters).toEqual([]);
  });

  it('a copy that kept only a short main title merges on the DOI when first author and volume agree', () => {
    const r = find([
      { id: 'a', title: 'Crowdwork: Applying a relational inequality theory', authors: 'Croteau, Anne-Marie', year: 1989, journal: 'Obstetrics & Gynecology', volume: '56', startPage: '1718', doi: '10.3435/x.4280' },
      { id: 'b', title: 'Crowdwork', authors: 'Croteau, A.-M.', year: 1989, journal: 'Obst. Gynec', volume: '56', startPage: '1718', doi: '10.3435/x.4280' },
    ]);
    expect(r.clusters).toMatchObject([{ rule: 'doi' }]);
    // Without the DOI, a one-word title links nothing.
    expect(find([{ id: 'a', title: 'Crowdwork: Applying a relational inequality theory', authors: 'Croteau, A.', year: 1989 }, { id: 'b', title: 'Crowdwork', authors: 'Croteau, A.', year: 1989 }]).clusters).toEqual([]);
  });
});
