#!/usr/bin/env node
// Import throughput: records/s, MB/s and peak memory on >= 100,000 records.
// The input is built by repeating real exports (the shared corpus when it is beside the clone,
// else the seed review's own exports), never by inventing a format. Run: npm run bench
import { readFileSync, existsSync, writeFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseText } from '../dist/formats/registry.js';
import { readExportText } from '../dist/io/files.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(repo, '../shared/corpus');
const TARGET_RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);

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

/**
 * One measured import in a fresh process, so its peak RSS is the import's own: read the bytes,
 * decode, parse, count. Prints one JSON line.
 */
async function child(file) {
  const baseline = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  // The same path `litscreen import` takes: read + decode in one step, then parse the text.
  const parsed = parseText(await readExportText(file), file, 'auto');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = process.resourceUsage().maxRSS * 1024;
  const bytes = statSync(file).size;
  console.log(JSON.stringify({ seconds, records: parsed.records.length, warnings: parsed.warnings.length, bytes, peak, baseline }));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  const { spawnSync } = await import('node:child_process');
  const { text, records: expected } = buildInput(sources());
  const dir = path.join(os.tmpdir(), `litscreen-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bench.ris');
  writeFileSync(file, text);
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], { encoding: 'utf8' });
    if (run.status !== 0) {
      console.error(run.stderr);
      process.exit(1);
    }
    runs.push(JSON.parse(run.stdout));
  }
  rmSync(dir, { recursive: true, force: true });
  const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const megabytes = best.bytes / 1e6;
  const peak = Math.max(...runs.map((r) => r.peak));
  const result = {
    input: { megabytes: +megabytes.toFixed(1), records: best.records, expectedRecords: expected },
    seconds: runs.map((r) => +r.seconds.toFixed(3)),
    recordsPerSecond: Math.round(best.records / best.seconds),
    megabytesPerSecond: +(megabytes / best.seconds).toFixed(1),
    peakRssMegabytes: Math.round(peak / 1e6),
    peakOverInput: +(peak / best.bytes).toFixed(2),
    node: process.version,
    cpus: os.cpus().length,
  };
  console.log(`import benchmark: ${result.input.records.toLocaleString('en')} records, ${result.input.megabytes} MB of RIS (read + decode + parse, fresh process each run)`);
  console.log(`  best of 3: ${best.seconds.toFixed(3)} s  ->  ${result.recordsPerSecond.toLocaleString('en')} records/s, ${result.megabytesPerSecond} MB/s`);
  console.log(`  peak RSS ${result.peakRssMegabytes} MB = ${result.peakOverInput} x the input size (Node itself starts at ~${Math.round(best.baseline / 1e6)} MB)`);
  if (best.records !== expected) {
    console.error(`record count ${best.records} differs from the ${expected} TY lines in the input`);
    process.exitCode = 1;
  }
  console.log(JSON.stringify(result));
}
