/**
 * `litscreen import` counts a big RIS export in parts read in parallel (io/parallel-count.ts), and
 * tallies RIS entries without making records (ris/to-record.ts tallyEntry). Both must give exactly
 * what one thread making every record gives: the same record counts, the same warnings on the same
 * lines, the same format, dialect and encoding. Checked on every fixture and shared-corpus file
 * (cut into parts whatever their size, and tallied in one part) and on texts built to put every
 * tokenizer state at a cut.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import type { RecordTally } from '../../src/io/parallel-count.js';
import { REPO } from '../helpers/cli.js';
import { CORPUS, HAS_CORPUS, walk } from '../formats/helpers.js';

// The built modules (npm test builds first): the parts after the first are read by worker threads,
// which run the built JavaScript, as the installed command does.
const built = <T>(module: string): Promise<T> => import(pathToFileURL(path.join(REPO, 'dist', module)).href) as Promise<T>;
const { streamExport } = await built<typeof import('../../src/io/export-stream.js')>('io/export-stream.js');
const { addToTally } = await built<typeof import('../../src/io/parallel-count.js')>('io/parallel-count.js');
const { runImport } = await built<typeof import('../../src/commands/import.js')>('commands/import.js');

const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-parallel-count-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const newTally = (): RecordTally => ({ records: 0, withAbstract: 0, withDoi: 0, withYear: 0 });
/** A read that restarts as Windows-1252 voids what was tallied so far (as runImport does). */
const restart = (tally: RecordTally) => () => Object.assign(tally, newTally());

