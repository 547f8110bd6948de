import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync, symlinkSync, mkdirSync, copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseProtocol, loadProtocol, checkProtocolText, protocolJsonSchema } from '../../src/io/protocol.js';
import { loadReview } from '../../src/io/review.js';
import { LitscreenError, ExitCode } from '../../src/errors.js';
import { EXPORT_FORMAT_NAMES } from '../../src/model/protocol.js';
import { SEED_REVIEW, REPO, tempDir, copyOfSeedReview, removeDir } from '../helpers/cli.js';

const SEED_TEXT = readFileSync(path.join(SEED_REVIEW, 'litscreen.json'), 'utf8');
const seed = (): Record<string, any> => JSON.parse(SEED_TEXT);
const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

/** The seed protocol with six sources (each seed source twice, under new keys and files). */
function sixSources(): Record<string, any> {
  const p = seed();
  p.sources = [...p.sources, ...p.sources.map((s: any) => ({ ...s, key: `${s.key}-2`, database: `${s.database} 2`, file: s.file.replace('exports/', 'exports/more/') }))];
  delete p.expected;
  return p;
}

/** The error parseProtocol throws for a protocol written out as JSON with two-space indent. */
function problemsOf(text: string): LitscreenError {
  try {
    parseProtocol(text, 'litscreen.json');
  } catch (err) {
    if (err instanceof LitscreenError) return err;
    throw err;
  }
  throw new Error('the protocol was accepted');
}

/** `line:column` of the first occurrence of `needle` after the `nth` occurrence of `after`. */
function at(text: string, needle: string, after?: string, nth = 1): string {
  let from = 0;
  if (after) for (let i = 0; i < nth; i++) from = text.indexOf(after, from) + 1;
  const offset = text.indexOf(needle, from);
  if (offset < 0) throw new Error(`${needle} not found`);
  const lines = text.slice(0, offset).split('\n');
  return `${lines.length}:${lines[lines.length - 1].length + 1}`;
}

