/**
 * Two exports appended into one file (`cat a b`, or "append to file" in a reference manager): the
 * second export's byte-order mark lands at the start of a line in the middle of the file. It must
 * read exactly as the same two exports appended without the mark: no record lost, no tag hidden.
 */
import { describe, expect, it } from 'vitest';
import { decodeAndParse } from '../../src/formats/registry.js';
import { fixture } from './helpers.js';

const LINE_TAGGED_AND_BIBTEX = [
  'nbib-quirks.nbib',
  'ovid-tagged-quirks.txt',
  'refer-quirks.enw',
  'refworks-quirks.txt',
  'wos-quirks.txt',
  'bibtex-scopus-wos.bib',
  'ris-ovid-psycinfo.ris',
  'ris-crlf-bom.ris',
  'ris-proquest.ris',
];

describe('an export appended to another, its byte-order mark now mid-file', () => {
  it.each(LINE_TAGGED_AND_BIBTEX)('%s reads as if the mark were not there', (name) => {
    const text = new TextDecoder().decode(fixture(name)).replace(/^\uFEFF/, '');
    const withoutMark = decodeAndParse(Buffer.from(`${text}\n\n${text}`), name);
    const withMark = decodeAndParse(Buffer.from(`\uFEFF${text}\n\n\uFEFF${text}`), name);
    expect(withMark.records.length).toBeGreaterThan(decodeAndParse(Buffer.from(text), name).records.length);
    expect(JSON.stringify(withMark)).toBe(JSON.stringify(withoutMark));
  });
});
