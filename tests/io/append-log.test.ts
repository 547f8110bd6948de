import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync, existsSync, readdirSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { appendLogRows, readLogTable, parseLogBytes, formatLogRow, detectLineEnd, logLandmarks } from '../../src/io/append-log.js';
import { parseCsvTable } from '../../src/io/csv-table.js';
import { DECISION_LOG_COLUMNS } from '../../src/model/decision.js';
import { LitscreenError } from '../../src/errors.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempLog(content?: string | Uint8Array, name = 'alice.csv'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-append-'));
  dirs.push(dir);
  const file = path.join(dir, 'decisions', 'title-abstract', name);
  if (content !== undefined) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return file;
}

const COLUMNS = [...DECISION_LOG_COLUMNS];
const LINE_ENDS = { LF: '\n', CRLF: '\r\n', CR: '\r' } as const;
const DELIMITERS = { comma: ',', semicolon: ';', tab: '\t' } as const;
const BOM = '\ufeff';

/** What a spreadsheet would have written: every cell quoted where needed, its own line ends. */
function spreadsheetCsv(rows: string[][], delimiter: string, lineEnd: string): string {
  const cell = (c: string) => (c.includes(delimiter) || /["\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return rows.map((r) => r.map(cell).join(delimiter)).join(lineEnd);
}

const OLD_ROWS = [
  ['2018-01-22T09:00:00Z', 'psycinfo:1', 'exclude', 'not empirical', 'old note, with; all\tthree'],
  ['2018-01-22T09:04:00Z', 'psycinfo:2', 'include', '', ''],
];
/** Notes holding every delimiter, quotes, and each kind of line end. */
const NEW_ROWS = [
  ['2024-05-01T10:00:00.000Z', 'psycinfo:3', 'exclude', 'wrong population', 'commas, semicolons; tabs\tand "quotes"'],
  ['2024-05-01T10:00:01.000Z', 'psycinfo:4', 'include', '', 'two\nlines and\r\nwindows ones and a lone\rcr'],
  ['2024-05-01T10:00:02.000Z', 'psycinfo:5', 'include', '', ''],
  ['2024-05-01T10:00:03.000Z', 'psycinfo:6', 'exclude', '"quoted reason"', '"'],
];

/** Strip quoted cells; what is left shows the row structure: delimiters and line ends. */
const unquoted = (text: string) => text.replace(/"(?:[^"]|"")*"/g, 'Q');

describe('appendLogRows keeps a log\'s own conventions, every combination', () => {
  for (const [lineEndName, lineEnd] of Object.entries(LINE_ENDS)) {
    for (const [delimiterName, delimiter] of Object.entries(DELIMITERS)) {
      for (const bom of [false, true]) {
        for (const finalNewline of [true, false]) {
          const name = `${lineEndName}, ${delimiterName}, ${bom ? 'BOM' : 'no BOM'}, ${finalNewline ? 'final newline' : 'no final newline'}`;
          it(name, async () => {
            const old = (bom ? BOM : '') + spreadsheetCsv([COLUMNS, ...OLD_ROWS], delimiter, lineEnd) + (finalNewline ? lineEnd : '');
            const file = tempLog(old);
            const oldBytes = readFileSync(file);

            // Two rows in one call, then one at a time: each call must start on its own line.
            const first = await appendLogRows(file, COLUMNS, NEW_ROWS.slice(0, 2));
            await appendLogRows(file, COLUMNS, [NEW_ROWS[2]]);
            await appendLogRows(file, COLUMNS, [NEW_ROWS[3]]);

            const bytes = readFileSync(file);
            // Nothing before the old end changed: append-only, BOM and all.
            expect(bytes.subarray(0, oldBytes.length).equals(oldBytes)).toBe(true);
            // The reader gives back exactly the old rows and then exactly the new ones.
            const table = await readLogTable(file, COLUMNS);
            expect(table.rows.map((r) => COLUMNS.map((c) => r.cells[c]))).toEqual([...OLD_ROWS, ...NEW_ROWS]);
            expect(first.line).toBe(table.rows[2].line);
            // So does a strict parser told only this file's delimiter and line end.
            const strict = parse(bytes, { bom: true, delimiter, record_delimiter: lineEnd, relax_column_count: false }) as string[][];
            expect(strict).toEqual([COLUMNS, ...OLD_ROWS, ...NEW_ROWS]);
            // The appended text uses only the file's line end and delimiter outside quoted cells.
            const added = unquoted(bytes.subarray(oldBytes.length).toString('utf8'));
            const structure = added.replace(/[^,;\t\r\n]/g, '');
            const expectedRow = delimiter.repeat(COLUMNS.length - 1) + lineEnd;
            expect(structure).toBe((finalNewline ? '' : lineEnd) + expectedRow.repeat(NEW_ROWS.length));
            expect(bytes.subarray(bytes.length - lineEnd.length).toString()).toBe(lineEnd);
          });
        }
      }
    }
  }
});

describe('appendLogRows on a new or empty log', () => {
  it('creates the folder and the log with its header, LF and commas', async () => {
    const file = tempLog();
    const appended = await appendLogRows(file, COLUMNS, [NEW_ROWS[0]]);
    expect(appended).toEqual({ line: 2, created: true });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('time,record_id,decision,reason,note\n2024-05-01T10:00:00.000Z,psycinfo:3,exclude,wrong population,')).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    expect((await readLogTable(file, COLUMNS)).rows.map((r) => r.cells.note)).toEqual([NEW_ROWS[0][4]]);
    // No temp file left beside it.
    expect(readdirSync(path.dirname(file))).toEqual(['alice.csv']);
  });
  for (const [name, content] of [
    ['empty', ''],
    ['only a BOM', BOM],
    ['only a CRLF', '\r\n'],
  ] as const) {
    it(`writes the header into an existing log that is ${name}`, async () => {
      const file = tempLog(content);
      await appendLogRows(file, COLUMNS, [NEW_ROWS[1]]);
      const table = await readLogTable(file, COLUMNS);
      expect(table.rows.map((r) => r.cells.note)).toEqual([NEW_ROWS[1][4]]);
    });
  }
  it('many appends at once to a log nobody has created: one header, every row once', async () => {
    const file = tempLog();
    const rows = Array.from({ length: 30 }, (_, i) => ['2024-05-01T10:00:00.000Z', `psycinfo:${i}`, 'include', '', `note ${i}, "x"`]);
    await Promise.all(rows.map((r) => appendLogRows(file, COLUMNS, [r])));
    const table = await readLogTable(file, COLUMNS);
    expect(table.rows.map((r) => r.cells.record_id).sort()).toEqual(rows.map((r) => r[1]).sort());
    expect(readFileSync(file, 'utf8').match(/^time,/gm)).toHaveLength(1);
  });
  it('many appends at once to one existing log: no row lost or interleaved', async () => {
    const file = tempLog(BOM + spreadsheetCsv([COLUMNS, ...OLD_ROWS], ';', '\r\n') + '\r\n');
    const rows = Array.from({ length: 50 }, (_, i) => ['2024-05-01T10:00:00.000Z', `psycinfo:${i}`, 'exclude', 'r', `note ${i};\n"${'x'.repeat(i * 40)}"`]);
    await Promise.all(rows.map((r) => appendLogRows(file, COLUMNS, [r])));
    const table = await readLogTable(file, COLUMNS);
    expect(table.rows).toHaveLength(OLD_ROWS.length + rows.length);
    const byId = new Map(table.rows.map((r) => [r.cells.record_id, COLUMNS.map((c) => r.cells[c])]));
    for (const r of rows) expect(byId.get(r[1])).toEqual(r);
  });
});

