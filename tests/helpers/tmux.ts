import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { REPO } from './cli.js';

/**
 * A private tmux server for tests that drive litscreen in a real pseudo-terminal. Each test file
 * gets its own socket, so parallel files never see each other's sessions; `kill()` ends it.
 */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export function tmuxServer(name: string) {
  const socket = `litscreen-${name}-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });

  /** Wait until the pane shows `text` (the screens redraw after each saved answer). */
  async function waitForScreen(session: string, text: string | RegExp, timeoutMs = 15000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < until) {
      screen = tmux('capture-pane', '-p', '-t', session).stdout;
      if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the screen never showed ${text}; it shows:\n${screen}`);
  }

  /** Start `litscreen ARGS` as the pane's own process (exec, no colour, 110×50), and return its pid, for a SIGKILL. */
  function startLitscreen(session: string, args: readonly string[]): number {
    const command = `cd ${JSON.stringify(REPO)} && NO_COLOR=1 exec ${JSON.stringify(process.execPath)} bin/litscreen.js ${args.map((a) => JSON.stringify(a)).join(' ')}`;
    const started = tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '50', command);
    expect(started.status, started.stderr).toBe(0);
    const pid = Number(tmux('list-panes', '-t', session, '-F', '#{pane_pid}').stdout.trim());
    expect(pid).toBeGreaterThan(0);
    return pid;
  }

  return { tmux, waitForScreen, startLitscreen, kill: () => hasTmux && tmux('kill-server') };
}

const processAlive = (pid: number) => spawnSync('kill', ['-0', String(pid)]).status === 0;

/** Wait (up to 5 s) until a process killed with SIGKILL is gone. */
export async function waitProcessGone(pid: number): Promise<void> {
  const until = Date.now() + 5000;
  while (Date.now() < until && processAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  expect(processAlive(pid)).toBe(false);
}

/** The record on the screen: `#12  psycinfo:2016-12345-001`. */
export const recordOnScreen = (screen: string): string | undefined => /^#\d+ {2}(\S+)$/m.exec(screen)?.[1];
