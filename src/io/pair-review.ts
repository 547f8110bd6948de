import * as readline from 'node:readline';
import { rawKeypresses } from './raw-keys.js';
import type { ReviewRecord } from '../model/record.js';
import type { ResolutionInput } from '../model/decision.js';
import { mergeCluster } from '../core/dedupe/engine.js';
import { PAIR_FIELDS } from '../core/dedupe/pair-fields.js';
import { answer, currentQuestion, progress, type Question, type QuestionState } from '../core/dedupe/pair-questions.js';
import { style, truncate } from './output.js';

/**
 * The terminal side of `dedupe --review`: it draws the current question of the state machine in
 * core/dedupe/pair-questions.ts and feeds it keys; every answer's rows are saved (appended and
 * synced to disk) before the next question is drawn, so quitting, Ctrl-C or a crash loses nothing
 * that was answered.
 *
 * On a terminal one key is one answer (raw mode, no Enter). When the input is not a terminal
 * (answers piped in by a script or a test) each line is one answer, so the same questions, checks
 * and saving serve both.
 */

export interface PairReviewIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface PairReviewSummary {
  /** Answers and skips this session, undone ones not counted. */
  answered: number;
  /** Rows appended to the log (retractions included). */
  rowsWritten: number;
  /** Questions still open. */
  left: number;
}

export const PROMPT = 'Same study? d=duplicate x=distinct s=skip u=undo q=quit';

export async function reviewPairsInTerminal(
  start: QuestionState,
  records: ReadonlyMap<string, ReviewRecord>,
  io: PairReviewIo,
  save: (rows: ResolutionInput[]) => Promise<void>,
): Promise<PairReviewSummary> {
  let state = start;
  let rowsWritten = 0;
  if (!currentQuestion(state)) return { answered: 0, rowsWritten, left: 0 };
  const tty = io.input.isTTY === true && typeof io.input.setRawMode === 'function';
  const screen = io.output.isTTY === true;
  const width = Math.max(40, Math.min(io.output.columns ?? 80, 160));
  const write = (s: string) => io.output.write(s + '\n');
  const keys = tty ? rawKeys(io.input) : lineKeys(io.input);
  const draw = (status?: string) => {
    if (screen) io.output.write('\x1b[2J\x1b[H');
    const question = currentQuestion(state);
    if (question) write(renderQuestion(question, records, progress(state), width));
    else write(style.heading(`No pairs left (${progress(state).answered} answered).`) + '  u undo the last answer  q quit');
    if (status) write(status);
    if (question) io.output.write(PROMPT + (tty ? ' ' : '\n'));
  };
  try {
    draw();
    for (;;) {
      const next = await keys.next();
      const key = next.done ? 'q' : next.value;
      // The key pressed, echoed: raw mode shows nothing, and what follows starts on a line of its own.
      if (tty) io.output.write(`${key === '?' ? '' : key}\n`);
      if (key === '') continue;
      const step = answer(state, key);
      if (step.quit) break;
      if (step.refused) {
        write('\n' + style.bad('refused: ') + step.refused);
        continue;
      }
      if (step.notice) {
        write('\n' + step.notice);
        continue;
      }
      // Written and synced before anything else is shown: what is on the screen is on the disk.
      if (step.rows.length > 0) await save(step.rows);
      rowsWritten += step.rows.length;
      state = step.state;
      draw(describeRows(step.rows, key));
    }
  } finally {
    await keys.return(undefined);
  }
  return { answered: progress(state).answered, rowsWritten, left: state.open.length };
}

function describeRows(rows: readonly ResolutionInput[], key: string): string {
  if (key === 's') return style.dim('skipped');
  if (key === 'u') return style.dim(rows.length === 0 ? 'back one question' : `undone: ${rows.length} row(s) taken back`);
  if (rows.length === 0) return style.dim('nothing new to record');
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.decision, (counts.get(r.decision) ?? 0) + 1);
  return style.dim('recorded: ' + [...counts].map(([d, n]) => `${n} ${d}`).join(', '));
}

/** Keys from a terminal in raw mode: one keypress, one answer; Ctrl-C and Ctrl-D quit (all answers are saved). */
function rawKeys(input: PairReviewIo['input']): AsyncGenerator<string, void, undefined> {
  return rawKeypresses({ input }, (text, key, push) => {
    let k: string;
    if (key?.ctrl && (key.name === 'c' || key.name === 'd')) k = 'q';
    else if (key?.name === 'return' || key?.name === 'enter') k = '';
    else k = keyOf((text ?? key?.name ?? '').toLowerCase());
    push(k);
  });
}

