#!/usr/bin/env node
// Time from a keypress to the next record drawn in `litscreen screen`, on the seed review and on a
// synthetic review of 100,000 records. Run after a build: npm run build && npm run bench:screen
//
// Per key, two parts are timed apart:
//   1. the state machine and the drawing: press() + renderScreen() into the frame text, as the
//      terminal layer does (with colour on);
//   2. the save: appendLogRows (write, fsync, read back) of the key's rows into a temp log: once
//      into a log that starts empty, and for the large review also into a log that already holds
//      100,000 rows (a reviewer at the end of a huge review), since an append reads the log back.
// A key is one of i, e then 0 (two keys, the second writes), m, s and u, in a fixed cycle.
// Each size runs in its own process, so its peak memory (max RSS) is its own.
// Options: --keys N (keypresses per size, default 400)  --size seed|N (internal: one run, JSON out)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../dist/core/random.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const KEYS = Number(option('--keys', 400));

if (args.includes('--size')) {
  process.stdout.write(JSON.stringify(await runOne(option('--size'))) + '\n');
} else {
  const sizes = ['seed', '100000'];
  const results = [];
  for (const size of sizes) {
    const run = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--size', size, '--keys', String(KEYS)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.status !== 0) {
      process.stderr.write(run.stderr);
      process.exit(1);
    }
    results.push(JSON.parse(run.stdout.trim().split('\n').pop()));
  }
  const ms = (x) => x.toFixed(2).padStart(7);
  console.log(`litscreen screen: keypress to next record drawn, ${KEYS} keys per review (median / p95, ms)\n`);
  console.log('review                         studies  queue   start   key→frame (median/p95)   append+fsync empty log   append+fsync big log   search   peak RSS   session heap');
  for (const r of results) {
    const big = r.appendBig ? `${ms(r.appendBig.median)} /${ms(r.appendBig.p95)}` : '        –        ';
    console.log(
      `${r.label.padEnd(30)} ${String(r.studies).padStart(7)} ${String(r.queue).padStart(6)} ${(r.startMs / 1000).toFixed(2).padStart(6)}s  ` +
        `${ms(r.key.median)} /${ms(r.key.p95)}          ${ms(r.append.median)} /${ms(r.append.p95)}       ${big}   ${ms(r.searchMs)}   ${String(r.peakRssMb).padStart(5)} MB   ${r.sessionHeapMb.toFixed(1).padStart(6)} MB`,
    );
  }
  const worst = Math.max(...results.map((r) => r.key.p95 + r.append.p95));
  console.log(`\nworst p95 of key→frame + append on an empty log: ${worst.toFixed(2)} ms (aim: under 50 ms)`);
  console.log('start = deriving the review once (loadReview or assessReview) and building the session; search = one / across the whole queue;\npeak RSS = the whole process (the review itself included); session heap = what the screen session adds to the derived review.');
}

