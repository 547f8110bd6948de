/**
 * Field normalisation for duplicate detection. Pure; each function runs once per record
 * (dedupe precomputes them), so they may allocate but must not scan other records.
 */
import type { Author, ParsedRecord } from '../../model/record.js';
import { isMissingValue } from '../../formats/normalize-fields.js';
import { foldText } from '../criteria/fold-text.js';

/** Folding used for matching: the shared `foldText` (lower case, diacritics, Greek, &, HTML). */
export const foldForMatching = foldText;

/**
 * The value, or undefined when it is missing: empty, or a placeholder an export writes for a missing
 * value ("NA", "N/A", "null", "-", "[No abstract available]": the readers' one table,
 * MISSING_VALUE_PATTERNS). The readers already drop placeholders (tidyRecord), but records reach the
 * engine by other paths too (the benchmark loaders read CSVs directly, a caller builds its own), and
 * "NA" as a journal, volume or first author would otherwise count as a value that disagrees.
 */
export function present(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // This runs on several fields of every record and on every author's name: the table's regular
  // expressions run only on the few values that could be a placeholder.
  const n = value.length;
  if (n === 0) return undefined;
  const c = value.charCodeAt(0);
  const lower = c | 32;
  if (lower >= 97 && lower <= 122 && lower !== 110 && lower !== 117) {
    // A letter other than n/u first ("Smith", "Diabetologia"): a placeholder only as a phrase that
    // says "no" or "not" ("Abstract not available").
    if (n > MAX_PLACEHOLDER_CHARS || value.indexOf(' ') < 0 || !NO_WORD_RE.test(value)) return value;
  } else if (c >= 48 && c <= 57) {
    // A number is never a placeholder.
    return value;
  } else if (n > MAX_PLACEHOLDER_CHARS) {
    return value;
  }
  return isMissingValue(value) ? undefined : value;
}
/** Longer values are never placeholders (the longest in MISSING_VALUE_PATTERNS is well under this). */
const MAX_PLACEHOLDER_CHARS = 64;
const NO_WORD_RE = /\bnot?\b/i;

/**
 * What a DOI field holds after the DOI when it was copied from a publisher's web address: the page
 * view ("…/10.3389/fpsyg.2020.00001/full", Wiley's and the Cochrane Library's ".../full", ".../abstract",
 * ".../pdf", ".../epdf"). A view of the landing page, never part of a registered DOI.
 */
const DOI_VIEW_SUFFIX_RE = /\/(?:full|abstract|pdf|epdf|fulltext|full-text|html|summary)$/;

/**
 * The DOI as a lower-case bare `10.xxxx/...`, whatever the export wrapped it in
 * (`https://doi.org/`, `doi:`, Ovid's trailing ` [doi]`, URL-encoding, a trailing full stop, a landing
 * page's view such as `/full`); undefined when the field holds nothing DOI-shaped or a placeholder.
 * When a field holds several DOIs the first wins.
 */
export function normalizeDoi(s: string | undefined): string | undefined {
  if (!s) return undefined;
  let t = s.trim().toLowerCase();
  if (t.includes('%')) {
    try {
      t = decodeURIComponent(t);
    } catch {
      // A stray % that is not an escape: keep the text as exported.
    }
  }
  // `;` and `,` belong to the DOI (SICI DOIs hold them) unless a space or another DOI follows.
  const m = /10\.\d{4,9}\/(?:[^\s;,]|[;,](?!\s|10\.|$))+/.exec(t);
  if (!m) return undefined;
  let doi = m[0].replace(/[.,;:]+$/, '');
  // A DOI may contain balanced parentheses (10.1002/(sici)...); only an unbalanced closing one is wrapping.
  while (doi.endsWith(')') && count(doi, '(') < count(doi, ')')) doi = doi.slice(0, -1);
  if (DOI_VIEW_SUFFIX_RE.test(doi)) doi = doi.replace(DOI_VIEW_SUFFIX_RE, '');
  return doi;
}

/**
 * DOI-shaped identifiers of a database or registry entry rather than of a work: the suffix is the
 * entry's accession number in a bibliographic database or a trial registry. Such an entry copies a
 * report found elsewhere (a CENTRAL record copies a PubMed or Embase record, which has the real DOI),
 * or registers a trial that many reports cite; so the identifier neither proves two records the same
 * work nor proves them different. Format knowledge as a table: one line per scheme, with who writes it.
 */
