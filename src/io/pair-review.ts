import * as readline from 'node:readline/promises';
import type { ReviewRecord } from '../model/record.js';
import type { UncertainPair } from '../core/dedupe/engine.js';
import type { ResolutionInput } from '../model/decision.js';
import { PAIR_FIELDS } from '../core/dedupe/pair-fields.js';
import { style } from './output.js';

const comparable = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * The terminal side of `dedupe --review`: show each uncertain pair, field under field with the
 * differences highlighted, and ask whether they are the same study. Reads answers line by line,
 * so it also works with answers piped in (tests, scripts).
 */
export async function reviewPairsInTerminal(
  pairs: UncertainPair[],
  records: Map<string, ReviewRecord>,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
): Promise<ResolutionInput[]> {
  const decided: ResolutionInput[] = [];
  const rl = readline.createInterface({ input: io.input, output: io.output, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const write = (s: string) => io.output.write(s + '\n');
  try {
    for (const [index, pair] of pairs.entries()) {
      const a = records.get(pair.a)!;
      const b = records.get(pair.b)!;
      write('');
      write(style.heading(`Pair ${index + 1} of ${pairs.length}  (score ${pair.score.toFixed(2)}: ${pair.reasons.join(', ')})`));
      write(`  A ${style.id(a.id)}`);
      write(`  B ${style.id(b.id)}`);
      for (const [name, get] of PAIR_FIELDS) {
        const va = get(a);
        const vb = get(b);
        if (va === '' && vb === '') continue;
        // Case and punctuation are not differences a reviewer needs to look at.
        const same = comparable(va) === comparable(vb);
        const mark = (s: string) => (same ? s : style.warn(s || '(empty)'));
        write(`  ${name.padEnd(8)} A: ${mark(va)}`);
        write(`  ${''.padEnd(8)} B: ${mark(vb)}${same ? '' : style.bad('   <- differs')}`);
      }
      let answer: ResolutionInput | 'skip' | 'quit' | undefined;
      while (answer === undefined) {
        io.output.write('Same study? [d]uplicate, [n]ot a duplicate, [s]kip, [q]uit: ');
        const next = await lines.next();
        if (next.done) {
          answer = 'quit';
          break;
        }
        const text = String(next.value).trim().toLowerCase();
        if (text === 'd' || text === 'duplicate' || text === 'y') answer = { a: pair.a, b: pair.b, decision: 'duplicate', note: '' };
        else if (text === 'n' || text === 'distinct' || text === 'not') answer = { a: pair.a, b: pair.b, decision: 'distinct', note: '' };
        else if (text === 's' || text === 'skip') answer = 'skip';
        else if (text === 'q' || text === 'quit') answer = 'quit';
        else write('  please answer d, n, s or q');
      }
      if (answer === 'quit') break;
      if (answer !== 'skip') decided.push(answer);
    }
  } finally {
    rl.close();
  }
  return decided;
}
