#!/usr/bin/env node
// Peak memory of refusing hostile inputs (a 50 MB file of zeros, /dev/zero on standard input):
// each is read by a child process through dist/io/files.js and its max RSS reported. Shows that
// refusal costs the first 64 KiB, not the file. Run after npm run build:
//   node scripts/read-memory.mjs [path/to/dist]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.argv[2] ?? path.join(repo, 'dist'));
const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-mem-'));
const zeros = path.join(dir, 'zeros.ris');
writeFileSync(zeros, '');
truncateSync(zeros, 50 * 1024 * 1024);

function measure(label, file, stdinFile) {
  const script =
    `import { readExportText } from ${JSON.stringify(path.join(dist, 'io/files.js'))};\n` +
    `let outcome; try { await readExportText(${JSON.stringify(file)}); outcome = 'read'; } catch (e) { outcome = e.format ? e.format() : String(e); }\n` +
    `console.log(JSON.stringify({ outcome, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));`;
  const stdin = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  // A memory ceiling and a time limit, so an unfixed build cannot take the machine down.
  const run = spawnSync('sh', ['-c', 'ulimit -v 4000000; exec "$0" --input-type=module -e "$1"', process.execPath, script], {
    stdio: [stdin, 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL',
  });
  if (typeof stdin === 'number') closeSync(stdin);
  const result = run.stdout.trim() ? JSON.parse(run.stdout.trim().split('\n').pop()) : { outcome: `killed (${run.signal ?? run.status}) ${run.stderr.trim().split('\n').pop() ?? ''}`, maxRssMiB: '-' };
  console.log(`${label.padEnd(34)} ${String(result.maxRssMiB).padStart(6)} MiB  ${result.outcome}`);
}

const baseline = spawnSync(process.execPath, ['-e', 'console.log(Math.round(process.resourceUsage().maxRSS / 1024))'], { encoding: 'utf8' });
console.log(`${'node doing nothing'.padEnd(34)} ${baseline.stdout.trim().padStart(6)} MiB`);
measure('50 MB file of zeros', zeros);
measure('/dev/zero as a path', '/dev/zero');
measure('/dev/zero on standard input (-)', '-', '/dev/zero');
rmSync(dir, { recursive: true, force: true });
