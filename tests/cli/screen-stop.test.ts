import { describe, it, expect, afterAll } from 'vitest';
import { PassThrough } from 'node:stream';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { litscreen, copyOfSeedReview, removeDir } from '../helpers/cli.js';
import { hasTmux, recordOnScreen, tmuxServer, waitProcessGone } from '../helpers/tmux.js';
import { runScreen } from '../../src/commands/screen.js';

/**
 * The stop key end to end on a copy of the seed review: the screen (its terminal layer, fed keys
 * through a stream) draws the random sample, the reviewer excludes it and stops; then the built
 * binary's `verify` and `decide --stop` check the sample from the logs, also after a spreadsheet
 * re-saved them, and refuse a log where one "sample" record was picked by hand.
 */
const dirs: string[] = [];
const { tmux, waitForScreen, startLitscreen, kill: killTmux } = tmuxServer('stopkey');
afterAll(() => {
  killTmux();
  dirs.forEach(removeDir);
});

const REVIEWER = 'first-author';
const base = ['--stage', 'title-abstract', '--reviewer', REVIEWER];
const SEED = 20261202;
const RULE = { consecutiveIrrelevant: 2, randomSample: 4 };

/** Ten of first-author's excludes taken back (two decided again, so the streak is 2): eight records left to screen. */
function reviewWithUnscreened(): { dir: string; log: string; orderLog: string } {
  const dir = copyOfSeedReview();
  dirs.push(dir);
  const log = path.join(dir, 'decisions/title-abstract', `${REVIEWER}.csv`);
  const rows = parse(readFileSync(log), { columns: true }) as Record<string, string>[];
  const once = rows.filter((r) => rows.filter((o) => o.record_id === r.record_id).length === 1);
  const excluded = once.filter((r) => r.decision === 'exclude').map((r) => r.record_id).slice(0, 10);
  // As `retract` and `decide` would append them (quicker than twenty runs of the binary).
  const appended = [...excluded.map((id) => `2026-12-01T10:00:00Z,${id},retract,,`), ...excluded.slice(0, 2).map((id) => `2026-12-01T10:01:00Z,${id},exclude,,`)];
  writeFileSync(log, readFileSync(log, 'utf8') + appended.join('\n') + '\n');
  const protocolFile = path.join(dir, 'litscreen.json');
  const protocol = JSON.parse(readFileSync(protocolFile, 'utf8'));
  protocol.titleAbstract.stoppingRule = RULE;
  // The pinned counts are the finished review's; this one stops early.
  delete protocol.expected;
  writeFileSync(protocolFile, JSON.stringify(protocol, null, 2) + '\n');
  return { dir, log, orderLog: path.join(dir, 'decisions/title-abstract/order', `${REVIEWER}.csv`) };
}

function fakeTerminal(keys: string) {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 100, rows: 60 });
  let text = '';
  output.on('data', (chunk) => (text += chunk));
  // One key at a time, as a person types: each waits for the screen to take the one before.
  let i = 0;
  const typeNext = () => {
    if (i < keys.length) input.write(keys[i++]);
  };
  output.on('data', typeNext);
  return { io: { input, output }, text: () => text };
}

const rowsOf = (file: string) => parse(readFileSync(file), { columns: true, bom: true, delimiter: [',', ';'] }) as Record<string, string>[];

