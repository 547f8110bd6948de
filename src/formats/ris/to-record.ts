/**
 * RIS, stage 2: one tokenized entry → one ParsedRecord, driven by the dialect's tag table.
 */
import type { Author, ParsedRecord, Warning } from '../../model/record.js';
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
import type { RisDialect } from './tags.js';
import type { RisEntry } from './tokenize.js';

type RawTags = Record<string, string[]>;

function firstValue(raw: RawTags, tags: readonly string[]): string | undefined {
  for (const t of tags) {
    const vs = raw[t];
    if (!vs) continue;
    for (const v of vs) if (v !== '') return v;
  }
  return undefined;
}

/** All values of the first tag in `tags` that has any. */
function firstList(raw: RawTags, tags: readonly string[]): string[] | undefined {
  for (const t of tags) {
    const vs = raw[t];
    if (vs && vs.some((v) => v !== '')) return vs;
  }
  return undefined;
}

/** One name per AU line; some tools put all authors in one AU line, ';'-separated. */
const authorsFrom = (values: readonly string[]): Author[] => authorsFromValues(values, /;/);

export function entryToRecord(entry: RisEntry, file: string, dialect: RisDialect, warnings: Warning[]): ParsedRecord {
  const raw: RawTags = {};
  let repeated: string[] | undefined;
  for (const t of entry.tags) {
    const list = raw[t.tag];
    if (list) {
      if (list.push(t.value) === 2) (repeated ??= []).push(t.tag);
    } else raw[t.tag] = [t.value];
  }
  // push leaves room for 16 more values in a list; a big import held whole keeps every list, so
  // repeated tags (AU, KW, UR …) get lists of their own length.
  if (repeated) for (const t of repeated) raw[t] = raw[t].slice();
  const tags = dialect.tags;

  const title = cleanText(firstValue(raw, tags.title)) ?? '';
  if (title === '') {
    warnings.push(noTitleWarning(file, entry.startLine));
  }

  const authorValues = firstList(raw, tags.authors) ?? firstList(raw, tags.authorsFallback) ?? [];

  let year: number | undefined;
  for (const t of tags.year) {
    const vs = raw[t];
    if (!vs) continue;
    for (const v of vs) {
      year = extractYear(v);
      if (year !== undefined) break;
    }
    if (year !== undefined) break;
  }

  let startPage = nonEmpty(firstValue(raw, tags.startPage));
  let endPage = nonEmpty(firstValue(raw, tags.endPage));
  if (isNoPagination(startPage) || isNoPagination(endPage)) {
    startPage = undefined;
    endPage = undefined;
  } else if (startPage !== undefined && endPage === undefined && /[-–—]/.test(startPage)) {
    ({ startPage, endPage } = splitPages(startPage));
  }

  let doi: string | undefined;
  for (const t of tags.doi) {
    for (const v of raw[t] ?? []) if ((doi = cleanDoi(v))) break;
    if (doi) break;
  }
  if (!doi) {
    for (const t of tags.doiFallback) {
      for (const v of raw[t] ?? []) if ((doi = findDoiInText(v))) break;
      if (doi) break;
    }
  }

  const keywords: string[] = [];
  for (const t of tags.keywords) {
    for (const v of raw[t] ?? []) {
      for (const k of splitKeywords(v)) keywords.push(k);
    }
  }

  let accession: string | undefined;
  const accessionValue = firstValue(raw, tags.accession);
  if (accessionValue !== undefined) accession = dialect.accessionFrom(accessionValue);
  if (accession === undefined && dialect.accessionFromUrl) {
    for (const v of raw.UR ?? []) {
      const m = dialect.accessionFromUrl.exec(v);
      if (m) {
        accession = m[1];
        break;
      }
    }
  }

  const ty = nonEmpty(raw.TY?.[0]);
  const vendorTypeString = nonEmpty(firstValue(raw, tags.vendorType));
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
  const journal = cleanText(firstValue(raw, tags.journal));
  if (journal !== undefined) record.journal = journal;
  const volume = nonEmpty(firstValue(raw, tags.volume));
  if (volume !== undefined) record.volume = volume;
  const issue = nonEmpty(firstValue(raw, tags.issue));
  if (issue !== undefined) record.issue = issue;
  if (startPage !== undefined) record.startPage = startPage;
  if (endPage !== undefined) record.endPage = endPage;
  if (doi !== undefined) record.doi = doi;
  const abstract = cleanText(firstValue(raw, tags.abstract));
  if (abstract !== undefined) record.abstract = abstract;
  const language = nonEmpty(firstValue(raw, tags.language));
  if (language !== undefined) record.language = language;
  if (accession !== undefined) record.accession = accession;
  const exportDatabase = nonEmpty(firstValue(raw, tags.exportDatabase));
  if (exportDatabase !== undefined) record.exportDatabase = exportDatabase;
  const url = nonEmpty(firstValue(raw, tags.url)?.split('\n')[0]);
  if (url !== undefined) record.url = url;
  return tidyRecord(record);
}
