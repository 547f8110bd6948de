import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { REPO, CORPUS } from '../helpers/cli.js';

/**
 * Every export in the shared corpus imports with the record count an independent count gives
 * (TY lines, PMID lines, <record> tags ...). The same script writes the README's table.
 */
describe.skipIf(!existsSync(CORPUS))('import conformance over the shared corpus', () => {
  it('no file has a record count that differs from its independent count', () => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'scripts/conformance.js'), '--check'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\d+ corpus files checked/);
  });
});
