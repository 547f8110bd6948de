/**
 * What the XML readers (EndNote XML, PubMed XML) share: the well-formedness check with the line of
 * the problem, cutting the document into record elements with their start lines (fast-xml-parser
 * gives no positions), and a small ordered element tree whose text flattens inline markup
 * (`<i>`, `<sup>`, EndNote's `<style face="italic">`, MathML) to plain text.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { inputError } from '../errors.js';

export interface XNode {
  tag: string;
  attrs: Record<string, string>;
  /** Element children and text pieces, in document order. */
  children: (XNode | string)[];
}

/** One record element cut from the document: its raw text (LF line ends) and 1-based start line. */
export interface XmlChunk {
  tag: string;
  line: number;
  text: string;
}

/** Throws the file's first well-formedness problem as an input error (exit 3) at its line. */
export function assertWellFormed(text: string, file: string): void {
  const result = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (result === true) return;
  const { msg, line } = result.err;
  throw inputError(`XML is not well formed: ${msg}`, { file, line: line > 0 ? line : 1 });
}

/**
 * Every element named in `tags` that is not nested in another such element, in document order,
 * with the line of its opening tag. One pass over the text; newlines are counted incrementally.
 */
export function findRecordElements(text: string, tags: readonly string[]): XmlChunk[] {
  const open = new RegExp(`<(${tags.map(escapeRe).join('|')})(?=[\\s>/])`, 'g');
  const chunks: XmlChunk[] = [];
  let line = 1;
  let counted = 0;
  let m: RegExpExecArray | null;
  while ((m = open.exec(text)) !== null) {
    const start = m.index;
    line += countNewlines(text, counted, start);
    counted = start;
    const tag = m[1];
    const gt = text.indexOf('>', start);
    if (gt === -1) break;
    let end: number;
    if (text[gt - 1] === '/') {
      end = gt + 1;
    } else {
      const close = text.indexOf(`</${tag}>`, gt);
      end = close === -1 ? text.length : close + tag.length + 3;
    }
    chunks.push({ tag, line, text: text.slice(start, end) });
    open.lastIndex = end;
  }
  return chunks;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Deeper than any real export (PubMed nests about 8 levels); the element tree is walked recursively. */
export const MAX_XML_DEPTH = 1000;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // The parser refuses these names outright (prototype pollution); renamed the way it renames its
  // other dangerous names, so one odd element does not cost the record.
  transformTagName: renameReserved,
  transformAttributeName: renameReserved,
  maxNestedTags: MAX_XML_DEPTH,
});

function renameReserved(name: string): string {
  return name === '__proto__' || name === 'constructor' || name === 'prototype' ? `__${name}` : name;
}

type Ordered = Record<string, unknown>[];

function toNodes(items: Ordered): (XNode | string)[] {
  const out: (XNode | string)[] = [];
  for (const item of items) {
    let attrs: Record<string, string> = {};
    for (const key of Object.keys(item)) {
      if (key === ':@') {
        attrs = item[key] as Record<string, string>;
      }
    }
    for (const key of Object.keys(item)) {
      if (key === ':@') continue;
      if (key === '#text') {
        out.push(String(item[key]));
      } else {
        out.push({ tag: key, attrs, children: toNodes((item[key] as Ordered) ?? []) });
      }
    }
  }
  return out;
}

/**
 * Parse one record element's text into a tree; returns its root element. Elements nested deeper
 * than MAX_XML_DEPTH are an input error at the record's line (`where`).
 */
export function parseElement(text: string, where?: { file: string; line: number }): XNode | undefined {
  let parsed: Ordered;
  try {
    parsed = parser.parse(text) as Ordered;
  } catch (err) {
    // The document passed the validator, so what is left is the parser's own limits.
    const message = /nested tags/i.test((err as Error).message)
      ? `elements nested more than ${MAX_XML_DEPTH} deep in the record starting here`
      : `cannot read the record starting here: ${(err as Error).message}`;
    throw inputError(message, where);
  }
  const nodes = toNodes(parsed);
  for (const n of nodes) if (typeof n !== 'string') return n;
  return undefined;
}

/** Direct child elements named `tag` ('*' for all). */
export function kids(node: XNode | undefined, tag: string): XNode[] {
  if (!node) return [];
  const out: XNode[] = [];
  for (const c of node.children) if (typeof c !== 'string' && (tag === '*' || c.tag === tag)) out.push(c);
  return out;
}

/** Elements at a slash-separated path below `node` ("titles/title"). */
export function at(node: XNode | undefined, path: string): XNode[] {
  let current: XNode[] = node ? [node] : [];
  for (const step of path.split('/')) {
    const next: XNode[] = [];
    // A loop, not push(...): an export's root may hold 100,000+ records, past the argument limit.
    for (const n of current) for (const kid of kids(n, step)) next.push(kid);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** All text below a node, markup dropped; not trimmed. */
export function textOf(node: XNode | undefined): string {
  if (!node) return '';
  let s = '';
  for (const c of node.children) s += typeof c === 'string' ? c : textOf(c);
  return s;
}

/** Trimmed text of the first element at `path` that has any; undefined when none does. */
export function firstText(node: XNode | undefined, path: string): string | undefined {
  for (const n of at(node, path)) {
    const t = textOf(n).trim();
    if (t !== '') return t;
  }
  return undefined;
}

/** Trimmed, non-empty texts of every element at `path`. */
export function allTexts(node: XNode | undefined, path: string): string[] {
  const out: string[] = [];
  for (const n of at(node, path)) {
    const t = textOf(n).trim();
    if (t !== '') out.push(t);
  }
  return out;
}

/** Markup that lives inside a text value rather than structuring the record. */
const INLINE = new Set(['style', 'i', 'b', 'u', 'em', 'strong', 'sup', 'sub', 'inf', 'br', 'span', 'font', 'math', 'DispFormula']);

function isInline(tag: string): boolean {
  return INLINE.has(tag) || tag.includes(':');
}

/**
 * Every value of a record as `raw`: key = element path below the record root ("titles/title",
 * "MedlineCitation/Article/ArticleTitle"), one entry per occurrence; attributes as "path@name".
 * An element whose children are only text and inline markup is one value.
 */
export function rawFromTree(root: XNode): Record<string, string[]> {
  // Keys are element names from the file: no inherited `constructor` or `toString` to collide with.
  const raw: Record<string, string[]> = Object.create(null);
  const walk = (node: XNode, path: string) => {
    for (const [k, v] of Object.entries(node.attrs)) (raw[`${path}@${k}`] ??= []).push(v);
    const elements = kids(node, '*');
    if (elements.length === 0 || elements.every((e) => isInline(e.tag))) {
      const t = textOf(node).trim();
      if (t !== '' || elements.length === 0) (raw[path] ??= []).push(t);
      return;
    }
    for (const e of elements) walk(e, `${path}/${e.tag}`);
  };
  for (const [k, v] of Object.entries(root.attrs)) (raw[`@${k}`] ??= []).push(v);
  for (const e of kids(root, '*')) walk(e, e.tag);
  return raw;
}

/** The start of a document after an optional BOM, XML declaration, comments and DOCTYPE. */
export function xmlHead(text: string, size = 4096): string {
  return (text.length > size ? text.slice(0, size) : text).replace(/^\uFEFF/, '');
}
