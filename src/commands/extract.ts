import { stringify } from 'csv-stringify/sync';
import { loadReview, readExtractionRows } from '../io/review.js';
import { writeFileAtomic } from '../io/files.js';
import { buildExtractionTable, type ExtractionProblem } from '../core/extraction.js';
import { usageError } from '../errors.js';

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
