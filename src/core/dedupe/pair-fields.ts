import type { ReviewRecord } from '../../model/record.js';
import { formatAuthors } from '../review/extraction.js';

/** The fields shown side by side for a pair, in the order a reviewer compares them. */
export const PAIR_FIELDS: [string, (r: ReviewRecord) => string][] = [
  ['title', (r) => r.title],
  ['authors', (r) => formatAuthors(r.authors)],
  ['year', (r) => (r.year === undefined ? '' : String(r.year))],
  ['journal', (r) => r.journal ?? ''],
  ['volume', (r) => r.volume ?? ''],
  ['issue', (r) => r.issue ?? ''],
  ['pages', (r) => (r.startPage ? `${r.startPage}${r.endPage ? '-' + r.endPage : ''}` : '')],
  ['doi', (r) => r.doi ?? ''],
  ['type', (r) => r.type],
  ['source', (r) => `${r.database}, ${r.source.file}:${r.source.line}`],
];
