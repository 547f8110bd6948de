#!/usr/bin/env node
// Rewrites tests/golden/* from the built binary. Run it only when a change of output is meant,
// and commit the new files with that change: `npm run golden:update`.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const goldenDir = path.join(repo, 'tests/golden');
const { cases } = JSON.parse(readFileSync(path.join(goldenDir, 'cases.json'), 'utf8'));
const exitCodes = {};
for (const c of cases) {
  const run = spawnSync(process.execPath, [path.join(repo, 'bin/litscreen.js'), ...c.args], {
    cwd: repo,
    env: { ...process.env, NO_COLOR: '1', LITSCREEN_REVIEWER: '', COLUMNS: '100' },
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(path.join(goldenDir, c.file), run.stdout);
  exitCodes[c.file] = run.status;
}
writeFileSync(path.join(goldenDir, 'exit-codes.json'), JSON.stringify(exitCodes, null, 2) + '\n');
console.log(`wrote ${cases.length} golden outputs to tests/golden/`);
