import { describe, expect, it } from 'vitest';
import {
  describeQuery,
  matchQuery,
  parseQuery,
  prepareRecord,
  QuerySyntaxError,
  type SearchableRecord,
} from '../../../src/core/criteria/query.js';
import { foldText, words } from '../../../src/core/criteria/fold-text.js';

const base: SearchableRecord = {
  title: '',
  abstract: '',
  keywords: [],
  type: 'journal-article',
};

/** A record from the parts a case cares about. */
const rec = (r: Partial<SearchableRecord>): SearchableRecord => ({ ...base, ...r });

const matches = (query: string, r: Partial<SearchableRecord>) => matchQuery(parseQuery(query), prepareRecord(rec(r)));

describe('foldText / words', () => {
  it.each([
    ['Rantamäki', 'rantamaki'],
    ['Straße', 'strasse'],
    ['Æther Ørsted Łódź', 'aether orsted lodz'],
    ['β-blocker', 'beta-blocker'],
    ['TGF-Β1', 'tgf-beta1'],
    ['R&D', 'r and d'],
    ['R &amp; D', 'r  and  d'],
    ['<i>Escherichia</i> coli', 'escherichia coli'],
    ['H<sub>2</sub>O', 'h2o'],
    ['first<br/>second', 'first second'],
    ['&eacute;tude &#233;t&#xE9; &beta;', 'etude ete beta'],
    ['ﬁnal', 'final'],
    ['a < b and c > d', 'a < b and c > d'],
  ])('foldText(%j) = %j', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });

  it.each([
    ['Co-production in Rantamäki’s study', ['co', 'production', 'in', 'rantamaki', 's', 'study']],
    ['  --  ', []],
    ['COVID-19: a review', ['covid', '19', 'a', 'review']],
    ['Пример', []],
  ])('words(%j)', (input, expected) => {
    expect(words(input)).toEqual(expected);
  });
});

describe('parseQuery precedence', () => {
  it.each([
    ['a OR b AND c', 'a OR b AND c', { kind: 'or', children: [t('a'), { kind: 'and', children: [t('b'), t('c')] }] }],
    ['(a OR b) AND c', '(a OR b) AND c', { kind: 'and', children: [{ kind: 'or', children: [t('a'), t('b')] }, t('c')] }],
    ['NOT a AND b', 'NOT a AND b', { kind: 'and', children: [{ kind: 'not', child: t('a') }, t('b')] }],
    ['NOT (a AND b)', 'NOT (a AND b)', { kind: 'not', child: { kind: 'and', children: [t('a'), t('b')] } }],
    ['social work', 'social AND work', { kind: 'and', children: [t('social'), t('work')] }],
    ['a NOT b', 'a AND NOT b', { kind: 'and', children: [t('a'), { kind: 'not', child: t('b') }] }],
    ['a b OR c', 'a AND b OR c', { kind: 'or', children: [{ kind: 'and', children: [t('a'), t('b')] }, t('c')] }],
    ['(a AND b) AND c', 'a AND b AND c', { kind: 'and', children: [t('a'), t('b'), t('c')] }],
    ['((a))', 'a', t('a')],
  ])('%s', (query, described, ast) => {
    const parsed = parseQuery(query);
    expect(parsed).toEqual(ast);
    expect(describeQuery(parsed)).toBe(described);
  });
});

function t(word: string) {
  const truncated = word.endsWith('*');
  return { kind: 'text', words: [{ word: truncated ? word.slice(0, -1) : word, truncated }] };
}

