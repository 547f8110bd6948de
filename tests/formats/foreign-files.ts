/** Every format fixture and seed-review export, decoded, for checking that one reader's sniff leaves the others' files alone. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { csvReader, tsvReader } from '../../src/formats/csv.js';
import { decodeExport } from '../../src/formats/encoding.js';
import { endnoteXmlReader } from '../../src/formats/endnote-xml.js';
import { nbibReader } from '../../src/formats/nbib.js';
import { ovidTaggedReader } from '../../src/formats/ovid-tagged.js';
import { pubmedXmlReader } from '../../src/formats/pubmed-xml.js';
import { risReader } from '../../src/formats/ris/index.js';
import type { FormatReader } from '../../src/formats/types.js';
import { FIXTURES } from './helpers.js';

const SEED_EXPORTS = path.resolve(FIXTURES, '../seed-review/exports');

/** The readers that existed before the WoS / refer / RefWorks readers, in registry order. */
export const EARLIER_READERS: FormatReader[] = [pubmedXmlReader, endnoteXmlReader, nbibReader, ovidTaggedReader, risReader, tsvReader, csvReader];

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
