import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

/**
 * The seed review's outputs, byte for byte, as committed under tests/golden/. A change of output
 * must be meant: rerun `npm run golden:update` and commit the files with the change.
 */
const goldenDir = path.join(REPO, 'tests/golden');
const { cases } = JSON.parse(readFileSync(path.join(goldenDir, 'cases.json'), 'utf8')) as { cases: { file: string; args: string[] }[] };
const exitCodes = JSON.parse(readFileSync(path.join(goldenDir, 'exit-codes.json'), 'utf8')) as Record<string, number>;

describe('golden outputs of the seed review', () => {
  it.each(cases)('$file: litscreen $args', ({ file, args }) => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin/litscreen.js'), ...args], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', LITSCREEN_REVIEWER: '', COLUMNS: '100' },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status).toBe(exitCodes[file]);
    const expected = readFileSync(path.join(goldenDir, file));
    // Compare as text for a readable diff, then as bytes so a BOM or line end cannot slip through.
    expect(run.stdout.toString('utf8')).toBe(expected.toString('utf8'));
    expect(Buffer.compare(run.stdout, expected)).toBe(0);
  });
});
