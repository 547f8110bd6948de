import type { ReviewRecord } from '../../model/record.js';
import type { Protocol } from '../../model/protocol.js';
import type { DecisionRow, ResolutionRow } from '../../model/decision.js';
import { findDuplicates, mergeCluster, type DedupeResult, type DedupeResolution } from '../dedupe/engine.js';
import { prepareRecord, matchQuery, compileCriteria } from '../criteria/query.js';
import {
  applyDecisions,
  foldReviewResolutions,
  membersOfStudies,
  recordsInMemory,
  summarizeRecord,
  type ReviewBase,
  type ReviewState,
} from './review-state.js';

export * from './review-state.js';
export { compileCriteria, type CompiledCriterion } from '../criteria/query.js';

/**
 * The whole review derived from its inputs: records -> duplicates -> criteria -> decisions -> flow.
 * Pure: the IO shell (src/io/review.ts) reads the files and hands them in.
 *
 * In two parts, so that the shell may keep the first on disk (src/io/review-cache.ts):
 * - the expensive part, which no decision log can change: the duplicate clusters (`findStudies`),
 *   each study's record with gaps filled from its copies (`studyRecordsOf`) and the criteria
 *   results (`criteriaResults`); together a `ReviewBase`;
 * - the decisions on top (`applyDecisions`, in review-state.ts so that a warm run never loads
 *   the dedupe engine): folding the logs, each study's status, the flow.
 * `assessReview` runs both. A cached base holds exactly what these functions return, keyed by
 * everything they read, so the two ways give the same ReviewState.
 */

/** The duplicate clusters of the records (none when the protocol turns deduplication off). */
export function findStudies(protocol: Protocol, records: ReviewRecord[], resolutions: readonly DedupeResolution[]): DedupeResult {
  return protocol.deduplication.enabled
    ? findDuplicates(records, protocol.deduplication, resolutions)
    : { clusters: [], keptIds: records.map((r) => r.id), removedToKept: new Map<string, string>(), blockedMerges: [], uncertain: [] };
}


/**
 * Per study (dedupe.keptIds order): its kept record with gaps filled from its copies (a DOI or
 * abstract only one database had), so criteria, exports and citations see everything the
 * databases knew. A study of one record is that record itself.
 */
export function studyRecordsOf(dedupe: DedupeResult, recordOf: (id: string) => ReviewRecord): ReviewRecord[] {
  const membersOf = membersOfStudies(dedupe);
  return dedupe.keptIds.map((id) => {
    const memberIds = membersOf.get(id)!;
    const kept = recordOf(id);
    return memberIds.length === 1 ? kept : { ...mergeCluster(memberIds.map(recordOf)), id, source: kept.source, databaseKey: kept.databaseKey, database: kept.database };
  });
}

/** Per study record: index of the first criterion (protocol order) it fails, or -1 when it passes all. */
export function criteriaResults(protocol: Protocol, studyRecords: readonly ReviewRecord[]): Int32Array {
  const criteria = compileCriteria(protocol);
  const failed = new Int32Array(studyRecords.length).fill(-1);
  if (criteria.length === 0) return failed;
  studyRecords.forEach((record, i) => {
    const prepared = prepareRecord(record);
    failed[i] = criteria.findIndex((c) => !matchQuery(c.query, prepared));
  });
  return failed;
}

/** The expensive part of a review, derived in memory. */
export function deriveReviewBase(protocol: Protocol, records: ReviewRecord[], resolutions: readonly DedupeResolution[]): ReviewBase {
  const inMemory = recordsInMemory(records);
  const recordById = new Map(records.map((r) => [r.id, r]));
  const dedupe = findStudies(protocol, records, resolutions);
  const studyRecords = studyRecordsOf(dedupe, (id) => recordById.get(id)!);
  return {
    records: inMemory,
    dedupe,
    studyRecord: (index) => studyRecords[index],
    studySummary: (index) => summarizeRecord(studyRecords[index]),
    failedCriteria: criteriaResults(protocol, studyRecords),
  };
}


export function assessReview(
  protocol: Protocol,
  records: ReviewRecord[],
  decisionRows: readonly DecisionRow[],
  resolutionRows: readonly ResolutionRow[] = [],
): ReviewState {
  const inMemory = recordsInMemory(records);
  const resolutions = foldReviewResolutions(inMemory, resolutionRows);
  return applyDecisions(protocol, deriveReviewBase(protocol, records, resolutions.resolutions), decisionRows, resolutions);
}

