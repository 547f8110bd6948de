import type { ReviewRecord } from '../../model/record.js';
import type { Protocol, Criterion } from '../../model/protocol.js';
import type { DecisionRow, ResolutionRow } from '../../model/decision.js';
import { foldResolutions, type FoldedResolutions } from './resolutions.js';
import type { Flow } from '../../model/flow.js';
import { findDuplicates, mergeCluster, type DedupeResult } from '../dedupe/engine.js';
import { parseQuery, prepareRecord, matchQuery, type QueryNode } from '../criteria/query.js';
import { foldDecisions, stageOutcome, describeReviewers, type FoldedDecisions, type StageOutcome } from './decisions.js';
import { flowImbalances } from './flow.js';

/**
 * The whole review derived from its inputs: records -> duplicates -> criteria -> decisions -> flow.
 * Pure: the IO shell (src/io/review.ts) reads the files and hands them in. Nothing is cached, so
 * nothing can drift from the raw exports and the decision logs.
 */

/** Where a study ended up. */
export type StudyStatus =
  | 'excluded-by-criterion'
  | 'title-abstract-pending'
  | 'title-abstract-conflict'
  | 'excluded-at-title-abstract'
  | 'not-retrieved'
  | 'full-text-pending'
  | 'full-text-conflict'
  | 'excluded-at-full-text'
  | 'included';

/** The statuses of a study that was sent to full text (included at title/abstract). */
export const FULL_TEXT_STATUSES: readonly StudyStatus[] = ['full-text-pending', 'full-text-conflict', 'excluded-at-full-text', 'not-retrieved', 'included'];

export const reachedFullText = (status: StudyStatus): boolean => FULL_TEXT_STATUSES.includes(status);

export interface Study {
  /** Id of the kept record of the duplicate cluster (or of the record itself). */
  id: string;
  /** The kept record, with missing fields filled from the cluster's other copies. */
  record: ReviewRecord;
  /** Ids of every record in the cluster, kept one first. */
  memberIds: string[];
  /** First criterion (protocol order) the study fails, if any, unless a person overrode it. */
  failedCriterion?: Criterion;
  /** The criterion a person's `override` lifted: the study is screened as if it had passed. */
  overriddenCriterion?: Criterion;
  titleAbstract: StageOutcome;
  fullText: StageOutcome;
  status: StudyStatus;
}

export interface ReviewProblem {
  kind: 'pending' | 'conflict' | 'unknown-id' | 'decision-out-of-stage' | 'unknown-reason' | 'uncertain-duplicate';
  message: string;
  file?: string;
  line?: number;
}

export interface ReviewState {
  records: ReviewRecord[];
  recordById: Map<string, ReviewRecord>;
  /** record id -> study id (the kept record of its cluster). */
  studyIdOf: Map<string, string>;
  dedupe: DedupeResult;
  studies: Study[];
  studyById: Map<string, Study>;
  decisions: FoldedDecisions;
  resolutions: FoldedResolutions;
  flow: Flow;
  problems: ReviewProblem[];
}

export interface CompiledCriterion {
  criterion: Criterion;
  query: QueryNode;
}

/** Parse every criterion's query; the caller turns a QuerySyntaxError into a protocol error. */
export function compileCriteria(protocol: Protocol): CompiledCriterion[] {
  return protocol.titleAbstract.criteria.map((criterion) => ({ criterion, query: parseQuery(criterion.query) }));
}

