/**
 * RIS, stage 2: one tokenized entry → one ParsedRecord, driven by the dialect's tag table.
 */
import { RawFields, type Author, type ParsedRecord, type Warning } from '../../model/record.js';
import {
  cleanDoi,
  cleanText,
  combineDocType,
  docTypeFromString,
  extractYear,
  findDoiInText,
  isNoPagination,
  nonEmpty,
  splitKeywords,
  splitPages,
  authorsFromValues,
  noTitleWarning,
  tidyRecord,
} from '../normalize-fields.js';
import type { RecordTally } from '../types.js';
import type { RisDialect, RisFieldTags } from './tags.js';
import type { RisEntry } from './tokenize.js';

/**
 * A dialect's tag table compiled for one pass over an entry: every tag any field reads gets a slot,
 * and each field's tags become their slots in order of preference. `firstAt[slot]` is then the
 * position in the entry's flat fields of that tag's first value (-1: absent), found in one pass
 * with one Map lookup per line, instead of a property lookup per field and tag on an object built
 * per record (building and reading that object was most of this step's own time, ~15% of an
 * import, measured on 100k records).
 */
interface CompiledTags {
  slotOf: Map<string, number>;
  fields: { [K in keyof RisFieldTags]: Int32Array };
  /** Slot of UR (EBSCOhost's accession link) and of TY (the type code), which are read by name. */
  ur: number;
  ty: number;
}

const COMPILED = new WeakMap<RisFieldTags, CompiledTags>();

function compile(tags: RisFieldTags): CompiledTags {
  let compiled = COMPILED.get(tags);
  if (compiled) return compiled;
  const slotOf = new Map<string, number>();
  const slot = (tag: string): number => {
    let n = slotOf.get(tag);
    if (n === undefined) slotOf.set(tag, (n = slotOf.size));
    return n;
  };
  const fields = {} as CompiledTags['fields'];
  for (const key of Object.keys(tags) as (keyof RisFieldTags)[]) fields[key] = Int32Array.from(tags[key], slot);
  compiled = { slotOf, fields, ur: slot('UR'), ty: slot('TY') };
  COMPILED.set(tags, compiled);
  return compiled;
}

/** Per slot, the position of the tag's first value in the entry being read; reused, reset after each entry. */
let firstAt = new Int32Array(64).fill(-1);

/** The first non-empty value of the first tag in `slots` that has one (file order within a tag). */
function firstValue(flat: readonly string[], slots: Int32Array): string | undefined {
  for (let k = 0; k < slots.length; k++) {
    const at = firstAt[slots[k]];
    if (at === -1) continue;
    if (flat[at + 1] !== '') return flat[at + 1];
    const tag = flat[at];
    for (let i = at + 2; i < flat.length; i += 2) if (flat[i] === tag && flat[i + 1] !== '') return flat[i + 1];
  }
  return undefined;
}

/** Every value of the tag at `at` (its first position), in file order. */
function valuesFrom(flat: readonly string[], at: number): string[] {
  const tag = flat[at];
  const out = [flat[at + 1]];
  for (let i = at + 2; i < flat.length; i += 2) if (flat[i] === tag) out.push(flat[i + 1]);
  return out;
}

/** All values of the first tag in `slots` that has a non-empty one. */
function firstList(flat: readonly string[], slots: Int32Array): string[] | undefined {
  for (let k = 0; k < slots.length; k++) {
    const at = firstAt[slots[k]];
    if (at === -1) continue;
    const values = valuesFrom(flat, at);
    if (values.some((v) => v !== '')) return values;
  }
  return undefined;
}

