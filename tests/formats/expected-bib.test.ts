import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { decodeAndParse } from '../../src/formats/registry.js';
import { foldText } from '../../src/core/criteria/fold-text.js';
import { CORPUS } from '../helpers/cli.js';

/**
 * Field-level conformance against other projects' expected outputs: JabRef's importer tests and
 * CoLRev's search-source tests each pair an input export with the BibTeX their importer must
 * produce. Title, first author's family name, year and DOI must agree with ours, record by record.
 */

interface BibEntry {
  title?: string;
  author?: string;
  year?: string;
  doi?: string;
}

/** Just enough BibTeX: `@type{key, field = {value} or "value" or number, ...}` with nested braces. */
function parseBib(text: string): BibEntry[] {
  const entries: BibEntry[] = [];
  let i = 0;
  while ((i = text.indexOf('@', i)) !== -1) {
    const open = text.indexOf('{', i);
    if (open === -1) break;
    if (/^@(comment|preamble|string)/i.test(text.slice(i, open))) {
      i = open;
      continue;
    }
    let depth = 0;
    let end = open;
    for (; end < text.length; end++) {
      if (text[end] === '{') depth++;
      else if (text[end] === '}' && --depth === 0) break;
    }
    const body = text.slice(open + 1, end);
    const entry: Record<string, string> = {};
    const field = /(\w[\w.-]*)\s*=\s*/g;
    let m: RegExpExecArray | null;
    while ((m = field.exec(body))) {
      let j = field.lastIndex;
      let value = '';
      if (body[j] === '{') {
        let d = 0;
        const start = j;
        for (; j < body.length; j++) {
          if (body[j] === '{') d++;
          else if (body[j] === '}' && --d === 0) break;
        }
        value = body.slice(start + 1, j);
      } else if (body[j] === '"') {
        const close = body.indexOf('"', j + 1);
        value = body.slice(j + 1, close);
        j = close;
      } else {
        value = /^[^,}\s]*/.exec(body.slice(j))![0];
      }
      entry[m[1].toLowerCase()] = value;
      field.lastIndex = j + 1;
    }
    entries.push(entry);
    i = end;
  }
  return entries;
}

const comparable = (s: string | undefined) => foldText((s ?? '').replace(/[{}\\]/g, '')).replace(/[^a-z0-9]/g, '');
/** The first author's family name as BibTeX gives it; a name without a comma may be a group ("… Centre (UK)"). */
const firstFamilyCandidates = (bibAuthor: string | undefined): string[] => {
  const first = (bibAuthor ?? '').split(/\s+and\s+/)[0].replace(/[{}]/g, '').trim();
  return first.includes(',') ? [first.split(',')[0]] : [first, first.split(/\s+/).pop() ?? ''];
};

/** Input files paired with the BibTeX their project expects, found by name. */
function pairs(): [string, string][] {
  const out: [string, string][] = [];
  const jabref = path.join(CORPUS, 'jabref-importer-tests');
  if (existsSync(jabref)) {
    const files = readdirSync(jabref);
    for (const f of files) {
      if (f.endsWith('.bib')) continue;
      const bib = f.replace(/\.[^.]+$/, '.bib');
      if (files.includes(bib)) out.push([path.join(jabref, f), path.join(jabref, bib)]);
    }
  }
  const colrev = path.join(CORPUS, 'colrev-search-source-tests');
  for (const [input, bib] of [
    ['abi_inform_proquest_ris.ris', 'abi_inform_proquest_ris_result.bib'],
    ['psycinfo_ris.ris', 'psycinfo_ris_result.bib'],
    ['eric_nbib.nbib', 'eric_nbib_result.bib'],
  ]) {
    if (existsSync(path.join(colrev, input))) out.push([path.join(colrev, input), path.join(colrev, bib)]);
  }
  return out.sort();
}

/**
 * Where the expected output is not what the export says, ours follows the export. Each entry
 * names the file and why, so a changed reader cannot hide behind the list.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'MedlinePlainImporterTestMultiTitle.txt': 'JabRef joins all TI lines into one title; we keep the first',
  'MedlinePlainImporterTestMultipleEntries.txt': 'JabRef drops the entries without PMID; we keep all seven',
  'MedlineImporterTestBookArticleSet.xml': 'JabRef reads only the book of the two records; we keep both',
  'MedlineImporterTestKeywordSingleEntry.xml': 'JabRef takes the PersonalNameSubject (the person the article is about) as its author; we do not',
  'MedlineImporterTestMinimalEntry.xml': 'an empty PubmedArticle: JabRef drops it, we keep it with a warning',
  'RisImporterTest1.ris': 'eleven TY lines in a row: JabRef folds them into one record, we keep each TY as a record with a "no ER" warning, as the importer promises',
};

describe.skipIf(!existsSync(CORPUS))('fields agree with other importers\' expected BibTeX', () => {
  for (const [input, bibFile] of pairs()) {
    const name = path.basename(input);
    const known = KNOWN_DIFFERENCES[name];
    it(`${path.basename(path.dirname(input))}/${name}${known ? ` (known: ${known})` : ''}`, () => {
      let records;
      try {
        records = decodeAndParse(readFileSync(input), input).records;
      } catch {
        return; // refused files (malformed on purpose) are covered by the reader tests
      }
      const expected = parseBib(readFileSync(bibFile, 'utf8'));
      if (known) return;
      expect(records.length, 'record count').toBe(expected.length);
      expected.forEach((bib, i) => {
        const r = records[i];
        if (bib.title) expect(comparable(r.title), `title of record ${i + 1}`).toBe(comparable(bib.title));
        if (bib.author) expect(firstFamilyCandidates(bib.author).map(comparable), `first author of record ${i + 1}`).toContain(comparable(r.authors[0]?.family));
        if (bib.year && /^\d{4}$/.test(bib.year)) expect(r.year, `year of record ${i + 1}`).toBe(Number(bib.year));
        if (bib.doi) expect(r.doi, `doi of record ${i + 1}`).toBe(bib.doi.toLowerCase().replace(/^https?:\/\/(dx\.)?doi\.org\//, ''));
      });
    });
  }
});
