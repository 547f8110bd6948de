import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { jsonStreamed } from '../../src/io/output.js';
import { REPO, SEED_REVIEW } from '../helpers/cli.js';

/** Collects what is written, draining slowly now and then, as a pipe to a slow reader does. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  let n = 0;
  const stream = new Writable({
    highWaterMark: 64,
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      if (++n % 3 === 0) setTimeout(done, 1);
      else done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('jsonStreamed writes what JSON.stringify(value, null, 2) writes, element by element', () => {
  const cases: Record<string, unknown>[] = [
    {},
    { files: [], records: [] },
    { files: [{ file: 'a.ris', warnings: [{ line: 3, message: 'x\ny "quoted"' }] }], records: [{ id: 'a', authors: [], nested: { deep: [1, [2, {}]] } }, null, 'text', 5] },
    { skipped: undefined, map: new Map([['k', 1]]), set: new Set([1, 2]), list: [new Map([['x', [1]]])] },
  ];
  it.each(cases.map((c, i) => [i, c] as const))('case %i', async (_i, value) => {
    const { stream, text } = sink();
    await jsonStreamed(value, stream);
    const expected = JSON.stringify(value, (_k, v) => (v instanceof Map ? Object.fromEntries(v) : v instanceof Set ? [...v] : v), 2) + '\n';
    expect(text()).toBe(expected);
  });

  it('import --json of a real export parses back to the counts import prints', () => {
    const file = path.join(SEED_REVIEW, 'exports/psycinfo-ovid.ris');
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin/litscreen.js'), 'import', '--json', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const parsed = JSON.parse(run.stdout);
    expect(parsed.records).toHaveLength(268);
    expect(parsed.files[0].records).toBe(268);
    expect(run.stdout).toBe(JSON.stringify(parsed, null, 2) + '\n');
  });
});
