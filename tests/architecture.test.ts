import { readdirSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir, removeDir } from './helpers/cli.js';

/**
 * The layout's rules, read off the source so they keep holding (docs/architecture.md):
 * commands -> io -> formats/core/report -> model/errors; src/cli.ts is a short registry that
 * loads a command only when it runs.
 */
const SRC = path.join(REPO, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports (static `from '…'` and dynamic `import('…')`), resolved to a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => path.relative(SRC, path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts'))));
}

const room = (rel: string) => (rel.includes('/') ? rel.split('/')[0] : rel.replace(/\.ts$/, ''));

describe('the layers', () => {
  const files = sourceFiles(SRC);
  const edges = files.flatMap((f) => importsOf(f).map((to) => ({ from: path.relative(SRC, f), to })));

  it('finds the imports it checks', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from.startsWith('commands/') && e.to.startsWith('io/'))).toBe(true);
  });

  it.each(['core', 'formats', 'report', 'model'])('nothing in src/%s imports from io, commands or cli', (lower) => {
    const upward = edges.filter((e) => room(e.from) === lower && ['io', 'commands', 'cli'].includes(room(e.to)));
    expect(upward).toEqual([]);
  });

  it('nothing in src/io imports from commands or cli', () => {
    expect(edges.filter((e) => room(e.from) === 'io' && ['commands', 'cli'].includes(room(e.to)))).toEqual([]);
  });

  it('the core touches no disk, clock-free modules aside: no node:fs, no process, no console', () => {
    const impure = files
      .filter((f) => path.relative(SRC, f).startsWith('core/'))
      .filter((f) => /from ['"]node:(fs|child_process|net|readline)|\bconsole\.|process\.(stdout|stderr|exit)/.test(readFileSync(f, 'utf8')));
    expect(impure.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});

describe('the command registry', () => {
  it('src/cli.ts is a short registry (under 120 lines)', () => {
    expect(readFileSync(path.join(SRC, 'cli.ts'), 'utf8').split('\n').length).toBeLessThan(120);
  });

  const commandFiles = readdirSync(path.join(SRC, 'commands')).filter((f) => f.endsWith('.ts'));
  it.each(commandFiles)('src/commands/%s holds its options, its run and its registration', (file) => {
    const text = readFileSync(path.join(SRC, 'commands', file), 'utf8');
    expect(text).toMatch(/export function register\(program: Command/);
    expect(text).toMatch(/\.command\('[a-z-]+'\)/);
    expect(text).toMatch(/export async function run[A-Z]\w*\(/);
  });

  it('every command module is listed in the registry', () => {
    const cli = readFileSync(path.join(SRC, 'cli.ts'), 'utf8');
    for (const file of commandFiles) expect(cli).toContain(`import('./commands/${file.replace(/\.ts$/, '.js')}')`);
  });

  /** Which of litscreen's built modules a run loads, seen through a module-resolution hook. */
  function modulesLoadedBy(args: string[]): string[] {
    const dir = tempDir({
      'hook.mjs': `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('/dist/')) process.stderr.write('LOADED ' + r.url + '\\n'); return r; }\n`,
    });
    try {
      const register = `data:text/javascript,import {register} from "node:module"; register(${JSON.stringify(pathToFileURL(path.join(dir, 'hook.mjs')).href)});`;
      const run = spawnSync(process.execPath, ['--import', register, path.join(REPO, 'bin/litscreen.js'), ...args], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      return [...run.stderr.matchAll(/LOADED (\S+)/g)].map((m) => m[1].replace(/^.*\/dist\//, ''));
    } finally {
      removeDir(dir);
    }
  }

  it('litscreen --version loads no command module', () => {
    const loaded = modulesLoadedBy(['--version']);
    expect(loaded).toContain('cli.js');
    expect(loaded.filter((m) => m.startsWith('commands/'))).toEqual([]);
  });

  it('a command loads only its own command module', () => {
    const loaded = modulesLoadedBy(['init', '--help']);
    expect(loaded.filter((m) => m.startsWith('commands/'))).toEqual(['commands/init.js']);
  });
});