describe('protocol problems: each at its own line and column', () => {
  it('the seed review has none', () => {
    expect(checkProtocolText(SEED_TEXT).problems).toEqual([]);
  });

  it('a wrong value in the sixth source is reported on its own line, not the first source\'s', () => {
    const p = sixSources();
    p.sources[5].expectedRecords = '12';
    const text = JSON.stringify(p, null, 2);
    const err = problemsOf(text);
    expect(err.exitCode).toBe(ExitCode.invalidProtocol);
    expect(err.details).toEqual([`litscreen.json:${at(text, '"12"')}: sources[5].expectedRecords: expected a whole number, got "12"`]);
    expect(err.line).toBe(Number(at(text, '"12"').split(':')[0]));
    expect(err.line).toBeGreaterThan(40);
  });

  it('an unknown key is reported where it is, with the key it was probably meant to be', () => {
    const p = sixSources();
    p.sources[3].searchdate = p.sources[3].searchDate;
    delete p.sources[3].searchDate;
    const text = JSON.stringify(p, null, 2);
    // The fourth source's `{`: the line of its "key" minus one, indented by four spaces.
    const objectLine = Number(at(text, '"key": "psycinfo-2"').split(':')[0]) - 1;
    expect(problemsOf(text).details).toEqual([
      `litscreen.json:${objectLine}:5: sources[3]: missing required key "searchDate"`,
      `litscreen.json:${at(text, '"searchdate"')}: sources[3]: unknown key "searchdate" (did you mean "searchDate"?)`,
    ]);
    expect(objectLine).toBeGreaterThan(30);
  });

  it('lists every problem at once, sorted by line, one file:line:col each, never in zod\'s words', () => {
    const p = seed();
    p.sources[0].format = 'RIS';
    p.sources[1].expectedRecords = '12';
    delete p.sources[2].file;
    delete p.sources[2].searchDate;
    p.deduplication.yearTolerance = 7;
    p.fullText.exclusionReasons = [];
    p.extraction.fields[1].choices = [];
    p.expected.duplicates = -1;
    p.titel = 'x';
    const text = JSON.stringify(p, null, 2);
    const err = problemsOf(text);
    expect(err.message).toBe('8 problems in the protocol:');
    const lines = err.details.map((d) => Number(/^litscreen\.json:(\d+):\d+: /.exec(d)![1]));
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(err.details.map((d) => d.replace(/^litscreen\.json:\d+:\d+: /, ''))).toEqual([
      `sources[0].format: expected one of ${EXPORT_FORMAT_NAMES.map((f) => `"${f}"`).join(', ')}, got "RIS" (did you mean "ris"?)`,
      'sources[1].expectedRecords: expected a whole number, got "12"',
      'sources[2]: missing required keys "file", "searchDate"',
      'deduplication.yearTolerance: expected 3 or less, got 7',
      'fullText.exclusionReasons: needs at least 1 entry, got 0',
      'extraction.fields[1].choices: a "choice" field needs a non-empty "choices" list',
      'expected.duplicates: expected 0 or more, got -1',
      '(top level): unknown key "titel" (did you mean "title"?)',
    ]);
    expect(err.details[7]).toMatch(new RegExp(`^litscreen\\.json:${at(text, '"titel"')}: `));
  });

  it('allowed keys come from the schema: with no likely typo, the keys allowed there are listed', () => {
    const p = seed();
    p.deduplication.fuzzy = true;
    const [detail] = problemsOf(JSON.stringify(p, null, 2)).details;
    expect(detail).toMatch(/deduplication: unknown key "fuzzy" \(allowed here: "enabled", "yearTolerance", "matchMainTitle", "mergeConferenceAbstracts"\)/);
    const q = seed();
    q.allowPathsOutsideReviw = true;
    expect(problemsOf(JSON.stringify(q, null, 2)).details[0]).toMatch(/did you mean "allowPathsOutsideReview"\?/);
  });

  it('a missing title is named at the top level', () => {
    const p = seed();
    delete p.title;
    expect(problemsOf(JSON.stringify(p, null, 2)).details).toEqual(['litscreen.json:1:1: the top level: missing required key "title"']);
  });

  it('invalid JSON: the line and column of the syntax error', () => {
    const err = problemsOf('{\n  "title": "x",\n  oops\n}');
    expect(err.exitCode).toBe(ExitCode.invalidProtocol);
    expect(err.details).toEqual(['litscreen.json:3:3: not valid JSON: expected a key in "double quotes", found "o"']);
    const comma = problemsOf('{\n  "title": "x"\n  "sources": []\n}');
    expect(comma.details[0]).toMatch(/^litscreen\.json:3:3: not valid JSON: .*missing comma/);
  });

  it('a criterion that does not parse: the column of the query character, past JSON escapes', () => {
    const p = seed();
    p.titleAbstract.criteria[2].query = '"service user*" AND ) educat*';
    const text = JSON.stringify(p, null, 2);
    const [detail] = problemsOf(text).details;
    expect(detail).toMatch(/^litscreen\.json:\d+:\d+: titleAbstract\.criteria\[2\]\.query \(criterion "english"\), column 21 of the query: /);
    const [, line, column] = /^litscreen\.json:(\d+):(\d+)/.exec(detail)!.map(Number);
    // In the file the query's quotes are escaped (\"), so the ")" sits two columns further right.
    expect(text.split('\n')[line - 1].slice(column - 1)).toBe(') educat*",');
  });

  it('a duplicated id names both lines, and every duplicate is listed', () => {
    const p = seed();
    p.fullText.exclusionReasons.push({ ...p.fullText.exclusionReasons[0] }, { ...p.fullText.exclusionReasons[1] });
    const text = JSON.stringify(p, null, 2);
    const details = problemsOf(text).details;
    expect(details).toHaveLength(2);
    expect(details[0]).toMatch(
      new RegExp(`fullText\\.exclusionReasons\\[4\\]\\.id: "not-involvement" is used twice \\(also fullText\\.exclusionReasons\\[0\\]\\.id, line ${at(text, '"not-involvement"').split(':')[0]}\\)`),
    );
  });

  it('a key given twice in one object is a problem (JSON keeps the last silently)', () => {
    const text = SEED_TEXT.replace('"yearTolerance": 1,', '"yearTolerance": 1,\n    "yearTolerance": 2,');
    const details = problemsOf(text).details;
    expect(details).toEqual([`litscreen.json:${at(text, '"yearTolerance": 2')}: deduplication.yearTolerance: given twice (also on line ${at(text, '"yearTolerance": 1').split(':')[0]}); JSON keeps only the last, so remove one`]);
  });

  it('checks past the schema still run when the schema fails elsewhere', () => {
    const p = seed();
    p.title = '';
    p.sources[1].file = '../../etc/passwd';
    const details = problemsOf(JSON.stringify(p, null, 2)).details;
    expect(details).toHaveLength(2);
    expect(details[0]).toMatch(/title: must not be empty/);
    expect(details[1]).toMatch(/sources\[1\]\.file: "\.\.\/\.\.\/etc\/passwd" leads outside the review folder/);
  });
});

describe('one export under two sources', () => {
  it('two spellings of one path are refused, naming both sources\' lines', () => {
    const p = seed();
    p.sources[2].file = './exports/psycinfo-ovid.ris';
    const text = JSON.stringify(p, null, 2);
    const err = problemsOf(text);
    expect(err.exitCode).toBe(4);
    expect(err.details).toEqual([
      `litscreen.json:${at(text, '"./exports')}: sources[2].file: "./exports/psycinfo-ovid.ris" (Social Services Abstracts) is the same file as sources[0].file on line ${at(text, '"exports/psycinfo-ovid.ris"').split(':')[0]} (PsycINFO); each export belongs to one source, else its records count twice`,
    ]);
  });

  it('one file reached through a symlink is refused when the review is loaded', async () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    symlinkSync('psycinfo-ovid.ris', path.join(dir, 'exports/also-psycinfo.ris'));
    const p = seed();
    p.sources[2].file = 'exports/also-psycinfo.ris';
    writeFileSync(path.join(dir, 'litscreen.json'), JSON.stringify(p, null, 2));
    const err = await loadProtocol(dir).catch((e) => e);
    expect(err).toBeInstanceOf(LitscreenError);
    expect(err.exitCode).toBe(4);
    expect(err.details).toHaveLength(1);
    expect(err.details[0]).toMatch(/sources\[2\]\.file: "exports\/also-psycinfo\.ris" \(Social Services Abstracts\) is the same file as sources\[0\]\.file on line 9 \(PsycINFO\)/);
  });

  it('the seed review loads: three sources, three files', async () => {
    await expect(loadProtocol(SEED_REVIEW)).resolves.toMatchObject({ protocol: { title: expect.any(String) } });
  });
});