/** One thread, as every reader reads: the records tallied one by one. */
async function inOneThread(file: string) {
  const tally = newTally();
  try {
    const result = await streamExport(file, { onRecord: (r) => addToTally(tally, r), onRestart: restart(tally) });
    return { tally, format: result.format, dialect: result.dialect, encoding: result.encoding, warnings: result.warnings, parts: result.parts };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Tallied, with the file cut into `parts` whatever its size. */
async function inParts(file: string, parts: number) {
  const tally = newTally();
  try {
    const result = await streamExport(file, { onRecord: (r) => addToTally(tally, r), onRestart: restart(tally), tally, parallel: { parts, minBytes: 0 } });
    return { tally, format: result.format, dialect: result.dialect, encoding: result.encoding, warnings: result.warnings, parts: result.parts };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * RIS files only (the others never reach the parallel path; comparing them would only cost time),
 * and only those past the 64 KiB first read (smaller files are read whole).
 */
const isRis = (file: string) => /\.(ris|txt)$/i.test(file);
const SNIFF_BYTES = 64 * 1024;

/**
 * Every RIS file below `root` read in `parts` parts and in one part (tallied), each compared with
 * one thread making every record; how many files past the first read there are, and how many were cut.
 */
async function compareAll(root: string, parts: number): Promise<{ big: number; cut: number }> {
  const files = walk(root).filter(isRis);
  let cut = 0;
  for (const file of files) {
    const one = await inOneThread(file);
    const split = await inParts(file, parts);
    if ('parts' in split && split.parts !== undefined) cut++;
    expect({ ...split, parts: undefined }, file).toEqual({ ...one, parts: undefined });
    expect(await inParts(file, 1), file).toEqual(one);
  }
  return { big: files.filter((f) => statSync(f).size > SNIFF_BYTES).length, cut };
}

describe('counting in parallel parts gives what one thread gives', () => {
  it('on every RIS fixture', async () => {
    const { big, cut } = await compareAll(path.join(REPO, 'fixtures'), 3);
    // The parallel path really ran: every RIS fixture past the first read has TY lines to cut at.
    expect(big).toBeGreaterThan(0);
    expect(cut).toBe(big);
  });

  it.runIf(HAS_CORPUS)('on every RIS file of the shared corpus', async () => {
    const { big, cut } = await compareAll(CORPUS, 2);
    expect(cut).toBeGreaterThan(big / 2);
  }, 120_000);

  it('with a cut at every kind of record end: ER, no ER, an Ovid NL after ER, junk lines, CRLF, a BOM-led export', async () => {
    const records = [
      'TY  - JOUR\nTI  - closed by ER\nAB  - first line\n  continued\nER  - \n\n',
      'TY  - JOUR\nTI  - no ER before the next TY\nAU  - Smith, J\n',
      'TY  - JOUR\nTI  - Ovid style\nER  - \nNL  - J Abbrev\n\n12.\n',
      'TY  - BOOK\r\nTI  - CRLF lines\r\nPY  - 2001\r\nER  - \r\n',
      'TY  - JOUR\nAB  - no title here\nER  - \nsome junk outside a record\n',
      'TY  - JOUR\nTI  - lone CR inside\rAU  - Doe, A\nER  - \n',
      'AU  - no TY at all\nTI  - kept with a warning\nER  - \n',
      'TY  - JOUR\nTI  - Caf\u00e9 \u2013 a wide dash\nDO  - 10.1000/xyz123\nER  - \n',
    ];
    for (const [n, head] of [
      [0, ''],
      [1, '\uFEFF'],
    ] as const) {
      let text = head;
      // Past the 64 KiB first read, below which a file is read whole.
      for (let i = 0; text.length < 300_000; i++) text += records[(i * 7 + n) % records.length];
      const file = path.join(dir, `mixed-${n}.ris`);
      writeFileSync(file, text);
      const one = await inOneThread(file);
      expect(one).not.toHaveProperty('error');
      expect(await inParts(file, 1)).toEqual(one);
      for (const parts of [2, 3, 5, 8]) {
        const split = await inParts(file, parts);
        expect(split.parts, `${parts} parts`).toBeGreaterThan(1);
        expect({ ...split, parts: undefined }, `${parts} parts`).toEqual({ ...one, parts: undefined });
      }
    }
  });

  it('a Windows-1252 file (a byte that is not UTF-8 at its start) is cut and read as Windows-1252 in every part', async () => {
    const file = path.join(dir, 'latin1.ris');
    const record = (i: number) => `TY  - JOUR\nTI  - Caf\xe9 ${i}\nAU  - M\xfcller, J\nPY  - 2001\n${i % 5 ? 'ER  - \n' : ''}`;
    writeFileSync(file, Buffer.from(Array.from({ length: 6000 }, (_, i) => record(i)).join(''), 'latin1'));
    const one = await inOneThread(file);
    expect(one).toMatchObject({ encoding: 'windows-1252', tally: { records: 6000, withYear: 6000 } });
    for (const parts of [2, 4]) {
      const split = await inParts(file, parts);
      expect(split.parts).toBe(parts);
      expect({ ...split, parts: undefined }).toEqual({ ...one, parts: undefined });
    }
  });

  it('a file that turns out not to be UTF-8 past the first part is counted in one thread, as Windows-1252', async () => {
    const record = 'TY  - JOUR\nTI  - plain ascii title\nER  - \n';
    const file = path.join(dir, 'late-latin1.ris');
    writeFileSync(file, Buffer.concat([Buffer.from(record.repeat(3000)), Buffer.from('TY  - JOUR\nTI  - Caf\xe9\nER  - \n', 'latin1')]));
    const one = await inOneThread(file);
    const split = await inParts(file, 4);
    expect(split.parts).toBeUndefined();
    expect(split).toEqual(one);
    expect(one).toMatchObject({ encoding: 'windows-1252', tally: { records: 3001 } });
  });

  it('`import` uses it only when asked to tally and the file is big enough', async () => {
    const file = path.join(dir, 'small.ris');
    writeFileSync(file, 'TY  - JOUR\nTI  - a\nER  - \n'.repeat(5000));
    const result = await runImport({ files: [file], tallyOnly: true });
    expect(result.parts).toEqual([undefined]);
    expect(result.files[0].records).toBe(5000);
  });
});
