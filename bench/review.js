#!/usr/bin/env node
// Review commands at size: decide, show, list --pending, flow and verify on the seed review and on
// 20,000 and 100,000-record reviews, each run uncached (LITSCREEN_NO_CACHE=1, everything derived
// from the exports), once to fill the derived-state cache, and warm (cache filled, inputs unchanged
// but for the decisions `decide` appends). Wall, CPU (user+sys) and peak RSS per run from
// /usr/bin/time. Run: npm run build && npm run bench:review   (BENCH_SIZES=20000 to pick sizes)
//
// The large reviews are built from real records: titles, authors, journals and abstracts of the
// shared corpus (or the seed review's exports when the corpus is absent) recombined into distinct
// studies, each exported by PsycINFO and by Embase or Scopus with the perturbations databases
// introduce (case, a dropped DOI, initials, a year off by one), so deduplication has realistic work.
// Deterministic (seeded).
//
// BENCH_REVIEW_DIR=dir keeps the built reviews there (dir/r20000 ...) and reuses them on the next
// run, for profiling: the exports take a while to build. BENCH_COMMANDS=flow,decide times only those.
// BENCH_LITSCREEN=dir times the litscreen built there (bin/, dist/, package.json), e.g. an older build.
import { readFileSync, existsSync, writeFileSync, mkdirSync, rmSync, cpSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { seededRandom } from '../dist/core/random.js';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let bin = path.join(repo, 'bin/litscreen.js');
const corpus = path.resolve(repo, '../shared/corpus');
const SIZES = (process.env.BENCH_SIZES ?? '20000,100000').split(',').map(Number).filter((n) => n > 0);
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 5);
const KEEP_DIR = process.env.BENCH_REVIEW_DIR ? path.resolve(process.env.BENCH_REVIEW_DIR) : undefined;
const ONLY = process.env.BENCH_COMMANDS ? new Set(process.env.BENCH_COMMANDS.split(',').map((c) => c.trim())) : undefined;

const rng = seededRandom;

/** RIS entries of the corpus (or the seed review) as tag -> values. */
function corpusEntries() {
  let files = [];
  if (existsSync(corpus)) {
    const walk = (dir) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (/\.ris$/i.test(e.name)) files.push(full);
      }
    };
    walk(corpus);
  }
  if (files.length === 0) {
    console.error('(shared corpus not found; using the seed review exports)');
    files = ['psycinfo-ovid.ris', 'social-services-abstracts.ris'].map((f) => path.join(repo, 'fixtures/seed-review/exports', f));
  }
  const entries = [];
  for (const f of files) {
    let entry = null;
    for (const line of readFileSync(f, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/)) {
      const m = /^([A-Z][A-Z0-9])  -( (.*))?$/.exec(line);
      if (!m) continue;
      if (m[1] === 'TY') entry = new Map();
      if (!entry) continue;
      if (m[1] === 'ER') {
        if (entry.get('TI') || entry.get('T1')) entries.push(entry);
        entry = null;
        continue;
      }
      const v = (m[3] ?? '').trim();
      if (!v) continue;
      if (!entry.has(m[1])) entry.set(m[1], []);
      entry.get(m[1]).push(v);
    }
  }
  return entries;
}

function pools() {
  const entries = corpusEntries();
  const titleWords = [];
  const authors = [];
  const journals = [];
  const abstracts = [];
  for (const e of entries) {
    for (const w of (e.get('TI') ?? e.get('T1') ?? [''])[0].split(/\s+/)) if (w.length > 3) titleWords.push(w.replace(/[.:;,]$/, ''));
    for (const a of e.get('AU') ?? e.get('A1') ?? []) authors.push(a);
    for (const j of e.get('JO') ?? e.get('T2') ?? e.get('JF') ?? []) journals.push(j);
    for (const ab of e.get('AB') ?? e.get('N2') ?? []) if (ab.length > 200) abstracts.push(ab);
  }
  console.error(`(${entries.length} corpus records: ${titleWords.length} title words, ${authors.length} authors, ${abstracts.length} abstracts)`);
  return { titleWords, authors: [...new Set(authors)], journals: [...new Set(journals)], abstracts };
}

const TOPICS = ['service user involvement', 'carer participation', 'social work education', 'coproduction in social care', 'lived experience'];

