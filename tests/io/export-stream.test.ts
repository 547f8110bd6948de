/**
 * An export read in chunks from its file (io/export-stream.ts, what `import` does) gives what the
 * same file read whole gives (decodeAndParse): the same records with the same raw hashes, the same
 * warnings with the same lines, the same errors. Files here are above the 64 KiB first read, so the
 * chunked path runs (the cuts at every position are tests/formats/ris-stream and encoding-chunks).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random.js';
import { decodeText } from '../../src/formats/encoding.js';
import { decodeAndParse } from '../../src/formats/registry.js';
import { streamExport, streamExportBytes } from '../../src/io/export-stream.js';
import { assignIds, loadSource } from '../../src/io/review.js';
import type { ParsedRecord } from '../../src/model/record.js';
import { FIXTURES } from '../formats/helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-export-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The RIS fixtures (UTF-8 ones) repeated to about `size` characters. */
function risText(size: number): string {
  const parts = readdirSync(FIXTURES)
    .filter((f) => f.startsWith('ris-') && !f.includes('utf16') && !f.includes('latin1'))
    .map((f) => decodeText(readFileSync(path.join(FIXTURES, f))).text);
  let text = '';
  while (text.length < size) for (const p of parts) text += p + '\n';
  return text;
}

/** Read with `read` (from the file or from bytes in memory), keeping what a restart leaves. */
async function collect(read: (options: Parameters<typeof streamExport>[1]) => ReturnType<typeof streamExport>) {
  const records: ParsedRecord[] = [];
  let restarts = 0;
  try {
    const result = await read({
      onRecord: (r) => records.push(r),
      onRestart: () => {
        restarts++;
        records.length = 0;
      },
    });
    return { outcome: { format: result.format, dialect: result.dialect, records, warnings: result.warnings }, streamed: result.streamed, restarts };
  } catch (err) {
    return { outcome: { error: (err as Error).message }, streamed: false, restarts };
  }
}

const streamed = (file: string, format?: string) => collect((options) => streamExport(file, { ...options, format }));

function whole(file: string, format?: string, bytes: Buffer = readFileSync(file)) {
  try {
    const r = decodeAndParse(bytes, file, format);
    return { format: r.format, dialect: r.dialect, records: r.records, warnings: r.warnings };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const text = risText(300_000);
const latinOnly = text.replace(/[^\x00-\x7f]/g, 'e');
const cp1252Cut = latinOnly.lastIndexOf('TI  - ') + 6;
const CASES: Record<string, Buffer> = {
  'utf-8': Buffer.from(text),
  'utf-8, 2.5 MB (several chunks)': Buffer.from(risText(2_500_000)),
  'crlf': Buffer.from(text.replace(/\n/g, '\r\n')),
  'cr only': Buffer.from(text.replace(/\n/g, '\r')),
  'bom': Buffer.from('\uFEFF' + text),
  'utf-16le bom': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  'utf-16be bom': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]).swap16(),
  'windows-1252, first non-UTF-8 byte near the end': Buffer.concat([Buffer.from(latinOnly.slice(0, cp1252Cut), 'latin1'), Buffer.from([0x93, 0xe9, 0x94]), Buffer.from(latinOnly.slice(cp1252Cut), 'latin1')]),
  'bom, then windows-1252': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(latinOnly.slice(0, cp1252Cut), 'latin1'), Buffer.from([0x80]), Buffer.from(latinOnly.slice(cp1252Cut), 'latin1')]),
  'utf-8 cut inside a character at the end': Buffer.concat([Buffer.from(text), Buffer.from([0xe2, 0x80])]),
  'no final newline, last record without ER': Buffer.from(text.trimEnd() + '\nTY  - JOUR\nTI  - last\nAB  - no ER'),
  'hostile: stray CRs, BOMs and NULs mid-file, a 3 MB field, a 300,000-value field': Buffer.from(
    text.replace(/TI {2}- /g, (m, i: number) => (i % 7 === 0 ? '\r' + m : i % 11 === 0 ? '\uFEFF' + m : i % 13 === 0 ? '\u0000' + m : m)) +
      'TY  - JOUR\nAB  - ' +
      'x'.repeat(3_000_000) +
      '\nKW  - ' +
      'k;'.repeat(300_000),
  ),
  'RIS head, then another format': Buffer.from(text + '\n%0 Journal Article\n%T x\n\n@article{k, title={t}}\n'),
  'CSV (read whole)': Buffer.from('Title,Authors,Year\n' + 'A title,"Doe, J",2020\n'.repeat(5000)),
  'blank head (read whole)': Buffer.from(' '.repeat(70_000) + '\n' + text),
  'binary after a text head': Buffer.concat([Buffer.from(text.slice(0, 70_000)), Buffer.alloc(100_000)]),
};

