import { describe, expect, it } from 'vitest';
import { decodeAndParse, detectFormat, READERS } from '../../src/formats/registry.js';
import { LitscreenError } from '../../src/errors.js';
import { fixture } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!(e instanceof LitscreenError)) throw e;
    return `${e.exitCode} ${e.format()}`;
  }
  return 'no error';
}

describe('registry', () => {
  it('registers ris, tsv and csv', () => {
    expect(READERS.map((r) => r.name)).toEqual(expect.arrayContaining(['ris', 'csv', 'tsv']));
  });
  it('detects by content, not by extension', () => {
    expect(detectFormat('TY  - JOUR\nER  - \n')?.name).toBe('ris');
    expect(detectFormat('Title,Authors\nA,B\n')?.name).toBe('csv');
    expect(detectFormat('Title\tAuthors\nA\tB\n')?.name).toBe('tsv');
    expect(detectFormat('hello world\n')).toBeUndefined();
    // A RIS file named .csv is still RIS.
    expect(decodeAndParse(fixture('ris-proquest.ris'), 'export.csv').format).toBe('ris');
  });
  it('an explicit format skips detection', () => {
    expect(decodeAndParse(enc('Title,Year\nA,2001\n'), 'a.txt', 'csv').records[0].year).toBe(2001);
    expect(failure(() => decodeAndParse(enc('x'), 'a.txt', 'nope'))).toMatch(/^2 unknown format "nope"/);
  });
  it('empty, binary and unknown files are input errors with file:line', () => {
    expect(failure(() => decodeAndParse(new Uint8Array(), 'e.ris'))).toBe('3 e.ris:1: empty file');
    expect(failure(() => decodeAndParse(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 0, 0, 3]), 'p.pdf'))).toBe(
      '3 p.pdf:1: binary data, not a text export',
    );
    // The list grows as readers are registered.
    expect(failure(() => decodeAndParse(enc('just some notes\nnothing else\n'), 'n.txt'))).toMatch(
      /^3 n\.txt:1: no known export format \(looked for RIS, .*CSV.*\)$/,
    );
  });
  it('a delimited file without a title column says which column is missing', () => {
    expect(failure(() => decodeAndParse(enc('Name,Authors,Year\nx,y,2001\n'), 'n.csv'))).toMatch(
      /^3 n\.csv:1: no column can hold the title \(looked for Title, TI, Primary Title/,
    );
  });
  it('decodes UTF-16 and Windows-1252 before detecting', () => {
    expect(decodeAndParse(fixture('ris-utf16le.ris'), 'u.ris').records[0].title).toBe('Résumé of foster care outcomes in Łódź');
    expect(decodeAndParse(fixture('ris-latin1.ris'), 'l.ris').records[0].authors[0].family).toBe('Müller');
  });
});

import { READERS as ALL_READERS } from '../../src/formats/registry.js';
import { EXPORT_FORMAT_NAMES } from '../../src/model/protocol.js';
describe('format names', () => {
  it('the protocol accepts exactly the registry\'s format names (plus auto)', () => {
    expect([...EXPORT_FORMAT_NAMES].sort()).toEqual(['auto', ...ALL_READERS.map((r) => r.name)].sort());
  });
});
