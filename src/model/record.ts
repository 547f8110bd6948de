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
 * Every tag or column of a record as exported, in file order: the names, and the values as one
 * string with where each ends. JSON shows it as it always was, `{ "AU": ["…", "…"], … }`: names
 * in the order they first appear, each with its values in file order.
 *
 * Why not `{ name: values[] }`: at 100,000 RIS records kept whole, one array per tag and one
 * string object per value (each a 32-byte slice pinning the text it was read from) were most of
 * an import's memory (measured: raw fields 425 MB of a 562 MB heap). One string of the record's
 * values costs its characters, and lets the chunk of file text it was read from go.
 *
 * A class so that every JSON output gets that shape from `toJSON`; the review cache stores its
 * fields and `RawFields.revive` makes the object again (v8's serializer keeps no prototype).
 */
/** Value ends as a string of their character codes when they all fit in one (see RawFields.ends). */
function compactEnds(ends: Uint32Array): string | Uint32Array {
  const n = ends.length;
  if (n === 0) return '';
  if (ends[n - 1] > 0xffff) return ends;
  let out = '';
  // Built in pieces: String.fromCharCode with one argument per value would overflow the stack on a huge record.
  for (let i = 0; i < n; i += 1024) out += String.fromCharCode(...ends.subarray(i, Math.min(n, i + 1024)));
  return out;
}

/** A character that a one-byte string cannot hold. */
const WIDE_CHARACTER = /[^\x00-\xff]/;

export class RawFields {
  private constructor(
    /** The name of each value, in file order (repeated for a repeated tag). */
    readonly names: readonly string[],
    /** The values one after another (but those in `wide`). */
    readonly text: string,
    /**
     * Where each value ends in `text` (it starts where the one before ends; a value in `wide` takes
     * no room): as the character codes of a string when `text` is shorter than 65,536 characters
     * (nearly every record; 16 bytes and 2 a value, where a typed array and its buffer cost ~300
     * bytes a record), else as numbers.
     */
    readonly ends: string | Uint32Array,
    /**
     * The values with a character above U+00FF, by position, when the record has any. V8 stores a
     * string with one byte a character only when every character fits; one curly quote would make
     * the whole record's text two bytes a character (13% of the records of the import benchmark).
     */
    readonly wide?: readonly (string | undefined)[],
  ) {}

  /** From `[name, value, name, value, …]` in file order. */
  static fromFlat(flat: readonly string[]): RawFields {
    const n = flat.length >> 1;
    const names = new Array<string>(n);
    const values = new Array<string>(n);
    const ends = new Uint32Array(n);
    let end = 0;
    for (let i = 0; i < n; i++) {
      names[i] = flat[2 * i];
      values[i] = flat[2 * i + 1];
      end += values[i].length;
      ends[i] = end;
    }
    const text = values.join('');
    if (!WIDE_CHARACTER.test(text)) return new RawFields(names, text, compactEnds(ends));
    const wide = new Array<string | undefined>(n);
    end = 0;
    for (let i = 0; i < n; i++) {
      if (WIDE_CHARACTER.test(values[i])) {
        wide[i] = values[i];
        values[i] = '';
      } else end += values[i].length;
      ends[i] = end;
    }
    return new RawFields(names, values.join(''), compactEnds(ends), wide);
  }

  /** From the `{ name: values }` object a reader built (its key order is the first-appearance order). */
  static fromObject(raw: Record<string, readonly string[]>): RawFields {
    const flat: string[] = [];
    for (const name of Object.keys(raw)) for (const value of raw[name]) flat.push(name, value);
    return RawFields.fromFlat(flat);
  }

  static readonly EMPTY = RawFields.fromFlat([]);

  /** A RawFields that went through v8.serialize (a plain object with its fields), or one that did not. */
  static revive(value: RawFields | { names: string[]; text: string; ends: string | Uint32Array; wide?: (string | undefined)[] }): RawFields {
    return value instanceof RawFields ? value : new RawFields(value.names, value.text, value.ends, value.wide);
  }

  /** How many values (tag lines, cells) the record has. */
  get size(): number {
    return this.names.length;
  }

  /** The i-th value in file order. */
  valueAt(i: number): string {
    const { ends } = this;
    if (typeof ends === 'string') return this.wide?.[i] ?? this.text.slice(i === 0 ? 0 : ends.charCodeAt(i - 1), ends.charCodeAt(i));
    return this.wide?.[i] ?? this.text.slice(i === 0 ? 0 : ends[i - 1], ends[i]);
  }

  /** The values of `name` in file order; [] when the record has no such tag or column. */
  values(name: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.names.length; i++) if (this.names[i] === name) out.push(this.valueAt(i));
    return out;
  }

  /** The first value of `name`, or undefined when there is none. */
  first(name: string): string | undefined {
    const i = this.names.indexOf(name);
    return i === -1 ? undefined : this.valueAt(i);
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  /** The distinct names, in the order they first appear. */
  fieldNames(): string[] {
    return [...new Set(this.names)];
  }

  /** `{ name: values }` with no prototype (a column may be called `__proto__`). */
  toObject(): Record<string, string[]> {
    const raw: Record<string, string[]> = Object.create(null);
    for (let i = 0; i < this.names.length; i++) {
      const list = raw[this.names[i]];
      if (list) list.push(this.valueAt(i));
      else raw[this.names[i]] = [this.valueAt(i)];
    }
    return raw;
  }

  toJSON(): Record<string, string[]> {
    return this.toObject();
  }
}
