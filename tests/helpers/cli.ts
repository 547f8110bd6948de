import { spawnSync } from 'node:child_process';
import { mkdtempSync, cpSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SEED_REVIEW = path.join(REPO, 'fixtures/seed-review');
/** The shared corpus of real exports, beside the clone; tests that need it skip when it is absent. */
export const CORPUS = path.resolve(REPO, '../shared/corpus');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run the built binary as a user would (`npm test` builds dist/ first). */
export function litscreen(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const result = spawnSync(process.execPath, [path.join(REPO, 'bin/litscreen.js'), ...args], {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', LITSCREEN_REVIEWER: '', ...options.env },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A temp folder, optionally filled from `{relativePath: content}`. */
export function tempDir(files: Record<string, string | Uint8Array> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

/** A private copy of the seed review a test may change. */
export function copyOfSeedReview(): string {
  const dir = tempDir();
  cpSync(SEED_REVIEW, dir, { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * A one-source review whose two records are one trial report with first pages that disagree
 * (bib-dedupe's stroke set, ids 14/15): alike enough to ask a person, never enough to merge alone.
 */
export function reviewWithOneUncertainPair(): string {
  const csv = [
    'Title,Authors,Year,Journal,Volume,Issue,Pages',
    '"Amantadine hydrochloride for treatment of symptom\'s of the posttraumatic confusional state: A randomized, double-blind, placebo-controlled trial","Yablon, S.; Sherer, M.; Nakase-Richardson, R.",2010,Archives of Physical Medicine and Rehabilitation,91,10,e8-e9',
    '"Amantadine hydrochloride for treatment of symptoms of the posttraumatic confusional state: A randomized, double-blind, placebo-controlled trial","Yablon, S.; Sherer, M.; Nakase-Richardson, R.",2010,Archives of Physical Medicine and Rehabilitation,91,10,e3',
  ].join('\n');
  const protocol = {
    title: 'uncertain pair',
    sources: [{ key: 'db', database: 'DB', file: 'exports/db.csv', searchDate: '2020-01-01', searchString: 'amantadine' }],
    fullText: { exclusionReasons: [{ id: 'other', label: 'Other' }] },
    extraction: { fields: [] },
  };
  return tempDir({ 'litscreen.json': JSON.stringify(protocol), 'exports/db.csv': csv + '\n' });
}
