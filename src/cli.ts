import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { LitscreenError, ExitCode } from './errors.js';
import { configureColor, out, err, json, table, style, truncate } from './io/output.js';
import { formatLocated } from './errors.js';
import { runInit } from './commands/init.js';
import { runImport } from './commands/import.js';
import { runDedupe, writeUncertain, readFilledPairs, appendResolutions } from './commands/dedupe.js';
import { reviewPairsInTerminal } from './io/pair-review.js';
import { loadReview } from './io/review.js';
import { usageError } from './errors.js';
import { checkReviewerName } from './commands/decide.js';
import { runList, LIST_STAGES } from './commands/list.js';
import { runShow } from './commands/show.js';
import { runDecide } from './commands/decide.js';
import { runFlow, FLOW_FORMATS, type FlowFormat } from './commands/flow.js';
import { runVerify } from './commands/verify.js';
import { runExtract } from './commands/extract.js';
import { runExport, EXPORT_FORMATS, EXPORT_STAGES } from './commands/export.js';
import { flowText, flowCsv } from './report/flow.js';
import { flowSvg } from './report/flow-svg.js';
import { writeFileAtomic } from './io/files.js';
import type { Warning } from './model/record.js';

/**
 * The command-line program: declares the commands, prints their results, and is the only place
 * that sets an exit code. Each command's logic lives in src/commands/<name>.ts and returns values.
 */

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** Exit code for the current run; set by a command whose check fails (verify, extract). */
let exitCode: number = ExitCode.ok;

function printWarnings(warnings: Warning[], limit = 20): void {
  for (const w of warnings.slice(0, limit)) err(style.warn('warning: ') + formatLocated(w.message, w.file, w.line));
  if (warnings.length > limit) err(style.warn(`warning: … and ${warnings.length - limit} more warnings (use --json to see them all)`));
}

/** Warnings of one kind together ("record starting at line N has no ER; kept"), with their lines. */
function groupWarnings(warnings: Warning[]): { pattern: string; lines: number[] }[] {
  const groups = new Map<string, number[]>();
  for (const w of warnings) {
    const pattern = w.message.replace(/\d+/g, 'N');
    (groups.get(pattern) ?? groups.set(pattern, []).get(pattern)!).push(w.line);
  }
  return [...groups].map(([pattern, lines]) => ({ pattern, lines }));
}

