import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { litscreen, copyOfSeedReview, removeDir } from '../helpers/cli.js';

/**
 * Stopping under an adopted rule on a copy of the seed review: four title/abstract exclusions are
 * retracted, two of them decided again (so the reviewer's last two decisions are excludes), and
 * the reviewer stops under {consecutiveIrrelevant: 1, randomSample: 1}. The two records nobody
 * voted on then count as excluded by automation, and verify passes.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const REVIEWER = 'first-author';
const base = ['--stage', 'title-abstract', '--reviewer', REVIEWER];

function reviewWithPending(rule?: object): { dir: string; retracted: string[] } {
  const dir = copyOfSeedReview();
  dirs.push(dir);
  const log = readFileSync(path.join(dir, 'decisions/title-abstract', `${REVIEWER}.csv`), 'utf8');
  const ids = log.split('\n').slice(1).filter(Boolean).map((l) => l.split(',')[1]);
  const once = ids.filter((id) => ids.indexOf(id) === ids.lastIndexOf(id));
  const excluded = log.split('\n').filter((l) => /,exclude,/.test(l)).map((l) => l.split(',')[1]).filter((id) => once.includes(id));
  const retracted = excluded.slice(0, 4);
  for (const id of retracted) expect(litscreen(['retract', dir, id, ...base]).status).toBe(0);
  for (const id of retracted.slice(0, 2)) expect(litscreen(['decide', dir, id, 'exclude', ...base]).status).toBe(0);
  const protocolFile = path.join(dir, 'litscreen.json');
  const protocol = JSON.parse(readFileSync(protocolFile, 'utf8'));
  if (rule) protocol.titleAbstract.stoppingRule = rule;
  // Two records are no longer screened by a person: the pinned counts say so.
  Object.assign(protocol.expected, { excluded_automatic: 2, records_screened: 579, records_excluded: 512 });
  writeFileSync(protocolFile, JSON.stringify(protocol, null, 2) + '\n');
  return { dir, retracted };
}

describe('decide --stop under the protocol\'s stopping rule', () => {
  it('counts the unscreened records as excluded by automation; flow names the rule and verify passes', () => {
    const { dir, retracted } = reviewWithPending({ consecutiveIrrelevant: 1, randomSample: 1 });
    const before = JSON.parse(litscreen(['flow', dir, '--json']).stdout);
    expect(before.title_abstract_pending).toBe(2);
    expect(before.stopping_rule).toBeUndefined();

    const unchecked = litscreen(['decide', dir, '--stop', ...base]);
    expect(unchecked.status).toBe(2);
    expect(unchecked.stderr).toContain('--sample-checked');

    const stop = litscreen(['decide', dir, '--stop', '--sample-checked', ...base]);
    expect(stop.stderr).toBe('');
    expect(stop.status).toBe(0);
    expect(stop.stdout).toContain('2 unscreened record(s) now count as excluded by automation tools');
    expect(readFileSync(path.join(dir, 'decisions/title-abstract', `${REVIEWER}.csv`), 'utf8')).toMatch(/,\*,stop,stop after 1 consecutive irrelevant records and a random sample of 1 with no includes,/);

    const flow = JSON.parse(litscreen(['flow', dir, '--json']).stdout);
    expect(flow).toMatchObject({
      title_abstract_pending: 0,
      title_abstract_stopped: 2,
      excluded_automatic: 2,
      records_screened: 579,
      stopping_rule: 'stop after 1 consecutive irrelevant records and a random sample of 1 with no includes',
      stopped_by: REVIEWER,
      stopping_sample: "random sample on the reviewer's word (screened outside litscreen, not checked)",
      new_studies: 11,
    });
    expect(litscreen(['flow', dir]).stdout).toContain('unscreened when screening stopped under the stopping rule');
    const svg = litscreen(['flow', dir, '--format', 'svg']);
    expect(svg.status).toBe(0);
    expect(svg.stdout).toContain('title_abstract_stopped');
    const html = litscreen(['report', dir]);
    expect(html.status).toBe(0);
    expect(html.stdout).toContain("stopped under the protocol's stopping rule (stop after 1 consecutive");
    expect(litscreen(['list', dir, '--json']).status).toBe(0);
    const verify = litscreen(['verify', dir]);
    expect(verify.stdout).toContain('579 screened (2 left unscreened under the stopping rule, as automation)');
    expect(verify.stdout).toContain('nothing pending');
    expect(verify.status).toBe(0);
    expect(retracted.length).toBe(4);

    // A second stop is refused; `retract * ` takes the stop back and the records are pending again.
    expect(litscreen(['decide', dir, '--stop', '--sample-checked', ...base]).status).toBe(2);
    expect(litscreen(['retract', dir, '*', ...base]).status).toBe(0);
    expect(JSON.parse(litscreen(['flow', dir, '--json']).stdout).title_abstract_pending).toBe(2);
  });

  it('without an adopted rule decide --stop is refused, and a hand-written stop row is a verify problem', () => {
    const { dir } = reviewWithPending();
    const refused = litscreen(['decide', dir, '--stop', '--sample-checked', ...base]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('adopts no stopping rule');
    const log = path.join(dir, 'decisions/title-abstract', `${REVIEWER}.csv`);
    writeFileSync(log, readFileSync(log, 'utf8') + '2018-02-01T00:00:00Z,*,stop,,\n');
    const flow = JSON.parse(litscreen(['flow', dir, '--json']).stdout);
    expect(flow.title_abstract_pending).toBe(2);
    const verify = litscreen(['verify', dir]);
    expect(verify.status).toBe(1);
    expect(verify.stdout + verify.stderr).toContain('adopts no titleAbstract.stoppingRule');
  });
});
