/**
 * Field helpers shared by every reader: author names, years, DOIs, document types,
 * markup removal and the raw-text hash. Pure functions, no IO.
 */
import { createHash, hash } from 'node:crypto';
import type { Author, DocType, Warning } from '../model/record.js';

// ---------------------------------------------------------------- raw hash

/**
 * Short, stable hash of an entry's raw text. Callers pass the text with CRLF/CR already turned
 * into LF, so the same export saved on Windows and on Unix yields the same ids.
 */
export function rawHash(rawText: string): string {
  // crypto.hash (Node ≥ 20.12) skips the Hash object: noticeably faster for many small inputs.
  return (typeof hash === 'function' ? hash('sha1', rawText, 'hex') : createHash('sha1').update(rawText).digest('hex')).slice(0, 12);
}

/** CRLF / lone CR → LF; returns the input unchanged (no copy) when it has no CR. */
export function toLf(text: string): string {
  return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
}

// ---------------------------------------------------------------- text cleanup

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  hellip: '…',
};

// Only things that look like real tags (<i>, </sup>, <br/>, <span class="x">), so that
// "p < 0.05 and q > 1" in an abstract survives.
const TAG_RE = /<\/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?\/?>/g;
const ENTITY_RE = /&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g;

/**
 * True when cleanText would return the value unchanged: no markup, no entity, no run of
 * whitespace, no leading/trailing space. One native regex test, no allocation: most titles and
 * abstracts are already clean, and keeping them as slices of the file's text saves memory.
 */
const NEEDS_CLEANING = /[\x00-\x1f<&\u00a0\u2028\u2029\ufeff]| {2}|^ | $/;
function isAlreadyClean(s: string): boolean {
  return s.length > 0 && !NEEDS_CLEANING.test(s);
}

/** Remove HTML/XML tags and decode entities; collapse whitespace (titles and abstracts are one paragraph for us). */
export function cleanText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (isAlreadyClean(value)) return value;
  let s = value;
  if (s.indexOf('<') !== -1) s = s.replace(TAG_RE, '');
  if (s.indexOf('&') !== -1) {
    s = s.replace(ENTITY_RE, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
  }
  s = s.replace(/\s+/g, ' ').trim();
  return s === '' ? undefined : s;
}

/** Trim; '' becomes undefined. */
export function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  return s === '' ? undefined : s;
}

// ---------------------------------------------------------------- year

const YEAR_RE = /(?<!\d)([12]\d{3})(?!\d)/;

/** First 4-digit 1xxx/2xxx number in the value ("2019//", "2014/05/", "4/3/2024", "2024-02-01"). */
export function extractYear(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = YEAR_RE.exec(value);
  return m ? Number(m[1]) : undefined;
}

// ---------------------------------------------------------------- DOI

