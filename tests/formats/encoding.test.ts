import { describe, expect, it } from 'vitest';
import { decodeExport, decodeText, describeNonText, looksBinary } from '../../src/formats/encoding.js';
import { LitscreenError } from '../../src/errors.js';
import { fixture } from './helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('decodeText', () => {
  it('reads UTF-8 without BOM', () => {
    expect(decodeText(enc('TY  - JOUR\nTI  - Café\n'))).toEqual({ text: 'TY  - JOUR\nTI  - Café\n', encoding: 'utf-8' });
  });
  it('strips a UTF-8 BOM and keeps CRLF for the readers', () => {
    const { text, encoding } = decodeText(fixture('ris-crlf-bom.ris'));
    expect(encoding).toBe('utf-8-bom');
    expect(text.startsWith('TY  - JOUR\r\n')).toBe(true);
  });
  it('reads UTF-16 LE with BOM', () => {
    const { text, encoding } = decodeText(fixture('ris-utf16le.ris'));
    expect(encoding).toBe('utf-16le');
    expect(text).toContain('Łódź');
  });
  it('reads UTF-16 BE with BOM', () => {
    const s = 'TY  - JOUR\nTI  - Ärger\n';
    const bytes = new Uint8Array(2 + s.length * 2);
    bytes[0] = 0xfe;
    bytes[1] = 0xff;
    for (let i = 0; i < s.length; i++) {
      bytes[2 + 2 * i] = s.charCodeAt(i) >> 8;
      bytes[3 + 2 * i] = s.charCodeAt(i) & 0xff;
    }
    expect(decodeText(bytes)).toEqual({ text: s, encoding: 'utf-16be' });
  });
  it('reads UTF-16 LE without BOM by its zero bytes', () => {
    const s = 'TY  - JOUR\nTI  - plain ascii title\nER  - \n';
    const bytes = new Uint8Array(s.length * 2);
    for (let i = 0; i < s.length; i++) bytes[2 * i] = s.charCodeAt(i);
    expect(decodeText(bytes)).toEqual({ text: s, encoding: 'utf-16le' });
  });
  it('falls back to Windows-1252 when the bytes are not UTF-8', () => {
    const { text, encoding } = decodeText(fixture('ris-latin1.ris'));
    expect(encoding).toBe('windows-1252');
    expect(text).toContain('“Café culture” and community care in São Paulo');
    expect(text).toContain('Müller, Jürgen');
  });
});

describe('decodeExport', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(LitscreenError);
      return `${(e as LitscreenError).exitCode} ${(e as LitscreenError).format()}`;
    }
    return 'no error';
  };
  it('rejects an empty or whitespace-only file', () => {
    expect(code(() => decodeExport(new Uint8Array(), 'a.ris'))).toBe('3 a.ris:1: empty file');
    expect(code(() => decodeExport(enc('\n\n  \r\n'), 'a.ris'))).toBe('3 a.ris:1: empty file');
  });
  it('rejects binary data', () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]);
    expect(code(() => decodeExport(zip, 'x.xlsx'))).toBe('3 x.xlsx:1: looks like a zip archive — extract the export from it first');
    expect(code(() => decodeExport(new Uint8Array(70_000), 'z.ris'))).toMatch(/^3 z\.ris:1: looks like only NUL bytes/);
    expect(looksBinary('\u0001\u0002\u0003\u0004abc')).toBe(true);
    expect(looksBinary('TY  - JOUR\r\n\tindented\f')).toBe(false);
  });
});

describe('describeNonText (the first bytes of an input)', () => {
  const bytes = (...b: (number | string)[]) =>
    Buffer.concat(b.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.from(x, 'latin1'))));
  it('names common binary files and what to do instead', () => {
    expect(describeNonText(bytes('PK\x03\x04', '\0'.repeat(26), '[Content_Types].xml'))).toBe('a zip archive (an .xlsx?) — export as CSV');
    expect(describeNonText(bytes('%PDF-1.4\n'))).toMatch(/^a PDF document/);
    expect(describeNonText(bytes(0x1f, 0x8b, 8, 0))).toMatch(/^gzip-compressed data/);
    expect(describeNonText(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1))).toMatch(/\.xls or \.doc/);
    expect(describeNonText(bytes('SQLite format 3\0'))).toMatch(/SQLite database/);
  });
  it('NUL-heavy bytes are binary; a stray NUL is not', () => {
    expect(describeNonText(new Uint8Array(65536))).toMatch(/^only NUL bytes/);
    expect(describeNonText(bytes('TY  - JOUR\n'.repeat(100), '\0'.repeat(20), 'ER  - \n'))).toMatch(/^binary data \(20 NUL bytes/);
    expect(describeNonText(bytes('TY  - JOUR\nTI  - a\0b\nER  - \n', 'TY  - JOUR\nER  - \n'.repeat(500)))).toBeUndefined();
  });
  it('UTF-16 passes: BOM or the alternating pattern', () => {
    expect(describeNonText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('TY  - JOUR\n', 'utf16le')]))).toBeUndefined();
    expect(describeNonText(Buffer.from('TY  - JOUR\nTI  - x\n', 'utf16le'))).toBeUndefined();
    expect(describeNonText(Buffer.from('TY  - JOUR\nTI  - x\n', 'utf16le').swap16())).toBeUndefined();
  });
});
