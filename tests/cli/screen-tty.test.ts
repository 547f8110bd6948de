import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hasTmux, recordOnScreen, tmuxServer, waitProcessGone } from '../helpers/tmux.js';
import { parse } from 'csv-parse/sync';
import { copyOfSeedReview, litscreen, removeDir } from '../helpers/cli.js';

/**
 * `litscreen screen` in a real pseudo-terminal (tmux): one key per decision without Enter, then
 * the process is killed with SIGKILL. Every decision shown as made must be in the reviewer's log
 * (each is appended and synced before the next record is drawn), and the next session must start
 * at the reviewer's first undecided record. Skips when tmux is not installed.
 *
 * The seed review's title/abstract stage is fully decided by first-author; in a copy that asks for
 * two reviewers per record, a new reviewer ("newbie") has every screened study in their queue.
 */
const { tmux, waitForScreen, startLitscreen, kill: killTmux } = tmuxServer('screen');
const cleanup: string[] = [];
afterAll(() => {
  killTmux();
  cleanup.forEach(removeDir);
});

const startScreen = (session: string, dir: string) => startLitscreen(session, ['screen', dir, '--stage', 'title-abstract', '--reviewer', 'newbie']);

describe('screen without a terminal', () => {
  it('refuses with exit 2 and points to decide and decide --from', () => {
    const run = litscreen(['screen', 'fixtures/seed-review', '--stage', 'title-abstract', '--reviewer', 'newbie']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('litscreen screen needs a terminal');
    expect(run.stderr).toContain('litscreen decide fixtures/seed-review ID include|exclude|maybe --stage title-abstract');
    expect(run.stderr).toContain('litscreen decide fixtures/seed-review --from decisions.csv');
  });
});

describe.skipIf(!hasTmux)('screen in a pseudo-terminal (tmux), killed with SIGKILL and restarted', () => {
  it('keeps every decision made before the kill and resumes at the first undecided record', async () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const protocolFile = path.join(dir, 'litscreen.json');
    const protocol = JSON.parse(readFileSync(protocolFile, 'utf8'));
    protocol.titleAbstract.reviewers = 2;
    writeFileSync(protocolFile, JSON.stringify(protocol, null, 2));

    const pid = startScreen('first', dir);
    const first = await waitForScreen('first', /^1\/\d+ · 0 included/m);
    const total = Number(/^1\/(\d+) ·/m.exec(first)![1]);
    expect(total).toBeGreaterThan(200);
    const shown = [recordOnScreen(first)];

    // One key per decision, no Enter: include; exclude with no reason (e, 0); maybe.
    tmux('send-keys', '-t', 'first', 'i');
    const second = await waitForScreen('first', `2/${total} · 1 included`);
    expect(second).toContain(`recorded: include`);
    shown.push(recordOnScreen(second));
    tmux('send-keys', '-t', 'first', 'e');
    await waitForScreen('first', 'Exclude: why? (optional)');
    tmux('send-keys', '-t', 'first', '0');
    const third = await waitForScreen('first', `3/${total} · 1 included · 1 excluded`);
    shown.push(recordOnScreen(third));
    tmux('send-keys', '-t', 'first', 'm');
    const fourth = await waitForScreen('first', `4/${total} · 1 included · 1 excluded · 1 maybe`);
    const next = recordOnScreen(fourth);
    expect(new Set([...shown, next]).size).toBe(4);

    process.kill(pid, 'SIGKILL');
    await waitProcessGone(pid);
    const log = path.join(dir, 'decisions/title-abstract/newbie.csv');
    const rows = parse(readFileSync(log), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.record_id, r.decision])).toEqual([
      [shown[0], 'include'],
      [shown[1], 'exclude'],
      [shown[2], 'maybe'],
    ]);

    // The review reads the log back, and `list --pending --reviewer` is the screen's queue: the
    // maybe counts as seen, so three records fewer, the next one first.
    const pending = litscreen(['list', dir, '--stage', 'title-abstract', '--pending', '--reviewer', 'newbie', '--json']);
    expect(pending.status, pending.stderr).toBe(0);
    const queue = (JSON.parse(pending.stdout) as { id: string }[]).map((r) => r.id);
    expect(queue).toHaveLength(total - 3);
    expect(queue[0]).toBe(next);

    // Restarted: the screen is at the first record newbie has not decided, with the counts so far.
    const again = startScreen('second', dir);
    const resumed = await waitForScreen('second', `4/${total} · 1 included · 1 excluded · 1 maybe`);
    expect(recordOnScreen(resumed)).toBe(next);
    // Undo in the new session has nothing of this session to take back; q quits, writing nothing.
    tmux('send-keys', '-t', 'second', 'u');
    await waitForScreen('second', 'nothing to undo in this session');
    tmux('send-keys', '-t', 'second', 'q');
    await waitProcessGone(again);
    expect(parse(readFileSync(log), { columns: true })).toHaveLength(3);
  }, 60000);
});
