/**
 * Field helpers shared by every reader: missing-value placeholders, author names, years, DOIs,
 * document types, pages, volume/issue, markup removal and the raw-text hash; and tidyRecord, the
 * last step of every reader. Pure functions, no IO.
 */
import { createHash, hash } from 'node:crypto';
import type { Author, DocType, ParsedRecord, Warning } from '../model/record.js';

// ---------------------------------------------------------------- missing values

/** Field words that placeholders like "[No abstract available]" name. */
const FIELD_WORDS = 'abstract|title|pagination|pages?|volume|issue|doi|date|authors?|data|information|info|value|details|keywords?|journal|source|year';
const NOT_GIVEN_WORDS = 'available|specified|provided|given|applicable|recorded|supplied|listed';

/**
 * What exports write where a value is missing, and where each comes from. A pattern matches the
 * WHOLE trimmed value, never part of one ("N-acetylcysteine", "NA-rich diet", "Null models ..."
 * survive), and the case is as the tools write it: "Na", "Nan" and "None" can be real names, but
 * no tool's missing value is spelt "Na". Dropping a placeholder loses nothing: `raw` keeps the cell.
 */
export const MISSING_VALUE_PATTERNS: readonly { pattern: RegExp; writtenBy: string }[] = [
  { pattern: /^(?:NA|N\/A|n\/a|N\/a|N\.A\.|n\.a\.|#N\/A)$/, writtenBy: 'R (NA), Excel (#N/A), people ("n/a")' },
  { pattern: /^(?:null|NULL|Null|nil|NIL|None|none|NONE|undefined|nan|NaN|NAN)$/, writtenBy: 'databases, Python/pandas ("nan", as in ASReview\'s baseline_zotero.ris), JavaScript' },
  { pattern: /^[-\u2010-\u2015\u2212_.?]+$/, writtenBy: 'a run of dashes, dots or question marks for "nothing here" ("-", "--", "—", "?")' },
  {
    pattern: new RegExp(`^[\\[(]?\\s*(?:no|not)\\s+(?:(?:${FIELD_WORDS})\\s+)?(?:${NOT_GIVEN_WORDS})\\s*[\\])]?\\.?$`, 'i'),
    writtenBy: 'Scopus/Embase "[No abstract available]", Ovid "[Not Available]", "No pagination specified"',
  },
  {
    pattern: new RegExp(`^[\\[(]?\\s*(?:${FIELD_WORDS})\\s+(?:is\\s+)?not\\s+(?:${NOT_GIVEN_WORDS})\\s*[\\])]?\\.?$`, 'i'),
    writtenBy: '"Abstract not available", "[Title not available]"',
  },
  { pattern: new RegExp(`^[\\[(]?\\s*no\\s+(?:${FIELD_WORDS})\\s*[\\])]?\\.?$`, 'i'), writtenBy: '"No abstract", "[no title]"' },
];

/** Longest placeholder we recognise; longer values are never tested (titles and abstracts are). */
const MAX_PLACEHOLDER_LENGTH = 48;

/** True when the (untrimmed) value is empty or a placeholder for a missing value (MISSING_VALUE_PATTERNS). */
export function isMissingValue(value: string): boolean {
  const s = value.trim();
  if (s === '') return true;
  if (s.length > MAX_PLACEHOLDER_LENGTH) return false;
  // Every placeholder but a run of dashes/dots has an n or N ("NA", "null", "no abstract", "not
  // available"): years, pages, volumes and most names are ruled out without trying six regexes.
  if (s.indexOf('n') === -1 && s.indexOf('N') === -1) return DASHES_ONLY.test(s);
  // Past the longest one-word placeholder ("undefined"), every pattern says "no" or "not": journal
  // names, keywords and author names are ruled out by one literal search instead of six regexes.
  if (s.length > LONGEST_ONE_WORD_PLACEHOLDER && !SAYS_NO.test(s)) return false;
  for (const { pattern } of MISSING_VALUE_PATTERNS) if (pattern.test(s)) return true;
  return false;
}

const LONGEST_ONE_WORD_PLACEHOLDER = 'undefined'.length;
const SAYS_NO = /no/i;

/** The one MISSING_VALUE_PATTERNS entry without an n or N (tests/formats/normalize-fields.test.ts checks that). */
export const DASHES_ONLY = MISSING_VALUE_PATTERNS[2].pattern;

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

/**
 * Only the whitespace runs that are not already one space: a run starting with a space and
 * longer than it, or a run starting with another whitespace character. `replace(WHITESPACE_TO_FIX,
 * ' ')` gives what `replace(/\s+/g, ' ')` gives, without rewriting every gap between two words
 * (that was 4% of an import) and without a copy when nothing needs changing.
 */
const WHITESPACE_TO_FIX = / \s+|[^\S ]\s*/g;

/** Every run of whitespace (`\s`) as one space, as `value.replace(/\s+/g, ' ')`. */
export function collapseWhitespace(value: string): string {
  return value.replace(WHITESPACE_TO_FIX, ' ');
}

/** The characters `\s` matches and String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
export function isWhitespaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

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
const NEEDS_CLEANING = /[\x00-\x1f<&\u00a0\u2028\u2029\ufeff]| {2}/;
function isAlreadyClean(s: string): boolean {
  // The edges by hand: `^ | $` in the regex made it try both at every position (8% of an import).
  return s.length > 0 && s.charCodeAt(0) !== 32 && s.charCodeAt(s.length - 1) !== 32 && !NEEDS_CLEANING.test(s);
}

/**
 * Remove HTML/XML tags and decode entities; collapse whitespace (titles and abstracts are one
 * paragraph for us). A placeholder ("NA", "[No abstract available]") is undefined.
 */
export function cleanText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (isAlreadyClean(value)) return isMissingValue(value) ? undefined : value;
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
  s = collapseWhitespace(s).trim();
  return isMissingValue(s) ? undefined : s;
}

/** Trim; '' and placeholders for a missing value ("NA", "-", "null": MISSING_VALUE_PATTERNS) become undefined. */
export function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  return isMissingValue(s) ? undefined : s;
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
  let last = name.length - 1;
  while (last >= 0 && isWhitespaceCode(name.charCodeAt(last))) last--;
  const familyOnly = last >= 0 && name.charCodeAt(last) === 44; /* , */
  const s = trimNamePunctuation(collapseWhitespace(name));
  if (isMissingValue(s)) return undefined;
  // CORPORATE_AUTHOR_RE holds no comma, so "Family, Given" (most names) skips it.
  if (familyOnly || (s.indexOf(',') === -1 && CORPORATE_AUTHOR_RE.test(s))) return { family: s, given: '' };
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

/**
 * Spaces, commas and semicolons cut from both ends, as `replace(/^[\s,;]+|[\s,;]+$/g, '')` on a
 * text whose whitespace was collapsed to single spaces (a regex with `^ | $` alternatives tries
 * both at every position).
 */
function trimNamePunctuation(s: string): string {
  const isCut = (c: number) => c === 32 || c === 44 || c === 59;
  let start = 0;
  let end = s.length;
  while (start < end && isCut(s.charCodeAt(start))) start++;
  while (end > start && isCut(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
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
    let k = collapseWhitespace(p).trim();
    if (k.charCodeAt(0) === 42 /* * */) k = k.slice(1).trim();
    if (!isMissingValue(k)) out.push(k);
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

/** Hyphen, the Unicode hyphens and dashes (Cochrane writes U+2010), and the minus sign. */
const PAGE_RANGE_RE = /^\s*([^\s\-\u2010-\u2015\u2212]+)\s*[-\u2010-\u2015\u2212]+\s*([^\s\-\u2010-\u2015\u2212]+)\s*$/;
const PAGE_NUMBER_RE = /^(\D*)(\d+)$/;

/**
 * The end page of a range written the way printed citations abbreviate it: the digits that repeat
 * the start page are left out ("221-8" ends at 228, "1021-35" at 1035, "S12-4" at S14). Only
 * when both ends are a number with the same (or no) letter prefix, the end has fewer digits, and
 * the filled-in end does not come before the start; anything else ("e123-e130", "xii-xv",
 * article numbers, "229-1") is returned as written.
 */
export function expandPageEnd(start: string, end: string): string {
  const sm = PAGE_NUMBER_RE.exec(start);
  const em = PAGE_NUMBER_RE.exec(end);
  if (!sm || !em) return end;
  if (em[1] !== '' && em[1] !== sm[1]) return end;
  if (em[2].length >= sm[2].length) return end;
  const full = sm[2].slice(0, sm[2].length - em[2].length) + em[2];
  if (Number(full) < Number(sm[2])) return end;
  return sm[1] + full;
}

/** "739-751", "739–751", "221-8" (→ 221/228), "e0815" → start/end; placeholders ("-", "NA") → {}. */
export function splitPages(value: string | undefined): { startPage?: string; endPage?: string } {
  const s = nonEmpty(value);
  if (!s) return {};
  const m = PAGE_RANGE_RE.exec(s);
  if (m) return { startPage: m[1], endPage: expandPageEnd(m[1], m[2]) };
  return { startPage: s };
}

// ---------------------------------------------------------------- volume and issue

const SUPPLEMENT_WORD = '(?:supplement|suppl|supp|sup)(?![a-z])\\.?';
/** An issue that is (or ends in) a supplement: "Supplement 1", "Suppl. 2", "sup1", "4 Suppl 1", "(Suppl A)". */
const SUPPLEMENT_ISSUE_RE = new RegExp(`^\\(?\\s*(?:([\\w-]+)\\s*\\(?\\s*)?${SUPPLEMENT_WORD}\\s*([\\w-]*)\\s*\\)?$`, 'i');
/** "61(4)", "61 (Supplement 1)", "12(3-4)", "35 ( Pt 1)": a volume with its issue in brackets. */
const VOLUME_BRACKET_ISSUE_RE = /^(\d[\w.-]*)\s*\(\s*([^()]{1,30}?)\s*\)$/;
/** "61 Suppl 2", "7 Suppl", "12 Suppl A": a volume followed by a supplement. */
const VOLUME_SUPPLEMENT_RE = new RegExp(`^(\\d[\\w.-]*)\\s+(${SUPPLEMENT_WORD}\\s*[\\w-]*)$`, 'i');

/**
 * One spelling for an issue: brackets dropped ("(4)" → "4") and a supplement written
 * "Suppl N" whatever the export's word for it ("Supplement 1", "Suppl. 1", "sup1" → "Suppl 1";
 * "4 (Suppl 1)" → "4 Suppl 1"). A supplement issue is not issue N, so the marker is kept.
 */
export function normalizeIssue(issue: string | undefined): string | undefined {
  const s = nonEmpty(issue);
  if (!s) return undefined;
  const supplement = SUPPLEMENT_ISSUE_RE.exec(s);
  if (supplement) return [supplement[1], 'Suppl', supplement[2]].filter((p) => p).join(' ');
  const bracketed = /^\(\s*([^()]*?)\s*\)$/.exec(s);
  if (bracketed && bracketed[1] !== '') return bracketed[1];
  return s;
}

/**
 * Volume and issue from the combined forms exports put in the volume field: "61(4)" → 61 / 4,
 * "61 (Supplement 1)" and "61 Suppl 2" → 61 / "Suppl 1", "12(3-4)" → 12 / 3-4, "Volume 13" → 13,
 * "Suppl. 2" alone → issue "Suppl 2". An issue field of the record's own wins over an issue number
 * found in the volume, but a supplement or part marker is added to it. Anything else ("30a",
 * "1262 CCIS") is kept as written; `raw` has both fields as exported.
 */
export function splitVolumeIssue(volume: string | undefined, issue: string | undefined): { volume?: string; issue?: string } {
  const ownIssue = normalizeIssue(issue);
  let v = nonEmpty(volume)?.replace(/^vol(?:ume)?\.?\s*(?=\d)/i, '');
  if (v === undefined) return { issue: ownIssue };
  let issueInVolume: string | undefined;
  const m = VOLUME_BRACKET_ISSUE_RE.exec(v) ?? VOLUME_SUPPLEMENT_RE.exec(v);
  if (m) {
    v = m[1];
    issueInVolume = normalizeIssue(m[2]);
  } else if (SUPPLEMENT_ISSUE_RE.test(v) && !/^\d/.test(v) && ownIssue === undefined) {
    return { issue: normalizeIssue(v) };
  }
  // A supplement or part named only in the volume is kept beside the record's own issue ("7 Suppl 18"
  // with issue 4 → 4 Suppl 18): a supplement issue is not the plain issue.
  if (ownIssue !== undefined && issueInVolume !== undefined && /^(?:Suppl|Pt)\b/i.test(issueInVolume) && !ownIssue.toLowerCase().includes(issueInVolume.toLowerCase())) {
    return { volume: v, issue: `${ownIssue} ${issueInVolume}` };
  }
  return { volume: v, issue: ownIssue ?? issueInVolume };
}

/** Ovid writes "No pagination specified" as SP "No" / EP "Specified" (or the whole phrase). */
export function isNoPagination(value: string | undefined): boolean {
  if (!value) return false;
  const s = value.trim().toLowerCase();
  return s === 'no' || s === 'specified' || s === 'no pagination specified' || s === 'pagination';
}

// ---------------------------------------------------------------- the last step of every reader

/** Optional text fields of a record: a placeholder in any of them means the field is absent. */
const OPTIONAL_TEXT_FIELDS = ['rawType', 'journal', 'volume', 'issue', 'startPage', 'endPage', 'doi', 'abstract', 'language', 'accession', 'exportDatabase', 'url'] as const;

/**
 * The field rules every reader applies to the record it built, as its last step, so that they
 * hold whatever the format: a placeholder for a missing value ("NA", "-", "[No abstract
 * available]") is an absent field, not a value; an abbreviated page range is expanded ("221-8"
 * → 221/228), also when start and end came in separate fields; volume and issue are split from
 * combined forms ("61 (Supplement 1)" → 61 / "Suppl 1"). The record's `raw` keeps every value
 * as exported. Changes the record in place and returns it.
 */
export function tidyRecord<T extends ParsedRecord>(record: T): T {
  if (record.title !== '' && isMissingValue(record.title)) record.title = '';
  for (const field of OPTIONAL_TEXT_FIELDS) {
    const value = record[field];
    if (value !== undefined && isMissingValue(value)) delete record[field];
  }
  if (record.keywords.some(isMissingValue)) record.keywords = record.keywords.filter((k) => !isMissingValue(k));

  if (record.startPage !== undefined && record.endPage === undefined && PAGE_RANGE_RE.test(record.startPage)) {
    const { startPage, endPage } = splitPages(record.startPage);
    record.startPage = startPage;
    if (endPage !== undefined) record.endPage = endPage;
  } else if (record.startPage !== undefined && record.endPage !== undefined) {
    record.endPage = expandPageEnd(record.startPage, record.endPage);
  }

  if (record.volume !== undefined || record.issue !== undefined) {
    const { volume, issue } = splitVolumeIssue(record.volume, record.issue);
    if (volume === undefined) delete record.volume;
    else record.volume = volume;
    if (issue === undefined) delete record.issue;
    else record.issue = issue;
  }
  return record;
}
