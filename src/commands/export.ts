import { loadReview } from '../io/review.js';
import { writeFileAtomic } from '../io/files.js';
import { usageError } from '../errors.js';
import { recordsToRis, recordsToCsv } from '../report/records.js';
import type { ReviewRecord } from '../model/record.js';
import { Option, type Command } from 'commander';
import { examples } from '../io/command.js';
import { out } from '../io/output.js';

export const EXPORT_FORMATS = ['ris', 'csv'] as const;
export const EXPORT_STAGES = ['all', 'screened', 'included'] as const;

export interface ExportOptions {
  review: string;
  to: string;
  stage: string;
  output?: string;
  bom: boolean;
}

export interface ExportResult {
  records: number;
  content: string;
  output?: string;
}

/**
 * `litscreen export REVIEW --to ris|csv [--stage all|screened|included]`: write records back out
 * for a reference manager or another tool. all = every record read, duplicates included;
 * screened = one record per study (the kept copy of each duplicate cluster); included = the
 * included studies.
 */
export async function runExport(options: ExportOptions): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.to)) throw usageError(`--to must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (!(EXPORT_STAGES as readonly string[]).includes(options.stage)) throw usageError(`--stage must be one of ${EXPORT_STAGES.join(', ')}`);
  const review = await loadReview(options.review);
  const { state } = review;
  let records: ReviewRecord[];
  if (options.stage === 'all') records = state.records;
  else if (options.stage === 'screened') records = state.studies.map((s) => s.record);
  else records = state.studies.filter((s) => s.status === 'included').map((s) => s.record);
  const content = options.to === 'ris' ? recordsToRis(records) : recordsToCsv(records, { bom: options.bom });
  if (options.output && options.output !== '-') await writeFileAtomic(options.output, content);
  return { records: records.length, content, output: options.output };
}

export function register(program: Command): void {
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
      // A byte-order mark is for the file a spreadsheet opens, never for a person's terminal.
      else process.stdout.write(process.stdout.isTTY ? result.content.replace(/^\uFEFF/, '') : result.content);
    });
}