export function assessReview(
  protocol: Protocol,
  records: ReviewRecord[],
  decisionRows: readonly DecisionRow[],
  resolutionRows: readonly ResolutionRow[] = [],
): ReviewState {
  const recordById = new Map(records.map((r) => [r.id, r]));
  const resolutions = foldResolutions(resolutionRows, (id) => recordById.has(id));
  const dedupe: DedupeResult = protocol.deduplication.enabled
    ? findDuplicates(records, protocol.deduplication, resolutions.resolutions)
    : { clusters: [], keptIds: records.map((r) => r.id), removedToKept: new Map<string, string>(), blockedMerges: [], uncertain: [] };

  const studyIdOf = new Map<string, string>();
  const membersOf = new Map<string, string[]>();
  for (const id of dedupe.keptIds) {
    studyIdOf.set(id, id);
    membersOf.set(id, [id]);
  }
  for (const [removed, kept] of dedupe.removedToKept) {
    studyIdOf.set(removed, kept);
    membersOf.get(kept)!.push(removed);
  }

  const criteria = compileCriteria(protocol);
  const decisions = foldDecisions(decisionRows, (id) => studyIdOf.get(id));
  const reasonLabels = new Map(protocol.fullText.exclusionReasons.map((r) => [r.id, r.label]));
  const problems: ReviewProblem[] = [];

  for (const row of resolutions.unknownIds) {
    problems.push({ kind: 'unknown-id', message: `duplicate resolution names a record that is not in this review (${row.recordA}, ${row.recordB})`, file: row.file, line: row.line });
  }
  for (const c of resolutions.conflicts) {
    const who = c.rows.map((r) => `${r.reviewer}: ${r.decision}`).join('; ');
    problems.push({ kind: 'conflict', message: `reviewers disagree whether ${c.a} and ${c.b} are duplicates: ${who}`, file: c.rows[0].file, line: c.rows[0].line });
  }
  for (const pair of dedupe.uncertain) {
    problems.push({
      kind: 'uncertain-duplicate',
      message: `${pair.a} and ${pair.b} may be duplicates (score ${pair.score.toFixed(2)}: ${pair.reasons.join(', ')}); resolve with: litscreen dedupe REVIEW --review`,
    });
  }
  for (const row of decisions.unknownIds) {
    problems.push({
      kind: 'unknown-id',
      message: `decision on "${row.recordId}", which is not a record of this review`,
      file: row.file,
      line: row.line,
    });
  }

  const studies: Study[] = [];
  for (const id of dedupe.keptIds) {
    const memberIds = membersOf.get(id)!;
    // A study is its kept record with gaps filled from its copies (a DOI or abstract only one
    // database had), so criteria, exports and citations see everything the databases knew.
    const kept = recordById.get(id)!;
    const record = memberIds.length === 1 ? kept : { ...mergeCluster(memberIds.map((m) => recordById.get(m)!)), id, source: kept.source, databaseKey: kept.databaseKey, database: kept.database };
    let failedCriterion: Criterion | undefined;
    if (criteria.length > 0) {
      const prepared = prepareRecord(record);
      failedCriterion = criteria.find((c) => !matchQuery(c.query, prepared))?.criterion;
    }
    const titleAbstract = stageOutcome(decisions, 'title-abstract', id, protocol.titleAbstract.reviewers);
    const fullText = stageOutcome(decisions, 'full-text', id, protocol.fullText.reviewers);
    // A person's override is a human decision that the criterion was wrong for this record.
    const overriddenCriterion = failedCriterion && titleAbstract.override ? failedCriterion : undefined;
    if (overriddenCriterion) failedCriterion = undefined;
    const status = studyStatus(failedCriterion, titleAbstract, fullText);
    studies.push({ id, record, memberIds, failedCriterion, overriddenCriterion, titleAbstract, fullText, status });
    problems.push(...studyProblems(id, failedCriterion, titleAbstract, fullText, status, reasonLabels, protocol));
  }

  const flow = computeFlow(protocol, records, dedupe, studies, reasonLabels);
  const imbalances = flowImbalances(flow);
  if (imbalances.length > 0) {
    throw new Error(`internal: the flow does not balance: ${imbalances.join('; ')}`);
  }
  return {
    records,
    recordById,
    studyIdOf,
    dedupe,
    studies,
    studyById: new Map(studies.map((s) => [s.id, s])),
    decisions,
    resolutions,
    flow,
    problems,
  };
}

