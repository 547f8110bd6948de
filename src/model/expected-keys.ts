/**
 * The keys of the protocol's `expected` block, apart from its zod schema (model/protocol.ts), so
 * that `verify` on a warm cache compares counts without loading zod.
 */

export const EXPECTED_COUNT_KEYS = [
  'database_results',
  'duplicates',
  'excluded_automatic',
  'excluded_other',
  'records_screened',
  'records_excluded',
  'dbr_sought_reports',
  'dbr_notretrieved_reports',
  'dbr_assessed',
  'dbr_excluded_total',
  'new_studies',
] as const;

/** Keys of `expected` that pin sets of studies rather than counts (compare them as sets, not numbers). */
export const EXPECTED_ID_KEYS = ['included_ids', 'fulltext_excluded_ids'] as const;
