/**
 * Pairwise duplicate assessment and guard rails over precomputed record keys. Pure and cheap:
 * dedupe calls `assessPair` only for pairs that share a blocking key.
 *
 * A pair is merged automatically only when (1) its titles agree (equal after normalisation, one the
 * other's main title or truncation, or ≥ 0.95 similar by edit distance), (2) its combined score is
 * high, (3) nothing disagrees (year beyond the tolerance, volume, first page, issue, journal,
 * authors), and (4) something independent corroborates it: the same first page, the same volume
 * and year, the same journal + year + authors, or an identical title with the same first author and
 * year. A pair that looks alike but fails (3) or (4) is returned as uncertain, for a person to decide.
 */
import type { ReviewRecord } from '../../model/record.js';
import {
  authorKey,
  correctedArticleTitle,
  firstAuthorKey,
  isConferenceRecord,
  isSupplement,
  journalWords,
  journalsMatch,
  meetingJournal,
  nameWords,
  noticeKind,
  normalizeDoi,
  normalizeFoldedTitle,
  normalizePages,
  partNumber,
  sameFirstAuthor,
  samePage,
  stripTitleAnnotations,
  subtitledMainTitle,
  swappedNames,
  type AuthorKey,
  type NoticeKind,
} from './normalize.js';
import { jaroWinkler, levenshteinSimilarity } from './string-distance.js';
import { foldText } from '../criteria/fold-text.js';

/**
 * Why two records were linked. 'similar-title': titles ≥ 0.95 alike or one truncated;
 * 'title-locator': same title and the same journal/volume/pages though the author lists were
 * written differently; 'resolution': a person said so.
 */
export type DedupeRule =
  | 'doi'
  | 'title-author-year'
  | 'main-title-author-year'
  | 'similar-title'
  | 'title-locator'
  | 'resolution';

export interface DedupeSettings {
  yearTolerance: number;
  matchMainTitle: boolean;
  /** Merge a conference abstract with the full paper of the same title (default false: they are different reports). */
  mergeConferenceAbstracts?: boolean;
}

/** A main title shorter than this ("Introduction", "Editorial") links nothing on its own. */
export const MIN_TITLE_WORDS = 3;
export const MIN_TITLE_CHARS = 20;
/** Titles at least this similar (normalised edit distance) count as the same title. */
export const SAME_TITLE_SIMILARITY = 0.95;
/** Pairs whose titles are at least this similar and that are not merged are reported as uncertain. */
export const UNCERTAIN_TITLE_SIMILARITY = 0.85;
/** Titles at least this similar count as the same title when volume, first page, first author and year agree. */
export const SAME_ITEM_TITLE_SIMILARITY = 0.6;
/** The combined score an automatic merge needs (besides corroboration). */
export const AUTO_MERGE_SCORE = 0.85;
/** A title this long that is a prefix of another was cut by a database's field limit. */
const TRUNCATED_TITLE_CHARS = 120;
const MAX_AUTHORS_COMPARED = 12;

export interface AuthorName {
  family: string;
  initial: string;
}

/** Everything the assessment looks at, computed once per record. */
export interface MatchKeys {
  index: number;
  id: string;
  doi?: string;
  /** Normalised title, database annotations stripped, spaces removed; '' when there is no title. */
  titleKey: string;
  /** The title is too short to identify a report by itself ("Editorial", "Book review"). */
  genericTitle: boolean;
  /** Compact key of the main title when the title has a subtitle and the main title is long enough. */
  mainKey?: string;
  author?: AuthorKey;
  /** Up to 12 authors as surname + first initial. */
  authors: AuthorName[];
  year?: number;
  notice?: NoticeKind;
  part?: string;
  volume?: string;
  issue?: string;
  /** First page, folded ("s417", "e12345"); undefined when the record has none with a digit. */
  startPage?: string;
  /** Last page, expanded from its abbreviation ("1256-74" → "1274"). */
  endPage?: string;
  journal?: string[];
  conference: boolean;
  /** For a meeting abstract whose venue names the journal printing it ("Pediatric Nephrology.Conference: ..."): that journal's words. */
  printedIn?: string[];
  /** The record is an abstract in Dissertation Abstracts, not the thesis itself. */
  dissertationAbstract?: boolean;
  /** The record sits in a supplement issue or volume ("Suppl 2", "s2"). */
  supplement?: boolean;
  /** The first author's family and given names as folded words, for names swapped between databases. */
  firstName?: { family: string[]; given: string[] };
  /**
   * Letter and digit counts of titleKey, 4 bits each (capped at 15), packed 8 to a number: half their
   * L1 distance bounds the edit distance from below. Numbers, not a typed array: no allocation per record.
   */
  titleHistogram: readonly [number, number, number, number, number];
  /** How many of doi, abstract, authors, year, journal, volume, issue, startPage, keywords are filled. */
  completeness: number;
}

