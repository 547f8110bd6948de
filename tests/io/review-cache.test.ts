import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as path from 'node:path';
import { readFileSync, writeFileSync, mkdirSync, utimesSync, readdirSync, existsSync, truncateSync, statSync } from 'node:fs';
import { loadReview } from '../../src/io/review.js';
import { lastCacheStats, CACHE_DIR, type CacheStats } from '../../src/io/review-cache.js';
import { runFlow } from '../../src/commands/flow.js';
import { runList } from '../../src/commands/list.js';
import { runVerify } from '../../src/commands/verify.js';
import { runShow } from '../../src/commands/show.js';
import { runDecide } from '../../src/commands/decide.js';
import { copyOfSeedReview, removeDir, tempDir, litscreen } from '../helpers/cli.js';

/**
 * The derived-state cache (src/io/review-cache.ts) must never change what a command says: the
 * cached path and the uncached one (`--no-cache`, LITSCREEN_NO_CACHE=1) agree on every output, and
 * a changed input rewrites exactly the entries derived from it. vitest.config.ts turns the cache
 * off for the whole suite (so fixtures/seed-review is never written); these tests turn it on, in
 * temp copies only.
 */

const saved = process.env.LITSCREEN_NO_CACHE;
beforeAll(() => {
  delete process.env.LITSCREEN_NO_CACHE;
});
afterAll(() => {
  if (saved === undefined) delete process.env.LITSCREEN_NO_CACHE;
  else process.env.LITSCREEN_NO_CACHE = saved;
});

let stats: CacheStats = lastCacheStats;

/** Every output the review commands derive, as text; `cache` false derives from scratch. `stats`: what the first load did. */
async function outputs(dir: string, cache: boolean): Promise<string> {
  const env = process.env.LITSCREEN_NO_CACHE;
  if (!cache) process.env.LITSCREEN_NO_CACHE = '1';
  try {
    const review = await loadReview(dir);
    if (cache) stats = lastCacheStats;
    const state = review.state;
    // Counted (or read from the cache's entries) by this load, so `stats` shows the flow and problems entries.
    const stateFlow = state.flow;
    const stateProblems = state.problems;
    const some = [...state.studies.slice(0, 5), ...state.studies.filter((s) => s.memberIds.length > 1).slice(0, 5)].map((s) => s.memberIds.at(-1)!);
    const result: Record<string, unknown> = {
      stateFlow,
      flow: await runFlow({ review: dir }),
      verify: await runVerify({ review: dir }),
      problems: stateProblems,
      sources: review.sources.map((s) => ({ file: s.file, format: s.format, dialect: s.dialect, count: s.recordCount, records: s.records.length, warnings: s.warnings })),
      dedupe: { ...state.dedupe, removedToKept: [...state.dedupe.removedToKept] },
      studies: state.studies.map((s) => ({ id: s.id, status: s.status, members: s.memberIds, failed: s.failedCriterion?.id, overridden: s.overriddenCriterion?.id, summary: s.summary })),
      records: state.records,
      studyRecords: state.studies.map((s) => s.record),
      show: await Promise.all(some.map((id) => runShow({ review: dir, id }))),
    };
    for (const stage of ['title-abstract', 'full-text', 'included', 'duplicates']) {
      result[`list ${stage}`] = await runList({ review: dir, stage, pending: false });
      result[`list ${stage} --pending`] = await runList({ review: dir, stage, pending: true });
    }
    return JSON.stringify(result, (_k, v) => (v instanceof Map ? [...v] : v));
  } finally {
    if (env === undefined) delete process.env.LITSCREEN_NO_CACHE;
    else process.env.LITSCREEN_NO_CACHE = env;
  }
}

/** Exports dated an hour ago, so the stat index trusts them (a fresh mtime is hashed again). */
function ageExports(dir: string): void {
  const old = new Date(Date.now() - 3600_000);
  for (const f of readdirSync(path.join(dir, 'exports'))) utimesSync(path.join(dir, 'exports', f), old, old);
}

/** A copy of the seed review without a cache (one may be there when litscreen was run on the fixture by hand). */
function seedCopy(): string {
  const dir = copyOfSeedReview();
  removeDir(path.join(dir, CACHE_DIR));
  return dir;
}

const kinds = (names: string[]) => names.map((n) => n.replace(/-[0-9a-f]+$/, '')).sort();

