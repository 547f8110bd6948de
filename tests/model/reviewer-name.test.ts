import { describe, it, expect, afterAll } from 'vitest';
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { checkReviewerName, reviewerLogFileName, reviewerOfLogFile, reviewerNameKey } from '../../src/model/reviewer-name.js';
import { listReviewers, decisionLogPath, resolutionLogPath } from '../../src/io/review.js';
import { LitscreenError, ExitCode } from '../../src/errors.js';
import { SEED_REVIEW, tempDir, removeDir } from '../helpers/cli.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

function refusal(name: string, existing: string[] = []): string {
  try {
    checkReviewerName(name, existing);
  } catch (err) {
    expect(err).toBeInstanceOf(LitscreenError);
    expect((err as LitscreenError).exitCode).toBe(ExitCode.usage);
    return (err as LitscreenError).message;
  }
  throw new Error(`"${name}" was accepted`);
}

describe('checkReviewerName', () => {
  it('accepts names in any script, with spaces, dots, underscores and hyphens', () => {
    for (const name of ['alice', 'José Müller', '李雷', 'Ωμέγα', 'o.brien', 'r_2', 'anne-marie', 'Zoë', '2nd-reviewer', 'ज़ैनब']) {
      expect(checkReviewerName(name)).toBe(name.normalize('NFC'));
    }
  });

  it('returns the NFC form, so a name typed decomposed names the same file', () => {
    const decomposed = 'Jose\u0301';
    expect(checkReviewerName(decomposed)).toBe('Jos\u00e9');
    // An existing log written in another normal form is reused as it is spelled on disk.
    expect(checkReviewerName('Jos\u00e9', [decomposed])).toBe(decomposed);
  });

  const refused: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['a slash', 'a/b', /contains "\/"/],
    ['a backslash', 'a\\b', /contains "\\"/],
    ['a colon (Windows streams)', 'a:b', /contains ":"/],
    ['a control character', 'a\u0007b', /contains <U\+0007>/],
    ['a bidi override', 'alice\u202Etxt.exe', /contains <U\+202E>/],
    ['a zero-width joiner', 'al\u200Dice', /contains <U\+200D>/],
    ['an emoji', 'alice🙂', /contains "🙂"/],
    ['a leading dot', '.alice', /must start with a letter or a digit/],
    ['a leading space', ' alice', /must start with a letter or a digit/],
    ['a leading hyphen (read as an option)', '-alice', /must start with a letter or a digit/],
    ['a trailing dot', 'alice.', /must not end in "\." or a space/],
    ['a trailing space', 'alice ', /must not end in "\." or a space/],
    ['.csv at the end', 'alice.csv', /leave off "\.csv"; the log file gets it \(alice\.csv\)/],
    ['.CSV at the end', 'alice.CSV', /leave off/],
    ['65 characters', 'a'.repeat(65), /too long: at most 64 characters/],
    ['64 four-byte letters (over the byte limit of a file name)', '𠀀'.repeat(64), /too long/],
    ['CON', 'CON', /"CON" is a device name on Windows/],
    ['nul in lower case', 'nul', /device name/],
    ['com1', 'com1', /device name/],
    ['LPT9', 'LPT9', /device name/],
    ['COM¹ (superscript digits are not digits here; Windows reserves it too)', 'COM¹', /contains "¹"/],
    ['con.txt', 'con.txt', /"con" is a device name/],
    ['Aux.backup.1', 'Aux.backup.1', /"Aux" is a device name/],
  ];
  for (const [what, name, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(refusal(name)).toMatch(message);
    });
  }

  it('accepts names that only start like a device name', () => {
    for (const name of ['conrad', 'com10', 'auxiliary', 'nully', 'lpt', 'a'.repeat(64), '𠀀'.repeat(40)]) {
      expect(checkReviewerName(name)).toBe(name);
    }
  });

  it('refuses a name that differs from an existing reviewer only in case or Unicode form', () => {
    expect(refusal('Alice', ['alice', 'bob'])).toMatch(/differs from the existing reviewer "alice" only in case or Unicode form/);
    expect(refusal('ALICE', ['alice'])).toMatch(/Use "alice" if that is you/);
    expect(refusal('JOSÉ MÜLLER', ['José Müller'])).toMatch(/existing reviewer "José Müller"/);
    // Compatibility forms and full case folding: ﬁ ligature, fullwidth letters, ß / SS.
    expect(refusal('ﬁona', ['fiona'])).toMatch(/existing reviewer "fiona"/);
    expect(refusal('ｂｏｂ', ['bob'])).toMatch(/existing reviewer "bob"/);
    expect(refusal('STRASSE', ['straße'])).toMatch(/existing reviewer "straße"/);
    // The same name is the same reviewer, not a clash.
    expect(checkReviewerName('alice', ['alice', 'Bob'])).toBe('alice');
    expect(checkReviewerName('carol', ['alice', 'Bob'])).toBe('carol');
    expect(reviewerNameKey('Σίσυφος')).toBe(reviewerNameKey('ΣΊΣΥΦΟΣ'));
  });
});

describe('log file names', () => {
  it('add .csv once, and read back the same reviewer', () => {
    for (const name of ['alice', 'José Müller', 'o.brien', 'alice.tsv']) {
      const file = reviewerLogFileName(checkReviewerName(name));
      expect(file).toBe(`${name}.csv`);
      expect(reviewerOfLogFile(file)).toBe(name);
    }
    expect(reviewerOfLogFile('notes.txt')).toBeUndefined();
    expect(reviewerOfLogFile('.csv')).toBeUndefined();
  });

  it('decisionLogPath and resolutionLogPath use it', () => {
    expect(decisionLogPath('r', 'full-text', 'José')).toBe(path.join('r', 'decisions', 'full-text', 'José.csv'));
    expect(resolutionLogPath('r', 'José')).toBe(path.join('r', 'decisions', 'duplicates', 'José.csv'));
  });
});

describe('listReviewers', () => {
  it('lists every reviewer with a log in any decisions folder, once each, sorted', async () => {
    const dir = tempDir();
    cleanup.push(dir);
    for (const [folder, file] of [
      ['title-abstract', 'bob.csv'],
      ['title-abstract', 'alice.csv'],
      ['full-text', 'alice.csv'],
      ['full-text', 'Zoë.csv'],
      ['duplicates', 'carol.csv'],
      ['full-text', 'README.txt'],
    ]) {
      mkdirSync(path.join(dir, 'decisions', folder), { recursive: true });
      writeFileSync(path.join(dir, 'decisions', folder, file), 'time,record_id,decision,reason,note\n');
    }
    writeFileSync(path.join(dir, 'decisions', 'stray.csv'), '');
    expect(await listReviewers(dir)).toEqual(['Zoë', 'alice', 'bob', 'carol']);
    expect(refusal('Bob', await listReviewers(dir))).toMatch(/existing reviewer "bob"/);
  });

  it('is empty for a review without decisions, and reads the seed review', async () => {
    const dir = tempDir();
    cleanup.push(dir);
    expect(await listReviewers(dir)).toEqual([]);
    expect((await listReviewers(SEED_REVIEW)).length).toBeGreaterThan(0);
  });
});
