import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { litscreen, copyOfSeedReview, removeDir, REPO } from '../helpers/cli.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

const LOG = 'decisions/full-text/first-author.csv';
const NOTE = 'checked twice, "really"; see\tp. 4\nsecond line';

/** A copy of the seed review whose full-text log a spreadsheet re-saved; and two included ids. */
function reviewWithLog(save: (rows: string[][]) => string | Buffer) {
  const dir = copyOfSeedReview();
  cleanup.push(dir);
  const log = path.join(dir, LOG);
  writeFileSync(log, save(parse(readFileSync(log), { columns: false }) as string[][]));
  const included = JSON.parse(litscreen(['list', dir, '--stage', 'included', '--json']).stdout) as { id: string }[];
  return { dir, log, ids: [included[0].id, included[1].id] };
}

const quote = (delimiter: string) => (c: string) => (c.includes(delimiter) || /["\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
const spreadsheets: [string, string, string, (rows: string[][]) => string][] = [
  ['Excel on Windows (CRLF, commas)', ',', '\r\n', (rows) => rows.map((r) => r.map(quote(',')).join(',')).join('\r\n') + '\r\n'],
  ['European Excel (BOM, semicolons, CRLF)', ';', '\r\n', (rows) => '\ufeff' + rows.map((r) => r.map(quote(';')).join(';')).join('\r\n') + '\r\n'],
  ['"Unicode text" re-encoded as UTF-8 (tabs, CRLF, no final newline)', '\t', '\r\n', (rows) => rows.map((r) => r.map(quote('\t')).join('\t')).join('\r\n')],
  ['old Mac Excel (lone CR)', ',', '\r', (rows) => rows.map((r) => r.map(quote(',')).join(',')).join('\r') + '\r'],
  ['a text editor (LF, no final newline)', ',', '\n', (rows) => rows.map((r) => r.map(quote(',')).join(',')).join('\n')],
];

describe('decide appends to a log a spreadsheet saved, in its own conventions', () => {
  for (const [name, delimiter, lineEnd, save] of spreadsheets) {
    it(name, () => {
      const { dir, log, ids } = reviewWithLog(save);
      const before = readFileSync(log);
      for (const [i, id] of ids.entries()) {
        const run = litscreen(['decide', dir, id, 'exclude', '--stage', 'full-text', '--reviewer', 'first-author', '--reason', 'not-empirical', ...(i === 1 ? ['--note', NOTE] : [])]);
        expect(run.status, run.stderr).toBe(0);
      }
      // Both decisions count: two included studies fewer (the bug glued the second onto the first).
      const flow = litscreen(['verify', dir]);
      expect(flow.stderr).toContain('new_studies: expected 11, found 9');
      expect(flow.stderr).not.toMatch(/csv:\d+: /);
      // Bytes before are untouched; a strict reader told only this file's delimiter and line end
      // reads the two new rows, cell for cell.
      const after = readFileSync(log);
      expect(after.subarray(0, before.length).equals(before)).toBe(true);
      const rows = parse(after.subarray(before.length), { delimiter, record_delimiter: lineEnd, relax_column_count: false, skip_empty_lines: true }) as string[][];
      expect(rows.map((r) => r.slice(1))).toEqual([
        [ids[0], 'exclude', 'not-empirical', ''],
        [ids[1], 'exclude', 'not-empirical', NOTE],
      ]);
      expect(after.toString('utf8').endsWith(lineEnd)).toBe(true);
    });
  }
});

describe('a torn last row is reported with its line, never read as a decision', () => {
  const torn: [string, string][] = [
    ['fewer cells than the header, no final newline', '2024-05-01T10:00:00.000Z,psycinfo:2017-14097-006,excl'],
    ['a quoted note that never ends', '2024-05-01T10:00:00.000Z,psycinfo:2017-14097-006,exclude,not-empirical,"half a no'],
  ];
  for (const [name, tail] of torn) {
    it(name, () => {
      const dir = copyOfSeedReview();
      cleanup.push(dir);
      const log = path.join(dir, LOG);
      const text = readFileSync(log, 'utf8');
      const lastLine = text.trimEnd().split('\n').length + 1;
      writeFileSync(log, text + tail);
      for (const command of [['flow', dir], ['decide', dir, 'psycinfo:2017-14097-006', 'include', '--stage', 'full-text', '--reviewer', 'first-author']]) {
        const run = litscreen(command);
        expect(run.status, run.stderr).toBe(3);
        expect(run.stderr).toContain(`first-author.csv:${lastLine}: last row is incomplete (the write was interrupted); delete that line or complete it`);
      }
      expect(readFileSync(log, 'utf8')).toBe(text + tail);
      // Deleting the line, as the message says, is all it takes.
      writeFileSync(log, text);
      expect(litscreen(['flow', dir]).status).toBe(0);
    });
  }
});

describe('kill test (small): SIGKILLed and concurrent decides', () => {
  it('20 decides killed at random moments and 2 writers x 10 on one log: nothing confirmed lost, nothing torn or interleaved', () => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'scripts/kill-test.mjs'), '--kills', '20', '--writers', '2', '--per-writer', '10', '--json'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const figures = JSON.parse(run.stdout);
    expect(figures.problems).toEqual([]);
    expect(figures.writerConfirmed).toBe(20);
    expect(figures.confirmedMissing).toBe(0);
    expect(figures.interleavedOrForeign).toBe(0);
    expect(figures.tornMisread).toBe(0);
    expect(figures.strictParseFailures).toBe(0);
    expect(figures.olderBytesChanged).toBe(0);
  }, 600_000);
});
