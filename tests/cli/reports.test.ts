import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { litscreen, copyOfSeedReview, removeDir, tempDir, SEED_REVIEW } from '../helpers/cli.js';
import { readXlsx } from '../helpers/xlsx.js';

/** The seed review with one title that begins with "-" and an extraction value that looks like a formula. */
let review: string;
let out: string;
const HOSTILE_TITLE = '-ing forms of experts by experience in early intervention in psychosis services';

beforeAll(() => {
  review = copyOfSeedReview();
  out = tempDir();
  const sco = path.join(review, 'exports/social-care-online.csv');
  writeFileSync(sco, readFileSync(sco, 'utf8').replace('Experts by experience in early intervention in psychosis services', HOSTILE_TITLE));
  const extraction = path.join(review, 'extraction.csv');
  writeFileSync(extraction, readFileSync(extraction, 'utf8').replace(',UK,qualitative,', ',=1+2,qualitative,'));
});
afterAll(() => {
  removeDir(review);
  removeDir(out);
});

const imported = (file: string) => {
  const run = litscreen(['import', '--json', file]);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout).records as { title: string; doi?: string; year?: number; authors: { family: string }[]; abstract?: string }[];
};

describe('extract', () => {
  it('--format xlsx opens in an independent reader: 11 studies under the right headings', () => {
    const file = path.join(out, 'extraction.xlsx');
    const run = litscreen(['extract', SEED_REVIEW, '--format', 'xlsx', '-o', file]);
    expect(run.status, run.stderr).toBe(0);
    const book = readXlsx(readFileSync(file));
    expect(book.rows[0]).toEqual(['record_id', 'authors', 'year', 'title', 'journal', 'doi', 'Country', 'Study design', 'Sample size', 'Method of data collection', 'Main findings']);
    expect(book.rows).toHaveLength(12);
    expect(book.formulas).toBe(0);
    // The same rows as the CSV, cell for cell.
    const csv = parse(litscreen(['extract', SEED_REVIEW, '--no-bom']).stdout) as string[][];
    expect(book.rows).toEqual(csv);
  });

  it('--format xlsx is a zip Python reads too', () => {
    const file = path.join(out, 'extraction.xlsx');
    const py = spawnSync('python3', ['-c', 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.read("xl/worksheets/sheet1.xml").split(b"<row ")) - 1)', file], { encoding: 'utf8' });
    if (py.error) return; // no python3 here
    expect(py.stdout.trim()).toBe('12');
  });

  it('escapes a formula in CSV and TSV, not in XLSX; --columns picks and orders', () => {
    const csv = litscreen(['extract', review, '--no-bom', '--columns', 'record_id,Country']);
    expect(csv.status, csv.stderr).toBe(0);
    const rows = parse(csv.stdout) as string[][];
    expect(rows[0]).toEqual(['record_id', 'Country']);
    expect(rows.some((r) => r[1] === `'=1+2`)).toBe(true);
    const tsv = litscreen(['extract', review, '--format', 'tsv', '--no-bom', '--columns', 'country']);
    expect(tsv.stdout).toContain(`'=1+2`);
    const file = path.join(out, 'hostile.xlsx');
    expect(litscreen(['extract', review, '--format', 'xlsx', '-o', file]).status).toBe(0);
    const book = readXlsx(readFileSync(file));
    expect(book.rows.some((r) => r.includes('=1+2'))).toBe(true);
    expect(litscreen(['extract', review, '--columns', 'nonsense']).status).toBe(2);
  });
});

