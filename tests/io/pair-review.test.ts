import { describe, it, expect } from 'vitest';
import { PassThrough } from 'node:stream';
import { reviewPairsInTerminal, renderQuestion, wrap } from '../../src/io/pair-review.js';
import { startQuestions, type QuestionsInput } from '../../src/core/dedupe/pair-questions.js';
import type { ResolutionInput } from '../../src/model/decision.js';
import type { ReviewRecord } from '../../src/model/record.js';
import { rec } from '../helpers/records.js';

const records = new Map<string, ReviewRecord>(
  [
    rec({ id: 'hand:1', title: 'Amantadine for the posttraumatic confusional state: a randomised trial', authors: 'Yablon, S.', year: 2010, startPage: 'e8', endPage: 'e9', abstract: 'Hand-searched. '.repeat(20) }),
    rec({ id: 'medline:1', title: 'Amantadine for the posttraumatic confusional state: a randomized trial', authors: 'Yablon, S.', year: 2010, startPage: 'e3' }),
    rec({ id: 'embase:1', title: 'Amantadine for the posttraumatic confusional state: a randomized trial', authors: 'Yablon, S.', year: 2010, abstract: 'From Embase.' }),
    rec({ id: 'psycinfo:9', title: 'Amantadine in the confusional state after brain injury', authors: 'Other, A.', year: 2011 }),
  ].map((r) => [r.id, r]),
);

// The engine merged medline:1 and embase:1 into one study; hand:1 resembles both copies, and psycinfo:9 the study.
const input: QuestionsInput = {
  uncertain: [
    { a: 'hand:1', b: 'medline:1', score: 0.9, reasons: ['same title', 'first pages e8 and e3'] },
    { a: 'hand:1', b: 'embase:1', score: 0.88, reasons: ['same title'] },
    { a: 'psycinfo:9', b: 'medline:1', score: 0.7, reasons: ['similar title'] },
  ],
  clusterOf: (id) => (id === 'medline:1' || id === 'embase:1' ? ['medline:1', 'embase:1'] : [id]),
};

/** A terminal made of streams: the input says it is a TTY and records raw mode; the output keeps the text. */
function fakeTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[], setRawMode(raw: boolean) { input.rawModes.push(raw); return input; } });
  const output = Object.assign(new PassThrough(), { isTTY: false, columns: 60 });
  let text = '';
  output.on('data', (chunk) => (text += chunk));
  return { input, output, text: () => text };
}