describe('appendLogRows follows the file\'s header, not its own column order', () => {
  it('columns moved about and one added in a spreadsheet', async () => {
    const file = tempLog('record_id,decision,comment,note,time,reason\r\npsycinfo:1,include,mine,,2018-01-01,\r\n');
    await appendLogRows(file, COLUMNS, [NEW_ROWS[0]]);
    const table = await readLogTable(file, COLUMNS);
    const last = table.rows[table.rows.length - 1].cells;
    expect(COLUMNS.map((c) => last[c])).toEqual(NEW_ROWS[0]);
    expect(last.comment).toBe('');
    expect(readFileSync(file, 'utf8').endsWith('\r\n')).toBe(true);
  });
  it('refuses a header that names one of its columns twice', async () => {
    const file = tempLog('time,record_id,decision,reason,note,note\n');
    await expect(appendLogRows(file, COLUMNS, [NEW_ROWS[0]])).rejects.toThrow(/names column note twice/);
  });
});

describe('appendLogRows refuses rather than corrupts', () => {
  const header = COLUMNS.join(',') + '\r\n' + spreadsheetCsv(OLD_ROWS, ',', '\r\n') + '\r\n';
  const cases: [string, Uint8Array | string, RegExp][] = [
    ['a log saved as UTF-16', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(header, 'utf16le')]), /saved as utf-16le; save it as "CSV UTF-8"/],
    ['a log saved as Windows-1252', Buffer.from(header.replace('old note', 'caf\xe9 note'), 'latin1'), /saved as windows-1252/],
    ['a last row cut short (fewer cells, no final newline)', header + '2024-05-01T10:00:00.000Z,psycinfo:9,incl', /alice\.csv:4: last row is incomplete \(the write was interrupted\); delete that line or complete it/],
    ['a last row whose quoted note never ends', header + '2024-05-01T10:00:00.000Z,psycinfo:9,include,,"a note cut', /alice\.csv:4: last row is incomplete/],
    ['a last row whose quoted note never ends, across lines', header + '2024-05-01T10:00:00.000Z,psycinfo:9,include,,"a note\r\ncut', /alice\.csv:4: last row is incomplete.*delete from this line to the end/],
    ['a last row cut inside a character', Buffer.concat([Buffer.from(header + '2024-05-01T10:00:00.000Z,psycinfo:9,include,,"caf'), Buffer.from([0xc3])]), /alice\.csv:4: last row is incomplete/],
  ];
  for (const [name, content, message] of cases) {
    it(name, async () => {
      const file = tempLog(content);
      const before = readFileSync(file);
      const error = await appendLogRows(file, COLUMNS, [NEW_ROWS[0]]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LitscreenError);
      expect((error as LitscreenError).exitCode).toBe(3);
      expect((error as LitscreenError).format()).toMatch(message);
      expect(readFileSync(file).equals(before)).toBe(true);
    });
  }
  it('a folder or FIFO in the log\'s place', async () => {
    const file = tempLog();
    mkdirSync(file, { recursive: true });
    await expect(appendLogRows(file, COLUMNS, [NEW_ROWS[0]])).rejects.toThrow(/folder/);
  });
});