describe('export', () => {
  it('CSV and TSV round trip through import: same records, a title beginning with "-" included', () => {
    for (const to of ['csv', 'tsv']) {
      const file = path.join(out, `all.${to}`);
      const run = litscreen(['export', review, '--to', to, '--stage', 'all', '-o', file]);
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(file, 'utf8')).toContain(`'${HOSTILE_TITLE}`);
      const back = imported(file);
      expect(back).toHaveLength(665);
      expect(back.map((r) => r.title)).toContain(HOSTILE_TITLE);
    }
    const ris = path.join(out, 'all.ris');
    litscreen(['export', review, '--to', 'ris', '--stage', 'all', '-o', ris]);
    const fromRis = imported(ris);
    const fromCsv = imported(path.join(out, 'all.csv'));
    expect(fromCsv.map((r) => [r.title, r.year, r.doi ?? null, r.authors.map((a) => a.family)])).toEqual(fromRis.map((r) => [r.title, r.year, r.doi ?? null, r.authors.map((a) => a.family)]));
  });

  it('--with-decisions adds status, stage, final decision, reason and every reviewer\'s vote and note', () => {
    const run = litscreen(['export', SEED_REVIEW, '--to', 'csv', '--with-decisions', '--no-bom']);
    expect(run.status, run.stderr).toBe(0);
    const rows = parse(run.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(581);
    expect(Object.keys(rows[0])).toEqual(expect.arrayContaining(['study_id', 'status', 'stage', 'final_decision', 'reason']));
    const count = (status: string) => rows.filter((r) => r.status === status).length;
    expect(count('included')).toBe(11);
    expect(count('excluded-at-full-text')).toBe(56);
    expect(count('excluded-by-criterion')).toBe(295);
    expect(rows.filter((r) => r.final_decision === 'include').length).toBe(11);
    const voteColumns = Object.keys(rows[0]).filter((k) => k.endsWith(' vote'));
    expect(voteColumns.length).toBeGreaterThan(0);
    const excluded = rows.find((r) => r.status === 'excluded-at-full-text')!;
    expect(excluded.reason).not.toBe('');
    // Still a file import reads back as the same records.
    const file = path.join(out, 'decisions.csv');
    writeFileSync(file, run.stdout);
    expect(imported(file)).toHaveLength(581);
  });

  it('--to xlsx --with-decisions opens with the decision columns', () => {
    const file = path.join(out, 'screening.xlsx');
    expect(litscreen(['export', SEED_REVIEW, '--to', 'xlsx', '--stage', 'included', '--with-decisions', '-o', file]).status).toBe(0);
    const book = readXlsx(readFileSync(file));
    expect(book.rows).toHaveLength(12);
    expect(book.rows[0]).toEqual(expect.arrayContaining(['litscreen_id', 'Title', 'DOI', 'status', 'final_decision']));
  });

  it('--to asreview: ASReview\'s columns and the included label, read back as the same records', () => {
    const file = path.join(out, 'asreview.csv');
    expect(litscreen(['export', review, '--to', 'asreview', '-o', file]).status).toBe(0);
    const rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]).slice(0, 9)).toEqual(['title', 'abstract', 'authors', 'keywords', 'year', 'journal', 'doi', 'url', 'included']);
    expect(rows.filter((r) => r.included === '1')).toHaveLength(67);
    expect(rows.filter((r) => r.included === '0')).toHaveLength(514);
    expect(rows.map((r) => r.title)).toContain(`'${HOSTILE_TITLE}`);
    expect(imported(file).map((r) => r.title)).toContain(HOSTILE_TITLE);
  });

  it('--to ris --with-decisions puts the decision in an N1 note', () => {
    const run = litscreen(['export', SEED_REVIEW, '--to', 'ris', '--stage', 'included', '--with-decisions']);
    expect(run.stdout.match(/^N1  - litscreen decision: included/gm)).toHaveLength(11);
  });
});

describe('list --format csv and flow --format csv', () => {
  it('the full-text retrieval list has DOI and URL', () => {
    const run = litscreen(['list', review, '--stage', 'full-text', '--format', 'csv']);
    expect(run.status, run.stderr).toBe(0);
    const rows = parse(run.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(67);
    expect(Object.keys(rows[0])).toEqual(['id', 'status', 'detail', 'year', 'first_author', 'title', 'database', 'doi', 'url']);
    expect(rows.filter((r) => r.url !== '').length).toBeGreaterThan(0);
  });

  it('flow --format prisma2020-csv from the command line', () => {
    const run = litscreen(['flow', SEED_REVIEW, '--format', 'prisma2020-csv']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('data,node,box,description,boxtext,tooltips,url,n');
    expect(existsSync(SEED_REVIEW)).toBe(true);
  });
});