const DOI_RE = /10\.\d{4,9}\/[^\s"<>]+/;
/** In URLs a DOI ends at the next query-string separator. */
const DOI_IN_URL_RE = /10\.\d{4,9}(?:\/|%2[fF])[^\s"<>&?#]+/;

function finishDoi(found: string): string | undefined {
  let d = found;
  if (d.indexOf('%') !== -1) {
    try {
      d = decodeURIComponent(d);
    } catch {
      /* keep as is: not valid percent-encoding */
    }
  }
  d = d.replace(/[.,;:)\]}'"]+$/, '');
  // A DOI that opened a bracket keeps its closing bracket (10.1016/S0889-8553(01)00002-4).
  if (found.endsWith(')') && d.split('(').length > d.split(')').length) d += ')';
  return d.length > 8 ? d.toLowerCase() : undefined;
}

/**
 * A DOI from a DOI field: strips `https://doi.org/`, `http://dx.doi.org/`, `doi:` and trailing
 * punctuation, and lower-cases it (DOIs are case-insensitive). undefined when no DOI is found.
 */
export function cleanDoi(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const s = value.trim().replace(/^(?:https?:\/\/)?(?:dx\.)?doi\.org\//i, '').replace(/^doi:\s*/i, '');
  const m = DOI_RE.exec(s);
  if (!m) return undefined;
  return finishDoi(m[0]);
}

/** A DOI hidden in a URL or free text (ProQuest L2/UR/N1, EBSCO L3, Scopus UR `doi=10.1038%2f...`). */
export function findDoiInText(value: string | undefined): string | undefined {
  if (!value || value.indexOf('10.') === -1) return undefined;
  const m = DOI_IN_URL_RE.exec(value);
  return m ? finishDoi(m[0]) : undefined;
}

// ---------------------------------------------------------------- authors

const PARTICLES = new Set(['van', 'von', 'de', 'der', 'den', 'da', 'das', 'del', 'della', 'di', 'du', 'dos', 'la', 'le', 'ten', 'ter', 'vander', 'st.']);
/** "M", "M.", "L.N.", "DK", "J.-P." — an initials token (upper-case letters with optional dots/hyphens). */
const INITIALS_RE = /^(?:\p{Lu}[.\-]?){1,3}\.?$/u;

/**
 * One author name as exported: "Webber, Martin", "Webber, M.", "van Doorn, L.", "Martin Webber",
 * "Griffin DK", "Wilson L.N.". Returns undefined for an empty name.
 */
export function parseAuthorName(name: string): Author | undefined {
  // A trailing comma is RIS's way to say "family name only" (corporate authors, as our writers emit them).
  const familyOnly = /,\s*$/.test(name);
  const s = name.replace(/\s+/g, ' ').replace(/^[\s,;]+|[\s,;]+$/g, '');
  if (s === '') return undefined;
  if (familyOnly || CORPORATE_AUTHOR_RE.test(s)) return { family: s, given: '' };
  const comma = s.indexOf(',');
  if (comma !== -1) {
    const given = s.slice(comma + 1).trim();
    // RefWorks writes a missing given name as "null".
    return { family: s.slice(0, comma).trim(), given: given === 'null' ? '' : given };
  }
  const tokens = s.split(' ');
  if (tokens.length === 1) return { family: s, given: '' };
  // "Griffin DK", "Brownstein C D": trailing initials are the given names.
  let cut = tokens.length;
  while (cut > 1 && INITIALS_RE.test(tokens[cut - 1])) cut--;
  if (cut < tokens.length) {
    return { family: tokens.slice(0, cut).join(' '), given: tokens.slice(cut).join(' ') };
  }
  // "Martin Webber", "Lisa van Doorn": last word is the family name, with its particles.
  let start = tokens.length - 1;
  while (start > 1 && PARTICLES.has(tokens[start - 1].toLowerCase())) start--;
  return { family: tokens.slice(start).join(' '), given: tokens.slice(0, start).join(' ') };
}

/** Group authors ("Acne Study Group", "Alzheimer's Disease Neuroimaging Initiative") are not "Given Family". */
const CORPORATE_AUTHOR_RE =
  /^[^,]*\b(?:group|initiative|consortium|collaborat\w*|committee|association|organi[sz]ation|society|institute|council|network|team|investigators|department|university|agency|foundation|trust|office|board|centre|center|alliance|coalition|working party|task force)\b[^,]*$/i;

/**
 * Author names from tag values where one value may hold several names (one per line, or
 * ';'-separated as some tools write them). `clean` tidies a name before parsing (WoS appends
 * e-mail addresses).
 */
export function authorsFromValues(values: readonly string[], separator: RegExp = /[\n;]/, clean?: (name: string) => string): Author[] {
  const out: Author[] = [];
  for (const v of values) {
    for (const name of v.split(separator)) {
      const a = parseAuthorName(clean ? clean(name) : name);
      if (a) out.push(a);
    }
  }
  return out;
}

/** The warning every reader gives for a record it keeps although it has no title. */
export function noTitleWarning(file: string, line: number): Warning {
  return { file, line, message: `record starting at line ${line} has no title; kept` };
}

/** Each name of a list already split into one name per element. */
export function parseAuthorList(names: readonly string[]): Author[] {
  const out: Author[] = [];
  for (const n of names) {
    const a = parseAuthorName(n);
    if (a) out.push(a);
  }
  return out;
}

const SURNAME_INITIALS_RE = /^\S.*\s(?:\p{Lu}[.\-]?){1,4}\.?$/u;

/** `['Marx, Karl', 'Lindgren, Astrid']` (a Python list written into a CSV cell) → its strings. */
export function listLiteralItems(cell: string): string[] | undefined {
  const s = cell.trim();
  if (s.length < 2 || s[0] !== '[' || s[s.length - 1] !== ']') return undefined;
  const items: string[] = [];
  const re = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(s); m; m = re.exec(s)) items.push((m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
  return items;
}

/**
 * Split an author cell holding several names: on ';' when present, else on '|', else on ' and ',
 * else on ',' when the comma-separated parts are whole names — every part "Surname Initials"
 * (PubMed/Embase CSV: "Griffin DK, Larkin DM" / "Yang Z., Jiang B."), or three or more parts
 * of two or more words each (IEEE: "Joseph Rottman, Erran Carmel, Mary Lacity").
 * Otherwise the cell is one name ("Webber, Martin").
 */
export function splitAuthorCell(cell: string): string[] {
  const s = cell.trim();
  if (s === '') return [];
  const list = listLiteralItems(s);
  if (list) return list;
  if (s.indexOf(';') !== -1) return s.split(';');
  if (s.indexOf('|') !== -1) return s.split('|');
  if (/\sand\s/i.test(s)) return s.split(/\s+and\s+/i);
  if (s.indexOf(',') !== -1) {
    const parts = s.split(',').map((p) => p.trim()).filter((p) => p !== '');
    if (parts.length > 1 && parts.every((p) => SURNAME_INITIALS_RE.test(p))) return parts;
    if (parts.length > 2 && parts.every((p) => p.indexOf(' ') !== -1)) return parts;
  }
  return [s];
}

/** Split on commas outside parentheses ("cyst (diagnosis, surgery), article"). */
function splitCommasOutsideParens(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && depth > 0) depth--;
    else if (c === 44 && depth === 0) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/**
 * Split keywords: on ';' and line breaks (RIS continuation lines of KW are separate keywords,
 * as Rayyan writes them); with `commaFallback`, on commas outside parentheses when there is
 * neither (abstrackr, Embase CSV). A leading '*' (Ovid/PsycINFO/Cochrane major heading) is
 * dropped; the raw field keeps it.
 */
export function splitKeywords(value: string, commaFallback = false): string[] {
  const list = commaFallback ? listLiteralItems(value) : undefined;
  const parts = list
    ? list
    : value.indexOf(';') !== -1 || value.indexOf('\n') !== -1
      ? value.split(/[;\n]/)
      : commaFallback
        ? splitCommasOutsideParens(value)
        : [value];
  const out: string[] = [];
  for (const p of parts) {
    let k = p.replace(/\s+/g, ' ').trim();
    if (k.charCodeAt(0) === 42 /* * */) k = k.slice(1).trim();
    if (k !== '') out.push(k);
  }
  return out;
}

// ---------------------------------------------------------------- document types

/** RIS TY codes → our DocType. Unknown codes fall back to docTypeFromString on the code itself. */
export const RIS_TYPE_TABLE: Record<string, DocType> = {
  JOUR: 'journal-article',
  JFULL: 'journal-article',
  EJOUR: 'journal-article',
  MGZN: 'journal-article',
  NEWS: 'journal-article',
  INPR: 'journal-article',
  BOOK: 'book',
  EBOOK: 'book',
  EDBOOK: 'book',
  CHAP: 'chapter',
  ECHAP: 'chapter',
  THES: 'thesis',
  CONF: 'conference',
  CPAPER: 'conference',
  ABST: 'conference',
  RPRT: 'report',
  GOVDOC: 'report',
  STAND: 'report',
};

/**
 * Vendor type strings ("Erratum", "Scholarly Journals", "Book Review", "Dissertation",
 * "Conference Abstract", "Journal article") → DocType. Order matters: "Erratum to review ..."
 * is an erratum, "Book Review" is commentary, not a literature review.
 */
const TYPE_PATTERNS: [RegExp, DocType][] = [
  [/errat|correction|corrigend|retraction|expression of concern/i, 'erratum'],
  [/book review|review of book|comment|reply|letter|editorial|opinion|^note$|commentary|viewpoint/i, 'editorial'],
  [/review|meta-?analy/i, 'review'],
  [/dissertation|thes[ie]s|doctoral|ph\.?\s?d|ed\.?\s?d\b|master/i, 'thesis'],
  [/conference|proceeding|congress|symposium|meeting|abstract|cpaper/i, 'conference'],
  [/chapter|section/i, 'chapter'],
  [/book|monograph/i, 'book'],
  [/report|working paper|technical|government|grey|gray|standard/i, 'report'],
  [/journal|article|periodical|scholarly|magazine|newspaper|trade|jour/i, 'journal-article'],
];

export function docTypeFromString(value: string | undefined): DocType | undefined {
  if (!value) return undefined;
  const s = value.trim();
  if (s === '') return undefined;
  const code = RIS_TYPE_TABLE[s.toUpperCase()];
  if (code) return code;
  for (const [re, type] of TYPE_PATTERNS) if (re.test(s)) return type;
  return undefined;
}

/** Types that say more than "it is in a journal": a vendor string saying these overrides TY JOUR. */
const SPECIFIC_TYPES = new Set<DocType>(['erratum', 'editorial', 'review', 'thesis', 'conference', 'report', 'chapter', 'book']);

/**
 * Combine the format's own type (RIS TY) with a vendor type string (ProQuest/EBSCO M3, CSV
 * "Document Type"): the vendor string wins when it is more specific than a generic journal/other
 * type, or when it names an erratum, editorial or review.
 */
export function combineDocType(base: DocType | undefined, vendor: DocType | undefined): DocType {
  if (!vendor) return base ?? 'other';
  if (!base || base === 'other') return vendor;
  if (vendor === 'erratum' || vendor === 'editorial' || vendor === 'review') return vendor;
  if (base === 'journal-article' && SPECIFIC_TYPES.has(vendor)) return vendor;
  return base;
}

// ---------------------------------------------------------------- pages

/** "739-751", "739–751", "e0815" → start/end. */
export function splitPages(value: string | undefined): { startPage?: string; endPage?: string } {
  const s = nonEmpty(value);
  if (!s) return {};
  const m = /^\s*([^\s\-–—]+)\s*[-–—]+\s*([^\s\-–—]+)\s*$/.exec(s);
  if (m) return { startPage: m[1], endPage: m[2] };
  return { startPage: s };
}

/** Ovid writes "No pagination specified" as SP "No" / EP "Specified" (or the whole phrase). */
export function isNoPagination(value: string | undefined): boolean {
  if (!value) return false;
  const s = value.trim().toLowerCase();
  return s === 'no' || s === 'specified' || s === 'no pagination specified' || s === 'pagination';
}