export const DATABASE_ENTRY_DOIS: readonly { pattern: RegExp; writtenBy: string }[] = [
  {
    pattern: /^10\.\d+\/central\/cn-\d+/,
    writtenBy: 'the Cochrane Library for CENTRAL records ("10.1002/central/CN-00677540/full"); doi.org does not resolve them',
  },
  {
    // The accession formats of the WHO ICTRP primary registries and PROSPERO, wherever a DOI's suffix
    // starts with one: ISRCTN's real DOIs (10.1186/ISRCTN…) name the registration, not a report.
    pattern: /^10\.\d+\/(?:[a-z]+\/)?(?:isrctn\d{6,}|nct\d{8}|actrn\d{10,}|chictr-|drks\d{6,}|euctr\d{4}|jprn-|ctri\/\d{4}|irct\d{6,}|ntr\d{3,}|umin\d{6,}|crd42\d{6,}|pactr\d{6,}|slctr\/|tctr\d{6,}|kct\d{6,}|rbr-)/,
    writtenBy: 'trial registries and PROSPERO (ISRCTN, NCT, ACTRN, ChiCTR, DRKS, EUCTR, JPRN, CTRI, IRCT, NTR, UMIN, CRD42, PACTR, SLCTR, TCTR, KCT, ReBEC)',
  },
];

/** Whether a normalised DOI names a database or registry entry, not a work (DATABASE_ENTRY_DOIS). */
export function isDatabaseEntryDoi(doi: string): boolean {
  for (const { pattern } of DATABASE_ENTRY_DOIS) if (pattern.test(doi)) return true;
  return false;
}

function count(s: string, c: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s[i] === c) n++;
  return n;
}

