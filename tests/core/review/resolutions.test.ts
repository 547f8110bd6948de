import { describe, it, expect } from 'vitest';
import { foldResolutions, verdictsOf, pairKey } from '../../../src/core/review/resolutions.js';
import type { ResolutionRow, ResolutionLogValue } from '../../../src/model/decision.js';

let line = 1;
const row = (reviewer: string, a: string, b: string, decision: ResolutionLogValue): ResolutionRow => ({
  time: '2024-01-01T00:00:00Z',
  recordA: a,
  recordB: b,
  decision,
  note: '',
  reviewer,
  file: `decisions/duplicates/${reviewer}.csv`,
  line: ++line,
});
const fold = (rows: ResolutionRow[]) => foldResolutions(rows, () => true);

describe('a retract row takes back the reviewer\'s verdict on the pair', () => {
  it('a verdict then its retraction leaves no verdict', () => {
    const f = fold([row('alice', 'a', 'b', 'duplicate'), row('alice', 'b', 'a', 'retract')]);
    expect(f.resolutions).toEqual([]);
    expect(f.conflicts).toEqual([]);
    expect(f.byPair.size).toBe(0);
  });

  it('as in the screening logs, a retraction leaves the reviewer with no verdict, whatever came before', () => {
    const f = fold([row('alice', 'a', 'b', 'distinct'), row('alice', 'a', 'b', 'duplicate'), row('alice', 'a', 'b', 'retract')]);
    expect(f.resolutions).toEqual([]);
  });

  it("only the retracting reviewer's verdict: bob's stays", () => {
    const f = fold([row('alice', 'a', 'b', 'duplicate'), row('bob', 'a', 'b', 'distinct'), row('alice', 'a', 'b', 'retract')]);
    expect(f.resolutions).toEqual([{ a: 'a', b: 'b', decision: 'distinct' }]);
    expect(f.conflicts).toEqual([]);
    expect(verdictsOf(f, 'alice').size).toBe(0);
    expect(verdictsOf(f, 'bob').get(pairKey('b', 'a'))?.decision).toBe('distinct');
  });

  it('a retraction with nothing to take back changes nothing', () => {
    const f = fold([row('alice', 'a', 'b', 'retract'), row('alice', 'a', 'b', 'duplicate')]);
    expect(f.resolutions).toEqual([{ a: 'a', b: 'b', decision: 'duplicate' }]);
  });
});
