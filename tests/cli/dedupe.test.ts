import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { litscreen, copyOfSeedReview, removeDir, tempDir, SEED_REVIEW, REPO, reviewWithOneUncertainPair } from '../helpers/cli.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

interface Report {
  clusters: { kept: { id: string }; removed: { id: string; rule: string; linkedTo: string }[]; rule: string }[];
  uncertain: { a: string; b: string }[];
  counts: { records: number; unique: number; duplicates: number; uncertain: number };
}
const report = (dir: string): Report => JSON.parse(litscreen(['dedupe', dir, '--json']).stdout);

describe('dedupe on the seed review', () => {
  const r = report(SEED_REVIEW);
  it('accounts for every record: records = unique + duplicates', () => {
    expect(r.counts.records).toBe(665);
    expect(r.counts.unique + r.counts.duplicates).toBe(r.counts.records);
    expect(r.counts.duplicates).toBe(84);
  });
  it('names the rule and the record each removed record was linked to', () => {
    for (const c of r.clusters) for (const m of c.removed) {
      expect(m.rule).toMatch(/\w/);
      expect(m.linkedTo).toMatch(/:/);
    }
  });
  it('never merges the traps: Rooney 2016 with Unwin 2017, or the Hughes erratum with Hughes 2017', () => {
    const clusterOf = (id: string) => r.clusters.find((c) => c.kept.id === id || c.removed.some((m) => m.id === id));
    const rooney = clusterOf('psycinfo:2016-90385-004');
    expect(rooney).toBeDefined();
    expect([rooney!.kept.id, ...rooney!.removed.map((m) => m.id)]).not.toContain('psycinfo:2017-14097-006');
    const hughes = clusterOf('psycinfo:2017-46824-006')!;
    expect([hughes.kept.id, ...hughes.removed.map((m) => m.id)]).not.toContain('social-services-abstracts:1766660812');
  });
  it('--files runs the same engine on exports without a review', () => {
    const files = ['psycinfo-ovid.ris', 'social-care-online.csv', 'social-services-abstracts.ris'].map((f) => path.join(SEED_REVIEW, 'exports', f));
    const run = litscreen(['dedupe', '--files', ...files, '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).counts.records).toBe(665);
  });
});

describe('resolving pairs by hand (append-only log, honoured by every later run)', () => {
  it('a pair marked distinct is split; one marked duplicate is merged; verify names the change', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const before = report(dir);
    const pairCluster = before.clusters.find((c) => c.removed.length === 1)!;
    const pairsFile = path.join(dir, 'pairs.csv');
    writeFileSync(
      pairsFile,
      stringify([
        ['record_a', 'record_b', 'decision', 'note'],
        [pairCluster.kept.id, pairCluster.removed[0].id, 'distinct', 'different editions'],
      ]),
    );
    const run = litscreen(['dedupe', dir, '--resolve', pairsFile, '--reviewer', 'alice']);
    expect(run.status, run.stderr).toBe(0);
    const log = parse(readFileSync(path.join(dir, 'decisions/duplicates/alice.csv')), { columns: true }) as Record<string, string>[];
    expect(log).toHaveLength(1);
    expect(log[0].decision).toBe('distinct');
    const after = report(dir);
    expect(after.counts.duplicates).toBe(before.counts.duplicates - 1);
    const verify = litscreen(['verify', dir]);
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain('duplicates: expected 84, found 83');
  });

  it('a reviewer can merge what the engine kept apart', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const pairsFile = path.join(dir, 'pairs.csv');
    writeFileSync(pairsFile, stringify([['record_a', 'record_b', 'decision'], ['psycinfo:2016-90385-004', 'psycinfo:2017-14097-006', 'duplicate']]));
    expect(litscreen(['dedupe', dir, '--resolve', pairsFile, '--reviewer', 'bob']).status).toBe(0);
    expect(report(dir).counts.duplicates).toBe(85);
  });

  it('reviewers who disagree about a pair leave it unresolved, and verify says so', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const pairs = (decision: string) => stringify([['record_a', 'record_b', 'decision'], ['psycinfo:2016-90385-004', 'psycinfo:2017-14097-006', decision]]);
    writeFileSync(path.join(dir, 'p1.csv'), pairs('duplicate'));
    writeFileSync(path.join(dir, 'p2.csv'), pairs('distinct'));
    litscreen(['dedupe', dir, '--resolve', path.join(dir, 'p1.csv'), '--reviewer', 'alice']);
    litscreen(['dedupe', dir, '--resolve', path.join(dir, 'p2.csv'), '--reviewer', 'bob']);
    expect(report(dir).counts.duplicates).toBe(84);
    const verify = litscreen(['verify', dir]);
    expect(verify.status).toBe(1);
    expect(verify.stderr).toMatch(/reviewers disagree whether .* are duplicates/);
  });

  it('--resolve refuses a decision that is neither duplicate nor distinct, with file:line', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    writeFileSync(path.join(dir, 'p.csv'), 'record_a,record_b,decision\na,b,\npsycinfo:2016-90385-004,psycinfo:2017-14097-006,maybe\n');
    const run = litscreen(['dedupe', dir, '--resolve', path.join(dir, 'p.csv'), '--reviewer', 'alice']);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/p\.csv:3: decision "maybe"/);
    expect(existsSync(path.join(dir, 'decisions/duplicates/alice.csv'))).toBe(false);
  });

  it('--uncertain writes the uncertain pairs side by side with an empty decision column', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const file = path.join(dir, 'uncertain.csv');
    const run = litscreen(['dedupe', dir, '--uncertain', file]);
    expect(run.status, run.stderr).toBe(0);
    const rows = parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.length).toBe(report(dir).counts.uncertain);
    const header = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split('\n')[0];
    for (const col of ['record_a', 'record_b', 'score', 'decision', 'a_title', 'b_title', 'a_year', 'b_year']) expect(header).toContain(col);
  });

  it('--resolve run twice adds nothing the second time; d and x are understood as the prompt shows them', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const pairsFile = path.join(dir, 'pairs.csv');
    writeFileSync(
      pairsFile,
      stringify([
        ['record_a', 'record_b', 'decision'],
        ['psycinfo:2016-90385-004', 'psycinfo:2017-14097-006', 'x'],
        ['psycinfo:2017-14097-006', 'psycinfo:2016-90385-004', 'distinct'],
        ['psycinfo:2017-46824-006', 'social-services-abstracts:1766660812', 'd'],
      ]),
    );
    const first = litscreen(['dedupe', dir, '--resolve', pairsFile, '--reviewer', 'alice']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('2 pair(s) resolved by alice');
    expect(first.stdout).toContain('(1 already recorded as such)');
    const log = path.join(dir, 'decisions/duplicates/alice.csv');
    const once = readFileSync(log, 'utf8');
    expect((parse(once, { columns: true }) as Record<string, string>[]).map((r) => r.decision)).toEqual(['distinct', 'duplicate']);
    const second = litscreen(['dedupe', dir, '--resolve', pairsFile, '--reviewer', 'alice']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('0 pair(s) resolved by alice');
    expect(readFileSync(log, 'utf8')).toBe(once);
  });

  it('--resolve refuses answers that contradict each other across copies the engine merged, with file:line', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const cluster = report(dir).clusters.find((c) => c.removed.length === 1)!;
    const other = 'psycinfo:2016-90385-004';
    writeFileSync(
      path.join(dir, 'p.csv'),
      stringify([
        ['record_a', 'record_b', 'decision'],
        [other, cluster.removed[0].id, 'x'],
        [other, cluster.kept.id, 'd'],
      ]),
    );
    const run = litscreen(['dedupe', dir, '--resolve', path.join(dir, 'p.csv'), '--reviewer', 'alice']);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/p\.csv:3: duplicate refused: answered distinct above .*; nothing was recorded/);
    expect(existsSync(path.join(dir, 'decisions/duplicates/alice.csv'))).toBe(false);
  });

  it('a retract row in the log takes back the verdict: the pair is as the engine left it', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const pairsFile = path.join(dir, 'pairs.csv');
    writeFileSync(pairsFile, stringify([['record_a', 'record_b', 'decision'], ['psycinfo:2016-90385-004', 'psycinfo:2017-14097-006', 'duplicate']]));
    expect(litscreen(['dedupe', dir, '--resolve', pairsFile, '--reviewer', 'bob']).status).toBe(0);
    expect(report(dir).counts.duplicates).toBe(85);
    const log = path.join(dir, 'decisions/duplicates/bob.csv');
    writeFileSync(log, readFileSync(log, 'utf8') + '2024-01-02T00:00:00Z,psycinfo:2017-14097-006,psycinfo:2016-90385-004,retract,undo\n');
    expect(report(dir).counts.duplicates).toBe(84);
    expect(litscreen(['verify', dir]).status).toBe(0);
  });

  it('--review on a review with no uncertain pairs says so and writes nothing', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin/litscreen.js'), 'dedupe', dir, '--review', '--reviewer', 'alice'], {
      input: 'q\n',
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('no uncertain pairs: nothing to review');
    expect(existsSync(path.join(dir, 'decisions/duplicates/alice.csv'))).toBe(false);
  });

  it('--review with answers piped in resolves an uncertain pair, and verify passes afterwards', () => {
    const dir = reviewWithOneUncertainPair();
    cleanup.push(dir);
    expect(report(dir).counts.uncertain).toBe(1);
    expect(litscreen(['verify', dir]).stderr).toMatch(/may be duplicates/);
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin/litscreen.js'), 'dedupe', dir, '--review', '--reviewer', 'alice'], {
      input: 'maybe\nd\n',
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('keys: d duplicate, x distinct, s skip, u undo, q quit');
    expect(run.stdout).toMatch(/pair 1 of 1/);
    expect(run.stdout).toMatch(/pages +A e8-e9\n +B e3 +<- differs/);
    expect(run.stdout).toContain('1 pair(s) of studies answered by alice: 1 row(s)');
    const after = report(dir);
    expect(after.counts.duplicates).toBe(1);
    expect(after.counts.uncertain).toBe(0);
    expect(after.clusters[0].removed[0].rule).toBe('resolution');
  });
});

