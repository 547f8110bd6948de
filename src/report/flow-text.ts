import { criteriaReportedAsAutomation, type Flow } from '../model/flow.js';

/**
 * The flow as a reviewer reads it. Apart from the CSV writer (report/flow.ts) so that `flow` in its
 * default text format does not load csv-stringify (eight modules).
 */

/**
 * Largest first, then by name: free-text reviewer reasons have no natural order. Names compare in
 * English collation, named, not in the machine's locale (LANG), so the same review gives the same
 * bytes on every machine.
 */
export function sortedByCount(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'en'));
}

/** The records left when screening stopped, with the rule, when and who, e.g. for the automation line. */
export function stoppedLabel(flow: Flow): string {
  const sample = flow.stopping_sample ? `; ${flow.stopping_sample}` : '';
  return `unscreened when screening stopped under the stopping rule (${flow.stopping_rule}${sample}; ${flow.stopped_at}, ${flow.stopped_by})`;
}

/** The flow as the text a reviewer reads, PRISMA 2020 box by box. */
export function flowText(flow: Flow, title: string): string {
  const rows: [number, string, number | string][] = [];
  const add = (indent: number, label: string, n: number | string) => rows.push([indent, label, n]);
  const heading = (label: string) => rows.push([0, label, '']);

  heading('Identification');
  add(1, 'Records identified from databases', flow.database_results);
  for (const [db, n] of Object.entries(flow.database_specific_results)) add(2, db, n);
  add(1, 'Records removed before screening:', '');
  add(2, 'Duplicate records removed', flow.duplicates);
  add(2, 'Records marked as ineligible by automation tools', flow.excluded_automatic);
  if (flow.title_abstract_stopped !== undefined) add(3, stoppedLabel(flow), flow.title_abstract_stopped);
  add(2, 'Records removed for other reasons', flow.excluded_other);
  heading('Screening');
  add(1, 'Records screened (title/abstract)', flow.records_screened);
  add(1, 'Records excluded', flow.records_excluded);
  if (!criteriaReportedAsAutomation(flow)) {
    add(2, 'by a-priori criteria', flow.records_excluded_by_criteria);
    for (const [reason, n] of Object.entries(flow.records_excluded_criteria_reasons)) add(3, reason, n);
  }
  add(2, 'by reviewers', flow.records_excluded_by_reviewer);
  for (const [reason, n] of sortedByCount(flow.records_excluded_reviewer_reasons)) add(3, reason, n);
  if (flow.records_criteria_overridden) add(1, 'Records a criterion excluded, included by a reviewer (override)', flow.records_criteria_overridden);
  if (flow.title_abstract_pending) add(1, 'Records awaiting a title/abstract decision', flow.title_abstract_pending);
  if (flow.title_abstract_conflicts) add(1, 'Records with conflicting title/abstract decisions', flow.title_abstract_conflicts);
  add(1, 'Reports sought for retrieval', flow.dbr_sought_reports);
  add(1, 'Reports not retrieved', flow.dbr_notretrieved_reports);
  if (flow.full_text_pending) add(1, 'Reports awaiting a full-text decision', flow.full_text_pending);
  if (flow.full_text_conflicts) add(1, 'Reports with conflicting full-text decisions', flow.full_text_conflicts);
  add(1, 'Reports assessed for eligibility', flow.dbr_assessed);
  add(1, 'Reports excluded', flow.dbr_excluded_total);
  for (const [reason, n] of Object.entries(flow.dbr_excluded)) add(2, reason, n);
  heading('Included');
  add(1, 'Studies included in review', flow.new_studies);

  const labelWidth = Math.max(...rows.map(([indent, label]) => indent * 2 + label.length));
  const numberWidth = Math.max(...rows.map(([, , n]) => String(n).length));
  const lines = rows.map(([indent, label, n]) => {
    const text = '  '.repeat(indent) + label;
    return n === '' ? text : text.padEnd(labelWidth + 2) + String(n).padStart(numberWidth);
  });
  return [`PRISMA 2020 flow: ${title}`, '', ...lines].join('\n');
}