function isLongEnough(normalized: string): boolean {
  if (normalized.length < MIN_TITLE_CHARS) return false;
  let words = 1;
  for (let i = 0; i < normalized.length; i++) if (normalized.charCodeAt(i) === 32) words++;
  return words >= MIN_TITLE_WORDS;
}

const filled = (s: string | undefined): number => (s !== undefined && s.trim() !== '' ? 1 : 0);

/** Everything but letters and digits: apostrophes and spaces included, so what is left is the compact title key. */
const NOT_KEY_CHAR_RE = /[^a-z0-9]+/g;

export function matchKeys(r: ReviewRecord, index: number): MatchKeys {
  return new RecordKeys(r, index);
}

/**
 * Keys with the author list and journal words computed on first use: most records never reach a
 * pair whose titles agree, and these are the costliest keys to build. Fields are assigned in the
 * constructor, in one order, without an intermediate object: this runs once per record of a million.
 */
class RecordKeys implements MatchKeys {
  index: number;
  id: string;
  doi?: string;
  titleKey: string;
  genericTitle: boolean;
  mainKey?: string;
  author?: AuthorKey;
  year?: number;
  notice?: NoticeKind;
  part?: string;
  volume?: string;
  issue?: string;
  startPage?: string;
  endPage?: string;
  conference: boolean;
  titleHistogram: readonly [number, number, number, number, number];
  completeness: number;
  printedIn?: string[];
  supplement?: boolean;
  dissertationAbstract?: boolean;
  #record: ReviewRecord;
  #authors?: AuthorName[];
  #journal?: string[] | null;
  #firstName?: { family: string[]; given: string[] } | null;
  constructor(r: ReviewRecord, index: number) {
    this.#record = r;
    const title = r.title ?? '';
    const folded = stripTitleAnnotations(foldText(title));
    const notice = noticeKind(r, folded);
    // Two databases frame one correction notice differently; the article title it repeats is what compares.
    const comparable = notice === 'correction' ? correctedArticleTitle(folded) : folded;
    // The compact key is the normalised title without its spaces: every letter and digit, in order.
    const titleKey = comparable.replace(NOT_KEY_CHAR_RE, '');
    let mainKey: string | undefined;
    const main = translatedTitle(folded) ?? subtitledMainTitle(folded);
    if (main !== undefined) {
      const normalizedMain = normalizeFoldedTitle(main);
      if (isLongEnough(normalizedMain) && normalizedMain !== normalizeFoldedTitle(comparable)) mainKey = normalizedMain.replace(/ /g, '');
    }
    const doi = normalizeDoi(r.doi);
    const conference = isConferenceRecord(r);
    const pages = normalizePages(r.startPage, r.endPage);
    this.index = index;
    this.id = r.id;
    this.doi = doi;
    this.titleKey = titleKey;
    this.genericTitle = !titleLongEnough(comparable);
    this.mainKey = mainKey;
    this.author = firstAuthorKey(r.authors ?? []);
    this.year = r.year;
    this.notice = notice;
    // A correction's citation of its article ("vol 142, pg 310") names no part.
    this.part = partNumber(title, comparable);
    // Exports put more than the number in the field ("Drug Discovery. 9", "42 Suppl 1"): the number is the volume.
    // Magazines filed by year carry the year in the volume field ("Harvard Business Review 2016(May)"): that names no volume.
    const volume = volumeNumber(r.volume);
    this.volume = volume !== undefined && r.year !== undefined && volume === String(r.year) ? undefined : volume;
    this.issue = issueNumber(r.issue);
    this.startPage = pages.first;
    this.endPage = pages.last;
    this.conference = conference;
    this.titleHistogram = histogram(titleKey);
    this.completeness =
      (doi ? 1 : 0) +
      filled(r.abstract) +
      ((r.authors?.length ?? 0) > 0 ? 1 : 0) +
      (r.year !== undefined ? 1 : 0) +
      filled(r.journal) +
      filled(r.volume) +
      filled(r.issue) +
      filled(r.startPage) +
      ((r.keywords?.length ?? 0) > 0 ? 1 : 0);
    this.printedIn = conference ? journalWords(meetingJournal(r.journal)) : undefined;
    this.supplement = isSupplement(r.volume, r.issue);
    this.dissertationAbstract = r.journal !== undefined && DISSERTATION_ABSTRACTS_RE.test(r.journal);
  }
  get authors(): AuthorName[] {
    if (this.#authors === undefined) {
      const authors: AuthorName[] = [];
      for (const a of this.#record.authors ?? []) {
        if (authors.length >= MAX_AUTHORS_COMPARED) break;
        const k = authorKey(a);
        if (k) authors.push(k);
      }
      this.#authors = authors;
    }
    return this.#authors;
  }
  get firstName(): { family: string[]; given: string[] } | undefined {
    if (this.#firstName === undefined) {
      const first = this.#record.authors?.[0];
      this.#firstName = first ? { family: nameWords(first.family), given: nameWords(first.given) } : null;
    }
    return this.#firstName ?? undefined;
  }
  get journal(): string[] | undefined {
    if (this.#journal === undefined) this.#journal = journalWords(this.#record.journal) ?? null;
    return this.#journal ?? undefined;
  }
}

/**
 * LILACS and SciELO give a title and its translation in one field, "Title; Título": the part before
 * the semicolon is the title other databases give. Undefined when there is no "; " or nothing after it.
 */
function translatedTitle(folded: string): string | undefined {
  const at = folded.indexOf('; ');
  if (at <= 0 || folded.slice(at + 2).trim() === '') return undefined;
  return folded.slice(0, at).trim();
}

/**
 * `isLongEnough(normalizeFoldedTitle(folded))` without building the normalised title: apostrophes
 * vanish, every other run of non-letters is one space.
 */
function titleLongEnough(folded: string): boolean {
  let words = 0;
  let chars = 0;
  let inWord = false;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (!inWord) words++;
      inWord = true;
      chars++;
    } else if (!isApostrophe(c)) inWord = false;
  }
  return words >= MIN_TITLE_WORDS && chars + words - 1 >= MIN_TITLE_CHARS;
}

