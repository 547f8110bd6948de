import { loadReview } from '../io/review.js';
import { writeFileAtomic } from '../io/files.js';
import { usageError } from '../errors.js';
import { recordsToRis, recordsToCsv } from '../report/records.js';
import type { ReviewRecord } from '../model/record.js';

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
