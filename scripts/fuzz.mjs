#!/usr/bin/env node
// Corruption fuzz over every registered reader (src/formats/registry.ts), starting from real
// exports (../shared/corpus, else fixtures/formats) damaged the ways exports get damaged (see
// scripts/fuzz-cases.mjs). Targets: no exception that is not a LitscreenError (that would be exit
// 70), no case over the time limit, and every record lost or added has a file:line warning.
// Uses the built readers: npm run build first.
//
//   npm run fuzz                          10,000 cases, seed 1
//   npm run fuzz -- --cases 50000 --seed 7
//   npm run fuzz -- --seed 7 --case 1234  replay one case and show what happened
//
// Failing cases are written to fuzz-failures.txt (seed and case of each) and the exit code is 1.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { writeFileSync, existsSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectBaseFiles, poolsByReader, makeCase, runCase } from './fuzz-cases.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(repo, '../shared/corpus');
/** A case slower than this is reported (and fails the run); one with no answer after HANG_MS is killed as a hang. */
const TIME_LIMIT_MS = 5000;
const HANG_MS = 30_000;

async function loadApi() {
  const dist = path.join(repo, 'dist');
  if (!existsSync(path.join(dist, 'formats/registry.js'))) {
    console.error('dist/ is not built: run npm run build first');
    process.exit(2);
  }
  const registry = await import(path.join(dist, 'formats/registry.js'));
  const encoding = await import(path.join(dist, 'formats/encoding.js'));
  const errors = await import(path.join(dist, 'errors.js'));
  return { READERS: registry.READERS, decodeAndParse: registry.decodeAndParse, decodeText: encoding.decodeText, LitscreenError: errors.LitscreenError };
}

function pools(api) {
  const files = collectBaseFiles(repo, existsSync(corpus) ? corpus : undefined);
  return poolsByReader(files, api);
}

if (!isMainThread) {
  // A worker: build the same pools, then run the cases it is sent.
  const api = await loadApi();
  const byReader = new Map(workerData.pools);
  parentPort.on('message', ({ seed, k }) => {
    let result;
    try {
      result = runCase(makeCase(seed, k, byReader, api), api);
    } catch (e) {
      // The harness itself failed on this case (e.g. a mutation threw): report it, do not hide it.
      result = { k, reader: '?', mutation: '?', ms: 0, exception: `harness: ${e.stack}` };
    }
    parentPort.postMessage(result);
  });
} else {
  await main();
}