function studyStatus(failed: Criterion | undefined, ta: StageOutcome, ft: StageOutcome): StudyStatus {
  if (failed) return 'excluded-by-criterion';
  switch (ta.status) {
    case 'pending':
      return 'title-abstract-pending';
    case 'conflict':
      return 'title-abstract-conflict';
    case 'exclude':
    case 'not-retrieved': // refused by `decide`; a hand-edited log is reported by verify and counted as excluded
      return 'excluded-at-title-abstract';
    case 'include':
      break;
  }
  switch (ft.status) {
    case 'pending':
      return 'full-text-pending';
    case 'conflict':
      return 'full-text-conflict';
    case 'not-retrieved':
      return 'not-retrieved';
    case 'exclude':
      return 'excluded-at-full-text';
    case 'include':
      return 'included';
  }
}

/** Why a stage is still pending for a study, e.g. "1 of 2 reviewers decided; bob: maybe". */
function waitingFor(outcome: StageOutcome, required: number, context: string): string {
  if (outcome.latestByReviewer.size === 0) return `${context}, no decision yet`;
  const votes = [...outcome.latestByReviewer.values()].filter((r) => r.decision !== 'maybe').length;
  return `${votes} of ${required} reviewer${required > 1 ? 's' : ''} decided; ${describeReviewers(outcome.latestByReviewer)}`;
}

function firstRow(outcome: StageOutcome) {
  return [...outcome.latestByReviewer.values()][0];
}

function studyProblems(
  id: string,
  failed: Criterion | undefined,
  ta: StageOutcome,
  ft: StageOutcome,
  status: StudyStatus,
  reasonLabels: Map<string, string>,
  protocol: Protocol,
): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  const at = (o: StageOutcome) => {
    const row = firstRow(o);
    return row ? { file: row.file, line: row.line } : {};
  };
  if (status === 'title-abstract-pending') {
    problems.push({ kind: 'pending', message: `${id}: pending at title/abstract (${waitingFor(ta, protocol.titleAbstract.reviewers, 'passed every criterion')})` });
  } else if (status === 'title-abstract-conflict') {
    problems.push({ kind: 'conflict', message: `${id}: reviewers disagree at title/abstract: ${describeReviewers(ta.latestByReviewer)}` });
  } else if (status === 'full-text-pending') {
    problems.push({ kind: 'pending', message: `${id}: pending at full text (${waitingFor(ft, protocol.fullText.reviewers, 'included at title/abstract')})` });
  } else if (status === 'full-text-conflict') {
    problems.push({ kind: 'conflict', message: `${id}: reviewers disagree at full text: ${describeReviewers(ft.latestByReviewer)}` });
  }
  if (failed && ta.status !== 'pending') {
    problems.push({
      kind: 'decision-out-of-stage',
      message: `${id}: title/abstract decision on a record already excluded by criterion "${failed.id}"; the criterion counts`,
      ...at(ta),
    });
  }
  for (const row of ft.latestByReviewer.values()) {
    if (row.decision === 'override') {
      problems.push({ kind: 'decision-out-of-stage', message: `${id}: "override" lifts a title/abstract criterion; it is not a full-text decision`, file: row.file, line: row.line });
    }
  }
  if (ta.status === 'not-retrieved') {
    problems.push({ kind: 'decision-out-of-stage', message: `${id}: "not-retrieved" is a full-text decision, not a title/abstract one`, ...at(ta) });
  }
  if (!reachedFullText(status) && ft.status !== 'pending') {
    problems.push({
      kind: 'decision-out-of-stage',
      message: `${id}: full-text decision on a record that was not included at title/abstract; it does not count`,
      ...at(ft),
    });
  }
  for (const row of ft.latestByReviewer.values()) {
    if (row.decision === 'exclude' && !reasonLabels.has(row.reason)) {
      problems.push({
        kind: 'unknown-reason',
        message: `${id}: full-text exclusion reason "${row.reason}" is not in the protocol's list (${[...reasonLabels.keys()].join(', ')})`,
        file: row.file,
        line: row.line,
      });
    }
  }
  return problems;
}