const isApostrophe = (c: number): boolean => c === 39 || c === 0x2018 || c === 0x2019 || c === 0x2bc || c === 0x60 || c === 0xb4;

const DISSERTATION_ABSTRACTS_RE = /dissertation abstracts|diss abstr/i;

function volumeNumber(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  // Most volumes are plain numbers.
  if (isPlainNumber(v)) return v;
  const m = /\d+/.exec(v);
  return m ? m[0].replace(/^0+(?=\d)/, '') : undefined;
}

/** The issue's number: its first one or two digits; more digits are a record number some exports put there. */
function issueNumber(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (isPlainNumber(v)) return v.length <= 2 ? v : undefined;
  const m = /^\D*(\d{1,2})(?!\d)/.exec(v);
  return m ? m[1].replace(/^0+(?=\d)/, '') : undefined;
}

/** Digits only, without a leading zero. */
function isPlainNumber(s: string): boolean {
  if (s.length === 0 || s.charCodeAt(0) === 48) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function histogram(key: string): [number, number, number, number, number] {
  const h: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const bin = c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : -1;
    if (bin < 0) continue;
    const word = bin >> 3;
    const shift = (bin & 7) * 4;
    // Kept a 32-bit integer (small integers, not boxed doubles); read back with >>>.
    if (((h[word] >>> shift) & 15) < 15) h[word] = (h[word] + (1 << shift)) | 0;
  }
  return h;
}

/** A lower bound of the edit distance between two title keys from their letter counts. */
function histogramDistance(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let w = 0; w < 5; w++) {
    const x = a[w];
    const y = b[w];
    if (x === y) continue;
    for (let shift = 0; shift < 32; shift += 4) {
      const diff = ((x >>> shift) & 15) - ((y >>> shift) & 15);
      d += diff < 0 ? -diff : diff;
    }
  }
  return d / 2;
}

const PLAIN_PAGE_RE = /^\d+$/;

/**
 * Two first pages that differ without contradicting each other: an article number next to printed
 * pages ("e12724" / "1"), or a single page that lies in the other's range ("488" / "487-488").
 */
/** Two records' pages do not contradict each other (either has none, they are the same, or compatible). */
export function pagesAgree(a: MatchKeys, b: MatchKeys): boolean {
  if (a.startPage === undefined || b.startPage === undefined) return true;
  if (shiftedLocators(a, b) || shiftedLocators(b, a)) return true;
  if (samePage(a.startPage, b.startPage)) return true;
  if (a.volume !== undefined && a.volume === b.volume && firstPageTypo(a, b)) return true;
  return pagesCompatible(a, b);
}