/** Distinct studies, recombined from real title words, authors, journals and abstracts. */
function studies(n, p, next) {
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const out = [];
  for (let i = 0; i < n; i++) {
    const words = Array.from({ length: 6 + Math.floor(next() * 8) }, () => pick(p.titleWords));
    if (next() < 0.3) words.splice(2, 0, pick(TOPICS));
    const title = words.join(' ');
    out.push({
      title: title[0].toUpperCase() + title.slice(1),
      authors: Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(p.authors)),
      year: 1990 + Math.floor(next() * 34),
      journal: pick(p.journals) ?? 'Journal of Social Work',
      volume: String(1 + Math.floor(next() * 60)),
      issue: String(1 + Math.floor(next() * 12)),
      start: 1 + Math.floor(next() * 900),
      doi: next() < 0.7 ? `10.${1000 + Math.floor(next() * 8999)}/bench.${i}` : undefined,
      abstract: next() < 0.9 ? pick(p.abstracts) : undefined,
      language: next() < 0.95 ? 'English' : 'German',
    });
  }
  return out;
}

function ris(s, an, next, perturbed) {
  let title = s.title;
  let authors = s.authors;
  let year = s.year;
  let doi = s.doi;
  if (perturbed) {
    if (next() < 0.3) title = title.toUpperCase();
    if (next() < 0.3) title = title.replace(/[-:,]/g, ' ') + '.';
    if (next() < 0.4) doi = undefined;
    if (next() < 0.3) authors = authors.map((a) => a.replace(/,\s*(\S)\S*.*$/, ', $1.'));
    if (next() < 0.1) year += next() < 0.5 ? -1 : 1;
  }
  const lines = ['TY  - JOUR', `TI  - ${title}`, ...authors.map((a) => `AU  - ${a}`), `PY  - ${year}`, `JO  - ${s.journal}`, `VL  - ${s.volume}`, `IS  - ${s.issue}`, `SP  - ${s.start}`, `EP  - ${s.start + 11}`];
  if (doi) lines.push(`DO  - ${doi}`);
  if (s.abstract) lines.push(`AB  - ${s.abstract}`);
  lines.push(`LA  - ${s.language}`, `AN  - ${an}`, 'ER  - ', '');
  return lines.join('\n');
}

/** A review of about `total` records: every study in PsycINFO, ~25% also in Embase, ~15% also in Scopus. */
function buildReview(dir, total) {
  const next = rng(total);
  const p = pools();
  const nStudies = Math.round(total / 1.4);
  const all = studies(nStudies, p, next);
  const dbs = { psycinfo: [], embase: [], scopus: [] };
  let count = 0;
  for (let i = 0; i < all.length && count < total; i++) {
    dbs.psycinfo.push(ris(all[i], `PI${i}`, next, false));
    count++;
    if (next() < 0.25 && count < total) {
      dbs.embase.push(ris(all[i], `EM${i}`, next, true));
      count++;
    }
    if (next() < 0.15 && count < total) {
      dbs.scopus.push(ris(all[i], `SC${i}`, next, true));
      count++;
    }
  }
  mkdirSync(path.join(dir, 'exports'), { recursive: true });
  for (const [key, entries] of Object.entries(dbs)) writeFileSync(path.join(dir, 'exports', `${key}.ris`), entries.join('\n'));
  const protocol = JSON.parse(readFileSync(path.join(repo, 'fixtures/seed-review/litscreen.json'), 'utf8'));
  delete protocol.expected;
  delete protocol.$schema;
  protocol.title = `Benchmark review, ${total} records`;
  protocol.sources = [
    { key: 'psycinfo', database: 'PsycINFO', file: 'exports/psycinfo.ris' },
    { key: 'embase', database: 'Embase', file: 'exports/embase.ris' },
    { key: 'scopus', database: 'Scopus', file: 'exports/scopus.ris' },
  ].map((s) => ({ ...s, searchDate: '2024-01-01', searchString: 'service user* AND social work*' }));
  writeFileSync(path.join(dir, 'litscreen.json'), JSON.stringify(protocol, null, 2) + '\n');
  // Some decisions already made: a log of 2,000 title/abstract rows.
  mkdirSync(path.join(dir, 'decisions/title-abstract'), { recursive: true });
  mkdirSync(path.join(dir, 'decisions/full-text'), { recursive: true });
  const rows = ['time,record_id,decision,reason,note'];
  for (let i = 0; i < Math.min(2000, nStudies); i += 1) rows.push(`2024-01-01T00:00:00Z,psycinfo:PI${i * 3},${i % 4 === 0 ? 'include' : 'exclude'},,`);
  writeFileSync(path.join(dir, 'decisions/title-abstract/alice.csv'), rows.join('\n') + '\n');
  return count;
}

