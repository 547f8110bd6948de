import { describe, it, expect, afterAll } from 'vitest';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { litscreen, tempDir, removeDir, REPO } from '../helpers/cli.js';

/** `litscreen simulate` on a small synthetic labelled CSV (the corpus's sets belong to bench:simulate). */

const topics = ['bridge steel load', 'soil erosion river', 'school reading pupils', 'tax income households'];
const rows = ['record_id,title,abstract,label_included,duplicate_record_id'];
for (let i = 1; i <= 120; i++) {
  const relevant = i % 8 === 0;
  const topic = relevant ? 'dementia care home residents' : topics[i % topics.length];
  rows.push(`${i},"A study of ${topic} (${i})","We report ${topic}, case ${i % 13}, region ${i % 7}.",${relevant ? 1 : 0},`);
}
rows.push('121,"No abstract here",,1,');
rows.push('122,"A study of dementia care home residents (8)","We report dementia care home residents, case 8, region 1.",1,8');
const dir = tempDir({ 'labelled.csv': rows.join('\r\n') + '\r\n', 'bad.csv': 'title,abstract,label\r\nA,B,1\r\nC,D,yes\r\n' });
afterAll(() => removeDir(dir));

describe('litscreen simulate', () => {
  it('prints the measures as mean and range over the runs', () => {
    const run = litscreen(['simulate', path.join(dir, 'labelled.csv'), '--label', 'label_included', '--runs', '2', '--clean']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('120 records, 15 relevant (cleaned from 122 rows: 1 without abstract, 1 marked duplicate, 0 same title and abstract dropped)');
    expect(run.stdout).toMatch(/WSS@95 \(%\)\s+\d+\.\d\s+\d+\.\d–\d+\.\d/);
    for (const m of ['RRF@10 (%)', 'RRF@25 (%)', 'ATD (% of records)', 'records to 95 % recall', 'records to 100 % recall']) expect(run.stdout).toContain(m);
    expect(run.stdout).toContain('2 run(s), seeds 1–2');
  });

  it('--json adds the order of every run, priors first', () => {
    const run = litscreen(['simulate', path.join(dir, 'labelled.csv'), '--label', 'label_included', '--runs', '2', '--seed', '5', '--json']);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.seeds).toEqual([5, 6]);
    expect(result.records).toBe(122);
    expect(result.runs).toHaveLength(2);
    for (const r of result.runs) {
      expect(r.order).toHaveLength(122);
      expect(new Set(r.order).size).toBe(122);
      expect(r.order.slice(0, 2)).toEqual([r.priors.relevant, r.priors.irrelevant]);
    }
    // The same seed, the same order.
    const again = JSON.parse(litscreen(['simulate', path.join(dir, 'labelled.csv'), '--label', 'label_included', '--seed', '5', '--json']).stdout);
    expect(again.runs[0].order).toEqual(result.runs[0].order);
  });

  it('names a missing label column (exit 2) and a label that is not 0 or 1 with its line (exit 3)', () => {
    const missing = litscreen(['simulate', path.join(dir, 'labelled.csv'), '--label', 'included']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no label column "included"');
    const bad = litscreen(['simulate', path.join(dir, 'bad.csv'), '--label', 'label']);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toContain('bad.csv:3: label "yes" in column label is neither 1 (relevant) nor 0 (irrelevant)');
  });
});

describe('the relevance worker (built)', () => {
  it('ranks in a worker thread and answers each update with a newer ranking', async () => {
    const { RelevanceWorker } = await import(pathToFileURL(path.join(REPO, 'dist/io/relevance-worker.js')).href);
    const texts = Array.from({ length: 60 }, (_, i) => ({ id: `r${i}`, title: i % 2 ? 'dementia care homes residents' : 'bridge steel engineering load', abstract: `case ${i}` }));
    const worker = await RelevanceWorker.start(texts, new Map([['r1', 1], ['r0', 0]]), 1);
    try {
      expect(worker.latest().trainedOn).toBe(2);
      expect(worker.latest().ids.slice(0, 10).every((id: string) => Number(id.slice(1)) % 2 === 1)).toBe(true);
      worker.update(new Map([['r1', 1], ['r0', 0], ['r3', 1]]));
      worker.update(new Map([['r1', 1], ['r0', 0], ['r3', 1], ['r2', 0]]));
      await worker.idle();
      expect(worker.latest().trainedOn).toBe(4);
      expect(worker.latest().ids).not.toContain('r2');
    } finally {
      await worker.close();
    }
  });
});
