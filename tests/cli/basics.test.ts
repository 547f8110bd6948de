import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { litscreen, tempDir, removeDir, copyOfSeedReview, SEED_REVIEW, REPO } from '../helpers/cli.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

const COMMANDS = ['init', 'import', 'dedupe', 'list', 'show', 'decide', 'flow', 'verify', 'extract', 'export'];

describe('help and version', () => {
  it('--version prints the package version', () => {
    const run = litscreen(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
  it('--help lists every command', () => {
    const run = litscreen(['--help']);
    expect(run.status).toBe(0);
    for (const c of COMMANDS) expect(run.stdout).toContain(c);
  });
  for (const c of COMMANDS) {
    it(`${c} --help shows an example`, () => {
      const run = litscreen([c, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Examples:');
      expect(run.stdout).toContain(`litscreen ${c}`);
    });
  }
  it('an unknown option is a usage error (exit 2)', () => {
    const run = litscreen(['flow', SEED_REVIEW, '--frobnicate']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown option');
  });
  it('an unknown command is a usage error (exit 2)', () => {
    expect(litscreen(['screenify']).status).toBe(2);
  });
});

describe('init', () => {
  it('writes a protocol that validates, with a $schema generated from the zod schema', () => {
    const dir = path.join(tempDir(), 'review');
    cleanup.push(path.dirname(dir));
    const run = litscreen(['init', dir]);
    expect(run.status, run.stderr).toBe(0);
    const protocol = JSON.parse(readFileSync(path.join(dir, 'litscreen.json'), 'utf8'));
    expect(protocol.$schema).toBe('./litscreen.schema.json');
    const schema = JSON.parse(readFileSync(path.join(dir, 'litscreen.schema.json'), 'utf8'));
    expect(schema.properties.sources.type).toBe('array');
    expect(existsSync(path.join(dir, 'decisions/title-abstract'))).toBe(true);
    // A second init refuses to overwrite the reviewer's protocol.
    expect(litscreen(['init', dir]).status).toBe(2);
  });
});

describe('a bad protocol exits 4 with the JSON path', () => {
  const cases: [string, (p: Record<string, any>) => void, RegExp][] = [
    ['a missing field', (p) => delete p.sources[0].file, /sources\[0\]: missing required key "file"/],
    ['a wrong type', (p) => (p.deduplication.yearTolerance = 'one'), /deduplication\.yearTolerance/],
    ['an unknown key', (p) => (p.sources[0].fiel = 'x'), /sources\[0\].*fiel/],
    ['a criterion that does not parse', (p) => (p.titleAbstract.criteria[0].query = '"service user* AND (educat*'), /criteria\[0\]\.query.*column/],
    ['a duplicated reason id', (p) => p.fullText.exclusionReasons.push({ ...p.fullText.exclusionReasons[0] }), /used twice/],
  ];
  for (const [name, breakIt, message] of cases) {
    it(name, () => {
      const dir = copyOfSeedReview();
      cleanup.push(dir);
      const file = path.join(dir, 'litscreen.json');
      const protocol = JSON.parse(readFileSync(file, 'utf8'));
      breakIt(protocol);
      writeFileSync(file, JSON.stringify(protocol, null, 2));
      const run = litscreen(['flow', dir]);
      expect(run.status).toBe(4);
      expect(run.stderr).toMatch(/litscreen\.json:\d+: /);
      expect(run.stderr).toMatch(/litscreen\.json:\d+:\d+: /); // each problem with its line and column
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    });
  }
  it('JSON that does not parse', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    writeFileSync(path.join(dir, 'litscreen.json'), '{\n  "title": "x",\n  oops\n}');
    const run = litscreen(['verify', dir]);
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(/litscreen\.json:3:3: not valid JSON/);
  });
});

describe('unreadable input exits 3 with file:line', () => {
  it('a review folder that does not exist', () => {
    const run = litscreen(['flow', 'no/such/review']);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('no/such/review');
  });
  it('a missing export file', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    removeDir(path.join(dir, 'exports/social-care-online.csv'));
    const run = litscreen(['flow', dir]);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/social-care-online\.csv: no such file/);
  });
  it('an export in no known format', () => {
    const dir = tempDir({ 'notes.txt': 'Dear colleague,\nplease find attached my notes.\n' });
    cleanup.push(dir);
    const run = litscreen(['import', path.join(dir, 'notes.txt')]);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/notes\.txt:1: /);
  });
  it('an empty export', () => {
    const dir = tempDir({ 'empty.ris': '' });
    cleanup.push(dir);
    const run = litscreen(['import', path.join(dir, 'empty.ris')]);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/empty/);
  });
  it('a CSV without a title column', () => {
    const dir = tempDir({ 'x.csv': 'Name,Colour\nAnna,red\n' });
    cleanup.push(dir);
    const run = litscreen(['import', '--format', 'csv', path.join(dir, 'x.csv')]);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/x\.csv:1: .*title/);
  });
  it('a decision log with a bad decision names its line', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    writeFileSync(path.join(dir, 'decisions/title-abstract/zed.csv'), 'time,record_id,decision,reason,note\n2018-01-01T00:00:00Z,psycinfo:1,perhaps,,\n');
    const run = litscreen(['flow', dir]);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/zed\.csv:2: decision "perhaps"/);
  });
});

