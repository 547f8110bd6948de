import chalk from 'chalk';
import { formatLocated } from '../errors.js';
import type { Warning } from '../model/record.js';

/**
 * Terminal output at the edge. chalk 5 reads --no-color and FORCE_COLOR itself but not NO_COLOR
 * (https://no-color.org), so we set its level here; colour goes to TTYs only.
 */
export function configureColor(options: { color?: boolean }): void {
  const noColorEnv = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  // FORCE_COLOR (which chalk reads itself) asks for colour in a pipe, e.g. `| less -R`.
  const forced = process.env.FORCE_COLOR !== undefined && !['0', 'false'].includes(process.env.FORCE_COLOR);
  if (options.color === false || noColorEnv || (!process.stdout.isTTY && !forced)) chalk.level = 0;
}

export const style = {
  heading: (s: string) => chalk.bold(s),
  good: (s: string) => chalk.green(s),
  bad: (s: string) => chalk.red(s),
  warn: (s: string) => chalk.yellow(s),
  dim: (s: string) => chalk.dim(s),
  id: (s: string) => chalk.cyan(s),
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
  return s.replace(ANSI, '').length;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 1) + '…';
}

/** Warnings one per line on stderr, the first `limit` of them. */
export function printWarnings(warnings: readonly Warning[], limit = 20): void {
  for (const w of warnings.slice(0, limit)) err(style.warn('warning: ') + formatLocated(w.message, w.file, w.line));
  if (warnings.length > limit) err(style.warn(`warning: … and ${warnings.length - limit} more warnings (use --json to see them all)`));
}

/** Warnings of one kind together ("record starting at line N has no ER; kept"), with their lines. */
export function groupWarnings(warnings: readonly Warning[]): { pattern: string; lines: number[] }[] {
  const groups = new Map<string, number[]>();
  for (const w of warnings) {
    const pattern = w.message.replace(/\d+/g, 'N');
    (groups.get(pattern) ?? groups.set(pattern, []).get(pattern)!).push(w.line);
  }
  return [...groups].map(([pattern, lines]) => ({ pattern, lines }));
}
