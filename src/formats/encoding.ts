/**
 * Bytes → text for every export format. Vendors save UTF-8 (with or without BOM), Excel and
 * EndNote on Windows save UTF-16 with BOM or Windows-1252. Line endings are left alone here:
 * the readers split lines themselves so that line numbers count physical lines.
 */
import { isAscii, isUtf8 } from 'node:buffer';
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
  // The BOM and UTF-16 decisions are the ones a chunked read makes from the head (encodingFromHead).
  const encoding = encodingFromHead(bytes);
  const body = bytes.subarray(bomLength(bytes));
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return { text: new TextDecoder(encoding).decode(body), encoding };
  // isUtf8 + Buffer.toString is the strict check of TextDecoder('utf-8', {fatal: true}) at
  // several times its speed on large exports.
  if (isUtf8(body)) {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    return { text, encoding };
  }
  // Not valid UTF-8: the usual other choice of Windows tools (and a superset of Latin-1 for text).
  return { text: decodeWindows1252(body), encoding: 'windows-1252' };
}

// ---------------------------------------------------------------- decoding in chunks

/**
 * The encoding of an export from its first bytes, as decodeText would choose it: a BOM, or UTF-16
 * by its zero bytes, else UTF-8 — which a stream can only confirm by reading to the end (an
 * invalid sequence makes it Windows-1252; ChunkDecoder.decode returns undefined then).
 */
export function encodingFromHead(head: Uint8Array): TextEncodingName {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  return sniffBomlessUtf16(head) ?? 'utf-8';
}

/** Bytes of the BOM a file starts with (decodeText drops it, whatever the encoding turns out to be). */
export function bomLength(head: Uint8Array): number {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 3;
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return 2;
  return 0;
}

/** Decodes an export a chunk of bytes at a time; the texts joined are decodeText's text. */
export interface ChunkDecoder {
  /**
   * The text of `bytes` (a multi-byte character cut at the end waits for the next chunk), as
   * several strings; `final` for the last chunk. undefined when the bytes are not valid UTF-8
   * for a UTF-8 decoder: the whole file then reads as Windows-1252, from the start.
   */
  decode(bytes: Uint8Array, final: boolean): string[] | undefined;
}

/**
 * How large the strings a UTF-8 chunk is decoded into are: V8 stores a string with one byte per
 * character only when every character is at most U+00FF. Decoding a chunk as one string makes the
 * whole chunk two bytes a character as soon as one curly quote or Greek letter is in it, so lines
 * with such characters are decoded as strings of their own, and the ASCII/Latin-1 lines around
 * them in runs of up to this many bytes. Values sliced from one-byte strings take half the memory.
 */
const RUN_BYTES = 16 * 1024;

/**
 * First bytes of UTF-8 sequences for characters above U+00FF (C2/C3 lead Latin-1 characters), as
 * characters of the Latin-1 view of the bytes: a native regex finds them at memory speed, where a
 * JavaScript loop over the bytes cost three times the decoding itself.
 */
const WIDE_LEAD_RE = /[\xc4-\xf4]/g;

/**
 * A decoder for one pass over a file that starts with a BOM of `bomBytes` (bomLength of its head;
 * also for the Windows-1252 pass after a UTF-8 BOM, which decodeText drops too).
 */
export function createChunkDecoder(encoding: TextEncodingName, bomBytes: number): ChunkDecoder {
  let bomToSkip = bomBytes;
  let tail: Uint8Array | undefined;
  const take = (bytes: Uint8Array): Uint8Array => {
    let b = bytes;
    if (tail) {
      const joined = new Uint8Array(tail.length + b.length);
      joined.set(tail);
      joined.set(b, tail.length);
      b = joined;
      tail = undefined;
    }
    if (bomToSkip > 0) {
      const skip = Math.min(bomToSkip, b.length);
      bomToSkip -= skip;
      b = b.subarray(skip);
    }
    return b;
  };
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const decoder = new TextDecoder(encoding);
    return {
      decode(bytes, final) {
        const text = decoder.decode(take(bytes), { stream: !final });
        return text === '' ? [] : [text];
      },
    };
  }
  if (encoding === 'windows-1252') {
    return {
      decode(bytes) {
        const b = take(bytes);
        return b.length === 0 ? [] : [decodeWindows1252(b)];
      },
    };
  }
  return {
    decode(bytes, final) {
      let b = take(bytes);
      if (!final) {
        const cut = completeUtf8Length(b);
        if (cut < b.length) {
          tail = b.slice(cut);
          b = b.subarray(0, cut);
        }
      }
      if (!isUtf8(b)) return undefined;
      return utf8Runs(b);
    },
  };
}

/** Length of the part of `b` that does not end inside a multi-byte character. */
function completeUtf8Length(b: Uint8Array): number {
  const n = b.length;
  for (let back = 1; back <= 4 && back <= n; back++) {
    const c = b[n - back];
    if (c < 0x80) return n;
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > back ? n - back : n;
    }
  }
  return n;
}

