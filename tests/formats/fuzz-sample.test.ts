import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { READERS, decodeAndParse } from '../../src/formats/registry.js';
import { decodeText } from '../../src/formats/encoding.js';
import { LitscreenError } from '../../src/errors.js';
import { collectBaseFiles, poolsByReader, makeCase, runCase, MUTATION_NAMES, type FuzzApi } from '../../scripts/fuzz-cases.mjs';
import { INDEPENDENT_COUNT } from '../../scripts/record-counts.mjs';
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

describe('the independent counts count what a person counts', () => {
  it('BibTeX: an entry behind characters a person cannot see, not one cut by U+2028 in its type', () => {
    expect(INDEPENDENT_COUNT.bibtex('\u007f@article{a,\n}\n @book{b,\n}\n@in\u2028proceedings{c,\n}\n@string{x = "y"}\n')).toBe(2);
  });

  it('WoS: a PT line opens a record even when its type was pushed to the next line', () => {
    expect(INDEPENDENT_COUNT.wos('PT J\nTI a\nER\n\nPT\n J\nTI b\nER\nPTX\n')).toBe(2);
  });

  it('nbib: PMID lines, and the OWN line of a record without one (ERIC), but not both for one PubMed record', () => {
    expect(INDEPENDENT_COUNT.nbib('PMID- 1\nOWN - NLM\nTI  - a\n\nOWN - ERIC\nTI  - b\n\nPMID- 3\nTI  - c\nPMID- 4\n')).toBe(4);
    expect(INDEPENDENT_COUNT.nbib('PMID- 1\nTI  - a\n\nSTAT- MEDLINE\nTI  - b\n')).toBe(1);
    expect(INDEPENDENT_COUNT.nbib('TI  - a\n\nTI  - b\n')).toBe(2);
  });
});
