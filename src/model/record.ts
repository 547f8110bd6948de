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
  raw: RawFields;
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

/**
 * Every tag or column of a record as exported, in one flat array `[name, value, name, value, …]`
 * (names are the reader's shared strings). One array per record instead of an object holding one
 * array per tag: at 100,000 RIS records the per-tag arrays were about 150 MB of an all-kept import
 * (measured). JSON shows it as it always was, `{ "AU": ["…", "…"], … }`: names in the order they
 * first appear, each with its values in file order.
 *
 * A class so that every JSON output gets that shape from `toJSON`; the review cache stores the
 * flat array and `RawFields.revive` makes the object again (v8's serializer keeps no prototype).
 */
export class RawFields {
  constructor(readonly flat: string[]) {}

  /** From the `{ name: values }` object a reader built (its key order is the first-appearance order). */
  static fromObject(raw: Record<string, readonly string[]>): RawFields {
    const flat: string[] = [];
    for (const name of Object.keys(raw)) for (const value of raw[name]) flat.push(name, value);
    return new RawFields(flat);
  }

  /** A RawFields that went through v8.serialize (a plain `{ flat }`), or one that did not. */
  static revive(value: RawFields | { flat: string[] }): RawFields {
    return value instanceof RawFields ? value : new RawFields(value.flat);
  }

  /** The values of `name` in file order; [] when the record has no such tag or column. */
  values(name: string): string[] {
    const out: string[] = [];
    const flat = this.flat;
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) out.push(flat[i + 1]);
    return out;
  }

  /** The first value of `name`, or undefined when there is none. */
  first(name: string): string | undefined {
    const flat = this.flat;
    for (let i = 0; i < flat.length; i += 2) if (flat[i] === name) return flat[i + 1];
    return undefined;
  }

  has(name: string): boolean {
    return this.first(name) !== undefined;
  }

  /** The distinct names, in the order they first appear. */
  names(): string[] {
    const seen = new Set<string>();
    const flat = this.flat;
    for (let i = 0; i < flat.length; i += 2) seen.add(flat[i]);
    return [...seen];
  }

  /** `{ name: values }` with no prototype (a column may be called `__proto__`). */
  toObject(): Record<string, string[]> {
    const raw: Record<string, string[]> = Object.create(null);
    const flat = this.flat;
    for (let i = 0; i < flat.length; i += 2) {
      const list = raw[flat[i]];
      if (list) list.push(flat[i + 1]);
      else raw[flat[i]] = [flat[i + 1]];
    }
    return raw;
  }

  toJSON(): Record<string, string[]> {
    return this.toObject();
  }
}