function examples(...lines: string[]): string {
  return '\nExamples:\n' + lines.map((l) => `  $ ${l}`).join('\n') + '\n';
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('litscreen')
    .description(
      'Screen the records of a systematic review from the terminal: import database exports, remove duplicates, ' +
        'apply a-priori criteria, record title/abstract and full-text decisions, and report the PRISMA 2020 flow.',
    )
    .version(VERSION, '-V, --version')
    .option('--no-color', 'plain output without colours (NO_COLOR is honoured too)')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride()
    .hook('preAction', (cmd) => configureColor(cmd.opts()))
    .addHelpText('after', examples('npx litscreen flow fixtures/seed-review', 'npx litscreen verify fixtures/seed-review', 'npx litscreen init my-review'));

  program
    .command('init')
    .description('create a review folder: a protocol (litscreen.json) to edit, its JSON Schema, and empty decision folders')
    .argument('<dir>', 'folder to create or fill')
    .option('--force', 'overwrite an existing litscreen.json')
    .addHelpText('after', examples('litscreen init my-review'))
    .action(async (dir: string, opts: { force?: boolean }) => {
      const result = await runInit({ dir, force: !!opts.force });
      for (const f of result.written) out(`wrote ${f}`);
      out(`\nNext: put your database exports in ${dir}/exports/ and edit ${dir}/litscreen.json.`);
    });

  program
    .command('import')
    .description('read database exports (RIS, CSV/TSV, MEDLINE/nbib, Ovid, Web of Science, EndNote, RefWorks, PubMed XML) without a review folder and count what they hold')
    .argument('<files...>', 'export files (- reads standard input)')
    .option('--format <name>', 'skip detection and read as this format (ris, csv, tsv, nbib, ovid, wos, refer, refworks, endnote-xml, pubmed-xml)')
    .option('--json', 'machine-readable output, including every normalised record')
    .addHelpText('after', examples('litscreen import exports/psycinfo.ris exports/sco.csv', 'litscreen import --json exports/*.ris > records.json'))
    .action(async (files: string[], opts: { format?: string; json?: boolean }) => {
      const result = await runImport({ files, format: opts.format });
      if (opts.json) return json(result);
      const pct = (n: number, of: number) => (of === 0 ? '-' : `${Math.round((100 * n) / of)}%`);
      out(
        table(
          [
            ['file', 'format', 'dialect', 'records', 'abstract', 'DOI', 'year', 'warnings'],
            ...result.files.map((f) => [
              f.file,
              f.format,
              f.dialect,
              String(f.records),
              pct(f.withAbstract, f.records),
              pct(f.withDoi, f.records),
              pct(f.withYear, f.records),
              String(f.warnings.length),
            ]),
          ],
          ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
        ),
      );
      out(`\n${result.records.length} records read from ${result.files.length} file(s).`);
      for (const f of result.files) {
        for (const group of groupWarnings(f.warnings)) {
          const lines = group.lines.slice(0, 8).join(', ') + (group.lines.length > 8 ? `, … (${group.lines.length - 8} more)` : '');
          err(`${style.warn('warning: ')}${f.file}: ${group.lines.length} × ${group.pattern} (line${group.lines.length > 1 ? 's' : ''} ${lines})`);
        }
      }
    });

  program
    .command('dedupe')
    .description('find duplicate records across databases and show which record absorbed which, and why')
    .argument('[review]', 'review folder')
    .option('--files <files...>', 'deduplicate these exports without a review folder')
    .option('--uncertain <file>', 'write the pairs too uncertain to merge automatically, side by side, to a CSV to fill in')
    .option('--resolve <file>', 'record the decisions filled into such a CSV (decision column: duplicate or distinct)')
    .option('--review', 'decide the uncertain pairs one by one in the terminal')
    .option('--reviewer <name>', 'who resolves pairs (default: $LITSCREEN_REVIEWER)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'litscreen dedupe fixtures/seed-review',
        'litscreen dedupe --files a.ris b.csv --json',
        'litscreen dedupe . --uncertain pairs.csv     # then fill in the decision column',
        'litscreen dedupe . --resolve pairs.csv --reviewer alice',
        'litscreen dedupe . --review --reviewer alice',
      ),
    )
    .action(async (review: string | undefined, opts: { files?: string[]; uncertain?: string; resolve?: string; review?: boolean; reviewer?: string; json?: boolean }) => {
      if ((opts.resolve || opts.review) && !review) throw usageError('--resolve and --review need a review folder');
      if (opts.resolve || opts.review) {
        const reviewer = opts.reviewer ?? process.env.LITSCREEN_REVIEWER;
        if (!reviewer) throw usageError('say who resolves: --reviewer NAME, or set LITSCREEN_REVIEWER');
        checkReviewerName(reviewer);
        const loaded = await loadReview(review!);
        const decided = opts.resolve
          ? await readFilledPairs(opts.resolve)
          : await reviewPairsInTerminal(loaded.state.dedupe.uncertain, loaded.state.recordById, { input: process.stdin, output: process.stdout });
        if (decided.length === 0) return out('no pairs resolved.');
        const file = await appendResolutions(loaded, reviewer, decided);
        const after = await runDedupe({ review });
        out(`${decided.length} pair(s) resolved by ${reviewer} -> ${file}`);
        out(`now ${after.counts.duplicates} duplicates, ${after.counts.unique} unique records, ${after.counts.uncertain} uncertain pair(s) left.`);
        return;
      }
      const report = await runDedupe({ review, files: opts.files });
      if (opts.uncertain) await writeUncertain(report, opts.uncertain);
      if (opts.json) {
        const { records: _records, ...rest } = report;
        return json(rest);
      }
      for (const c of report.clusters) {
        out(`${style.id(c.kept.id)} kept  ${style.dim(`${c.kept.file}:${c.kept.line}`)}  ${truncate(c.kept.title, 70)}`);
        for (const r of c.removed) out(`  ${style.id(r.id)} removed (${r.rule} with ${r.linkedTo}, score ${r.score.toFixed(2)})  ${style.dim(`${r.file}:${r.line}`)}`);
      }
      if (report.uncertain.length) {
        out(`\nUncertain pairs (not merged; decide with --review, or --uncertain FILE then --resolve FILE):`);
        for (const p of report.uncertain) out(`  ${style.id(p.a)} ~ ${style.id(p.b)}  score ${p.score.toFixed(2)}: ${p.reasons.join(', ')}`);
      }
      const c = report.counts;
      out(`\n${c.records} records, ${c.duplicates} duplicates removed in ${c.clusters} clusters, ${c.unique} unique, ${c.uncertain} uncertain pair(s).`);
      for (const [rule, n] of Object.entries(c.byRule)) out(`  ${rule}: ${n}`);
      if (report.blockedMerges.length) out(`${report.blockedMerges.length} merges blocked by guard rails (see --json).`);
      if (opts.uncertain) out(`wrote ${report.uncertain.length} uncertain pair(s) to ${opts.uncertain}`);
    });

  program
    .command('list')
    .description('list the studies at a stage, with where each stands')
    .argument('<review>', 'review folder')
    .addOption(new Option('--stage <stage>', 'which stage').choices([...LIST_STAGES]).default('title-abstract'))
    .option('--pending', 'only studies still waiting for a decision (or in conflict) at that stage')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('litscreen list fixtures/seed-review --stage full-text', 'litscreen list . --stage title-abstract --pending'))
    .action(async (review: string, opts: { stage: string; pending?: boolean; json?: boolean }) => {
      const rows = await runList({ review, stage: opts.stage, pending: !!opts.pending });
      if (opts.json) return json(rows);
      out(table([['id', 'status', 'detail', 'year', 'first author', 'title'], ...rows.map((r) => [r.id, r.status, r.detail, r.year, r.firstAuthor, truncate(r.title, 60)])]));
      out(`\n${rows.length} ${opts.pending ? 'pending ' : ''}record(s) at ${opts.stage}.`);
    });

  program
    .command('show')
    .description('show one record: its fields, where it came from, its duplicates, criteria results and decisions')
    .argument('<review>', 'review folder')
    .argument('<id>', 'record id, e.g. psycinfo:2016-12345-001')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('litscreen show fixtures/seed-review social-services-abstracts:1859305012'))
    .action(async (review: string, id: string, opts: { json?: boolean }) => {
      const s = await runShow({ review, id });
      if (opts.json) return json(s);
      const r = s.record;
      out(style.heading(r.title || '(no title)'));
      out(r.authors.map((a) => (a.given ? `${a.family}, ${a.given}` : a.family)).join('; '));
      out([r.journal, r.year, r.volume && `vol. ${r.volume}`, r.issue && `no. ${r.issue}`, r.startPage && `pp. ${r.startPage}${r.endPage ? '-' + r.endPage : ''}`].filter(Boolean).join(', '));
      if (r.doi) out(`doi: ${r.doi}`);
      out(`id: ${r.id}   type: ${r.type}${r.rawType ? ` (${r.rawType})` : ''}   language: ${r.language ?? '-'}`);
      out(`from: ${r.database}, ${r.source.file}:${r.source.line}`);
      out(`status: ${style.heading(s.status)}${s.studyId !== r.id ? ` (as part of study ${s.studyId})` : ''}`);
      if (r.abstract) out('\n' + r.abstract);
      if (s.cluster.length > 1) {
        out('\nDuplicate cluster:');
        for (const m of s.cluster) out(`  ${m.kept ? 'kept   ' : 'removed'} ${m.id} (${m.database}, ${m.file}:${m.line})${m.rule ? ` by ${m.rule} with ${m.linkedTo}${m.score !== undefined ? `, score ${m.score.toFixed(2)}` : ''}` : ''}`);
      }
      if (s.criteria.length) {
        out('\nCriteria:');
        for (const c of s.criteria) out(`  ${c.passed ? style.good('pass') : style.bad('fail')} ${c.id}${c.passed ? '' : `: ${c.reason}`}`);
      }
      for (const [stage, rows] of Object.entries(s.decisions)) {
        if (!rows.length) continue;
        out(`\nDecisions at ${stage} (history, latest per reviewer counts):`);
        for (const d of rows) out(`  ${d.time}  ${d.reviewer}: ${d.decision}${d.reason ? ` (${d.reason})` : ''}${d.note ? ` - ${d.note}` : ''}${d.recordId !== s.studyId ? ` [on ${d.recordId}]` : ''}`);
      }
    });

  program
    .command('decide')
    .description('record a decision in your own append-only log (decisions/<stage>/<reviewer>.csv)')
    .argument('<review>', 'review folder')
    .argument('<id>', 'record id (any copy of a duplicate cluster)')
    .argument('<decision>', 'include, exclude or not-retrieved')
    .requiredOption('--stage <stage>', 'title-abstract or full-text')
    .option('--reviewer <name>', 'who decides (default: $LITSCREEN_REVIEWER)')
    .option('--reason <reason>', 'exclusion reason; at full text one of the protocol\'s reason ids')
    .option('--note <text>', 'free note kept with the decision')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'litscreen decide . psycinfo:2016-12345-001 include --stage title-abstract --reviewer alice',
        'litscreen decide . psycinfo:2016-12345-001 exclude --stage full-text --reason not-empirical --reviewer alice',
      ),
    )
    .action(async (review: string, id: string, decision: string, opts: { stage: string; reviewer?: string; reason?: string; note?: string; json?: boolean }) => {
      const result = await runDecide({ review, id, decision, ...opts });
      for (const n of result.notices) err(style.warn('note: ') + n);
      if (opts.json) return json(result);
      out(`${result.reviewer}: ${result.decision}${result.reason ? ` (${result.reason})` : ''} ${result.studyId} at ${result.stage} -> ${result.logFile}`);
    });

  program
    .command('flow')
    .description('print the PRISMA 2020 flow counts, derived from the exports and decision logs')
    .argument('<review>', 'review folder')
    .option('--json', 'same as --format json: counts keyed by the PRISMA2020 template ids')
    .addOption(new Option('--format <format>', 'output format').choices([...FLOW_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write to a file instead of the terminal')
    .addHelpText('after', examples('litscreen flow fixtures/seed-review', 'litscreen flow fixtures/seed-review --json', 'litscreen flow . --format svg -o prisma.svg'))
    .action(async (review: string, opts: { json?: boolean; format: FlowFormat; output?: string }) => {
      const result = await runFlow({ review });
      printWarnings(result.warnings);
      const format: FlowFormat = opts.json ? 'json' : opts.format;
      const text =
        format === 'json'
          ? JSON.stringify(result.flow, null, 2) + '\n'
          : format === 'csv'
            ? flowCsv(result.flow)
            : format === 'svg'
              ? flowSvg(result.flow, result.title)
              : flowText(result.flow, result.title) + '\n';
      if (opts.output && opts.output !== '-') await writeFileAtomic(opts.output, text);
      else out(text);
    });

  program
    .command('verify')
    .description('recompute the flow and fail (exit 1) when a count drifts from the protocol\'s expected counts, or a decision is pending or in conflict')
    .argument('<review>', 'review folder')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('litscreen verify fixtures/seed-review && echo counts pinned'))
    .action(async (review: string, opts: { json?: boolean }) => {
      const result = await runVerify({ review });
      if (!result.ok) exitCode = ExitCode.checkFailed;
      if (opts.json) return json(result);
      if (result.ok) {
        const f = result.flow;
        out(style.good('ok: ') + `${f.database_results} identified, ${f.duplicates} duplicates, ${f.records_screened} screened, ${f.dbr_assessed} full texts assessed, ${f.new_studies} included; nothing pending.`);
      } else {
        for (const p of result.summary) err(style.bad('verify: ') + p);
        err(`${result.problems.length} problem(s).`);
      }
    });

  program
    .command('extract')
    .description('write the data-extraction table of the included studies (citation + protocol fields) for spreadsheets')
    .argument('<review>', 'review folder')
    .option('-o, --output <file>', 'output file (default: standard output)')
    .option('--no-bom', 'leave out the UTF-8 byte-order mark (kept by default so Excel shows diacritics)')
    .addOption(new Option('--format <format>', 'table format').choices(['csv', 'tsv']).default('csv'))
    .option('--json', 'machine-readable output (rows and problems)')
    .addHelpText('after', examples('litscreen extract fixtures/seed-review -o extraction-table.csv'))
    .action(async (review: string, opts: { output?: string; bom: boolean; format: 'csv' | 'tsv'; json?: boolean }) => {
      const result = await runExtract({ review, output: opts.output, bom: opts.bom, format: opts.format });
      if (!result.ok) exitCode = ExitCode.checkFailed;
      if (opts.json) return json({ ok: result.ok, header: result.header, rows: result.rows, problems: result.problems });
      for (const p of result.problems) {
        err(style.bad('extract: ') + formatLocated(`${p.study}${p.field ? ` ${p.field}` : ''}: ${p.message}`, result.extractionFile, p.line));
      }
      if (!result.ok) err(`${result.problems.length} problem(s); no table written.`);
      else if (opts.output && opts.output !== '-') out(`wrote ${result.rows.length} studies to ${opts.output}`);
      else process.stdout.write(result.content);
    });

  program
    .command('export')
    .description('write the review\'s records back out as RIS or CSV, for a reference manager or another tool')
    .argument('<review>', 'review folder')
    .addOption(new Option('--to <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .addOption(new Option('--stage <stage>', 'all records read, one per study (screened), or the included studies').choices([...EXPORT_STAGES]).default('screened'))
    .option('-o, --output <file>', 'output file (default: standard output)')
    .option('--no-bom', 'CSV only: leave out the UTF-8 byte-order mark')
    .addHelpText('after', examples('litscreen export fixtures/seed-review --to ris --stage included -o included.ris'))
    .action(async (review: string, opts: { to: string; stage: string; output?: string; bom: boolean }) => {
      const result = await runExport({ review, ...opts });
      if (opts.output && opts.output !== '-') out(`wrote ${result.records} records to ${opts.output}`);
      else process.stdout.write(result.content);
    });

  return program;
}

/** Entry point: run the program and turn every outcome into an exit code. The only place that exits. */
export async function main(argv: string[]): Promise<void> {
  // `litscreen ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(exitCode);
    throw e;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    process.exitCode = exitCode;
  } catch (e) {
    process.exitCode = exitCodeFor(e);
  }
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; commander already printed usage errors.
    return e.exitCode === 0 ? 0 : ExitCode.usage;
  }
  if (e instanceof LitscreenError) {
    err(`litscreen: ${e.format()}`);
    for (const d of e.details) err(d);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  err(`litscreen: internal error (a bug; please report it with the command you ran): ${message}`);
  if (process.env.LITSCREEN_DEBUG && e instanceof Error) err(e.stack ?? '');
  return ExitCode.internal;
}
