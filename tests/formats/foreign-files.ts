/** Every format fixture and seed-review export, decoded, for checking that one reader's sniff leaves the others' files alone. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { decodeExport } from '../../src/formats/encoding.js';
import { READERS } from '../../src/formats/registry.js';
import type { FormatReader } from '../../src/formats/types.js';
import { FIXTURES } from './helpers.js';

const SEED_EXPORTS = path.resolve(FIXTURES, '../seed-review/exports');

/** Every registered reader but `own`: none of them may claim `own`'s files. */
export function otherReaders(own: FormatReader): FormatReader[] {
  return READERS.filter((r) => r.name !== own.name);
}

/** `own` claims `text` and no other registered reader does. */
export function expectOnlyClaimedBy(own: FormatReader, text: string, label = own.name): void {
  expect(own.sniff(text), `${own.name} should claim ${label}`).toBe(true);
  for (const r of otherReaders(own)) expect(r.sniff(text), `${r.name} claims ${label}`).toBe(false);
}

/** `own` claims its fixture and no other fixture or seed export; no other reader claims its fixture. */
export function expectSniffIsolation(own: FormatReader, fixtureName: string, fixtureText: string): void {
  for (const [name, text] of allFixtureTexts()) expect(own.sniff(text), name).toBe(name.endsWith(fixtureName));
  expectOnlyClaimedBy(own, fixtureText, fixtureName);
}

export function decodedFile(file: string): string {
  return decodeExport(readFileSync(file), file).text;
}

/** [relative name, decoded text] of every file in fixtures/formats and fixtures/seed-review/exports. */
export function allFixtureTexts(): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of [FIXTURES, SEED_EXPORTS]) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.md')) continue;
      out.push([path.relative(path.resolve(FIXTURES, '..'), path.join(dir, name)), decodedFile(path.join(dir, name))]);
    }
  }
  return out;
}
