/**
 * Bytes → text for every export format. Vendors save UTF-8 (with or without BOM), Excel and
 * EndNote on Windows save UTF-16 with BOM or Windows-1252. Line endings are left alone here:
 * the readers split lines themselves so that line numbers count physical lines.
 */
import { isUtf8 } from 'node:buffer';
import { inputError } from '../errors.js';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  /** The decoded text without a BOM. */
  text: string;
  encoding: TextEncodingName;
}

/**
 * Bytes 0x80–0x9F of Windows-1252 (curly quotes, dashes, €, …). Node's TextDecoder('windows-1252')
 * decodes these as C1 control characters (ISO-8859-1), so the mapping is done here.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

export function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

/**
 * UTF-16 without a BOM shows up as ASCII with every other byte zero. Only the first KB is
 * looked at; returns the byte order or undefined.
 */
function sniffBomlessUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 1024);
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/** Decode an export's bytes. Never throws for an encoding problem: the Windows-1252 fallback decodes any byte. */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  if (!bom) {
    const utf16 = sniffBomlessUtf16(bytes);
    if (utf16) return { text: new TextDecoder(utf16).decode(bytes), encoding: utf16 };
  }
  const body = bom ? bytes.subarray(3) : bytes;
  // isUtf8 + Buffer.toString is the strict check of TextDecoder('utf-8', {fatal: true}) at
  // several times its speed on large exports.
  if (isUtf8(body)) {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    return { text, encoding: bom ? 'utf-8-bom' : 'utf-8' };
  }
  // Not valid UTF-8: the usual other choice of Windows tools (and a superset of Latin-1 for text).
  return { text: decodeWindows1252(body), encoding: 'windows-1252' };
}

/**
 * Binary data (a PDF, a zip, an .xlsx) rather than a text export: NUL characters in the decoded
 * text, or more than 10% control characters in its first 8 KB.
 */
export function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) control++;
  }
  return n > 0 && control > n * 0.1;
}

/** Decode and reject what cannot be an export (empty, binary). */
export function decodeExport(bytes: Uint8Array, file: string): DecodedText {
  if (bytes.length === 0) throw inputError('empty file', { file, line: 1 });
  const decoded = decodeText(bytes);
  if (looksBinary(decoded.text)) throw inputError('binary data, not a text export', { file, line: 1 });
  if (decoded.text.trim() === '') throw inputError('empty file', { file, line: 1 });
  return decoded;
}
