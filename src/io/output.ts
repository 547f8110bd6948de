import type { ChalkInstance } from 'chalk';
import { createRequire } from 'node:module';
import { formatLocated } from '../errors.js';
import type { Warning } from '../model/record.js';

/**
 * Terminal output at the edge. chalk 5 reads --no-color and FORCE_COLOR itself but not NO_COLOR
 * (https://no-color.org), so we decide here; colour goes to TTYs only. chalk (four modules) is
 * loaded only when colour is on: a pipe, a bench or NO_COLOR never loads it, and `style` leaves
 * text as chalk at level 0 would.
 */
let chalk: ChalkInstance | undefined;
let decided = false;

export async function configureColor(options: { color?: boolean }): Promise<void> {
  decided = true;
  const noColorEnv = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  // FORCE_COLOR (which chalk reads itself) asks for colour in a pipe, e.g. `| less -R`.
  const forced = process.env.FORCE_COLOR !== undefined && !['0', 'false'].includes(process.env.FORCE_COLOR);
  if (options.color === false || noColorEnv || (!process.stdout.isTTY && !forced)) {
    chalk = undefined;
    // A module that loads chalk itself (the screen) must paint nothing either: FORCE_COLOR=0 is
    // what chalk reads when loaded later; in a terminal it may be loaded already, so set its level.
    process.env.FORCE_COLOR = '0';
    if (process.stdout.isTTY) (await import('chalk')).default.level = 0;
    return;
  }
  chalk = (await import('chalk')).default;
}

/**
 * The chalk to paint with: none when configureColor turned colour off; chalk at its own level when
 * nothing configured colour (code called without the command line, e.g. a test), loaded then.
 */
function painter(): ChalkInstance | undefined {
  if (!decided) {
    chalk = (createRequire(import.meta.url)('chalk') as { default: ChalkInstance }).default;
    decided = true;
  }
  return chalk;
}

const paint = (apply: (c: ChalkInstance, s: string) => string) => (s: string) => {
  const c = painter();
  return c ? apply(c, s) : s;
};

export const style = {
  heading: paint((c, s) => c.bold(s)),
  good: paint((c, s) => c.green(s)),
  bad: paint((c, s) => c.red(s)),
  warn: paint((c, s) => c.yellow(s)),
  dim: paint((c, s) => c.dim(s)),
  id: paint((c, s) => c.cyan(s)),
};

/** Write to stdout; ends with a newline. */
export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

/** Warnings and progress go to stderr so stdout stays clean for pipes. */
export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}

export function json(value: unknown): void {
  out(JSON.stringify(value, mapReplacer, 2));
}

/**
 * The same text as `json(value)` for an object whose arrays may hold hundreds of thousands of
 * records, written element by element instead of as one string: V8 cannot build a string past
 * ~512 MB ("Invalid string length"), which `import --json` hit at ~93,000 records. Waits for the
 * pipe to drain, so memory stays bounded by the records already in hand, not doubled by the text.
 */
export async function jsonStreamed(value: Record<string, unknown>, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  const { emit, flush } = bufferedWriter(stream);
  const nested = (v: unknown, indent: string) => nestedJson(v, indent, mapReplacer);
  const keys = Object.keys(value).filter((k) => {
    const v = mapReplacer(k, value[k]);
    return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
  });
  if (keys.length === 0) return void (await emit('{}\n'), await flush());
  await emit('{\n');
  for (const [i, key] of keys.entries()) {
    const v = mapReplacer(key, value[key]);
    const comma = i < keys.length - 1 ? ',' : '';
    if (Array.isArray(v) && v.length > 0) {
      await emit(`  ${JSON.stringify(key)}: [\n`);
      for (let j = 0; j < v.length; j++) await emit(`    ${nested(v[j], '    ')}${j < v.length - 1 ? ',' : ''}\n`);
      await emit(`  ]${comma}\n`);
    } else {
      await emit(`  ${JSON.stringify(key)}: ${nested(v, '  ')}${comma}\n`);
    }
  }
  await emit('}\n');
  await flush();
}

/**
 * Text written to a stream in pieces of about 1 MB, waiting for the pipe to drain between them, so
 * a huge JSON output never becomes one string and never outruns a slow reader. `emit` adds text and
 * writes once the buffer is full; `flush` writes what is left.
 */
export function bufferedWriter(stream: NodeJS.WritableStream): { emit(text: string): Promise<void>; flush(): Promise<void> } {
  let pending = '';
  const flush = async () => {
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  };
  return {
    async emit(text: string) {
      pending += text;
      if (pending.length >= 1 << 20) await flush();
    },
    flush,
  };
}

/** A value nested in streamed JSON prints as JSON.stringify prints it at that depth: its own text, re-indented. */
export function nestedJson(value: unknown, indent: string, replacer?: (key: string, value: unknown) => unknown): string {
  return (JSON.stringify(value, replacer, 2) ?? 'null').replace(/\n/g, '\n' + indent);
}

function mapReplacer(_key: string, value: unknown) {
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/** Pad columns of a small text table. */
export function table(rows: string[][], align: ('left' | 'right')[] = []): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i] - visibleLength(cell));
          if (i === row.length - 1 && align[i] !== 'right') return cell;
          return align[i] === 'right' ? pad + cell : cell + pad;
        })
        .join('  '),
    )
    .join('\n');
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(s: string): number {
  // Most cells have no colour: no escape, nothing to strip.
  return s.includes('\u001b') ? s.replace(ANSI, '').length : s.length;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/**
 * Warnings on stderr, each as `file:line: message`, grouped by kind so that a file with a thousand
 * warnings of one kind does not bury the one of another kind: the first `perKind` of each kind in
 * full, then how many more there are and their lines (--json lists them all).
 */
export function printWarnings(warnings: readonly Warning[], perKind = 5): void {
  for (const group of groupWarnings(warnings)) {
    for (const w of group.warnings.slice(0, perKind)) err(style.warn('warning: ') + formatLocated(w.message, w.file, w.line));
    const rest = group.warnings.slice(perKind);
    if (rest.length === 0) continue;
    const lines = rest.slice(0, 8).map((w) => w.line).join(', ') + (rest.length > 8 ? ', …' : '');
    const files = [...new Set(rest.map((w) => w.file))];
    const where = files.length === 1 ? `${files[0]}: ` : '';
    err(style.warn('warning: ') + `${where}… and ${rest.length} more like the one above (line${rest.length > 1 ? 's' : ''} ${lines}; --json lists them all)`);
  }
}

/** Warnings of one kind together: the same message once its numbers are set aside. */
export function groupWarnings(warnings: readonly Warning[]): { kind: string; warnings: Warning[] }[] {
  const groups = new Map<string, Warning[]>();
  for (const w of warnings) {
    const kind = w.message.replace(/\d+/g, '#');
    (groups.get(kind) ?? groups.set(kind, []).get(kind)!).push(w);
  }
  return [...groups].map(([kind, grouped]) => ({ kind, warnings: grouped }));
}
