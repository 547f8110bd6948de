/**
 * EndNote XML (`<xml><records><record>...`), as EndNote, Zotero and SR-Accelerator tools write it.
 * Every text value may be wrapped in `<style face=... font=... size=...>` runs; they are flattened.
 */
import { RawFields, type ParseResult, type ParsedRecord, type Warning } from '../model/record.js';
import {
  cleanDoi,
  cleanText,
  docTypeFromString,
  extractYear,
  findDoiInText,
  nonEmpty,
  parseAuthorName,
  rawHash,
  toLf,
  noTitleWarning,
  tidyRecord,
} from './normalize-fields.js';
import { expandPageRange } from './tagged-common.js';
import type { FormatReader } from './types.js';
import {
  allTexts,
  assertWellFormed,
  at,
  findRecordElements,
  firstText,
  parseElement,
  rawFromTree,
  xmlHead,
  type XmlChunk,
} from './xml-common.js';

export function sniffEndnoteXml(text: string): boolean {
  const head = xmlHead(text);
  return /<xml>\s*<records>\s*<record[\s>]/.test(head) || (/<records>/.test(head) && /<ref-type[\s>]/.test(head));
}

/** EndNote ref-type names whose generic reading is wrong or missing. */
const ENDNOTE_TYPES: Record<string, ParsedRecord['type']> = {
  'electronic article': 'journal-article',
  'magazine article': 'journal-article',
  'newspaper article': 'journal-article',
  'edited book': 'book',
  'electronic book': 'book',
  'book section': 'chapter',
  'electronic book section': 'chapter',
  'conference paper': 'conference',
  'conference proceedings': 'conference',
  'government document': 'report',
  generic: 'other',
  'web page': 'other',
  'unpublished work': 'other',
  patent: 'other',
};

export function endnoteChunkToRecord(chunk: XmlChunk, file: string, warnings: Warning[]): ParsedRecord {
  const root = parseElement(chunk.text, { file, line: chunk.line });
  if (!root) {
    warnings.push({ file, line: chunk.line, message: 'empty <record> element; kept with no fields' });
  }
  const raw = root ? rawFromTree(root) : {};

  const refType = root ? at(root, 'ref-type')[0] : undefined;
  const rawType = nonEmpty(refType?.attrs.name);
  const type = (rawType ? ENDNOTE_TYPES[rawType.toLowerCase()] : undefined) ?? docTypeFromString(rawType) ?? 'other';

  const title = cleanText(firstText(root, 'titles/title')) ?? cleanText(firstText(root, 'titles/translated-title')) ?? '';
  if (title === '') {
    warnings.push(noTitleWarning(file, chunk.line));
  }

  const authors = [];
  for (const name of allTexts(root, 'contributors/authors/author')) {
    const a = parseAuthorName(name);
    if (a) authors.push(a);
  }
  if (authors.length === 0 && (type === 'book' || type === 'report')) {
    for (const name of allTexts(root, 'contributors/secondary-authors/author')) {
      const a = parseAuthorName(name);
      if (a) authors.push(a);
    }
  }

  const journal =
    cleanText(firstText(root, 'titles/secondary-title')) ??
    cleanText(firstText(root, 'periodical/full-title')) ??
    cleanText(firstText(root, 'periodical/abbr-1')) ??
    cleanText(firstText(root, 'alt-periodical/full-title'));

  const urls = [
    ...allTexts(root, 'urls/related-urls/url'),
    ...allTexts(root, 'urls/web-urls/url'),
    ...allTexts(root, 'urls/pdf-urls/url'),
  ];
  let doi = cleanDoi(firstText(root, 'electronic-resource-num'));
  if (!doi) for (const u of urls) if ((doi = findDoiInText(u))) break;

  const keywords: string[] = [];
  for (const k of allTexts(root, 'keywords/keyword')) {
    // EndNote joins keywords imported as one string with CR/LF.
    for (const part of k.split(/[\r\n]+/)) {
      const s = part.trim();
      if (s !== '') keywords.push(s);
    }
  }

  const accession = nonEmpty(firstText(root, 'accession-num')) ?? nonEmpty(firstText(root, 'rec-number'));

  return tidyRecord({
    source: { file, line: chunk.line },
    type,
    rawType,
    title,
    authors,
    year: extractYear(firstText(root, 'dates/year')) ?? extractYear(firstText(root, 'dates/pub-dates/date')),
    journal,
    volume: nonEmpty(firstText(root, 'volume')),
    issue: nonEmpty(firstText(root, 'number')) ?? nonEmpty(firstText(root, 'issue')),
    ...expandPageRange(firstText(root, 'pages')),
    doi,
    abstract: cleanText(firstText(root, 'abstract')),
    keywords,
    language: nonEmpty(firstText(root, 'language')),
    accession,
    exportDatabase: nonEmpty(firstText(root, 'remote-database-name')),
    url: urls[0],
    raw: RawFields.fromObject(raw),
    rawHash: rawHash(chunk.text),
  });
}

export function parseEndnoteXml(text: string, file: string): ParseResult {
  const lf = toLf(text);
  assertWellFormed(lf, file);
  const warnings: Warning[] = [];
  const chunks = findRecordElements(lf, ['record']);
  const records = chunks.map((c) => endnoteChunkToRecord(c, file, warnings));
  warnings.sort((a, b) => a.line - b.line);
  return { format: 'endnote-xml', dialect: 'endnote', records, warnings };
}

export const endnoteXmlReader: FormatReader = {
  name: 'endnote-xml',
  sniff: sniffEndnoteXml,
  parse: parseEndnoteXml,
};