/** Apostrophes of every kind are dropped, not spaced: "users'" and "user's" both read "users". */
const APOSTROPHES_RE = /['\u2018\u2019\u02bc\u0060\u00b4]/g;
const NON_ALNUM_RE = /[^a-z0-9]+/g;

/**
 * Title folded for comparison: lower case, diacritics/HTML/Greek folded, apostrophes dropped,
 * every other run of punctuation or space turned into one space, trimmed.
 * "The <i>Meaningful</i> Involvement of Service Users' ..." → "the meaningful involvement of service users ...".
 */
export function normalizeTitle(s: string | undefined): string {
  if (!s) return '';
  return normalizeFoldedTitle(foldText(s));
}

/** `normalizeTitle` of text already passed through `foldText` (callers that fold once and reuse it). */
export function normalizeFoldedTitle(folded: string): string {
  return folded.replace(APOSTROPHES_RE, '').replace(NON_ALNUM_RE, ' ').trim();
}

/**
 * Where a subtitle starts: a colon (not one between digits, as in "1:2"), a spaced dash
 * (" - ", " – ", " — "), or a question mark followed by more text.
 */
const SUBTITLE_SEPARATOR_RE = /(?<!\d):|:(?!\d)|\s[-\u2013\u2014]+\s|\?(?=\s*[^\s?])/;

/**
 * The main title: the text before the first subtitle separator, trimmed; the whole title
 * (trimmed) when there is no subtitle. "Gaining by giving? peer research into ..." → "Gaining by giving?".
 */
export function mainTitle(s: string): string {
  const m = SUBTITLE_SEPARATOR_RE.exec(s);
  if (!m) return s.trim();
  const main = s.slice(0, m.index + (m[0] === '?' ? 1 : 0)).trim();
  return main === '' ? s.trim() : main;
}

/** `mainTitle(s)` when it dropped a subtitle (`hasSubtitle(s)`), else undefined: one search for both. */
export function subtitledMainTitle(s: string): string | undefined {
  // Most titles hold no separator at all; the search with its lookbehind costs more than these scans.
  if (s.indexOf(':') < 0 && s.indexOf('?') < 0 && s.indexOf('-') < 0 && s.indexOf('\u2013') < 0 && s.indexOf('\u2014') < 0) return undefined;
  const m = SUBTITLE_SEPARATOR_RE.exec(s);
  if (m === null || s.slice(0, m.index).trim() === '' || s.slice(m.index + m[0].length).trim() === '') return undefined;
  return s.slice(0, m.index + (m[0] === '?' ? 1 : 0)).trim();
}

/** Whether `mainTitle(s)` dropped a subtitle. */
export function hasSubtitle(s: string): boolean {
  const m = SUBTITLE_SEPARATOR_RE.exec(s);
  return m !== null && s.slice(0, m.index).trim() !== '' && s.slice(m.index + m[0].length).trim() !== '';
}

/** The first author's family name folded two ways: all its words run together, and its last word alone. */
export interface AuthorKey {
  /** "van Doorn" → "vandoorn"; "Rantamäki" → "rantamaki". */
  full: string;
  /** "van Doorn" → "doorn". */
  last: string;
}

/**
 * Key of the first author's family name; undefined when there is no author or the name folds to nothing.
 * When the family field is empty the given field is used (some exports put a one-part or
 * corporate name there). Trailing one-letter words are initials a reader failed to split off
 * ("Webber M" → "webber").
 */
export function firstAuthorKey(authors: readonly Author[]): AuthorKey | undefined {
  const first = authors[0];
  if (!first) return undefined;
  // "NA" as a name is a spreadsheet's missing value, not an author.
  const name = present(first.family) ?? present(first.given) ?? '';
  const known = sharedAuthorKeys.get(name);
  if (known !== undefined) return known ?? undefined;
  const key = authorKeyOfName(name);
  if (sharedAuthorKeys.size >= SHARED_AUTHOR_KEYS_LIMIT) sharedAuthorKeys.clear();
  sharedAuthorKeys.set(name, key ?? null);
  return key;
}

/**
 * One AuthorKey per distinct first-author name: every record has one, and the copies of a study and a
 * field's prolific authors repeat it, so sharing saves an object and its strings per record. Keys are
 * never changed. Bounded: when full it starts again, which costs memory only, never another answer.
 */
const sharedAuthorKeys = new Map<string, AuthorKey | null>();
const SHARED_AUTHOR_KEYS_LIMIT = 1 << 18;

function authorKeyOfName(name: string): AuthorKey | undefined {
  // Most names are one plain word: its folded form is both keys, without a list of words.
  if (isPlainWord(name)) {
    const word = name.toLowerCase();
    return { full: word, last: word };
  }
  const words = nameWords(name);
  while (words.length > 1 && words[words.length - 1].length === 1) words.pop();
  if (words.length === 0) return undefined;
  return { full: words.join(''), last: words[words.length - 1] };
}

/** Surnames match when the full folded family names are equal or their last words are ("van Doorn" = "Doorn"). */
export function sameFirstAuthor(a: AuthorKey, b: AuthorKey): boolean {
  return a.full === b.full || a.last === b.last;
}

/**
 * The same first author with given and family names swapped by one database: "Carignani, Andrea" /
 * "Andrea, C."; "Wang, X." / "Xiaoguang, Wang". One record's family name is the other's given name and
 * the other's family name starts with its initial. Arguments are folded name words (`nameWords`).
 */
export function swappedNames(
  aFamily: readonly string[],
  aGiven: readonly string[],
  bFamily: readonly string[],
  bGiven: readonly string[],
): boolean {
  const oneWay = (family: readonly string[], given: readonly string[], otherFamily: readonly string[], otherGiven: readonly string[]): boolean =>
    given.length > 0 &&
    given[0].length >= 2 &&
    otherFamily.length > 0 &&
    given[0] === otherFamily.join('') &&
    otherGiven.length > 0 &&
    family.length > 0 &&
    otherGiven[0][0] === family[0][0];
  return oneWay(aFamily, aGiven, bFamily, bGiven) || oneWay(bFamily, bGiven, aFamily, aGiven);
}

/** What kind of notice a record is, if it is one: notices only ever merge with notices of the same kind. */
export type NoticeKind = 'correction' | 'retraction' | 'comment' | 'editorial';

const NOTICE_TITLE_RE =
  /^\s*(?:(erratum|errata|correction|corrigendum|corrigenda)|(retraction|notice of retraction)|(comments? on|commentary on|reply to|response to|in reply))\b/;

/**
 * A correction notice carries its article's title followed by the article's citation: Web of Science
 * writes "Title (vol 142, pg 310, 2003)", Embase "Title (New England Journal of Medicine (2009) 360 (542-544))".
 */
const CORRECTED_ARTICLE_RE = /\s\((?:vol\.? [^,()]+,\s*pg\.? [^,()]+,\s*(?:19|20)\d\d|[^()]*\((?:19|20)\d\d\)\s*[^()]*\([^()]*\))\)[\s.]*$/;
/** What frames a correction notice's copy of the article title: "Erratum: ", "Correction to - ", and a trailing citation (closed, or cut off by a field limit). */
const CORRECTION_PREFIX_RE = /^\s*(?:erratum|errata|correction|corrigendum|corrigenda)(?:\s+(?:to|for|in|on))?\s*(?:[:.\-\u2013\u2014]\s*)?(?:the (?:article|paper)\s*)?/;
const UNCLOSED_PAREN_RE = /\s\([^)]*$/;

/**
 * The article title a correction notice repeats, without the notice's framing, so that two databases'
 * records of one notice compare equal: "Erratum: X (The Journal of Pediatrics (M" and "X (vol 142, pg 310, 2003)" both give "X".
 * Only for records `noticeKind` calls corrections (which never merge with anything but corrections).
 */
export function correctedArticleTitle(folded: string): string {
  let t = folded.replace(CORRECTION_PREFIX_RE, '');
  t = t.replace(CORRECTED_ARTICLE_RE, '');
  // A citation cut off by a field limit leaves "(" without its ")".
  if (UNCLOSED_PAREN_RE.test(t)) t = t.replace(UNCLOSED_PAREN_RE, '');
  return t.trim() === '' ? folded : t;
}

/** A reply named after the letter it answers: "... syndrome - Reply", "...: authors' reply", "... - Reply to Buddles et al". */
const TRAILING_REPLY_RE = /(?:\s[-\u2013\u2014]+\s*|[:.;]\s*)(?:the )?(?:authors?'?s?'? )?(?:reply|response|rejoinder)(?:\s+to\b.*)?[\s.]*$/;

/**
 * The notice kind a record's title announces ("Erratum to: ...", "Comment on ...", "Retraction: ..."),
 * else the one its type states ('erratum' → correction, 'editorial' → editorial); undefined for an ordinary record.
 */
export function noticeKind(
  r: Pick<ParsedRecord, 'type' | 'title'>,
  foldedTitle: string = foldText(r.title ?? ''),
): NoticeKind | undefined {
  return titleNoticeKind(foldedTitle) ?? typeNoticeKind(r.type);
}

/** The notice kind a (folded) title announces: strong evidence, the words are the notice's own. */
export function titleNoticeKind(foldedTitle: string): NoticeKind | undefined {
  const m = NOTICE_TITLE_RE.exec(foldedTitle);
  if (m) return m[1] ? 'correction' : m[2] ? 'retraction' : 'comment';
  // Both searches below are anchored at the end and would try every position: look for their words first.
  if (mayEndWithReply(foldedTitle) && TRAILING_REPLY_RE.test(foldedTitle)) return 'comment';
  if (endsWithParenthesis(foldedTitle) && CORRECTED_ARTICLE_RE.test(foldedTitle)) return 'correction';
  return undefined;
}

/**
 * The notice kind a record's type states ('erratum' → correction, 'editorial' → editorial, the type
 * readers give PubMed's Letter, Comment and Editorial). Weak evidence: one database's label, which
 * another database gives the same work differently (a letter in PubMed is an article in Embase).
 */
export function typeNoticeKind(type: ParsedRecord['type'] | undefined): NoticeKind | undefined {
  if (type === 'erratum') return 'correction';
  if (type === 'editorial') return 'editorial';
  return undefined;
}

const SPACE_RE = /\s/;

function mayEndWithReply(s: string): boolean {
  return s.includes('repl') || s.includes('respons') || s.includes('rejoinder');
}

/** The text ends in ")" but for spaces and full stops. */
function endsWithParenthesis(s: string): boolean {
  let i = s.length - 1;
  while (i >= 0 && (s.charCodeAt(i) === 46 || s.charCodeAt(i) <= 32 || (s.charCodeAt(i) > 127 && SPACE_RE.test(s[i])))) i--;
  return i >= 0 && s.charCodeAt(i) === 41;
}

/** An erratum, correction, retraction, comment, reply or editorial rather than an ordinary report. */
export function isErratumLike(r: Pick<ParsedRecord, 'type' | 'title'>): boolean {
  return noticeKind(r) !== undefined;
}

const NUMBER_WORDS: Record<string, string> = {
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  first: '1', second: '2', third: '3', fourth: '4', fifth: '5',
};
const ROMAN: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100 };
const PART_RE =
  /\b(?:part|pt|volume|vol)\.?\s*(\d+|[ivxlc]+|one|two|three|four|five|six|seven|eight|nine|ten|first|second|third|fourth|fifth)\b/g;