/** Saved again as European Excel saves a CSV: BOM, semicolons, CRLF. */
function resaveAsExcel(file: string, edit: (rows: string[][]) => string[][] = (r) => r) {
  const rows = parse(readFileSync(file), { bom: true, delimiter: [',', ';'] }) as string[][];
  const quote = (c: string) => (/[;"\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  writeFileSync(file, '\ufeff' + edit(rows).map((r) => r.map(quote).join(';')).join('\r\n') + '\r\n');
}

async function screenAndStop(dir: string): Promise<{ drawn: string[]; unscreenedBefore: string[]; screen: string; summary: Awaited<ReturnType<typeof runScreen>> }> {
  const pending = litscreen(['list', dir, '--stage', 'title-abstract', '--pending', '--reviewer', REVIEWER, '--json']);
  const unscreenedBefore = (JSON.parse(pending.stdout) as { id: string }[]).map((r) => r.id);
  expect(unscreenedBefore).toHaveLength(8);
  // r y: draw; e 0 four times: exclude the sample; r y: stop.
  const term = fakeTerminal(`ry${'e0'.repeat(4)}ry`);
  let t = Date.UTC(2026, 11, 2, 9, 0, 0);
  const summary = await runScreen({ review: dir, stage: 'title-abstract', reviewer: REVIEWER, order: 'file', io: term.io, now: () => new Date((t += 1000)), drawSeed: () => SEED });
  const drawn = rowsOf(path.join(dir, 'decisions/title-abstract/order', `${REVIEWER}.csv`)).filter((r) => r.order === `random-sample seed=${SEED}`).map((r) => r.record_id);
  return { drawn, unscreenedBefore, screen: term.text(), summary };
}

describe('the stop key of the screen, checked by verify and decide --stop', () => {
  it('draws, screens and stops; verify checks the draw from the order log, also after Excel re-saved both logs', async () => {
    const { dir, log, orderLog } = reviewWithUnscreened();
    const { drawn, unscreenedBefore, screen, summary } = await screenAndStop(dir);
    expect(screen).toContain('Stopping rule: 2 irrelevant in a row');
    expect(screen).toContain('random sample 2/4, 0 includes');
    expect(screen).toContain('Random sample complete: 4 of 4 excluded');
    expect(drawn).toHaveLength(4);
    expect(new Set(drawn).size).toBe(4);
    for (const id of drawn) expect(unscreenedBefore).toContain(id);
    expect(summary.stopped?.sample).toBe(`random sample drawn by litscreen (seed ${SEED}), checked against the order log`);

    const order = rowsOf(orderLog);
    expect(order.filter((r) => r.record_id === '*').map((r) => r.order)).toEqual([`random-sample seed=${SEED} size=4 from=8`]);
    const decisions = rowsOf(log);
    expect(decisions.at(-1)).toMatchObject({ record_id: '*', decision: 'stop', reason: 'stop after 2 consecutive irrelevant records and a random sample of 4 with no includes', note: summary.stopped!.sample });
    expect(decisions.slice(-5, -1).map((r) => [r.record_id, r.decision])).toEqual(drawn.map((id) => [id, 'exclude']));

    const flow = JSON.parse(litscreen(['flow', dir, '--json']).stdout);
    expect(flow).toMatchObject({ title_abstract_stopped: 4, stopped_by: REVIEWER, title_abstract_pending: 0, stopping_sample: 'random sample drawn by litscreen and checked against the order log' });
    expect(litscreen(['flow', dir]).stdout).toContain('random sample drawn by litscreen and checked against the order log');
    const verify = litscreen(['verify', dir]);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);

    resaveAsExcel(log);
    resaveAsExcel(orderLog);
    expect(readFileSync(orderLog, 'utf8')).toMatch(/^\ufefftime;record_id;order;ranked_on\r\n/);
    const again = litscreen(['verify', dir]);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);

    // Taken back with retract '*', decide --stop finds the same sample in the re-saved logs, without --sample-checked.
    expect(litscreen(['retract', dir, '*', ...base]).status).toBe(0);
    const stop = litscreen(['decide', dir, '--stop', ...base]);
    expect(stop.stderr).toBe('');
    expect(stop.status).toBe(0);
    expect(stop.stdout).toContain(`random sample drawn by litscreen (seed ${SEED}), checked against the order log`);
    expect(stop.stdout).toContain('4 unscreened record(s) now count as excluded by automation tools');
  }, 60000);

  it('refuses a sample with one record picked by hand, naming it, in verify and in decide --stop (with --sample-checked too)', async () => {
    const { dir, log, orderLog } = reviewWithUnscreened();
    const { drawn, unscreenedBefore } = await screenAndStop(dir);
    const picked = unscreenedBefore.find((id) => !drawn.includes(id))!;
    const replaced = drawn[1];
    // Both logs edited in a spreadsheet so that the reviewer "screened" `picked` instead of a drawn record.
    const swap = (rows: string[][]) => rows.map((r) => r.map((c) => (c === replaced ? picked : c)));
    resaveAsExcel(log, swap);
    resaveAsExcel(orderLog, swap);

    const verify = litscreen(['verify', dir]);
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain(`${REVIEWER} stopped saying the random sample was drawn by litscreen (seed ${SEED}), but the logs do not bear it out: ${picked} is logged as a random-sample record`);
    expect(verify.stderr).toContain(`but was not in the draw (seed ${SEED})`);

    expect(litscreen(['retract', dir, '*', ...base]).status).toBe(0);
    for (const flag of [[], ['--sample-checked']]) {
      const stop = litscreen(['decide', dir, '--stop', ...flag, ...base]);
      expect(stop.status).toBe(2);
      expect(stop.stderr).toContain(`${picked} is logged as a random-sample record`);
      expect(stop.stderr).toContain('was not in the draw');
    }
  }, 60000);
});

