import { describe, it, expect, afterAll } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { litscreen, copyOfSeedReview, removeDir } from '../helpers/cli.js';

/** decide checks a reviewer's name against the names that already have logs in the review. */
const dir = copyOfSeedReview();
afterAll(() => removeDir(dir));
const id = 'psycinfo:2017-14097-006';
const decide = (reviewer: string) => litscreen(['decide', dir, id, 'include', '--stage', 'title-abstract', '--reviewer', reviewer]);

describe('reviewer names in decide', () => {
  it('accepts letters of any script and names the log after them', () => {
    for (const name of ['José Müller', '李雷']) {
      const run = decide(name);
      expect(run.status, run.stderr).toBe(0);
      expect(existsSync(path.join(dir, 'decisions/title-abstract', `${name}.csv`))).toBe(true);
    }
  });

  it('refuses a name that differs only in case from an existing reviewer (one file on macOS and Windows)', () => {
    const run = decide('FIRST-AUTHOR');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/first-author/);
    expect(readdirSync(path.join(dir, 'decisions/title-abstract'))).not.toContain('FIRST-AUTHOR.csv');
  });

  it('refuses Windows device names and a doubled .csv', () => {
    for (const name of ['CON', 'nul', 'com1.txt', 'alice.csv']) {
      const run = decide(name);
      expect(run.status, name).toBe(2);
    }
    expect(readdirSync(path.join(dir, 'decisions/title-abstract')).filter((f) => /^(con|nul|com1)|\.csv\.csv$/i.test(f))).toEqual([]);
  });
});
