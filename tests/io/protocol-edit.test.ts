import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { replaceExpectedBlock } from '../../src/io/protocol-edit.js';
import { parseJsonWithPositions } from '../../src/io/json-positions.js';
import { checkProtocolText } from '../../src/io/protocol.js';
import { LitscreenError } from '../../src/errors.js';
import { SEED_REVIEW } from '../helpers/cli.js';

const SEED_TEXT = readFileSync(path.join(SEED_REVIEW, 'litscreen.json'), 'utf8');

const pinned = {
  database_results: 665,
  new_studies: 2,
  included_ids: ['psycinfo:1', 'social-care-online:h2'],
  fulltext_excluded_ids: [{ id: 'psycinfo:3', reason: 'not-empirical' }],
};

/** The text with the `expected` member's value cut out, to compare everything else byte for byte. */
function withoutExpectedValue(text: string): string {
  const node = parseJsonWithPositions(text).at(['expected'])!;
  return text.slice(0, node.value.offset) + '<expected>' + text.slice(node.end);
}

function valueOf(text: string): any {
  return parseJsonWithPositions(text).value;
}

describe('replaceExpectedBlock: an existing block', () => {
  const variants: [string, (t: string) => string][] = [
    ['LF, two spaces', (t) => t],
    ['CRLF', (t) => t.replace(/\n/g, '\r\n')],
    ['tabs', (t) => t.replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2))],
    ['a BOM and CRLF', (t) => '\uFEFF' + t.replace(/\n/g, '\r\n')],
    ['four spaces, no final newline', (t) => t.replace(/^( {2})+/gm, (m) => m + m).trimEnd()],
  ];
  for (const [name, style] of variants) {
    it(`rewrites only the block (${name}), in the file's own style`, () => {
      const before = style(SEED_TEXT);
      const after = replaceExpectedBlock(before, pinned);
      expect(withoutExpectedValue(after)).toBe(withoutExpectedValue(before));
      expect(valueOf(after).expected).toEqual(pinned);
      expect(after.startsWith('\uFEFF')).toBe(before.startsWith('\uFEFF'));
      const crlf = before.includes('\r\n');
      expect(/(^|[^\r])\n/.test(after)).toBe(!crlf); // no bare LF slipped into a CRLF file
      const indent = /\n([ \t]+)"title"/.exec(before)![1];
      expect(after).toContain(`${indent}"expected": {${crlf ? '\r\n' : '\n'}${indent}${indent}"database_results": 665,`);
      expect(after).toContain(`${indent}${indent}${indent}{${crlf ? '\r\n' : '\n'}${indent}${indent}${indent}${indent}"id": "psycinfo:3",`);
      // Still a valid protocol.
      expect(checkProtocolText(after).problems).toEqual([]);
      // Idempotent.
      expect(replaceExpectedBlock(after, pinned)).toBe(after);
    });
  }

  it('keeps a one-line file on one line', () => {
    const compact = JSON.stringify(JSON.parse(SEED_TEXT));
    const after = replaceExpectedBlock(compact, pinned);
    expect(after).not.toContain('\n');
    expect(withoutExpectedValue(after)).toBe(withoutExpectedValue(compact));
    expect(valueOf(after).expected).toEqual(pinned);
  });

  it('finds the block wherever it is, and leaves look-alikes in strings alone', () => {
    const p = JSON.parse(SEED_TEXT);
    const { expected, ...rest } = p;
    const text = JSON.stringify({ expected, ...rest, title: 'The "expected": {} block' }, null, 2) + '\n';
    const after = replaceExpectedBlock(text, pinned);
    expect(withoutExpectedValue(after)).toBe(withoutExpectedValue(text));
    expect(valueOf(after).title).toBe('The "expected": {} block');
    expect(valueOf(after).expected).toEqual(pinned);
  });
});

describe('replaceExpectedBlock: no block yet', () => {
  const withoutBlock = (t: string) => {
    const p = JSON.parse(t.replace(/^\uFEFF/, ''));
    delete p.expected;
    return JSON.stringify(p, null, 2) + '\n';
  };

  for (const [name, style] of [
    ['LF', (t: string) => t],
    ['CRLF and a BOM', (t: string) => '\uFEFF' + t.replace(/\n/g, '\r\n')],
    ['tabs', (t: string) => t.replace(/^( {2})+/gm, (m) => '\t'.repeat(m.length / 2))],
  ] as const) {
    it(`adds it as the last key with matching indentation (${name}), every other byte unchanged`, () => {
      const before = style(withoutBlock(SEED_TEXT));
      const after = replaceExpectedBlock(before, pinned);
      const nl = before.includes('\r\n') ? '\r\n' : '\n';
      const indent = before.includes('\t"title"') ? '\t' : '  ';
      const close = before.lastIndexOf('}');
      const lastValueEnd = before.lastIndexOf('}', close - 1) + 1;
      const inserted = after.slice(lastValueEnd, after.length - (before.length - lastValueEnd));
      expect(after.slice(0, lastValueEnd)).toBe(before.slice(0, lastValueEnd));
      expect(after.slice(lastValueEnd + inserted.length)).toBe(before.slice(lastValueEnd));
      expect(inserted.startsWith(`,${nl}${indent}"expected": {${nl}${indent}${indent}"database_results"`)).toBe(true);
      expect(inserted.endsWith(`${nl}${indent}}`)).toBe(true);
      expect(valueOf(after).expected).toEqual(pinned);
      expect(checkProtocolText(after).problems).toEqual([]);
    });
  }

  it('adds it to an empty object', () => {
    expect(valueOf(replaceExpectedBlock('{}', { new_studies: 1 }))).toEqual({ expected: { new_studies: 1 } });
  });

  it('refuses text that is not a JSON object, or has two expected blocks', () => {
    expect(() => replaceExpectedBlock('{"a": ', {})).toThrow(LitscreenError);
    expect(() => replaceExpectedBlock('[]', {})).toThrow(/not a JSON object/);
    expect(() => replaceExpectedBlock('{"expected": {},\n"expected": {}}', {})).toThrow(/given twice \(lines 1 and 2\)/);
  });
});