describe('the derived-state cache gives the same results as deriving from scratch', { timeout: 600_000 }, () => {
  it('on the seed review: flow, verify, list, show, every study and record', async () => {
    const dir = seedCopy();
    try {
      ageExports(dir);
      const uncached = await outputs(dir, false);
      expect(existsSync(path.join(dir, CACHE_DIR))).toBe(false);
      const filling = await outputs(dir, true);
      expect(kinds(stats.written)).toEqual(['criteria', 'flow', 'problems', 'records', 'records', 'records', 'studies']);
      const warm = await outputs(dir, true);
      expect(stats.written).toEqual([]);
      expect(stats.hashed).toEqual([]);
      expect(kinds(stats.read)).toEqual(['criteria', 'flow', 'problems', 'records', 'records', 'records', 'studies']);
      expect(stats.protocol).toBe('read');
      expect(stats.logs).toEqual({ read: 3, written: 0 });
      expect(filling).toBe(uncached);
      expect(warm).toBe(uncached);
    } finally {
      removeDir(dir);
    }
  });

  it('on a synthetic review of a few thousand records with duplicates across three databases', async () => {
    const dir = syntheticReview(3000);
    try {
      const uncached = await outputs(dir, false);
      await outputs(dir, true);
      const warm = await outputs(dir, true);
      expect(stats.written).toEqual([]);
      expect(warm).toBe(uncached);
      const flow = (await runFlow({ review: dir })).flow;
      expect(flow.database_results).toBe(3000);
      expect(flow.duplicates).toBeGreaterThan(500);
    } finally {
      removeDir(dir);
    }
  });

  it('through the built binary: flow --json, list, verify --json and show, cached and with --no-cache', () => {
    const dir = seedCopy();
    try {
      const cached = { LITSCREEN_NO_CACHE: '' };
      const show = ['show', dir, 'psycinfo:2017-14097-006'];
      const runs = [['flow', dir, '--json'], ['list', dir], ['list', dir, '--stage', 'duplicates'], ['verify', dir, '--json'], show, [...show, '--json']];
      for (const args of runs) {
        const scratch = litscreen(args, { env: { LITSCREEN_NO_CACHE: '1' } });
        const filling = litscreen(args, { env: cached });
        const warm = litscreen(args, { env: cached });
        expect(filling).toEqual(scratch);
        expect(warm).toEqual(scratch);
      }
      const noCache = litscreen(['verify', dir, '--json', '--no-cache'], { env: cached });
      expect(noCache).toEqual(litscreen(['verify', dir, '--json'], { env: cached }));
      expect(existsSync(path.join(dir, CACHE_DIR))).toBe(true);
      const debug = litscreen(['flow', dir], { env: { ...cached, LITSCREEN_CACHE_DEBUG: '1' } });
      expect(debug.stderr).toMatch(/litscreen cache: read studies-/);
      expect(debug.stderr).not.toMatch(/wrote/);
    } finally {
      removeDir(dir);
    }
  });
});

