import type { Flow } from '../../model/flow.js';
import type { ExpectedCounts } from '../../model/protocol.js';

/** One line per count that differs from what the protocol pins. Pure. */
export function compareWithExpected(flow: Flow, expected: ExpectedCounts | undefined): string[] {
  if (!expected) return [];
  const problems: string[] = [];
  for (const [key, want] of Object.entries(expected)) {
    if (want === undefined) continue;
    const have = (flow as unknown as Record<string, unknown>)[key];
    if (typeof want === 'number') {
      if (have !== want) problems.push(`${key}: expected ${want}, found ${String(have)}`);
    } else {
      // {name: n} maps: database_specific_results and dbr_excluded.
      const haveMap = (have ?? {}) as Record<string, number>;
      const names = new Set([...Object.keys(want), ...Object.keys(haveMap).filter((k) => haveMap[k] !== 0)]);
      for (const name of names) {
        const w = (want as Record<string, number>)[name] ?? 0;
        const h = haveMap[name] ?? 0;
        if (w !== h) problems.push(`${key}["${name}"]: expected ${w}, found ${h}`);
      }
    }
  }
  return problems;
}
