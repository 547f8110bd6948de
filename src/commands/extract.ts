import { stringify } from 'csv-stringify/sync';
import { loadReview, readExtractionRows } from '../io/review.js';
import { writeFileAtomic } from '../io/files.js';
import { buildExtractionTable, type ExtractionProblem } from '../core/review/extraction.js';
import { usageError } from '../errors.js';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../io/command.js';
import { examples } from '../io/command.js';
import { out, err, json, style } from '../io/output.js';
import { ExitCode, formatLocated } from '../errors.js';

export interface ExtractOptions {
  review: string;
  /** Output file; '-' or undefined writes to stdout. */
  output?: string;
  bom: boolean;
  format: 'csv' | 'tsv';
}

export interface ExtractResult {
  ok: boolean;
  header: string[];
  rows: string[][];
  problems: ExtractionProblem[];
  extractionFile: string;
  /** The bytes written (or to write to stdout). */
  content: string;
}

const BOM = '\uFEFF';

/**
 * `litscreen extract REVIEW -o table.csv`: the data-extraction table of the included studies.
 * UTF-8 with a byte-order mark by default, because Excel otherwise reads UTF-8 as Windows-1252
 * and mangles diacritics and en dashes.
 */
export async function runExtract(options: ExtractOptions): Promise<ExtractResult> {
  if (options.format !== 'csv' && options.format !== 'tsv') throw usageError(`--format must be csv or tsv (got "${options.format}")`);
  const review = await loadReview(options.review);
  const extraction = await readExtractionRows(options.review);
  const included = review.state.studies
    .filter((s) => s.status === 'included')
    .map((s) => ({ id: s.id, members: s.memberIds.map((id) => review.state.recordById.get(id)!) }));
  const table = buildExtractionTable(
    review.protocol.extraction.fields,
    included,
    { columns: extraction.columns, rows: extraction.rows },
    (id) => review.state.studyIdOf.get(id),
  );
  const body = stringify([table.header, ...table.rows], {
    delimiter: options.format === 'tsv' ? '\t' : ',',
    record_delimiter: 'windows', // CRLF: what spreadsheets write and expect
  });
  const content = (options.bom ? BOM : '') + body;
  // A table with problems is not written: a half-valid file is easy to mistake for the real one.
  const ok = table.problems.length === 0;
  if (ok && options.output && options.output !== '-') await writeFileAtomic(options.output, content);
  return {
    ok,
    header: table.header,
    rows: table.rows,
    problems: table.problems,
    extractionFile: extraction.file,
    content,
  };
}

export function register(program: Command, context: CommandContext): void {
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
      if (!result.ok) context.setExitCode(ExitCode.checkFailed);
      if (opts.json) return json({ ok: result.ok, header: result.header, rows: result.rows, problems: result.problems });
      for (const p of result.problems) {
        err(style.bad('extract: ') + formatLocated(`${p.study}${p.field ? ` ${p.field}` : ''}: ${p.message}`, result.extractionFile, p.line));
      }
      if (!result.ok) err(`${result.problems.length} problem(s); no table written.`);
      else if (opts.output && opts.output !== '-') out(`wrote ${result.rows.length} studies to ${opts.output}`);
      // A byte-order mark is for the file a spreadsheet opens, never for a person's terminal.
      else process.stdout.write(process.stdout.isTTY ? result.content.replace(/^\uFEFF/, '') : result.content);
    });
}
