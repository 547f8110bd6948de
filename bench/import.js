#!/usr/bin/env node
// Import throughput: records/s, MB/s and peak memory on >= 100,000 records.
// The input is built by repeating real exports (the shared corpus when it is beside the clone,
// else the seed review's own exports), never by inventing a format. Run: npm run bench
import { readFileSync, existsSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { decodeAndParse } from '../dist/formats/registry.js';

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

const { text, records: expected } = buildInput(sources());
const dir = path.join(os.tmpdir(), `litscreen-bench-${process.pid}`);
mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'bench.ris');
writeFileSync(file, text);
const bytes = readFileSync(file);
const megabytes = bytes.length / 1e6;

globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);

const runs = [];
let parsed;
for (let i = 0; i < 3; i++) {
  const t0 = process.hrtime.bigint();
  parsed = decodeAndParse(bytes, file, 'auto');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  runs.push(seconds);
}
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });

const best = Math.min(...runs);
const maxRssKb = process.resourceUsage().maxRSS;
const result = {
  input: { megabytes: +megabytes.toFixed(1), records: parsed.records.length, expectedRecords: expected },
  seconds: runs.map((s) => +s.toFixed(3)),
  recordsPerSecond: Math.round(parsed.records.length / best),
  megabytesPerSecond: +(megabytes / best).toFixed(1),
  peakRssMegabytes: +(Math.max(peakRss, maxRssKb * 1024) / 1e6).toFixed(0),
  rssBeforeMegabytes: +(rssBefore / 1e6).toFixed(0),
  peakOverInput: +((Math.max(peakRss, maxRssKb * 1024) - rssBefore) / bytes.length).toFixed(2),
  node: process.version,
  cpus: os.cpus().length,
};
console.log(`import benchmark: ${result.input.records} records, ${result.input.megabytes} MB of RIS`);
console.log(`  best of 3: ${best.toFixed(3)} s  ->  ${result.recordsPerSecond.toLocaleString('en')} records/s, ${result.megabytesPerSecond} MB/s`);
console.log(`  peak RSS ${result.peakRssMegabytes} MB (${result.rssBeforeMegabytes} MB before parsing; growth = ${result.peakOverInput} x input size)`);
if (parsed.records.length !== expected) {
  console.error(`record count ${parsed.records.length} differs from the ${expected} TY lines in the input`);
  process.exitCode = 1;
}
console.log(JSON.stringify(result));
