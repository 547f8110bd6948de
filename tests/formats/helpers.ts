import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { expect } from 'vitest';
import type { ParsedRecord } from '../../src/model/record.js';
import path from 'node:path';

import { REPO, CORPUS } from '../helpers/cli.js';

export { CORPUS };
export const FIXTURES = path.join(REPO, 'fixtures/formats');
/** The shared test corpus beside the repository (../shared/corpus); tests skip when it is absent. */
export const HAS_CORPUS = existsSync(CORPUS);

export const fixture = (name: string): Uint8Array => readFileSync(path.join(FIXTURES, name));
export const corpusFile = (rel: string): Uint8Array => readFileSync(path.join(CORPUS, rel));

/** What a fixture case pins about its first record. */
export interface ExpectedFirstRecord {
  title: string;
  family?: string;
  given?: string;
  year?: number;
  doi?: string;
  accession?: string;
  line: number;
}

/** The first record of a fixture reads as its case says, and keeps its source location and raw hash. */
export function expectFirstRecord(r: ParsedRecord, first: ExpectedFirstRecord, file: string): void {
  expect(r.title).toBe(first.title);
  if (first.family !== undefined) expect(r.authors[0]).toEqual({ family: first.family, given: first.given });
  expect(r.year).toBe(first.year);
  expect(r.doi).toBe(first.doi);
  expect(r.accession).toBe(first.accession);
  expect(r.source).toEqual({ file, line: first.line });
  expect(r.rawHash).toMatch(/^[0-9a-f]{12}$/);
}

/** Every file below `dir`, depth first, in name order (the same order on every machine). */
export function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}
