import { criteriaReportedAsAutomation, type Flow } from '../../model/flow.js';

/**
 * Every count checked against its neighbours. A failure here means the tool lost or invented a
 * record somewhere upstream, which is a bug (exit 70), never a user error.
 */
export function flowImbalances(flow: Flow): string[] {
  const problems: string[] = [];
  const check = (label: string, left: number, right: number, formula: string) => {
    if (left !== right) problems.push(`${label}: ${left} != ${right} (${formula})`);
  };
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

  check('database_results', flow.database_results, sum(flow.database_specific_results), 'sum of database_specific_results');
  check(
    'database_results',
    flow.database_results,
    flow.duplicates + flow.excluded_automatic + flow.excluded_other + flow.records_screened,
    'duplicates + excluded_automatic + excluded_other + records_screened',
  );
  check(
    'records_excluded',
    flow.records_excluded,
    flow.records_excluded_by_reviewer + (criteriaReportedAsAutomation(flow) ? 0 : flow.records_excluded_by_criteria),
    'reviewer exclusions + criteria exclusions (unless reported as automation)',
  );
  check(
    'excluded_automatic',
    flow.excluded_automatic,
    (criteriaReportedAsAutomation(flow) ? flow.records_excluded_by_criteria : 0) + (flow.title_abstract_stopped ?? 0),
    'criteria exclusions reported as automation + records left when screening stopped under the stopping rule',
  );
  check('records_excluded', flow.records_excluded, sum(flow.records_excluded_reasons), 'sum of records_excluded_reasons');
  check('records_excluded_by_criteria', flow.records_excluded_by_criteria, sum(flow.records_excluded_criteria_reasons), 'sum of criteria reasons');
  check('records_excluded_by_reviewer', flow.records_excluded_by_reviewer, sum(flow.records_excluded_reviewer_reasons), 'sum of reviewer reasons');
  check(
    'records_screened',
    flow.records_screened,
    flow.records_excluded + flow.dbr_sought_reports + flow.title_abstract_pending + flow.title_abstract_conflicts,
    'records_excluded + dbr_sought_reports + pending + conflicts at title/abstract',
  );
  check(
    'dbr_sought_reports',
    flow.dbr_sought_reports,
    flow.dbr_notretrieved_reports + flow.dbr_assessed + flow.full_text_pending + flow.full_text_conflicts,
    'dbr_notretrieved_reports + dbr_assessed + pending + conflicts at full text',
  );
  check('dbr_excluded_total', flow.dbr_excluded_total, sum(flow.dbr_excluded), 'sum of dbr_excluded');
  check('dbr_assessed', flow.dbr_assessed, flow.dbr_excluded_total + flow.new_studies, 'dbr_excluded_total + new_studies');
  return problems;
}
