import { usageError } from '../../errors.js';
import { STAGES, VOTES, type DecisionValue, type Stage } from '../../model/decision.js';
import type { Protocol } from '../../model/protocol.js';
import { reachedFullText, type ReviewState } from './review-state.js';

/**
 * Whether a decision could ever count, checked before it is written: a log holds only what the
 * flow will use, so a reviewer never has to hand-edit an append-only file to get out of a mistake.
 * Pure: it reads the derived state; `decide`, `decide --from` and `screen` share it.
 */

export interface DecisionInput {
  id: string;
  decision: string;
  stage: string;
  reason?: string;
  note?: string;
  /** Include a record that a criterion excluded (title/abstract only; needs a reason). */
  override?: boolean;
}

export interface CheckedDecision {
  recordId: string;
  studyId: string;
  stage: Stage;
  decision: DecisionValue;
  reason: string;
  note: string;
  notices: string[];
}

/** Throws a usage error (exit 2) saying why and what to do, or returns the row to append. */
export function checkDecision(state: ReviewState, protocol: Protocol, input: DecisionInput, reviewHint = 'REVIEW'): CheckedDecision {
  const stage = input.stage as Stage;
  if (!STAGES.includes(stage)) throw usageError(`--stage must be one of ${STAGES.join(', ')} (got "${input.stage}")`);
  if (!(VOTES as readonly string[]).includes(input.decision)) {
    throw usageError(`decision must be one of ${VOTES.join(', ')} (got "${input.decision}")`);
  }
  let decision = input.decision as DecisionValue;
  if (decision === 'not-retrieved' && stage === 'title-abstract') {
    throw usageError('"not-retrieved" is a full-text decision; at title/abstract decide include, exclude or maybe');
  }
  const studyId = state.studyIdOf.get(input.id);
  if (studyId === undefined) {
    throw usageError(`no record "${input.id}" in this review (ids look like ${state.recordById.keys().next().value ?? 'psycinfo:2016-12345-001'}; see: litscreen list ${reviewHint} --stage title-abstract)`);
  }
  const study = state.studyById.get(studyId)!;
  const notices: string[] = [];
  if (studyId !== input.id) notices.push(`${input.id} is a duplicate of ${studyId}; the decision applies to that study`);
  let reason = (input.reason ?? '').trim();
  const note = input.note ?? '';

  if (input.override) {
    if (stage !== 'title-abstract' || decision !== 'include') throw usageError('--override includes a record at title/abstract that a criterion excluded: use it with include --stage title-abstract');
    if (!study.failedCriterion) {
      throw usageError(`${studyId} is not excluded by a criterion${study.overriddenCriterion ? ' (its criterion is already overridden)' : ''}; decide include without --override`);
    }
    if (!reason) throw usageError(`--override needs --reason: why criterion "${study.failedCriterion.id}" is wrong for this record (it is kept in the log and named in show, flow and verify)`);
    decision = 'override';
  } else if (stage === 'title-abstract' && study.failedCriterion) {
    throw usageError(
      `${studyId} is excluded by criterion "${study.failedCriterion.id}" (${study.failedCriterion.reason}), so a title/abstract decision would never count. ` +
        `To include it anyway: litscreen decide ${reviewHint} ${input.id} include --stage title-abstract --override --reason "why"`,
    );
  }
  if (stage === 'full-text' && !reachedFullText(study.status)) {
    throw usageError(`${studyId} has not been included at title/abstract (${study.status}), so a full-text decision would never count; decide it at title/abstract first`);
  }

  if (decision === 'exclude') {
    const reasons = stage === 'full-text' ? protocol.fullText.exclusionReasons : (protocol.titleAbstract.exclusionReasons ?? []);
    const allowed = reasons.map((r) => `${r.id} (${r.label})`).join('; ');
    if (stage === 'full-text' && !reason) throw usageError(`a full-text exclusion needs --reason, one of: ${allowed}`);
    if (reason) {
      const match = reasons.find((r) => r.id === reason || r.label.toLowerCase() === reason.toLowerCase());
      if (match) reason = match.id;
      else if (stage === 'full-text') throw usageError(`--reason "${reason}" is not in the protocol's full-text exclusion reasons: ${allowed}`);
      // At title/abstract a reason outside the list is free text ("other"); it is kept as typed.
    }
  } else if (decision !== 'override' && reason) {
    notices.push(`a reason is kept only with an exclusion; "${reason}" is kept as a note`);
    reason = '';
  }
  return { recordId: input.id, studyId, stage, decision, reason, note, notices };
}
