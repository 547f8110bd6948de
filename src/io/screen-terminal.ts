import { rawKeypresses } from './raw-keys.js';
import chalk from 'chalk';
import { KEY, press, currentStudy, type OrderRow, type ScreenRow, type ScreenState } from '../core/screening/screen-session.js';
import { renderScreen, type Paint } from '../core/screening/screen-render.js';
import { style } from './output.js';

/**
 * The terminal side of `litscreen screen`: it reads one key at a time (raw mode, no Enter except
 * to finish typed text), feeds it to the state machine in core/screening/screen-session.ts and
 * draws the state (core/screening/screen-render.ts). The rows a key produces are saved (appended
 * and synced to disk) BEFORE the state they lead to is adopted and drawn, so what the screen shows
 * as recorded is on the disk, and quitting, Ctrl-C, SIGKILL or a crash loses nothing confirmed.
 * Keys pressed while a save is under way wait their turn, in order.
 *
 * It draws on the terminal's alternate screen (restored on the way out), redrawn per key;
 * arrows, page keys and space scroll an abstract longer than the terminal.
 */

export interface ScreenIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
}

export interface ScreenSessionResult {
  state: ScreenState;
  /** Rows appended to the log this session (undo rows included). */
  rowsWritten: number;
}

/** Colours for the screen, through chalk (whose level configureColor set from NO_COLOR / --no-color). */
export const TERMINAL_PAINT: Paint = {
  ...style,
  term: (s: string) => chalk.bold.yellow(s),
};

/** Keys that are not for the state machine: the terminal's own scrolling and resizing. */
const SCROLL_UP = '<up>';
const SCROLL_DOWN = '<down>';
const RESIZE = '<resize>';

export async function screenInTerminal(start: ScreenState, io: ScreenIo, save: (rows: ScreenRow[], orderRows: OrderRow[]) => Promise<void>): Promise<ScreenSessionResult> {
  if (io.input.isTTY !== true || typeof io.input.setRawMode !== 'function') {
    throw new Error('screenInTerminal needs a terminal (the command checks this first)');
  }
  let state = start;
  let rowsWritten = 0;
  let scroll = 0;
  let maxScroll = 0;
  const fullScreen = io.output.isTTY === true;
  const draw = () => {
    const width = Math.max(40, Math.min((io.output.columns ?? 80) - 1, 160));
    const height = fullScreen && io.output.rows ? io.output.rows : undefined;
    const screen = renderScreen(state, { width, height, scroll, paint: TERMINAL_PAINT });
    maxScroll = screen.maxScroll;
    // Home, each line cleared to its end, the rest of the screen cleared: one write, no flicker.
    const frame = fullScreen ? '\x1b[H' + screen.lines.map((l) => l + '\x1b[K').join('\n') + '\x1b[J' : screen.lines.join('\n') + '\n';
    io.output.write(frame);
  };
  const keys = rawKeys(io);
  if (fullScreen) io.output.write('\x1b[?1049h');
  try {
    draw();
    for (;;) {
      const next = await keys.next();
      const key = next.done ? KEY.interrupt : next.value;
      if (key === RESIZE) {
        draw();
        continue;
      }
      const typing = state.mode.kind === 'text';
      if (key === SCROLL_DOWN || key === SCROLL_UP || (key === ' ' && !typing)) {
        scroll = Math.max(0, Math.min(maxScroll, scroll + (key === SCROLL_UP ? -5 : 5)));
        draw();
        continue;
      }
      if (key === '') continue;
      const before = currentStudy(state);
      const step = press(state, key);
      // Written and synced before anything else is shown: what the screen says is recorded, is.
      if (step.rows.length > 0 || (step.orderRows?.length ?? 0) > 0) await save(step.rows, step.orderRows ?? []);
      rowsWritten += step.rows.length;
      state = step.state;
      if (step.quit) break;
      if (currentStudy(state) !== before) scroll = 0;
      draw();
    }
  } finally {
    await keys.return(undefined);
    if (fullScreen) io.output.write('\x1b[?1049l');
  }
  return { state, rowsWritten };
}

/** Keys from a terminal in raw mode, one at a time, as the state machine names them. */
function rawKeys(io: ScreenIo): AsyncGenerator<string, void, undefined> {
  return rawKeypresses(io, (text, key, push) => {
    if (key?.ctrl && (key.name === 'c' || key.name === 'd')) return push(KEY.interrupt);
    switch (key?.name) {
      case 'return':
      case 'enter':
        return push(KEY.enter);
      case 'escape':
        return push(KEY.escape);
      case 'backspace':
        return push(KEY.backspace);
      case 'up':
      case 'pageup':
        return push(SCROLL_UP);
      case 'down':
      case 'pagedown':
        return push(SCROLL_DOWN);
    }
    // Other escape sequences (function keys, left/right) mean nothing here.
    if (text === undefined || text.startsWith('\x1b') || key?.ctrl || key?.meta) return push('');
    for (const ch of text) push(ch);
  }, RESIZE);
}
