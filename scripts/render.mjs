#!/usr/bin/env node
// Draws the seed review's PRISMA diagram and HTML report in headless Chromium and saves PNG
// screenshots under docs/, for a person to look at (npm run render). Needs the built CLI and
// Debian's chromium (apt-get install chromium); nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'bin/litscreen.js');
const review = process.argv[2] ?? path.join(repo, 'fixtures/seed-review');
const outDir = process.argv[3] ?? path.join(repo, 'docs');
const browser = process.env.CHROMIUM ?? 'chromium';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.error || r.status !== 0) {
    process.stderr.write(`${cmd} ${args.join(' ')}\n${r.error?.message ?? r.stderr}\n`);
    process.exit(1);
  }
  return r;
}

function screenshot(file, png, width, height) {
  const profile = mkdtempSync(path.join(tmpdir(), 'litscreen-render-'));
  try {
    run(browser, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      `--screenshot=${png}`,
      pathToFileURL(file).href,
    ]);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`wrote ${path.relative(repo, png)} (${width}x${height})`);
}

const work = mkdtempSync(path.join(tmpdir(), 'litscreen-render-out-'));
try {
  const svg = path.join(work, 'seed-review-prisma.svg');
  run(process.execPath, [cli, 'flow', review, '--format', 'svg', '-o', svg]);
  const text = readFileSync(svg, 'utf8');
  const [, w, h] = /<svg[^>]*width="([\d.]+)"[^>]*height="([\d.]+)"/.exec(text);
  // Twice the size, so the PNG is sharp; the SVG scales through its viewBox.
  const scale = 2;
  const page = path.join(work, 'diagram.html');
  writeFileSync(page, `<!doctype html><html><body style="margin:0;background:#fff"><img src="seed-review-prisma.svg" style="display:block;width:${w * scale}px;height:${h * scale}px"></body></html>`);
  screenshot(page, path.join(outDir, 'seed-review-prisma.png'), Math.ceil(w * scale), Math.ceil(h * scale));
  if (outDir === path.join(repo, 'docs')) copyFileSync(svg, path.join(outDir, 'seed-review-prisma.svg'));

  const report = path.join(work, 'report.html');
  const r = spawnSync(process.execPath, [cli, 'report', review, '-o', report], { encoding: 'utf8' });
  if (r.status === 0 || r.status === 1) screenshot(report, path.join(outDir, 'seed-review-report.png'), 1000, 4800);
  else process.stderr.write(`report: ${r.stderr}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
