/**
 * Every threshold and weight of the deduplication engine, in one place, each with the reason for its
 * value.
 *
 * Nothing here is fitted from data. No value was chosen by searching for the best figure on the
 * labelled sets (bib-dedupe-benchmarks); each follows from what the number means (how many edits a
 * copy of a title picks up between databases, how long a title must be to identify a report, how
 * many titles one DOI can honestly carry). The labelled sets are used to *check* the values — every
 * rule is run on every set by `npm run bench:dedupe`, which reports each set and the worst one — not
 * to choose them. Where a value was last changed, the comment says what was checked.
 *
 * Changing a value here changes which records merge: run `npm run build && npm run bench:dedupe` and
 * look at the worst set, not only the combined figure.
 */

// ---------------------------------------------------------------- titles

/**
 * A title shorter than this ("Introduction", "Editorial", "Book review") names a kind of item, not
 * one report: it links nothing on its own, only with the same first page. Three words and twenty
 * characters is the shortest a descriptive research title gets ("Pneumothorax in neonates").
 */
export const MIN_TITLE_WORDS = 3;
export const MIN_TITLE_CHARS = 20;

/**
 * Titles at least this similar (1 − edit distance / length of the longer compact title) are the same
 * title. 0.95 allows one edit per 20 letters: the typos, transliterations ("ae"/"ä") and dropped
 * words ("the", "a") seen between databases' copies of one title, while two titles of one research
 * group that differ in one meaningful word of a 100-letter title (≥ 3 letters, "men"/"women") stay
 * below it only when short; hence the corroboration the assessment also asks for.
 */
export const SAME_TITLE_SIMILARITY = 0.95;

/**
 * Titles at least this similar that do not merge are put before a person (the grey band). One edit
 * per 7 letters: below it, titles are about different things often enough that a person would only
 * be asked to say "no".
 */
export const UNCERTAIN_TITLE_SIMILARITY = 0.85;

/**
 * A title this long (compact letters and digits) that is a prefix of another was cut by a database's
 * field limit (old MEDLINE and Embase cut at about 125–250 characters); shorter prefixes are
 * usually a main title, which has its own rule.
 */
export const TRUNCATED_TITLE_CHARS = 120;

/** How strongly structural title agreements count, on the similarity scale (between SAME_TITLE_SIMILARITY and 1). */
export const TITLE_AGREEMENT = {
  /** One copy cut by a field limit: the part both have is identical, the rest unknown. */
  truncated: 0.97,
  /** One copy without the subtitle: the main title is identical, the subtitle unknown. */
  subtitleMissing: 0.96,
  /** The same journal item where one title contains the other (a section heading, a glued subtitle). */
  contained: 0.9,
} as const;

/**
 * A column heading in front of a title ("How did it ... Upwork's CEO on ..."): the title it ends must
 * have at least this many letters (shorter endings are too common), and the heading may be at most
 * half as long as that title.
 */
export const HEADED_TITLE_MIN_CHARS = 40;

/**
 * A name in front of a title ("Hyred: Hybrid job recommendation system") is one word of at most this
 * many characters: system, trial and project names are short; a longer first word before a colon is a
 * heading or a topic, and the rule only looks at names.
 */
export const AFTER_NAME_MAX_NAME_CHARS = 30;

/**
 * The same journal item (same volume, first page, first author and year) may carry a rather
 * different title (a section heading, a glued subtitle, a translation): titles this similar are
 * enough there, because the locator already identifies the item. 0.6 still rejects two items
 * sharing a page by chance only when their titles share little; the corroboration rules do the rest.
 */
export const SAME_ITEM_TITLE_SIMILARITY = 0.6;

/**
 * The same bar for items placed only by journal and page, without a volume: proceedings restart page
 * numbers in every paper ("1-12"), so the locator proves far less and the title must nearly agree.
 */
export const SAME_ITEM_NO_VOLUME_TITLE_SIMILARITY = 0.9;

// ---------------------------------------------------------------- authors

/** Authors compared per record: enough to tell two teams apart; long consortium lists add cost, not evidence. */
export const MAX_AUTHORS_COMPARED = 12;

/**
 * Two family names with the same initial and at least this Jaro–Winkler similarity are one person
 * spelt two ways ("Schmid"/"Schmidt" 0.97, "Rantamaki"/"Rantamaeki" 0.98). 0.92 tolerates about one
 * letter in eight, and keeps short names that differ in a letter apart ("Li"/"Lu" 0.70).
 */
export const AUTHOR_NAME_SIMILARITY = 0.92;

/** Author lists agree when at least this share of the shorter list appears in the longer: half a team is the same team. */
export const AUTHOR_OVERLAP = 0.5;

// ---------------------------------------------------------------- the combined score

/**
 * Weights of the combined score of a pair whose titles agree: the title carries half the evidence;
 * authors and the locators (journal, volume, pages) a fifth each; the year a tenth, because online-
 * first and print years differ by one legitimately. They are weights of judgement, set once and
 * never fitted; they sum to 1.
 */
export const SCORE_WEIGHTS = { title: 0.5, authors: 0.2, year: 0.1, locators: 0.2 } as const;

/** The year's part of the score: the same year, one year apart (within the tolerance), unknown, beyond the tolerance. */
export const YEAR_SCORE = { same: 1, withinTolerance: 0.75, unknown: 0.5, beyond: 0 } as const;

/** The score given to evidence that is missing on one side (neither for nor against). */
export const UNKNOWN_EVIDENCE_SCORE = 0.5;

/**
 * The combined score an automatic merge needs, besides corroboration and no disagreement: with an
 * agreeing title (≥ 0.95 × 0.5) and the year (0.1), it takes most of the author or locator evidence
 * (0.85 − 0.575 = 0.275 of 0.4) to pass, so a pair with unknown authors and unknown locators never does.
 */
export const AUTO_MERGE_SCORE = 0.85;

// ---------------------------------------------------------------- DOIs

/**
 * A DOI carried, within the records being deduplicated, by records with at least this many mutually
 * disagreeing titles names a container (an abstract supplement, a proceedings volume, a book), not a
 * work: it stops being an identifier (no DOI merge, no "different DOIs" guard, no DOI block). Two
 * titles on one DOI are explained by one work (its original-language title and a database's
 * translation) or by one database's wrong DOI; three different titles are not.
 */
export const CONTAINER_DOI_MIN_TITLES = 3;

// ---------------------------------------------------------------- blocking (cost, not matching)

/**
 * Blocks larger than this are compared only within a sliding window after sorting by a second key.
 * Blocks grow with the number of records (a million share more title openings and author-years), so
 * this bounds the pairs per record: 32 rather than 64 cut the 1M bench run's time by a sixth with the
 * same merges there and on every labelled set.
 */
export const FULL_COMPARE_LIMIT = 32;
/**
 * The sliding window's width in a large block: each record meets the 24 records before it in the
 * block's second order. (16, half of FULL_COMPARE_LIMIT, was tried for issue 12: at 1M synthetic
 * records it compared fewer pairs but gave no CPU saving measurable on a shared machine and put 13
 * fewer look-alike pairs in the grey band, so 24 stays.)
 */
export const WINDOW = 24;
/**
 * Title block keys: the first (and, for long titles, the last) this many characters of the compact
 * title. 40 letters is about six words: copies of a title agree there unless a typo falls in them,
 * and then the other end, the main title or the author-year block still brings them together.
 */
export const TITLE_KEY_CHARS = 40;
