import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { litscreen, copyOfSeedReview, removeDir, tempDir, SEED_REVIEW, REPO } from '../helpers/cli.js';

/**
 * The seed review end to end, through the real binary: raw exports in, 581 -> 67 -> 11 out.
 * Nothing here is hard-coded into the tool: the counts come from running the pipeline on
 * fixtures/seed-review, and the changed-decision test shows the check can fail.
 */
const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

describe('litscreen flow on the seed review', () => {
  const run = litscreen(['flow', SEED_REVIEW, '--json']);
  const flow = JSON.parse(run.stdout);

  it('exits 0', () => expect(run.status, run.stderr).toBe(0));
  it('identifies 268 / 192 / 205 records per database', () => {
    expect(flow.database_specific_results).toEqual({ PsycINFO: 268, 'Social Care Online': 192, 'Social Services Abstracts': 205 });
    expect(flow.database_results).toBe(665);
  });
  it('removes 84 duplicates and screens 581', () => {
    expect(flow.duplicates).toBe(84);
    expect(flow.records_screened).toBe(581);
  });
  it('excludes 514 at title/abstract, by criteria and by the reviewer', () => {
    expect(flow.records_excluded).toBe(514);
    expect(flow.records_excluded_by_criteria).toBeGreaterThan(0);
    expect(flow.records_excluded_by_reviewer).toBeGreaterThan(0);
  });
  it('assesses 67 full texts, excludes 56 with reasons, includes 11', () => {
    expect(flow.dbr_sought_reports).toBe(67);
    expect(flow.dbr_notretrieved_reports).toBe(0);
    expect(flow.dbr_assessed).toBe(67);
    expect(flow.dbr_excluded_total).toBe(56);
    const reasons = Object.values(flow.dbr_excluded as Record<string, number>).filter((n) => n > 0);
    expect(reasons.length).toBeGreaterThanOrEqual(3);
    expect(reasons.length).toBeLessThanOrEqual(5);
    expect(flow.new_studies).toBe(11);
  });
  it('prints the same counts as text', () => {
    const text = litscreen(['flow', SEED_REVIEW]).stdout;
    for (const n of ['665', '268', '192', '205', '84', '581', '514', '67', '56', '11']) expect(text).toMatch(new RegExp(`\\b${n}\\b`));
    expect(text).toContain('Studies included in review');
  });
  it('warns about the Social Services Abstracts record without ER, and keeps it', () => {
    expect(run.stderr).toMatch(/social-services-abstracts\.ris:\d+: .*ER/);
  });
  it('writes CSV and SVG forms of the flow', () => {
    const csv = parse(litscreen(['flow', SEED_REVIEW, '--format', 'csv']).stdout, { columns: true }) as { data: string; count: string }[];
    expect(csv.find((r) => r.data === 'new_studies')!.count).toBe('11');
    const svg = litscreen(['flow', SEED_REVIEW, '--format', 'svg']).stdout;
    expect(svg).toContain('<svg');
    expect(svg).toContain('Studies included in review (n = 11)');
    // The README shows this diagram; it must be the one the tool draws today.
    expect(svg.trimEnd()).toBe(readFileSync(path.join(REPO, 'docs/seed-review-prisma.svg'), 'utf8').trimEnd());
  });
});

