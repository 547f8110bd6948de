#!/usr/bin/env node
/**
 * Kill test for the append-only decision logs: `npm run test:kill` (after `npm run build`).
 *
 * In a temp copy of fixtures/seed-review, with one log re-saved as Excel saves it (BOM, semicolons,
 * CRLF), it runs many `litscreen decide` processes and SIGKILLs each at a random moment, a few at a
 * time, while two writers run many decides each on that same log. Then it checks:
 *   - every decide that reported success (exit 0, or its success line printed) is in its log, once;
 *   - no torn row is read as a decision: each log parses, a torn last row is reported with its line;
 *   - no interleaved row: every row added is, cell for cell, one decide that was started, and a
 *     strict parser told only the log's own delimiter and line end reads every row with 5 cells;
 *   - what was in the logs before is unchanged, byte for byte.
 * Prints the figures; exits 1 when a check fails.
 *
 * Options: --kills N (300) --writers N (2) --per-writer N (50) --parallel N (3) --max-delay MS
 * (default: 0-400 ms, stretched to 1.3x the median time of a decide here and now, so that kills
 * also land in a decide's last moments, where it writes)
 * --seed N --json --keep (keep the temp review and print its path).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { seededRandom } from '../dist/core/random.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(REPO, 'bin/litscreen.js');
const COLUMNS = ['time', 'record_id', 'decision', 'reason', 'note'];

function options(argv) {
  const o = { kills: 300, writers: 2, perWriter: 50, parallel: 3, maxDelay: undefined, seed: Date.now() % 1_000_000, json: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const n = Number(argv[++i]);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${a} needs a number`);
      return n;
    };
    if (a === '--kills') o.kills = num();
    else if (a === '--writers') o.writers = num();
    else if (a === '--per-writer') o.perWriter = num();
    else if (a === '--parallel') o.parallel = Math.max(1, num());
    else if (a === '--max-delay') o.maxDelay = num();
    else if (a === '--seed') o.seed = num();
    else if (a === '--json') o.json = true;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** The project's seeded generator (mulberry32), so a run can be repeated with --seed. */
const random = seededRandom;

/** Run `litscreen args`; kill it with SIGKILL after `killAfter` ms when given. */
function run(args, killAfter) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', LITSCREEN_REVIEWER: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timer;
    if (killAfter !== undefined) timer = setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), killAfter);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A decide reports success by exiting 0; one killed after printing its success line counts too. */
const confirmed = (r) => r.code === 0 || /->\s*\S+\.csv/.test(r.stdout);

/** A note that needs quoting in any delimiter, sometimes across lines, tagged to find its row. */
function noteFor(tag, rnd) {
  const extra = rnd() < 0.5 ? '\nsecond line, with "quotes"' : '';
  return `[${tag}] because; of, "this"\tand that${extra}`;
}