/** First pages one character apart with the same last page ("2297-2108" / "2097-2108"): a typo, not another item. */
function firstPageTypo(a: MatchKeys, b: MatchKeys): boolean {
  const pa = a.startPage;
  const pb = b.startPage;
  if (pa === undefined || pb === undefined || pa.length !== pb.length || a.endPage === undefined || b.endPage === undefined) return false;
  if (a.endPage !== b.endPage || a.endPage === pa || b.endPage === pb) return false;
  let diff = 0;
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) diff++;
  return diff === 1;
}

function pagesCompatible(a: MatchKeys, b: MatchKeys): boolean {
  const pa = a.startPage!;
  const pb = b.startPage!;
  // An online-first copy, before it has a volume or issue, is paginated from 1 ("1-6"); print gives it other
  // pages. Only within one year: a year apart, such copies stay different reports (respiratory id_0001881/1882).
  if (onlineFirst(a, b) || onlineFirst(b, a)) return true;
  if (PLAIN_PAGE_RE.test(pa) !== PLAIN_PAGE_RE.test(pb) && !/^s\d/.test(pa) && !/^s\d/.test(pb)) return true;
  const within = (page: string, from: string, to: string | undefined): boolean => {
    if (to === undefined || !PLAIN_PAGE_RE.test(page) || !PLAIN_PAGE_RE.test(from) || !PLAIN_PAGE_RE.test(to)) return false;
    const p = Number(page);
    return p >= Number(from) && p <= Number(to);
  };
  return (a.endPage === undefined && within(pa, pb, b.endPage)) || (b.endPage === undefined && within(pb, pa, a.endPage));
}

function onlineFirst(early: MatchKeys, print: MatchKeys): boolean {
  return (
    early.startPage === '1' &&
    early.volume === undefined &&
    early.issue === undefined &&
    print.volume !== undefined &&
    print.startPage !== '1' &&
    early.year !== undefined &&
    early.year === print.year
  );
}