async function runOne(size) {
  const chalk = (await import('chalk')).default;
  chalk.level = 1;
  const { startScreen, press } = await import('../dist/core/screening/screen-session.js');
  const { renderScreen } = await import('../dist/core/screening/screen-render.js');
  const { TERMINAL_PAINT } = await import('../dist/io/screen-terminal.js');
  const { appendLogRows } = await import('../dist/io/append-log.js');
  const { DECISION_LOG_COLUMNS } = await import('../dist/model/decision.js');
  const { rowCells } = await import('../dist/core/screening/screen-session.js');

  const t0 = performance.now();
  let protocol;
  let state;
  let label;
  if (size === 'seed') {
    const { loadReview } = await import('../dist/io/review.js');
    // A second reviewer, so the seed review's title/abstract stage has a queue.
    const review = await loadReview(path.join(repo, 'fixtures/seed-review'));
    protocol = { ...review.protocol, titleAbstract: { ...review.protocol.titleAbstract, reviewers: 2 } };
    const { assessReview } = await import('../dist/core/review/derive.js');
    state = assessReview(protocol, review.state.records, review.decisionRows, review.resolutionRows);
    label = 'seed review (2nd reviewer)';
  } else {
    const n = Number(size);
    const { ProtocolSchema } = await import('../dist/model/protocol.js');
    const { readFileSync } = await import('node:fs');
    const seed = JSON.parse(readFileSync(path.join(repo, 'fixtures/seed-review/litscreen.json'), 'utf8'));
    // The seed review's criteria over generated records; deduplication off (it is benched by bench:dedupe).
    protocol = ProtocolSchema.parse({ ...seed, $schema: undefined, expected: undefined, deduplication: { enabled: false } });
    const { assessReview } = await import('../dist/core/review/derive.js');
    state = assessReview(protocol, syntheticRecords(n), []);
    label = `synthetic ${n.toLocaleString('en')} records`;
  }
  let now = Date.UTC(2024, 0, 1);
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let session = startScreen({ state, protocol, stage: 'title-abstract', reviewer: 'bench', now: () => new Date((now += 1000)) });
  const startMs = performance.now() - t0;
  globalThis.gc?.();
  const sessionHeapMb = Math.max(0, (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024);

  const cycle = ['i', 'e', '0', 'm', 's', 'i', 'u', 'i', 'e', '0'];
  const keyTimes = [];
  const rowsToSave = [];
  for (let k = 0; k < KEYS + 20; k++) {
    const key = cycle[k % cycle.length];
    const started = performance.now();
    const step = press(session, key);
    const frame = renderScreen(step.state, { width: 100, height: 40, paint: TERMINAL_PAINT }).lines.join('\n');
    const took = performance.now() - started;
    if (frame.length === 0) throw new Error('empty frame');
    session = step.state;
    if (k >= 20) keyTimes.push(took); // the first keys warm the JIT up
    if (step.rows.length > 0) rowsToSave.push(step.rows);
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-bench-screen-'));
  try {
    const appendInto = async (file, batches) => {
      const times = [];
      for (const rows of batches) {
        const started = performance.now();
        await appendLogRows(file, DECISION_LOG_COLUMNS, rows.map(rowCells));
        times.push(performance.now() - started);
      }
      return times;
    };
    const batches = rowsToSave.slice(0, 200);
    const append = await appendInto(path.join(dir, 'empty-start.csv'), batches);
    let appendBig;
    if (size !== 'seed') {
      const big = path.join(dir, 'big.csv');
      const lines = ['time,record_id,decision,reason,note'];
      for (let i = 0; i < 100000; i++) lines.push(`2024-01-01T00:00:00.000Z,synth:${i},include,,`);
      writeFileSync(big, lines.join('\n') + '\n');
      appendBig = stats(await appendInto(big, batches.slice(0, 30)));
    }

    // One search across the whole queue (a word that only the last record has).
    const last = session.ctx.queue[session.ctx.queue.length - 1];
    const word = last ? last.id : 'x';
    let s = press(session, '/').state;
    for (const ch of word) s = press(s, ch).state;
    const searchStarted = performance.now();
    const found = press(s, '\r').state;
    renderScreen(found, { width: 100, height: 40, paint: TERMINAL_PAINT });
    const searchMs = performance.now() - searchStarted;

    return {
      label,
      studies: state.studies.length,
      queue: session.ctx.queue.length,
      startMs,
      key: stats(keyTimes),
      append: stats(append),
      appendBig,
      searchMs,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      sessionHeapMb,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function stats(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), n: xs.length };
}

/** Records that look like the seed review's: most pass its criteria, some do not; abstracts of ~150-250 words. */
function syntheticRecords(n) {
  const next = seededRandom(12345);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const topics = ['service user involvement', 'carer participation', 'coproduction', 'lived experience', 'experts by experience', 'user participation', 'hospital discharge', 'school attainment'];
  const fields = ['social work education', 'social care practice', 'social work practice', 'community nursing', 'child protection social work'];
  const words = 'the of and in to a study we with for was were this on by as from that qualitative interviews practice students service users carers analysis findings education research participants policy development local authority evaluation outcomes support'.split(' ');
  const families = ['Webber', 'Robinson', 'Tew', 'Beresford', 'Smith', 'Jones', 'Levy', 'Duffy', 'Hughes', 'McLaughlin', 'Rantamäki', 'Okafor'];
  const records = [];
  for (let i = 0; i < n; i++) {
    const topic = pick(topics);
    const field = pick(fields);
    const title = `${topic[0].toUpperCase()}${topic.slice(1)} in ${field}: study ${i}`;
    const length = 150 + Math.floor(next() * 100);
    const body = [];
    for (let w = 0; w < length; w++) body.push(pick(words));
    const abstract = `This paper examines ${topic} in ${field}. ${body.join(' ')}.`;
    const id = `synth:${i}`;
    records.push({
      id,
      databaseKey: 'psycinfo',
      database: 'PsycINFO',
      source: { file: 'synthetic.ris', line: i * 20 + 1 },
      type: 'journal-article',
      title,
      authors: [{ family: pick(families), given: 'A.' }, { family: pick(families), given: 'B.' }],
      year: 2000 + Math.floor(next() * 20),
      journal: 'Social Work Education',
      abstract,
      keywords: [topic, field],
      language: 'English',
      raw: {},
      rawHash: id,
    });
  }
  return records;
}
