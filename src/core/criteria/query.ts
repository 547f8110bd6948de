/**
 * The boolean criteria language reviewers write in the protocol, database-search-box style:
 *
 *   "service user*" AND (educat* OR train*) AND NOT type:erratum AND year:>=2009
 *
 * Pure: parse once (parseQuery), prepare each record once (prepareRecord), then match many
 * criteria against it (matchQuery). Nothing here touches the file system or the terminal.
 *
 * Lower-case and/or/not are rejected rather than guessed: read as words they would silently
 * demand the word "or" in every record, read as operators they would silently split a title
 * pasted without quotes. The error says to write OR, or to quote "or" to search for the word.
 */
import { DOC_TYPES, type DocType } from '../../model/record.js';
import type { Criterion, Protocol } from '../../model/protocol.js';
import { foldText, splitFolded } from './fold-text.js';

export type TextField = 'title' | 'abstract' | 'keywords';

/** One query word; `truncated` means it matches any record word starting with `word` (educat* → education). */
export interface WordPattern {
  word: string;
  truncated: boolean;
}

/**
 * The parsed query. `and`/`or` are flattened (no `and` directly inside an `and`), `text` with one
 * word is a term and with several a phrase, and no node carries a source position, so two
 * queries that mean the same thing in the same shape compare equal.
 */
export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | { kind: 'field'; field: TextField; child: QueryNode }
  | { kind: 'text'; words: WordPattern[] }
  | { kind: 'language'; language: string }
  | { kind: 'type'; type: DocType }
  | { kind: 'year'; min?: number; max?: number };

export class QuerySyntaxError extends Error {
  /** 1-based column in the query where the problem was found. */
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.name = 'QuerySyntaxError';
    this.column = column;
  }
}

const TEXT_FIELDS: readonly TextField[] = ['title', 'abstract', 'keywords'];
const CONDITION_FIELDS = ['language', 'type', 'year'] as const;
type ConditionField = (typeof CONDITION_FIELDS)[number];
const ALL_FIELDS = [...TEXT_FIELDS, ...CONDITION_FIELDS];
const OPERATORS = new Set(['AND', 'OR', 'NOT']);

/** Language names and the ISO 639-1/639-2 codes vendors export instead (eng, en, ger, deu ...). */
const LANGUAGE_CODES: Record<string, string[]> = {
  english: ['en', 'eng'],
  french: ['fr', 'fre', 'fra'],
  german: ['de', 'ger', 'deu'],
  spanish: ['es', 'spa'],
  portuguese: ['pt', 'por'],
  italian: ['it', 'ita'],
  dutch: ['nl', 'dut', 'nld'],
  swedish: ['sv', 'swe'],
  norwegian: ['no', 'nor', 'nb', 'nob', 'nn', 'nno'],
  danish: ['da', 'dan'],
  finnish: ['fi', 'fin'],
  polish: ['pl', 'pol'],
  russian: ['ru', 'rus'],
  turkish: ['tr', 'tur'],
  greek: ['el', 'gre', 'ell'],
  chinese: ['zh', 'chi', 'zho'],
  japanese: ['ja', 'jpn'],
  korean: ['ko', 'kor'],
  arabic: ['ar', 'ara'],
  hebrew: ['he', 'heb'],
};
const LANGUAGE_BY_CODE = new Map<string, string>(
  Object.entries(LANGUAGE_CODES).flatMap(([name, codes]) => codes.map((code) => [code, name] as [string, string])),
);

/** "English", "eng", "EN", "en-GB" → "english"; unknown names are kept, folded ("Old Norse" → "old norse"). */
function canonicalLanguage(value: string): string {
  const parts = splitFolded(foldText(value));
  const joined = parts.join(' ');
  const byCode = LANGUAGE_BY_CODE.get(joined);
  if (byCode) return byCode;
  // Region-qualified codes: en-GB, pt_BR.
  if (parts.length === 2 && parts[1].length === 2) {
    const base = LANGUAGE_BY_CODE.get(parts[0]);
    if (base) return base;
  }
  return joined;
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { kind: '(' | ')'; column: number }
  | { kind: 'op'; op: 'AND' | 'OR' | 'NOT'; column: number }
  | { kind: 'field'; name: string; column: number }
  /** Bare text (`quoted: false`) or the inside of "..." (`column` is the opening quote's). */
  | { kind: 'text'; raw: string; quoted: boolean; column: number };

const FIELD_PREFIX_RE = /^([A-Za-z]+):/;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c, column: i + 1 });
      i++;
    } else if (c === '"') {
      const close = source.indexOf('"', i + 1);
      if (close === -1) throw new QuerySyntaxError('unterminated phrase: the " here has no closing "', i + 1);
      tokens.push({ kind: 'text', raw: source.slice(i + 1, close), quoted: true, column: i + 1 });
      i = close + 1;
    } else {
      let end = i;
      while (end < source.length && !/[\s()"]/.test(source[end])) end++;
      lexBare(source.slice(i, end), i + 1, tokens);
      i = end;
    }
  }
  return tokens;
}