/** The first value, over `slots` in order of preference and each tag's values in file order, that `read` makes something of. */
function firstRead<T>(flat: readonly string[], slots: Int32Array, read: (value: string) => T | undefined): T | undefined {
  for (let k = 0; k < slots.length; k++) {
    const at = firstAt[slots[k]];
    if (at === -1) continue;
    const tag = flat[at];
    for (let i = at; i < flat.length; i += 2) {
      if (flat[i] !== tag) continue;
      const found = read(flat[i + 1]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** One name per AU line; some tools put all authors in one AU line, ';'-separated. */
const authorsFrom = (values: readonly string[]): Author[] => authorsFromValues(values, /;/);

export function entryToRecord(entry: RisEntry, file: string, dialect: RisDialect, warnings: Warning[]): ParsedRecord {
  const flat = entry.fields;
  const raw = RawFields.fromFlat(flat);
  // The named fields are cut from the record's own raw text, not from the chunk of the file the
  // values were read from: the record then holds no reference to that chunk, which can go.
  for (let i = 0; i < raw.size; i++) flat[2 * i + 1] = raw.valueAt(i);
  const compiled = locateTags(flat, dialect);
  try {
    return recordFrom(entry, flat, raw, compiled, file, dialect, warnings);
  } finally {
    firstAt.fill(-1, 0, compiled.slotOf.size);
  }
}

/**
 * What entryToRecord + addToTally would count of the entry, without the record: the title (for its
 * warning), whether a cleaned abstract, a DOI and a year are found, by the same functions over the
 * same tags. `litscreen import` shows nothing else, and authors, keywords, pages, types and the
 * record object are most of the work. (tidyRecord changes none of the four: cleanText already
 * drops placeholder abstracts, and a found DOI or year is never one.) tests/io/parallel-count.test.ts
 * compares the two over every RIS fixture and corpus file.
 */
export function tallyEntry(entry: RisEntry, file: string, dialect: RisDialect, warnings: Warning[], tally: RecordTally): void {
  const flat = entry.fields;
  const compiled = locateTags(flat, dialect);
  try {
    const tags = compiled.fields;
    if ((cleanText(firstValue(flat, tags.title)) ?? '') === '') warnings.push(noTitleWarning(file, entry.startLine));
    tally.records++;
    if (cleanText(firstValue(flat, tags.abstract)) !== undefined) tally.withAbstract++;
    if (doiOf(flat, tags)) tally.withDoi++;
    if (firstRead(flat, tags.year, extractYear) !== undefined) tally.withYear++;
  } finally {
    firstAt.fill(-1, 0, compiled.slotOf.size);
  }
}

/** The dialect's compiled table, with firstAt set for this entry's tags (the caller resets it). */
function locateTags(flat: readonly string[], dialect: RisDialect): CompiledTags {
  const compiled = compile(dialect.tags);
  const { slotOf } = compiled;
  if (firstAt.length < slotOf.size) firstAt = new Int32Array(slotOf.size * 2).fill(-1);
  for (let i = flat.length - 2; i >= 0; i -= 2) {
    const slot = slotOf.get(flat[i]);
    if (slot !== undefined) firstAt[slot] = i;
  }
  return compiled;
}

/** The first DOI of the DOI tags, else the first found in the fallback tags' URLs and text. */
function doiOf(flat: readonly string[], tags: CompiledTags['fields']): string | undefined {
  // cleanDoi/findDoiInText never give ''; `|| undefined` keeps "first truthy" as it was.
  return firstRead(flat, tags.doi, (v) => cleanDoi(v) || undefined) ?? firstRead(flat, tags.doiFallback, (v) => findDoiInText(v) || undefined);
}

function recordFrom(entry: RisEntry, flat: string[], raw: RawFields, compiled: CompiledTags, file: string, dialect: RisDialect, warnings: Warning[]): ParsedRecord {
  const tags = compiled.fields;
  const title = cleanText(firstValue(flat, tags.title)) ?? '';
  if (title === '') {
    warnings.push(noTitleWarning(file, entry.startLine));
  }

  const authorValues = firstList(flat, tags.authors) ?? firstList(flat, tags.authorsFallback) ?? [];

  const year = firstRead(flat, tags.year, extractYear);

  let startPage = nonEmpty(firstValue(flat, tags.startPage));
  let endPage = nonEmpty(firstValue(flat, tags.endPage));
  if (isNoPagination(startPage) || isNoPagination(endPage)) {
    startPage = undefined;
    endPage = undefined;
  } else if (startPage !== undefined && endPage === undefined && /[-–—]/.test(startPage)) {
    ({ startPage, endPage } = splitPages(startPage));
  }

  const doi = doiOf(flat, tags);

  const keywords: string[] = [];
  for (let k = 0; k < tags.keywords.length; k++) {
    const at = firstAt[tags.keywords[k]];
    if (at === -1) continue;
    for (const v of valuesFrom(flat, at)) for (const keyword of splitKeywords(v)) keywords.push(keyword);
  }

  let accession: string | undefined;
  const accessionValue = firstValue(flat, tags.accession);
  if (accessionValue !== undefined) accession = dialect.accessionFrom(accessionValue);
  const urAt = firstAt[compiled.ur];
  if (accession === undefined && dialect.accessionFromUrl && urAt !== -1) {
    for (const v of valuesFrom(flat, urAt)) {
      const m = dialect.accessionFromUrl.exec(v);
      if (m) {
        accession = m[1];
        break;
      }
    }
  }

  const tyAt = firstAt[compiled.ty];
  const ty = tyAt === -1 ? undefined : nonEmpty(flat[tyAt + 1]);
  const vendorTypeString = nonEmpty(firstValue(flat, tags.vendorType));
  const baseType = ty ? docTypeFromString(ty) : undefined;
  const type = combineDocType(baseType, docTypeFromString(vendorTypeString));

  const record: ParsedRecord = {
    source: { file, line: entry.startLine },
    type,
    title,
    authors: authorsFrom(authorValues).slice(),
    keywords: keywords.slice(),
    raw,
    rawHash: entry.rawHash,
  };
  const rawType = vendorTypeString ?? ty;
  if (rawType !== undefined) record.rawType = rawType;
  if (year !== undefined) record.year = year;
  const journal = cleanText(firstValue(flat, tags.journal));
  if (journal !== undefined) record.journal = journal;
  const volume = nonEmpty(firstValue(flat, tags.volume));
  if (volume !== undefined) record.volume = volume;
  const issue = nonEmpty(firstValue(flat, tags.issue));
  if (issue !== undefined) record.issue = issue;
  if (startPage !== undefined) record.startPage = startPage;
  if (endPage !== undefined) record.endPage = endPage;
  if (doi !== undefined) record.doi = doi;
  const abstract = cleanText(firstValue(flat, tags.abstract));
  if (abstract !== undefined) record.abstract = abstract;
  const language = nonEmpty(firstValue(flat, tags.language));
  if (language !== undefined) record.language = language;
  if (accession !== undefined) record.accession = accession;
  const exportDatabase = nonEmpty(firstValue(flat, tags.exportDatabase));
  if (exportDatabase !== undefined) record.exportDatabase = exportDatabase;
  const url = nonEmpty(firstValue(flat, tags.url)?.split('\n')[0]);
  if (url !== undefined) record.url = url;
  return tidyRecord(record);
}
