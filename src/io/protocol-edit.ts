import { parseJsonWithPositions, JsonSyntaxError } from './json-positions.js';
import { protocolError } from '../errors.js';

/**
 * Edits to litscreen.json, a file a person wrote and keeps in git: change the one block asked for
 * and leave every other byte as it was (key order, spacing, line endings, a BOM), so the diff a
 * reviewer commits shows exactly what changed.
 */

/**
 * Rewrite the `expected` block of protocol text with `expected` (written in the file's own indent
 * and line ending), or add it as the last top-level key when the protocol has none. Pure.
 */
export function replaceExpectedBlock(protocolText: string, expected: object): string {
  let document;
  try {
    document = parseJsonWithPositions(protocolText);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw protocolError(`not valid JSON, so the expected block cannot be rewritten: ${err.message}`, { line: err.position.line });
  }
  const root = document.value;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw protocolError('the protocol is not a JSON object, so the expected block cannot be rewritten', { line: 1 });
  }
  const repeated = document.repeatedKeys.find((r) => r.path.length === 1 && r.path[0] === 'expected');
  if (repeated) {
    throw protocolError(`"expected" is given twice (lines ${repeated.first.key!.line} and ${repeated.repeat.key!.line}); remove one first`, {
      line: repeated.repeat.key!.line,
    });
  }
  const members = Object.keys(root).map((key) => document.at([key])!);

  const existing = document.at(['expected']);
  const lastMember = members.length > 0 ? members.reduce((a, b) => (b.end > a.end ? b : a)) : undefined;
  const anchor = existing ?? lastMember ?? document.at([])!;
  const newline = lineBreakBefore(protocolText, (anchor.key ?? anchor.value).offset);
  if (existing) {
    const indent = indentBefore(protocolText, existing.key!.offset);
    const block = serialize(expected, indent, indentUnit(protocolText, members), newline);
    return protocolText.slice(0, existing.value.offset) + block + protocolText.slice(existing.end);
  }

  const rootNode = document.at([])!;
  const unit = indentUnit(protocolText, members);
  if (members.length === 0) {
    // `{}`: the only key goes between the braces.
    const close = rootNode.end - 1;
    const member = `"expected": ${serialize(expected, unit ?? '', unit, newline)}`;
    const inner = unit === undefined ? member : `${newline}${unit}${member}${newline}`;
    return protocolText.slice(0, close) + inner + protocolText.slice(close);
  }
  // After the value that ends last (key order in the text, whatever Object.keys says).
  const last = lastMember!;
  const indent = indentBefore(protocolText, last.key!.offset);
  const separator = indent === undefined ? ',' : `,${newline}${indent}`;
  const member = `${separator}"expected": ${serialize(expected, indent, unit, newline)}`;
  return protocolText.slice(0, last.end) + member + protocolText.slice(last.end);
}

/** The line break the file uses where it is edited (a file may mix them); LF when it has none. */
function lineBreakBefore(text: string, offset: number): string {
  const lf = text.lastIndexOf('\n', offset);
  const at = lf >= 0 ? lf : text.indexOf('\n');
  if (at < 0) return text.includes('\r') ? '\r' : '\n';
  return text[at - 1] === '\r' ? '\r\n' : '\n';
}

/** The whitespace from the start of the line to `offset`, or undefined when the line has other text before it. */
function indentBefore(text: string, offset: number): string | undefined {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  const before = text.slice(start, offset).replace(/^\uFEFF/, '');
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/** One level of indentation, as the top-level keys are indented (they sit one level deep). */
function indentUnit(text: string, members: { key?: { offset: number } }[]): string | undefined {
  for (const member of members) {
    const indent = indentBefore(text, member.key!.offset);
    if (indent) return indent;
  }
  return undefined;
}

/** JSON for a value whose key is indented by `indent`; on one line when the file is on one line. */
function serialize(value: unknown, indent: string | undefined, unit: string | undefined, newline: string): string {
  if (indent === undefined || unit === undefined) return JSON.stringify(value);
  return JSON.stringify(value, null, unit).replace(/\n/g, newline + indent);
}