describe('matchQuery', () => {
  const cases: [string, string, Partial<SearchableRecord>, boolean][] = [
    // precedence
    ['or binds loosest', 'a OR b AND c', { title: 'a' }, true],
    ['or binds loosest (2)', 'a OR b AND c', { title: 'b' }, false],
    ['and before or', 'a OR b AND c', { title: 'b c' }, true],
    ['not binds tightest', 'NOT a AND b', { title: 'b' }, true],
    ['not binds tightest (2)', 'NOT a AND b', { title: 'a b' }, false],
    ['implicit and', 'social work', { title: 'work in social care' }, true],
    ['implicit and (2)', 'social work', { title: 'social care' }, false],
    // terms, phrases, truncation
    ['term is a whole word', 'train', { title: 'training nurses' }, false],
    ['truncation', 'train*', { title: 'Training nurses' }, true],
    ['truncation matches the stem itself', 'train*', { title: 'on the train' }, true],
    ['phrase consecutive', '"service user"', { abstract: 'a service user group' }, true],
    ['phrase not consecutive', '"service user"', { abstract: 'user of the service' }, false],
    ['phrase truncated word', '"service user*"', { abstract: 'Service Users were asked' }, true],
    ['phrase truncation on the first word', '"servic* user"', { abstract: 'services user' }, true],
    ['phrase truncation needs consecutive', '"service user*"', { abstract: 'service, and users' }, false],
    ['example criterion', '"service user*" AND (educat* OR train*)', { title: 'Educating service users' }, true],
    ['example criterion (2)', '"service user*" AND (educat* OR train*)', { title: 'Service users', abstract: 'no' }, false],
    ['phrase does not span fields', '"alpha beta"', { title: 'x alpha', abstract: 'beta y' }, false],
    ['phrase does not span keywords', '"alpha beta"', { keywords: ['x alpha', 'beta y'] }, false],
    ['phrase within a keyword', '"alpha beta"', { keywords: ['gamma', 'alpha beta'] }, true],
    ['phrase across a line break and punctuation', '"service user*"', { abstract: 'the service.\nUsers said' }, true],
    ['truncated phrase word does not swallow the next', '"servic* user"', { abstract: 'serviceuser' }, false],
    ['digits are word characters', 'covid-19', { title: 'COVID-19 and care' }, true],
    ['digits joined are one word', 'covid-19', { title: 'covid19' }, false],
    // normalisation
    ['diacritics folded in record', 'rantamaki', { title: 'Rantamäki and colleagues' }, true],
    ['diacritics folded in query', 'Rantamäki', { title: 'RANTAMAKI' }, true],
    ['hyphen in text separates words', '"co production"', { title: 'Co-production of care' }, true],
    ['hyphen in query is a phrase', 'co-produc*', { title: 'co-producing care' }, true],
    ['hyphen in query matches spaced text', 'co-production', { title: 'co production' }, true],
    ['hyphenated query needs adjacency', 'co-production', { title: 'co and production' }, false],
    ['unhyphenated text is one word', 'co-production', { title: 'coproduction' }, false],
    ['html stripped', '"escherichia coli"', { abstract: '<i>Escherichia</i> <i>coli</i>' }, true],
    ['ampersand is and', '"r and d"', { title: 'R&D spending' }, true],
    ['greek letter', 'beta-blocker*', { title: 'β-blockers in heart failure' }, true],
    ['case-insensitive', 'EDUCATION', { keywords: ['Education'] }, true],
    // fields
    ['unrestricted searches keywords', 'coproduc*', { keywords: ['Coproduction'] }, true],
    ['title restriction', 'title:coproduc*', { abstract: 'coproduction' }, false],
    ['title restriction (2)', 'title:coproduc*', { title: 'coproduction' }, true],
    ['field on group', 'title:(coproduc* OR "co-produc*")', { title: 'Co-produced research' }, true],
    ['field on group (2)', 'title:(coproduc* OR "co-produc*")', { abstract: 'Co-produced research' }, false],
    ['field on group applies to every term', 'title:(a AND b)', { title: 'a', abstract: 'b' }, false],
    ['abstract phrase', 'abstract:"mental health"', { abstract: 'Mental-health services' }, true],
    ['keywords field', 'keywords:nursing', { title: 'nursing', keywords: ['care'] }, false],
    ['field name case-insensitive', 'Title:care', { title: 'care' }, true],
    ['NOT inside a field group', 'title:(NOT review)', { title: 'a trial', abstract: 'review' }, true],
    // conditions
    ['language', 'language:english', { language: 'English' }, true],
    ['language ISO 639-2', 'language:english', { language: 'eng' }, true],
    ['language ISO 639-1 in query', 'language:EN', { language: 'English' }, true],
    ['language region code', 'language:english', { language: 'en-GB' }, true],
    ['language several stated', 'language:finnish', { language: 'English; Finnish' }, true],
    ['language mismatch', 'language:english', { language: 'German' }, false],
    ['language missing', 'language:english', {}, false],
    ['NOT language when missing', 'NOT language:english', {}, true],
    ['unknown language compared folded', 'language:"old norse"', { language: 'Old Norse' }, true],
    ['type', 'NOT type:erratum', { type: 'erratum' }, false],
    ['type (2)', 'NOT type:erratum', { type: 'journal-article' }, true],
    ['type value case-insensitive', 'type:Journal-Article', { type: 'journal-article' }, true],
    ['year exact', 'year:2009', { year: 2009 }, true],
    ['year exact (2)', 'year:2009', { year: 2010 }, false],
    ['year >=', 'year:>=2009', { year: 2009 }, true],
    ['year >= (2)', 'year:>=2009', { year: 2008 }, false],
    ['year >', 'year:>2009', { year: 2009 }, false],
    ['year <', 'year:<2009', { year: 2008 }, true],
    ['year range inclusive', 'year:2009-2018', { year: 2018 }, true],
    ['year range outside', 'year:2009-2018', { year: 2019 }, false],
    ['year missing', 'year:>=2009', {}, false],
    ['conditions combined', 'care AND language:en AND year:2009-2018 NOT type:erratum', { title: 'Care', language: 'eng', year: 2010 }, true],
    // operator words as terms
    ['quoted operator word is a term', '"or"', { title: 'this or that' }, true],
    ['field value is a term', 'title:OR', { title: 'this or that' }, true],
  ];
  it.each(cases)('%s: %s', (_name, query, r, expected) => {
    expect(matches(query, r)).toBe(expected);
  });
});

