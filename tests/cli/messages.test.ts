import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, writeFileSync, appendFileSync, mkdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { litscreen, copyOfSeedReview, removeDir, tempDir, SEED_REVIEW, REPO, reviewWithOneUncertainPair } from '../helpers/cli.js';

/** Issue 8's small inconsistencies, each as a user would meet it. */
const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));
const scratch = () => {
  const dir = tempDir();
  cleanup.push(dir);
  return dir;
};

describe('flow', () => {
  it('-o says what it wrote', () => {
    const file = path.join(scratch(), 'prisma.svg');
    const run = litscreen(['flow', SEED_REVIEW, '--format', 'svg', '-o', file]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(`wrote the PRISMA flow (svg) to ${file}\n`);
    expect(readFileSync(file, 'utf8')).toContain('<svg');
  });

  it('refuses --json with --format csv (two outputs asked for)', () => {
    const run = litscreen(['flow', SEED_REVIEW, '--json', '--format', 'csv']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--json and --format csv');
    expect(run.stdout).toBe('');
  });

  it('-o pointing at a folder is a clear usage error, not a raw EISDIR', () => {
    const dir = scratch();
    const run = litscreen(['flow', SEED_REVIEW, '-o', dir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${dir}: is a folder`);
    expect(run.stderr).not.toMatch(/EISDIR|internal error/);
  });

  it('extract and export -o pointing at a folder say the same', () => {
    const dir = scratch();
    for (const args of [['extract', SEED_REVIEW, '-o', dir], ['export', SEED_REVIEW, '--to', 'ris', '-o', dir]]) {
      const run = litscreen(args);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('is a folder');
    }
  });
});

describe('init', () => {
  it('over a file says it is a file, not a raw ENOTDIR', () => {
    const dir = scratch();
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'x');
    const run = litscreen(['init', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}: is a file, not a folder`);
    expect(run.stderr).not.toMatch(/ENOTDIR|EEXIST|internal error/);
  });

  it('writes a template without example counts that would fail a new review', () => {
    const dir = path.join(scratch(), 'review');
    expect(litscreen(['init', dir]).status).toBe(0);
    const protocol = JSON.parse(readFileSync(path.join(dir, 'litscreen.json'), 'utf8'));
    expect(protocol.expected).toBeUndefined();
    for (const source of protocol.sources) expect(source.expectedRecords).toBeUndefined();
  });

  it('--example copies the seed review, so a walkthrough never edits the bundled fixture', () => {
    const dir = path.join(scratch(), 'my-copy');
    const run = litscreen(['init', '--example', dir]);
    expect(run.status, run.stderr).toBe(0);
    expect(litscreen(['verify', dir]).status).toBe(0);
    expect(existsSync(path.join(dir, 'generate.mjs'))).toBe(false);
    const again = litscreen(['init', '--example', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('is not empty');
  });
});

describe('import warnings', () => {
  it('print the line in the file:line: form, never a literal placeholder', () => {
    const file = path.join(SEED_REVIEW, 'exports/social-services-abstracts.ris');
    const run = litscreen(['import', file]);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`warning: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: record starting at line \\d+ has no ER`));
    expect(run.stderr).not.toMatch(/line N\b/);
  });

  it('show many warnings of one kind as a few lines and a count, each with its line', () => {
    const dir = scratch();
    // Thirty records without a title: thirty warnings of one kind.
    const ris = Array.from({ length: 30 }, (_, i) => `TY  - JOUR\nAU  - Author ${i}\nPY  - 2020\nER  - \n`).join('');
    writeFileSync(path.join(dir, 'a.ris'), ris);
    const run = litscreen(['import', path.join(dir, 'a.ris')]);
    expect(run.status).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^warning: .*a\.ris:1: /);
    expect(lines[5]).toMatch(/a\.ris: … and 25 more like the one above \(lines 21, 25, /);
    for (const line of lines) expect(line).toMatch(/^warning: .*a\.ris(:\d+)?: /);
  });
});

describe('list --stage duplicates --pending', () => {
  it('counts the uncertain pairs, not the records removed as duplicates', () => {
    const dir = reviewWithOneUncertainPair();
    cleanup.push(dir);
    const rows = JSON.parse(litscreen(['list', dir, '--stage', 'duplicates', '--pending', '--json']).stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe('uncertain-pair');
    expect(rows[0].id).toMatch(/^db:.* ~ db:/);
    expect(litscreen(['list', dir, '--stage', 'duplicates', '--pending']).stdout).toContain('1 uncertain pair(s) awaiting a decision');
    // Without --pending the stage still lists the records removed as duplicates (none here).
    expect(JSON.parse(litscreen(['list', dir, '--stage', 'duplicates', '--json']).stdout)).toHaveLength(0);
  });
});

describe('show', () => {
  it('lists the history in time order and shows a multi-line note whole', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const id = 'psycinfo:2017-14097-006';
    // A second reviewer's log whose row is older than the first reviewer's: time order puts it first.
    mkdirSync(path.join(dir, 'decisions/title-abstract'), { recursive: true });
    writeFileSync(
      path.join(dir, 'decisions/title-abstract/aaa-early.csv'),
      `time,record_id,decision,reason,note\n2000-01-01T00:00:00Z,${id},include,,"first line of the note\nsecond line of the note"\n`,
    );
    const run = litscreen(['show', dir, id]);
    expect(run.status, run.stderr).toBe(0);
    const history = run.stdout.slice(run.stdout.indexOf('Decisions at title-abstract'));
    const times = [...history.matchAll(/^ {2}(\d{4}-\d\d-\d\dT[\d:.]+Z)/gm)].map((m) => m[1]);
    expect(times.length).toBeGreaterThan(1);
    expect([...times].sort()).toEqual(times);
    expect(history).toContain('first line of the note');
    expect(history).toContain('second line of the note');
  });
});

describe('help', () => {
  it('every command\'s examples say `litscreen …`, never `npx litscreen …`', () => {
    const commands = ['', 'init', 'import', 'dedupe', 'list', 'show', 'decide', 'flow', 'verify', 'extract', 'export'];
    for (const name of commands) {
      const run = litscreen(name ? [name, '--help'] : ['--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('Examples:');
      expect(run.stdout).not.toContain('npx litscreen');
      for (const line of run.stdout.split('\n').filter((l) => l.startsWith('  $ '))) expect(line).toMatch(/^ {2}\$ litscreen /);
    }
  });
});

describe('a byte-order mark never reaches a terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('extract to a terminal has no BOM; to a pipe it keeps it', () => {
    const bin = path.join(REPO, 'bin/litscreen.js');
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${bin} extract ${SEED_REVIEW}`, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' } });
    expect(tty.status).toBe(0);
    expect(tty.stdout.includes(Buffer.from('\uFEFF'))).toBe(false);
    expect(tty.stdout.toString()).toContain('record_id');
    const piped = litscreen(['extract', SEED_REVIEW]);
    expect(piped.stdout.startsWith('\uFEFF')).toBe(true);
  });
});

describe('verify pins which studies, not only how many', () => {
  it('swapping an included study for an excluded one keeps every count but fails, naming both ids', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    expect(litscreen(['verify', dir]).status).toBe(0);
    const pinned = JSON.parse(readFileSync(path.join(dir, 'litscreen.json'), 'utf8')).expected;
    const included = pinned.included_ids[0];
    const excluded = pinned.fulltext_excluded_ids[0];
    // The first author excludes an included study and includes an excluded one; so does the second.
    for (const reviewer of ['first-author', 'second-reviewer']) {
      const log = path.join(dir, 'decisions/full-text', `${reviewer}.csv`);
      const text = readFileSync(log, 'utf8');
      const nl = text.includes('\r\n') ? '\r\n' : '\n';
      appendFileSync(log, `${text.endsWith(nl) ? '' : nl}2030-01-01T00:00:00Z,${included},exclude,${excluded.reason},${nl}2030-01-01T00:00:01Z,${excluded.id},include,,${nl}`);
    }
    const run = litscreen(['verify', dir, '--json']);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.flow.new_studies).toBe(pinned.new_studies);
    expect(result.flow.dbr_excluded_total).toBe(pinned.dbr_excluded_total);
    expect(result.problems.join('\n')).toContain(`included_ids: ${included} was pinned as included, now excluded-at-full-text`);
    expect(result.problems.join('\n')).toContain(`included_ids: ${excluded.id} is now included, but not pinned`);
  });

  it('--pin rewrites only the expected block, byte for byte elsewhere (CRLF and BOM kept)', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const file = path.join(dir, 'litscreen.json');
    const original = readFileSync(file, 'utf8');
    const protocol = JSON.parse(original);
    delete protocol.expected;
    const unpinned = '\uFEFF' + JSON.stringify(protocol, null, 4).replace(/\n/g, '\r\n') + '\r\n';
    writeFileSync(file, unpinned);
    const run = litscreen(['verify', dir, '--pin']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('11 included and 56 full-text-excluded studies');
    const after = readFileSync(file, 'utf8');
    expect(after.startsWith('\uFEFF')).toBe(true);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    // Everything before the new block is the file as it was.
    const cut = unpinned.lastIndexOf('\r\n}');
    expect(after.slice(0, cut)).toBe(unpinned.slice(0, cut));
    expect(JSON.parse(after.slice(1)).expected.included_ids).toHaveLength(11);
    expect(litscreen(['verify', dir]).status).toBe(0);
    expect(litscreen(['verify', dir, '--pin']).stdout).toContain('nothing changed');
  });

  it('--pin refuses (exit 1) while a record is pending, and leaves the protocol untouched', () => {
    const dir = copyOfSeedReview();
    cleanup.push(dir);
    const file = path.join(dir, 'litscreen.json');
    const before = readFileSync(file);
    // Retracting nothing is impossible, so make a study pending: a new reviewer disagrees at full text.
    const pinned = JSON.parse(before.toString()).expected;
    writeFileSync(path.join(dir, 'decisions/full-text/third.csv'), `time,record_id,decision,reason,note\n2030-01-01T00:00:00Z,${pinned.included_ids[0]},exclude,${pinned.fulltext_excluded_ids[0].reason},\n`);
    const run = litscreen(['verify', dir, '--pin']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not pinning');
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