describe('an export read in chunks equals the same file read whole', () => {
  for (const [name, bytes] of Object.entries(CASES)) {
    it(name, async () => {
      const file = path.join(dir, name.replace(/\W+/g, '-') + '.txt');
      writeFileSync(file, bytes);
      const got = await streamed(file);
      expect(got.outcome).toEqual(whole(file));
      if (name.includes('windows-1252')) expect(got.restarts).toBe(1);
      if (name.includes('read whole')) expect(got.streamed).toBe(false);
      else if (!('error' in got.outcome)) expect(got.streamed).toBe(true);
    });
  }

  it('--format ris and --format csv on a RIS file', async () => {
    const file = path.join(dir, 'forced.ris');
    writeFileSync(file, CASES['utf-8']);
    for (const format of ['ris', 'csv', 'bibtex']) expect((await streamed(file, format)).outcome).toEqual(whole(file, format));
  });

  it('40 randomly damaged files: CR, LF, NUL, BOM, stray UTF-8 bytes, tags inserted anywhere', async () => {
    const random = seededRandom(2024);
    const INSERTS = ['\r', '\n', '\r\n', '\u0000', '\uFEFF', 'TY  - ', 'ER  - ', '\nER  -\n', '\nTY  - JOUR\n', 'é', '“', '😀', 'AB  - '];
    const base = text.slice(0, 120_000);
    for (let c = 0; c < 40; c++) {
      let damaged = base;
      for (let k = 0; k < 30; k++) {
        const at = Math.floor(random() * damaged.length);
        damaged = damaged.slice(0, at) + INSERTS[Math.floor(random() * INSERTS.length)] + damaged.slice(at);
      }
      let bytes = Buffer.from(damaged);
      // Now and then a byte that is not UTF-8, so the Windows-1252 restart runs.
      if (c % 5 === 0) {
        const at = Math.floor(random() * bytes.length);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]);
      }
      const file = path.join(dir, `damaged-${c}.ris`);
      writeFileSync(file, bytes);
      expect((await streamed(file)).outcome, file).toEqual(whole(file));
    }
  });
});

/** streamExportBytes, as a review reads an export (the bytes it hashed for the cache key). */
const streamedBytes = (bytes: Buffer, file: string, format?: string) => collect((options) => streamExportBytes(bytes, file, { ...options, format }));

describe('an export read in chunks from its bytes (a review) equals the same bytes read whole', () => {
  const MORE: Record<string, Buffer> = {
    ...CASES,
    'empty (read whole)': Buffer.alloc(0),
    'small (read whole)': Buffer.from(text.slice(0, 4000)),
    'a PDF (read whole)': Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(text)]),
  };
  for (const [name, bytes] of Object.entries(MORE)) {
    it(name, async () => {
      const file = path.join(dir, 'bytes-' + name.replace(/\W+/g, '-') + '.txt');
      const got = await streamedBytes(bytes, file);
      expect(got.outcome).toEqual(whole(file, undefined, bytes));
      if (name.includes('windows-1252')) expect(got.restarts).toBe(1);
      if (name.includes('read whole')) expect(got.streamed).toBe(false);
      else if (!('error' in got.outcome)) expect(got.streamed).toBe(true);
    });
  }

  it('--format ris, csv and bibtex', async () => {
    const file = path.join(dir, 'bytes-forced.ris');
    for (const format of ['ris', 'csv', 'bibtex']) expect((await streamedBytes(CASES['utf-8'], file, format)).outcome).toEqual(whole(file, format, CASES['utf-8']));
  });

  it('loadSource: the same ids, records and warnings as the export decoded and parsed whole', async () => {
    const source = { key: 'db', database: 'Database', file: 'windows-1252.ris', searchDate: '2024-01-01', searchString: 'x' };
    const bytes = CASES['windows-1252, first non-UTF-8 byte near the end'];
    const file = path.join(dir, source.file);
    writeFileSync(file, bytes);
    const loaded = await loadSource(dir, source as Parameters<typeof loadSource>[1]);
    const expected = decodeAndParse(bytes, file);
    const warnings = [...expected.warnings];
    expect(loaded.records).toEqual(assignIds(expected.records, source, warnings));
    expect(loaded.warnings).toEqual(warnings);
    expect([loaded.format, loaded.dialect, loaded.recordCount]).toEqual([expected.format, expected.dialect, expected.records.length]);
  });
});
