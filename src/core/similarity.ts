/**
 * Pairwise duplicate rules and guard rails over precomputed record keys. Pure and cheap:
 * dedupe calls these only for pairs that share a blocking key.
 */
import type { ReviewRecord } from '../model/record.js';
import {
  firstAuthorKey,
  hasSubtitle,
  mainTitle,
  noticeKind,
  normalizeDoi,
  normalizeFoldedTitle,
  normalizeLocator,
  normalizeTitle,
  partNumber,
  sameFirstAuthor,
  type AuthorKey,
  type NoticeKind,
} from './normalize.js';
import { foldText } from './text.js';

export type DedupeRule = 'doi' | 'title-author-year' | 'main-title-author-year';

export interface DedupeSettings {
  yearTolerance: number;
  matchMainTitle: boolean;
}

/** A main title shorter than this ("Introduction", "Editorial") links nothing on its own. */
export const MIN_TITLE_WORDS = 3;
export const MIN_TITLE_CHARS = 20;

/** Everything the rules look at, computed once per record. */
export interface MatchKeys {
  index: number;
  id: string;
  doi?: string;
  /** Normalised title with the spaces removed ("co-production" = "coproduction"); '' when there is no title. */
  titleKey: string;
  /** The title is too short to identify a report by itself ("Editorial", "Book review"). */
  genericTitle: boolean;
  /** Compact key of the main title when the title has a subtitle and the main title is long enough. */
  mainKey?: string;
  author?: AuthorKey;
  year?: number;
  notice?: NoticeKind;
  part?: string;
  volume?: string;
  startPage?: string;
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

export function matchKeys(r: ReviewRecord, index: number): MatchKeys {
  const title = r.title ?? '';
  const folded = foldText(title);
  const normalized = normalizeFoldedTitle(folded);
  let mainKey: string | undefined;
  if (hasSubtitle(title)) {
    const main = normalizeTitle(mainTitle(title));
    if (isLongEnough(main) && main !== normalized) mainKey = main.replace(/ /g, '');
  }
  const doi = normalizeDoi(r.doi);
  return {
    index,
    id: r.id,
    doi,
    titleKey: normalized.replace(/ /g, ''),
    genericTitle: !isLongEnough(normalized),
    mainKey,
    author: firstAuthorKey(r.authors ?? []),
    year: r.year,
    notice: noticeKind(r, folded),
    part: partNumber(title, folded),
    // A volume without a digit ("ahead of print", "Ph.D.") says nothing.
    volume: r.volume !== undefined && /\d/.test(r.volume) ? normalizeLocator(r.volume) : undefined,
    startPage: normalizeLocator(r.startPage),
    completeness:
      (doi ? 1 : 0) +
      filled(r.abstract) +
      ((r.authors?.length ?? 0) > 0 ? 1 : 0) +
      (r.year !== undefined ? 1 : 0) +
      filled(r.journal) +
      filled(r.volume) +
      filled(r.issue) +
      filled(r.startPage) +
      ((r.keywords?.length ?? 0) > 0 ? 1 : 0),
  };
}

function conflicts(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/**
 * The rule that makes two records duplicates, or undefined. Guard rails are not checked here
 * (dedupe checks them across whole clusters) except that two different DOIs never agree:
 * a title rule with conflicting DOIs still reports the rule so dedupe can record the blocked merge.
 */
export function matchRule(a: MatchKeys, b: MatchKeys, settings: DedupeSettings): DedupeRule | undefined {
  if (a.doi !== undefined && a.doi === b.doi) return 'doi';
  if (a.author === undefined || b.author === undefined || !sameFirstAuthor(a.author, b.author)) return undefined;
  const bothYears = a.year !== undefined && b.year !== undefined;
  if (bothYears && Math.abs(a.year! - b.year!) > settings.yearTolerance) return undefined;

  // Same title, author and year in another volume is another report: a conference abstract and the
  // article, a guideline co-published in two journals. (Pages and issues are too dirty across
  // databases to veto a match: "Suppl", e-locators, record numbers in the issue field.)
  if (conflicts(a.volume, b.volume)) return undefined;
  if (a.titleKey !== '' && a.titleKey === b.titleKey) {
    // "Editorial" by the same editor in the same year is many reports; only the same first page makes it one.
    if (a.genericTitle && (a.startPage === undefined || a.startPage !== b.startPage)) return undefined;
    return 'title-author-year';
  }
  if (settings.matchMainTitle && bothYears) {
    // One copy lacks the subtitle: its whole title is the other's main title.
    const mainMatch =
      (a.mainKey !== undefined && a.mainKey === b.titleKey) || (b.mainKey !== undefined && b.mainKey === a.titleKey);
    if (mainMatch) return 'main-title-author-year';
  }
  return undefined;
}

/** Why two records must never share a cluster, or undefined when nothing forbids it. */
export function guardViolation(a: MatchKeys, b: MatchKeys): string | undefined {
  if (conflicts(a.doi, b.doi)) return `different DOIs (${a.doi} vs ${b.doi})`;
  if (a.notice !== b.notice) {
    return `${a.notice ?? 'ordinary record'} vs ${b.notice ?? 'ordinary record'}`;
  }
  if (a.part !== b.part) return `different parts (${a.part ?? 'none'} vs ${b.part ?? 'none'})`;
  return undefined;
}
