import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasTmux, tmuxServer } from '../helpers/tmux.js';
import { parse } from 'csv-parse/sync';
import { litscreen, removeDir, tempDir, REPO } from '../helpers/cli.js';

/**
 * `dedupe --review` in a real pseudo-terminal (tmux): keys without Enter, then the process is
 * killed with SIGKILL mid-session. Every answer given before the kill must be in the log, because
 * each is appended and synced before the next question is drawn. Skips when tmux is not installed.
 */
const { tmux, waitForScreen, kill: killTmux } = tmuxServer('dedupe-review');
const cleanup: string[] = [];
afterAll(() => {
  killTmux();
  cleanup.forEach(removeDir);
});

/** Three trial reports each exported twice with first pages that disagree: three uncertain pairs. */
function reviewWithUncertainPairs(): string {
  const trials = [
    ['Amantadine hydrochloride for treatment of symptoms of the posttraumatic confusional state: a randomized, double-blind, placebo-controlled trial', 'Yablon, S.; Sherer, M.', '91', 'e8-e9', 'e3'],
    ['Early mobilisation after acute stroke in elderly patients: a randomised controlled pilot trial of feasibility and safety', 'Bernhardt, J.; Dewey, H.', '39', '390-396', '12'],
    ['Constraint-induced movement therapy for the upper limb in chronic hemiparesis after stroke: a multicentre trial', 'Wolf, S. L.; Winstein, C. J.', '296', '2095-2104', '310'],
  ];
  const rows = trials.flatMap(([title, authors, volume, pagesA, pagesB]) => [
    `"${title}","${authors}",2010,Archives of Physical Medicine and Rehabilitation,${volume},10,${pagesA}`,
    `"${title}","${authors}",2010,Archives of Physical Medicine and Rehabilitation,${volume},10,${pagesB}`,
  ]);
  const protocol = {
    title: 'uncertain pairs',
    sources: [{ key: 'db', database: 'DB', file: 'exports/db.csv', searchDate: '2020-01-01', searchString: 'trial' }],
    fullText: { exclusionReasons: [{ id: 'other', label: 'Other' }] },
    extraction: { fields: [] },
  };
  return tempDir({
    'litscreen.json': JSON.stringify(protocol),
    'exports/db.csv': ['Title,Authors,Year,Journal,Volume,Issue,Pages', ...rows].join('\n') + '\n',
  });
}

describe.skipIf(!hasTmux)('dedupe --review in a pseudo-terminal (tmux), killed with SIGKILL', () => {
  it('keeps every answer given before the kill', async () => {
    const dir = reviewWithUncertainPairs();
    cleanup.push(dir);
    const before = JSON.parse(litscreen(['dedupe', dir, '--json']).stdout);
    expect(before.counts.uncertain).toBe(3);

    const session = 'review';
    const command = `cd ${JSON.stringify(REPO)} && NO_COLOR=1 exec ${JSON.stringify(process.execPath)} bin/litscreen.js dedupe ${JSON.stringify(dir)} --review --reviewer alice`;
    const started = tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '60', command);
    expect(started.status, started.stderr).toBe(0);
    const pid = Number(tmux('list-panes', '-t', session, '-F', '#{pane_pid}').stdout.trim());
    expect(pid).toBeGreaterThan(0);

    await waitForScreen(session, 'pair 1 of 3');
    // One key per answer, no Enter: duplicate, then distinct.
    tmux('send-keys', '-t', session, 'd');
    await waitForScreen(session, 'pair 2 of 3');
    tmux('send-keys', '-t', session, 'x');
    const third = await waitForScreen(session, 'pair 3 of 3');
    expect(third).toContain('recorded: 1 distinct');
    expect(third).toContain('Same study? d=duplicate x=distinct s=skip u=undo q=quit');

    process.kill(pid, 'SIGKILL');
    // The pane's process is litscreen itself (exec), and it is gone: nothing ran after the kill.
    const gone = Date.now() + 5000;
    while (Date.now() < gone && spawnSync('kill', ['-0', String(pid)]).status === 0) await new Promise((r) => setTimeout(r, 50));
    expect(spawnSync('kill', ['-0', String(pid)]).status).not.toBe(0);
    const log = path.join(dir, 'decisions/duplicates/alice.csv');
    expect(existsSync(log)).toBe(true);
    const rows = parse(readFileSync(log), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.decision)).toEqual(['duplicate', 'distinct']);
    const pairs = new Set(before.uncertain.map((p: { a: string; b: string }) => `${p.a} ${p.b}`));
    for (const r of rows) expect(pairs.has(`${r.record_a} ${r.record_b}`)).toBe(true);

    // The log reads back: one pair merged by alice, one kept apart, one still to decide.
    const after = JSON.parse(litscreen(['dedupe', dir, '--json']).stdout);
    expect(after.counts.duplicates).toBe(1);
    expect(after.counts.uncertain).toBe(1);
  }, 60000);
});