describe('paths stay inside the review folder', () => {
  const refused: [string, RegExp][] = [
    ['../../etc/passwd', /leads outside the review folder/],
    ['exports/../../outside.ris', /leads outside the review folder/],
    ['..\\..\\windows\\win.ini', /leads outside the review folder/],
    ['/etc/passwd', /is an absolute path/],
    ['C:\\exports\\a.ris', /is an absolute path/],
    ['\\\\server\\share\\a.ris', /is an absolute path/],
  ];
  for (const [file, message] of refused) {
    it(`refuses ${file} with its line, unless allowPathsOutsideReview is set`, () => {
      const p = seed();
      p.sources[1].file = file;
      const text = JSON.stringify(p, null, 2);
      const err = problemsOf(text);
      expect(err.exitCode).toBe(4);
      expect(err.details).toHaveLength(1);
      expect(err.details[0]).toMatch(new RegExp(`^litscreen\\.json:${at(text, '"file"', '"social-care-online"').split(':')[0]}:\\d+: sources\\[1\\]\\.file: `));
      expect(err.details[0]).toMatch(message);
      expect(err.details[0]).toMatch(/"allowPathsOutsideReview": true/);
      p.allowPathsOutsideReview = true;
      expect(checkProtocolText(JSON.stringify(p, null, 2)).problems).toEqual([]);
    });
  }

  it('a path that climbs out and back in is fine', () => {
    const p = seed();
    p.sources[1].file = 'exports/../exports/social-care-online.csv';
    expect(checkProtocolText(JSON.stringify(p, null, 2)).problems).toEqual([]);
  });

  it('a symlink that leads outside is refused when the review is loaded; the opt-out reads through it', async () => {
    const outside = tempDir();
    const dir = copyOfSeedReview();
    cleanup.push(outside, dir);
    copyFileSync(path.join(SEED_REVIEW, 'exports/social-care-online.csv'), path.join(outside, 'sco.csv'));
    mkdirSync(path.join(dir, 'linked'));
    symlinkSync(path.join(outside, 'sco.csv'), path.join(dir, 'linked/sco.csv'));
    const p = seed();
    p.sources[1].file = 'linked/sco.csv';
    writeFileSync(path.join(dir, 'litscreen.json'), JSON.stringify(p, null, 2));
    const err = await loadProtocol(dir).catch((e) => e);
    expect(err.exitCode).toBe(4);
    expect(err.details).toHaveLength(1);
    expect(err.details[0]).toMatch(/sources\[1\]\.file: "linked\/sco\.csv" is a link that leads outside the review folder/);
    p.allowPathsOutsideReview = true;
    writeFileSync(path.join(dir, 'litscreen.json'), JSON.stringify(p, null, 2));
    await expect(loadProtocol(dir)).resolves.toBeDefined();
  });

  it('with the opt-out, an absolute path is read as it is (not joined under the review folder)', async () => {
    const outside = tempDir();
    const dir = copyOfSeedReview();
    cleanup.push(outside, dir);
    copyFileSync(path.join(SEED_REVIEW, 'exports/social-care-online.csv'), path.join(outside, 'sco.csv'));
    const p = seed();
    p.allowPathsOutsideReview = true;
    p.sources[1].file = path.join(outside, 'sco.csv');
    writeFileSync(path.join(dir, 'litscreen.json'), JSON.stringify(p, null, 2));
    const review = await loadReview(dir);
    expect(review.sources[1].records).toHaveLength(192);
    expect(review.sources[1].file).toBe(path.join(outside, 'sco.csv'));
  });
});

describe('the JSON Schema', () => {
  it('documents the opt-out and the pinned study ids, and the seed review ships the current one', () => {
    const schema = protocolJsonSchema() as any;
    expect(schema.properties.allowPathsOutsideReview.description).toMatch(/outside the review folder/);
    expect(schema.properties.expected.properties.included_ids.type).toBe('array');
    expect(schema.properties.expected.properties.fulltext_excluded_ids.items.required).toEqual(['id', 'reason']);
    expect(readFileSync(path.join(REPO, 'fixtures/seed-review/litscreen.schema.json'), 'utf8')).toBe(JSON.stringify(schema, null, 2) + '\n');
  });
});
