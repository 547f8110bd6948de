import { loadReview, readExtractionRows } from '../io/review.js';
import { writeFileAtomic } from '../io/files.js';
import { buildExtractionTable, type ExtractionProblem } from '../core/review/extraction.js';
import { writeTable, selectColumns } from '../report/spreadsheet.js';
import { xlsxWorkbook } from '../report/xlsx.js';
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
  format: 'csv' | 'tsv' | 'xlsx';
  /** Column headings to keep, in this order (as the table names them, any case). */
  columns?: string[];
}

export interface ExtractResult {
  ok: boolean;
  header: string[];
  rows: string[][];
  problems: ExtractionProblem[];
  extractionFile: string;
  /** The bytes written (or to write to stdout): text for CSV/TSV, a zip for XLSX. */
  content: string | Uint8Array;
}

export const EXTRACT_FORMATS = ['csv', 'tsv', 'xlsx'] as const;

/** "a, b,c" → ["a", "b", "c"]: the --columns list. */
export function parseColumnList(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw usageError('--columns needs at least one column name, e.g. --columns "record_id,title,Country"');
  return names;
}

/**
 * `litscreen extract REVIEW -o table.csv`: the data-extraction table of the included studies.
 * UTF-8 with a byte-order mark by default, because Excel otherwise reads UTF-8 as Windows-1252
 * and mangles diacritics and en dashes.
 */
export async function runExtract(options: ExtractOptions): Promise<ExtractResult> {
  if (!(EXTRACT_FORMATS as readonly string[]).includes(options.format)) throw usageError(`--format must be one of ${EXTRACT_FORMATS.join(', ')} (got "${options.format}")`);
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
  let { header, rows } = table;
  if (options.columns) {
    const picked = selectColumns(header, rows, options.columns);
    if (picked.unknown.length) throw usageError(`--columns: no column ${picked.unknown.map((c) => `"${c}"`).join(', ')} in the extraction table (it has: ${header.join(', ')})`);
    ({ header, rows } = picked);
  }
  const content =
    options.format === 'xlsx'
      ? xlsxWorkbook(header, rows, { sheet: 'Extraction' })
      : writeTable([header, ...rows], { delimiter: options.format === 'tsv' ? '\t' : ',', bom: options.bom });
  // A table with problems is not written: a half-valid file is easy to mistake for the real one.
  const ok = table.problems.length === 0;
  if (ok && options.output && options.output !== '-') await writeFileAtomic(options.output, content);
  return {
    ok,
    header,
    rows,
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
    .option('--no-bom', 'CSV/TSV: leave out the UTF-8 byte-order mark (kept by default so Excel shows diacritics; XLSX has none)')
    .addOption(new Option('--format <format>', 'table format').choices([...EXTRACT_FORMATS]).default('csv'))
    .option('--columns <list>', 'only these columns, in this order (comma-separated headings, e.g. "record_id,title,Country")')
    .option('--json', 'machine-readable output (rows and problems)')
    .addHelpText('after', examples('litscreen extract fixtures/seed-review -o extraction-table.csv', 'litscreen extract . --format xlsx -o extraction-table.xlsx', 'litscreen extract . --columns "record_id,authors,year,Country"'))
    .action(async (review: string, opts: { output?: string; bom: boolean; format: ExtractOptions['format']; columns?: string; json?: boolean }) => {
      refuseBinaryToTerminal(opts.format, opts.output, !!opts.json);
      const result = await runExtract({ review, output: opts.output, bom: opts.bom, format: opts.format, columns: parseColumnList(opts.columns) });
      if (!result.ok) context.setExitCode(ExitCode.checkFailed);
      if (opts.json) return json({ ok: result.ok, header: result.header, rows: result.rows, problems: result.problems });
      for (const p of result.problems) {
        err(style.bad('extract: ') + formatLocated(`${p.study}${p.field ? ` ${p.field}` : ''}: ${p.message}`, result.extractionFile, p.line));
      }
      if (!result.ok) err(`${result.problems.length} problem(s); no table written.`);
      else if (opts.output && opts.output !== '-') out(`wrote ${result.rows.length} studies to ${opts.output}`);
      // A byte-order mark is for the file a spreadsheet opens, never for a person's terminal.
      else if (typeof result.content === 'string') process.stdout.write(process.stdout.isTTY ? result.content.replace(/^\uFEFF/, '') : result.content);
      else process.stdout.write(result.content);
    });
}

/** An XLSX file is a zip: written to a file or a pipe, never onto a terminal. */
export function refuseBinaryToTerminal(format: string, output: string | undefined, json: boolean): void {
  if (format === 'xlsx' && !json && (!output || output === '-') && process.stdout.isTTY) {
    throw usageError('an XLSX workbook is a binary file; give -o FILE.xlsx (or redirect standard output to a file)');
  }
}
