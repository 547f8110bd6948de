#!/usr/bin/env node
// Startup cost: CPU time and peak memory of `litscreen --version`, of one command's --help and of
// the review commands on a warm copy of the seed review, beside an empty Node process, as medians
// of repeated runs, with how many modules each loads (litscreen's and its dependencies'; every
// module costs a read, a compile and a link). Run: npm run bench:startup
// CPU time (user + system) is what a slow or busy machine pays; it is read with /usr/bin/time
// where it exists, else only wall time is shown.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, cpSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin/litscreen.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const haveTime = existsSync('/usr/bin/time');

// A copy of the seed review, its cache filled once, so the review commands run warm.
const seed = mkdtempSync(path.join(os.tmpdir(), 'litscreen-bench-startup-'));
cpSync(path.join(repo, 'fixtures/seed-review'), seed, { recursive: true, filter: (src) => path.basename(src) !== '.litscreen-cache' });
spawnSync(process.execPath, [bin, 'flow', seed], { env: { ...process.env, LITSCREEN_NO_CACHE: '' } });
const seedRecord = 'psycinfo:2017-14097-006';

const cases = [
  ['empty Node process', ['-e', '']],
  ['litscreen --version', [bin, '--version']],
  ['litscreen flow --help', [bin, 'flow', '--help']],
  ['litscreen --help (loads every command)', [bin, '--help']],
  ['flow, seed review, warm', [bin, 'flow', seed]],
  ['show, seed review, warm', [bin, 'show', seed, seedRecord]],
  ['list --pending, seed review, warm', [bin, 'list', seed, '--pending']],
  ['verify, seed review, warm', [bin, 'verify', seed]],
];
const env = { ...process.env, NO_COLOR: '1', LITSCREEN_NO_CACHE: '' };

/** How many modules a run loads (file: URLs seen by a resolve hook), and how many are dependencies'. */
function modulesLoaded(args) {
  if (args[0] === '-e') return { all: 0, deps: 0 };
  const hook = path.join(seed, '.bench-hook.mjs');
  writeFileSync(hook, 'export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.startsWith("file:")) process.stderr.write("LOADED " + r.url + "\\n"); return r; }\n');
  const register = `data:text/javascript,import {register} from "node:module"; register(${JSON.stringify(pathToFileURL(hook).href)});`;
  const run = spawnSync(process.execPath, ['--import', register, ...args], { encoding: 'utf8', env });
  const urls = new Set([...run.stderr.matchAll(/LOADED (\S+)/g)].map((m) => m[1]));
  return { all: urls.size, deps: [...urls].filter((u) => u.includes('/node_modules/')).length };
}

function measure(args) {
  const started = process.hrtime.bigint();
  const run = haveTime
    ? spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...args], { encoding: 'utf8', env })
    : spawnSync(process.execPath, args, { encoding: 'utf8', env });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (!haveTime) return { wall, cpu: NaN, rssMb: NaN };
  const [user, sys, maxKb] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: (user + sys) * 1000, rssMb: maxKb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
// Cases alternate run by run, so a burst of load on a shared machine falls on all of them alike.
const runs = cases.map(() => []);
for (let i = 0; i < RUNS; i++) cases.forEach(([, args], c) => runs[c].push(measure(args)));
cases.forEach(([label, args], c) => {
  const m = modulesLoaded(args);
  rows.push([label, median(runs[c].map((r) => r.wall)), median(runs[c].map((r) => r.cpu)), median(runs[c].map((r) => r.rssMb)), m]);
});
rmSync(seed, { recursive: true, force: true });
console.log(`startup, median of ${RUNS} runs (measured here, load average ${os.loadavg()[0].toFixed(1)}):`);
console.log(['what'.padEnd(42), 'wall ms'.padStart(8), 'CPU ms'.padStart(8), 'peak MB'.padStart(8), 'modules (deps)'.padStart(15)].join(' '));
for (const [label, wall, cpu, rss, m] of rows) {
  console.log([label.padEnd(42), wall.toFixed(0).padStart(8), (Number.isNaN(cpu) ? '-' : cpu.toFixed(0)).padStart(8), (Number.isNaN(rss) ? '-' : rss.toFixed(0)).padStart(8), `${m.all} (${m.deps})`.padStart(15)].join(' '));
}
const base = rows[0];
const version = rows[1];
console.log(`\nlitscreen --version costs ${(version[2] - base[2]).toFixed(0)} ms of CPU more than an empty Node process.`);