describe('the reader never takes a torn row for a decision', () => {
  it('reports a torn last row with its line, as an error (exit 3)', async () => {
    const file = tempLog('time,record_id,decision,reason,note\n2018-01-01,psycinfo:1,include,,\n2018-01-02,psycinfo:2,exc');
    const error = await readLogTable(file, COLUMNS).catch((e: unknown) => e);
    expect((error as LitscreenError).exitCode).toBe(3);
    expect((error as LitscreenError).format()).toBe(`${file}:3: last row is incomplete (the write was interrupted); delete that line or complete it`);
  });
  it('a complete last row without a final newline is a row, and the next append starts a new line', async () => {
    const file = tempLog('time;record_id;decision;reason;note\r\n2018-01-01;psycinfo:1;include;;');
    expect((await readLogTable(file, COLUMNS)).rows).toHaveLength(1);
    await appendLogRows(file, COLUMNS, [NEW_ROWS[0]]);
    expect(readFileSync(file, 'utf8')).toMatch(/^time;record_id;decision;reason;note\r\n2018-01-01;psycinfo:1;include;;\r\n2024-05-01T10:00:00\.000Z;psycinfo:3;exclude;wrong population;"[^\n]*"\r\n$/);
  });

  // A write cut after any byte (power loss; a process killed mid-write) must read as the old rows,
  // or as an error naming the last line, or as the complete new row: never as a different decision.
  // (The rows here hold a last cell; a cut in the prefix newline or the row's own line end is covered too.)
  for (const [lineEndName, lineEnd] of Object.entries(LINE_ENDS)) {
    for (const [delimiterName, delimiter] of Object.entries(DELIMITERS)) {
      for (const finalNewline of [true, false]) {
        it(`a write cut at every byte: ${lineEndName}, ${delimiterName}, ${finalNewline ? 'final newline' : 'none'}`, async () => {
          const old = BOM + spreadsheetCsv([COLUMNS, ...OLD_ROWS], delimiter, lineEnd) + (finalNewline ? lineEnd : '');
          const file = tempLog(old);
          const oldBytes = readFileSync(file);
          for (const row of [...NEW_ROWS, ['2024-05-01T10:00:00.000Z', 'psycinfo:7', 'exclude', 'não empírico', 'é']]) {
            writeFileSync(file, oldBytes);
            await appendLogRows(file, COLUMNS, [row]);
            const full = readFileSync(file);
            for (let cut = oldBytes.length; cut <= full.length; cut++) {
              let rows: string[][];
              try {
                rows = parseLogBytes(full.subarray(0, cut), file, COLUMNS).rows.map((r) => COLUMNS.map((c) => r.cells[c]));
              if (rows.length > OLD_ROWS.length + 1) throw new Error('more rows than written');
              } catch (err) {
                expect((err as LitscreenError).format(), `cut at ${cut}`).toMatch(/:4: last row is incomplete/);
                continue;
              }
              const where = `cut at ${cut}: ${JSON.stringify(full.subarray(0, cut).toString())}`;
              if (rows.length === OLD_ROWS.length) {
                expect(rows, where).toEqual(OLD_ROWS);
                continue;
              }
              expect(rows.slice(0, -1), where).toEqual(OLD_ROWS);
              const got = rows[rows.length - 1];
              // Every cell but the last is always exact: a cut before the last delimiter leaves fewer cells.
              expect(got.slice(0, -1), where).toEqual(row.slice(0, -1));
              // The last cell is exact too, but for the two cuts the format cannot show: right after
              // the delimiter before it, or between the two quotes of an escaped quote inside it. The
              // row then reads with that cell (the note) shortened.
              const ambiguous = full[cut - 1] === delimiter.charCodeAt(0) || (full[cut - 1] === 0x22 && full[cut] === 0x22);
              if (ambiguous) expect(row[row.length - 1].startsWith(got[got.length - 1]), where).toBe(true);
              else expect(got, where).toEqual(row);
            }
          }
        });
      }
    }
  }
});

