import { loadReview, type LoadedReview } from '../io/review.js';
import { writeFileAtomic } from '../io/files.js';
import { usageError } from '../errors.js';
import { recordsToRis, recordsTable } from '../report/records.js';
import { writeTable, selectColumns } from '../report/spreadsheet.js';
import { xlsxWorkbook } from '../report/xlsx.js';
import type { ReviewRecord } from '../model/record.js';
import type { Stage } from '../model/decision.js';
import { reachedFullText, type Study } from '../core/review/derive.js';
import { isBlind } from '../core/screening/queue.js';
import { Option, type Command } from 'commander';
import { examples } from '../io/command.js';
import { out } from '../io/output.js';

export const EXPORT_FORMATS = ['ris', 'csv', 'tsv', 'xlsx', 'asreview'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STAGES = ['all', 'screened', 'included'] as const;

export interface ExportOptions {
  review: string;
  to: string;
  stage: string;
  output?: string;
  bom: boolean;
  /** Add each record's screening decisions: status, stage, final decision, reason, every reviewer's vote and note. */
  withDecisions?: boolean;
  /** Column headings to keep (CSV, TSV, XLSX), in this order. */
  columns?: string[];
}

export interface ExportResult {
  records: number;
  content: string | Uint8Array;
  output?: string;
}

/**
 * `litscreen export REVIEW --to ris|csv|tsv|xlsx|asreview [--stage all|screened|included]`: write
 * records back out for a reference manager or another tool. all = every record read, duplicates
 * included; screened = one record per study (the kept copy of each duplicate cluster); included =
 * the included studies. `--with-decisions` adds where each record stands; `asreview` is the CSV
 * ASReview LAB imports, with its `included` label column.
 */
export async function runExport(options: ExportOptions): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.to)) throw usageError(`--to must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (!(EXPORT_STAGES as readonly string[]).includes(options.stage)) throw usageError(`--stage must be one of ${EXPORT_STAGES.join(', ')}`);
  const format = options.to as ExportFormat;
  if (options.columns && (format === 'ris' || format === 'asreview')) throw usageError(`--columns picks columns of a table (csv, tsv, xlsx), not of ${format}`);
  const review = await loadReview(options.review);
  const { state } = review;
  let records: ReviewRecord[];
  if (options.stage === 'all') records = state.records;
  else if (options.stage === 'screened') records = state.studies.map((s) => s.record);
  else records = state.studies.filter((s) => s.status === 'included').map((s) => s.record);
  const decisions = options.withDecisions || format === 'asreview' ? decisionTable(review, records) : undefined;

  let content: string | Uint8Array;
  if (format === 'ris') {
    content = recordsToRis(records, decisions ? { notes: (r) => [decisions.note.get((r as ReviewRecord).id) ?? ''] } : {});
  } else if (format === 'asreview') {
    content = asreviewCsv(records, decisions!, options.bom);
  } else {
    let { header, rows } = recordsTable(records);
    if (decisions) {
      header = [...header, ...decisions.header];
      rows = rows.map((row, i) => [...row, ...decisions.rows[i]]);
    }
    if (options.columns) {
      const picked = selectColumns(header, rows, options.columns);
      if (picked.unknown.length) throw usageError(`--columns: no column ${picked.unknown.map((c) => `"${c}"`).join(', ')} in the export (it has: ${header.join(', ')})`);
      ({ header, rows } = picked);
    }
    content =
      format === 'xlsx'
        ? xlsxWorkbook(header, rows, { sheet: 'Records' })
        : writeTable([header, ...rows], { delimiter: format === 'tsv' ? '\t' : ',', bom: options.bom });
  }
  if (options.output && options.output !== '-') await writeFileAtomic(options.output, content);
  return { records: records.length, content, output: options.output };
}

const STAGE_LABEL: Record<Stage, string> = { 'title-abstract': 'title/abstract', 'full-text': 'full text' };

interface DecisionTable {
  header: string[];
  /** One row of decision cells per record, in the records' order. */
  rows: string[][];
  /** The RIS note per record id. */
  note: Map<string, string>;
  /** ASReview's label per record id: 1 passed title/abstract, 0 excluded there (or by a criterion), '' not decided. */
  label: Map<string, string>;
}

/** Where a study ended: the stage, the final decision there and its reason. */
function finalDecision(study: Study, fullTextReason: (id: string) => string): { stage: Stage; decision: string; reason: string } {
  switch (study.status) {
    case 'excluded-by-criterion':
      return { stage: 'title-abstract', decision: 'exclude', reason: `criterion ${study.failedCriterion!.id}: ${study.failedCriterion!.reason}` };
    case 'title-abstract-pending':
      return { stage: 'title-abstract', decision: 'pending', reason: '' };
    case 'title-abstract-conflict':
      return { stage: 'title-abstract', decision: 'conflict', reason: '' };
    case 'excluded-by-stopping-rule':
      // Nobody screened it, so it carries no ASReview label.
      return { stage: 'title-abstract', decision: 'stopped', reason: 'unscreened when screening stopped under the stopping rule' };
    case 'excluded-at-title-abstract':
      return { stage: 'title-abstract', decision: 'exclude', reason: study.titleAbstract.reason };
    case 'full-text-pending':
      return { stage: 'full-text', decision: 'pending', reason: '' };
    case 'full-text-conflict':
      return { stage: 'full-text', decision: 'conflict', reason: '' };
    case 'not-retrieved':
      return { stage: 'full-text', decision: 'not-retrieved', reason: '' };
    case 'excluded-at-full-text':
      return { stage: 'full-text', decision: 'exclude', reason: fullTextReason(study.fullText.reason) };
    case 'included':
      return { stage: 'full-text', decision: 'include', reason: '' };
  }
}

/**
 * The decision columns: status, stage, final decision, reason, then every reviewer's latest vote
 * and note at each stage. While a stage is blind (protocol `screening.blind`, votes still missing)
 * the votes there are not written: an export passed round would tell one reviewer another's.
 */
function decisionTable(review: LoadedReview, records: ReviewRecord[]): DecisionTable {
  const { state, protocol } = review;
  const labels = new Map(protocol.fullText.exclusionReasons.map((r) => [r.id, r.label]));
  const fullTextReason = (id: string) => labels.get(id) ?? id;
  const stages: Stage[] = ['title-abstract', 'full-text'];
  const reviewers = new Map<Stage, string[]>();
  for (const stage of stages) {
    const names = new Set<string>();
    for (const byReviewer of state.decisions.latest.get(stage)?.values() ?? []) for (const name of byReviewer.keys()) names.add(name);
    reviewers.set(stage, [...names].sort());
  }
  const blind = new Map(stages.map((st) => [st, isBlind(protocol, state, st)]));
  const header = ['study_id', 'status', 'stage', 'final_decision', 'reason'];
  for (const stage of stages) {
    for (const name of reviewers.get(stage)!) header.push(`${name}: ${STAGE_LABEL[stage]} vote`, `${name}: ${STAGE_LABEL[stage]} note`);
  }
  const rows: string[][] = [];
  const note = new Map<string, string>();
  const label = new Map<string, string>();
  for (const record of records) {
    const study = state.studyById.get(state.studyIdOf.get(record.id) ?? '');
    if (!study) {
      rows.push(header.map(() => ''));
      continue;
    }
    const final = finalDecision(study, fullTextReason);
    const row = [study.id, study.status, final.stage, final.decision, final.reason];
    for (const stage of stages) {
      const outcome = stage === 'title-abstract' ? study.titleAbstract : study.fullText;
      for (const name of reviewers.get(stage)!) {
        const vote = outcome.latestByReviewer.get(name);
        if (blind.get(stage)) row.push(vote ? 'hidden (blind)' : '', '');
        else row.push(vote ? (vote.reason ? `${vote.decision}: ${vote.reason}` : vote.decision) : '', vote?.note ?? '');
      }
    }
    rows.push(row);
    const where = final.decision === 'include' ? 'included' : `${final.decision} at ${STAGE_LABEL[final.stage]}`;
    note.set(record.id, `litscreen decision: ${where}${final.reason ? ` (${final.reason})` : ''}; status ${study.status}`);
    const passedTitleAbstract = reachedFullText(study.status);
    label.set(record.id, passedTitleAbstract ? '1' : final.stage === 'title-abstract' && final.decision === 'exclude' ? '0' : '');
  }
  return { header, rows, note, label };
}

/**
 * The CSV ASReview LAB imports: its column names (title, abstract, authors, keywords, year, doi,
 * url) and the `included` label, 1 for a record that passed title/abstract screening, 0 for one
 * excluded there or by a criterion, empty for one not yet decided. litscreen's id and final status
 * ride along; ASReview keeps columns it does not know.
 */
function asreviewCsv(records: ReviewRecord[], decisions: DecisionTable, bom: boolean): string {
  const header = ['title', 'abstract', 'authors', 'keywords', 'year', 'journal', 'doi', 'url', 'included', 'litscreen_id', 'litscreen_status'];
  const statusColumn = decisions.header.indexOf('status');
  const rows = records.map((r, i) => [
    r.title,
    r.abstract ?? '',
    r.authors.map((a) => (a.given ? `${a.family}, ${a.given}` : a.family)).join('; '),
    r.keywords.join('; '),
    r.year === undefined ? '' : String(r.year),
    r.journal ?? '',
    r.doi ?? '',
    r.url ?? '',
    decisions.label.get(r.id) ?? '',
    r.id,
    decisions.rows[i][statusColumn] ?? '',
  ]);
  return writeTable([header, ...rows], { bom });
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write the review\'s records back out as RIS, CSV, TSV, XLSX or ASReview CSV, for a reference manager or another tool')
    .argument('<review>', 'review folder')
    .addOption(new Option('--to <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .addOption(new Option('--stage <stage>', 'all records read, one per study (screened), or the included studies').choices([...EXPORT_STAGES]).default('screened'))
    .option('--with-decisions', 'add status, stage, final decision, reason and each reviewer\'s vote and note (RIS: as an N1 note)')
    .option('--columns <list>', 'CSV/TSV/XLSX: only these columns, in this order (comma-separated headings)')
    .option('-o, --output <file>', 'output file (default: standard output)')
    .option('--no-bom', 'CSV/TSV: leave out the UTF-8 byte-order mark (XLSX has none)')
    .addHelpText(
      'after',
      examples(
        'litscreen export fixtures/seed-review --to ris --stage included -o included.ris',
        'litscreen export . --to xlsx --with-decisions -o screening.xlsx',
        'litscreen export . --to asreview -o asreview.csv',
      ),
    )
    .action(async (review: string, opts: { to: string; stage: string; output?: string; bom: boolean; withDecisions?: boolean; columns?: string }) => {
      if (opts.to === 'xlsx' && (!opts.output || opts.output === '-') && process.stdout.isTTY) {
        throw usageError('an XLSX workbook is a binary file; give -o FILE.xlsx (or redirect standard output to a file)');
      }
      const columns = opts.columns === undefined ? undefined : opts.columns.split(',').map((s) => s.trim()).filter(Boolean);
      const result = await runExport({ review, to: opts.to, stage: opts.stage, output: opts.output, bom: opts.bom, withDecisions: opts.withDecisions, columns });
      if (opts.output && opts.output !== '-') out(`wrote ${result.records} records to ${opts.output}`);
      // A byte-order mark is for the file a spreadsheet opens, never for a person's terminal.
      else if (typeof result.content === 'string') process.stdout.write(process.stdout.isTTY ? result.content.replace(/^\uFEFF/, '') : result.content);
      else process.stdout.write(result.content);
    });
}