describe('parse errors', () => {
  const cases: [string, string, RegExp, number][] = [
    ['empty query', '', /empty query/, 1],
    ['blank query', '   ', /empty query/, 1],
    ['unclosed paren', 'care AND (educat* OR train*', /expected "\)" to close "\(" at column 10, found the end of the query/, 28],
    ['stray close paren', 'a OR b)', /unexpected "\)"/, 7],
    ['empty parentheses', 'a ()', /empty parentheses/, 3],
    ['dangling AND', 'a AND', /after AND, found the end of the query/, 6],
    ['dangling NOT', 'a NOT', /after NOT, found the end of the query/, 6],
    ['double operator', 'a OR OR b', /after OR, found OR/, 6],
    ['leading operator', 'AND a', /AND needs a term on its left/, 1],
    ['operator after paren', '(OR a)', /OR needs a term on its left/, 2],
    ['unknown field', 'titel:care', /unknown field "titel" \(use title, abstract, keywords, language, type, year\)/, 1],
    ['unknown field later', 'a AND kw:care', /unknown field "kw"/, 7],
    ['bad type', 'type:journal', /unknown type "journal" \(use journal-article, book, chapter, thesis, conference, report, review, editorial, erratum, other\)/, 6],
    ['leading star', '*care', /leading \* is not allowed/, 1],
    ['leading star later', 'a AND *care', /leading \*/, 7],
    ['leading star in phrase', '"service *user"', /leading \*/, 10],
    ['star alone', 'a *', /leading \*/, 3],
    ['star inside a word', 'wom*n', /only allowed at the end of a word/, 4],
    ['unsupported wildcard', 'wom?n', /"\?" is not supported/, 4],
    ['unterminated quote', 'a AND "service user', /unterminated phrase/, 7],
    ['lower-case or', 'cancer or tumour', /"or" is ambiguous: write OR for the operator/, 8],
    ['lower-case not', 'not care', /"not" is ambiguous/, 1],
    ['mixed-case And', 'a And b', /"And" is ambiguous/, 3],
    ['field without value', 'title:', /after title:, found the end of the query/, 7],
    ['field before operator', 'title: AND a', /after title:, found AND/, 8],
    ['nested fields', 'title:(a OR abstract:b)', /abstract: inside title:\( \.\.\. \) at column 1; field restrictions do not nest/, 13],
    ['field on field', 'title:abstract:care', /title: applies to a term, phrase or "\(" group, not to abstract:/, 7],
    ['condition on group', 'type:(book OR chapter)', /type: takes one value, so write \(type:a OR type:b\)/, 6],
    ['bad year', 'year:09', /bad year "09"/, 6],
    ['reversed year range', 'year:2018-2009', /ends before it starts/, 6],
    ['no letters', 'a AND "--"', /has no letters or digits/, 8],
  ];
  it.each(cases)('%s: %j', (_name, query, message, column) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuerySyntaxError);
    expect((error as QuerySyntaxError).message).toMatch(message);
    expect((error as QuerySyntaxError).column).toBe(column);
  });
});

describe('describeQuery round-trip', () => {
  it.each([
    ['"service user*" AND (educat* OR train*)', '"service user*" AND (educat* OR train*)'],
    ['title:(coproduc* OR "co-produc*")', 'title:(coproduc* OR "co produc*")'],
    ['title:coproduc*', 'title:coproduc*'],
    ['abstract:"Mental Health"', 'abstract:"mental health"'],
    ['NOT type:erratum', 'NOT type:erratum'],
    ['language:eng', 'language:english'],
    ['language:"Old Norse"', 'language:"old norse"'],
    ['year:2009 OR year:>=2010 OR year:<2000 OR year:>2001 OR year:2009-2018', 'year:2009 OR year:>=2010 OR year:<=1999 OR year:>=2002 OR year:2009-2018'],
    ['NOT (a OR b) c', 'NOT (a OR b) AND c'],
    ['NOT NOT a', 'NOT NOT a'],
    ['a OR (b OR c)', 'a OR b OR c'],
    ['(a OR b) (c OR d) OR e', '(a OR b) AND (c OR d) OR e'],
    ['"or" AND title:AND', '"or" AND title:"and"'],
    ['title:(a AND year:2009)', 'title:(a AND year:2009)'],
    ['title:(NOT review)', 'title:(NOT review)'],
    ['"educat*"', 'educat*'],
    ['R&D', '"r and d"'],
    ['Rantamäki', 'rantamaki'],
    ['type:"Journal Article"', 'type:journal-article'],
  ])('%s', (query, described) => {
    const parsed = parseQuery(query);
    expect(describeQuery(parsed)).toBe(described);
    expect(parseQuery(describeQuery(parsed))).toEqual(parsed);
  });
});

describe('prepareRecord', () => {
  it('matches in long fields: truncation and phrases far into a 5,000-word abstract', () => {
    const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i}`);
    const r = prepareRecord(rec({ abstract: vocabulary.join(' ') }));
    expect(matchQuery(parseQuery('w4999*'), r)).toBe(true);
    expect(matchQuery(parseQuery('"w4998 w4999"'), r)).toBe(true);
    expect(matchQuery(parseQuery('"w4999 w4998"'), r)).toBe(false);
    expect(matchQuery(parseQuery('x*'), r)).toBe(false);
  });
});
