import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { decodeAndParse } from '../../src/formats/registry.js';
import { recordsToRis, recordsToCsv } from '../../src/report/records.js';
import type { ParsedRecord } from '../../src/model/record.js';
import { REPO } from '../helpers/cli.js';

/** The fields the Record model promises; a writer must carry each of them through a round trip. */
function essence(r: ParsedRecord) {
  return {
    type: r.type,
    title: r.title,
    authors: r.authors,
    year: r.year,
    journal: r.journal,
    volume: r.volume,
    issue: r.issue,
    startPage: r.startPage,
    endPage: r.endPage,
    doi: r.doi,
    abstract: r.abstract?.replace(/\s+/g, ' '),
    keywords: r.keywords,
    language: r.language,
    accession: r.accession,
  };
}

const inputs = [
  ...['psycinfo-ovid.ris', 'social-care-online.csv', 'social-services-abstracts.ris'].map((f) => path.join(REPO, 'fixtures/seed-review/exports', f)),
  ...(existsSync(path.join(REPO, 'fixtures/formats'))
    ? readdirSync(path.join(REPO, 'fixtures/formats'))
        .filter((f) => /\.(ris|csv|tsv|txt|nbib|xml)$/.test(f))
        .map((f) => path.join(REPO, 'fixtures/formats', f))
    : []),
].filter((f) => existsSync(f));

describe('writers round-trip: read -> write -> read gives the same records', () => {
  for (const file of inputs) {
    let original: ParsedRecord[] = [];
    try {
      original = decodeAndParse(readFileSync(file), file).records;
    } catch {
      continue; // deliberately broken quirk fixtures are covered by the reader tests
    }
    if (original.length === 0) continue;
    // Keywords with ';' inside cannot survive a ';'-joined CSV cell; no real export has them.
    it(`RIS: ${path.basename(file)}`, () => {
      const again = decodeAndParse(Buffer.from(recordsToRis(original)), 'roundtrip.ris', 'ris').records;
      expect(again.map(essence)).toEqual(original.map(essence));
    });
    it(`CSV: ${path.basename(file)}`, () => {
      const again = decodeAndParse(Buffer.from(recordsToCsv(original, { bom: true })), 'roundtrip.csv', 'csv').records;
      expect(again.map(essence)).toEqual(original.map(essence));
    });
  }
});
