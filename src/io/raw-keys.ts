import * as readline from 'node:readline';

/** What Node's readline reports for one keypress. */
export interface Keypress {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  sequence?: string;
}

/** The streams a raw-mode key reader needs: a TTY input, and optionally an output that resizes. */
export interface RawKeyIo {
  input: NodeJS.ReadableStream & { setRawMode?: (mode: boolean) => unknown; isTTY?: boolean };
  output?: NodeJS.EventEmitter;
}

/**
 * Keys from a terminal in raw mode, one at a time, each turned into the caller's own tokens by
 * `translate` (which may push several, or none). The terminal is put back in cooked mode however
 * the consumer stops: the interactive screens (`screen`, `dedupe --review`) share this, so a
 * crash in either never leaves a reviewer's terminal without echo.
 */
export async function* rawKeypresses(
  io: RawKeyIo,
  translate: (text: string | undefined, key: Keypress | undefined, push: (token: string) => void) => void,
  onResize?: string,
): AsyncGenerator<string, void, undefined> {
  const { input, output } = io;
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const push = (token: string) => {
    queue.push(token);
    wake?.();
  };
  const onKey = (text: string | undefined, key: Keypress | undefined) => translate(text, key, push);
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  const resized = () => onResize !== undefined && push(onResize);
  readline.emitKeypressEvents(input);
  input.setRawMode!(true);
  input.on('keypress', onKey);
  input.on('end', onEnd);
  output?.on('resize', resized);
  input.resume();
  try {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!;
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    input.off('keypress', onKey);
    input.off('end', onEnd);
    output?.off('resize', resized);
    input.setRawMode!(false);
    input.pause();
  }
}
