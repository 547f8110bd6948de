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
  isDatabaseEntryDoi,
  isSupplement,
  issueKey,
  journalWords,
  journalsMatch,
  meetingJournal,
  nameWords,
  normalizeDoi,
  normalizeFoldedTitle,
  normalizePages,
  partNumber,
  present,
  sameFirstAuthor,
  samePage,
  stripTitleAnnotations,
  subtitledMainTitle,
  swappedNames,
  titleNoticeKind,
  typeNoticeKind,
  volumeKey,
  type AuthorKey,
  type NoticeKind,
} from './normalize.js';
import {
  AUTHOR_NAME_SIMILARITY,
  AUTHOR_OVERLAP,
  AUTO_MERGE_SCORE,
  AFTER_NAME_MAX_NAME_CHARS,
  HEADED_TITLE_MIN_CHARS,
  MAX_AUTHORS_COMPARED,
  MIN_TITLE_CHARS,
  MIN_TITLE_WORDS,
  SAME_ITEM_NO_VOLUME_TITLE_SIMILARITY,
  SAME_ITEM_TITLE_SIMILARITY,
  SAME_TITLE_SIMILARITY,
  SCORE_WEIGHTS,
  TITLE_AGREEMENT,
  TRUNCATED_TITLE_CHARS,
  UNCERTAIN_TITLE_SIMILARITY,
  UNKNOWN_EVIDENCE_SCORE,
  YEAR_SCORE,
} from './params.js';
import { jaroWinkler, levenshteinSimilarity } from './string-distance.js';
import { foldText } from '../criteria/fold-text.js';

export {
  AUTO_MERGE_SCORE,
  MIN_TITLE_CHARS,
  MIN_TITLE_WORDS,
  SAME_ITEM_TITLE_SIMILARITY,
  SAME_TITLE_SIMILARITY,
  UNCERTAIN_TITLE_SIMILARITY,
} from './params.js';

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


export interface AuthorName {
  family: string;
  initial: string;
}

/**
 * Letter and digit counts of a title key (MatchKeys.titleHistogram): 36 counts of 4 bits, four to a
 * UTF-16 code unit, so 9 code units. A string rather than an array of 9 numbers: one object of 40
 * bytes instead of an array and its backing store (about 120), once per record of a million.
 */
export type TitleHistogram = string;