function run(args, env = {}) {
  const timeFile = path.join(os.tmpdir(), `litscreen-bench-time-${process.pid}`);
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S %M', process.execPath, bin, ...args], {
    env: { ...process.env, NO_COLOR: '1', LITSCREEN_REVIEWER: 'bench', LITSCREEN_NO_CACHE: '', ...env },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const [wall, user, sys, kb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  rmSync(timeFile, { force: true });
  if (r.status !== 0 && r.status !== 1) throw new Error(`litscreen ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return { wall, cpu: user + sys, mb: kb / 1024, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function benchReview(label, dir, records) {
  // Records to decide on: pending ones, or (the seed review is finished) any a criterion kept.
  const listed = JSON.parse(run(['list', dir, '--json'], { LITSCREEN_NO_CACHE: '1' }).stdout);
  const open = listed.filter((r) => r.status === 'title-abstract-pending');
  const pending = (open.length > 20 ? open : listed.filter((r) => r.status !== 'excluded-by-criterion')).map((r) => r.id);
  let nextPending = 0;
  const commands = {
    decide: () => ['decide', dir, pending[nextPending++], 'include', '--stage', 'title-abstract', '--reviewer', 'bench'],
    show: () => ['show', dir, pending[pending.length - 1]],
    'list --pending': () => ['list', dir, '--pending'],
    flow: () => ['flow', dir],
    verify: () => ['verify', dir],
  };
  rmSync(path.join(dir, '.litscreen-cache'), { recursive: true, force: true });
  const fill = run(['flow', dir]);
  const rows = [];
  for (const [name, args] of Object.entries(commands)) {
    if (ONLY && !ONLY.has(name) && !ONLY.has(name.split(' ')[0])) continue;
    const cold = run(args(), { LITSCREEN_NO_CACHE: '1' });
    const warm = Array.from({ length: WARM_RUNS }, () => run(args()));
    rows.push({ name, cold, warm: { wall: median(warm.map((w) => w.wall)), cpu: median(warm.map((w) => w.cpu)), mb: Math.max(...warm.map((w) => w.mb)) } });
  }
  console.log(`\n${label}: ${records} records (cache filled by the first flow in ${fill.wall.toFixed(2)} s wall, ${fill.cpu.toFixed(2)} s CPU, ${fill.mb.toFixed(0)} MB)`);
  console.log('| command | uncached wall | uncached CPU | uncached peak | warm wall | warm CPU | warm peak |');
  console.log('|---|--:|--:|--:|--:|--:|--:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.cold.wall.toFixed(2)} s | ${r.cold.cpu.toFixed(2)} s | ${r.cold.mb.toFixed(0)} MB | ${r.warm.wall.toFixed(2)} s | ${r.warm.cpu.toFixed(2)} s | ${r.warm.mb.toFixed(0)} MB |`);
  }
}

if (!existsSync(path.join(repo, 'dist/cli.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}
console.log(`litscreen review commands, measured here (${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}); warm figures are medians of ${WARM_RUNS} runs`);
const root = mkdtempSync(path.join(os.tmpdir(), 'litscreen-bench-review-'));
try {
  // A snapshot of the built litscreen, so that a rebuild during the run neither breaks it nor
  // (through the code hash in every cache key) empties the cache between two timed runs.
  const snapshot = path.join(root, 'litscreen');
  const build = process.env.BENCH_LITSCREEN ? path.resolve(process.env.BENCH_LITSCREEN) : repo;
  for (const part of ['bin', 'dist', 'package.json']) cpSync(path.join(build, part), path.join(snapshot, part), { recursive: true });
  symlinkSync(path.join(repo, 'node_modules'), path.join(snapshot, 'node_modules'));
  bin = path.join(snapshot, 'bin/litscreen.js');
  const seed = path.join(root, 'seed');
  cpSync(path.join(repo, 'fixtures/seed-review'), seed, { recursive: true, filter: (src) => path.basename(src) !== '.litscreen-cache' });
  benchReview('seed review', seed, 665);
  for (const size of SIZES) {
    if (KEEP_DIR) {
      // A kept review is copied (its decision logs grow with every decide), built once.
      const kept = path.join(KEEP_DIR, `r${size}`);
      if (!existsSync(path.join(kept, 'litscreen.json'))) {
        rmSync(kept, { recursive: true, force: true });
        buildReview(kept, size);
      }
      const dir = path.join(root, `r${size}`);
      cpSync(kept, dir, { recursive: true, filter: (src) => path.basename(src) !== '.litscreen-cache' });
      const records = ['psycinfo', 'embase', 'scopus'].reduce((n, key) => n + (readFileSync(path.join(dir, 'exports', `${key}.ris`), 'utf8').match(/^ER {2}- /gm) ?? []).length, 0);
      benchReview(`synthetic review`, dir, records);
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const dir = path.join(root, `r${size}`);
    const records = buildReview(dir, size);
    benchReview(`synthetic review`, dir, records);
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
