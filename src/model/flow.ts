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
}
