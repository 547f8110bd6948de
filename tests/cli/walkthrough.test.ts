import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { litscreen, tempDir, removeDir, copyOfSeedReview, SEED_REVIEW, REPO } from '../helpers/cli.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

/** The README's walkthrough on a review made from scratch: init, exports, decisions, flow, verify. */
describe('a review from init to verify', () => {
  const root = tempDir();
  cleanup.push(root);
  const dir = path.join(root, 'my-review');

  it('runs end to end', () => {
    expect(litscreen(['init', dir]).status).toBe(0);
    copyFileSync(path.join(SEED_REVIEW, 'exports/psycinfo-ovid.ris'), path.join(dir, 'exports/psycinfo.ris'));
    const protocolFile = path.join(dir, 'litscreen.json');
    const protocol = JSON.parse(readFileSync(protocolFile, 'utf8'));
    delete protocol.expected;
    writeFileSync(protocolFile, JSON.stringify(protocol, null, 2));

    // Before any decision: everything that passed the criteria is pending, so verify fails.
    const pending = JSON.parse(litscreen(['list', dir, '--stage', 'title-abstract', '--pending', '--json']).stdout) as { id: string }[];
    expect(pending.length).toBeGreaterThan(0);
    const fresh = litscreen(['verify', dir]);
    expect(fresh.status).toBe(1);
    // A person sees the first pending records and how to list them all, not a wall of lines.
    if (pending.length > 10) expect(fresh.stderr).toContain(`and ${pending.length - 10} more pending at title/abstract`);
    expect(JSON.parse(litscreen(['verify', dir, '--json']).stdout).problems.filter((p: string) => p.includes('pending')).length).toBe(pending.length);

    // Include the first pending study, exclude the rest.
    const [first, ...rest] = pending;
    const env = { LITSCREEN_REVIEWER: 'alice' };
    expect(litscreen(['decide', dir, first.id, 'include', '--stage', 'title-abstract'], { env }).status).toBe(0);
    // The rest go straight into alice's log, as a reviewer working in a spreadsheet would add them
    // (one CLI call per record would only make this test slow).
    const logFile = path.join(dir, 'decisions/title-abstract/alice.csv');
    const rows = rest.map((p, i) => `2018-01-22T10:${String(i % 60).padStart(2, '0')}:00Z,${p.id},exclude,off topic,`);
    writeFileSync(logFile, readFileSync(logFile, 'utf8') + rows.join('\n') + '\n');
    expect(litscreen(['verify', dir]).stderr).toContain('pending at full text');
    expect(litscreen(['decide', dir, first.id, 'include', '--stage', 'full-text'], { env }).status).toBe(0);

    const verify = litscreen(['verify', dir]);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const flow = JSON.parse(litscreen(['flow', dir, '--json']).stdout);
    expect(flow.database_results).toBe(268);
    expect(flow.new_studies).toBe(1);
    expect(flow.records_excluded_by_reviewer).toBe(rest.length);

    // Pin the counts, then watch verify catch a drift.
    protocol.expected = { database_results: 268, new_studies: 1 };
    writeFileSync(protocolFile, JSON.stringify(protocol, null, 2));
    expect(litscreen(['verify', dir]).status).toBe(0);
    litscreen(['decide', dir, first.id, 'exclude', '--stage', 'full-text', '--reason', 'not-empirical'], { env });
    const drift = litscreen(['verify', dir]);
    expect(drift.status).toBe(1);
    expect(drift.stderr).toContain('new_studies: expected 1, found 0');
    // The log kept both full-text rows: history is never rewritten.
    const log = parse(readFileSync(path.join(dir, 'decisions/full-text/alice.csv')), { columns: true }) as Record<string, string>[];
    expect(log.map((r) => r.decision)).toEqual(['include', 'exclude']);
  });
});

describe('criteria reported as automation tools', () => {
  it('moves criteria exclusions to excluded_automatic and out of records screened', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const file = path.join(dir, 'litscreen.json');
    const protocol = JSON.parse(readFileSync(file, 'utf8'));
    protocol.titleAbstract.reportCriteriaAsAutomation = true;
    delete protocol.expected;
    writeFileSync(file, JSON.stringify(protocol, null, 2));
    const flow = JSON.parse(litscreen(['flow', dir, '--json']).stdout);
    expect(flow.excluded_automatic).toBe(flow.records_excluded_by_criteria);
    expect(flow.excluded_automatic).toBeGreaterThan(0);
    expect(flow.records_screened).toBe(581 - flow.excluded_automatic);
    expect(flow.records_excluded).toBe(flow.records_excluded_by_reviewer);
    expect(flow.new_studies).toBe(11);
  });
});

describe('export', () => {
  it('writes the included studies as RIS that imports back to the same 11 records', () => {
    const dir = tempDir();
    cleanup.push(dir);
    const out = path.join(dir, 'included.ris');
    const run = litscreen(['export', SEED_REVIEW, '--to', 'ris', '--stage', 'included', '-o', out]);
    expect(run.status, run.stderr).toBe(0);
    const back = JSON.parse(litscreen(['import', '--json', out]).stdout);
    expect(back.records).toHaveLength(11);
    const included = JSON.parse(litscreen(['list', SEED_REVIEW, '--stage', 'included', '--json']).stdout) as { title: string }[];
    expect(back.records.map((r: { title: string }) => r.title).sort()).toEqual(included.map((r) => r.title).sort());
  });
  it('writes every record read as CSV, duplicates included', () => {
    const run = litscreen(['export', SEED_REVIEW, '--to', 'csv', '--stage', 'all']);
    expect(run.status).toBe(0);
    expect(parse(run.stdout, { bom: true, columns: true })).toHaveLength(665);
  });
  it('the JSON Schema written by init is the one shipped for the seed review', () => {
    const dir = tempDir();
    cleanup.push(dir);
    litscreen(['init', dir]);
    expect(readFileSync(path.join(dir, 'litscreen.schema.json'), 'utf8')).toBe(readFileSync(path.join(REPO, 'fixtures/seed-review/litscreen.schema.json'), 'utf8'));
  });
});
