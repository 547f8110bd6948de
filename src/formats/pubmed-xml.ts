/**
 * PubMed / MEDLINE XML (efetch `retmode=xml`, PubMed "Save → XML"): `<PubmedArticleSet>` holding
 * `<PubmedArticle>` and `<PubmedBookArticle>` records; a bare `<MedlineCitationSet>` is read too.
 */
import { RawFields, type Author, type DocType, type ParseResult, type ParsedRecord, type Warning } from '../model/record.js';
import { cleanDoi, cleanText, extractYear, nonEmpty, rawHash, toLf, tidyRecord } from './normalize-fields.js';
import { expandPageRange, mostSpecificType, pubmedPublicationType } from './tagged-common.js';
import type { FormatReader } from './types.js';
import {
  allTexts,
  assertWellFormed,
  at,
  findRecordElements,
  firstText,
  kids,
  parseElement,
  rawFromTree,
  textOf,
  xmlHead,
  type XNode,
  type XmlChunk,
} from './xml-common.js';

export function sniffPubmedXml(text: string): boolean {
  return /<(?:PubmedArticleSet|PubmedBookArticleSet|PubmedArticle|PubmedBookArticle|MedlineCitationSet)[\s>]/.test(xmlHead(text));
}

function authorsOf(list: XNode | undefined): Author[] {
  const out: Author[] = [];
  for (const a of kids(list, 'Author')) {
    if (a.attrs.ValidYN === 'N') continue;
    const collective = firstText(a, 'CollectiveName');
    const family = firstText(a, 'LastName');
    if (family) {
      out.push({ family, given: firstText(a, 'ForeName') ?? firstText(a, 'Initials') ?? '' });
    } else if (collective) {
      out.push({ family: cleanText(collective) ?? collective, given: '' });
    }
  }
  return out;
}

/** Structured abstracts: "BACKGROUND: ... METHODS: ...", as PubMed displays them. */
function abstractOf(abs: XNode | undefined): string | undefined {
  const parts: string[] = [];
  for (const t of kids(abs, 'AbstractText')) {
    const text = textOf(t).trim();
    if (text === '') continue;
    const label = nonEmpty(t.attrs.Label);
    parts.push(label ? `${label}: ${text}` : text);
  }
  return parts.length > 0 ? cleanText(parts.join(' ')) : undefined;
}

function doiOf(nodes: XNode[], idAttr: string): string | undefined {
  for (const n of nodes) {
    if ((n.attrs[idAttr] ?? '').toLowerCase() === 'doi') {
      const d = cleanDoi(textOf(n));
      if (d) return d;
    }
  }
  return undefined;
}

function yearOfDate(date: XNode | undefined): number | undefined {
  return extractYear(firstText(date, 'Year')) ?? extractYear(firstText(date, 'MedlineDate'));
}

function pagesOf(pagination: XNode | undefined): { startPage?: string; endPage?: string } {
  const start = firstText(pagination, 'StartPage');
  if (start) return { startPage: start, endPage: firstText(pagination, 'EndPage') };
  return expandPageRange(firstText(pagination, 'MedlinePgn'));
}

function keywordsOf(parent: XNode | undefined): string[] {
  const out: string[] = [];
  for (const k of allTexts(parent, 'KeywordList/Keyword')) out.push(cleanText(k) ?? k);
  for (const m of allTexts(parent, 'MeshHeadingList/MeshHeading/DescriptorName')) out.push(m);
  return out;
}

type Fields = Omit<ParsedRecord, 'source' | 'raw' | 'rawHash'>;

function articleFields(citation: XNode | undefined, pubmedData: XNode | undefined): Fields {
  const article = at(citation, 'Article')[0];
  const journal = at(article, 'Journal')[0];
  const issue = at(journal, 'JournalIssue')[0];
  const ptStrings = allTexts(article, 'PublicationTypeList/PublicationType');
  const type = mostSpecificType(ptStrings.map(pubmedPublicationType), 'journal-article');
  const title =
    cleanText(firstText(article, 'ArticleTitle')) ?? cleanText(firstText(article, 'VernacularTitle')) ?? '';
  return {
    type,
    rawType: ptStrings.length > 0 ? ptStrings.join('; ') : undefined,
    title,
    authors: authorsOf(at(article, 'AuthorList')[0]),
    year: yearOfDate(at(issue, 'PubDate')[0]) ?? yearOfDate(at(article, 'ArticleDate')[0]),
    journal: cleanText(firstText(journal, 'Title')) ?? nonEmpty(firstText(citation, 'MedlineJournalInfo/MedlineTA')),
    volume: nonEmpty(firstText(issue, 'Volume')),
    issue: nonEmpty(firstText(issue, 'Issue')),
    ...pagesOf(at(article, 'Pagination')[0]),
    doi: doiOf(at(article, 'ELocationID'), 'EIdType') ?? doiOf(at(pubmedData, 'ArticleIdList/ArticleId'), 'IdType'),
    abstract: abstractOf(at(article, 'Abstract')[0]),
    keywords: keywordsOf(citation),
    language: nonEmpty(firstText(article, 'Language')),
    accession: nonEmpty(firstText(citation, 'PMID')),
  };
}