describe('import', () => {
  it('reads the seed exports and accounts for every record', () => {
    const run = litscreen(['import', '--json', ...['psycinfo-ovid.ris', 'social-care-online.csv', 'social-services-abstracts.ris'].map((f) => path.join(SEED_REVIEW, 'exports', f))]);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.files.map((f: { records: number }) => f.records)).toEqual([268, 192, 205]);
    expect(result.records).toHaveLength(665);
    expect(result.files[2].warnings.length).toBeGreaterThan(0);
  });
});

describe('import, as a person reads it', () => {
  it('prints a table per file and each warning as file:line: message', () => {
    const run = litscreen(['import', path.join(SEED_REVIEW, 'exports/social-services-abstracts.ris')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/social-services-abstracts\.ris\s+ris\s+proquest\s+205/);
    expect(run.stderr).toMatch(/social-services-abstracts\.ris:\d+: record starting at line \d+ has no ER at end of file; kept/);
  });
});

describe('standard input', () => {
  it('import - reads an export piped in', () => {
    const run = spawnSync(process.execPath, [path.join(REPO, 'bin/litscreen.js'), 'import', '--json', '-'], {
      input: readFileSync(path.join(SEED_REVIEW, 'exports/social-care-online.csv')),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).files[0]).toMatchObject({ file: '-', format: 'csv', dialect: 'social-care-online', records: 192 });
  });
});

describe('show and list', () => {
  it('list --stage included lists the 11 included studies', () => {
    const rows = JSON.parse(litscreen(['list', SEED_REVIEW, '--stage', 'included', '--json']).stdout);
    expect(rows).toHaveLength(11);
  });
  it('list --pending is empty for the finished seed review', () => {
    const run = litscreen(['list', SEED_REVIEW, '--stage', 'title-abstract', '--pending', '--json']);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });
  it('show prints a removed duplicate with its cluster and decisions', () => {
    const duplicates = JSON.parse(litscreen(['list', SEED_REVIEW, '--stage', 'duplicates', '--json']).stdout) as { id: string; detail: string }[];
    expect(duplicates).toHaveLength(84);
    const run = litscreen(['show', SEED_REVIEW, duplicates[0].id, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const shown = JSON.parse(run.stdout);
    expect(shown.cluster.length).toBeGreaterThan(1);
    expect(shown.cluster.find((m: { id: string }) => m.id === duplicates[0].id).kept).toBe(false);
  });
  it('show of an unknown id is a usage error', () => {
    expect(litscreen(['show', SEED_REVIEW, 'nope:1']).status).toBe(2);
  });
});

describe('colour', () => {
  const ESC = '\u001b[';
  it('FORCE_COLOR asks for colour even in a pipe', () => {
    expect(litscreen(['verify', SEED_REVIEW], { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).toContain(ESC);
  });
  it('NO_COLOR and --no-color win', () => {
    expect(litscreen(['verify', SEED_REVIEW], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
    expect(litscreen(['--no-color', 'verify', SEED_REVIEW], { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
  });
});
