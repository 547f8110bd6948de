import { describe, it, expect } from 'vitest';
import { parseJsonWithPositions, offsetInString, JsonSyntaxError } from '../../src/io/json-positions.js';

/** Line and column of the first occurrence of `needle` after `from`, counted independently. */
function where(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, at).split(/\r\n|\r|\n/);
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonWithPositions(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err;
    throw err;
  }
  throw new Error('parsed');
}

describe('parseJsonWithPositions', () => {
  const text = [
    '{',
    '  "title": "a \\"quoted\\" title with \\\\ and \\u00e9 and { [ , :",',
    '  "list": [',
    '    {"file": "a.ris", "n": 1},',
    '    {"file": "b.ris", "n": -2.5e3},',
    '    [true, false, null, []]',
    '  ],',
    '  "empty": {}',
    '}',
  ].join('\n');

  it('builds the value JSON.parse builds', () => {
    expect(parseJsonWithPositions(text).value).toEqual(JSON.parse(text));
  });

  it('knows the line and column of every key and value, in every entry of a list', () => {
    const doc = parseJsonWithPositions(text);
    expect(doc.at(['list', 1, 'file'])!.key).toMatchObject(where(text, '"file": "b.ris"'));
    expect(doc.at(['list', 1, 'file'])!.value).toMatchObject(where(text, '"b.ris"'));
    expect(doc.at(['list', 1, 'n'])!.value).toMatchObject(where(text, '-2.5e3'));
    expect(doc.at(['list', 2, 2])!.value).toMatchObject(where(text, 'null'));
    expect(doc.at(['list', 2, 3])!.value).toMatchObject(where(text, '[]]'));
    expect(doc.at(['empty'])!.value).toMatchObject(where(text, '{}'));
    expect(doc.at(['list', 5])).toBeUndefined();
    const title = doc.at(['title'])!;
    expect(text.slice(title.value.offset, title.end)).toBe('"a \\"quoted\\" title with \\\\ and \\u00e9 and { [ , :"');
    expect(text.slice(doc.at([])!.value.offset, doc.at([])!.end)).toBe(text);
  });

  it('counts CRLF and lone CR as one line break, and does not count a BOM as a column', () => {
    const crlf = '\uFEFF{"a": 1,\r\n "b": [\r\n  2]}';
    const doc = parseJsonWithPositions(crlf);
    expect(doc.at(['a'])!.key).toMatchObject({ line: 1, column: 2 });
    expect(doc.at(['b', 0])!.value).toMatchObject({ line: 3, column: 3 });
    expect(parseJsonWithPositions('{"a":\r1}').at(['a'])!.value).toMatchObject({ line: 2, column: 1 });
  });

  it('keeps "__proto__" as an own property, like JSON.parse, and lists repeated keys', () => {
    const doc = parseJsonWithPositions('{"__proto__": {"polluted": true}, "a": 1,\n"a": 2}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(doc.value)).toBe(Object.prototype);
    expect(Object.keys(doc.value as object)).toEqual(['__proto__', 'a']);
    expect((doc.value as { a: number }).a).toBe(2);
    expect(doc.repeatedKeys.map((r) => [r.path, r.first.key!.line, r.repeat.key!.line])).toEqual([[['a'], 1, 2]]);
  });

  it('reports syntax errors at their line and column, in plain words', () => {
    const missingComma = '{\n  "title": "x"\n  "sources": []\n}';
    expect(syntaxError(missingComma).position).toMatchObject({ line: 3, column: 3 });
    expect(syntaxError(missingComma).message).toMatch(/missing comma/);
    const trailing = '{\n  "a": [1, 2,\n  ]\n}';
    expect(syntaxError(trailing).position).toMatchObject({ line: 2, column: 13 });
    expect(syntaxError(trailing).message).toMatch(/no comma after the last entry/);
    expect(syntaxError('{"a": "never closed\n}').message).toMatch(/never closed/);
    expect(syntaxError("{'a': 1}").message).toMatch(/double quotes/);
    expect(syntaxError('{"a": 1} // note').message).toMatch(/no comments/);
    expect(syntaxError('{"a": 01}').message).toMatch(/not a valid JSON number/);
    expect(syntaxError('{"a": "\\x"}').message).toMatch(/invalid escape/);
    expect(syntaxError('{"a": 1').message).toMatch(/ends inside the object opened at line 1/);
    expect(syntaxError('').message).toMatch(/ends where a value should be/);
  });

  it('refuses deep nesting instead of overflowing the stack, and stays linear', () => {
    expect(syntaxError('['.repeat(100_000)).message).toMatch(/nested more than/);
    // 2 MB in one line: a scan that went back to count lines, or rescanned strings, would not finish.
    const big = JSON.stringify({ list: Array.from({ length: 50_000 }, (_, i) => ({ id: `r${i}`, text: 'x\\"y'.repeat(3) })) });
    const started = performance.now();
    expect(parseJsonWithPositions(big).at(['list', 49_999, 'id'])!.value.column).toBe(big.lastIndexOf('"r49999"') + 1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('accepts exactly what JSON.parse accepts on a sample of odd inputs', () => {
    for (const sample of ['1', '"x"', 'true', ' [ ] ', '{"a":{"b":[{"c":"\\ud83d\\ude00"}]}}', '[1,]', '{,}', '[01]', '[1.]', '[.5]', '[-]', 'nul', '"\t"', '[1e5, -0, 0.5E-3]']) {
      let expected: unknown;
      let ok = true;
      try {
        expected = JSON.parse(sample);
      } catch {
        ok = false;
      }
      if (ok) expect(parseJsonWithPositions(sample).value, sample).toEqual(expected);
      else expect(() => parseJsonWithPositions(sample), sample).toThrow(JsonSyntaxError);
    }
  });
});

describe('offsetInString', () => {
  it('maps an index in the decoded string to its place in the text, past escapes', () => {
    const text = '{"q": "\\"a b\\" AND \\u0028c"}';
    const doc = parseJsonWithPositions(text);
    const value = (doc.value as { q: string }).q;
    const node = doc.at(['q'])!;
    for (const [index, char] of [[value.indexOf('A'), 'A'], [value.indexOf('c'), 'c'], [0, '\\']] as const) {
      expect(text[offsetInString(text, node.value.offset, index)]).toBe(char);
    }
  });
});