/** Everything the assessment looks at, computed once per record. */
export interface MatchKeys {
  index: number;
  id: string;
  /**
   * The normalised DOI when it identifies a work: not a database or registry entry's (CENTRAL's
   * "10.1002/central/CN-…"), and not, within the records being deduplicated, a container's
   * (`containerDoi`).
   */
  doi?: string;
  /** A DOI that many records with different titles share (an abstract supplement, a book): not an identifier. */
  containerDoi?: string;
  /** The record's PubMed id, when it carries one (a PMID column or tag); computed on first use. */
  readonly pubmedId?: string;
  /** Normalised title, database annotations stripped, spaces removed; '' when there is no title. */
  titleKey: string;
  /** The title is too short to identify a report by itself ("Editorial", "Book review"). */
  genericTitle: boolean;
  /** Compact key of the main title when the title has a subtitle and the main title is long enough. */
  mainKey?: string;
  /** Compact key of a main title too short to link anything by itself ("Crowdwork: applying a relational inequality theory" → "crowdwork"). */
  shortMainKey?: string;
  /** Compact key of the title after a one-word name in front of it ("Hyred: Hybrid job recommendation system"), when long enough. */
  afterNameKey?: string;
  author?: AuthorKey;
  /** Up to 12 authors as surname + first initial. */
  authors: AuthorName[];
  year?: number;
  notice?: NoticeKind;
  /** The notice kind comes only from the record's type as one database labels it, not from its title: weak evidence. */
  noticeByType?: boolean;
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
   * Letter and digit counts of titleKey, 4 bits each (capped at 15), packed 4 to a 16-bit code unit
   * (9 code units, see TitleHistogram): half their L1 distance bounds the edit distance from below.
   */
  titleHistogram: TitleHistogram;
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

/** Reused for compact keys: the characters kept are ASCII letters and digits, one byte each. */
let keyBytes = Buffer.allocUnsafe(512);

/**
 * The compact key of a folded title: its letters a-z and digits 0-9 in order, everything else
 * (apostrophes and spaces included) dropped; `s.replace(/[^a-z0-9]+/g, '')` without the regular
 * expression's parts list, once per record of a million.
 */
function compactKey(s: string): string {
  const n = s.length;
  if (keyBytes.length < n) keyBytes = Buffer.allocUnsafe(n * 2);
  const bytes = keyBytes;
  let used = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) bytes[used++] = c;
  }
  return used === 0 ? '' : bytes.toString('latin1', 0, used);
}

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
  shortMainKey?: string;
  afterNameKey?: string;
  author?: AuthorKey;
  year?: number;
  notice?: NoticeKind;
  noticeByType?: boolean;
  containerDoi?: string;
  part?: string;
  volume?: string;
  issue?: string;
  startPage?: string;
  endPage?: string;
  conference: boolean;
  titleHistogram: TitleHistogram;
  completeness: number;
  printedIn?: string[];
  supplement?: boolean;
  dissertationAbstract?: boolean;
  #record: ReviewRecord;
  #authors?: AuthorName[];
  #journal?: string[] | null;
  #firstName?: { family: string[]; given: string[] } | null;
  #pubmedId?: string | null;
  /** The journal field unless it is missing (`present`), for the journal words on first use. */
  #journalName: string | undefined;
  constructor(r: ReviewRecord, index: number) {
    this.#record = r;
    const title = present(r.title) ?? '';
    const folded = stripTitleAnnotations(stripSpelledCharacters(foldText(title)));
    const titleNotice = titleNoticeKind(folded);
    const notice = titleNotice ?? typeNoticeKind(r.type);
    // Two databases frame one correction notice differently; the article title it repeats is what compares.
    const comparable = notice === 'correction' ? correctedArticleTitle(folded) : folded;
    // The compact key is the normalised title without its spaces: every letter and digit, in order.
    const titleKey = compactKey(comparable);
    let mainKey: string | undefined;
    const main = translatedTitle(folded) ?? subtitledMainTitle(folded);
    let shortMainKey: string | undefined;
    if (main !== undefined) {
      // The normalised main title without its spaces is its compact key (only its letters and digits).
      const compactMain = compactKey(main);
      // Another compact key is another title, and the whole title need not be normalised to tell.
      if (compactMain !== titleKey || normalizeFoldedTitle(main) !== normalizeFoldedTitle(comparable)) {
        // titleLongEnough(main) is isLongEnough(normalizeFoldedTitle(main)); the normalised main title is
        // empty exactly when its compact key is.
        if (titleLongEnough(main)) mainKey = compactMain;
        else if (compactMain !== '') shortMainKey = compactMain;
      }
    }
    this.shortMainKey = shortMainKey;
    this.afterNameKey = afterNameKey(comparable);
    const normalizedDoi = normalizeDoi(r.doi);
    const doi = normalizedDoi !== undefined && !isDatabaseEntryDoi(normalizedDoi) ? normalizedDoi : undefined;
    const journal = present(r.journal);
    this.#journalName = journal;
    const conference = isConferenceRecord(journal === r.journal ? r : { type: r.type, journal });
    const pages = normalizePages(present(r.startPage), present(r.endPage));
    this.index = index;
    this.id = r.id;
    this.doi = doi;
    this.titleKey = titleKey;
    this.genericTitle = !titleLongEnough(comparable);
    this.mainKey = mainKey;
    this.author = firstAuthorKey(r.authors ?? []);
    this.year = r.year;
    this.notice = notice;
    this.noticeByType = notice !== undefined && titleNotice === undefined;
    // A correction's citation of its article ("vol 142, pg 310") names no part.
    this.part = partNumber(title, comparable);
    // Exports put more than the number in the field ("Drug Discovery. 9", "42 Suppl 1", "61 (Supplement 1)"): the number is the volume.
    // Magazines filed by year carry the year in the volume field ("Harvard Business Review 2016(May)"): that names no volume.
    const volume = volumeKey(r.volume);
    this.volume = volume !== undefined && r.year !== undefined && volume === String(r.year) ? undefined : volume;
    this.issue = issueKey(r.issue, r.volume);
    this.startPage = pages.first;
    this.endPage = pages.last;
    this.conference = conference;
    this.titleHistogram = histogram(titleKey);
    this.completeness =
      (doi ? 1 : 0) +
      filled(present(r.abstract)) +
      ((r.authors?.length ?? 0) > 0 ? 1 : 0) +
      (r.year !== undefined ? 1 : 0) +
      filled(journal) +
      filled(present(r.volume)) +
      filled(present(r.issue)) +
      filled(present(r.startPage)) +
      ((r.keywords?.length ?? 0) > 0 ? 1 : 0);
    this.printedIn = conference ? sharedJournalWords(meetingJournal(journal)) : undefined;
    this.supplement = isSupplement(r.volume, r.issue);
    this.dissertationAbstract = journal !== undefined && DISSERTATION_ABSTRACTS_RE.test(journal);
  }
  get pubmedId(): string | undefined {
    if (this.#pubmedId === undefined) this.#pubmedId = pubmedIdOf(this.#record) ?? null;
    return this.#pubmedId ?? undefined;
  }
  get authors(): AuthorName[] {
    if (this.#authors === undefined) {
      const authors: AuthorName[] = [];
      for (const a of this.#record.authors ?? []) {
        if (authors.length >= MAX_AUTHORS_COMPARED) break;
        const k = authorKey(a);
        if (k) authors.push(sharedName(k));
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
    if (this.#journal === undefined) this.#journal = sharedJournalWords(this.#journalName) ?? null;
    return this.#journal ?? undefined;
  }
}

/**
 * One AuthorName object per distinct name (surname + initial): the copies of a study repeat its
 * authors, and a field's authors recur across its papers, so a million records need far fewer name
 * objects than author slots. Shared objects are never changed. Bounded like the journal cache: when
 * full it starts again, which costs memory only, never a different answer.
 */
const sharedNames = new Map<string, AuthorName>();
const SHARED_NAMES_LIMIT = 1 << 18;

function sharedName(k: AuthorName): AuthorName {
  const key = `${k.initial} ${k.family}`;
  const known = sharedNames.get(key);
  if (known !== undefined) return known;
  if (sharedNames.size >= SHARED_NAMES_LIMIT) sharedNames.clear();
  sharedNames.set(key, k);
  return k;
}

/** `journalWords` of recent journal names: records share a few thousand journals. Lists are shared, never changed. */
const journalWordsCache = new Map<string, string[] | null>();
const JOURNAL_CACHE_LIMIT = 1 << 14;

function sharedJournalWords(journal: string | undefined): string[] | undefined {
  if (!journal) return undefined;
  let words = journalWordsCache.get(journal);
  if (words === undefined) {
    if (journalWordsCache.size >= JOURNAL_CACHE_LIMIT) journalWordsCache.clear();
    words = journalWords(journal) ?? null;
    journalWordsCache.set(journal, words);
  }
  return words ?? undefined;
}

/**
 * Characters a database could not encode, written as their Unicode names: "Flexible, Self-Determined
 * horizontal ellipsis and Unhealthy?" for "Flexible, Self-Determined… and Unhealthy?". Only names of
 * punctuation, which never occur as title words and which the other copy's folding drops as punctuation.
 */
const SPELLED_PUNCTUATION_RE =
  /\b(?:horizontal ellipsis|(?:en|em|figure) dash|(?:left|right)[- ](?:single|double)(?: quotation mark|-pointing angle quotation mark)|middle dot|double low-9 quotation mark|single low-9 quotation mark)\b/g;

/** One search for the words every name in SPELLED_PUNCTUATION_RE holds: most titles hold none. */
const SPELLED_PUNCTUATION_WORD_RE = /ellipsis|dash|quotation|middle dot/;

function stripSpelledCharacters(folded: string): string {
  if (!SPELLED_PUNCTUATION_WORD_RE.test(folded)) return folded;
  return folded.replace(SPELLED_PUNCTUATION_RE, ' ');
}

/** Words that head a title as its kind rather than its name: "Commentary: X" is another item than X. */
const HEADING_WORD_RE =
  /^(?:re|reply|response|comment|commentary|letter|correspondence|correction|corrigendum|erratum|errata|retraction|retracted|withdrawn|editorial|editor|author|authors|abstract|abstracts|protocol|introduction|foreword|preface|review|interview|obituary|addendum|summary|book|chapter|part|section|appendix|supplement|news|perspective|opinion|viewpoint|debate|update|highlights|guest|invited|keynote|poster|symposium|workshop|panel|tutorial|case)$/;

/**
 * A title's key after a one-word name in front of it, "Hyred: Hybrid job recommendation system" →
 * "hybridjobrecommendationsystem": one database keeps a system's, trial's or project's name before
 * the colon, another drops it. Undefined when the first word is a heading (HEADING_WORD_RE) or what
 * follows is too short to identify a report.
 */
function afterNameKey(folded: string): string | undefined {
  const colon = folded.indexOf(':');
  if (colon <= 0 || colon > AFTER_NAME_MAX_NAME_CHARS) return undefined;
  // Most titles with a colon have several words before it: no slicing for them.
  const space = folded.indexOf(' ');
  if (space >= 0 && space < colon - 1) return undefined;
  const name = folded.slice(0, colon).trim();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || HEADING_WORD_RE.test(name)) return undefined;
  const rest = normalizeFoldedTitle(folded.slice(colon + 1));
  return isLongEnough(rest) ? rest.replace(/ /g, '') : undefined;
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

/** Raw fields (tags or columns, as exported) that hold a PubMed id: nbib/RIS "PMID", CSV "PubMed ID", BibTeX "pmid". */
const PUBMED_ID_FIELD_RE = /^(?:pmid|pubmed[ _]?id|pubmed)$/i;

/**
 * The PubMed id a record carries, as digits: from a PMID tag or column ("21314913", CENTRAL's
 * "PUBMED 21314913"). Undefined when none.
 */
function pubmedIdOf(r: ReviewRecord): string | undefined {
  const raw = r.raw;
  // Synthetic records (benchmarks) may come without raw fields of this shape.
  if (raw?.names === undefined) return undefined;
  const { names } = raw;
  // Fields in the order they first appear, each with its values in file order.
  let tried: string[] | undefined;
  for (let i = 0; i < names.length; i++) {
    const field = names[i];
    if (!PUBMED_ID_FIELD_RE.test(field.trim()) || tried?.includes(field)) continue;
    (tried ??= []).push(field);
    for (let j = i; j < names.length; j++) {
      if (names[j] !== field) continue;
      const m = /(?:^|\D)(\d{1,9})(?!\d)/.exec(raw.valueAt(j));
      if (m) return m[1].replace(/^0+(?=\d)/, '');
    }
  }
  return undefined;
}

/** Reused counts of the 36 letters and digits while a histogram is built. */
const binCounts = new Int32Array(36);

function histogram(key: string): TitleHistogram {
  const counts = binCounts;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const bin = c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? c - 22 : -1;
    if (bin >= 0 && counts[bin] < 15) counts[bin]++;
  }
  // Four bins of 4 bits to a 16-bit code unit; one string allocation per record.
  const h = String.fromCharCode(
    packBins(counts, 0),
    packBins(counts, 4),
    packBins(counts, 8),
    packBins(counts, 12),
    packBins(counts, 16),
    packBins(counts, 20),
    packBins(counts, 24),
    packBins(counts, 28),
    packBins(counts, 32),
  );
  counts.fill(0);
  return h;
}

const packBins = (counts: Int32Array, at: number): number => counts[at] | (counts[at + 1] << 4) | (counts[at + 2] << 8) | (counts[at + 3] << 12);

/**
 * For two bytes of packed counts (two 4-bit counts each), side by side as (x << 8) | y: the sum of
 * the two counts' absolute differences. 64 KB, built once: a histogram comparison then costs two
 * look-ups per code unit instead of four shifts, masks and branches, and it runs for most of the
 * ~38 candidate pairs per record at a million records.
 */
const COUNT_PAIR_DISTANCE = (() => {
  const table = new Uint8Array(1 << 16);
  for (let x = 0; x < 256; x++) {
    for (let y = 0; y < 256; y++) table[(x << 8) | y] = Math.abs((x & 15) - (y & 15)) + Math.abs((x >>> 4) - (y >>> 4));
  }
  return table;
})();

/** A lower bound of the edit distance between two title keys from their letter counts: half the L1 distance of the counts. */
export function histogramDistance(a: TitleHistogram, b: TitleHistogram): number {
  let d = 0;
  for (let w = 0; w < 9; w++) {
    const x = a.charCodeAt(w);
    const y = b.charCodeAt(w);
    if (x === y) continue;
    d += COUNT_PAIR_DISTANCE[((x & 0xff) << 8) | (y & 0xff)] + COUNT_PAIR_DISTANCE[(x & 0xff00) | (y >>> 8)];
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

/** Title agreements that are the same for every pair (shared, never mutated). */
const SAME_TITLE: { readonly sim: number; readonly how: string } = Object.freeze({ sim: 1, how: 'same title' });
const TRUNCATED_TITLE: { readonly sim: number; readonly how: string } = Object.freeze({
  sim: TITLE_AGREEMENT.truncated,
  how: 'title truncated in one copy',
});
const SUBTITLE_MISSING: { readonly sim: number; readonly how: string } = Object.freeze({
  sim: TITLE_AGREEMENT.subtitleMissing,
  how: 'subtitle missing in one copy',
});
const NAME_MISSING: { readonly sim: number; readonly how: string } = Object.freeze({
  sim: TITLE_AGREEMENT.subtitleMissing,
  how: 'a name before the title missing in one copy',
});
const HEADED_TITLE: { readonly sim: number; readonly how: string } = Object.freeze({
  sim: SAME_TITLE_SIMILARITY,
  how: 'a column heading in front of the title in one copy',
});

/** "titles 97% alike" by similarity: a few hundred distinct values recur across the pairs. */
const similarReasons = new Map<number, string>();

function similarTitlesReason(sim: number): string {
  let how = similarReasons.get(sim);
  if (how === undefined) {
    if (similarReasons.size >= 4096) similarReasons.clear();
    how = `titles ${(sim * 100).toFixed(0)}% alike`;
    similarReasons.set(sim, how);
  }
  return how;
}

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
  if (ka === kb) return SAME_TITLE;
  // Not destructured from an array literal: this runs for every candidate pair.
  const short = ka.length <= kb.length ? ka : kb;
  const long = ka.length <= kb.length ? kb : ka;
  if (short.length >= TRUNCATED_TITLE_CHARS && long.startsWith(short)) return TRUNCATED_TITLE;
  if (settings.matchMainTitle && ((a.mainKey !== undefined && a.mainKey === kb) || (b.mainKey !== undefined && b.mainKey === ka))) {
    return SUBTITLE_MISSING;
  }
  if (settings.matchMainTitle && ((a.afterNameKey !== undefined && a.afterNameKey === kb) || (b.afterNameKey !== undefined && b.afterNameKey === ka))) {
    return NAME_MISSING;
  }
  if (headedTitle(short, long)) return HEADED_TITLE;
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
    if (cut > sim) sim = Math.min(cut, TITLE_AGREEMENT.truncated);
  }
  if (sim === 0) return NO_TITLE;
  return { sim, how: similarTitlesReason(sim) };
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
  return short.length >= HEADED_TITLE_MIN_CHARS && heading > 0 && heading * 2 <= short.length && long.endsWith(short) && !NOTICE_HEADING_RE.test(long);
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
  return Math.min(a.authors.length, b.authors.length) < 2 || authorOverlap(a.authors, b.authors) >= AUTHOR_OVERLAP;
}

function firstAuthorOrMost(a: MatchKeys, b: MatchKeys): boolean {
  if (sameFirst(a, b)) return true;
  return Math.min(a.authors.length, b.authors.length) >= 2 && authorOverlap(a.authors, b.authors) >= AUTHOR_OVERLAP;
}

/** How many of the shorter author list appear in the other (surname, or a near spelling with the same initial). */
function authorOverlap(a: AuthorName[], b: AuthorName[]): number {
  const short = a.length <= b.length ? a : b;
  const long = a.length <= b.length ? b : a;
  let matched = 0;
  for (const x of short) {
    for (const y of long) {
      if (x.family === y.family || (x.initial === y.initial && x.initial !== '' && jaroWinkler(x.family, y.family) >= AUTHOR_NAME_SIMILARITY)) {
        matched++;
        break;
      }
    }
  }
  return short.length === 0 ? 0 : matched / short.length;
}

/** Titles at least alike enough for the grey band (or agreeing structurally): not clearly different titles. */
export function titlesAlike(a: MatchKeys, b: MatchKeys, settings: DedupeSettings): boolean {
  return titleAgreement(a, b, settings).sim > 0;
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
    // Years and volume before the first author: a volume-and-page block holds many pairs with the
    // same page, and the first author's name words (sameFirst) are built per record on first use.
    a.year !== undefined &&
    b.year !== undefined &&
    Math.abs(a.year - b.year) <= settings.yearTolerance &&
    // Proceedings often have no volume: the same venue stands in for it.
    (sameVolume || (a.volume === undefined && b.volume === undefined && a.journal !== undefined && b.journal !== undefined)) &&
    sameFirst(a, b) &&
    !(a.journal !== undefined && b.journal !== undefined && !journalsMatch(a.journal, b.journal));
  // Without a volume, page numbers restart in every proceedings paper ("1-12"): only a near-identical title will do.
  const sameItemTitleBar = sameVolume ? SAME_ITEM_TITLE_SIMILARITY : SAME_ITEM_NO_VOLUME_TITLE_SIMILARITY;
  if (title.sim === 0 && sameItem && sameVolume && !a.genericTitle && !b.genericTitle) {
    const [short, long] = a.titleKey.length <= b.titleKey.length ? [a.titleKey, b.titleKey] : [b.titleKey, a.titleKey];
    if (short.length >= MIN_TITLE_CHARS && long.includes(short)) title = { sim: TITLE_AGREEMENT.contained, how: 'one title contains the other' };
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
  // A DOI is strong evidence, not proof (an abstract supplement's DOI on each of its abstracts, a
  // database's wrong DOI): it merges only with agreeing titles and nothing else disagreeing.
  let doiDisagrees: string | undefined;
  if (sameDoi && title.sim < SAME_TITLE_SIMILARITY && shortMainTitleOf(a, b) && sameFirst(a, b) && (sameVolume || sameFirstPage(a, b))) {
    // One copy kept only a short main title ("Crowdwork" for "Crowdwork: applying a relational
    // inequality theory"): too short to link by itself, but with the same DOI, first author and
    // volume or first page, the subtitle is all that is missing.
    title = { sim: TITLE_AGREEMENT.subtitleMissing, how: 'subtitle missing in one copy (a short main title)' };
  }
  if (sameDoi) {
    doiDisagrees = doiDisagreement(a, b, title, settings);
    if (doiDisagrees === undefined) return { kind: 'merge', rule: 'doi', score: 1, reasons: ['same DOI', title.how] };
  }
  const reasons: string[] = sameDoi ? ['same DOI', `but ${doiDisagrees}`] : [];
  if (title.sim > 0) reasons.push(title.how);
  const vetoes: string[] = [];

  // Year.
  const bothYears = a.year !== undefined && b.year !== undefined;
  const dy = bothYears ? Math.abs(a.year! - b.year!) : 0;
  let yearScore: number = YEAR_SCORE.unknown;
  if (bothYears) {
    if (dy === 0) yearScore = YEAR_SCORE.same;
    else if (dy <= settings.yearTolerance) {
      yearScore = YEAR_SCORE.withinTolerance;
      reasons.push(`years ${a.year} and ${b.year}`);
    } else {
      yearScore = YEAR_SCORE.beyond;
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
  const locatorScore = locatorKnown === 0 ? UNKNOWN_EVIDENCE_SCORE : locatorSum / locatorKnown;
  if (pageEq) reasons.push('same first page');
  if (volumeEq) reasons.push('same volume');
  if (journalEq) reasons.push('same journal');

  // Authors.
  const authorsKnown = a.authors.length > 0 && b.authors.length > 0;
  const firstAuthorEq = sameFirst(a, b);
  const overlap = authorsKnown ? (firstAuthorEq ? 1 : authorOverlap(a.authors, b.authors)) : 0;
  const authorsAgree = firstAuthorEq || (overlap >= AUTHOR_OVERLAP && Math.min(a.authors.length, b.authors.length) >= 2);
  const strongLocators = pageEq && volumeEq && !vetoes.includes('different journals');
  if (authorsKnown && !authorsAgree) {
    // The same title on the same page of the same volume and journal is one item, however its authors were written.
    if (strongLocators && title.sim >= SAME_TITLE_SIMILARITY) reasons.push('author lists written differently');
    else vetoes.push('different authors');
  }
  if (firstAuthorEq) reasons.push('same first author');
  else if (authorsAgree) reasons.push('most authors shared');
  const authorScore = authorsKnown && (authorsAgree || !strongLocators) ? overlap : UNKNOWN_EVIDENCE_SCORE;
  if (a.genericTitle || b.genericTitle) {
    // "Editorial" by the same editor in the same year is many reports; only the same first page makes it one.
    if (!pageEq) vetoes.push('short generic title without the same first page');
  }
  const score =
    SCORE_WEIGHTS.title * title.sim + SCORE_WEIGHTS.authors * authorScore + SCORE_WEIGHTS.year * yearScore + SCORE_WEIGHTS.locators * locatorScore;

  // Corroboration independent of the title.
  const yearNear = bothYears && dy <= settings.yearTolerance;
  let rule: DedupeRule | undefined;
  const titleBar = sameItem ? sameItemTitleBar : SAME_TITLE_SIMILARITY;
  if (vetoes.length === 0 && title.sim >= titleBar && score >= (sameItem ? SAME_ITEM_TITLE_SIMILARITY : AUTO_MERGE_SCORE)) {
    const exactTitle = title.sim === 1;
    const byAuthor = authorsAgree && (firstAuthorEq || overlap >= AUTHOR_OVERLAP);
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
  const contradicted = (vetoes.includes('different authors') && !pageEq) || (yearScore === YEAR_SCORE.beyond && placedElsewhere);
  if (contradicted || ((a.genericTitle || b.genericTitle) && !pageEq)) return NONE;
  // The same DOI on titles that do not agree (a translated title, a title-less copy) is for a person to see.
  if (title.sim < UNCERTAIN_TITLE_SIMILARITY && !sameDoi) return NONE;
  return { kind: 'uncertain', score, reasons: [...reasons, ...vetoes.map((v) => `but ${v}`)] };
}

/**
 * What keeps two records that share a DOI from being merged on it, or undefined: titles that do not
 * agree (the same title, one missing its subtitle or cut by a field limit, database annotations and
 * translation brackets aside), another first author, first pages or volumes that contradict each
 * other, or years further apart than the tolerance. The general pattern: one field never decides
 * alone; the DOI only adds certainty to a pair that nothing else tells apart.
 */
function doiDisagreement(
  a: MatchKeys,
  b: MatchKeys,
  title: { readonly sim: number; readonly how: string },
  settings: DedupeSettings,
): string | undefined {
  if (title.sim < SAME_TITLE_SIMILARITY) return a.titleKey === '' || b.titleKey === '' ? 'a title is missing' : 'titles differ';
  if (a.year !== undefined && b.year !== undefined && Math.abs(a.year - b.year) > settings.yearTolerance) return `years ${a.year} and ${b.year}`;
  if (conflicts(a.volume, b.volume)) return `volumes ${a.volume} and ${b.volume}`;
  if (!pagesAgree(a, b) && separatePrintedRanges(a, b)) return `pages ${a.startPage}-${a.endPage} and ${b.startPage}-${b.endPage}`;
  if (a.authors.length > 0 && b.authors.length > 0 && !firstAuthorOrMost(a, b)) return 'different authors';
  return undefined;
}

/** One record's whole title is the other's short main title. */
function shortMainTitleOf(a: MatchKeys, b: MatchKeys): boolean {
  return (a.shortMainKey !== undefined && a.shortMainKey === b.titleKey) || (b.shortMainKey !== undefined && b.shortMainKey === a.titleKey);
}

function sameFirstPage(a: MatchKeys, b: MatchKeys): boolean {
  return a.startPage !== undefined && b.startPage !== undefined && samePage(a.startPage, b.startPage);
}

/**
 * Two printed page ranges that do not overlap ("12-18" and "140-146"): two items. A lone number says
 * less: it may be a page count ("11"), an article number ("106482") or an online-first page ("1").
 */
function separatePrintedRanges(a: MatchKeys, b: MatchKeys): boolean {
  const range = (k: MatchKeys): [number, number] | undefined => {
    if (k.startPage === undefined || k.endPage === undefined || !PLAIN_PAGE_RE.test(k.startPage) || !PLAIN_PAGE_RE.test(k.endPage)) return undefined;
    const from = Number(k.startPage);
    const to = Number(k.endPage);
    return to > from ? [from, to] : undefined;
  };
  const ra = range(a);
  const rb = range(b);
  return ra !== undefined && rb !== undefined && (ra[1] < rb[0] || rb[1] < ra[0]);
}

/**
 * The two records carry the same identifier of a work and their titles agree: the same DOI (one that
 * identifies a work) with PubMed ids that do not differ, or the same PubMed id with DOIs that do not
 * differ. `both` asks for the same DOI and the same PubMed id.
 */
function identifiedAsOne(a: MatchKeys, b: MatchKeys, settings: Partial<DedupeSettings> | undefined, both: boolean): boolean {
  const doiEq = a.doi !== undefined && a.doi === b.doi;
  if (!doiEq && (both || conflicts(a.doi, b.doi))) return false;
  const pa = a.pubmedId;
  const pb = b.pubmedId;
  const pmidEq = pa !== undefined && pa === pb;
  if (!pmidEq && (both || conflicts(pa, pb))) return false;
  if (!doiEq && !pmidEq) return false;
  return titleAgreement(a, b, { yearTolerance: 0, matchMainTitle: settings?.matchMainTitle ?? true }, SAME_TITLE_SIMILARITY).sim >= SAME_TITLE_SIMILARITY;
}

/**
 * The rule that makes two records duplicates, or undefined (guard rails included).
 * Kept for callers of the first engine; dedupe uses `assessPair`.
 */
export function matchRule(a: MatchKeys, b: MatchKeys, settings: DedupeSettings): DedupeRule | undefined {
  const r = assessPair(a, b, settings);
  return r.kind === 'merge' ? r.rule : undefined;
}

/**
 * Why two records must never share a cluster, or undefined when nothing forbids it. Guards are keyed
 * on evidence: a word in a title ("Erratum", "Reply") is the notice's own and always holds; a record
 * type or a venue word that one database gave is weaker, and yields to identifiers of one work.
 */
export function guardViolation(a: MatchKeys, b: MatchKeys, settings?: Partial<DedupeSettings>): string | undefined {
  if (conflicts(a.doi, b.doi)) return `different DOIs (${a.doi} vs ${b.doi})`;
  if (a.notice !== b.notice) {
    // A kind only a type label gives (PubMed's Letter, Comment, Editorial; an erratum type): one
    // database's label, which another gives the same work differently. The same DOI, the same PubMed
    // id and the same title make them one work; a notice with its own title words stays apart.
    const labelOnly = (a.notice === undefined || a.noticeByType === true) && (b.notice === undefined || b.noticeByType === true);
    if (!(labelOnly && identifiedAsOne(a, b, settings, true))) return `${a.notice ?? 'ordinary record'} vs ${b.notice ?? 'ordinary record'}`;
  }
  if (a.part !== b.part) return `different parts (${a.part ?? 'none'} vs ${b.part ?? 'none'})`;
  // Like a meeting abstract and its full paper, a thesis and its abstract in Dissertation Abstracts are two reports.
  if ((a.dissertationAbstract ?? false) !== (b.dissertationAbstract ?? false)) return 'dissertation abstract vs thesis';
  if (a.conference !== b.conference && !settings?.mergeConferenceAbstracts) {
    // One database files a supplement abstract under its meeting, another under the journal:
    // the same volume and first page make it the same printed item.
    const samePrinted =
      a.volume !== undefined && a.volume === b.volume && a.startPage !== undefined && b.startPage !== undefined && samePage(a.startPage, b.startPage);
    // A DOI names one published item: a meeting abstract and the full paper it became carry different
    // DOIs (or the abstract none), so the same DOI with the same title is one item, whatever one
    // database's venue says ("Diabetologie und Stoffwechsel. Conference" / "Diabetologie und Stoffwechsel").
    if (!samePrinted && !(a.conference ? printedAbstract(a, b) : printedAbstract(b, a)) && !identifiedAsOne(a, b, settings, false)) {
      return 'conference abstract vs full paper';
    }
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