function conflicts(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/** What `assessPair` concluded about two records. */
export interface PairAssessment {
  kind: 'merge' | 'uncertain' | 'blocked' | 'none';
  /** For 'merge': the rule that links them. */
  rule?: DedupeRule;
  /** Combined evidence in [0, 1]; 1 for a shared DOI. */
  score: number;
  /** What agreed and what did not, in the reviewer's words. */
  reasons: string[];
  /** For 'blocked': the guard rail that held. */
  guard?: string;
}

const NONE: PairAssessment = Object.freeze({ kind: 'none', score: 0, reasons: [] }) as PairAssessment;
/** Titles that do not agree (shared, never mutated: most pairs end here). */
const NO_TITLE: { readonly sim: number; readonly how: string } = Object.freeze({ sim: 0, how: '' });

/** Title agreement in [0, 1] with the reason; 0 when below the uncertain band. */
function titleAgreement(
  a: MatchKeys,
  b: MatchKeys,
  settings: DedupeSettings,
  minSimilarity = UNCERTAIN_TITLE_SIMILARITY,
): { readonly sim: number; readonly how: string } {
  const ka = a.titleKey;
  const kb = b.titleKey;
  if (ka === '' || kb === '') return NO_TITLE;
  if (ka === kb) return { sim: 1, how: 'same title' };
  // Not destructured from an array literal: this runs for every candidate pair.
  const short = ka.length <= kb.length ? ka : kb;
  const long = ka.length <= kb.length ? kb : ka;
  if (short.length >= TRUNCATED_TITLE_CHARS && long.startsWith(short)) return { sim: 0.97, how: 'title truncated in one copy' };
  if (settings.matchMainTitle && ((a.mainKey !== undefined && a.mainKey === kb) || (b.mainKey !== undefined && b.mainKey === ka))) {
    return { sim: 0.96, how: 'subtitle missing in one copy' };
  }
  if (headedTitle(short, long)) return { sim: SAME_TITLE_SIMILARITY, how: 'a column heading in front of the title in one copy' };
  // Most candidate pairs share a block but not a title: their letter counts already say so.
  const maxDistance = (1 - minSimilarity) * long.length;
  // Letter counts bound the edit distance from below: most pairs stop here.
  const wholeMayAgree =
    long.length - short.length <= maxDistance &&
    histogramDistance(a.titleHistogram, b.titleHistogram) <= maxDistance;
  let sim = wholeMayAgree ? levenshteinSimilarity(ka, kb, minSimilarity) : 0;
  // A truncated copy with a typo: compare with the other cut to the same length.
  if (short.length >= TRUNCATED_TITLE_CHARS && long.length > short.length && prefixMayAgree(short, long, (1 - minSimilarity) * short.length)) {
    const cut = levenshteinSimilarity(short, long.slice(0, short.length), minSimilarity);
    if (cut > sim) sim = Math.min(cut, 0.97);
  }
  if (sim === 0) return NO_TITLE;
  return { sim, how: `titles ${(sim * 100).toFixed(0)}% alike` };
}

/** Notice words a heading must not start with: "Reply: <title>" is another item than <title>. */
const NOTICE_HEADING_RE = /^(?:re|reply|response|comment|letter|correction|corrigendum|erratum|retraction|author|editor)/;

/**
 * Magazines print a column heading in front of an article's title ("How did it ... Upwork's CEO on how
 * an introverted engineer learned to lead"), and some databases keep it: a long title (≥ 40 letters)
 * that ends the other behind a heading at most half its length is the same title. Compact keys.
 */
function headedTitle(short: string, long: string): boolean {
  const heading = long.length - short.length;
  return short.length >= 40 && heading > 0 && heading * 2 <= short.length && long.endsWith(short) && !NOTICE_HEADING_RE.test(long);
}

const letterCounts = new Int32Array(128);

/** Whether `short` and the same length of `long` could be within `maxDistance` edits, by their letter counts. */
function prefixMayAgree(short: string, long: string, maxDistance: number): boolean {
  letterCounts.fill(0);
  for (let i = 0; i < short.length; i++) {
    letterCounts[short.charCodeAt(i) & 127]++;
    letterCounts[long.charCodeAt(i) & 127]--;
  }
  let d = 0;
  for (let c = 0; c < 128; c++) d += letterCounts[c] < 0 ? -letterCounts[c] : letterCounts[c];
  return d / 2 <= maxDistance;
}

/** The same first author: the same family name, or given and family names swapped by one database. */
function sameFirst(a: MatchKeys, b: MatchKeys): boolean {
  if (a.author === undefined || b.author === undefined) return false;
  if (sameFirstAuthor(a.author, b.author)) return true;
  const fa = a.firstName;
  const fb = b.firstName;
  return fa !== undefined && fb !== undefined && swappedNames(fa.family, fa.given, fb.family, fb.given);
}

/**
 * Embase sometimes loses a meeting abstract's volume and shifts the rest one field left: "(26) 9" for
 * "26(9) 1746". The record with no volume, whose issue is the other's volume and whose lone "page" is the
 * other's issue, is read with the other's volume and issue and no page.
 */
function shiftedLocators(a: MatchKeys, b: MatchKeys): boolean {
  return (
    a.conference &&
    a.volume === undefined &&
    a.issue !== undefined &&
    a.issue === b.volume &&
    a.startPage !== undefined &&
    a.endPage === undefined &&
    b.issue !== undefined &&
    a.startPage === b.issue
  );
}

function unshifted(a: MatchKeys, b: MatchKeys): MatchKeys {
  return { ...a, authors: a.authors, journal: a.journal, firstName: a.firstName, volume: b.volume, issue: b.issue, startPage: undefined, endPage: undefined };
}

/**
 * One journal's volume prints one item on a multi-page range: the same journal, volume, first and last
 * page, first author and year are the same item whatever language its title was given in
 * ("Arbeiten in der Crowd ..." / "Crowdwork: Applying a relational inequality theory").
 */
function samePrintedRange(a: MatchKeys, b: MatchKeys): boolean {
  const pa = a.startPage;
  const pb = b.startPage;
  if (pa === undefined || pb === undefined || a.endPage === undefined || a.endPage !== b.endPage || pa !== pb) return false;
  if (!PLAIN_PAGE_RE.test(pa) || !PLAIN_PAGE_RE.test(a.endPage) || Number(a.endPage) <= Number(pa)) return false;
  if (a.volume === undefined || a.volume !== b.volume || conflicts(a.issue, b.issue)) return false;
  if (a.year === undefined || a.year !== b.year) return false;
  if (a.journal === undefined || b.journal === undefined || !journalsMatch(a.journal, b.journal)) return false;
  if ((a.genericTitle && a.titleKey !== '') || (b.genericTitle && b.titleKey !== '')) return false;
  if (!sameFirst(a, b)) return false;
  return Math.min(a.authors.length, b.authors.length) < 2 || authorOverlap(a.authors, b.authors) >= 0.5;
}

function firstAuthorOrMost(a: MatchKeys, b: MatchKeys): boolean {
  if (sameFirst(a, b)) return true;
  return Math.min(a.authors.length, b.authors.length) >= 2 && authorOverlap(a.authors, b.authors) >= 0.5;
}

/** How many of the shorter author list appear in the other (surname, or a near spelling with the same initial). */
function authorOverlap(a: AuthorName[], b: AuthorName[]): number {
  const short = a.length <= b.length ? a : b;
  const long = a.length <= b.length ? b : a;
  let matched = 0;
  for (const x of short) {
    for (const y of long) {
      if (x.family === y.family || (x.initial === y.initial && x.initial !== '' && jaroWinkler(x.family, y.family) >= 0.92)) {
        matched++;
        break;
      }
    }
  }
  return short.length === 0 ? 0 : matched / short.length;
}

/**
 * Whether two records are the same report: merge, uncertain (for a person), blocked by a guard
 * rail, or nothing. Cluster-wide guards (a chain of links) are dedupe's business.
 */
export function assessPair(a: MatchKeys, b: MatchKeys, settings: DedupeSettings): PairAssessment {
  if (shiftedLocators(a, b)) a = unshifted(a, b);
  else if (shiftedLocators(b, a)) b = unshifted(b, a);
  const sameDoi = a.doi !== undefined && a.doi === b.doi;
  let title = titleAgreement(a, b, settings);
  // The same journal item (volume, first page, first author, year) may carry a title written rather
  // differently: a section heading in front ("MEDICAL PROGRESS ..."), a subtitle glued on.
  const sameVolume = a.volume !== undefined && a.volume === b.volume;
  // Most blocked pairs share an author and year or a page but not a title: nothing more to look at.
  if (title.sim === 0 && !sameDoi && !sameVolume) return NONE;
  const sameItem =
    a.startPage !== undefined &&
    b.startPage !== undefined &&
    samePage(a.startPage, b.startPage) &&
    sameFirst(a, b) &&
    a.year !== undefined &&
    b.year !== undefined &&
    Math.abs(a.year - b.year) <= settings.yearTolerance &&
    // Proceedings often have no volume: the same venue stands in for it.
    (sameVolume || (a.volume === undefined && b.volume === undefined && a.journal !== undefined && b.journal !== undefined)) &&
    !(a.journal !== undefined && b.journal !== undefined && !journalsMatch(a.journal, b.journal));
  // Without a volume, page numbers restart in every proceedings paper ("1-12"): only a near-identical title will do.
  const sameItemTitleBar = sameVolume ? SAME_ITEM_TITLE_SIMILARITY : 0.9;
  if (title.sim === 0 && sameItem && sameVolume && !a.genericTitle && !b.genericTitle) {
    const [short, long] = a.titleKey.length <= b.titleKey.length ? [a.titleKey, b.titleKey] : [b.titleKey, a.titleKey];
    if (short.length >= MIN_TITLE_CHARS && long.includes(short)) title = { sim: 0.9, how: 'one title contains the other' };
    else title = titleAgreement(a, b, settings, SAME_ITEM_TITLE_SIMILARITY);
    if (title.sim > 0 && title.sim < SAME_TITLE_SIMILARITY) title = { sim: title.sim, how: `${title.how} (same journal item)` };
    else if (title.sim === 0 && samePrintedRange(a, b)) {
      title = { sim: SAME_ITEM_TITLE_SIMILARITY, how: 'titles differ (a translation?) but the same pages of the same journal volume' };
    }
  }
  if (!sameDoi && title.sim === 0) return NONE;
  const guard = guardViolation(a, b, settings);
  if (guard !== undefined) {
    // Report only what a rule would otherwise have linked; unrelated pairs stay silent.
    if (sameDoi || title.sim >= SAME_TITLE_SIMILARITY) return { kind: 'blocked', score: 0, reasons: [], guard };
    return NONE;
  }
  if (sameDoi) return { kind: 'merge', rule: 'doi', score: 1, reasons: ['same DOI'] };
  const reasons: string[] = [title.how];
  const vetoes: string[] = [];

  // Year.
  const bothYears = a.year !== undefined && b.year !== undefined;
  const dy = bothYears ? Math.abs(a.year! - b.year!) : 0;
  let yearScore = 0.5;
  if (bothYears) {
    if (dy === 0) yearScore = 1;
    else if (dy <= settings.yearTolerance) {
      yearScore = 0.75;
      reasons.push(`years ${a.year} and ${b.year}`);
    } else {
      yearScore = 0;
      vetoes.push(`years ${a.year} and ${b.year}`);
    }
  }

  // Locators.
  const pageKnown = a.startPage !== undefined && b.startPage !== undefined;
  const volumeEq = a.volume !== undefined && a.volume === b.volume;
  // A typo in one first page ("2297-2108" / "2097-2108"): the same volume and last page still place the item.
  const lastPageEq = volumeEq && firstPageTypo(a, b);
  const pageEq = pageKnown && (samePage(a.startPage!, b.startPage!) || lastPageEq);
  const pageConflict = pageKnown && !pageEq && !pagesCompatible(a, b);
  const journalKnown = a.journal !== undefined && b.journal !== undefined;
  const journalEq = journalKnown && journalsMatch(a.journal!, b.journal!);
  if (pageConflict) {
    if (bothYears && dy > 0) {
      return {
        kind: 'blocked',
        score: 0,
        reasons: [],
        guard: `same title in different years (${a.year}, ${b.year}) with different pages (${a.startPage}, ${b.startPage})`,
      };
    }
    vetoes.push(`first pages ${a.startPage} and ${b.startPage}`);
  }
  if (conflicts(a.volume, b.volume)) vetoes.push(`volumes ${a.volume} and ${b.volume}`);
  if (!pageEq && conflicts(a.issue, b.issue)) vetoes.push(`issues ${a.issue} and ${b.issue}`);
  // Journal names vary beyond any abbreviation rule (translations, proceedings titles): the same first page
  // with the same title, authors and year still places the item.
  const placedDespiteJournal =
    pageEq && !conflicts(a.volume, b.volume) && title.sim >= SAME_TITLE_SIMILARITY && bothYears && dy <= settings.yearTolerance;
  // A journal known by a translated or romanised name ("Jinko Chino Gakkai Ronbunshi" / "Transactions of the
  // Japanese Society for Artificial Intelligence"): the same title and whole author list in the same volume,
  // issue and year place the item.
  const issueEq = a.issue !== undefined && a.issue === b.issue;
  const sameTeamSameIssue =
    title.sim === 1 &&
    volumeEq &&
    issueEq &&
    bothYears &&
    dy === 0 &&
    Math.min(a.authors.length, b.authors.length) >= 2 &&
    sameFirst(a, b) &&
    authorOverlap(a.authors, b.authors) === 1;
  if (journalKnown && !journalEq && !(volumeEq && pageEq) && !(placedDespiteJournal && firstAuthorOrMost(a, b)) && !sameTeamSameIssue) {
    vetoes.push('different journals');
  }
  let locatorSum = 0;
  let locatorKnown = 0;
  if (journalKnown) {
    locatorKnown++;
    locatorSum += journalEq ? 1 : 0;
  }
  if (a.volume !== undefined && b.volume !== undefined) {
    locatorKnown++;
    locatorSum += volumeEq ? 1 : 0;
  }
  if (pageKnown) {
    locatorKnown++;
    locatorSum += pageEq ? 1 : 0;
  }
  const locatorScore = locatorKnown === 0 ? 0.5 : locatorSum / locatorKnown;
  if (pageEq) reasons.push('same first page');
  if (volumeEq) reasons.push('same volume');
  if (journalEq) reasons.push('same journal');

  // Authors.
  const authorsKnown = a.authors.length > 0 && b.authors.length > 0;
  const firstAuthorEq = sameFirst(a, b);
  const overlap = authorsKnown ? (firstAuthorEq ? 1 : authorOverlap(a.authors, b.authors)) : 0;
  const authorsAgree = firstAuthorEq || (overlap >= 0.5 && Math.min(a.authors.length, b.authors.length) >= 2);
  const strongLocators = pageEq && volumeEq && !vetoes.includes('different journals');
  if (authorsKnown && !authorsAgree) {
    // The same title on the same page of the same volume and journal is one item, however its authors were written.
    if (strongLocators && title.sim >= SAME_TITLE_SIMILARITY) reasons.push('author lists written differently');
    else vetoes.push('different authors');
  }
  if (firstAuthorEq) reasons.push('same first author');
  else if (authorsAgree) reasons.push('most authors shared');
  const authorScore = authorsKnown && (authorsAgree || !strongLocators) ? overlap : 0.5;
  if (a.genericTitle || b.genericTitle) {
    // "Editorial" by the same editor in the same year is many reports; only the same first page makes it one.
    if (!pageEq) vetoes.push('short generic title without the same first page');
  }
  const score = 0.5 * title.sim + 0.2 * authorScore + 0.1 * yearScore + 0.2 * locatorScore;

  // Corroboration independent of the title.
  const yearNear = bothYears && dy <= settings.yearTolerance;
  let rule: DedupeRule | undefined;
  const titleBar = sameItem ? sameItemTitleBar : SAME_TITLE_SIMILARITY;
  if (vetoes.length === 0 && title.sim >= titleBar && score >= (sameItem ? SAME_ITEM_TITLE_SIMILARITY : AUTO_MERGE_SCORE)) {
    const exactTitle = title.sim === 1;
    const byAuthor = authorsAgree && (firstAuthorEq || overlap >= 0.5);
    const corroborated =
      (pageEq && (byAuthor || volumeEq || journalEq)) ||
      (volumeEq && yearNear && (byAuthor || journalEq)) ||
      (journalEq && yearNear && byAuthor) ||
      (exactTitle && firstAuthorEq) ||
      (title.how === 'subtitle missing in one copy' && firstAuthorEq && yearNear);
    if (corroborated) {
      if (!authorsKnown || !authorsAgree) rule = strongLocators ? 'title-locator' : undefined;
      else if (exactTitle) rule = firstAuthorEq ? 'title-author-year' : 'title-locator';
      else if (title.how === 'subtitle missing in one copy') rule = 'main-title-author-year';
      else if (title.sim < SAME_TITLE_SIMILARITY) rule = 'title-locator';
      else rule = 'similar-title';
      // Without authors on one side only the full locator may stand in for them.
      if (!authorsKnown && !(pageEq && (volumeEq || journalEq))) rule = undefined;
    } else {
      vetoes.push('nothing but the title corroborates');
    }
  }
  if (rule !== undefined) return { kind: 'merge', rule, score, reasons };

  // The grey band: alike enough that a person should look, not contradicted outright.
  // Two independent contradictions (years beyond the tolerance and another place of publication) settle it.
  const placedElsewhere = vetoes.includes('different journals') || conflicts(a.volume, b.volume) || pageConflict;
  const contradicted = (vetoes.includes('different authors') && !pageEq) || (yearScore === 0 && placedElsewhere);
  if (contradicted || ((a.genericTitle || b.genericTitle) && !pageEq)) return NONE;
  if (title.sim < UNCERTAIN_TITLE_SIMILARITY) return NONE;
  return { kind: 'uncertain', score, reasons: [...reasons, ...vetoes.map((v) => `but ${v}`)] };
}

/**
 * The rule that makes two records duplicates, or undefined (guard rails included).
 * Kept for callers of the first engine; dedupe uses `assessPair`.
 */
export function matchRule(a: MatchKeys, b: MatchKeys, settings: DedupeSettings): DedupeRule | undefined {
  const r = assessPair(a, b, settings);
  return r.kind === 'merge' ? r.rule : undefined;
}

/** Why two records must never share a cluster, or undefined when nothing forbids it. */
export function guardViolation(a: MatchKeys, b: MatchKeys, settings?: Pick<DedupeSettings, 'mergeConferenceAbstracts'>): string | undefined {
  if (conflicts(a.doi, b.doi)) return `different DOIs (${a.doi} vs ${b.doi})`;
  if (a.notice !== b.notice) {
    return `${a.notice ?? 'ordinary record'} vs ${b.notice ?? 'ordinary record'}`;
  }
  if (a.part !== b.part) return `different parts (${a.part ?? 'none'} vs ${b.part ?? 'none'})`;
  // Like a meeting abstract and its full paper, a thesis and its abstract in Dissertation Abstracts are two reports.
  if ((a.dissertationAbstract ?? false) !== (b.dissertationAbstract ?? false)) return 'dissertation abstract vs thesis';
  if (a.conference !== b.conference && !settings?.mergeConferenceAbstracts) {
    // One database files a supplement abstract under its meeting, another under the journal:
    // the same volume and first page make it the same printed item.
    const samePrinted =
      a.volume !== undefined && a.volume === b.volume && a.startPage !== undefined && b.startPage !== undefined && samePage(a.startPage, b.startPage);
    if (!samePrinted && !(a.conference ? printedAbstract(a, b) : printedAbstract(b, a))) return 'conference abstract vs full paper';
  }
  return undefined;
}

/**
 * A meeting abstract whose venue names the journal printing it ("Scandinavian Journal of
 * Immunology.Conference: ...") and a record of that journal that can only be an abstract (one page, a
 * supplement, or no pages) from the same year, with nothing placing it elsewhere: the printed abstract itself.
 */
function printedAbstract(meeting: MatchKeys, item: MatchKeys): boolean {
  if (meeting.printedIn === undefined || item.journal === undefined || !journalsMatch(meeting.printedIn, item.journal)) return false;
  if (meeting.year === undefined || meeting.year !== item.year) return false;
  const abstractSized = item.supplement === true || item.startPage === undefined || item.endPage === undefined || item.endPage === item.startPage;
  if (!abstractSized) return false;
  if (conflicts(meeting.volume, item.volume)) return false;
  return meeting.startPage === undefined || item.startPage === undefined || samePage(meeting.startPage, item.startPage);
}