describe('reading logs a spreadsheet or an older litscreen left', () => {
  it('a CRLF log with LF rows appended (what litscreen 0.1 did) reads every row', () => {
    const text = 'time,record_id,decision,reason,note\r\n2018-01-01,psycinfo:1,include,,\r\n2018-01-02,psycinfo:2,include,,\n2018-01-03,psycinfo:3,exclude,,\n';
    const table = parseCsvTable(text, 'x.csv', COLUMNS, { log: true });
    expect(table.rows.map((r) => [r.line, r.cells.record_id, r.cells.note])).toEqual([
      [2, 'psycinfo:1', ''],
      [3, 'psycinfo:2', ''],
      [4, 'psycinfo:3', ''],
    ]);
  });
  it('line numbers count physical lines, a CRLF inside a quoted note as one', () => {
    const text = 'time,record_id,decision,reason,note\r\n1,a,include,,"x\r\ny\r\nz"\r\n\r\n2,b,include,,\r\n3,c,include,,';
    expect(parseCsvTable(text, 'x.csv', COLUMNS).rows.map((r) => r.line)).toEqual([2, 6, 7]);
  });
  it('a lone-CR log (old Mac Excel) reads row by row', () => {
    const text = 'time;record_id;decision;reason;note\r1;a;include;;\r2;b;exclude;;"n"\r';
    expect(parseCsvTable(text, 'x.csv', COLUMNS).rows.map((r) => [r.line, r.cells.record_id])).toEqual([
      [2, 'a'],
      [3, 'b'],
    ]);
  });
  it('a stray CR inside a cell of an LF or CRLF file is cell text, not a new row', () => {
    for (const lineEnd of ['\n', '\r\n']) {
      const text = ['time,record_id,decision,reason,note', '1,a,include,,odd\rnote', '2,b,exclude,,'].join(lineEnd) + lineEnd;
      expect(parseCsvTable(text, 'x.csv', COLUMNS).rows.map((r) => [r.line, r.cells.record_id, r.cells.note])).toEqual([
        [2, 'a', 'odd\rnote'],
        [3, 'b', ''],
      ]);
    }
  });
  it('detects the line end of the header, not of a quoted cell', () => {
    expect(detectLineEnd('a,"b\nc"\r\n')).toBe('\r\n');
    expect(detectLineEnd('a,b\r1,2\r')).toBe('\r');
    expect(detectLineEnd('a,b')).toBe('\n');
  });
  it('formats the last cell quoted only when it holds something', () => {
    expect(formatLogRow(['t', 'id', 'include', '', ''], ',')).toBe('t,id,include,,');
    expect(formatLogRow(['t', 'id', 'include', 'a;b', 'n'], ';')).toBe('t;id;include;"a;b";"n"');
  });
});

