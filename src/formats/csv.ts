/**
 * CSV and TSV exports (comma, semicolon or tab), read through one header-alias table:
 * the header names vendors use for the same field all lead to one ParsedRecord field.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { inputError } from '../errors.js';
import { RawFields, type ParsedRecord, type ParseResult, type Warning } from '../model/record.js';
import {
  cleanDoi,
  cleanText,
  combineDocType,
  docTypeFromString,
  extractYear,
  findDoiInText,
  isNoPagination,
  nonEmpty,
  parseAuthorList,
  rawHash,
  splitAuthorCell,
  splitKeywords,
  splitPages,
  tidyRecord,
} from './normalize-fields.js';
import type { FormatReader } from './types.js';

type CsvField =
  | 'title'
  | 'authors'
  | 'year'
  | 'journal'
  | 'abstract'
  | 'doi'
  | 'keywords'
  | 'type'
  | 'language'
  | 'accession'
  | 'url'
  | 'volume'
  | 'issue'
  | 'pages'
  | 'startPage'
  | 'endPage'
  | 'links';

/**
 * Header aliases per field, in order of preference (when an export has two, the earlier alias
 * wins; keyword columns are all merged). Matching ignores case, spaces and punctuation, so
 * "Author(s)", "Author/s" and "authors" are one name.
 */
export const CSV_HEADER_ALIASES: Record<CsvField, string[]> = {
  title: ['Title', 'TI', 'Primary Title', 'Article Title', 'Document Title', 'Item Title', 'Title Primary', 'Display Name'],
  authors: ['Authors', 'Author(s)', 'AU', 'Author', 'Author Names', 'Authors, Primary', 'A1'],
  year: ['Year', 'Publication Year', 'PY', 'Published Year', 'Pub Year', 'Date', 'Publication Date', 'Date Published', 'Date of Publication'],
  journal: [
    'Journal',
    'Journal Title',
    'Source Title',
    'Publication Title',
    'Source',
    'JF',
    'Publication',
    'Journal/Book',
    'Journal Name',
    'Periodical Full',
    'T2',
  ],
  abstract: ['Abstract', 'AB', 'Abstract Note', 'N2'],
  doi: ['DOI', 'DO', 'Item DOI'],
  keywords: ['Keywords', 'Subject Terms', 'Author Keywords', 'KW', 'Subjects', 'Index Keywords', 'MeSH Terms'],
  type: ['Document Type', 'Publication Type', 'Type', 'TY', 'Doctype', 'Item Type', 'Reference Type', 'Content Type'],
  language: ['Language', 'LA', 'Language of Original Document'],
  accession: ['Accession Number', 'AN', 'Record ID', 'Accession', 'ID', 'CENTRAL ID', 'PMID', 'EID', 'Lens ID'],
  url: ['URL', 'Link', 'UR', 'PLink', 'Url'],
  volume: ['Volume', 'VL', 'Journal Volume'],
  issue: ['Issue', 'IS', 'Number', 'Issue Number', 'Journal Issue'],
  pages: ['Pages', 'Page', 'Page Range'],
  startPage: ['Start Page', 'Page Start', 'First Page', 'SP', 'Beginning Page'],
  endPage: ['End Page', 'Page End', 'Last Page', 'EP', 'Ending Page'],
  // Link-resolver and full-text links: read only for a DOI when no DOI column has one (Embase.com
  // puts the DOI only into "Open URL Link" ...&id=doi:10.4103%2F2303-9027.138783&... in older exports).
  links: ['Full Text Link', 'Open URL Link', 'OpenURL'],
};

const FIELDS = Object.keys(CSV_HEADER_ALIASES) as CsvField[];

