#!/usr/bin/env node
// Import throughput: records/s, CPU and peak memory on >= 100,000 records, litscreen beside two
// other RIS readers on the same file in the same run: @iebh/reflib and citation-js.
// The input is built by repeating real exports (the shared corpus when it is beside the clone,
// else the seed review's own exports), never by inventing a format. Run: npm run bench
//
// The other readers are not dependencies of litscreen: they are installed on demand, at pinned
// versions, into bench/.peers/ (git-ignored). Without the registry their columns are skipped with
// a note. BENCH_RECORDS (default 100000) and BENCH_ROUNDS (default 3) change the size and rounds.
import { readFileSync, existsSync, writeFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(repo, '../shared/corpus');
const peersDir = path.join(repo, 'bench/.peers');
const TARGET_RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** The other readers, pinned. plugin-ris 0.8.2 needs core ^0.8 (core 0.9.0 is refused by its peer range). */
const PEER_PACKAGES = { '@iebh/reflib': '2.3.6', '@citation-js/core': '0.8.2', '@citation-js/plugin-ris': '0.8.2' };

/**
 * What each column measures, in a fresh process each: read the file, parse it, count the records.
 * - litscreen: `litscreen import` as it runs: records counted and let go; a file of 32 MB or more is
 *   cut at record starts into one part per core, read in parallel (io/parallel-count.ts).
 * - litscreen (one thread): the same count in one thread, the file read in chunks.
 * - litscreen (all kept): every record kept in one array, as the peers return them.
 * - reflib: readFile (its own streaming RIS reader), which returns every reference.
 * - citation-js: the RIS file parsed to its records ('@ris/file' → RIS records, the first step of
 *   Cite; converting those on to CSL throws on this file: "Failed to convert DO to DOI").
 */
const READERS = {
  litscreen: async (file) => {
    const { runImport } = await import(pathToFileURL(path.join(repo, 'dist/commands/import.js')).href);
    const result = await runImport({ files: [file], tallyOnly: true });
    return { records: result.files[0].records, parts: result.parts[0] ?? 1 };
  },
  'litscreen (one thread)': async (file) => {
    const { runImport } = await import(pathToFileURL(path.join(repo, 'dist/commands/import.js')).href);
    const result = await runImport({ files: [file], onRecord: () => {}, countOnly: true });
    return result.files[0].records;
  },
  'litscreen (all kept)': async (file) => {
    const { runImport } = await import(pathToFileURL(path.join(repo, 'dist/commands/import.js')).href);
    const result = await runImport({ files: [file] });
    globalThis.kept = result.records;
    return result.records.length;
  },
  reflib: async (file) => {
    const { readFile } = await import(pathToFileURL(path.join(peersDir, 'node_modules/@iebh/reflib/lib/default.js')).href);
    const refs = await readFile(file);
    return refs.length;
  },
  'citation-js': async (file) => {
    const require = createRequire(path.join(peersDir, 'index.js'));
    const core = require('@citation-js/core');
    require('@citation-js/plugin-ris');
    const records = core.plugins.input.chainLink(readFileSync(file, 'utf8'));
    return records.length;
  },
};
const PEERS = new Set(['reflib', 'citation-js']);

function sources() {
  if (existsSync(corpus)) {
    return [
      'asreview-demo-data/ovid_psycinfo.ris',
      'asreview-demo-data/proquest.ris',
      'asreview-demo-data/_baseline.ris',
      'asreview-demo-data/scopus.ris',
      'reflib-tests/blue-light.ris',
      'screening-labelled-metadata/schoot-lgmm-ptsd-included-1.ris',
    ].map((f) => path.join(corpus, f));
  }
  console.error('(shared corpus not found; repeating the seed review exports instead)');
  return ['psycinfo-ovid.ris', 'social-services-abstracts.ris'].map((f) => path.join(repo, 'fixtures/seed-review/exports', f));
}

/** Repeat the files' text until the target count; returns the text and how many TY lines it holds. */
function buildInput(files) {
  const chunks = files.map((f) => {
    const text = readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
    // The ProQuest fixture's last record lacks ER on purpose; close it so repeats stay separate.
    const closed = /ER {2}-\s*$/.test(text.trimEnd()) ? text : text + '\nER  - \n';
    return { text: closed.endsWith('\n') ? closed : closed + '\n', records: (closed.match(/^TY {2}-/gm) ?? []).length };
  });
  const parts = [];
  let records = 0;
  while (records < TARGET_RECORDS) {
    for (const c of chunks) {
      parts.push(c.text, '\n');
      records += c.records;
    }
  }
  return { text: parts.join(''), records };
}

/** The peers at their pinned versions in bench/.peers, installed when missing; a note when that fails. */
async function ensurePeers(spawnSync) {
  const installed = () =>
    Object.entries(PEER_PACKAGES).every(([name, version]) => {
      const manifest = path.join(peersDir, 'node_modules', name, 'package.json');
      return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version;
    });
  if (installed()) return undefined;
  mkdirSync(peersDir, { recursive: true });
  const specs = Object.entries(PEER_PACKAGES).map(([name, version]) => `${name}@${version}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['install', '--prefix', peersDir, '--no-save', '--no-audit', '--no-fund', '--fetch-retries=1', ...specs], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (run.status === 0 && installed()) return undefined;
  const why = (run.error?.message ?? run.stderr ?? '').split('\n').find((l) => /err/i.test(l)) ?? `exit ${run.status}`;
  return `reflib and citation-js skipped: could not install ${specs.join(' ')} into bench/.peers (${why.trim()})`;
}

/**
 * One measured read in a fresh process, so its peak RSS is its own. Prints one JSON line: wall and
 * CPU seconds, records, peak RSS.
 */
async function child(reader, file) {
  const t0 = process.hrtime.bigint();
  const read = await READERS[reader](file);
  const { records, parts } = typeof read === 'number' ? { records: read, parts: 1 } : read;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const usage = process.resourceUsage();
  console.log(JSON.stringify({ seconds, cpu: (usage.userCPUTime + usage.systemCPUTime) / 1e6, records, parts, peak: usage.maxRSS * 1024 }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  const { spawnSync } = await import('node:child_process');
  const note = await ensurePeers(spawnSync);
  const readers = Object.keys(READERS).filter((r) => !(note && PEERS.has(r)));
  const { text, records: expected } = buildInput(sources());
  const dir = path.join(os.tmpdir(), `litscreen-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bench.ris');
  writeFileSync(file, text);
  const bytes = statSync(file).size;
  const runs = Object.fromEntries(readers.map((r) => [r, []]));
  const failed = new Map();
  // Round-robin, so that load from other work on the machine falls on every reader alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const reader of readers) {
      if (failed.has(reader)) continue;
      const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', reader, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (run.status !== 0) {
        failed.set(reader, (run.stderr.split('\n').find((l) => /Error/.test(l)) ?? `exit ${run.status}`).trim());
        continue;
      }
      runs[reader].push(JSON.parse(run.stdout.trim().split('\n').pop()));
    }
  }
  rmSync(dir, { recursive: true, force: true });

  const best = (reader, key) => Math.min(...runs[reader].map((r) => r[key]));
  const rows = readers
    .filter((r) => runs[r].length > 0)
    .map((reader) => ({
      reader,
      records: runs[reader][0].records,
      parts: runs[reader][0].parts,
      wall: best(reader, 'seconds'),
      cpu: best(reader, 'cpu'),
      peak: Math.max(...runs[reader].map((r) => r.peak)),
    }));
  const ours = rows.find((r) => r.reader === 'litscreen');
  const oursOneThread = rows.find((r) => r.reader === 'litscreen (one thread)');
  const oursKept = rows.find((r) => r.reader === 'litscreen (all kept)');
  const megabytes = bytes / 1e6;
  console.log(
    `import benchmark: ${megabytes.toFixed(1)} MB of RIS, ${expected.toLocaleString('en')} TY lines; each reader in a fresh process, best of ${ROUNDS} (wall, CPU), highest peak RSS; node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
  );
  const pad = (s, n) => String(s).padStart(n);
  console.log(`  ${'reader'.padEnd(24)}${pad('records', 9)}${pad('wall s', 8)}${pad('CPU s', 7)}${pad('records/s', 11)}${pad('peak MB', 9)}${pad('x input', 9)}   ours/peer throughput (wall, CPU)`);
  for (const r of rows) {
    const ratio = (mine) => (mine && PEERS.has(r.reader) ? `${(r.wall / mine.wall).toFixed(2)}, ${(r.cpu / mine.cpu).toFixed(2)}` : '');
    const ratios = PEERS.has(r.reader) ? `litscreen ${ratio(ours)}; one thread ${ratio(oursOneThread)}; all kept ${ratio(oursKept)}` : r.parts > 1 ? `(${r.parts} parts in parallel)` : '';
    const match = r.records === expected ? '' : ` (${r.records - expected > 0 ? '+' : ''}${r.records - expected} vs TY lines)`;
    console.log(
      `  ${r.reader.padEnd(24)}${pad(r.records.toLocaleString('en'), 9)}${pad(r.wall.toFixed(2), 8)}${pad(r.cpu.toFixed(2), 7)}${pad(Math.round(r.records / r.wall).toLocaleString('en'), 11)}${pad(Math.round(r.peak / 1e6), 9)}${pad((r.peak / bytes).toFixed(2), 9)}   ${ratios}${match}`,
    );
  }
  if (note) console.log(`  note: ${note}`);
  for (const [reader, why] of failed) console.log(`  note: ${reader} failed: ${why}`);
  for (const r of rows) {
    if (!PEERS.has(r.reader) && r.records !== expected) {
      console.error(`${r.reader}: record count ${r.records} differs from the ${expected} TY lines in the input`);
      process.exitCode = 1;
    }
  }
  if (failed.has('litscreen') || failed.has('litscreen (all kept)')) process.exitCode = 1;
  console.log(
    JSON.stringify({
      input: { megabytes: +megabytes.toFixed(1), records: expected },
      readers: rows.map((r) => ({ ...r, wall: +r.wall.toFixed(3), cpu: +r.cpu.toFixed(3), peakMegabytes: Math.round(r.peak / 1e6), peakOverInput: +(r.peak / bytes).toFixed(2), peak: undefined })),
      node: process.version,
      cpus: os.cpus().length,
    }),
  );
}
