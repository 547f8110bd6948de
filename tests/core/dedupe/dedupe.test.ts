import { describe, expect, it } from 'vitest';
import { findDuplicates, type DedupeSettings } from '../../../src/core/dedupe/engine.js';
import { rec, type RecordParts } from '../../helpers/records.js';
import type { ReviewRecord } from '../../../src/model/record.js';

const settings: DedupeSettings = { yearTolerance: 1, matchMainTitle: true };


const WEBBER_TITLE =
  'The meaningful involvement of service users and carers in advanced-level post-qualifying social work education: a qualitative study';
const WEBBER_MAIN = 'The meaningful involvement of service users and carers in advanced-level post-qualifying social work education';
const RANTAMAKI_TITLE =
  'Co-production in the context of Finnish social services and health care: A challenge and a possibility for a new kind of democracy';

interface Case {
  name: string;
  a: RecordParts;
  b: RecordParts;
  /** The rule that merges them, or false when they must stay apart. */
  merged: false | 'doi' | 'title-author-year' | 'main-title-author-year';
  /** When they stay apart because a guard rail held, a word of its message. */
  blockedBy?: string;
  settings?: DedupeSettings;
}

const cases: Case[] = [
  {
    name: 'same DOI written differently, titles agree but for case, punctuation and the subtitle',
    a: { id: 'sco:1', title: WEBBER_TITLE, doi: 'https://doi.org/10.1093/bjsw/bcr141', authors: 'Webber, M.', year: 2012 },
    b: { id: 'psy:1', title: WEBBER_MAIN.toUpperCase() + '.', doi: '10.1093/BJSW/bcr141', authors: 'Webber, Martin', year: 2012 },
    merged: 'doi',
  },
  {
    name: 'same DOI, titles that do not agree: the DOI alone merges nothing',
    a: { id: 'sco:1', title: WEBBER_TITLE, doi: 'https://doi.org/10.1093/bjsw/bcr141', authors: 'Webber, M.', year: 2012 },
    b: { id: 'psy:1', title: 'Meaningful involvement of service users', doi: '10.1093/BJSW/bcr141', authors: 'Webber, Martin', year: 2012 },
    merged: false,
  },
  {
    name: 'DOI in one copy only: merged by title + author + year',
    a: { id: 'sco:1', title: WEBBER_TITLE, doi: '10.1093/bjsw/bcr141', authors: 'Webber, M.; Robinson, K.', year: 2012 },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.; Robinson, K.', year: 2012 },
    merged: 'title-author-year',
  },
  {
    name: 'different capitalisation and punctuation',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 },
    b: {
      id: 'psy:1',
      title: 'THE MEANINGFUL INVOLVEMENT OF SERVICE USERS AND CARERS IN ADVANCED LEVEL POST-QUALIFYING SOCIAL WORK EDUCATION. A QUALITATIVE STUDY.',
      authors: 'Webber, M.',
      year: 2012,
    },
    merged: 'title-author-year',
  },
  {
    name: '"Webber, M." vs "Webber, Martin"',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.; Robinson, K.', year: 2012 },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, Martin; Robinson, Karen', year: 2012 },
    merged: 'title-author-year',
  },
  {
    name: '"Rantamäki" vs "Rantamaki"',
    a: { id: 'sco:1', title: RANTAMAKI_TITLE, authors: 'Rantamäki, N. J.', year: 2017 },
    b: { id: 'asp:1', title: RANTAMAKI_TITLE, authors: 'Rantamaki, Niina J.', year: 2017 },
    merged: 'title-author-year',
  },
  {
    name: 'HTML in one copy',
    a: { id: 'sco:1', title: 'Service users &amp; carers in <i>social work</i> education', authors: 'Levy, S.', year: 2016 },
    b: { id: 'psy:1', title: 'Service users & carers in social work education', authors: 'Levy, Susan', year: 2016 },
    merged: 'title-author-year',
  },
  {
    name: '"van Doorn" vs "Doorn"',
    a: { id: 'sco:1', title: 'Service user involvement in Dutch social work education', authors: 'van Doorn, L.', year: 2016 },
    b: { id: 'psy:1', title: 'Service user involvement in Dutch social work education', authors: 'Doorn, L. van', year: 2016 },
    merged: 'title-author-year',
  },
  {
    name: 'subtitle missing in one copy',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, volume: '42', startPage: '1256' },
    b: { id: 'psy:1', title: WEBBER_MAIN, authors: 'Webber, M.', year: 2012, volume: '42' },
    merged: 'main-title-author-year',
  },
  {
    name: 'same title, author and year in another volume (conference abstract vs article)',
    a: { id: 'emb:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2011, volume: '140', startPage: '14S' },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, volume: '42', startPage: '1256' },
    merged: false,
  },
  {
    name: 'online-first copy with a volume that names no number',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2011, volume: 'ahead of print' },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, volume: '42', startPage: '1256' },
    merged: 'title-author-year',
  },
  {
    name: 'first pages written differently do not veto a match',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, volume: '42', startPage: 'Suppl' },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, volume: '42', startPage: 'S109' },
    merged: 'title-author-year',
  },
  {
    name: 'subtitle missing but matchMainTitle off',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 },
    b: { id: 'psy:1', title: WEBBER_MAIN, authors: 'Webber, M.', year: 2012 },
    merged: false,
    settings: { yearTolerance: 1, matchMainTitle: false },
  },
  {
    name: 'subtitle missing, but the copies name different volumes',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, volume: '42' },
    b: { id: 'psy:1', title: WEBBER_MAIN, authors: 'Webber, M.', year: 2012, volume: '43' },
    merged: false,
  },
  {
    name: 'subtitle missing, but one year is missing',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 },
    b: { id: 'psy:1', title: WEBBER_MAIN, authors: 'Webber, M.' },
    merged: false,
  },
  {
    name: 'two different subtitles',
    a: { id: 'sco:1', title: `${WEBBER_MAIN}: a qualitative study`, authors: 'Webber, M.', year: 2012 },
    b: { id: 'psy:1', title: `${WEBBER_MAIN}: a survey`, authors: 'Webber, M.', year: 2012 },
    merged: false,
  },
  {
    name: 'short main title ("Introduction:") links nothing',
    a: { id: 'sco:1', title: 'Introduction: service users in social work education', authors: 'Smith, J.', year: 2015 },
    b: { id: 'psy:1', title: 'Introduction', authors: 'Smith, J.', year: 2015 },
    merged: false,
  },
  {
    name: 'online-first year 2011 vs print 2012',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2011 },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 },
    merged: 'title-author-year',
  },
  {
    name: 'years two apart with tolerance 1',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2010 },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 },
    merged: false,
  },
  {
    name: 'online-first 2011 vs print 2012 with tolerance 0',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2011 },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 },
    merged: false,
    settings: { yearTolerance: 0, matchMainTitle: true },
  },
  {
    name: 'year missing in one copy, full title equal',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.' },
    merged: 'title-author-year',
  },
  {
    name: 'no authors in one copy',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: '', year: 2012 },
    merged: false,
  },
  {
    name: 'different first authors, same title',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.; Robinson, K.', year: 2012 },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Robinson, K.; Webber, M.', year: 2012 },
    merged: false,
  },
  {
    name: 'trap: Rooney 2016 vs Unwin 2017 (same team, different studies)',
    a: {
      id: 'sco:1',
      title:
        'Gaining by giving? peer research into service user and carer perceptions of inclusivity in higher education',
      authors: 'Rooney, J.; Unwin, P.; Osborne, N.',
      year: 2016,
    },
    b: {
      id: 'psy:1',
      title:
        'Are perceptions of disability changed by involving service users and carers in qualifying health and social work training?',
      authors: 'Unwin, P.; Rooney, J.; Osborne, N.; Cole, C.',
      year: 2017,
    },
    merged: false,
  },
  {
    name: 'trap: erratum with the same title and first author, one year later',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1093/bjsw/bcr141' },
    b: { id: 'psy:1', type: 'erratum', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2013 },
    merged: false,
    blockedBy: 'ordinary record vs correction',
  },
  {
    name: 'erratum titled "Erratum to:" sharing the article DOI',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1093/bjsw/bcr141' },
    b: { id: 'psy:1', title: `Erratum to: ${WEBBER_TITLE}`, authors: 'Webber, M.', year: 2013, doi: '10.1093/bjsw/bcr141' },
    merged: false,
    blockedBy: 'correction',
  },
  {
    name: 'two copies of the same erratum',
    a: { id: 'sco:1', type: 'erratum', title: `Erratum: ${WEBBER_TITLE}`, authors: 'Webber, M.', year: 2013 },
    b: { id: 'psy:1', title: `Erratum: ${WEBBER_TITLE}`, authors: 'Webber, M.', year: 2013 },
    merged: 'title-author-year',
  },
  {
    name: 'comment vs the article it comments on',
    a: { id: 'sco:1', title: 'Comment on: service user involvement in social work education', authors: 'Smith, J.', year: 2015 },
    b: { id: 'psy:1', title: 'Service user involvement in social work education', authors: 'Smith, J.', year: 2015 },
    merged: false,
  },
  {
    name: 'trap: two different DOIs with identical titles',
    a: { id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1093/bjsw/bcr141' },
    b: { id: 'psy:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1093/bjsw/bcr999' },
    merged: false,
    blockedBy: 'different DOIs',
  },
  {
    name: 'trap: "Part 1" vs "Part 2"',
    a: { id: 'sco:1', title: 'Service user involvement in social work education. Part 1', authors: 'Duffy, J.', year: 2013 },
    b: { id: 'psy:1', title: 'Service user involvement in social work education. Part 2', authors: 'Duffy, J.', year: 2013 },
    merged: false,
  },
  {
    name: 'trap: "Part I: the literature" vs the title without the part',
    a: { id: 'sco:1', title: 'Service user involvement in social work education: Part I', authors: 'Duffy, J.', year: 2013 },
    b: { id: 'psy:1', title: 'Service user involvement in social work education', authors: 'Duffy, J.', year: 2013 },
    merged: false,
    blockedBy: 'different parts',
  },
  {
    name: 'short generic titles need the same first page',
    a: { id: 'sco:1', title: 'Editorial', type: 'editorial', authors: 'Smith, J.', year: 2015, startPage: '1' },
    b: { id: 'psy:1', title: 'Editorial', type: 'editorial', authors: 'Smith, J.', year: 2015, startPage: '101' },
    merged: false,
  },
  {
    name: 'short generic titles on the same first page',
    a: { id: 'sco:1', title: 'Editorial', type: 'editorial', authors: 'Smith, J.', year: 2015, startPage: '101' },
    b: { id: 'psy:1', title: 'Editorial.', type: 'editorial', authors: 'Smith, J.', year: 2015, startPage: '101' },
    merged: 'title-author-year',
  },
];