/** "Author(s)" → "authors", "Publication Year" → "publicationyear", "\uFEFFTitle" → "title". */
export function normalizeHeader(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

const ALIAS_RANK = new Map<string, { field: CsvField; rank: number }>();
for (const field of FIELDS) {
  CSV_HEADER_ALIASES[field].forEach((alias, rank) => {
    const key = normalizeHeader(alias);
    if (!ALIAS_RANK.has(key)) ALIAS_RANK.set(key, { field, rank });
  });
}
const TITLE_KEYS = new Set(CSV_HEADER_ALIASES.title.map(normalizeHeader));

/** The Social Care Online export layout (our documented layout for SCO; Excel-saved). */
export const SOCIAL_CARE_ONLINE_HEADER =
  'Accession Number,Title,Authors,Publication Year,Source,Volume,Issue,Pages,DOI,Abstract,Subject Terms,Document Type,Language,URL';

/** Dialects recognised from the header (normalised names) or the text; informational only. */
const CSV_DIALECT_SIGNS: [string, (headerKeys: Set<string>, head: string) => boolean][] = [
  ['social-care-online', (_k, head) => firstLine(head).replace(/^\uFEFF/, '').replace(/"/g, '').trim() === SOCIAL_CARE_ONLINE_HEADER],
  ['ebsco', (k, head) => k.has('plink') || /ebscohost\.com/.test(head) || /(?:^|[,;\t])="/m.test(head)],
  ['embase', (k, head) => /^"?SEARCH QUERY"?[,;]/.test(head.replace(/^\uFEFF/, '')) || k.has('emtreemedicalindexterms')],
  ['scopus', (k) => k.has('eid') || k.has('authorsid')],
  ['cochrane', (k) => k.has('centralid')],
  ['pubmed', (k) => k.has('pmid') && k.has('citation')],
  ['zotero', (k) => k.has('itemtype') && k.has('key')],
  ['covidence', (k) => k.has('covidence')],
];

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl === -1 ? text : text.slice(0, nl).replace(/\r$/, '');
}

export interface CsvHeaderGuess {
  delimiter: ',' | ';' | '\t';
  /** 1-based physical line of the header row (Embase writes a search-query preamble first). */
  headerLine: number;
}

/** Split a header line naively (headers rarely hold quoted delimiters); enough to find the header. */
function naiveCells(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((c) => c.trim().replace(/^="?|"$/g, '').replace(/^"/, ''));
}

/**
 * Find the header row: the first of the first 30 lines that, split on a candidate delimiter,
 * has a title-like column. The delimiter giving the most columns wins.
 */
export function findCsvHeader(text: string): CsvHeaderGuess | undefined {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let lineNo = 1; lineNo <= 30 && pos < text.length; lineNo++) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    const line = text.slice(pos, nl).replace(/\r$/, '');
    pos = nl + 1;
    let best: CsvHeaderGuess | undefined;
    let bestCount = 0;
    for (const delimiter of ['\t', ',', ';'] as const) {
      if (line.indexOf(delimiter) === -1 && line.trim().length > 40) continue;
      const cells = naiveCells(line, delimiter);
      // A one-column "table" must be headed by a plain word ("Title"), not a tag like "TI-"
      // from a tagged format no other reader claimed.
      if (cells.length === 1 && !/^[A-Za-z][A-Za-z ]*$/.test(cells[0])) continue;
      if (cells.some((c) => TITLE_KEYS.has(normalizeHeader(c))) && cells.length > bestCount) {
        best = { delimiter, headerLine: lineNo };
        bestCount = cells.length;
      }
    }
    if (best) return best;
  }
  return undefined;
}

/** A delimited-looking first line (for the "no title column" error when no reader claims a file). */
export function looksDelimited(text: string): ',' | ';' | '\t' | undefined {
  const line = firstLine(text.replace(/^\uFEFF/, ''));
  let best: ',' | ';' | '\t' | undefined;
  let bestCount = 0;
  for (const d of ['\t', ',', ';'] as const) {
    const n = line.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/**
 * A database's record id inside a record link, for spreadsheets with no accession column:
 * `…docview/2214991469…`, `…?AN=176404503&…`, `…/record/1234567`. Only ids that hold a digit and
 * nothing but letters, digits, '-', '_' and '.' count, so a link to a generic page never becomes an id.
 */
export function accessionFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const query = /[?&](?:AN|an|id|ID|docid|recordid|record_id)=([^&#\s]+)/.exec(url);
  if (query && /\d/.test(query[1]) && /^[\w.-]+$/.test(query[1])) return query[1];
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (/^https?:/i.test(url) && last !== '' && /\d/.test(last) && /^[\w.-]+$/.test(last) && !/\.(html?|aspx?|php|pdf)$/i.test(last)) return last;
  return undefined;
}

/** What Embase.com's "Source" cell says about where a record was published. */
export interface EmbaseSource {
  journal: string;
  year: number;
  volume?: string;
  issue?: string;
  startPage?: string;
  endPage?: string;
}

/**
 * Embase.com's citation cell, in the shapes its CSV exports write:
 *   "Endoscopic Ultrasound (2014) 3:3 (152-160). Date of Publication: 2014"      volume:issue (pages)
 *   "Int J Surg Case Rep (2019) 54 (83-86). Date of Publication: 1 Jan 2019"     no issue
 *   "Nature Communications (2024) 15:1 Article Number: 4063. Date of ..."        article number
 *   "PLoS ONE (2024) 19:1 January Article Number: e0292318. Date of ..."         issue month
 *   "Anatomical Record (2024). Date of Publication: 2024"                        ahead of print
 * The journal is everything before the first "(year)". Long cells are not citations and are not tried.
 */
const EMBASE_SOURCE_RE =
  /^(.+?)\s+\((\d{4})\)(?:\s+([^\s:().]+)(?::([^\s().]+))?)?(?:\s+[A-Z][a-z]+)?(?:\s+\(([^()]*)\))?(?:\s+Article Number:\s*(\S+?))?\.?\s*(?:Date of Publication:.*)?$/;

export function parseEmbaseSource(cell: string | undefined): EmbaseSource | undefined {
  if (!cell || cell.length > 500) return undefined;
  const m = EMBASE_SOURCE_RE.exec(cell.replace(/\s+/g, ' ').trim());
  if (!m) return undefined;
  const out: EmbaseSource = { journal: m[1].trim(), year: Number(m[2]) };
  if (m[3] !== undefined) out.volume = m[3];
  if (m[4] !== undefined) out.issue = m[4];
  const pages = splitPages(m[5] ?? m[6]);
  if (pages.startPage !== undefined) out.startPage = pages.startPage;
  if (pages.endPage !== undefined) out.endPage = pages.endPage;
  return out;
}

/**
 * A row after the header that is not a record, and why; undefined for a record. Exports end or
 * divide their records with rows that describe them: a summary ("Total: 123"), a section heading
 * (abstrackr writes "citations that are not yet labeled by anyone" into its id column between
 * the labelled and the unlabelled citations), the header again (files pasted together). Their
 * sign: a single filled cell that reads as a summary, or no value in any column a record is read
 * from (title, authors, abstract, DOI, ... — `fieldColumns`).
 */
const SUMMARY_ROW_RE = /^(?:totals?|count|(?:number of )?(?:records|results|references|citations|items|rows)(?: found| exported)?|n)\s*[:=]\s*\d[\d,. ]*$/i;

function notARecord(cells: readonly string[], header: readonly string[], fieldColumns: ReadonlySet<number>): string | undefined {
  const filled: number[] = [];
  for (let i = 0; i < cells.length; i++) if (cells[i] !== '') filled.push(i);
  const quote = (v: string): string => JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v).replace(/[\x00-\x1f\x7f]/g, '');
  if (filled.length === 1 && SUMMARY_ROW_RE.test(cells[filled[0]])) return `a summary line (${quote(cells[filled[0]])})`;
  if (header.length > 1 && filled.length === header.length && filled.every((i) => normalizeHeader(cells[i]) === normalizeHeader(header[i]))) {
    return 'the header row again';
  }
  if (!filled.some((i) => fieldColumns.has(i))) {
    const where = filled.length === 1 ? ` in column ${quote(header[filled[0]] ?? `column ${filled[0] + 1}`)}` : '';
    return `only ${filled.map((i) => quote(cells[i])).slice(0, 3).join(', ')}${where}, no field of a record`;
  }
  return undefined;
}

/**
 * EBSCO wraps numbers so Excel keeps leading zeros: `="19326203"` → `19326203`. A spreadsheet-safe
 * writer (litscreen's own, src/report/spreadsheet.ts) puts an apostrophe before a cell that would
 * read as a formula (`'-ing forms`, `'=SUM(…)`): exactly that apostrophe goes again.
 */
function cleanCell(cell: string): string {
  const raw = cell.charCodeAt(0) === 39 /* ' */ && /^''?[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
  const s = raw.trim();
  if (s.length >= 3 && s.charCodeAt(0) === 61 /* = */ && s.charCodeAt(1) === 34 && s.endsWith('"')) {
    return s.slice(2, -1).replace(/""/g, '"').trim();
  }
  return s;
}

function countNewlines(s: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1 && i < end; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A lone CR (not before an LF) ends a row, as it does in a spreadsheet and in old Mac exports that
 * end every line with one. In a file whose lines mostly end with LF or CRLF, though, a lone CR is as
 * likely a stray one that splits a row in two: the lines (1-based, each CR, CRLF and LF ending one)
 * that end at such a CR, so the row ending there is warned about. Undefined when there are none, or
 * when lone CRs are the file's line ends. Linear: exports run to 100 MB.
 */
function strayLoneCrLines(text: string): Set<number> | undefined {
  if (text.indexOf('\r') === -1 || text.indexOf('\n') === -1) return undefined;
  const lone: number[] = [];
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text.charCodeAt(i + 1) !== 10) lone.push(i);
  if (lone.length === 0) return undefined;
  let lineFeeds = 0;
  for (let j = text.indexOf('\n'); j !== -1 && lineFeeds <= lone.length; j = text.indexOf('\n', j + 1)) lineFeeds++;
  if (lone.length >= lineFeeds) return undefined;
  const lines = new Set<number>();
  let line = 1;
  let nextLf = text.indexOf('\n');
  for (const cr of lone) {
    while (nextLf !== -1 && nextLf < cr) {
      line++;
      nextLf = text.indexOf('\n', nextLf + 1);
    }
    lines.add(line);
    line++;
  }
  return lines;
}

interface CsvRow {
  record: string[];
  raw: string;
  info: { lines: number };
}

function parseDelimited(text: string, file: string, format: 'csv' | 'tsv'): ParseResult {
  const titleAliases = CSV_HEADER_ALIASES.title.join(', ');
  // The header decides the delimiter, whatever the file is called.
  const guess = findCsvHeader(text);
  if (!guess) {
    throw inputError(`no column can hold the title (looked for ${titleAliases})`, { file, line: 1 });
  }

  // Cells keep LF line breaks; counting physical lines is then one rule for every file.
  const lf = text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
  const loneCrLines = strayLoneCrLines(text);
  let rows: CsvRow[];
  try {
    rows = parse(lf, {
      bom: true,
      delimiter: guess.delimiter,
      from_line: guess.headerLine,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      info: true,
      raw: true,
    }) as unknown as CsvRow[];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as unknown as { lines?: number }).lines;
      throw inputError(`not a readable ${format.toUpperCase()} file: ${err.message}`, { file, line: line ?? 1 });
    }
    throw err;
  }
  if (rows.length === 0) throw inputError(`no column can hold the title (looked for ${titleAliases})`, { file, line: 1 });

  const header = rows[0].record.map((h) => h.replace(/^\uFEFF/, '').trim());
  const headerKeys = new Set(header.map(normalizeHeader));
  // For each field, the column of its best-ranked alias; keywords take every keyword column.
  const column = new Map<CsvField, number>();
  const bestRank = new Map<CsvField, number>();
  const keywordColumns: number[] = [];
  const linkColumns: number[] = [];
  header.forEach((h, i) => {
    const hit = ALIAS_RANK.get(normalizeHeader(h));
    if (!hit) return;
    if (hit.field === 'keywords') keywordColumns.push(i);
    if (hit.field === 'links') linkColumns.push(i);
    const prev = bestRank.get(hit.field);
    if (prev === undefined || hit.rank < prev) {
      bestRank.set(hit.field, hit.rank);
      column.set(hit.field, i);
    }
  });
  const titleCol = column.get('title');
  if (titleCol === undefined) {
    throw inputError(`no column can hold the title (looked for ${titleAliases})`, { file, line: guess.headerLine });
  }

  // The columns a record is read from; a row with nothing in any of them is not a record.
  const fieldColumns = new Set<number>([...column.values(), ...keywordColumns, ...linkColumns]);
  // Embase.com (older exports) has no journal/year/volume/issue/pages columns, only "Source" with all of them.
  const sourceIsCitation = column.get('journal') !== undefined && normalizeHeader(header[column.get('journal')!]) === 'source';

  const head = lf.length > 8192 ? lf.slice(0, 8192) : lf;
  const dialect = CSV_DIALECT_SIGNS.find(([, sign]) => sign(headerKeys, head))?.[0] ?? 'generic';

  const records: ParsedRecord[] = [];
  const warnings: Warning[] = [];
  let dataRows = 0;
  for (let r = 1; r < rows.length; r++) {
    const { record: cells, raw: rawRow, info } = rows[r];
    const rawText = rawRow.endsWith('\n') ? rawRow.slice(0, -1) : rawRow;
    // info.lines is the row's last physical line; a quoted cell may span several.
    const line = info.lines - countNewlines(rawText, rawText.length);
    let empty = true;
    const clean: string[] = new Array(cells.length);
    for (let i = 0; i < cells.length; i++) {
      clean[i] = cleanCell(cells[i]);
      if (clean[i] !== '') empty = false;
    }
    if (empty) continue;
    dataRows++;
    if (loneCrLines?.has(info.lines)) {
      warnings.push({
        file,
        line: info.lines,
        message: 'this row ends at a lone carriage return (CR), unlike the line ends of the rest of the file; what follows it is read as a new row',
      });
    }
    const why = notARecord(clean, header, fieldColumns);
    if (why !== undefined) {
      warnings.push({ file, line, message: `not a record: ${why}; skipped` });
      continue;
    }

    const get = (field: CsvField): string | undefined => {
      const i = column.get(field);
      return i === undefined ? undefined : nonEmpty(clean[i]);
    };

    // Keys come from the file (a column or tag may be called __proto__ or constructor): no prototype.
    const raw: Record<string, string[]> = Object.create(null);
    for (let i = 0; i < clean.length; i++) {
      if (clean[i] === '') continue;
      const name = header[i] ?? `column ${i + 1}`;
      const list = raw[name];
      if (list) list.push(clean[i]);
      else raw[name] = [clean[i]];
    }

    const title = cleanText(get('title')) ?? '';
    if (title === '') warnings.push({ file, line, message: 'row has no title; kept' });

    const vendorType = get('type');
    const record: ParsedRecord = {
      source: { file, line },
      type: combineDocType(undefined, docTypeFromString(vendorType)),
      title,
      authors: parseAuthorList(splitAuthorCell(get('authors') ?? '')),
      keywords: [],
      raw: RawFields.fromObject(raw),
      // Hash of the row exactly as in the file (after CRLF→LF, so line-end style does not change ids).
      rawHash: rawHash(rawText),
    };
    if (vendorType !== undefined) record.rawType = vendorType;
    const source = sourceIsCitation ? parseEmbaseSource(get('journal')) : undefined;
    const year = extractYear(get('year')) ?? source?.year;
    if (year !== undefined) record.year = year;
    const journal = source?.journal ?? cleanText(get('journal'));
    if (journal !== undefined) record.journal = journal;
    const volume = get('volume') ?? source?.volume;
    if (volume !== undefined) record.volume = volume;
    const issue = get('issue') ?? source?.issue;
    if (issue !== undefined) record.issue = issue;
    let { startPage, endPage } = splitPages(get('pages'));
    startPage = get('startPage') ?? startPage ?? source?.startPage;
    endPage = get('endPage') ?? endPage ?? source?.endPage;
    if (!isNoPagination(startPage) && startPage !== undefined) record.startPage = startPage;
    if (!isNoPagination(endPage) && endPage !== undefined) record.endPage = endPage;
    const doiCell = get('doi');
    let doi = cleanDoi(doiCell) ?? findDoiInText(get('url'));
    for (let k = 0; doi === undefined && k < linkColumns.length; k++) doi = findDoiInText(clean[linkColumns[k]]);
    if (doi !== undefined) record.doi = doi;
    const abstract = cleanText(get('abstract'));
    if (abstract !== undefined) record.abstract = abstract;
    const seen = new Set<string>();
    for (const i of keywordColumns) {
      const cell = clean[i];
      if (!cell) continue;
      for (const k of splitKeywords(cell, true)) {
        if (!seen.has(k)) {
          seen.add(k);
          record.keywords.push(k);
        }
      }
    }
    const language = get('language');
    if (language !== undefined) record.language = language;
    const url = get('url');
    const accession = get('accession') ?? accessionFromUrl(url);
    if (accession !== undefined) record.accession = accession;
    if (url !== undefined) record.url = url;
    records.push(tidyRecord(record));
  }
  if (dataRows === 0) warnings.push({ file, line: guess.headerLine, message: 'header only; no records' });
  return { format, dialect, records, warnings };
}

export function parseCsv(text: string, file: string): ParseResult {
  return parseDelimited(text, file, 'csv');
}

export function parseTsv(text: string, file: string): ParseResult {
  return parseDelimited(text, file, 'tsv');
}

export const csvReader: FormatReader = {
  name: 'csv',
  sniff(text) {
    const g = findCsvHeader(text);
    return g !== undefined && g.delimiter !== '\t';
  },
  parse: parseCsv,
};

export const tsvReader: FormatReader = {
  name: 'tsv',
  sniff(text) {
    return findCsvHeader(text)?.delimiter === '\t';
  },
  parse: parseTsv,
};
