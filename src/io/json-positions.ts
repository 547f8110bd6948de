/**
 * A JSON reader that remembers where every value sits in the text, so a problem found in the
 * parsed value (by zod, or by a later check) can be reported at its own line and column, and an
 * editor can rewrite one block of a file the reviewer wrote without touching any other byte.
 *
 * One forward pass, no backtracking: linear in the text. It accepts exactly what JSON.parse
 * accepts (plus a leading BOM), builds the same value (a `__proto__` key becomes an own property,
 * a repeated key keeps its last value), and reports a syntax error with its line and column.
 */

export type JsonPath = readonly (string | number)[];

export interface TextPosition {
  /** Offset in the text, in UTF-16 code units (a string index). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units from the start of the line (what editors such as VS Code count). */
  column: number;
}

export interface JsonNode {
  path: JsonPath;
  /** Where the member's key (its opening quote) starts; absent for array entries and the root. */
  key?: TextPosition;
  /** Where the value starts (`{`, `[`, `"`, a digit ...). */
  value: TextPosition;
  /** Offset just past the value's last character. */
  end: number;
}

export interface RepeatedKey {
  path: JsonPath;
  first: JsonNode;
  repeat: JsonNode;
}

export interface JsonDocument {
  /** The value, as JSON.parse would give it. */
  value: unknown;
  /** The node at a path, or undefined when the text has no such path. */
  at(path: JsonPath): JsonNode | undefined;
  /** Line and column of any offset in the text. */
  positionOf(offset: number): TextPosition;
  /** Keys given twice in one object; JSON.parse silently keeps the last. */
  repeatedKeys: RepeatedKey[];
}

export class JsonSyntaxError extends Error {
  readonly position: TextPosition;
  constructor(message: string, position: TextPosition) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.position = position;
  }
}

/** Objects and lists nested deeper than this are refused rather than risking the call stack. */
const MAX_DEPTH = 256;

/** A stable map key for a path (keys may contain dots and brackets, so not formatJsonPath). */
export function pathKey(path: JsonPath): string {
  let key = '';
  for (const part of path) key = childKey(key, part);
  return key;
}

/** Built one step at a time while parsing; NUL cannot occur unescaped in the text. */
function childKey(parent: string, part: string | number): string {
  return typeof part === 'number' ? `${parent}\u0000#${part}` : `${parent}\u0000"${part}`;
}

/** Offsets where each line starts; a line ends at LF, CRLF or a lone CR. */
function lineStarts(text: string): number[] {
  const starts = [text.charCodeAt(0) === 0xfeff ? 1 : 0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

export function positionFinder(text: string): (offset: number) => TextPosition {
  const starts = lineStarts(text);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: Math.max(1, offset - starts[lo] + 1) };
  };
}

function describeChar(text: string, at: number): string {
  if (at >= text.length) return 'the end of the file';
  const c = text[at];
  if (c === '\n' || c === '\r') return 'the end of the line';
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${c}"`;
}

