import { describe, expect, it } from 'vitest';
import {
  correctedArticleTitle,
  firstAuthorKey,
  isSupplement,
  meetingJournal,
  nameWords,
  normalizePages,
  swappedNames,
  hasSubtitle,
  isErratumLike,
  mainTitle,
  noticeKind,
  normalizeDoi,
  normalizeTitle,
  partNumber,
  sameFirstAuthor,
} from '../../../src/core/dedupe/normalize.js';
import type { DocType } from '../../../src/model/record.js';

describe('normalizeDoi', () => {
  it.each<[string | undefined, string | undefined]>([
    ['10.1093/bjsw/bcr141', '10.1093/bjsw/bcr141'],
    ['https://doi.org/10.1093/BJSW/bcr141', '10.1093/bjsw/bcr141'],
    ['http://dx.doi.org/10.1093/bjsw/bcr141', '10.1093/bjsw/bcr141'],
    ['doi:10.1093/bjsw/bcr141', '10.1093/bjsw/bcr141'],
    ['DOI: 10.1093/bjsw/bcr141.', '10.1093/bjsw/bcr141'],
    ['10.1093/bjsw/bcr141 [doi]', '10.1093/bjsw/bcr141'],
    ['https://doi.org/10.1093%2Fbjsw%2Fbcr141', '10.1093/bjsw/bcr141'],
    ['10.1002/(SICI)1097-4679(199901)55:1<1::AID-JCLP1>3.0.CO;2-2', '10.1002/(sici)1097-4679(199901)55:1<1::aid-jclp1>3.0.co;2-2'],
    ['10.1000/a;10.1000/b', '10.1000/a'],
    ['(10.1000/xyz123)', '10.1000/xyz123'],
    ['10.1000/a; 10.1000/b', '10.1000/a'],
    ['', undefined],
    [undefined, undefined],
    ['not a doi', undefined],
  ])('%j → %j', (input, expected) => {
    expect(normalizeDoi(input)).toBe(expected);
  });
});

describe('normalizeTitle', () => {
  it.each([
    ['The Meaningful Involvement of Service Users.', 'the meaningful involvement of service users'],
    ['Co-production in the context of Finnish social services', 'co production in the context of finnish social services'],
    ["Service users' and carers’ views", 'service users and carers views'],
    ['The <i>meaningful</i> involvement &amp; training', 'the meaningful involvement and training'],
    ['[Beteiligung von Nutzern]', 'beteiligung von nutzern'],
    ['Rantamäki’s  “co-production”:  a study', 'rantamakis co production a study'],
    ['β-blockers', 'beta blockers'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeTitle(input)).toBe(expected);
  });
});

describe('mainTitle / hasSubtitle', () => {
  it.each([
    ['Co-production in Finnish social services: a challenge and a possibility', 'Co-production in Finnish social services', true],
    ['Co-production in Finnish social services - a challenge', 'Co-production in Finnish social services', true],
    ['Co-production in Finnish social services – a challenge', 'Co-production in Finnish social services', true],
    ['Gaining by giving? peer research into service user and carer perceptions', 'Gaining by giving?', true],
    ['Are perceptions of disability changed by involving service users?', 'Are perceptions of disability changed by involving service users?', false],
    ['Ratios of 1:2 in social work caseloads', 'Ratios of 1:2 in social work caseloads', false],
    ['Self-directed support in Scotland', 'Self-directed support in Scotland', false],
    ['  Introduction:  ', 'Introduction', false],
  ])('%j → %j', (input, main, subtitle) => {
    expect(mainTitle(input)).toBe(main);
    expect(hasSubtitle(input)).toBe(subtitle);
  });
});

describe('firstAuthorKey', () => {
  const a = (family: string, given = '') => [{ family, given }];
  it.each([
    [a('Webber', 'M.'), { full: 'webber', last: 'webber' }],
    [a('Webber', 'Martin'), { full: 'webber', last: 'webber' }],
    [a('Rantamäki', 'N. J.'), { full: 'rantamaki', last: 'rantamaki' }],
    [a('van Doorn', 'H.'), { full: 'vandoorn', last: 'doorn' }],
    [a('Smith-Jones'), { full: 'smithjones', last: 'jones' }],
    [a('Webber M'), { full: 'webber', last: 'webber' }],
    [a("O'Neill"), { full: 'oneill', last: 'oneill' }],
    [a('', 'World Health Organization'), { full: 'worldhealthorganization', last: 'organization' }],
  ])('%j → %j', (authors, expected) => {
    expect(firstAuthorKey(authors)).toEqual(expected);
  });

  it('is undefined with no authors or an empty name', () => {
    expect(firstAuthorKey([])).toBeUndefined();
    expect(firstAuthorKey(a('', ''))).toBeUndefined();
  });

  it.each([
    ['Rantamäki', 'Rantamaki', true],
    ['van Doorn', 'Doorn', true],
    ['van Doorn', 'VanDoorn', true],
    ['Rooney', 'Unwin', false],
    ['Smith-Jones', 'Smith', false],
  ])('%s = %s: %s', (x, y, expected) => {
    expect(sameFirstAuthor(firstAuthorKey(a(x))!, firstAuthorKey(a(y))!)).toBe(expected);
  });
});

