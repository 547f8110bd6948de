#!/usr/bin/env node
// Startup cost: CPU time and peak memory of `litscreen --version` and of one command's --help,
// beside an empty Node process, as medians of repeated runs. Run: npm run bench:startup
// CPU time (user + system) is what a slow or busy machine pays; it is read with /usr/bin/time
// where it exists, else only wall time is shown.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'bin/litscreen.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const haveTime = existsSync('/usr/bin/time');

const cases = [
  ['empty Node process', ['-e', '']],
  ['litscreen --version', [bin, '--version']],
  ['litscreen flow --help', [bin, 'flow', '--help']],
  ['litscreen --help (loads every command)', [bin, '--help']],
];

function measure(args) {
  const started = process.hrtime.bigint();
  const run = haveTime
    ? spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, args, { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (!haveTime) return { wall, cpu: NaN, rssMb: NaN };
  const [user, sys, maxKb] = run.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: (user + sys) * 1000, rssMb: maxKb / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const [label, args] of cases) {
  const runs = Array.from({ length: RUNS }, () => measure(args));
  rows.push([label, median(runs.map((r) => r.wall)), median(runs.map((r) => r.cpu)), median(runs.map((r) => r.rssMb))]);
}
console.log(`startup, median of ${RUNS} runs (measured here):`);
console.log(['what'.padEnd(42), 'wall ms'.padStart(8), 'CPU ms'.padStart(8), 'peak MB'.padStart(8)].join(' '));
for (const [label, wall, cpu, rss] of rows) {
  console.log([label.padEnd(42), wall.toFixed(0).padStart(8), (Number.isNaN(cpu) ? '-' : cpu.toFixed(0)).padStart(8), (Number.isNaN(rss) ? '-' : rss.toFixed(0)).padStart(8)].join(' '));
}
const base = rows[0];
const version = rows[1];
console.log(`\nlitscreen --version costs ${(version[2] - base[2]).toFixed(0)} ms of CPU more than an empty Node process.`);