describe('findDuplicates: one pair at a time', () => {
  it.each(cases)('$name', ({ a, b, merged, blockedBy, settings: own }) => {
    const result = findDuplicates([rec(a), rec(b)], own ?? settings);
    if (merged === false) {
      expect(result.clusters).toEqual([]);
      expect(result.keptIds).toEqual([a.id, b.id]);
      expect(result.removedToKept.size).toBe(0);
      if (blockedBy) {
        expect(result.blockedMerges).toHaveLength(1);
        expect(result.blockedMerges[0]).toMatchObject({ a: a.id, b: b.id });
        expect(result.blockedMerges[0].guard).toContain(blockedBy);
      }
    } else {
      expect(result.clusters).toHaveLength(1);
      const [cluster] = result.clusters;
      expect(cluster.rule).toBe(merged);
      expect([cluster.kept, ...cluster.removed].sort()).toEqual([a.id, b.id].sort());
      expect(cluster.links).toEqual([{ id: cluster.removed[0], to: cluster.kept, rule: merged, score: expect.any(Number) }]);
      expect(result.keptIds).toEqual([cluster.kept]);
      expect(result.blockedMerges).toEqual([]);
    }
  });
});

describe('findDuplicates: clusters', () => {
  it('keeps the most complete record, ties to the earliest', () => {
    const records = [
      rec({ id: 'a:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 }),
      rec({ id: 'b:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1093/bjsw/bcr141', volume: '42' }),
      rec({ id: 'c:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, abstract: 'x', journal: 'BJSW' }),
    ];
    const result = findDuplicates(records, settings);
    expect(result.clusters).toEqual([
      {
        score: expect.any(Number),
        kept: 'b:1',
        removed: ['a:1', 'c:1'],
        rule: 'title-author-year',
        links: [
          { id: 'a:1', to: 'b:1', rule: 'title-author-year', score: expect.any(Number) },
          { id: 'c:1', to: 'a:1', rule: 'title-author-year', score: expect.any(Number) },
        ],
      },
    ]);
    expect(result.keptIds).toEqual(['b:1']);
    expect([...result.removedToKept]).toEqual([
      ['a:1', 'b:1'],
      ['c:1', 'b:1'],
    ]);
  });

  it('checks guards across the whole cluster: two DOIs linked only through a DOI-less copy stay apart', () => {
    const records = [
      rec({ id: 'a:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1000/one' }),
      rec({ id: 'b:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 }),
      rec({ id: 'c:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1000/two' }),
    ];
    const result = findDuplicates(records, settings);
    expect(result.clusters).toHaveLength(1);
    expect(result.clusters[0]).toMatchObject({ kept: 'a:1', removed: ['b:1'] });
    expect(result.keptIds).toEqual(['a:1', 'c:1']);
    expect(result.blockedMerges.map((m) => m.guard).join(' ')).toContain('different DOIs');
  });

  it('links a subtitle-less copy, a full copy and a DOI copy into one cluster with the weakest rule named', () => {
    const records = [
      rec({ id: 'psy:1', title: WEBBER_MAIN, authors: 'Webber, M.', year: 2012 }),
      rec({ id: 'sco:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1093/bjsw/bcr141' }),
      rec({ id: 'wos:1', title: `${WEBBER_TITLE} [Review]`, authors: 'Webber, M.', year: 2013, doi: 'doi:10.1093/bjsw/bcr141' }),
      rec({ id: 'eric:1', title: 'Something else entirely in social work', authors: 'Webber, M.', year: 2012 }),
    ];
    const result = findDuplicates(records, settings);
    expect(result.clusters).toEqual([
      {
        score: expect.any(Number),
        kept: 'sco:1',
        removed: ['psy:1', 'wos:1'],
        rule: 'main-title-author-year',
        links: [
          { id: 'psy:1', to: 'sco:1', rule: 'main-title-author-year', score: expect.any(Number) },
          { id: 'wos:1', to: 'sco:1', rule: 'doi', score: expect.any(Number) },
        ],
      },
    ]);
    expect(result.keptIds).toEqual(['sco:1', 'eric:1']);
  });

  it('orders clusters by their kept record and is deterministic', () => {
    const records = [
      rec({ id: 'x:1', title: RANTAMAKI_TITLE, authors: 'Rantamäki, N.', year: 2017 }),
      rec({ id: 'x:2', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 }),
      rec({ id: 'y:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 }),
      rec({ id: 'y:2', title: RANTAMAKI_TITLE, authors: 'Rantamaki, N.', year: 2017 }),
    ];
    const first = findDuplicates(records, settings);
    expect(first.clusters.map((c) => c.kept)).toEqual(['x:1', 'x:2']);
    expect(first.keptIds).toEqual(['x:1', 'x:2']);
    expect(findDuplicates(records, settings)).toEqual(first);
  });

  it('handles no records', () => {
    expect(findDuplicates([], settings)).toEqual({ clusters: [], keptIds: [], removedToKept: new Map(), blockedMerges: [], uncertain: [] });
  });
});

describe('findDuplicates: accounting', () => {
  /** A small deterministic generator so the set is random-ish but the test is stable. */
  function lcg(seed: number): () => number {
    let s = seed;
    return () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
  }

  it('in = kept + removed on a random-ish set with duplicates, traps and large blocks', () => {
    const next = lcg(42);
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)];
    const surnames = ['Webber', 'Rantamäki', 'Rantamaki', 'van Doorn', 'Doorn', 'Rooney', 'Unwin', 'Levy', ''];
    const titles = [
      WEBBER_TITLE,
      WEBBER_MAIN,
      RANTAMAKI_TITLE,
      'Editorial',
      `Erratum: ${WEBBER_TITLE}`,
      'Service user involvement. Part 1',
      'Service user involvement. Part 2',
      'Service user involvement',
    ];
    const records: ReviewRecord[] = [];
    for (let i = 0; i < 400; i++) {
      const r = next();
      records.push(
        rec({
          id: `db${i % 5}:${i}`,
          title: pick(titles) + (r < 0.3 ? ` ${Math.floor(next() * 20)}` : ''),
          authors: pick(surnames) === '' ? '' : `${pick(surnames)}, A.`,
          year: next() < 0.1 ? undefined : 2010 + Math.floor(next() * 4),
          doi: next() < 0.3 ? `10.1000/${Math.floor(next() * 30)}` : undefined,
          type: next() < 0.05 ? 'erratum' : 'journal-article',
          abstract: next() < 0.5 ? 'x' : undefined,
        }),
      );
    }
    const result = findDuplicates(records, settings);
    const removed = result.clusters.reduce((n, c) => n + c.removed.length, 0);
    expect(result.keptIds.length + removed).toBe(records.length);
    expect(result.removedToKept.size).toBe(removed);
    const all = [...result.keptIds, ...result.removedToKept.keys()];
    expect(new Set(all).size).toBe(records.length);
    expect(removed).toBeGreaterThan(0);
    for (const c of result.clusters) {
      expect(result.keptIds).toContain(c.kept);
      expect(c.links.map((l) => l.id)).toEqual(c.removed);
    }
  });

  it('throws on duplicate ids rather than lose a record', () => {
    const r = rec({ id: 'a:1', title: 'One study of service users in education', authors: 'A, B.' });
    const s = rec({ id: 'a:1', title: 'Another study of carers in training', authors: 'C, D.' });
    expect(() => findDuplicates([r, s], settings)).toThrow('internal: dedupe accounting');
  });
});

describe('findDuplicates: year chains', () => {
  it('does not chain title matches across more years than the tolerance', () => {
    const records = [2010, 2011, 2012].map((year) =>
      rec({ id: `a:${year}`, title: 'Editorial', type: 'editorial', authors: 'Smith, J.', year, startPage: '1' }),
    );
    const result = findDuplicates(records, settings);
    expect(result.clusters).toEqual([
      { kept: 'a:2010', removed: ['a:2011'], rule: 'title-author-year', score: expect.any(Number), links: [{ id: 'a:2011', to: 'a:2010', rule: 'title-author-year', score: expect.any(Number) }] },
    ]);
    expect(result.keptIds).toEqual(['a:2010', 'a:2012']);
    expect(result.blockedMerges[0].guard).toContain('years 2010-2012');
  });

  it('does not let a volume-less copy bridge two volumes', () => {
    const records = [
      rec({ id: 'a:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, volume: '42' }),
      rec({ id: 'b:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012 }),
      rec({ id: 'c:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, volume: '140' }),
    ];
    const result = findDuplicates(records, settings);
    expect(result.keptIds).toEqual(['a:1', 'c:1']);
    expect(result.blockedMerges[0].guard).toContain('volumes 42 and 140');
  });

  it('a shared DOI does not join copies whose years disagree by more: a person decides', () => {
    const records = [
      rec({ id: 'a:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2011, doi: '10.1093/bjsw/bcr141' }),
      rec({ id: 'b:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2013, doi: '10.1093/bjsw/bcr141' }),
    ];
    const result = findDuplicates(records, settings);
    expect(result.clusters).toEqual([]);
    expect(result.uncertain).toMatchObject([{ a: 'a:1', b: 'b:1', reasons: expect.arrayContaining(['same DOI', 'but years 2011 and 2013']) }]);
  });

  it('a shared DOI joins a copy a year off the others', () => {
    const records = [
      rec({ id: 'a:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2011, doi: '10.1093/bjsw/bcr141' }),
      rec({ id: 'b:1', title: WEBBER_TITLE, authors: 'Webber, M.', year: 2012, doi: '10.1093/bjsw/bcr141' }),
    ];
    expect(findDuplicates(records, settings).clusters).toMatchObject([{ rule: 'doi' }]);
  });
});

describe('findDuplicates: large blocks', () => {
  it('finds the copies inside a title block of hundreds of records', () => {
    const records: ReviewRecord[] = [];
    for (let i = 0; i < 300; i++) {
      records.push(rec({ id: `a:${i}`, title: 'Book review', authors: `Author${i}, A.`, year: 2000 + (i % 20), startPage: '1' }));
    }
    records.push(rec({ id: 'b:1', title: 'Book review', authors: 'Author7, A.', year: 2007, startPage: '1' }));
    const result = findDuplicates(records, settings);
    expect(result.clusters).toEqual([
      { kept: 'a:7', removed: ['b:1'], rule: 'title-author-year', score: expect.any(Number), links: [{ id: 'b:1', to: 'a:7', rule: 'title-author-year', score: expect.any(Number) }] },
    ]);
  });
});