/** Parse JSON text, recording the position of every key and value. Throws JsonSyntaxError. */
export function parseJsonWithPositions(text: string): JsonDocument {
  const positionOf = positionFinder(text);
  const nodes = new Map<string, JsonNode>();
  const repeatedKeys: RepeatedKey[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  /** The last comma read, to point at a trailing one. */
  let lastComma = 0;

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, positionOf(at));
  };

  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else if (c === 47 && (text[i + 1] === '/' || text[i + 1] === '*')) fail('JSON has no comments; remove it');
      else return;
    }
  };

  const readString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let chunkStart = i;
    for (;;) {
      if (i >= text.length) fail('this string is never closed (a missing ")', start);
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        out += text.slice(chunkStart, i);
        const e = text[i + 1];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = text.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('\\u must be followed by four hex digits', i);
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail(`invalid escape "\\${e ?? ''}" in a string (a backslash is written \\\\)`, i);
        }
        i += 2;
        chunkStart = i;
        continue;
      }
      if (c < 0x20) {
        fail(c === 10 || c === 13 ? 'this string is never closed before the end of the line (a missing ")' : `${describeChar(text, i)} inside a string; write it as an escape`, c === 10 || c === 13 ? start : i);
      }
      i++;
    }
    out += text.slice(chunkStart, i);
    i++; // closing quote
    return out;
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  const readValue = (path: JsonPath, k: string, keyAt: number | undefined, depth: number): unknown => {
    skipSpace();
    const start = i;
    let value: unknown;
    const c = text[i];
    if (c === '{') value = readObject(path, k, depth);
    else if (c === '[') value = readArray(path, k, depth);
    else if (c === '"') value = readString();
    else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) fail(`not a number: ${describeChar(text, i + 1)} after "-"`);
      i += m![0].length;
      if (/[0-9.eE]/.test(text[i] ?? '')) fail(`not a valid JSON number (no leading zeros, digits after "." and "e")`, start);
      value = Number(m![0]);
    } else if (text.startsWith('true', i)) { value = true; i += 4; }
    else if (text.startsWith('false', i)) { value = false; i += 5; }
    else if (text.startsWith('null', i)) { value = null; i += 4; }
    else if (c === "'") fail('strings need double quotes (") in JSON, not single quotes');
    else if (c === undefined) fail('the file ends where a value should be');
    else fail(`expected a value (text in "double quotes", a number, true, false, null, [...] or {...}), found ${describeChar(text, i)}`);
    const node: JsonNode = { path, value: positionOf(start), end: i };
    if (keyAt !== undefined) node.key = positionOf(keyAt);
    const earlier = nodes.get(k);
    if (earlier && keyAt !== undefined) repeatedKeys.push({ path, first: earlier, repeat: node });
    nodes.set(k, node);
    return value;
  };

  const readObject = (path: JsonPath, k: string, depth: number): Record<string, unknown> => {
    if (depth >= MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    const open = i;
    i++;
    const object: Record<string, unknown> = {};
    skipSpace();
    if (text[i] === '}') {
      i++;
      return object;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') {
        if (text[i] === '}') fail('a comma before "}": JSON allows no comma after the last entry', lastComma);
        if (text[i] === "'") fail('keys need double quotes (") in JSON, not single quotes');
        if (i >= text.length) fail(`the file ends inside the object opened at line ${positionOf(open).line}`);
        fail(`expected a key in "double quotes", found ${describeChar(text, i)}`);
      }
      const keyAt = i;
      const key = readString();
      skipSpace();
      if (text[i] !== ':') fail(`expected ":" after the key "${key}", found ${describeChar(text, i)}`);
      i++;
      const value = readValue([...path, key], childKey(k, key), keyAt, depth + 1);
      // Like JSON.parse: "__proto__" is an ordinary own property, never the prototype.
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      skipSpace();
      if (text[i] === ',') {
        lastComma = i;
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return object;
      }
      if (i >= text.length) fail(`the file ends inside the object opened at line ${positionOf(open).line} (a missing "}")`);
      fail(`expected "," or "}" after the value of "${key}", found ${describeChar(text, i)} (a missing comma?)`);
    }
  };

  const readArray = (path: JsonPath, k: string, depth: number): unknown[] => {
    if (depth >= MAX_DEPTH) fail(`nested more than ${MAX_DEPTH} levels deep`);
    const open = i;
    i++;
    const array: unknown[] = [];
    skipSpace();
    if (text[i] === ']') {
      i++;
      return array;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail('a comma before "]": JSON allows no comma after the last entry', lastComma);
      array.push(readValue([...path, array.length], childKey(k, array.length), undefined, depth + 1));
      skipSpace();
      if (text[i] === ',') {
        lastComma = i;
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return array;
      }
      if (i >= text.length) fail(`the file ends inside the list opened at line ${positionOf(open).line} (a missing "]")`);
      fail(`expected "," or "]" after entry ${array.length} of the list, found ${describeChar(text, i)} (a missing comma?)`);
    }
  };

  const value = readValue([], '', undefined, 0);
  skipSpace();
  if (i < text.length) fail(`unexpected ${describeChar(text, i)} after the end of the JSON value`);
  return {
    value,
    at: (path) => nodes.get(pathKey(path)),
    positionOf,
    repeatedKeys,
  };
}

/**
 * Offset in the text of the character at `index` of a decoded string value whose opening quote is
 * at `quoteOffset`: escapes take several characters in the text but one in the value.
 */
export function offsetInString(text: string, quoteOffset: number, index: number): number {
  let i = quoteOffset + 1;
  for (let decoded = 0; decoded < index && i < text.length && text[i] !== '"'; decoded++) {
    if (text[i] === '\\') i += text[i + 1] === 'u' ? 6 : 2;
    else i++;
  }
  return i;
}