function bookFields(doc: XNode | undefined, bookData: XNode | undefined): Fields {
  const book = at(doc, 'Book')[0];
  const ptStrings = allTexts(doc, 'PublicationType');
  const chapterTitle = cleanText(firstText(doc, 'ArticleTitle'));
  const bookTitle = cleanText(firstText(book, 'BookTitle'));
  const base: DocType = chapterTitle ? 'chapter' : 'book';
  // A book's "Review" publication type is a review of the literature; keep it, it matters for screening.
  const type = mostSpecificType(ptStrings.map(pubmedPublicationType), base);
  const authorLists = [...at(doc, 'AuthorList'), ...at(book, 'AuthorList')];
  const authorList = authorLists.find((l) => (l.attrs.Type ?? 'authors') === 'authors') ?? authorLists[0];
  return {
    type: type === 'report' || type === 'journal-article' ? base : type,
    rawType: ptStrings.length > 0 ? ptStrings.join('; ') : undefined,
    title: chapterTitle ?? bookTitle ?? '',
    authors: authorsOf(authorList),
    year: yearOfDate(at(book, 'PubDate')[0]) ?? yearOfDate(at(doc, 'ContributionDate')[0]),
    journal: chapterTitle ? bookTitle : undefined,
    volume: nonEmpty(firstText(book, 'Volume')),
    ...pagesOf(at(doc, 'Pagination')[0]),
    doi:
      doiOf([...at(book, 'ELocationID'), ...at(doc, 'ELocationID')], 'EIdType') ??
      doiOf([...at(doc, 'ArticleIdList/ArticleId'), ...at(bookData, 'ArticleIdList/ArticleId')], 'IdType'),
    abstract: abstractOf(at(doc, 'Abstract')[0]),
    keywords: keywordsOf(doc),
    language: nonEmpty(firstText(doc, 'Language')),
    accession: nonEmpty(firstText(doc, 'PMID')),
  };
}

export function pubmedChunkToRecord(chunk: XmlChunk, file: string, warnings: Warning[]): ParsedRecord {
  const root = parseElement(chunk.text, { file, line: chunk.line });
  let fields: Fields;
  if (chunk.tag === 'PubmedBookArticle') {
    fields = bookFields(at(root, 'BookDocument')[0], at(root, 'PubmedBookData')[0]);
  } else if (chunk.tag === 'MedlineCitation') {
    fields = articleFields(root, undefined);
  } else {
    fields = articleFields(at(root, 'MedlineCitation')[0], at(root, 'PubmedData')[0]);
  }
  if (fields.title === '') {
    const what = root && kids(root, '*').length > 0 ? 'has no title' : 'is empty';
    warnings.push({ file, line: chunk.line, message: `<${chunk.tag}> starting at line ${chunk.line} ${what}; kept` });
  }
  return tidyRecord({
    source: { file, line: chunk.line },
    ...fields,
    raw: RawFields.fromObject(root ? rawFromTree(root) : {}),
    rawHash: rawHash(chunk.text),
  });
}

export function parsePubmedXml(text: string, file: string): ParseResult {
  const lf = toLf(text);
  assertWellFormed(lf, file);
  const warnings: Warning[] = [];
  let chunks = findRecordElements(lf, ['PubmedArticle', 'PubmedBookArticle']);
  if (chunks.length === 0) chunks = findRecordElements(lf, ['MedlineCitation']);
  const records = chunks.map((c) => pubmedChunkToRecord(c, file, warnings));
  warnings.sort((a, b) => a.line - b.line);
  return { format: 'pubmed-xml', dialect: 'pubmed', records, warnings };
}

export const pubmedXmlReader: FormatReader = {
  name: 'pubmed-xml',
  sniff: sniffPubmedXml,
  parse: parsePubmedXml,
};
