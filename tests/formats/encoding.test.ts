import { describe, expect, it } from 'vitest';
import { decodeExport, decodeText, looksBinary } from '../../src/formats/encoding.js';
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
    expect(code(() => decodeExport(zip, 'x.xlsx'))).toBe('3 x.xlsx:1: binary data, not a text export');
    expect(looksBinary('\u0001\u0002\u0003\u0004abc')).toBe(true);
    expect(looksBinary('TY  - JOUR\r\n\tindented\f')).toBe(false);
  });
});