const startInTmux = (session: string, dir: string) => startLitscreen(session, ['screen', dir, '--stage', 'title-abstract', '--reviewer', REVIEWER, '--order', 'file']);

describe.skipIf(!hasTmux)('the stop key in a real terminal (tmux), killed with SIGKILL halfway through the sample', () => {
  it('resumes the same sample after a restart, loses nothing, and stops', async () => {
    const { dir, log, orderLog } = reviewWithUnscreened();
    const pid = startInTmux('first', dir);
    await waitForScreen('first', 'Stopping rule: 2 irrelevant in a row');
    tmux('send-keys', '-t', 'first', 'r');
    await waitForScreen('first', 'y draws · any other key goes on screening');
    tmux('send-keys', '-t', 'first', 'y');
    const drawn = await waitForScreen('first', 'random sample 0/4, 0 includes');
    const seed = /random sample \(seed (\d+)\)/.exec(drawn)![1];
    const shown = [recordOnScreen(drawn)!];
    for (const n of [1, 2]) {
      tmux('send-keys', '-t', 'first', 'e');
      await waitForScreen('first', 'Exclude: why? (optional)');
      tmux('send-keys', '-t', 'first', '0');
      shown.push(recordOnScreen(await waitForScreen('first', `random sample ${n}/4, 0 includes`))!);
    }
    process.kill(pid, 'SIGKILL');
    await waitProcessGone(pid);
    // Both decisions on disk, tagged with the draw's seed in the order log.
    const tagged = () => rowsOf(orderLog).filter((r) => r.order === `random-sample seed=${seed}`).map((r) => r.record_id);
    expect(tagged()).toEqual(shown.slice(0, 2));
    expect(rowsOf(log).slice(-2).map((r) => [r.record_id, r.decision])).toEqual(shown.slice(0, 2).map((id) => [id, 'exclude']));

    // Restarted: the same sample, at the record that was on screen, with the count so far.
    const again = startInTmux('second', dir);
    const resumed = await waitForScreen('second', 'random sample 2/4, 0 includes');
    expect(resumed).toContain(`random sample (seed ${seed})`);
    expect(recordOnScreen(resumed)).toBe(shown[2]);
    for (const n of [3, 4]) {
      tmux('send-keys', '-t', 'second', 'e');
      await waitForScreen('second', 'Exclude: why? (optional)');
      tmux('send-keys', '-t', 'second', '0');
      await waitForScreen('second', n === 4 ? 'Random sample complete: 4 of 4 excluded' : `random sample ${n}/4, 0 includes`);
    }
    tmux('send-keys', '-t', 'second', 'r');
    await waitForScreen('second', 'y stops · any other key goes on screening');
    tmux('send-keys', '-t', 'second', 'y');
    await waitProcessGone(again);
    const sample = tagged();
    expect(sample).toHaveLength(4);
    expect(sample.slice(0, 3)).toEqual(shown);
    // Exactly one draw: the restart drew nothing new.
    expect(rowsOf(orderLog).filter((r) => r.record_id === '*')).toHaveLength(1);
    expect(rowsOf(log).at(-1)).toMatchObject({ record_id: '*', decision: 'stop', note: `random sample drawn by litscreen (seed ${seed}), checked against the order log` });
    const verify = litscreen(['verify', dir]);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  }, 90000);
});