function parseArgs(argv) {
  const options = { seed: 1, cases: 10_000, case: undefined, workers: Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8)) };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => Number(inline ?? argv[++i]);
    if (flag === '--seed') options.seed = value();
    else if (flag === '--cases') options.cases = value();
    else if (flag === '--case') options.case = value();
    else if (flag === '--workers') options.workers = value();
    else {
      console.error(`unknown option ${argv[i]} (known: --seed N, --cases N, --case K, --workers N)`);
      process.exit(2);
    }
  }
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined && !Number.isInteger(v)) {
      console.error(`--${k} needs a whole number`);
      process.exit(2);
    }
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const api = await loadApi();
  const byReader = pools(api);
  const source = existsSync(corpus) ? `fixtures/formats and ${path.relative(repo, corpus)}` : 'fixtures/formats (no shared corpus beside the clone)';
  const unfed = api.READERS.map((r) => r.name).filter((n) => !byReader.has(n));

  if (options.case !== undefined) return replay(options, byReader, api);

  console.log(`fuzz: seed ${options.seed}, ${options.cases} cases, ${byReader.size} readers, base files from ${source}, ${options.workers} workers`);
  if (unfed.length) console.log(`no base file for: ${unfed.join(', ')} (not fuzzed)`);

  const stats = new Map([...byReader.keys()].map((name) => [name, { cases: 0, exceptions: 0, hangs: 0, slow: 0, mismatches: 0, refused: 0, worstMs: 0, worstCase: -1 }]));
  const failures = [];
  const readers = [...byReader.keys()];
  let next = 0;
  let done = 0;
  const started = Date.now();
  const progress = process.stderr.isTTY;

  await new Promise((resolve) => {
    const spawn = () => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { pools: [...byReader] } });
      let current;
      let timer;
      const dispatch = () => {
        if (next >= options.cases) {
          current = undefined;
          worker.terminate();
          return;
        }
        current = next++;
        timer = setTimeout(() => {
          // Over the limit: count it as a hang, kill the worker (a runaway regex or loop cannot be
          // interrupted any other way) and go on with a fresh one.
          const k = current;
          const reader = readers[k % readers.length];
          const s = stats.get(reader);
          s.cases++;
          s.hangs++;
          s.worstMs = Math.max(s.worstMs, HANG_MS);
          s.worstCase = k;
          failures.push({ k, reader, why: `hang: no answer after ${HANG_MS / 1000} s` });
          current = undefined;
          worker.removeAllListeners('exit');
          worker.terminate();
          done++;
          if (done >= options.cases) resolve();
          else spawn();
        }, HANG_MS);
        worker.postMessage({ seed: options.seed, k: current });
      };
      worker.on('message', (r) => {
        clearTimeout(timer);
        const s = stats.get(r.reader) ?? stats.get(readers[r.k % readers.length]);
        s.cases++;
        if (r.outcome === 'refused') s.refused++;
        if (r.ms > s.worstMs) {
          s.worstMs = r.ms;
          s.worstCase = r.k;
        }
        if (r.exception) {
          s.exceptions++;
          failures.push({ k: r.k, reader: r.reader, why: `exception (${r.mutation}): ${r.exception.split('\n')[0]}` });
        } else if (r.ms > TIME_LIMIT_MS) {
          s.slow++;
          failures.push({ k: r.k, reader: r.reader, why: `slow (${r.mutation}): ${Math.round(r.ms)} ms` });
        } else if (r.mismatch) {
          s.mismatches++;
          failures.push({ k: r.k, reader: r.reader, why: `accounting (${r.mutation}): ${r.mismatch}` });
        }
        done++;
        if (progress && done % 250 === 0) process.stderr.write(`\r${done}/${options.cases} cases`);
        if (done >= options.cases) {
          worker.terminate();
          resolve();
        } else dispatch();
      });
      worker.on('error', (e) => {
        clearTimeout(timer);
        if (current !== undefined) {
          const reader = readers[current % readers.length];
          stats.get(reader).cases++;
          stats.get(reader).exceptions++;
          failures.push({ k: current, reader, why: `worker crashed: ${e.message}` });
          done++;
        }
        if (done >= options.cases) resolve();
        else spawn();
      });
      worker.once('online', dispatch);
    };
    for (let i = 0; i < Math.min(options.workers, options.cases); i++) spawn();
  });
  if (progress) process.stderr.write('\r' + ' '.repeat(30) + '\r');

  const rows = [...stats].map(([name, s]) => [name, s.cases, s.exceptions, s.hangs, s.slow, s.mismatches, s.refused, `${Math.round(s.worstMs)} ms (case ${s.worstCase})`]);
  const total = ['total', ...[1, 2, 3, 4, 5, 6].map((i) => rows.reduce((a, r) => a + r[i], 0)), ''];
  printTable(['reader', 'cases', 'exceptions', `hangs (>${HANG_MS / 1000} s)`, `slow (>${TIME_LIMIT_MS / 1000} s)`, 'accounting mismatches', 'refused (exit 3)', 'worst time'], [...rows, total]);
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);

  const failuresFile = path.join(repo, 'fuzz-failures.txt'); // git-ignored
  if (failures.length > 0) {
    failures.sort((a, b) => a.k - b.k);
    const lines = failures.map((f) => `npm run fuzz -- --seed ${options.seed} --case ${f.k}   # ${f.reader}: ${f.why}`);
    writeFileSync(failuresFile, lines.join('\n') + '\n');
    console.error(`\n${failures.length} failing case(s); replay with the commands in ${path.relative(process.cwd(), failuresFile)}:`);
    for (const line of lines.slice(0, 20)) console.error('  ' + line);
    if (lines.length > 20) console.error(`  … and ${lines.length - 20} more`);
    process.exitCode = 1;
  } else {
    // A failures file left by an earlier run would send the reader after cases that now pass.
    rmSync(failuresFile, { force: true });
    console.log('no failures');
  }
}

function replay(options, byReader, api) {
  const c = makeCase(options.seed, options.case, byReader, api);
  console.log(`case ${c.k} of seed ${c.seed}: reader ${c.reader}, base ${path.relative(repo, c.file)}, mutation ${c.mutation} (${c.what}), ${c.bytes.length} bytes`);
  const r = runCase(c, api);
  console.log(`outcome: ${r.outcome}, ${r.ms.toFixed(1)} ms${r.parsed !== undefined ? `, ${r.parsed} records read, ${r.expected ?? '-'} counted without the parser` : ''}`);
  try {
    const result = api.decodeAndParse(c.bytes, `fuzz/${path.basename(c.file)}`, c.reader);
    for (const w of result.warnings.slice(0, 30)) console.log(`  warning ${w.file}:${w.line}: ${w.message}`);
    if (result.warnings.length > 30) console.log(`  … ${result.warnings.length - 30} more warnings`);
  } catch (e) {
    console.log(e instanceof api.LitscreenError ? `  refused: ${e.format()}` : `  ${e.stack}`);
  }
  const out = path.join(os.tmpdir(), `litscreen-fuzz-${c.seed}-${c.k}.${c.reader}`);
  writeFileSync(out, c.bytes);
  console.log(`the damaged input is in ${out}`);
  if (r.exception) console.log(`EXCEPTION: ${r.exception}`);
  if (r.mismatch) console.log(`ACCOUNTING: ${r.mismatch}`);
  if (r.ms > TIME_LIMIT_MS) console.log(`SLOW: over ${TIME_LIMIT_MS / 1000} s`);
  if (r.exception || r.mismatch || r.ms > TIME_LIMIT_MS) process.exitCode = 1;
}

function printTable(header, rows) {
  const cells = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(line(cells[0]));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of cells.slice(1)) console.log(line(r));
}