describe('a changed input rewrites exactly the entries derived from it', { timeout: 600_000 }, () => {
  let dir: string;
  const protocolFile = () => path.join(dir, 'litscreen.json');
  const editProtocol = (edit: (p: Record<string, any>) => void) => {
    const p = JSON.parse(readFileSync(protocolFile(), 'utf8'));
    edit(p);
    writeFileSync(protocolFile(), JSON.stringify(p, null, 2) + '\n');
  };
  /** Run, then say which kinds of entry were written (and check the result against no cache). */
  const rewritten = async () => {
    const cached = await outputs(dir, true);
    const written = kinds(stats.written);
    expect(cached).toBe(await outputs(dir, false));
    return written;
  };

  beforeAll(async () => {
    dir = seedCopy();
    ageExports(dir);
    await outputs(dir, true);
  }, 600_000);
  afterAll(() => removeDir(dir));

  it('nothing changed: nothing written, nothing hashed', async () => {
    expect(await rewritten()).toEqual([]);
    expect(stats.hashed).toEqual([]);
  });

  it('the title: only the flow and the problems (keyed by the whole protocol)', async () => {
    editProtocol((p) => (p.title = 'Another title'));
    expect(await rewritten()).toEqual(['flow', 'problems']);
    expect(kinds(stats.read)).toEqual(['criteria', 'records', 'records', 'records', 'studies']);
  });

  it('a decision appended to a log: only the flow and the problems, and the decision counts', async () => {
    const before = (await runFlow({ review: dir })).flow;
    const pending = (await runList({ review: dir, stage: 'title-abstract', pending: false })).find((s) => s.status === 'excluded-at-title-abstract')!;
    await runDecide({ review: dir, id: pending.id, decision: 'include', stage: 'title-abstract', reviewer: 'first-author', now: new Date('2030-01-01T00:00:00Z') });
    expect(await rewritten()).toEqual(['flow', 'problems']);
    expect(stats.logs).toEqual({ read: 2, written: 1 });
    expect((await runFlow({ review: dir })).flow).not.toEqual(before);
  });

  it('a new decision log, and one deleted: only the flow and the problems, each time', async () => {
    const log = path.join(dir, 'decisions/full-text/late-reviewer.csv');
    const before = (await runFlow({ review: dir })).flow;
    const included = (await runList({ review: dir, stage: 'full-text', pending: false }))[0];
    writeFileSync(log, `time,record_id,decision,reason,note\n2030-01-02T00:00:00Z,${included.id},maybe,,\n`);
    expect(await rewritten()).toEqual(['flow', 'problems']);
    removeDir(log);
    expect(await rewritten()).toEqual(['flow', 'problems']);
    expect((await runFlow({ review: dir })).flow).toEqual(before);
  });

  it('a log rewritten to other bytes of the same size and mtime is read again', async () => {
    const log = path.join(dir, 'decisions/title-abstract/first-author.csv');
    const text = readFileSync(log, 'utf8');
    const stat = statSync(log);
    // The appended include above becomes an exclude of the same length: the flow must change.
    const at = text.lastIndexOf(',include,');
    writeFileSync(log, text.slice(0, at) + ',exclude,' + text.slice(at + ',include,'.length));
    utimesSync(log, stat.atimeMs / 1000, stat.mtimeMs / 1000);
    expect(await rewritten()).toEqual(['flow', 'problems']);
  });

  it('the criteria: only the criteria results, the flow and the problems', async () => {
    editProtocol((p) => p.titleAbstract.criteria.pop());
    expect(await rewritten()).toEqual(['criteria', 'flow', 'problems']);
  });

  it('the deduplication settings: the clusters, the criteria results, the flow and the problems, not the records', async () => {
    editProtocol((p) => (p.deduplication.yearTolerance = 0));
    expect(await rewritten()).toEqual(['criteria', 'flow', 'problems', 'studies']);
    expect(kinds(stats.read)).toEqual(['records', 'records', 'records']);
  });

  it('a duplicate resolution: the clusters, the criteria results, the flow and the problems', async () => {
    const cluster = (await loadReview(dir)).state.dedupe.clusters[0];
    mkdirSync(path.join(dir, 'decisions/duplicates'), { recursive: true });
    writeFileSync(path.join(dir, 'decisions/duplicates/first-author.csv'), `time,record_a,record_b,decision,note\n2030-01-01T00:00:00Z,${cluster.kept},${cluster.removed[0]},distinct,\n`);
    expect(await rewritten()).toEqual(['criteria', 'flow', 'problems', 'studies']);
    expect((await loadReview(dir)).state.studyIdOf.get(cluster.removed[0])).not.toBe(cluster.kept);
  });

  it('one export: its records, the clusters and the criteria results; the other exports are read', async () => {
    const file = path.join(dir, 'exports/psycinfo-ovid.ris');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^T1  - /m, 'T1  - Revised: '));
    const old = new Date(Date.now() - 1800_000);
    utimesSync(file, old, old);
    expect(await rewritten()).toEqual(['criteria', 'flow', 'problems', 'records', 'studies']);
    expect(stats.hashed).toEqual([file]);
    expect(kinds(stats.read)).toEqual(['records', 'records']);
    // Entries no longer derived from anything present are removed: seven entries (the flow's and the problems' too),
    // the validated protocol, the rows of the three decision logs, and the stat indexes of the
    // exports (exports.json) and of litscreen's code (code.json).
    expect(readdirSync(path.join(dir, CACHE_DIR)).filter((n) => !n.startsWith('.')).map((n) => n.replace(/-[0-9a-f]+$/, '')).sort()).toEqual([
      'code.json', 'criteria', 'exports.json', 'flow', 'log', 'log', 'log', 'problems', 'protocol', 'records', 'records', 'records', 'studies',
    ]);
  });

  it('an export changed within the same second and size is still seen (its fresh mtime is not trusted)', async () => {
    const file = path.join(dir, 'exports/psycinfo-ovid.ris');
    // Written now, and read at once: its mtime is as new as the moment it is hashed.
    writeFileSync(file, readFileSync(file, 'utf8').replace('Revised: ', 'Revisad: '));
    expect(await rewritten()).toEqual(['criteria', 'flow', 'problems', 'records', 'studies']);
    // Same size, same inode, the same mtime again: only the index's note of when it hashed tells
    // that the file may have changed after it was hashed, so it is hashed again.
    const stat = statSync(file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('Revisad: ', 'Revised: '));
    utimesSync(file, stat.atimeMs / 1000, stat.mtimeMs / 1000);
    expect(await rewritten()).toEqual(['criteria', 'flow', 'problems', 'records', 'studies']);
  });

  it('a truncated or corrupt entry is ignored and derived again, never an error', async () => {
    const cacheDir = path.join(dir, CACHE_DIR);
    const studies = readdirSync(cacheDir).find((n) => n.startsWith('studies-'))!;
    truncateSync(path.join(cacheDir, studies), 100);
    const records = readdirSync(cacheDir).find((n) => n.startsWith('records-'))!;
    writeFileSync(path.join(cacheDir, records), 'garbage');
    // The criteria results and the flow are keyed by what the entries hold, not by their files: read.
    expect(await rewritten()).toEqual(['records', 'studies']);
  });

  it('a cache folder that cannot be written: runs uncached, without error', async () => {
    removeDir(path.join(dir, CACHE_DIR));
    writeFileSync(path.join(dir, CACHE_DIR), 'not a folder');
    expect(await rewritten()).toEqual([]);
    removeDir(path.join(dir, CACHE_DIR));
    // Deleting the folder loses nothing: everything is derived again.
    expect(await rewritten()).toEqual(['criteria', 'flow', 'problems', 'records', 'records', 'records', 'studies']);
  });
});