describe('litscreen verify', () => {
  it('passes on the seed review', () => {
    const run = litscreen(['verify', SEED_REVIEW]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('ok');
  });

  it('fails and names the changed counts when an included study is excluded at full text', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const included = JSON.parse(litscreen(['list', dir, '--stage', 'included', '--json']).stdout) as { id: string }[];
    expect(included).toHaveLength(11);
    const decide = litscreen(['decide', dir, included[0].id, 'exclude', '--stage', 'full-text', '--reviewer', 'first-author', '--reason', 'not-empirical']);
    expect(decide.status, decide.stderr).toBe(0);
    const run = litscreen(['verify', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('new_studies: expected 11, found 10');
    expect(run.stderr).toContain('dbr_excluded_total: expected 56, found 57');
  });

  it('fails on a disagreement between reviewers', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const included = JSON.parse(litscreen(['list', dir, '--stage', 'included', '--json']).stdout) as { id: string }[];
    litscreen(['decide', dir, included[1].id, 'exclude', '--stage', 'full-text', '--reviewer', 'third', '--reason', 'not-empirical']);
    const run = litscreen(['verify', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/reviewers disagree at full text/);
  });
});

describe('litscreen extract', () => {
  it('writes 11 rows with the five extraction fields, UTF-8 with a BOM', () => {
    const dir = tempDir();
    cleanup.push(dir);
    const out = path.join(dir, 't.csv');
    const run = litscreen(['extract', SEED_REVIEW, '-o', out]);
    expect(run.status, run.stderr).toBe(0);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(11);
    // The table's headings are the protocol's labels (names where a field has none).
    const protocol = JSON.parse(readFileSync(path.join(SEED_REVIEW, 'litscreen.json'), 'utf8'));
    const headings: string[] = protocol.extraction.fields.map((f: { name: string; label?: string }) => f.label ?? f.name);
    expect(protocol.extraction.fields.map((f: { name: string }) => f.name)).toEqual(['country', 'study_design', 'sample_size', 'data_collection', 'main_findings']);
    for (const heading of headings) {
      expect(Object.keys(rows[0])).toContain(heading);
      for (const r of rows) expect(r[heading]).not.toBe('');
    }
    expect(Object.keys(rows[0]).slice(0, 6)).toEqual(['record_id', 'authors', 'year', 'title', 'journal', 'doi']);
    const countries = rows.map((r) => r.Country);
    expect(countries.filter((c) => /UK|United Kingdom|England|Scotland|Wales|Northern Ireland/.test(c))).toHaveLength(9);
    expect(countries.filter((c) => /Australia/.test(c))).toHaveLength(1);
    expect(countries.filter((c) => /Belgium/.test(c) && /Netherlands/.test(c))).toHaveLength(1);
    expect(rows.filter((r) => r['Study design'] === 'mixed methods')).toHaveLength(3);
    expect(rows.filter((r) => r['Study design'] === 'qualitative')).toHaveLength(8);
    // Webber & Robinson carry the one real DOI of the included studies.
    expect(rows.find((r) => r.authors.startsWith('Webber'))!.doi).toBe('10.1093/bjsw/bcr141');
  });

  it('--no-bom drops the byte-order mark', () => {
    const run = litscreen(['extract', SEED_REVIEW, '--no-bom']);
    expect(run.status).toBe(0);
    expect(run.stdout.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('exits 1 and reports by study and field when a required value is missing, writing no file', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const file = path.join(dir, 'extraction.csv');
    const rows = parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
    const lines = readFileSync(file, 'utf8').split('\n');
    // Blank the country of the first study by rewriting its line with an empty country cell.
    const first = rows[0];
    lines[1] = lines[1].replace(`,${first.country},`, ',,');
    expect(lines[1]).toContain(`${first.record_id},,`);
    writeFileSync(file, lines.join('\n'));
    const out = path.join(dir, 'out.csv');
    const run = litscreen(['extract', dir, '-o', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${first.record_id}`);
    expect(run.stderr).toMatch(/country: required value is missing/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('litscreen decide refuses what would make the log wrong (exit 2)', () => {
  const dir = copyOfSeedReview();
  cleanup.push(dir);
  const anyId = (JSON.parse(litscreen(['list', dir, '--stage', 'full-text', '--json']).stdout) as { id: string }[])[0].id;
  const cases: [string, string[], RegExp][] = [
    ['a full-text exclusion without a reason', [anyId, 'exclude', '--stage', 'full-text', '--reviewer', 'x'], /needs --reason/],
    ['a reason not in the protocol', [anyId, 'exclude', '--stage', 'full-text', '--reviewer', 'x', '--reason', 'boring'], /not in the protocol/],
    ['an unknown id', ['psycinfo:0000', 'include', '--stage', 'title-abstract', '--reviewer', 'x'], /no record "psycinfo:0000"/],
    ['not-retrieved at title/abstract', [anyId, 'not-retrieved', '--stage', 'title-abstract', '--reviewer', 'x'], /full-text decision/],
    ['no reviewer', [anyId, 'include', '--stage', 'title-abstract'], /--reviewer/],
    ['an unknown stage', [anyId, 'include', '--stage', 'abstract', '--reviewer', 'x'], /--stage/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const run = litscreen(['decide', dir, ...args]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  }
  it('accepts LITSCREEN_REVIEWER and appends to that reviewer\'s log', () => {
    const run = litscreen(['decide', dir, anyId, 'not-retrieved', '--stage', 'full-text'], { env: { LITSCREEN_REVIEWER: 'carol' } });
    expect(run.status, run.stderr).toBe(0);
    const log = readFileSync(path.join(dir, 'decisions/full-text/carol.csv'), 'utf8').trim().split('\n');
    expect(log[0]).toBe('time,record_id,decision,reason,note');
    expect(log[1]).toContain(`${anyId},not-retrieved`);
  });
});

describe('extraction.csv as spreadsheets save it', () => {
  it('reads semicolon-separated CSV (European Excel) and UTF-16 "Unicode text" with tabs', () => {
    const original = readFileSync(path.join(SEED_REVIEW, 'extraction.csv'), 'utf8');
    const rows = parse(original, { columns: false }) as string[][];
    const semicolons = rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(';')).join('\r\n');
    const tabs = rows.map((r) => r.map((c) => c.replace(/[\t\n]/g, ' ')).join('\t')).join('\r\n');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tabs, 'utf16le')]);
    for (const content of [semicolons, utf16]) {
      const dir = copyOfSeedReview();
      cleanup.push(dir);
      writeFileSync(path.join(dir, 'extraction.csv'), content);
      const run = litscreen(['extract', dir, '--json']);
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).rows).toHaveLength(11);
    }
  });
});

describe('decision logs re-saved by a spreadsheet', () => {
  it('decide keeps the semicolons of a log saved by European Excel', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const log = path.join(dir, 'decisions/full-text/first-author.csv');
    const rows = parse(readFileSync(log), { columns: false }) as string[][];
    writeFileSync(log, rows.map((r) => r.join(';')).join('\r\n') + '\r\n');
    expect(litscreen(['verify', dir]).status).toBe(0);
    const included = JSON.parse(litscreen(['list', dir, '--stage', 'included', '--json']).stdout) as { id: string }[];
    const run = litscreen(['decide', dir, included[0].id, 'exclude', '--stage', 'full-text', '--reviewer', 'first-author', '--reason', 'not-empirical']);
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(log, 'utf8').trimEnd().split(/\r?\n/).pop()).toMatch(/;not-empirical;$/);
    expect(litscreen(['verify', dir]).stderr).toContain('new_studies: expected 11, found 10');
  });
  it('decide refuses to append to a log saved as UTF-16, with exit 3', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const log = path.join(dir, 'decisions/full-text/first-author.csv');
    writeFileSync(log, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(log, 'utf8'), 'utf16le')]));
    const included = JSON.parse(litscreen(['list', dir, '--stage', 'included', '--json']).stdout) as { id: string }[];
    const run = litscreen(['decide', dir, included[0].id, 'include', '--stage', 'full-text', '--reviewer', 'first-author']);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/first-author\.csv: saved as utf-16le; save it as "CSV UTF-8"/);
  });
});
