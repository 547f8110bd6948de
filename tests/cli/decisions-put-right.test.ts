import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { litscreen, copyOfSeedReview, removeDir } from '../helpers/cli.js';

/**
 * Issue 10's "decisions that can always be put right": decide refuses what could never count,
 * override, retract, decide --from, an adjudicator's resolve, and a reviewer's own queue.
 */
const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));
function review(edit?: (protocol: Record<string, any>) => void): string {
  const dir = copyOfSeedReview();
  cleanup.push(dir);
  if (edit) {
    const file = path.join(dir, 'litscreen.json');
    const protocol = JSON.parse(readFileSync(file, 'utf8'));
    edit(protocol);
    writeFileSync(file, JSON.stringify(protocol, null, 2));
  }
  return dir;
}
const json = (args: string[]) => {
  const run = litscreen([...args, '--json']);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
};
const idsWith = (dir: string, stage: string, status: string) => (json(['list', dir, '--stage', stage]) as { id: string; status: string }[]).filter((r) => r.status === status).map((r) => r.id);

describe('decide refuses a decision that could never count', () => {
  const dir = review();
  it('a title/abstract decision on a record a criterion excluded: exit 2, with the way out', () => {
    const id = idsWith(dir, 'title-abstract', 'excluded-by-criterion')[0];
    const run = litscreen(['decide', dir, id, 'include', '--stage', 'title-abstract', '--reviewer', 'alice']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is excluded by criterion');
    expect(run.stderr).toContain('--override --reason');
  });
  it('a full-text decision on a record not included at title/abstract: exit 2', () => {
    const id = idsWith(dir, 'title-abstract', 'excluded-at-title-abstract')[0];
    const run = litscreen(['decide', dir, id, 'include', '--stage', 'full-text', '--reviewer', 'alice']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('has not been included at title/abstract');
  });
  it('override without a reason: exit 2', () => {
    const id = idsWith(dir, 'title-abstract', 'excluded-by-criterion')[0];
    const run = litscreen(['decide', dir, id, 'include', '--stage', 'title-abstract', '--override', '--reviewer', 'alice']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--override needs --reason');
  });
});

describe('override, named as a human decision', () => {
  it('brings a criterion-excluded record to full text; show, flow and verify name it', () => {
    const dir = review();
    const id = idsWith(dir, 'title-abstract', 'excluded-by-criterion')[0];
    const before = json(['flow', dir]);
    const run = litscreen(['decide', dir, id, 'include', '--stage', 'title-abstract', '--override', '--reason', 'criterion missed a synonym', '--reviewer', 'alice']);
    expect(run.status, run.stderr).toBe(0);
    const after = json(['flow', dir]);
    expect(after.records_criteria_overridden).toBe(1);
    expect(after.records_excluded_by_criteria).toBe(before.records_excluded_by_criteria - 1);
    expect(after.dbr_sought_reports).toBe(before.dbr_sought_reports + 1);
    expect(after.full_text_pending).toBe(1);
    expect(litscreen(['show', dir, id]).stdout).toMatch(/overridden by alice .*criterion missed a synonym/);
    expect(litscreen(['flow', dir]).stdout).toMatch(/included by a reviewer \(override\)\s+1/);
    const verify = litscreen(['verify', dir]);
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain(`override: ${id}: criterion`);
  });
});

describe('retract', () => {
  it('takes a decision back by appending a row; the study is pending again; nothing to retract is refused', () => {
    const dir = review();
    const id = idsWith(dir, 'title-abstract', 'excluded-at-title-abstract')[0];
    const log = path.join(dir, 'decisions/title-abstract/first-author.csv');
    const before = readFileSync(log, 'utf8');
    const run = litscreen(['retract', dir, id, '--stage', 'title-abstract', '--reviewer', 'first-author']);
    expect(run.status, run.stderr).toBe(0);
    const after = readFileSync(log, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toMatch(/,retract,/);
    expect(idsWith(dir, 'title-abstract', 'title-abstract-pending')).toContain(id);
    const again = litscreen(['retract', dir, id, '--stage', 'title-abstract', '--reviewer', 'first-author']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('no decision');
  });
});

describe('decide --from a spreadsheet: every row valid, or nothing written', () => {
  it('writes all rows of a valid sheet in the log; a sheet with one bad row writes nothing and names its line', () => {
    const dir = review((p) => (p.titleAbstract.reviewers = 2));
    const pending = json(['list', dir, '--stage', 'title-abstract', '--pending', '--reviewer', 'bob']) as { id: string }[];
    expect(pending.length).toBeGreaterThan(3);
    const sheet = path.join(dir, 'bob.csv');
    const criterionExcluded = idsWith(dir, 'title-abstract', 'excluded-by-criterion')[0];
    writeFileSync(sheet, `record_id;decision;reason;note\r\n${pending[0].id};include;;\r\n${criterionExcluded};include;;\r\n${pending[1].id};exclude;off topic;\r\n`);
    const bad = litscreen(['decide', dir, '--from', sheet, '--stage', 'title-abstract', '--reviewer', 'bob']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('nothing was written');
    expect(bad.stderr).toContain(`${sheet}:3:`);
    expect(json(['list', dir, '--stage', 'title-abstract', '--pending', '--reviewer', 'bob'])).toHaveLength(pending.length);
    writeFileSync(sheet, `record_id,decision,reason,note\n${pending[0].id},include,,\n${pending[1].id},exclude,off topic,"two\nlines"\n${pending[2].id},maybe,,\n`);
    const good = litscreen(['decide', dir, '--from', sheet, '--stage', 'title-abstract', '--reviewer', 'bob']);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('3 decision(s)');
    // A maybe is done for bob's queue, but the study stays pending overall.
    expect(json(['list', dir, '--stage', 'title-abstract', '--pending', '--reviewer', 'bob'])).toHaveLength(pending.length - 3);
    expect(idsWith(dir, 'title-abstract', 'title-abstract-pending')).toContain(pending[2].id);
  });
});

describe('two reviewers and an adjudicator', () => {
  it('a disagreement is a conflict until an adjudicator resolves it; the votes are kept', () => {
    const dir = review((p) => {
      p.fullText.reviewers = 2;
      p.screening = { adjudicators: ['carol'] };
    });
    const id = idsWith(dir, 'full-text', 'included')[0];
    const decide = litscreen(['decide', dir, id, 'exclude', '--stage', 'full-text', '--reason', 'not-empirical', '--reviewer', 'second-reviewer']);
    expect(decide.status, decide.stderr).toBe(0);
    expect(idsWith(dir, 'full-text', 'full-text-conflict')).toEqual([id]);
    const notAdjudicator = litscreen(['resolve', dir, id, 'include', '--stage', 'full-text', '--reviewer', 'bob']);
    expect(notAdjudicator.status).toBe(2);
    expect(notAdjudicator.stderr).toContain('not an adjudicator');
    const resolve = litscreen(['resolve', dir, id, 'include', '--stage', 'full-text', '--reviewer', 'carol']);
    expect(resolve.status, resolve.stderr).toBe(0);
    expect(idsWith(dir, 'full-text', 'included')).toContain(id);
    const shown = litscreen(['show', dir, id]).stdout;
    expect(shown).toContain('carol (adjudicator): include');
    expect(shown).toMatch(/second-reviewer: exclude \(not-empirical\)/);
    // Resolving something not in conflict is refused.
    const other = idsWith(dir, 'full-text', 'included').find((x) => x !== id)!;
    expect(litscreen(['resolve', dir, other, 'include', '--stage', 'full-text', '--reviewer', 'carol']).status).toBe(2);
  });
});

describe('a reviewer\'s own queue', () => {
  it('with two reviewers required, the second reviewer still has records when the first has finished', () => {
    const dir = review((p) => (p.titleAbstract.reviewers = 2));
    const mine = json(['list', dir, '--stage', 'title-abstract', '--pending', '--reviewer', 'first-author']);
    const theirs = json(['list', dir, '--stage', 'title-abstract', '--pending', '--reviewer', 'bob']);
    expect(mine).toHaveLength(0);
    const flow = json(['flow', dir]);
    expect(theirs.length).toBe(flow.title_abstract_pending);
    expect(theirs.length).toBeGreaterThan(0);
  });
});

describe('free-text title/abstract reasons', () => {
  it('count as one reason however they were typed (case, spacing, a final full stop)', () => {
    const dir = review();
    const excluded = idsWith(dir, 'title-abstract', 'excluded-at-title-abstract').slice(0, 3);
    const log = path.join(dir, 'decisions/title-abstract/first-author.csv');
    const text = readFileSync(log, 'utf8');
    const nl = text.includes('\r\n') ? '\r\n' : '\n';
    const spellings = ['Off topic.', 'off  topic', 'OFF TOPIC'];
    writeFileSync(log, text + excluded.map((id, i) => `2030-01-01T00:00:0${i}Z,${id},exclude,${spellings[i]},`).join(nl) + nl);
    const reasons = json(['flow', dir]).records_excluded_reviewer_reasons as Record<string, number>;
    const offTopic = Object.entries(reasons).filter(([reason]) => /off\s+topic/i.test(reason));
    expect(offTopic).toHaveLength(1);
    expect(offTopic[0][1]).toBe(3);
  });
});
