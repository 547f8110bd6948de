import { spawnSync } from 'node:child_process';

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

  return { tmux, waitForScreen, kill: () => hasTmux && tmux('kill-server') };
}
