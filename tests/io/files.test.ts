import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { readExportText, readInputBytes, readInputText, INPUT_LIMITS } from '../../src/io/files.js';
import { LitscreenError } from '../../src/errors.js';
import { REPO, tempDir, removeDir } from '../helpers/cli.js';

/**
 * Hostile inputs are refused before they are read whole: special files by their stat, binary
 * files by their first 64 KiB, oversized files by a documented limit. Each case would hang, run
 * out of memory or say something vaguer without the sniffing in src/io/files.ts.
 */

const dir = tempDir();
afterAll(() => removeDir(dir));

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof LitscreenError)) throw e;
    return `${e.exitCode} ${e.format()}`;
  }
  return 'no error';
}

/** Run a snippet against the built module in a child with a memory ceiling, so the unfixed code cannot take the machine down. */
function inChild(snippet: string, stdinFile?: string) {
  const module = path.join(REPO, 'dist/io/files.js');
  if (!existsSync(module)) throw new Error('dist/ is not built; run npm run build first');
  const script = `import { readInputBytes } from ${JSON.stringify(module)};\n` +
    `try { ${snippet}; console.log('read'); } catch (e) { console.log(e.exitCode, e.format ? e.format() : String(e)); }`;
  const stdin = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  try {
    return spawnSync('sh', ['-c', 'ulimit -v 4000000; exec "$0" --input-type=module -e "$1"', process.execPath, script], {
      stdio: [stdin, 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
  }
}

describe('special files are refused by their stat, before they are opened', () => {
  it('a FIFO (opening it would block until a writer comes)', { timeout: 5000 }, async () => {
    const fifo = path.join(dir, 'export.ris');
    execFileSync('mkfifo', [fifo]);
    expect(await failure(readExportText(fifo))).toBe(
      `3 ${fifo}: is a FIFO, not an export file (pipe it to standard input with '-' instead)`,
    );
  });
  it('a directory', async () => {
    expect(await failure(readExportText(dir))).toBe(`3 ${dir}: is a directory, not an export file`);
    expect(await failure(readInputText(dir))).toBe(`3 ${dir}: is a directory, not a text file`);
  });
  it('a socket', { timeout: 5000 }, async () => {
    const socket = path.join(dir, 'export.sock');
    const server = net.createServer().listen(socket);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      expect(await failure(readExportText(socket))).toBe(`3 ${socket}: is a socket, not an export file`);
    } finally {
      server.close();
    }
  });
  it.skipIf(!existsSync('/dev/zero'))('/dev/zero (a character device never ends)', () => {
    const run = inChild(`await readInputBytes('/dev/zero')`);
    expect(run.stdout.trim()).toBe(`3 /dev/zero: is a character device, not an export file (pipe it to standard input with '-' instead)`);
  });
  it('a missing file', async () => {
    expect(await failure(readExportText(path.join(dir, 'nope.ris')))).toBe(`3 ${path.join(dir, 'nope.ris')}: no such file`);
  });
});

describe('binary content is refused from its first 64 KiB', () => {
  it('standard input of endless zeros stops after the first chunk', () => {
    const run = inChild(`await readInputBytes('-')`, '/dev/zero');
    expect(run.stdout.trim()).toMatch(/^3 standard input:1: looks like only NUL bytes/);
  });
  it('a 50 MB file of zeros', async () => {
    const file = path.join(dir, 'zeros.ris');
    writeFileSync(file, '');
    truncateSync(file, 50 * 1024 * 1024);
    expect(await failure(readExportText(file))).toMatch(new RegExp(`^3 ${file}:1: looks like only NUL bytes \\(a disk image`));
  });
  it('a zip (an .xlsx) says what it is and what to do', async () => {
    const file = path.join(dir, 'scopus.csv');
    const xlsx = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]),
      Buffer.from('\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0[Content_Types].xml'),
      Buffer.alloc(200, 7),
      Buffer.from('PK\x03\x04\0\0\0\0xl/workbook.xml'),
    ]);
    writeFileSync(file, xlsx);
    expect(await failure(readExportText(file))).toBe(`3 ${file}:1: looks like a zip archive (an .xlsx workbook) — export as CSV`);
  });
  it('a PDF and a gzip', async () => {
    const pdf = path.join(dir, 'paper.ris');
    writeFileSync(pdf, '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n');
    expect(await failure(readExportText(pdf))).toMatch(/:1: looks like a PDF document — export the references as RIS or CSV/);
    const gz = path.join(dir, 'export.ris.gz');
    writeFileSync(gz, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3]));
    expect(await failure(readExportText(gz))).toMatch(/:1: looks like gzip-compressed data — decompress it first/);
  });
  it('UTF-16 still passes (its NULs are by design), with a BOM and without', async () => {
    const withBom = path.join(REPO, 'fixtures/formats/ris-utf16le.ris');
    expect(await readExportText(withBom)).toContain('Łódź');
    const bomless = path.join(dir, 'bomless.ris');
    writeFileSync(bomless, Buffer.from('TY  - JOUR\r\nTI  - Ärger\r\nER  - \r\n'.repeat(3000), 'utf16le'));
    expect((await readExportText(bomless)).startsWith('TY  - JOUR\r\nTI  - Ärger')).toBe(true);
  });
  it('a stray NUL inside a long text file is left to the readers', async () => {
    const file = path.join(dir, 'stray.ris');
    writeFileSync(file, 'TY  - JOUR\nTI  - a\0b\nER  - \n' + 'TY  - JOUR\nTI  - ab\nER  - \n'.repeat(5000));
    expect((await readInputBytes(file)).length).toBe(readFileSync(file).length);
  });
});

describe('size limits', () => {
  it('a file larger than the caller\'s limit is refused and the limit named', async () => {
    const file = path.join(dir, 'big.csv');
    writeFileSync(file, 'Title\n' + 'a title\n'.repeat(300_000));
    expect(await failure(readInputText(file, { maxBytes: 1024 * 1024, kind: 'decision log' }))).toBe(
      `3 ${file}: larger than 1 MiB, the limit for a decision log (no hand-edited file is this big)`,
    );
    expect(await readInputText(file)).toHaveLength(6 + 8 * 300_000);
  });
  it('a protocol over 4 MiB is refused', async () => {
    const file = path.join(dir, 'litscreen.json');
    writeFileSync(file, '{"title": "x",' + ' '.repeat(INPUT_LIMITS.protocol) + '}');
    expect(await failure(readInputText(file, { maxBytes: INPUT_LIMITS.protocol, kind: 'protocol' }))).toBe(
      `3 ${file}: larger than 4 MiB, the limit for a protocol (no hand-edited file is this big)`,
    );
  });
  it('documented limits: exports 500 MiB, tables 64 MiB, protocol 4 MiB', () => {
    expect(INPUT_LIMITS).toEqual({ export: 500 * 1024 * 1024, table: 64 * 1024 * 1024, protocol: 4 * 1024 * 1024 });
  });
});

describe('the protocol reader uses the protocol limit', () => {
  it('loadProtocol refuses a litscreen.json over 4 MiB before parsing it', async () => {
    const { loadProtocol } = await import('../../src/io/protocol.js');
    const review = tempDir({ 'litscreen.json': '{"title": "x",' + ' '.repeat(INPUT_LIMITS.protocol) + '}' });
    try {
      expect(await failure(loadProtocol(review))).toBe(
        `3 ${path.join(review, 'litscreen.json')}: larger than 4 MiB, the limit for a protocol (no hand-edited file is this big)`,
      );
    } finally {
      removeDir(review);
    }
  });
});
