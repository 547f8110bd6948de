/**
 * Record ids and whole reader output, pinned before the import speed work (issue 12) and checked
 * after it: for every fixture and every shared-corpus file, the ids the review would give
 * (`<accession>` or `h<raw hash>`, as io/review.ts assignIds builds them) and a digest of the
 * complete parse result (records, raw tags, warnings with their lines). A reader made faster
 * must give the same bytes; a deliberate change regenerates the file (PIN_UPDATE=1) and says why.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeAndParse } from '../../src/formats/registry.js';
import { REPO } from '../helpers/cli.js';
import { CORPUS, HAS_CORPUS, walk } from './helpers.js';

const PINNED = path.join(REPO, 'tests/formats/pinned-output.json');

interface Pin {
  records: number;
  ids: string;
  output: string;
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

function pin(file: string, name: string): Pin | { error: string } {
  try {
    const result = decodeAndParse(readFileSync(file), name);
    const ids = result.records.map((r) => (r.accession?.trim() ? r.accession.trim() : `h${r.rawHash}`));
    return { records: result.records.length, ids: sha1(ids.join('\n')), output: sha1(JSON.stringify(result)) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function inputs(): [string, string][] {
  // A review's derived-state cache (.litscreen-cache, git-ignored) is not an input.
  const list: [string, string][] = walk(path.join(REPO, 'fixtures'))
    .filter((f) => !f.split(path.sep).includes('.litscreen-cache'))
    .map((f) => [f, path.relative(REPO, f)]);
  if (HAS_CORPUS) for (const f of walk(CORPUS)) list.push([f, 'corpus/' + path.relative(CORPUS, f)]);
  return list;
}

describe('record ids and reader output are those pinned before the import speed work', () => {
  const pinned: Record<string, Pin | { error: string }> = existsSync(PINNED) ? JSON.parse(readFileSync(PINNED, 'utf8')) : {};
  if (process.env.PIN_UPDATE === '1') {
    const all: Record<string, Pin | { error: string }> = {};
    for (const [file, name] of inputs()) all[name] = pin(file, name);
    writeFileSync(PINNED, JSON.stringify(all, null, 1) + '\n');
  }
  const names = inputs().filter(([, name]) => name in pinned);
  it('covers every fixture (a new fixture is pinned on purpose, with PIN_UPDATE=1)', () => {
    const fixtures = inputs().filter(([, name]) => !name.startsWith('corpus/'));
    expect(fixtures.length).toBeGreaterThan(0);
    expect(fixtures.filter(([, name]) => !(name in pinned)).map(([, name]) => name)).toEqual([]);
  });
  // The corpus beside the clone may differ from the one pinned here: only the files both know are compared.
  it.runIf(HAS_CORPUS)('covers the shared corpus files that were pinned', () => {
    expect(names.some(([, name]) => name.startsWith('corpus/'))).toBe(true);
  });
  it.each(names)('%s', (file, name) => {
    expect(pin(file, name)).toEqual(pinned[name]);
  });
});