/** Answers piped in, one per line (`d`, `duplicate`, `x`, `distinct` …); the end of the input quits. */
async function* lineKeys(input: PairReviewIo['input']): AsyncGenerator<string, void, undefined> {
  const rl = readline.createInterface({ input, terminal: false });
  try {
    for await (const line of rl) yield keyOf(line.trim().toLowerCase());
  } finally {
    rl.close();
  }
}

/** The answer a key or word stands for; the old spellings (n, y …) are still understood. */
function keyOf(text: string): string {
  switch (text) {
    case 'd':
    case 'duplicate':
    case 'y':
    case 'yes':
      return 'd';
    case 'x':
    case 'n':
    case 'no':
    case 'distinct':
      return 'x';
    case 's':
    case 'skip':
      return 's';
    case 'u':
    case 'undo':
      return 'u';
    case 'q':
    case 'quit':
      return 'q';
    default:
      return text === '' ? '' : '?';
  }
}

// Control characters from an export must not reach the terminal (they could move the cursor, recolour it …).
// eslint-disable-next-line no-control-regex
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
const comparable = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Words onto lines of at most `width` characters, each after `indent` (a longer word stands alone). */
export function wrap(text: string, width: number, indent: string): string[] {
  const room = Math.max(20, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of clean(text).split(/\s+/)) {
    if (word === '') continue;
    if (line !== '' && line.length + 1 + word.length > room) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines.length > 0 ? lines : [indent];
}

/** One question: the two studies' best fields (each study's records merged), the differences marked, and the abstracts. */
export function renderQuestion(
  question: Question,
  records: ReadonlyMap<string, ReviewRecord>,
  at: { position: number; total: number },
  width: number,
): string {
  const studyA = mergeCluster(question.a.map((id) => records.get(id)!));
  const studyB = mergeCluster(question.b.map((id) => records.get(id)!));
  const best = question.pairs[0];
  const lines: string[] = [];
  const copies = question.pairs.length > 1 ? `, ${question.pairs.length} record pairs` : '';
  lines.push(style.heading(`pair ${at.position} of ${at.total}`));
  lines.push(...wrap(`score ${best.score.toFixed(2)}: ${best.reasons.join(', ')}${copies}`, width, '').map(style.dim));
  lines.push('');
  const label = 10;
  const side = (name: 'A' | 'B', ids: readonly string[]) => {
    const first = records.get(ids[0])!;
    const where = clean(`${first.database}, ${first.source.file}:${first.source.line}`);
    lines.push(`${name}  ${style.id(clean(ids[0]))}  ${style.dim(truncate(where, Math.max(10, width - ids[0].length - 5)))}`);
    if (ids.length > 1) lines.push(...wrap(`+ ${ids.length - 1} more: ${ids.slice(1).join(', ')}`, width, '   ').map(style.dim));
  };
  side('A', question.a);
  side('B', question.b);
  lines.push('');
  for (const [name, get] of PAIR_FIELDS) {
    if (name === 'source') continue;
    const va = clean(get(studyA));
    const vb = clean(get(studyB));
    if (va === '' && vb === '') continue;
    // Case and punctuation are not differences a reviewer needs to look at.
    const same = comparable(va) === comparable(vb);
    // The words one side has and the other lacks are the differences to look at.
    const wordsOf = (v: string) => new Set(v.split(/\s+/).map(comparable));
    const mark = (other: Set<string>) => (line: string) =>
      same ? line : line.replace(/\S+/g, (w) => (other.has(comparable(w)) ? w : style.warn(w)));
    const a = wrap(va || (same ? '' : '(none)'), width, ''.padEnd(label + 3)).map(mark(wordsOf(vb)));
    const b = wrap(vb || (same ? '' : '(none)'), width - (same ? 0 : 10), ''.padEnd(label + 3)).map(mark(wordsOf(va)));
    lines.push(`${name.padEnd(label)} A ${a[0].trimStart()}`, ...a.slice(1));
    lines.push(`${''.padEnd(label)} B ${b[0].trimStart()}${same ? '' : style.bad('   <- differs')}`, ...b.slice(1));
  }
  for (const [name, study] of [['A', studyA], ['B', studyB]] as const) {
    lines.push('');
    const abstract = clean(study.abstract ?? '');
    lines.push(style.heading(`abstract ${name}`) + (abstract === '' ? style.dim('  (none)') : ''));
    if (abstract !== '') lines.push(...wrap(abstract, width, '  '));
  }
  lines.push('');
  return lines.join('\n');
}