describe('isErratumLike / noticeKind', () => {
  it.each<[DocType, string, string | undefined]>([
    ['journal-article', 'The meaningful involvement of service users', undefined],
    ['erratum', 'The meaningful involvement of service users', 'correction'],
    ['editorial', 'Service user involvement', 'editorial'],
    ['journal-article', 'Erratum to: The meaningful involvement of service users', 'correction'],
    ['journal-article', 'Correction: The meaningful involvement', 'correction'],
    ['journal-article', 'Corrigendum to "The meaningful involvement"', 'correction'],
    ['journal-article', 'Retraction notice', 'retraction'],
    ['journal-article', 'Notice of retraction: a study', 'retraction'],
    ['journal-article', 'Comment on "Gaining by giving"', 'comment'],
    ['journal-article', 'Reply to Smith', 'comment'],
    ['journal-article', 'Response to the commentary', 'comment'],
    ['editorial', 'Comment on service user involvement', 'comment'],
    ['journal-article', 'Correctional social work and service users', undefined],
    ['journal-article', 'Responses to trauma in social work students', undefined],
  ])('%s %j → %j', (type, title, kind) => {
    expect(noticeKind({ type, title })).toBe(kind);
    expect(isErratumLike({ type, title })).toBe(kind !== undefined);
  });
});

describe('partNumber', () => {
  it.each([
    ['Service user involvement. Part 1: the literature', '1'],
    ['Service user involvement, part 2', '2'],
    ['Service user involvement (Part II)', '2'],
    ['Service user involvement: part two', '2'],
    ['Service user involvement Pt. 3', '3'],
    ['Handbook of social work, Vol. 2, Part 1', '2,1'],
    ['Service user involvement in social work education', undefined],
    ['Taking part: service users in education', undefined],
    ['Participation and partnership', undefined],
  ])('%j → %j', (title, expected) => {
    expect(partNumber(title)).toBe(expected);
  });
});

describe('rules added for the labelled sets', () => {
  it('reads a citation after the title as a correction notice (haematology id_0000021, id_0000057)', () => {
    expect(noticeKind({ type: 'journal-article', title: 'Severe deficiency of ADAMTS 13 activity in a subgroup of children (vol 142, pg 310, 2003)' })).toBe('correction');
    expect(noticeKind({ type: 'journal-article', title: 'Eculizumab for atypical hemolytic-uremic syndrome (New England Journal of Medicine (2009) 360 (542-544))' })).toBe('correction');
    expect(noticeKind({ type: 'journal-article', title: 'Outcomes of stroke (the SOS study) in 2009' })).toBeUndefined();
  });

  it('takes the article title out of a correction notice', () => {
    expect(correctedArticleTitle('erratum: severe deficiency in a sub-group of children (the journal of pediatrics (m')).toBe('severe deficiency in a sub-group of children');
    expect(correctedArticleTitle('eculizumab for ahus (vol 360, pg 542, 2009)')).toBe('eculizumab for ahus');
    expect(correctedArticleTitle('erratum')).toBe('erratum');
  });

  it('a page count is no page (stroke id_0000010: "215 p")', () => {
    expect(normalizePages('215 p', undefined)).toEqual({});
    expect(normalizePages('xii, 215 pp.', undefined)).toEqual({});
    expect(normalizePages('215', undefined)).toEqual({ first: '215', last: undefined });
  });

  it.each([
    ['Carignani', 'Andrea', 'Andrea', 'C.', true],
    ['Wang', 'X.', 'Xiaoguang', 'Wang', true],
    ['Wang', 'Li', 'Li', 'W.', true],
    ['Wang', 'Li', 'Li', 'Z.', false],
    ['Smith', 'J.', 'Jones', 'S.', false],
    ['Smith', 'A', 'A', 'S', false],
  ])('swapped names: %s, %s / %s, %s → %s', (af, ag, bf, bg, expected) => {
    expect(swappedNames(nameWords(af), nameWords(ag), nameWords(bf), nameWords(bg))).toBe(expected);
  });

  it('names the journal that prints a meeting abstract, and supplements', () => {
    expect(meetingJournal('Pediatric Nephrology.Conference: 44th Annual Scientific Meeting')).toBe('Pediatric Nephrology');
    expect(meetingJournal('Pediatric Nephrology')).toBeUndefined();
    expect(isSupplement('9', 's2')).toBe(true);
    expect(isSupplement('10 Suppl 2', undefined)).toBe(true);
    expect(isSupplement('9', '2')).toBe(false);
  });
});