describe('a log file name is no place for a FIFO', () => {
  it.skipIf(process.platform === 'win32')('refuses a FIFO instead of waiting for a reader', async () => {
    const file = tempLog();
    const { execFileSync } = await import('node:child_process');
    mkdirSync(path.dirname(file), { recursive: true });
    execFileSync('mkfifo', [file]);
    await expect(appendLogRows(file, COLUMNS, [NEW_ROWS[0]])).rejects.toThrow(/not a regular file/);
    expect(existsSync(file)).toBe(true);
  });
});

describe('an append reads only the header and the last record', () => {
  it('finds the header end, the last record and its line past quoted line ends', () => {
    const text = 'time,record_id,decision,reason,note\r\na,1,include,,"two\r\nlines"\r\n\r\nb,2,exclude,,"x"\r\n';
    const marks = logLandmarks(text, false);
    expect(text.slice(0, marks.headerEnd)).toBe('time,record_id,decision,reason,note\r\n');
    expect(text.slice(marks.lastStart)).toBe('b,2,exclude,,"x"\r\n');
    expect(marks.lastLine).toBe(5);
    expect(marks.lines).toBe(5);
  });

  it('returns the physical line of the first new row, whatever the old end looked like', async () => {
    for (const [old, line] of [
      ['time,record_id,decision,reason,note\na,1,include,,"two\nlines"\n', 4],
      ['time,record_id,decision,reason,note\na,1,include,,"two\nlines"', 4],
      ['time,record_id,decision,reason,note\r\n', 2],
    ] as const) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-append-'));
      const file = path.join(dir, 'alice.csv');
      writeFileSync(file, old);
      const result = await appendLogRows(file, ['time', 'record_id', 'decision', 'reason', 'note'], [['t', '3', 'maybe', '', '']]);
      expect(result.line, JSON.stringify(old)).toBe(line);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still refuses to glue a row onto a torn last record far down a long log', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-append-'));
    const file = path.join(dir, 'alice.csv');
    const rows = Array.from({ length: 5000 }, (_, i) => `2026-01-01T00:00:00Z,db:${i},include,,`).join('\n');
    writeFileSync(file, `time,record_id,decision,reason,note\n${rows}\n2026-01-01T00:00:00Z,db:x,excl`);
    await expect(appendLogRows(file, ['time', 'record_id', 'decision', 'reason', 'note'], [['t', '3', 'maybe', '', '']])).rejects.toThrow(/incomplete/);
    const e = await appendLogRows(file, ['time', 'record_id', 'decision', 'reason', 'note'], [['t', '3', 'maybe', '', '']]).catch((err) => err);
    expect(e.line).toBe(5002);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('appends in one session remember where the log ended', () => {
  it('consecutive appends (notes with line ends too) and a row added by someone else in between all read back in order', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-append-'));
    const file = path.join(dir, 'alice.csv');
    writeFileSync(file, 'time;record_id;decision;reason;note\r\n');
    const cols = ['time', 'record_id', 'decision', 'reason', 'note'];
    const lines: number[] = [];
    lines.push((await appendLogRows(file, cols, [['t1', 'a', 'include', '', 'one\r\ntwo']])).line);
    lines.push((await appendLogRows(file, cols, [['t2', 'b', 'exclude', 'x', '']])).line);
    // Another process (or a person) adds a row: the remembered end no longer matches.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file, 't3;c;maybe;;\r\n');
    lines.push((await appendLogRows(file, cols, [['t4', 'd', 'include', '', 'x;y']])).line);
    lines.push((await appendLogRows(file, cols, [['t5', 'e', 'include', '', '']])).line);
    expect(lines).toEqual([2, 4, 6, 7]);
    const table = await readLogTable(file, cols);
    expect(table.rows.map((r) => [r.line, r.cells.record_id, r.cells.note])).toEqual([
      [2, 'a', 'one\r\ntwo'],
      [4, 'b', ''],
      [5, 'c', ''],
      [6, 'd', 'x;y'],
      [7, 'e', ''],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});
