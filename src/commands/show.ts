import { loadReview } from '../io/review.js';
import { usageError } from '../errors.js';
import type { ReviewRecord } from '../model/record.js';
import type { DecisionRow, Stage } from '../model/decision.js';
import type { StudyStatus } from '../core/review.js';
import { compileCriteria } from '../core/review.js';
import { prepareRecord, matchQuery } from '../core/query.js';

export interface ShowOptions {
  review: string;
  id: string;
}

export interface ShowResult {
  record: ReviewRecord;
  studyId: string;
  status: StudyStatus;
  /** Every record of the duplicate cluster with the rule that linked it (kept record first). */
  cluster: { id: string; database: string; file: string; line: number; kept: boolean; rule?: string; linkedTo?: string; score?: number }[];
  criteria: { id: string; passed: boolean; reason: string }[];
  /** Full decision history of the study, per stage, in log order. */
  decisions: Record<Stage, DecisionRow[]>;
}

/** `litscreen show REVIEW ID`: one record, its duplicates, criteria results and decisions. */
export async function runShow(options: ShowOptions): Promise<ShowResult> {
  const review = await loadReview(options.review);
  const { state } = review;
  const record = state.recordById.get(options.id);
  if (!record) throw usageError(`no record "${options.id}" in this review (see: litscreen list ${options.review} --stage title-abstract)`);
  const studyId = state.studyIdOf.get(options.id)!;
  const study = state.studyById.get(studyId)!;
  const cluster = state.dedupe.clusters.find((c) => c.kept === studyId);
  const links = new Map((cluster?.links ?? []).map((l) => [l.id, l]));
  const prepared = prepareRecord(study.record);
  return {
    record,
    studyId,
    status: study.status,
    cluster: study.memberIds.map((id) => {
      const r = state.recordById.get(id)!;
      const link = links.get(id);
      return { id, database: r.database, file: r.source.file, line: r.source.line, kept: id === studyId, rule: link?.rule, linkedTo: link?.to, score: link?.score };
    }),
    criteria: compileCriteria(review.protocol).map(({ criterion, query }) => ({
      id: criterion.id,
      passed: matchQuery(query, prepared),
      reason: criterion.reason,
    })),
    decisions: {
      'title-abstract': state.decisions.history.get('title-abstract')?.get(studyId) ?? [],
      'full-text': state.decisions.history.get('full-text')?.get(studyId) ?? [],
    },
  };
}