describe('the terminal layer of dedupe --review, driven by keys', () => {
  it('one key per answer, each answer saved before the next question is drawn, undo as retract rows', async () => {
    const term = fakeTerminal();
    const events: string[] = [];
    const saved: ResolutionInput[] = [];
    const save = async (rows: ResolutionInput[]) => {
      await new Promise((r) => setTimeout(r, 20)); // a slow disk
      events.push(`saved ${rows.map((r) => r.decision).join(',')} after ${(term.text().match(/pair \d+ of \d+/g) ?? []).length} screens`);
      saved.push(...rows);
    };
    const done = reviewPairsInTerminal(startQuestions(input), records, term, save);
    // No Enter anywhere: d (hand:1 is the study of medline:1 + embase:1), u (undo), x, then q.
    term.input.write('d');
    term.input.write('u');
    term.input.write('x');
    term.input.write('q');
    const summary = await done;
    expect(saved.map((r) => `${r.a} ${r.b} ${r.decision}`)).toEqual([
      'hand:1 medline:1 duplicate',
      'hand:1 medline:1 retract',
      'hand:1 medline:1 distinct',
      'hand:1 embase:1 distinct',
    ]);
    expect(events).toEqual(['saved duplicate after 1 screens', 'saved retract after 2 screens', 'saved distinct,distinct after 3 screens']);
    expect(summary).toEqual({ answered: 1, rowsWritten: 4, left: 1 });
    expect(term.input.rawModes).toEqual([true, false]);
    const screen = term.text();
    // One question about hand:1 against the study of two copies, not two questions.
    expect(screen).toContain('pair 1 of 2');
    expect(screen).toMatch(/B {2}medline:1 .*\n {3}\+ 1 more: embase:1/);
    // The study's best fields: the abstract only Embase had is shown for side B.
    expect(screen).toMatch(/abstract B\n {2}From Embase\./);
    expect(screen).toMatch(/pages +A e8-e9\n +B e3 +<- differs/);
    // Wrapped to the terminal's width.
    expect(screen.split("\n").filter((line) => line.length > 60)).toEqual([]);
    expect(screen).toContain('undone: 1 row(s) taken back');
    expect(screen).toContain('recorded: 2 distinct');
  });

  it('Ctrl-C quits after what was answered is saved', async () => {
    const term = fakeTerminal();
    const saved: ResolutionInput[] = [];
    const done = reviewPairsInTerminal(startQuestions(input), records, term, async (rows) => void saved.push(...rows));
    term.input.write('d');
    term.input.write('\x03');
    expect(await done).toMatchObject({ answered: 1, rowsWritten: 1 });
    expect(saved).toHaveLength(1);
    expect(term.input.rawModes).toEqual([true, false]);
  });

  it('a refused answer says why and writes nothing', async () => {
    const term = fakeTerminal();
    const saved: ResolutionInput[] = [];
    const guarded = { ...input, mergeGuard: () => 'different DOIs (10.1/a vs 10.1/b)' };
    const done = reviewPairsInTerminal(startQuestions(guarded), records, term, async (rows) => void saved.push(...rows));
    term.input.write('d');
    term.input.write('q');
    await done;
    expect(saved).toEqual([]);
    expect(term.text()).toContain('refused: different DOIs (10.1/a vs 10.1/b): these are never merged, whatever anyone answers');
  });

  it('answers piped in, one per line, when the input is not a terminal; the end of the input quits', async () => {
    const input2 = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (c) => (text += c));
    const saved: ResolutionInput[] = [];
    input2.end('maybe\nduplicate\n');
    const summary = await reviewPairsInTerminal(startQuestions(input), records, { input: input2, output }, async (rows) => void saved.push(...rows));
    expect(text).toContain('keys: d duplicate, x distinct, s skip, u undo, q quit');
    expect(saved.map((r) => r.decision)).toEqual(['duplicate']);
    expect(summary.left).toBe(1);
  });

  it('nothing to ask: returns at once without touching the terminal', async () => {
    const term = fakeTerminal();
    const summary = await reviewPairsInTerminal(startQuestions({ uncertain: [], clusterOf: (id) => [id] }), records, term, async () => {});
    expect(summary).toEqual({ answered: 0, rowsWritten: 0, left: 0 });
    expect(term.input.rawModes).toEqual([]);
  });
});

it('wrap keeps words whole within the width, and strips control characters', () => {
  expect(wrap('one two three four five six', 24, '  ')).toEqual(['  one two three four', '  five six']);
  expect(wrap('bell\u0007 and \u001b[2J escape', 40, '')).toEqual(['bell and [2J escape']);
});

it('marks the words one side lacks, not the whole field, when colour is on', async () => {
  const chalk = (await import('chalk')).default;
  const level = chalk.level;
  chalk.level = 1;
  try {
    const q = { a: ['hand:1'], b: ['medline:1'], pairs: input.uncertain.slice(0, 1) };
    const text = renderQuestion(q, records, { position: 1, total: 1 }, 100);
    const pages = text.split('\n').find((l) => l.startsWith('pages'))!;
    expect(pages).toContain(chalk.yellow('e8-e9'));
    const title = text.split('\n').find((l) => l.startsWith('title'))!;
    expect(title).toContain(chalk.yellow('randomised'));
    expect(title).not.toContain(chalk.yellow('Amantadine'));
  } finally {
    chalk.level = level;
  }
});
