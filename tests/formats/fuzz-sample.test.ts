import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { READERS, decodeAndParse } from '../../src/formats/registry.js';
import { decodeText } from '../../src/formats/encoding.js';
import { LitscreenError } from '../../src/errors.js';
import { collectBaseFiles, poolsByReader, makeCase, runCase, MUTATION_NAMES, type FuzzApi } from '../../scripts/fuzz-cases.mjs';
import { REPO, CORPUS } from '../helpers/cli.js';

/**
 * A seeded sample of the corruption fuzz (npm run fuzz runs 10,000 cases): real exports damaged by
 * byte flips, truncation at record boundaries, lost and doubled lines, stray CRs, re-encoding,
 * BOMs mid-file, reserved names as keys, deep nesting and huge fields. Every case ends in records
 * or a LitscreenError with file:line, quickly, and every record lost or added has a warning.
 * Replay a failure with: npm run build && npm run fuzz -- --seed 20261201 --case K (the script reads the corpus too, as this test does when it is there)
 */
const SEED = 20261201;
const CASES = 200;

describe('corruption fuzz sample', () => {
  const api = { READERS, decodeAndParse, decodeText, LitscreenError } as unknown as FuzzApi;
  const pools = poolsByReader(collectBaseFiles(REPO, existsSync(CORPUS) ? CORPUS : undefined), api);

  it('has a base file for every registered reader', () => {
    expect([...pools.keys()].sort()).toEqual(READERS.map((r) => r.name).sort());
  });

  it(`${CASES} cases over ${READERS.length} readers and ${MUTATION_NAMES.length} mutations: no exception, no slow case, records accounted for`, () => {
    const failures: string[] = [];
    for (let k = 0; k < CASES; k++) {
      const c = makeCase(SEED, k, pools, api);
      const r = runCase(c, api);
      const where = `case ${k} (${c.reader}, ${c.mutation}: ${c.what})`;
      if (r.exception) failures.push(`${where}: exception ${r.exception}`);
      else if (r.mismatch) failures.push(`${where}: ${r.mismatch}`);
      else if (r.ms > 5000) failures.push(`${where}: ${Math.round(r.ms)} ms`);
    }
    expect(failures).toEqual([]);
  });
});
