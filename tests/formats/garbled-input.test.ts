import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { decodeAndParse } from '../../src/formats/registry.js';
import { LitscreenError } from '../../src/errors.js';
import { REPO, CORPUS } from '../helpers/cli.js';

/**
 * Property test: real exports cut at random points and with random bytes garbled never make the
 * importer throw an uncaught exception. Every case ends in records plus warnings, or in a
 * LitscreenError that names the file and a line. Deterministic (seeded), so a failure reproduces.
 */

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXPORT_FILE = /\.(ris|csv|tsv|txt|nbib|xml|enw|ovd|cgi|tab)$/i;

function inputFiles(): string[] {
  const files: string[] = [];
  const fixtureDirs = [path.join(REPO, 'fixtures/formats'), path.join(REPO, 'fixtures/seed-review/exports')];
  for (const dir of fixtureDirs) if (existsSync(dir)) for (const f of readdirSync(dir)) if (EXPORT_FILE.test(f)) files.push(path.join(dir, f));
  if (existsSync(CORPUS)) {
    for (const folder of readdirSync(CORPUS, { withFileTypes: true })) {
      if (!folder.isDirectory() || folder.name === 'bib-dedupe-benchmarks') continue;
      const dir = path.join(CORPUS, folder.name);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isFile() && EXPORT_FILE.test(entry.name)) files.push(path.join(dir, entry.name));
      }
    }
  }
  // Large files make each case slow without finding more; the benchmark covers size.
  return files.filter((f) => readFileSync(f).length < 400_000).sort();
}

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  let out = Uint8Array.from(bytes);
  const kind = random();
  if (kind < 0.4) {
    out = out.subarray(0, Math.floor(random() * out.length)); // cut short
  } else if (kind < 0.7) {
    const flips = 1 + Math.floor(random() * 20);
    for (let i = 0; i < flips && out.length > 0; i++) out[Math.floor(random() * out.length)] = Math.floor(random() * 256);
  } else if (kind < 0.85) {
    const start = Math.floor(random() * out.length);
    const end = Math.min(out.length, start + Math.floor(random() * 2000));
    out = Uint8Array.from([...out.subarray(0, start), ...out.subarray(end)]); // a chunk missing
  } else {
    const at = Math.floor(random() * out.length);
    const junk = Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256));
    out = Uint8Array.from([...out.subarray(0, at), ...junk, ...out.subarray(at)]); // junk inserted
  }
  return out;
}

describe('importer on cut and garbled real exports', () => {
  const files = inputFiles();
  const random = mulberry32(20261124);
  const CASES_PER_FILE = 6;
  it(`has inputs (${files.length} files)`, () => expect(files.length).toBeGreaterThan(5));
  for (const file of files) {
    it(path.relative(REPO, file).replace(/^\.\.\//, ''), () => {
      const original = readFileSync(file);
      for (let i = 0; i < CASES_PER_FILE; i++) {
        const bytes = mutate(original, random);
        try {
          const result = decodeAndParse(bytes, file);
          expect(Array.isArray(result.records)).toBe(true);
          for (const w of result.warnings) {
            expect(w.file).toBe(file);
            expect(Number.isInteger(w.line) && w.line >= 1).toBe(true);
          }
          for (const r of result.records) expect(r.source.line).toBeGreaterThanOrEqual(1);
        } catch (error) {
          if (!(error instanceof LitscreenError)) throw new Error(`case ${i}: uncaught ${(error as Error).stack}`);
          expect(error.file).toBe(file);
          expect(error.line, error.message).toBeGreaterThanOrEqual(1);
        }
      }
    });
  }
});
