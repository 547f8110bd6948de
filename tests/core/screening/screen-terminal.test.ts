import { describe, it, expect } from 'vitest';
import { PassThrough } from 'node:stream';
import { screenInTerminal } from '../../../src/io/screen-terminal.js';
import { startScreen, type ScreenRow } from '../../../src/core/screening/screen-session.js';
import { assessReview } from '../../../src/core/review/derive.js';
import { ProtocolSchema } from '../../../src/model/protocol.js';
import { rec } from '../../helpers/records.js';

/** The terminal layer of `litscreen screen` with streams for a terminal: keys in, frames out. */
function fakeTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[], setRawMode(raw: boolean) { input.rawModes.push(raw); return input; } });
  const output = Object.assign(new PassThrough(), { isTTY: false, columns: 80 });
  let text = '';
  output.on('data', (chunk) => (text += chunk));
  return { input, output, text: () => text };
}

const protocol = ProtocolSchema.parse({
  title: 't',
  sources: [{ key: 'db', database: 'DB', file: 'db.ris', searchDate: '2020-01-01', searchString: 'x' }],
  fullText: { exclusionReasons: [{ id: 'other', label: 'Other' }] },
  extraction: { fields: [] },
});
const records = ['Alpha trial', 'Beta cohort', 'Gamma survey'].map((title, i) => rec({ id: `db:${i + 1}`, title, abstract: `${title} abstract.` }));

describe('the terminal layer of screen', () => {
  it('saves each decision before the next record is drawn; Ctrl-C quits and leaves raw mode', async () => {
    const start = startScreen({ state: assessReview(protocol, records, []), protocol, stage: 'title-abstract', reviewer: 'alice', now: () => new Date(0) });
    const term = fakeTerminal();
    const events: string[] = [];
    const save = async (rows: ScreenRow[]) => {
      await new Promise((r) => setTimeout(r, 20)); // a slow disk
      events.push(`saved ${rows.map((r) => `${r.recordId} ${r.decision}`).join(',')} with ${(term.text().match(/^#\d+ /gm) ?? []).length} record(s) drawn`);
    };
    const done = screenInTerminal(start, term, save);
    term.input.write('i');
    term.input.write('m');
    term.input.write('u');
    term.input.write('\x03');
    const result = await done;
    expect(events).toEqual(['saved db:1 include with 1 record(s) drawn', 'saved db:2 maybe with 2 record(s) drawn', 'saved db:2 retract with 3 record(s) drawn']);
    expect(result.rowsWritten).toBe(3);
    expect(result.state.history).toHaveLength(1);
    expect(term.input.rawModes).toEqual([true, false]);
    expect(term.text()).toContain('1/3 · 0 included');
    expect(term.text()).toContain('recorded: maybe #2');
  });

  it('a failed save is not drawn as recorded: the error ends the session', async () => {
    const start = startScreen({ state: assessReview(protocol, records, []), protocol, stage: 'title-abstract', reviewer: 'alice', now: () => new Date(0) });
    const term = fakeTerminal();
    const done = screenInTerminal(start, term, async () => {
      throw new Error('disk full');
    });
    term.input.write('i');
    await expect(done).rejects.toThrow('disk full');
    expect(term.text()).not.toContain('recorded: include');
    expect(term.input.rawModes).toEqual([true, false]);
  });
});
