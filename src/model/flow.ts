/**
 * The PRISMA 2020 flow, keyed by the ids of the PRISMA2020 flow-diagram template
 * (Haddaway et al.'s PRISMA2020 R package / Shiny app), so the JSON can feed that tool directly.
 * Keys beyond the template (criteria/reviewer split, pending, conflicts) make the arithmetic checkable.
 */
export interface Flow {
  database_results: number;
  database_specific_results: Record<string, number>;
  duplicates: number;
  excluded_automatic: number;
  excluded_other: number;
  records_screened: number;
  records_excluded: number;
  records_excluded_reasons: Record<string, number>;
  records_excluded_by_criteria: number;
  /** Criteria exclusions per criterion reason (also when reported as automation). */
  records_excluded_criteria_reasons: Record<string, number>;
  records_excluded_by_reviewer: number;
  /** Reviewer exclusions per reason the reviewer gave (blank reasons counted together). */
  records_excluded_reviewer_reasons: Record<string, number>;
  /** Studies a criterion excluded that a reviewer's `override` brought back: human decisions, named. */
  records_criteria_overridden: number;
  title_abstract_pending: number;
  title_abstract_conflicts: number;
  dbr_sought_reports: number;
  dbr_notretrieved_reports: number;
  full_text_pending: number;
  full_text_conflicts: number;
  dbr_assessed: number;
  dbr_excluded: Record<string, number>;
  dbr_excluded_total: number;
  new_studies: number;
  /**
   * Present only once screening stopped under the protocol's stopping rule (a `stop` row): the
   * studies no reviewer had voted on at title/abstract, counted in excluded_automatic.
   */
  title_abstract_stopped?: number;
  /** The rule, in words, e.g. "stop after 100 consecutive irrelevant records and a random sample of 50 with no includes". */
  stopping_rule?: string;
  /** How the rule's random sample is known: drawn by litscreen and checked against the order log, or the reviewer's word. */
  stopping_sample?: string;
  /** When screening stopped (the time of the last reviewer's `stop` row that made it stop). */
  stopped_at?: string;
  /** The reviewer(s) whose `stop` rows count, comma-separated. */
  stopped_by?: string;
}

/** Whether the flow reports the a-priori criteria's exclusions as automation (the rest of excluded_automatic). */
export function criteriaReportedAsAutomation(flow: Flow): boolean {
  return flow.excluded_automatic - (flow.title_abstract_stopped ?? 0) > 0;
}