/** A run of text without spaces, parentheses or quotes: `title:educat*`, `AND`, `co-produc*`. */
function lexBare(bare: string, column: number, tokens: Token[]): void {
  let rest = bare;
  let col = column;
  let afterField = false;
  for (let m = FIELD_PREFIX_RE.exec(rest); m; m = FIELD_PREFIX_RE.exec(rest)) {
    tokens.push({ kind: 'field', name: m[1], column: col });
    rest = rest.slice(m[0].length);
    col += m[0].length;
    afterField = true;
  }
  if (rest === '') return;
  // After `title:` the value is always a term, so `title:OR` searches for the word "or".
  if (!afterField) {
    if (OPERATORS.has(rest)) {
      tokens.push({ kind: 'op', op: rest as 'AND' | 'OR' | 'NOT', column: col });
      return;
    }
    if (OPERATORS.has(rest.toUpperCase())) {
      throw new QuerySyntaxError(
        `"${rest}" is ambiguous: write ${rest.toUpperCase()} for the operator, or "${rest.toLowerCase()}" in quotes to search for the word`,
        col,
      );
    }
  }
  tokens.push({ kind: 'text', raw: rest, quoted: false, column: col });
}

// ---------------------------------------------------------------------------------------------
// Parser: or := and (OR and)* ; and := unary ((AND)? unary)* ; unary := NOT unary | primary

const START_HINT = 'a term, phrase, field: or "("';

function describeToken(t: Token | undefined): string {
  if (!t) return 'the end of the query';
  switch (t.kind) {
    case '(':
    case ')':
      return `"${t.kind}"`;
    case 'op':
      return t.op;
    case 'field':
      return `${t.name}:`;
    case 'text':
      return `"${t.raw}"`;
  }
}

class Parser {
  private pos = 0;
  /** The text field of the enclosing `title:( ... )`, if any; restrictions do not nest. */
  private enclosingField: { name: TextField; column: number } | undefined;

  constructor(
    private readonly tokens: Token[],
    private readonly endColumn: number,
  ) {}