function romanToNumber(s: string): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ROMAN[s[i]];
    const next = i + 1 < s.length ? ROMAN[s[i + 1]] : 0;
    total += v < next ? -v : v;
  }
  return total;
}

/**
 * The part/volume numerals a title names ("Part 1", "Part II", "Vol. 2", "part two"), as digits
 * joined by commas ("Volume 2, Part 1" → "2,1"); undefined when it names none.
 */
export function partNumber(title: string, folded: string = foldText(title)): string | undefined {
  if (!folded.includes('pt') && !folded.includes('part') && !folded.includes('vol')) return undefined;
  if (!/\b(?:part|pt|vol)/.test(folded)) return undefined;
  const parts: string[] = [];
  for (const m of folded.matchAll(PART_RE)) {
    const n = m[1];
    if (/^\d+$/.test(n)) parts.push(String(Number(n)));
    else if (NUMBER_WORDS[n]) parts.push(NUMBER_WORDS[n]);
    else parts.push(String(romanToNumber(n)));
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** Volume, issue or page folded for equality: "e12345" and "E12345" agree, "1256" and "1256." too. */
export function normalizeLocator(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = s.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return t === '' ? undefined : t;
}

/**
 * Database annotations appended to a title that are not part of it: MEDLINE's "[Review]",
 * "[45 refs]", "[Erratum appears in ...]", "[Chinese]"; DARE's "(Provisional abstract)",
 * "(Structured abstract)", "(Brief record)". Applied to folded text, repeatedly from the end.
 * A title wholly in brackets (a translated title, "[A study of ...]") keeps its text.
 */
const TRAILING_PAREN_NOTE_RE = /\s*\((?:provisional|structured) abstract\)$|\s*\(brief record\)$|\s*\(abstract\)$|\s*\(authors?'?s? transl\)$/;
/** A bracket a database cut off before it closed: "...practice.[Erratum appears in Lancet Oncol. 201". */
const UNCLOSED_NOTE_RE = /^\[(?:erratum|comment|review|retract|corrected|republished|update|see |published|\d+ refs)/;

export function stripTitleAnnotations(folded: string): string {
  // Most titles carry no annotation: nothing bracketed and no closing parenthesis at the end.
  if (folded.indexOf('[') < 0 && !/\)[\s.]*$/.test(folded)) return folded;
  let t = folded;
  for (let round = 0; round < 8; round++) {
    t = t.replace(/[\s.]+$/, '');
    if (t.endsWith(']')) {
      let depth = 0;
      let open = -1;
      for (let i = t.length - 1; i >= 0; i--) {
        const c = t[i];
        if (c === ']') depth++;
        else if (c === '[' && --depth === 0) {
          open = i;
          break;
        }
      }
      // "[...]" that opens at the start is the title itself (translated titles are bracketed whole).
      if (open <= 0 || t.slice(0, open).trim() === '') break;
      t = t.slice(0, open);
      continue;
    }
    const paren = TRAILING_PAREN_NOTE_RE.exec(t);
    if (paren && paren.index > 0) {
      t = t.slice(0, paren.index);
      continue;
    }
    const open = t.lastIndexOf('[');
    if (open > 0 && !t.includes(']', open) && UNCLOSED_NOTE_RE.test(t.slice(open))) {
      t = t.slice(0, open);
      continue;
    }
    break;
  }
  return t;
}

const PAGE_COUNT_RE = /^\s*(?:[ivxlc]+\s*,\s*)?\d+\s*(?:p|pp|pages?)\.?\s*$/i;
const MONTHS_RE = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;

/**
 * First and last page folded for comparison: lower case, punctuation dropped, leading zeros dropped,
 * and an abbreviated last page filled from the first ("1256-74" → 1256–1274). A range a spreadsheet
 * turned into a date ("08-Aug", "01-Sep") keeps only its first page.
 */
export function normalizePages(
  startPage: string | undefined,
  endPage: string | undefined,
): { first?: string; last?: string } {
  if (startPage === undefined) return {};
  // Most pages are plain numbers ("1256", "1256"-"74"): no searching needed.
  if (isPlainPage(startPage) && (endPage === undefined || endPage === '' || isPlainPage(endPage))) {
    if (endPage === undefined || endPage === '') return { first: startPage };
    const last = endPage.length < startPage.length ? startPage.slice(0, startPage.length - endPage.length) + endPage : endPage;
    return { first: startPage, last };
  }
  // "532, 534-536, 538-540": the first range is the article's start.
  let start = startPage.split(/[,;]/)[0].trim();
  let end = endPage?.trim();
  // A thesis or book's extent ("215 p", "xii, 215 pp.") counts pages; it names none.
  if ((end === undefined || end === '') && PAGE_COUNT_RE.test(startPage)) return {};
  if (end === undefined || end === '') {
    // A reader that did not split the range.
    const m = /^([^\s\-–—]+)\s*[-–—]+\s*([^\s\-–—]*)$/.exec(start);
    if (m) {
      start = m[1];
      end = m[2];
    }
  }
  // A spreadsheet read "1-9" or "21-4" (pages 21-24) as a date and wrote "01-Sep", "21-Apr":
  // the day is the first page, the month an abbreviated last page too ambiguous to keep.
  if (end && MONTHS_RE.test(end) && /^\d{1,2}$/.test(start)) return { first: String(Number(start)) };
  if ((end && MONTHS_RE.test(end)) || MONTHS_RE.test(start)) return {};
  const first = pageToken(start);
  if (first === undefined) return {};
  let last = end ? pageToken(end) : undefined;
  if (last !== undefined) {
    const fm = /^(\D*)(\d+)$/.exec(first);
    const lm = /^(\D*)(\d+)$/.exec(last);
    if (fm && lm && (lm[1] === '' || lm[1] === fm[1]) && lm[2].length < fm[2].length) {
      last = fm[1] + fm[2].slice(0, fm[2].length - lm[2].length) + lm[2];
    }
  }
  return { first, last };
}

/** A page without any digit ("Suppl", "t") names no page. */
function pageToken(s: string): string | undefined {
  if (isPlainPage(s)) return s;
  const t = s.toLowerCase().replace(/[^a-z0-9]+/g, '').replace(/^([a-z]*)0+(?=\d)/, '$1');
  return /\d/.test(t) ? t : undefined;
}

/** Digits only, without a leading zero: already a page token. */
function isPlainPage(s: string): boolean {
  if (s.length === 0 || s.charCodeAt(0) === 48) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Two first pages name the same page: equal, or equal digits when one copy dropped a letter prefix ("S417" / "417"). */
export function samePage(a: string, b: string): boolean {
  if (a === b) return true;
  // Called for every pair that shares a block: split by character codes, without allocating.
  const pa = pageParts(a);
  const pb = pageParts(b);
  if (pa < 0 || pb < 0) return false;
  const aFrom = pa & 0xffff;
  const aTo = pa >>> 16;
  const bFrom = pb & 0xffff;
  const bTo = pb >>> 16;
  if (aTo - aFrom !== bTo - bFrom) return false;
  for (let i = 0; i < aTo - aFrom; i++) if (a.charCodeAt(aFrom + i) !== b.charCodeAt(bFrom + i)) return false;
  if (aFrom === 0 || bFrom === 0) return true;
  return aFrom === bFrom && a.startsWith(b.slice(0, bFrom));
}

/** For a page of the form letters, digits, letters: where its digits start and end (packed), else -1. */
function pageParts(s: string): number {
  let i = 0;
  while (i < s.length && isLetter(s.charCodeAt(i))) i++;
  const from = i;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  const to = i;
  if (to === from || to > 0xffff) return -1;
  while (i < s.length && isLetter(s.charCodeAt(i))) i++;
  return i === s.length ? from | (to << 16) : -1;
}
const isLetter = (c: number): boolean => c >= 97 && c <= 122;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

const JOURNAL_STOP_WORDS = new Set([
  'the', 'of', 'and', 'in', 'for', 'on', 'a', 'an', 'de', 'la', 'le', 'les', 'du', 'des', 'der', 'die', 'und', 'et', 'y', 'e',
]);

/** Years, ordinals and volume words in proceedings titles ("12th", "2010", "Vols 1-3", "Proceedings"). */
const JOURNAL_NOISE_RE = /^(?:\d+|\d+(?:st|nd|rd|th)|proceedings|proc|vol|vols)$/;

/** Journal name as words for loose comparison: folded, apostrophes dropped, stop words dropped. */
export function journalWords(journal: string | undefined): string[] | undefined {
  if (!journal) return undefined;
  const words = foldText(journal)
    .replace(APOSTROPHES_RE, '')
    .split(NON_ALNUM_RE)
    .filter((w) => w !== '' && !JOURNAL_STOP_WORDS.has(w) && !JOURNAL_NOISE_RE.test(w));
  return words.length > 0 ? words : undefined;
}

/** Every word of `short` starts a word of `long` (or the reverse), in order: "nat rev nephrol" ⊂ "nature reviews nephrology". */
function abbreviates(short: string[], long: string[]): boolean {
  let j = 0;
  for (const w of short) {
    while (j < long.length && !(long[j].startsWith(w) || w.startsWith(long[j]))) j++;
    if (j === long.length) return false;
    j++;
  }
  return true;
}

/**
 * "bmj" = "british medical journal", "jama" = "journal american medical association",
 * "amcis" = "americas conference information systems": the word is made of a prefix of each word, in order.
 */
function isAcronymOf(word: string, long: string[]): boolean {
  if (word.length < 2 || word.length > 8 || long.length < 2 || long.length > word.length) return false;
  const fits = (at: number, w: number): boolean => {
    if (w === long.length) return at === word.length;
    if (at >= word.length) return false;
    for (let len = 1; at + len <= word.length && len <= long[w].length; len++) {
      if (word[at + len - 1] !== long[w][len - 1]) break;
      if (fits(at + len, w + 1)) return true;
    }
    return false;
  };
  return fits(0, 0);
}

/**
 * Loose journal agreement: one name abbreviates the other word by word (initial letters or prefixes,
 * stop words ignored), or one is the acronym of the other. "Nat Rev Nephrol" = "Nature Reviews
 * Nephrology"; "Langenbecks Arch Surg" = "Langenbeck's Archives of Surgery"; "BMJ" = "British Medical Journal".
 */
export function journalsMatch(a: string[], b: string[]): boolean {
  const short = a.length <= b.length ? a : b;
  const long = a.length <= b.length ? b : a;
  if (abbreviates(short, long)) return true;
  // A proceedings named by its acronym and a theme ("ICIS: Transforming Society ...") vs its full name.
  return isAcronymOf(a[0], b) || isAcronymOf(b[0], a);
}

/**
 * An author as surname key plus first initial ("Webber, Martin" → "webber m"; "Rantamäki, N. J." → "rantamaki n").
 * Undefined for a name that folds to nothing.
 */
export function authorKey(a: Author): { family: string; initial: string } | undefined {
  const family = present(a.family);
  const hasFamily = family !== undefined;
  const name = family ?? present(a.given) ?? '';
  let given = hasFamily ? a.given : '';
  // Most names are one plain word: no list of words, and no initial to split off.
  if (isPlainWord(name)) return { family: name.toLowerCase(), initial: firstLetter(given) };
  const words = nameWords(name);
  // Initials a reader failed to split off ("Webber M").
  let initial = '';
  while (words.length > 1 && words[words.length - 1].length === 1) initial = words.pop()!;
  if (words.length === 0) return undefined;
  const g = firstLetter(given);
  return { family: words.join(''), initial: g !== '' ? g : initial };
}

// eslint-disable-next-line no-control-regex
const ASCII_RE = /^[\x00-\x7f]*$/;
const WORD_RE = /[a-z0-9]+/g;

/** A name folded to its words ("Rantamäki" → ["rantamaki"], "van Doorn" → ["van", "doorn"], "O'Brien" → ["obrien"]). */
export function nameWords(name: string): string[] {
  // Most names are one plain word ("Smith", "Jane"): no folding or searching needed.
  if (isPlainWord(name)) return [name.toLowerCase()];
  const folded = ASCII_RE.test(name) ? name.toLowerCase() : foldText(name);
  return folded.replace(APOSTROPHES_RE, '').match(WORD_RE) ?? [];
}

function isPlainWord(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

function firstLetter(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) return String.fromCharCode(c);
    if (s.charCodeAt(i) > 127) return foldText(s.slice(i)).replace(/[^a-z]/g, '').charAt(0);
  }
  return '';
}

/** A record's venue says it is a conference abstract or meeting paper rather than a journal article. */
const CONFERENCE_VENUE_RE =
  /\b(?:abstracts?|meeting|congress|conference|symposium|proceedings|annual scientific|colloquium|workshop)\b/;

/** Journals whose names only sound like meetings ("Proceedings of the National Academy of Sciences", "Mayo Clinic Proceedings"). */
const JOURNAL_NOT_MEETING_RE = /dissertation|national academy|natl acad|royal society|mayo clin|proceedings of the ieee|proc ieee|american thoracic society/;

export function isConferenceRecord(r: Pick<ParsedRecord, 'type' | 'journal' | 'rawType'>): boolean {
  if (r.type === 'conference') return true;
  const venue = r.journal ? r.journal.toLowerCase() : '';
  // "Dissertation Abstracts International" is a thesis index, not a meeting.
  return venue !== '' && CONFERENCE_VENUE_RE.test(venue) && !JOURNAL_NOT_MEETING_RE.test(venue);
}

/**
 * Embase files a meeting abstract under "Journal.Conference: meeting", or only "Journal. Conference"
 * ("Diabetologie und Stoffwechsel. Conference"): the journal it is printed in.
 */
const PRINTED_IN_RE = /^(.*?)\.\s*conference\s*(?::|\.?\s*$)/i;

/** The journal a meeting abstract is printed in, when its venue names one ("Pediatric Nephrology.Conference: 44th ..."). */
export function meetingJournal(journal: string | undefined): string | undefined {
  const m = journal === undefined ? null : PRINTED_IN_RE.exec(journal);
  return m && m[1].trim() !== '' ? m[1].trim() : undefined;
}

/** A supplement issue or volume ("Suppl 3", "s2", "Suppl. 1", "Supplement 1", "sup1"): where journals print meeting abstracts. */
export function isSupplement(volume: string | undefined, issue: string | undefined): boolean {
  return (volume !== undefined && SUPPLEMENT_RE.test(volume)) || (issue !== undefined && SUPPLEMENT_RE.test(issue));
}
/** "Suppl", "Supplement", "Supp", "Sup" (not "Super…"), or "S" right before a number at the start ("S2"). */
const SUPPLEMENT_RE = /sup(?:p(?:l(?:ement)?)?)?(?![a-z])|^\s*s\s*\d/i;
/** A field that starts with a supplement (or part) and names no volume before it: "Suppl. 2", "S1", "Supplement". */
const STARTS_WITH_SUPPLEMENT_RE = /^\W*(?:sup(?:p(?:l(?:ement)?)?)?(?![a-z])|s\s*\d|pt\b|part\b)/i;

/**
 * The volume's number from the forms exports put in a volume field: "61", "Vol. 61", "Volume 61",
 * "61(4)", "61 (Supplement 1)", "61 Suppl 2", "Drug Discovery. 9"; undefined for one that names no
 * volume ("Suppl. 2", "S1", "NA", "[Epub ahead of print]"). Leading zeros dropped.
 */
export function volumeKey(volume: string | undefined): string | undefined {
  if (volume === undefined) return undefined;
  // Most volumes are plain numbers.
  if (isPlainPage(volume)) return volume;
  const v = present(volume);
  if (v === undefined || STARTS_WITH_SUPPLEMENT_RE.test(v)) return undefined;
  const m = /\d+/.exec(v);
  return m ? m[0].replace(/^0+(?=\d)/, '') : undefined;
}

/**
 * The issue's number: its first one or two digits ("4", "(4)", "4-5", "4, Sp. Iss. SI"), or the
 * bracketed issue of a combined volume ("61(4)") when the record has no issue of its own. More
 * digits are a record number some exports put there. A supplement ("Suppl 1", "S1", "1 Suppl",
 * "4 Suppl 1", a volume's "(Supplement 1)") has no issue key: databases number one supplement in all
 * those ways, so its number neither agrees nor disagrees (`isSupplement` says it is one).
 */
export function issueKey(issue: string | undefined, volume?: string): string | undefined {
  if (issue !== undefined && isPlainPage(issue)) return issue.length <= 2 ? issue : undefined;
  const own = present(issue);
  if (own !== undefined) return SUPPLEMENT_RE.test(own) ? undefined : leadingIssueNumber(own);
  const bracketed = volume === undefined || volume.indexOf('(') < 0 ? null : /^\D*\d+\s*\(([^()]*)\)\s*$/.exec(volume);
  if (bracketed === null || SUPPLEMENT_RE.test(bracketed[1])) return undefined;
  return leadingIssueNumber(bracketed[1]);
}

function leadingIssueNumber(s: string): string | undefined {
  const m = /^\D*(\d{1,2})(?!\d)/.exec(s);
  return m ? m[1].replace(/^0+(?=\d)/, '') : undefined;
}