export const REVIEWER_EXCLUSION_WITHOUT_REASON = 'Excluded by reviewer (no reason given)';

function increment(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}

function computeFlow(
  protocol: Protocol,
  records: ReviewRecord[],
  dedupe: DedupeResult,
  studies: Study[],
  reasonLabels: Map<string, string>,
): Flow {
  const database_specific_results: Record<string, number> = {};
  for (const source of protocol.sources) database_specific_results[source.database] = 0;
  for (const r of records) increment(database_specific_results, r.database);

  const asAutomation = protocol.titleAbstract.reportCriteriaAsAutomation;
  let byCriteria = 0;
  let byReviewer = 0;
  let overridden = 0;
  let taPending = 0;
  let taConflicts = 0;
  let sought = 0;
  let notRetrieved = 0;
  let ftPending = 0;
  let ftConflicts = 0;
  let included = 0;
  const criteriaReasons: Record<string, number> = {};
  const reviewerReasons: Record<string, number> = {};
  const fullTextReasons: Record<string, number> = {};
  // Every protocol reason appears, with 0 when unused, so a CSV of the flow has stable columns.
  for (const label of reasonLabels.values()) fullTextReasons[label] = 0;

  for (const study of studies) {
    if (study.overriddenCriterion) overridden++;
    switch (study.status) {
      case 'excluded-by-criterion':
        byCriteria++;
        increment(criteriaReasons, study.failedCriterion!.reason);
        break;
      case 'title-abstract-pending':
        taPending++;
        break;
      case 'title-abstract-conflict':
        taConflicts++;
        break;
      case 'excluded-at-title-abstract':
        byReviewer++;
        increment(reviewerReasons, study.titleAbstract.reason || REVIEWER_EXCLUSION_WITHOUT_REASON);
        break;
      default:
        sought++;
        if (study.status === 'not-retrieved') notRetrieved++;
        else if (study.status === 'full-text-pending') ftPending++;
        else if (study.status === 'full-text-conflict') ftConflicts++;
        else if (study.status === 'included') included++;
        else increment(fullTextReasons, reasonLabels.get(study.fullText.reason) ?? study.fullText.reason);
    }
  }
  const duplicates = records.length - dedupe.keptIds.length;
  const excludedAutomatic = asAutomation ? byCriteria : 0;
  // PRISMA's one list of screening exclusion reasons: criteria first (protocol order), then reviewers'.
  const screeningReasons: Record<string, number> = {};
  if (!asAutomation) for (const [reason, n] of Object.entries(criteriaReasons)) screeningReasons[reason] = n;
  for (const [reason, n] of Object.entries(reviewerReasons)) screeningReasons[reason] = (screeningReasons[reason] ?? 0) + n;
  const dbrExcludedTotal = Object.values(fullTextReasons).reduce((a, b) => a + b, 0);
  return {
    database_results: records.length,
    database_specific_results,
    duplicates,
    excluded_automatic: excludedAutomatic,
    excluded_other: 0,
    records_screened: dedupe.keptIds.length - excludedAutomatic,
    records_excluded: byReviewer + (asAutomation ? 0 : byCriteria),
    records_excluded_reasons: screeningReasons,
    records_excluded_by_criteria: byCriteria,
    records_excluded_criteria_reasons: criteriaReasons,
    records_excluded_by_reviewer: byReviewer,
    records_excluded_reviewer_reasons: reviewerReasons,
    records_criteria_overridden: overridden,
    title_abstract_pending: taPending,
    title_abstract_conflicts: taConflicts,
    dbr_sought_reports: sought,
    dbr_notretrieved_reports: notRetrieved,
    full_text_pending: ftPending,
    full_text_conflicts: ftConflicts,
    dbr_assessed: sought - notRetrieved - ftPending - ftConflicts,
    dbr_excluded: fullTextReasons,
    dbr_excluded_total: dbrExcludedTotal,
    new_studies: included,
  };
}
