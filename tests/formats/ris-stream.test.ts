/**
 * The RIS reader fed in chunks (as `import` reads a big export) gives exactly what it gives fed
 * the whole text: the same records, raw tags, raw hashes (so the same ids), warnings and line
 * numbers, wherever the chunks are cut — between CR and LF, inside a tag, inside a BOM'd or
 * multi-byte line, one character at a time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random.js';
import { decodeText } from '../../src/formats/encoding.js';
import { parseRis, RisTokenizer, streamRis, tokenizeRis, type RisEntry } from '../../src/formats/ris/index.js';
import type { ParsedRecord } from '../../src/model/record.js';
import { CORPUS, FIXTURES, HAS_CORPUS } from './helpers.js';

function streamed(text: string, cuts: number[]) {
  const records: ParsedRecord[] = [];
  const stream = streamRis('x.ris', (r) => records.push(r));
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    stream.push(text.slice(at, cut));
    at = cut;
  }
  const { format, dialect, warnings } = stream.end();
  return { format, dialect, records, warnings };
}

const whole = (text: string) => parseRis(text, 'x.ris');

/** The tokenizer alone (streamRis holds the first 64 KB back for the dialect, so small texts reach it whole). */
function tokenizedInChunks(text: string, cuts: number[]) {
  const entries: RisEntry[] = [];
  const tokenizer = new RisTokenizer('x.ris', (e) => entries.push(e));
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    tokenizer.push(text.slice(at, cut));
    at = cut;
  }
  return { ...tokenizer.end(), entries };
}
function tokenizedWhole(text: string) {
  const entries: RisEntry[] = [];
  return { ...tokenizeRis(text, 'x.ris', (e) => entries.push(e)), entries };
}

function randomCuts(length: number, count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const cuts = Array.from({ length: count }, () => Math.floor(random() * length));
  return cuts.sort((a, b) => a - b);
}

/** Hostile and odd inputs: each line-end style, stray CRs, BOMs, NULs, no final newline, no ER. */
const ODD: Record<string, string> = {
  'lf': 'TY  - JOUR\nTI  - One\nAU  - A, B\nER  - \n\nTY  - JOUR\nTI  - Two\nER  - \n',
  'crlf': 'TY  - JOUR\r\nTI  - One\r\nAB  - first\r\n  continued\r\nER  - \r\n\r\nTY  - BOOK\r\nTI  - Two\r\nER  - \r\n',
  'cr only': 'TY  - JOUR\rTI  - a\rER  - \r\rTY  - JOUR\rTI  - b\rER  - \r',
  'stray CRs': 'TY  - JOUR\nTI  - a\rTY  - JOUR\r\r\nTI  - b\r\r\rER  - \n\r',
  'bom and mid-file bom': '\uFEFFTY  - JOUR\nTI  - a\nER  - \n\uFEFFTY  - JOUR\nTI  - b\nER  - \n',
  'nul and controls': 'TY  - JOUR\nTI  - a\u0000b\u0001\nER  - \n\u0000\nTY  - JOUR\nTI  - c\nER  - ',
  'no final newline, no ER': 'TY  - JOUR\nTI  - a\nER  - \nTY  - JOUR\nTI  - b\nAB  - c',
  'no TY, junk, NL after ER': 'junk line\nJF  - J\nT1  - orphan\nER  -\n1.\nTY  - JOUR\nTI  - x\nER  - \nNL  - Abbrev\n\nLink to the Ovid Full Text\n',
  'non-Latin-1 text': 'TY  - JOUR\nTI  - Ærø — 日本語 😀 test\nAU  - Łukasz, Ż\nER  - \n',
  'many values': 'TY  - JOUR\nTI  - t\n' + 'KW  - k\n'.repeat(3000) + 'ER  - \n',
};

describe('RIS read in chunks equals RIS read whole', () => {
  for (const [name, text] of Object.entries(ODD)) {
    it(`${name}: cut at every position, and one character at a time`, () => {
      const tokens = tokenizedWhole(text);
      const limit = Math.min(text.length, 400);
      for (let cut = 0; cut <= limit; cut++) expect(tokenizedInChunks(text, [cut])).toEqual(tokens);
      const everyCharacter = Array.from({ length: text.length }, (_, i) => i);
      expect(tokenizedInChunks(text, everyCharacter)).toEqual(tokens);
      expect(streamed(text, everyCharacter)).toEqual(whole(text));
    });
  }

  const files = readdirSync(FIXTURES)
    .filter((f) => f.startsWith('ris-'))
    .map((f) => path.join(FIXTURES, f));
  if (HAS_CORPUS) {
    for (const dir of ['asreview-demo-data', 'zotero-translators-testcases', 'rispy-tests', 'reflib-tests', 'synthesisr-tests']) {
      const folder = path.join(CORPUS, dir);
      for (const f of readdirSync(folder)) if (/\.ris$/i.test(f)) files.push(path.join(folder, f));
    }
  }
  it.each(files)('%s, cut at 50 random positions (3 seeds)', (file) => {
    const text = decodeText(readFileSync(file)).text;
    const expected = whole(text);
    const tokens = tokenizedWhole(text);
    for (const seed of [1, 2, 3]) {
      const cuts = randomCuts(text.length, 50, seed);
      expect(tokenizedInChunks(text, cuts)).toEqual(tokens);
      expect(streamed(text, cuts)).toEqual(expected);
    }
  });
});

describe('RIS read in chunks, beyond the 64 KB held back for the dialect', () => {
  it('fixtures repeated to ~400 KB, with CRLF and LF parts: same records at 200 random cuts', () => {
    const parts = readdirSync(FIXTURES)
      .filter((f) => f.startsWith('ris-') && !f.includes('utf16'))
      .map((f) => decodeText(readFileSync(path.join(FIXTURES, f))).text);
    let text = '';
    while (text.length < 400_000) for (const p of parts) text += p + '\n';
    const expected = whole(text);
    expect(expected.records.length).toBeGreaterThan(500);
    for (const seed of [7, 8]) expect(streamed(text, randomCuts(text.length, 200, seed))).toEqual(expected);
  });
});
