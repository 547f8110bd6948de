/**
 * Text folding shared by criteria matching (criteria/query.ts) and duplicate detection (dedupe/engine.ts).
 * Pure and allocation-light: it runs over every title and abstract of 100,000+ records.
 *
 * `foldText` keeps punctuation (callers decide what a separator is); `words` splits folded
 * text on anything that is not a-z or 0-9, so hyphens, slashes and apostrophes separate words
 * and scripts without a Latin transliteration (Cyrillic, CJK) leave no words at all.
 */

/** Letters NFKD does not decompose, and Greek letters, which vendors mix with spelled-out names (β-blocker, beta-blocker). */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't',
  α: 'alpha', β: 'beta', γ: 'gamma', δ: 'delta', ε: 'epsilon', ζ: 'zeta', η: 'eta', θ: 'theta',
  ι: 'iota', κ: 'kappa', λ: 'lambda', μ: 'mu', ν: 'nu', ξ: 'xi', ο: 'omicron', π: 'pi', ρ: 'rho',
  σ: 'sigma', ς: 'sigma', τ: 'tau', υ: 'upsilon', φ: 'phi', χ: 'chi', ψ: 'psi', ω: 'omega',
};
const SPECIAL_LETTER_RE = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');

/** Combining marks left by NFKD (accents, umlauts, cedillas ...). */
const COMBINING_MARKS_RE = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

/** Inline formatting tags join what they wrap to its neighbours (H<sub>2</sub>O is "h2o"); any other tag separates words. */
const INLINE_TAGS = new Set(['i', 'b', 'em', 'strong', 'sub', 'sup', 'u', 'span', 'a', 'small', 'sc', 'inf', 'font']);
const TAG_RE = /<(\/?)([a-z][a-z0-9:-]*)(?:\s[^<>]*)?\/?>/gi;

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '-', mdash: '-', hellip: '...',
  szlig: 'ss', aelig: 'ae', oelig: 'oe', oslash: 'o', eth: 'd', thorn: 'th',
};
const ENTITY_RE = /&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);/gi;
/** &eacute; &Ouml; &ccedil; ...: the accent is folded away anyway, so keep the base letter. */
const ACCENTED_ENTITY_RE = /^([a-z])(acute|grave|uml|circ|tilde|cedil|ring|caron|slash)$/i;

function decodeEntity(_entity: string, body: string): string {
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  }
  const lower = body.toLowerCase();
  const named = NAMED_ENTITIES[lower];
  if (named !== undefined) return named;
  // Greek letters by name (&beta;) fold to the name the letter itself folds to.
  if (GREEK_ENTITY_NAMES.has(lower)) return lower === 'sigmaf' ? 'sigma' : lower;
  const accented = ACCENTED_ENTITY_RE.exec(body);
  if (accented) return accented[1];
  return ' ';
}

const GREEK_ENTITY_NAMES = new Set([
  ...Object.entries(SPECIAL_LETTERS)
    .filter(([letter]) => letter >= 'α' && letter <= 'ω')
    .map(([, name]) => name),
  'sigmaf',
]);

/**
 * Lower-case, diacritics removed, HTML tags and entities removed, `&` spelled "and",
 * ligatures and special letters spelled out (ß→ss, æ→ae, ø→o, ł→l, β→beta).
 * Punctuation is kept.
 */
export function foldText(s: string): string {
  let t = s;
  if (t.includes('<')) {
    t = t.replace(TAG_RE, (_tag, _slash: string, name: string) => (INLINE_TAGS.has(name.toLowerCase()) ? '' : ' '));
  }
  if (t.includes('&')) {
    t = t.replace(ENTITY_RE, decodeEntity).replace(/&/g, ' and ');
  }
  // Only the non-ASCII runs go through NFKD: most of an English abstract is ASCII, and normalising
  // the whole string costs more than the rest of preparing a record.
  return t.toLowerCase().replace(NON_ASCII_RUN_RE, foldNonAscii);
}

// eslint-disable-next-line no-control-regex
const NON_ASCII_RUN_RE = /[^\u0000-\u007f]+/g;

function foldNonAscii(run: string): string {
  return run.normalize('NFKD').replace(COMBINING_MARKS_RE, '').replace(SPECIAL_LETTER_RE, (c) => SPECIAL_LETTERS[c]);
}

const NON_WORD_RE = /[^a-z0-9]+/;

/** Words of text that is already folded: split on anything not a-z0-9, no empty strings. */
export function splitFolded(folded: string): string[] {
  const parts = folded.split(NON_WORD_RE);
  // split leaves '' only at the ends.
  if (parts.length > 0 && parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The searchable words of raw text: `words("Co-production <i>in</i> Rantamäki's") = ["co", "production", "in", "rantamaki", "s"]`. */
export function words(s: string): string[] {
  return splitFolded(foldText(s));
}
