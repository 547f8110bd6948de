#!/usr/bin/env node
// Deduplication quality and throughput. Run after a build: npx tsc -p . && npm run bench:dedupe
//
// 1. Quality: every labelled set of bib-dedupe's benchmark (shared corpus, MIT) that has records,
//    scored over records as bib-dedupe counts (src/core/dedupe/benchmark-score.ts), next to bib-dedupe's own figures.
//    Plus one synthetic labelled set of the patterns that broke the engine on a set it had never seen
//    (issue 9: supplement DOIs on every abstract, CENTRAL pseudo-DOIs, NA cells, one DOI on two reports),
//    built from corpus records (bench/dedupe-synth.js buildTrapSet).
//    Printed per set, with the WORST set. False merges are counted strictly: a record merged into a
//    study it does not belong to counts, even when its own study keeps a survivor.
//    Nothing is fitted from data: every threshold is set by reasoning in src/core/dedupe/params.ts, so
//    there is no fitting step and no leave-one-set-out run (the labelled sets only check the values).
// 2. Growth: 10k, 100k and 1M records built from the corpus with realistic perturbations
//    (bench/dedupe-synth.js), each in its own process so its peak memory is its own.
//
// Options: --sets a,b (only these sets)  --details (list every false merge and missed groups)
//          --no-scale (skip the growth runs)  --scale N (internal: one growth run of N records, JSON out)
//          --distinct (growth runs on studies less alike: see buildSyntheticSet in dedupe-synth.js)
// Results also go to bench/out/dedupe-results.json.
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { findDuplicates } from '../dist/core/dedupe/engine.js';
import { scoreDeduplication } from '../dist/core/dedupe/benchmark-score.js';
import { hasRecords, loadCsvSet, loadTruth } from './dedupe-load.js';
import { buildSyntheticSet, buildTrapSet } from './dedupe-synth.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(repo, '../shared/corpus');
const benchDir = path.join(corpus, 'bib-dedupe-benchmarks');
const settings = { yearTolerance: 1, matchMainTitle: true };

const SETS = ['cytology_screening', 'haematology', 'respiratory', 'stroke', 'digital_work', 'special_cases'];
/** bib-dedupe's figures from current_results.md (commit 8c121f8). */
const BIB_DEDUPE = {
  respiratory: { tp: 408, fp: 0, fn: 28, tn: 1552, sensitivity: 0.9358 },
  digital_work: { tp: 368, fp: 0, fn: 1, tn: 6790, sensitivity: 0.9973 },
  haematology: { tp: 120, fp: 0, fn: 15, tn: 1278, sensitivity: 0.8889 },
  stroke: { tp: 312, fp: 0, fn: 2, tn: 978, sensitivity: 0.9936 },
  cytology_screening: { tp: 766, fp: 0, fn: 6, tn: 1084, sensitivity: 0.9922 },
  special_cases: { tp: 0, fp: 0, fn: 2, tn: 4, sensitivity: 0 },
};
const SCALES = [10_000, 100_000, 1_000_000];

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (!existsSync(benchDir)) {
  console.log(`bench:dedupe: no labelled sets at ${benchDir} (the shared corpus sits beside the clone); nothing to measure.`);
  process.exit(0);
}

