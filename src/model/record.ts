/**
 * The one Record model every reader produces and every later stage consumes.
 * Plain TypeScript types (not zod) because records are built in hot loops of
 * 100,000+; the readers guarantee the shape.
 */

/** The small set of document types the criteria language and dedupe guard rails reason about. */
export const DOC_TYPES = [
  'journal-article',
  'book',
  'chapter',
  'thesis',
  'conference',
  'report',
  'review',
  'editorial',
  'erratum',
  'other',
] as const;
export type DocType = (typeof DOC_TYPES)[number];

export interface Author {
  /** Family name as exported ("van Doorn", "Rantamäki"). */
  family: string;
  /** Given names or initials as exported ("Martin", "M.", "J. M."); '' when absent. */
  given: string;
}

/** Where a record came from: the file and the 1-based line its entry starts on (CSV: the row's first physical line). */
export interface SourceLocation {
  file: string;
  line: number;
}

export interface Warning {
  file: string;
  line: number;
  message: string;
}

/**
 * A record as a reader produces it, before the review assigns it a database key and id.
 * `accession` is the database's own accession number when the export carries one;
 * `rawHash` is a short hash of the entry's raw text exactly as exported (never of normalised fields),
 * used for the id when there is no accession.
 */
export interface ParsedRecord {
  source: SourceLocation;
  type: DocType;
  /** The vendor's own type string (RIS TY, M3, CSV "Document Type" ...), kept for display. */
  rawType?: string;
  title: string;
  authors: Author[];
  year?: number;
  journal?: string;
  volume?: string;
  issue?: string;
  startPage?: string;
  endPage?: string;
  doi?: string;
  abstract?: string;
  keywords: string[];
  language?: string;
  accession?: string;
  /** Database name as the export states it (ProQuest DB, Ovid's database), if any. */
  exportDatabase?: string;
  url?: string;
  /** Every tag/column as exported, repeated tags in order; unknown tags survive here. */
  raw: Record<string, string[]>;
  rawHash: string;
}

/** A record inside a review: a parsed record plus its stable id and the database it was identified in. */
export interface ReviewRecord extends ParsedRecord {
  /** Stable id: `<databaseKey>:<accession>` or `<databaseKey>:h<hash>`. Never changes when the tool gets smarter. */
  id: string;
  /** The protocol's key for the source database ("psycinfo"). */
  databaseKey: string;
  /** The protocol's display name for the database ("PsycINFO"). */
  database: string;
}

/** What a reader returns for one file. */
export interface ParseResult {
  format: string;
  dialect: string;
  records: ParsedRecord[];
  warnings: Warning[];
}
