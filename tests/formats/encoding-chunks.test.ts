/**
 * Decoding an export a chunk at a time gives decodeText's text exactly, wherever the chunks are
 * cut (inside a multi-byte character, inside a BOM, between the bytes of a UTF-16 unit), and
 * finds Windows-1252 as decodeText does: a UTF-8 pass that meets an invalid sequence starts over.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random.js';
import { bomLength, createChunkDecoder, decodeText, encodingFromHead } from '../../src/formats/encoding.js';
import { CORPUS, FIXTURES, HAS_CORPUS } from './helpers.js';

function decodeInChunks(bytes: Uint8Array, cuts: number[]): { text: string; encoding: string; pieces: string[] } {
  const head = encodingFromHead(bytes.subarray(0, 65536));
  for (const encoding of [head, 'windows-1252'] as const) {
    const decoder = createChunkDecoder(encoding, bomLength(bytes.subarray(0, 3)));
    const pieces: string[] = [];
    let at = 0;
    let failed = false;
    for (const cut of [...cuts, bytes.length]) {
      const out = decoder.decode(bytes.subarray(at, cut), cut === bytes.length);
      at = cut;
      if (!out) {
        failed = true;
        break;
      }
      pieces.push(...out);
    }
    if (!failed) return { text: pieces.join(''), encoding, pieces };
  }
  throw new Error('unreachable: Windows-1252 decodes any byte');
}

function cutsOf(length: number, count: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(random() * length)).sort((a, b) => a - b);
}

const SAMPLES: Record<string, Uint8Array> = {
  'utf-8 with every width': Buffer.from('TY  - JOUR\nTI  - café – “quoted” 日本 😀\nER  - \n'.repeat(50)),
  'utf-8 BOM': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('TY  - JOUR\nTI  - é\nER  - \n')]),
  'utf-8 BOM then invalid': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('TY  - JOUR\nTI  - '), Buffer.from([0xe9, 0x93]), Buffer.from('\nER  - \n')]),
  'windows-1252 late': Buffer.concat([Buffer.from('TY  - JOUR\nTI  - caf\u00e9\nER  - \n'.repeat(100)), Buffer.from([0x93, 0x41, 0x94, 0x80, 0x0a])]),
  'cut utf-8 at the end': Buffer.concat([Buffer.from('TY  - JOUR\nTI  - x'), Buffer.from([0xe2, 0x80])]),
  'utf-16le BOM': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('TY  - JOUR\nTI  - 😀 é\nER  - \n', 'utf16le')]),
  'utf-16le no BOM': Buffer.from('TY  - JOUR\nTI  - 😀 é\nER  - \n'.repeat(20), 'utf16le'),
  'utf-16be BOM': Buffer.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('TY  - JOUR\nTI  - 😀 é\nER  - \n', 'utf16le')]).swap16()),
  'long lines around 16 KB runs': Buffer.from(('AB  - ' + 'é'.repeat(9000) + '\n' + 'x'.repeat(17000) + '\n' + 'ā'.repeat(5) + '\n').repeat(3)),
};

describe('decoding in chunks equals decodeText', () => {
  for (const [name, bytes] of Object.entries(SAMPLES)) {
    it(`${name}: every single cut, and 3 × 40 random cuts`, () => {
      const expected = decodeText(bytes);
      const limit = Math.min(bytes.length, 300);
      for (let cut = 0; cut <= limit; cut++) expect(decodeInChunks(bytes, [cut])).toMatchObject(expected);
      for (const seed of [1, 2, 3]) expect(decodeInChunks(bytes, cutsOf(bytes.length, 40, seed))).toMatchObject(expected);
    });
  }

  const files = readdirSync(FIXTURES).map((f) => path.join(FIXTURES, f));
  if (HAS_CORPUS) for (const dir of ['asreview-demo-data', 'reflib-tests', 'rispy-tests', 'jabref-importer-tests']) for (const f of readdirSync(path.join(CORPUS, dir))) files.push(path.join(CORPUS, dir, f));
  it.each(files)('%s', (file) => {
    const bytes = readFileSync(file);
    const expected = decodeText(bytes);
    expect(decodeInChunks(bytes, [])).toMatchObject(expected);
    expect(decodeInChunks(bytes, cutsOf(bytes.length, 30, 9))).toMatchObject(expected);
  });

  it('lines with characters above U+00FF are decoded apart from the lines around them', () => {
    const bytes = Buffer.from('TY  - JOUR\nTI  - plain\nAB  - a “quote”\nER  - \n');
    expect(decodeInChunks(bytes, []).pieces).toEqual(['TY  - JOUR\nTI  - plain\n', 'AB  - a “quote”\n', 'ER  - \n']);
  });
});