function timed(records) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = findDuplicates(records, settings);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { result, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

const round = (x, d = 4) => Number(x.toFixed(d));

/**
 * A fingerprint of everything the engine decided: the clusters (kept, removed, links with rule and
 * score), the grey band (pairs, scores, reasons) and the blocked merges, in the engine's own order.
 * Two builds with the same fingerprints on every set merged, linked and asked the same; a speed-up
 * must leave them unchanged. Hashed line by line, so a million records need no single large string.
 */
function outcomeHashes(result) {
  const hashOf = (items, line) => {
    const h = createHash('sha256');
    for (const item of items) h.update(line(item) + '\n');
    return h.digest('hex').slice(0, 16);
  };
  return {
    clusters: hashOf(result.clusters, (c) =>
      [c.kept, c.removed.join(','), c.rule, c.score, c.links.map((l) => `${l.id}>${l.to}:${l.rule}:${l.score}`).join(',')].join('|'),
    ),
    grey: hashOf(result.uncertain ?? [], (p) => [p.a, p.b, p.score, p.reasons.join(';')].join('|')),
    blocked: hashOf(result.blockedMerges, (m) => [m.a, m.b, m.guard].join('|')),
  };
}

function describe(r) {
  if (!r) return '(missing)';
  const authors = r.authors.map((a) => `${a.family}, ${a.given}`).join('; ');
  return `${r.title} | ${authors} | ${r.year ?? ''} | ${r.journal ?? ''} ${r.volume ?? ''}(${r.issue ?? ''}) ${r.startPage ?? ''}-${r.endPage ?? ''} | ${r.doi ?? ''}`;
}

function scoreSet(name, records, truth, details) {
  const { result, seconds } = timed(records);
  const score = scoreDeduplication(truth, records.map((r) => r.id), result.removedToKept);
  const byId = new Map(records.map((r) => [r.id, r]));
  if (details) {
    for (const m of score.falseMerges) {
      console.log(`  FP ${m.id} -> ${m.keptId}\n     ${describe(byId.get(m.id))}\n     ${describe(byId.get(m.keptId))}`);
    }
    for (const g of score.missedGroups) {
      console.log(`  FN group ${g.group.join(';')} kept ${g.kept.join(';')}`);
      for (const id of g.kept) console.log(`     ${id}: ${describe(byId.get(id))}`);
    }
  }
  return {
    set: name,
    records: records.length,
    trueDuplicates: score.trueDuplicates,
    tp: score.tp,
    fp: score.fp,
    fn: score.fn,
    tn: score.tn,
    sensitivity: round(score.sensitivity),
    specificity: round(score.specificity),
    precision: round(score.precision),
    f1: round(score.f1),
    uncertainPairs: result.uncertain?.length ?? 0,
    blockedMerges: result.blockedMerges.length,
    hashes: outcomeHashes(result),
    seconds: round(seconds, 3),
    recordsPerSecond: Math.round(records.length / seconds),
    bibDedupe: BIB_DEDUPE[name.replace(/ \(.*\)$/, '')],
  };
}

async function loadRespiratoryXml() {
  const file = path.join(benchDir, 'respiratory', 'Respiratory.xml');
  if (!existsSync(file)) return { note: 'Respiratory.xml absent' };
  let reader;
  try {
    reader = await import('../dist/formats/endnote-xml.js');
  } catch (e) {
    return { note: `EndNote XML reader not usable yet (${e.message}); the CSV copy was run instead` };
  }
  const parsed = reader.parseEndnoteXml(readFileSync(file, 'utf8'), 'respiratory/Respiratory.xml');
  // bib-dedupe's CSV numbers the XML's records in file order: record i is id_000000i.
  const records = parsed.records.map((r, i) => {
    const id = `id_${String(i + 1).padStart(7, '0')}`;
    return { ...r, id, databaseKey: 'respiratory', database: 'respiratory' };
  });
  return { records };
}

function peakMb() {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** One growth run (child process): build N records, dedupe, score against the synthetic truth. */
function scaleRun(size) {
  const pool = [];
  for (const set of SETS) if (hasRecords(benchDir, set)) pool.push(...loadCsvSet(benchDir, set));
  const { records, truth } = buildSyntheticSet(pool, size, 7, { distinct: flag('--distinct') });
  globalThis.gc?.();
  // What the process holds before deduplicating (the records, the corpus pool and the truth): the
  // engine's own cost is the peak minus this. These records share their abstracts with the pool and
  // carry no raw tags, so records read from real exports would weigh more; the engine's part would not.
  const rssBeforeMb = Math.round(process.memoryUsage().rss / 1048576);
  const { result, seconds, cpuSeconds } = timed(records);
  // The peak so far is what a run of `litscreen dedupe` on these records costs: the records (built
  // here, held by a real run too) and the engine. Scoring against the synthetic truth is the bench's
  // own work (a Set of every id, a Map of every grouped id) and is reported apart.
  const peakRssMb = peakMb();
  const score = scoreDeduplication(truth, records.map((r) => r.id), result.removedToKept);
  const out = {
    records: records.length,
    seconds: round(seconds, 3),
    // Wall time counts other processes on a busy machine too; CPU time (user + system, GC threads included) does not.
    cpuSeconds: round(cpuSeconds, 3),
    recordsPerSecond: Math.round(records.length / seconds),
    peakRssMb,
    rssBeforeMb,
    peakRssWithScoringMb: peakMb(),
    // The machine's 1-minute load average as the run ends: wall time on a shared machine means little without it.
    loadAverage: round(loadavg()[0], 2),
    tp: score.tp,
    fp: score.fp,
    fn: score.fn,
    sensitivity: round(score.sensitivity),
    uncertainPairs: result.uncertain?.length ?? 0,
    clusters: result.clusters.length,
    blockedMerges: result.blockedMerges.length,
    hashes: outcomeHashes(result),
  };
  if (flag('--details')) {
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const m of score.falseMerges.slice(0, 30)) {
      console.error(`  FP ${m.id} -> ${m.keptId}\n     ${describe(byId.get(m.id))}\n     ${describe(byId.get(m.keptId))}`);
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function main() {
  const scale = option('--scale');
  if (scale !== undefined) return scaleRun(Number(scale));

  const only = option('--sets')?.split(',');
  const details = flag('--details');
  const sets = [];
  for (const set of SETS) {
    if (only && !only.includes(set)) continue;
    if (!hasRecords(benchDir, set)) continue;
    const truth = loadTruth(benchDir, set);
    if (details) console.log(`== ${set}`);
    sets.push(scoreSet(set, loadCsvSet(benchDir, set), truth, details));
    if (set === 'respiratory') {
      const xml = await loadRespiratoryXml();
      if (xml.records) {
        if (details) console.log('== respiratory (EndNote XML)');
        sets.push(scoreSet('respiratory (EndNote XML)', xml.records, truth, details));
      } else console.log(`respiratory XML: ${xml.note}`);
    }
  }

  {
    const pool = [];
    for (const set of SETS) if (hasRecords(benchDir, set)) pool.push(...loadCsvSet(benchDir, set));
    const traps = buildTrapSet(pool);
    if (!only || only.includes('traps')) {
      if (details) console.log('== traps (synthetic)');
      sets.push(scoreSet('traps (synthetic)', traps.records, traps.truth, details));
    }
  }

  // Combined over the five SRA/CoLRev sets bib-dedupe reports (special_cases is a 6-record toy; the XML is a second copy).
  const combinedSets = sets.filter((s) => BIB_DEDUPE[s.set] && s.set !== 'special_cases');
  const sum = (k) => combinedSets.reduce((n, s) => n + s[k], 0);
  const combined = {
    sets: combinedSets.map((s) => s.set),
    tp: sum('tp'),
    fp: sum('fp'),
    fn: sum('fn'),
    tn: sum('tn'),
  };
  combined.sensitivity = round(combined.tp / (combined.tp + combined.fn));
  combined.precision = round(combined.tp + combined.fp === 0 ? 1 : combined.tp / (combined.tp + combined.fp));

  const pad = (s, n) => String(s).padStart(n);
  console.log(
    `${'set'.padEnd(28)}${pad('records', 8)}${pad('TP', 6)}${pad('FP', 5)}${pad('FN', 5)}${pad('TN', 6)}${pad('sens', 8)}${pad('spec', 8)}${pad('prec', 8)}${pad('F1', 8)}${pad('grey', 6)}${pad('s', 7)}${pad('rec/s', 9)}   bib-dedupe sens`,
  );
  for (const s of sets) {
    console.log(
      `${s.set.padEnd(28)}${pad(s.records, 8)}${pad(s.tp, 6)}${pad(s.fp, 5)}${pad(s.fn, 5)}${pad(s.tn, 6)}${pad(s.sensitivity.toFixed(4), 8)}${pad(s.specificity.toFixed(4), 8)}${pad(s.precision.toFixed(4), 8)}${pad(s.f1.toFixed(4), 8)}${pad(s.uncertainPairs, 6)}${pad(s.seconds.toFixed(3), 7)}${pad(s.recordsPerSecond, 9)}   ${s.bibDedupe ? s.bibDedupe.sensitivity.toFixed(4) : ''}`,
    );
  }
  console.log(
    `${'combined (5 sets)'.padEnd(28)}${pad('', 8)}${pad(combined.tp, 6)}${pad(combined.fp, 5)}${pad(combined.fn, 5)}${pad(combined.tn, 6)}${pad(combined.sensitivity.toFixed(4), 8)}${pad('', 8)}${pad(combined.precision.toFixed(4), 8)}`,
  );

  // The figure that matters for a set nobody has seen is the worst one, not the combined one.
  const worst = sets.filter((s) => s.trueDuplicates > 0).reduce((w, s) => (w === undefined || s.sensitivity < w.sensitivity ? s : w), undefined);
  const falseMerges = sets.reduce((n, s) => n + s.fp, 0);
  console.log(
    `worst set: ${worst ? `${worst.set} (sensitivity ${worst.sensitivity.toFixed(4)}, ${worst.fp} false merges)` : 'none'}; false merges on all sets (strict): ${falseMerges}`,
  );
  for (const s of sets) {
    console.log(`outcome ${s.set}: clusters ${s.hashes.clusters}, grey ${s.hashes.grey}, blocked ${s.hashes.blocked}`);
  }
  console.log('fitted from data: nothing (thresholds set by reasoning in src/core/dedupe/params.ts; no leave-one-set-out needed)');

  const growth = [];
  if (!flag('--no-scale')) {
    for (const size of SCALES) {
      const child = spawnSync(
        process.execPath,
        ['--expose-gc', '--max-old-space-size=8192', fileURLToPath(import.meta.url), '--scale', String(size), ...(flag('--distinct') ? ['--distinct'] : [])],
        { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      if (child.status !== 0) {
        console.log(`${size} records: run failed (exit ${child.status})`);
        continue;
      }
      const run = JSON.parse(child.stdout.trim().split('\n').pop());
      growth.push(run);
      console.log(
        `${pad(run.records, 9)} records: ${run.seconds.toFixed(2)} s (CPU ${run.cpuSeconds.toFixed(2)} s), ${run.recordsPerSecond} records/s, load ${run.loadAverage}, peak RSS ${run.peakRssMb} MB (records + engine; ${run.rssBeforeMb} MB before deduplicating, ${run.peakRssWithScoringMb} MB after the bench's scoring); synthetic truth TP ${run.tp} FP ${run.fp} FN ${run.fn}, grey ${run.uncertainPairs}`,
      );
      console.log(
        `${pad(run.records, 9)} outcome: ${run.clusters} clusters ${run.hashes.clusters}, ${run.uncertainPairs} grey ${run.hashes.grey}, ${run.blockedMerges} blocked ${run.hashes.blocked}`,
      );
    }
  }

  // Growth exponent between consecutive sizes: CPU time ∝ n^k, k = log(t2/t1) / log(n2/n1); 1 is linear.
  for (let i = 1; i < growth.length; i++) {
    const [a, b] = [growth[i - 1], growth[i]];
    const k = Math.log(b.cpuSeconds / a.cpuSeconds) / Math.log(b.records / a.records);
    const kWall = Math.log(b.seconds / a.seconds) / Math.log(b.records / a.records);
    console.log(`growth ${a.records} -> ${b.records}: CPU time ~ n^${k.toFixed(2)} (wall ~ n^${kWall.toFixed(2)})`);
  }

  const outDir = path.join(repo, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    path.join(outDir, 'dedupe-results.json'),
    JSON.stringify({ node: process.version, settings, fitted: 'nothing', sets, combined, worst: worst?.set, falseMerges, growth }, null, 2) + '\n',
  );
  console.log(`written ${path.relative(repo, path.join(outDir, 'dedupe-results.json'))}`);
}

await main();