async function main() {
  const o = options(process.argv.slice(2));
  if (!existsSync(path.join(REPO, 'dist/cli.js'))) throw new Error('dist/ is missing: run npm run build first');
  const { readLogTable, isIncompleteLastRow } = await import(path.join(REPO, 'dist/io/append-log.js'));
  const rnd = random(o.seed);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'litscreen-kill-'));
  cpSync(path.join(REPO, 'fixtures/seed-review'), dir, { recursive: true });

  // The shared log as European Excel saves it: BOM, semicolons, CRLF.
  const sharedLog = path.join(dir, 'decisions/title-abstract/first-author.csv');
  const rows = parse(readFileSync(sharedLog), { bom: true });
  const excel = '\ufeff' + rows.map((r) => r.map((c) => (/[;"\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(';')).join('\r\n') + '\r\n';
  writeFileSync(sharedLog, excel);
  // The other log does not exist yet: the first decide to get through creates it.
  const newLog = path.join(dir, 'decisions/title-abstract/killed.csv');
  const logs = [
    { file: sharedLog, reviewer: 'first-author', before: Buffer.from(excel, 'utf8'), rowsBefore: rows.length - 1, delimiter: ';', lineEnd: '\r\n' },
    { file: newLog, reviewer: 'killed', before: Buffer.alloc(0), rowsBefore: 0, delimiter: ',', lineEnd: '\n' },
  ];

  const listed = await run(['list', dir, '--stage', 'title-abstract', '--json']);
  if (listed.code !== 0) throw new Error(`litscreen list failed: ${listed.stderr}`);
  // Records a criterion excluded take no reviewer decision without --override: leave them out.
  const ids = JSON.parse(listed.stdout).filter((r) => r.status !== 'excluded-by-criterion').map((r) => r.id);
  if (ids.length === 0) throw new Error('no records to decide on');

  const attempts = new Map(); // tag -> {args, reviewer, id, decision, note, result}
  const decide = (tag, reviewer, killAfter) => {
    const id = ids[Math.floor(rnd() * ids.length)];
    const decision = rnd() < 0.5 ? 'include' : 'exclude';
    const note = noteFor(tag, rnd);
    const attempt = { tag, reviewer, id, decision, note, killAfter, result: undefined };
    attempts.set(tag, attempt);
    return run(['decide', dir, id, decision, '--stage', 'title-abstract', '--reviewer', reviewer, '--note', note], killAfter).then((r) => (attempt.result = r));
  };

  // How long one decide takes here, so the kills can reach its last moments, where it writes.
  const timing = await decide('timing', 'first-author');
  // Under load (the writers run meanwhile) a decide takes longer: follow the writers' own times.
  const durations = [timing.ms];
  let maxDelay = 0; // the largest bound used, for the figures
  const currentMaxDelay = () => {
    const median = [...durations].sort((x, y) => x - y)[Math.floor(durations.length / 2)];
    const bound = o.maxDelay ?? Math.max(400, Math.ceil(median * 1.3));
    maxDelay = Math.max(maxDelay, bound);
    return bound;
  };

  const writers = Array.from({ length: o.writers }, async (_, w) => {
    for (let j = 0; j < o.perWriter; j++) durations.push((await decide(`writer${w}-${j}`, 'first-author')).ms);
  });
  let next = 0;
  const killers = Array.from({ length: o.parallel }, async () => {
    while (next < o.kills) {
      const k = next++;
      await decide(`k${k}`, k % 2 === 0 ? 'killed' : 'first-author', Math.floor(rnd() * (currentMaxDelay() + 1)));
    }
  });
  const started = Date.now();
  await Promise.all([...writers, ...killers]);
  const seconds = (Date.now() - started) / 1000;

  // The checks.
  const all = [...attempts.values()];
  const killedRuns = all.filter((a) => a.result.signal === 'SIGKILL');
  const failures = [];
  const figures = {
    seed: o.seed,
    decideMs: timing.ms,
    maxDelayMs: maxDelay,
    seconds,
    started: all.length,
    killed: killedRuns.length,
    killedAfterConfirming: killedRuns.filter((a) => confirmed(a.result)).length,
    confirmed: all.filter((a) => confirmed(a.result)).length,
    writerRuns: all.filter((a) => a.tag.startsWith('writer')).length,
    writerConfirmed: all.filter((a) => a.tag.startsWith('writer') && confirmed(a.result)).length,
    exitedWithError: all.filter((a) => a.result.code !== null && a.result.code !== 0).length,
    rowsAdded: 0,
    recordedThoughKilled: 0,
    confirmedMissing: 0,
    duplicated: 0,
    interleavedOrForeign: 0,
    tornReported: 0,
    tornMisread: 0,
    strictParseFailures: 0,
    olderBytesChanged: 0,
    tempFilesLeft: 0,
  };
  const seen = new Map();
  for (const log of logs) {
    if (!existsSync(log.file)) continue;
    const bytes = readFileSync(log.file);
    if (!bytes.subarray(0, log.before.length).equals(log.before)) {
      figures.olderBytesChanged++;
      failures.push(`${log.file}: the bytes that were there before changed`);
    }
    let table;
    try {
      table = await readLogTable(log.file, COLUMNS);
    } catch (err) {
      if (!isIncompleteLastRow(err)) {
        failures.push(`${log.file}: does not read: ${err.message}`);
        continue;
      }
      // A torn last row is reported, not read: count it, drop that line, read the rest.
      figures.tornReported++;
      const text = bytes.toString('utf8');
      writeFileSync(log.file, text.slice(0, Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1));
      table = await readLogTable(log.file, COLUMNS);
    }
    try {
      const strict = parse(readFileSync(log.file), { bom: true, delimiter: log.delimiter, record_delimiter: log.lineEnd, relax_column_count: false });
      if (strict.some((r) => r.length !== COLUMNS.length)) throw new Error('a row without 5 cells');
    } catch (err) {
      figures.strictParseFailures++;
      failures.push(`${log.file}: a strict parse with its own delimiter and line end fails: ${err.message}`);
    }
    table.rows.slice(log.rowsBefore).forEach((row, i, added) => {
      // Every row after the seed review's own must be one decide's, cell for cell.
      figures.rowsAdded++;
      const tag = /^\[([^\]]+)\]/.exec(row.cells.note)?.[1];
      const attempt = tag === undefined ? undefined : attempts.get(tag);
      const exact = attempt && attempt.reviewer === log.reviewer && row.cells.record_id === attempt.id && row.cells.decision === attempt.decision && row.cells.note === attempt.note && !Number.isNaN(Date.parse(row.cells.time));
      if (!exact) {
        // The last row, of a decide that never confirmed: a torn write read as a decision.
        const torn = i === added.length - 1 && !(attempt && confirmed(attempt.result));
        if (torn) figures.tornMisread++;
        else figures.interleavedOrForeign++;
        failures.push(`${log.file}:${row.line}: ${torn ? 'a torn row read as a decision' : "a row that is no decide's own"}: ${JSON.stringify(row.cells)}`);
        return;
      }
      if (seen.has(tag)) {
        figures.duplicated++;
        failures.push(`${log.file}:${row.line}: ${tag} is in the log twice`);
      }
      seen.set(tag, row);
      if (!confirmed(attempt.result)) figures.recordedThoughKilled++;
    });
  }
  figures.tempFilesLeft = readdirSync(path.dirname(newLog)).filter((f) => f.endsWith('.tmp')).length;
  {
  }
  for (const a of all) {
    if (confirmed(a.result) && !seen.has(a.tag)) {
      figures.confirmedMissing++;
      failures.push(`${a.tag} (${a.reviewer} ${a.decision} ${a.id}) reported success but is not in the log`);
    }
    if (a.tag.startsWith('writer') && !confirmed(a.result)) failures.push(`writer ${a.tag} failed: ${a.result.stderr.trim()}`);
  }
  // The whole review still reads through the CLI.
  const verify = await run(['list', dir, '--stage', 'title-abstract', '--json']);
  if (verify.code !== 0) failures.push(`litscreen list fails afterwards: ${verify.stderr.trim()}`);
  figures.failures = failures.length;

  if (o.json) {
    console.log(JSON.stringify({ ...figures, problems: failures.slice(0, 20) }, null, 2));
  } else {
    const line = (label, value) => console.log(`${label.padEnd(48)} ${value}`);
    console.log(`kill test: ${figures.started} decides (${o.kills} killed at random 0-${maxDelay} ms, ${o.parallel} at a time; ${o.writers} writers x ${o.perWriter} on one log), seed ${o.seed}, ${seconds.toFixed(1)} s`);
    line('one decide takes (ms)', figures.decideMs);
    line('killed by SIGKILL', figures.killed);
    line('  of which had already reported success', figures.killedAfterConfirming);
    line('reported success (confirmed)', figures.confirmed);
    line('writer decides confirmed', `${figures.writerConfirmed} / ${figures.writerRuns}`);
    line('rows added to the logs', figures.rowsAdded);
    line('  recorded though killed before confirming', figures.recordedThoughKilled);
    line('confirmed but missing from the log', figures.confirmedMissing);
    line('rows interleaved or not a decide\'s own', figures.interleavedOrForeign);
    line('rows twice', figures.duplicated);
    line('torn last rows reported', figures.tornReported);
    line('torn rows read as a decision', figures.tornMisread);
    line('strict-parse failures (own delimiter/line end)', figures.strictParseFailures);
    line('earlier bytes changed', figures.olderBytesChanged);
    line('temp files left by killed log creations', figures.tempFilesLeft);
    for (const f of failures.slice(0, 20)) console.log(`FAIL ${f}`);
    console.log(failures.length === 0 ? 'kill test passed' : `kill test FAILED: ${failures.length} problem(s)`);
  }
  if (o.keep) console.error(`review kept at ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(`kill test: ${err.message}`);
  process.exitCode = 2;
});
