import { writeTable } from './spreadsheet.js';
import type { Flow } from '../model/flow.js';
import { sortedByCount, stoppedLabel } from './flow-text.js';

export { flowText, stoppedLabel } from './flow-text.js';

/**
 * The flow as CSV rows `data,node,box,count` for spreadsheets; `data` holds the PRISMA2020 template
 * key, `box` the label, so it can be pasted into the PRISMA2020 app's template.
 */
export function flowCsv(flow: Flow): string {
  const rows: (string | number)[][] = [['data', 'box', 'count']];
  const scalar = (key: keyof Flow, label: string) => rows.push([key, label, flow[key] as number]);
  scalar('database_results', 'Records identified from databases');
  for (const [db, n] of Object.entries(flow.database_specific_results)) rows.push(['database_specific_results', db, n]);
  scalar('duplicates', 'Duplicate records removed');
  scalar('excluded_automatic', 'Records marked as ineligible by automation tools');
  if (flow.title_abstract_stopped !== undefined) rows.push(['title_abstract_stopped', `Records ${stoppedLabel(flow)}`, flow.title_abstract_stopped]);
  scalar('excluded_other', 'Records removed for other reasons');
  scalar('records_screened', 'Records screened');
  scalar('records_excluded', 'Records excluded');
  for (const [reason, n] of Object.entries(flow.records_excluded_reasons)) rows.push(['records_excluded_reasons', reason, n]);
  scalar('records_excluded_by_criteria', 'Records excluded by a-priori criteria');
  for (const [reason, n] of Object.entries(flow.records_excluded_criteria_reasons)) rows.push(['records_excluded_criteria_reasons', reason, n]);
  scalar('records_excluded_by_reviewer', 'Records excluded by reviewers');
  for (const [reason, n] of sortedByCount(flow.records_excluded_reviewer_reasons)) rows.push(['records_excluded_reviewer_reasons', reason, n]);
  scalar('title_abstract_pending', 'Records awaiting a title/abstract decision');
  scalar('title_abstract_conflicts', 'Records with conflicting title/abstract decisions');
  scalar('dbr_sought_reports', 'Reports sought for retrieval');
  scalar('dbr_notretrieved_reports', 'Reports not retrieved');
  scalar('full_text_pending', 'Reports awaiting a full-text decision');
  scalar('full_text_conflicts', 'Reports with conflicting full-text decisions');
  scalar('dbr_assessed', 'Reports assessed for eligibility');
  scalar('dbr_excluded_total', 'Reports excluded');
  for (const [reason, n] of Object.entries(flow.dbr_excluded)) rows.push(['dbr_excluded', reason, n]);
  scalar('new_studies', 'Studies included in review');
  return writeTable(rows, { lineEnding: 'lf' });
}