  parse(): QueryNode {
    if (this.tokens.length === 0) throw new QuerySyntaxError('empty query', 1);
    const node = this.parseOr(undefined);
    const extra = this.peek();
    if (extra) {
      if (extra.kind === ')') throw new QuerySyntaxError('unexpected ")" with no "(" to close', extra.column);
      throw new QuerySyntaxError(`unexpected ${describeToken(extra)}`, extra.column);
    }
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private columnOf(t: Token | undefined): number {
    return t ? t.column : this.endColumn;
  }

  /** `after` names what came before (for messages): an operator, "(" or undefined at the start. */
  private parseOr(after: string | undefined): QueryNode {
    const children = [this.parseAnd(after)];
    for (let t = this.peek(); t?.kind === 'op' && t.op === 'OR'; t = this.peek()) {
      this.pos++;
      children.push(this.parseAnd('OR'));
    }
    return combine('or', children);
  }

  private parseAnd(after: string | undefined): QueryNode {
    const children = [this.parseUnary(after)];
    for (;;) {
      const t = this.peek();
      if (t?.kind === 'op' && t.op === 'AND') {
        this.pos++;
        children.push(this.parseUnary('AND'));
      } else if (t && (t.kind === 'text' || t.kind === 'field' || t.kind === '(' || (t.kind === 'op' && t.op === 'NOT'))) {
        children.push(this.parseUnary(undefined)); // implicit AND: `social work`
      } else {
        break;
      }
    }
    return combine('and', children);
  }

  private parseUnary(after: string | undefined): QueryNode {
    const t = this.peek();
    if (t?.kind === 'op' && t.op === 'NOT') {
      this.pos++;
      return { kind: 'not', child: this.parseUnary('NOT') };
    }
    return this.parsePrimary(after);
  }

  private parsePrimary(after: string | undefined): QueryNode {
    const t = this.peek();
    if (t?.kind === 'text') {
      this.pos++;
      return textNode(t.raw, t.quoted ? t.column + 1 : t.column);
    }
    if (t?.kind === '(') {
      this.pos++;
      if (this.peek()?.kind === ')') throw new QuerySyntaxError('empty parentheses', t.column);
      const inner = this.parseOr('(');
      const close = this.peek();
      if (close?.kind !== ')') {
        throw new QuerySyntaxError(
          `expected ")" to close "(" at column ${t.column}, found ${describeToken(close)}`,
          this.columnOf(close),
        );
      }
      this.pos++;
      return inner;
    }
    if (t?.kind === 'field') {
      this.pos++;
      return this.parseField(t);
    }
    if (t?.kind === 'op' && after === undefined) {
      throw new QuerySyntaxError(`${t.op} needs a term on its left`, t.column);
    }
    if (t?.kind === 'op' && after === '(') {
      throw new QuerySyntaxError(`${t.op} needs a term on its left, after "("`, t.column);
    }
    const where = after === undefined ? '' : after === '(' ? ' after "("' : ` after ${after}`;
    throw new QuerySyntaxError(`expected ${START_HINT}${where}, found ${describeToken(t)}`, this.columnOf(t));
  }

  private parseField(fieldToken: { name: string; column: number }): QueryNode {
    const name = fieldToken.name.toLowerCase();
    if ((CONDITION_FIELDS as readonly string[]).includes(name)) {
      return this.parseCondition(name as ConditionField);
    }
    if (!(TEXT_FIELDS as readonly string[]).includes(name)) {
      throw new QuerySyntaxError(`unknown field "${fieldToken.name}" (use ${ALL_FIELDS.join(', ')})`, fieldToken.column);
    }
    const field = name as TextField;
    if (this.enclosingField) {
      throw new QuerySyntaxError(
        `${field}: inside ${this.enclosingField.name}:( ... ) at column ${this.enclosingField.column}; field restrictions do not nest`,
        fieldToken.column,
      );
    }
    const next = this.peek();
    if (next?.kind === 'text') {
      this.pos++;
      return { kind: 'field', field, child: textNode(next.raw, next.quoted ? next.column + 1 : next.column) };
    }
    if (next?.kind === '(') {
      this.enclosingField = { name: field, column: fieldToken.column };
      try {
        return { kind: 'field', field, child: this.parsePrimary(`${field}:`) };
      } finally {
        this.enclosingField = undefined;
      }
    }
    if (next?.kind === 'field') {
      throw new QuerySyntaxError(`${field}: applies to a term, phrase or "(" group, not to ${next.name}:`, next.column);
    }
    throw new QuerySyntaxError(
      `expected a term, phrase or "(" after ${field}:, found ${describeToken(next)}`,
      this.columnOf(next),
    );
  }

  private parseCondition(field: ConditionField): QueryNode {
    const next = this.peek();
    if (next?.kind !== 'text') {
      const hint =
        next?.kind === '('
          ? `; ${field}: takes one value, so write (${field}:a OR ${field}:b)`
          : ` (e.g. ${CONDITION_EXAMPLES[field]})`;
      throw new QuerySyntaxError(`expected a value after ${field}:${hint}`, next?.kind === '(' ? next.column : this.columnOf(next));
    }
    this.pos++;
    const valueColumn = next.quoted ? next.column + 1 : next.column;
    switch (field) {
      case 'language': {
        const language = canonicalLanguage(next.raw);
        if (language === '') throw new QuerySyntaxError(`expected a language after language: (e.g. language:english)`, valueColumn);
        return { kind: 'language', language };
      }
      case 'type': {
        const type = splitFolded(foldText(next.raw)).join('-');
        if (!(DOC_TYPES as readonly string[]).includes(type)) {
          throw new QuerySyntaxError(`unknown type "${next.raw}" (use ${DOC_TYPES.join(', ')})`, valueColumn);
        }
        return { kind: 'type', type: type as DocType };
      }
      case 'year':
        return parseYear(next.raw.trim(), valueColumn);
    }
  }
}

const CONDITION_EXAMPLES: Record<ConditionField, string> = {
  language: 'language:english',
  type: 'type:journal-article',
  year: 'year:2009, year:>=2009, year:2009-2018',
};

function parseYear(value: string, column: number): QueryNode {
  let m = /^(\d{4})$/.exec(value);
  if (m) return { kind: 'year', min: Number(m[1]), max: Number(m[1]) };
  m = /^(>=|<=|>|<|=)(\d{4})$/.exec(value);
  if (m) {
    const y = Number(m[2]);
    switch (m[1]) {
      case '>=':
        return { kind: 'year', min: y };
      case '>':
        return { kind: 'year', min: y + 1 };
      case '<=':
        return { kind: 'year', max: y };
      case '<':
        return { kind: 'year', max: y - 1 };
      default:
        return { kind: 'year', min: y, max: y };
    }
  }
  m = /^(\d{4})[-\u2013](\d{4})$/.exec(value);
  if (m) {
    const min = Number(m[1]);
    const max = Number(m[2]);
    if (min > max) throw new QuerySyntaxError(`year range ${value} ends before it starts (write ${max}-${min})`, column);
    return { kind: 'year', min, max };
  }
  throw new QuerySyntaxError(`bad year "${value}" (use e.g. ${CONDITION_EXAMPLES.year})`, column);
}

/** A term or the inside of a phrase → its word patterns; `column` is where `raw` starts. */
function textNode(raw: string, column: number): QueryNode {
  const unsupported = /[?$]/.exec(raw);
  if (unsupported) {
    throw new QuerySyntaxError(
      `"${unsupported[0]}" is not supported; the only truncation is "*" at the end of a word`,
      column + unsupported.index,
    );
  }
  const patterns: WordPattern[] = [];
  for (const piece of foldText(raw).split(/[^a-z0-9*]+/)) {
    if (piece === '') continue;
    const star = piece.indexOf('*');
    if (star === -1) {
      patterns.push({ word: piece, truncated: false });
    } else if (star === 0) {
      const at = /(^|[^\p{L}\p{N}*])\*/u.exec(raw);
      throw new QuerySyntaxError(
        'truncation "*" must follow at least one letter or digit (a leading * is not allowed)',
        column + (at ? at.index + at[1].length : 0),
      );
    } else if (star !== piece.length - 1) {
      const at = /\*[\p{L}\p{N}*]/u.exec(raw);
      throw new QuerySyntaxError('truncation "*" is only allowed at the end of a word', column + (at ? at.index : 0));
    } else {
      patterns.push({ word: piece.slice(0, -1), truncated: true });
    }
  }
  if (patterns.length === 0) {
    throw new QuerySyntaxError(`"${raw}" has no letters or digits to search for`, column);
  }
  return { kind: 'text', words: patterns };
}

function combine(kind: 'and' | 'or', parts: QueryNode[]): QueryNode {
  if (parts.length === 1) return parts[0];
  const children: QueryNode[] = [];
  for (const part of parts) {
    if (part.kind === kind) children.push(...part.children);
    else children.push(part);
  }
  return { kind, children };
}

/** Parse a criterion; throws QuerySyntaxError (message without the column; the column is on the error). */
export function parseQuery(source: string): QueryNode {
  return new Parser(tokenize(source), source.length + 1).parse();
}

// ---------------------------------------------------------------------------------------------
// Describe: the canonical re-print; parseQuery(describeQuery(q)) deep-equals q.

function describeText(words: WordPattern[]): string {
  const text = words.map((w) => (w.truncated ? `${w.word}*` : w.word)).join(' ');
  // A lone and/or/not must stay quoted or it would read back as an (ambiguous) operator.
  return words.length > 1 || OPERATORS.has(text.toUpperCase()) ? `"${text}"` : text;
}

function precedence(node: QueryNode): number {
  return node.kind === 'or' ? 1 : node.kind === 'and' ? 2 : 3;
}

function describeChild(node: QueryNode, minPrecedence: number): string {
  const text = describeQuery(node);
  return precedence(node) < minPrecedence ? `(${text})` : text;
}

export function describeQuery(q: QueryNode): string {
  switch (q.kind) {
    case 'or':
      return q.children.map((c) => describeChild(c, 1)).join(' OR ');
    case 'and':
      return q.children.map((c) => describeChild(c, 2)).join(' AND ');
    case 'not':
      return `NOT ${describeChild(q.child, 3)}`;
    case 'field':
      return q.child.kind === 'text' ? `${q.field}:${describeText(q.child.words)}` : `${q.field}:(${describeQuery(q.child)})`;
    case 'text':
      return describeText(q.words);
    case 'language':
      return q.language.includes(' ') ? `language:"${q.language}"` : `language:${q.language}`;
    case 'type':
      return `type:${q.type}`;
    case 'year':
      if (q.min !== undefined && q.max !== undefined) return q.min === q.max ? `year:${q.min}` : `year:${q.min}-${q.max}`;
      if (q.min !== undefined) return `year:>=${q.min}`;
      if (q.max !== undefined) return `year:<=${q.max}`;
      return 'year:>=0'; // unreachable from the parser
  }
}

// ---------------------------------------------------------------------------------------------
// Records and matching

export interface SearchableRecord {
  title: string;
  abstract?: string;
  keywords: string[];
  language?: string;
  type: string;
  year?: number;
}

/**
 * A record normalised once for matching many criteria. Treat as opaque.
 * Each text field is kept as one folded string, not as word arrays: preparing then costs one
 * fold per field and no allocation per word, which dominates on 100,000+ records.
 */
export interface PreparedRecord {
  readonly title: string;
  /** Keywords joined by KEYWORD_BOUNDARY, which no phrase can cross. */
  readonly keywords: string;
  readonly abstract: string;
  /** Canonical language names; a record may state several ("English; Finnish"). */
  readonly languages: readonly string[];
  readonly type: string;
  readonly year?: number;
}

/** Separates keywords: it is not a word character, and the gap between phrase words excludes it. */
const KEYWORD_BOUNDARY = '\u0000';

export function prepareRecord(r: SearchableRecord): PreparedRecord {
  const languages = r.language
    ? r.language
        .split(/[;,/|]/)
        .map(canonicalLanguage)
        .filter((l) => l !== '')
    : [];
  return {
    title: foldText(r.title),
    abstract: r.abstract ? foldText(r.abstract) : '',
    keywords: r.keywords.map((k) => foldText(k).replaceAll(KEYWORD_BOUNDARY, ' ')).join(KEYWORD_BOUNDARY),
    languages,
    type: r.type.toLowerCase(),
    year: r.year,
  };
}

/*
 * A term or phrase becomes one regular expression over the folded field text, with the same
 * meaning as comparing `words()` arrays: a word starts where the previous character is not a-z0-9,
 * ends (unless truncated) where the next one is not, and phrase words are separated by anything
 * that is not a-z0-9 (except the keyword boundary). The scan is linear in the field's length;
 * the two character classes are disjoint, so it cannot backtrack pathologically.
 */
const WORD_START = '(?<![a-z0-9])';
const WORD_END = '(?![a-z0-9])';
const WORD_GAP = '[^a-z0-9\\u0000]+';

const compiled = new WeakMap<WordPattern[], RegExp>();

function patternRegExp(patterns: WordPattern[]): RegExp {
  let re = compiled.get(patterns);
  if (!re) {
    const parts = patterns.map((p, i) => {
      if (!p.truncated) return p.word + WORD_END;
      return i === patterns.length - 1 ? p.word : `${p.word}[a-z0-9]*`;
    });
    re = new RegExp(WORD_START + parts.join(WORD_GAP));
    compiled.set(patterns, re);
  }
  return re;
}

const ONLY_FIELD: Record<TextField, readonly TextField[]> = { title: ['title'], abstract: ['abstract'], keywords: ['keywords'] };

function matchIn(q: QueryNode, r: PreparedRecord, fields: readonly TextField[]): boolean {
  switch (q.kind) {
    case 'and':
      return q.children.every((c) => matchIn(c, r, fields));
    case 'or':
      return q.children.some((c) => matchIn(c, r, fields));
    case 'not':
      return !matchIn(q.child, r, fields);
    case 'field':
      return matchIn(q.child, r, ONLY_FIELD[q.field]);
    case 'text': {
      const re = patternRegExp(q.words);
      return fields.some((f) => re.test(r[f]));
    }
    case 'language':
      return r.languages.includes(q.language);
    case 'type':
      return r.type === q.type;
    case 'year':
      return (
        r.year !== undefined && (q.min === undefined || r.year >= q.min) && (q.max === undefined || r.year <= q.max)
      );
  }
}

export function matchQuery(q: QueryNode, r: PreparedRecord): boolean {
  return matchIn(q, r, TEXT_FIELDS);
}

export interface CompiledCriterion {
  criterion: Criterion;
  query: QueryNode;
}

/**
 * Parse every criterion's query; the caller turns a QuerySyntaxError into a protocol error. Here,
 * not with the review state, so a warm `list`, `flow` or `verify` loads no query parser.
 */
export function compileCriteria(protocol: Protocol): CompiledCriterion[] {
  return protocol.titleAbstract.criteria.map((criterion) => ({ criterion, query: parseQuery(criterion.query) }));
}