/** Valid UTF-8 → strings: runs of one-byte-able lines, and each line with a wider character alone. */
function utf8Runs(b: Uint8Array): string[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out: string[] = [];
  const n = buf.length;
  let runStart = 0;
  for (let pieceStart = 0; pieceStart < n; ) {
    let pieceEnd = Math.min(n, pieceStart + RUN_BYTES);
    // Never inside a character: toString would make two U+FFFD of its halves.
    while (pieceEnd < n && (buf[pieceEnd] & 0xc0) === 0x80) pieceEnd--;
    if (!isAscii(buf.subarray(pieceStart, pieceEnd))) {
      const latin1 = buf.toString('latin1', pieceStart, pieceEnd);
      WIDE_LEAD_RE.lastIndex = 0;
      for (let m = WIDE_LEAD_RE.exec(latin1); m !== null; m = WIDE_LEAD_RE.exec(latin1)) {
        // The run before this character's line, then the line (through its LF) alone.
        const at = pieceStart + m.index;
        const lineStart = Math.max(runStart, buf.lastIndexOf(10, at) + 1);
        if (lineStart > runStart) out.push(buf.toString('utf8', runStart, lineStart));
        const lf = buf.indexOf(10, at);
        const lineEnd = lf === -1 ? n : lf + 1;
        out.push(buf.toString('utf8', lineStart, lineEnd));
        runStart = lineEnd;
        if (lineEnd >= pieceEnd) break;
        WIDE_LEAD_RE.lastIndex = lineEnd - pieceStart;
      }
    }
    if (pieceEnd > runStart && (pieceEnd - runStart >= RUN_BYTES || pieceEnd === n)) {
      out.push(buf.toString('utf8', runStart, pieceEnd));
      runStart = pieceEnd;
    }
    pieceStart = Math.max(pieceEnd, runStart);
  }
  return out;
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

/** How many bytes of an input are looked at before the rest is read (see describeNonText). */
export const SNIFF_BYTES = 64 * 1024;

/**
 * File types reviewers hand us by mistake, by their first bytes, with what to do instead. Checked
 * before the rest of a file is read, so a 2 GB zip or disk image costs one 64 KiB read.
 */
const MAGIC: { bytes: number[]; what: (head: Uint8Array) => string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: describeZip },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: () => 'an empty zip archive' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: () => 'a PDF document — export the references as RIS or CSV, not the article' },
  { bytes: [0x1f, 0x8b], what: () => 'gzip-compressed data — decompress it first (gunzip)' },
  { bytes: [0x42, 0x5a, 0x68], what: () => 'bzip2-compressed data — decompress it first (bunzip2)' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: () => 'xz-compressed data — decompress it first (unxz)' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: () => 'zstd-compressed data — decompress it first (unzstd)' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: () => 'a 7-Zip archive — extract it first' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: () => 'a RAR archive — extract it first' },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    what: () => 'an old Office file (an .xls or .doc?) — export as CSV (or RIS) instead',
  },
  {
    bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00],
    what: () => 'an SQLite database (a Zotero or EndNote library?) — export the references as RIS from the reference manager',
  },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: () => 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: () => 'a JPEG image' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: () => 'a program (ELF executable)' },
];

function describeZip(head: Uint8Array): string {
  // The first local file names of an Office Open XML package sit in the first KB.
  const names = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 4096)).toString('latin1');
  if (names.includes('xl/')) return 'a zip archive (an .xlsx workbook) — export as CSV';
  if (names.includes('word/')) return 'a zip archive (a .docx document) — export the references as RIS or CSV';
  if (names.includes('[Content_Types].xml')) return 'a zip archive (an .xlsx?) — export as CSV';
  return 'a zip archive — extract the export from it first';
}

/**
 * What the first bytes of an input look like when they cannot be a text export, or undefined
 * when they could be. UTF-16 passes (its NULs are by design: a BOM or the alternating pattern);
 * otherwise known binary magic and NUL bytes beyond a stray few are refused.
 * Only `head` is looked at, so callers pass the first SNIFF_BYTES of a file.
 */
export function describeNonText(head: Uint8Array): string | undefined {
  if (head.length === 0) return undefined;
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return undefined;
  for (const m of MAGIC) {
    if (head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b)) return m.what(head);
  }
  if (sniffBomlessUtf16(head)) return undefined;
  const n = Math.min(head.length, SNIFF_BYTES);
  let nul = 0;
  for (let i = 0; i < n; i++) if (head[i] === 0) nul++;
  if (nul === n) return 'only NUL bytes (a disk image, a device, or a file that was never written?), not a text export';
  // A stray NUL or two is damage inside a real export; many are binary data. (Other control
  // bytes are judged after decoding, by looksBinary.)
  if (nul > 8 && nul > n / 1000) return `binary data (${nul} NUL bytes in the first ${formatBytes(n)}), not a text export`;
  return undefined;
}

/** "64 KiB", "3 MB": sizes in messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KiB`;
  return `${Math.round(n / (1024 * 1024))} MiB`;
}

/** Decode and reject what cannot be an export (empty, binary). */
export function decodeExport(bytes: Uint8Array, file: string): DecodedText {
  if (bytes.length === 0) throw inputError('empty file', { file, line: 1 });
  const nonText = describeNonText(bytes.subarray(0, SNIFF_BYTES));
  if (nonText) throw inputError(`looks like ${nonText}`, { file, line: 1 });
  const decoded = decodeText(bytes);
  if (looksBinary(decoded.text)) throw inputError('binary data, not a text export', { file, line: 1 });
  if (decoded.text.trim() === '') throw inputError('empty file', { file, line: 1 });
  return decoded;
}