/** A review of `total` records: distinct studies in PsycINFO, copies of some in Embase and Scopus. */
function syntheticReview(total: number): string {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const words = 'social work education service user carer involvement practice policy child welfare family support mental health community care older people disability participation evaluation training students curriculum outcomes qualitative study review'.split(' ');
  const families = ['Smith', 'Jones', 'Rantamäki', 'van Doorn', 'Okafor', 'Nguyen', 'García', 'Müller', 'Beresford', 'Croisdale'];
  const pick = <T,>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  const dbs: Record<string, string[]> = { psycinfo: [], embase: [], scopus: [] };
  let count = 0;
  for (let i = 0; count < total; i++) {
    const title = Array.from({ length: 8 }, () => pick(words)).join(' ') + ` ${i}`;
    const authors = [`${pick(families)}, ${pick(['A.', 'Maria', 'J. K.'])}`, `${pick(families)}, B.`];
    const year = 1995 + (i % 28);
    const entry = (an: string, copy: boolean) =>
      [
        'TY  - JOUR',
        `TI  - ${copy && next() < 0.3 ? title.toUpperCase() : title}`,
        ...authors.map((a) => `AU  - ${a}`),
        `PY  - ${year}`,
        `JO  - Journal of ${pick(words)}`,
        `SP  - ${i % 400}`,
        ...(next() < 0.6 && !(copy && next() < 0.4) ? [`DO  - 10.1000/s${i}`] : []),
        `AB  - ${Array.from({ length: 30 }, () => pick(words)).join(' ')}`,
        `LA  - ${next() < 0.95 ? 'English' : 'French'}`,
        `AN  - ${an}`,
        'ER  - ',
        '',
      ].join('\n');
    dbs.psycinfo.push(entry(`P${i}`, false));
    count++;
    if (next() < 0.3 && count < total) (dbs.embase.push(entry(`E${i}`, true)), count++);
    if (next() < 0.2 && count < total) (dbs.scopus.push(entry(`S${i}`, true)), count++);
  }
  const protocol = JSON.parse(readFileSync(path.join(copyDirOf(), 'litscreen.json'), 'utf8'));
  delete protocol.expected;
  protocol.sources = Object.keys(dbs).map((key) => ({ key, database: key.toUpperCase(), file: `exports/${key}.ris`, searchDate: '2024-01-01', searchString: 'social work' }));
  const files: Record<string, string> = { 'litscreen.json': JSON.stringify(protocol, null, 2) };
  for (const [key, entries] of Object.entries(dbs)) files[`exports/${key}.ris`] = entries.join('\n');
  const rows = ['time,record_id,decision,reason,note'];
  for (let i = 0; i < 300; i += 3) rows.push(`2024-01-01T00:00:00Z,psycinfo:P${i},${i % 2 ? 'include' : 'exclude'},,`);
  files['decisions/title-abstract/alice.csv'] = rows.join('\n') + '\n';
  const dir = tempDir(files);
  ageExports(dir);
  return dir;
}

function copyDirOf(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/seed-review');
}
