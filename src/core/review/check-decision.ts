import { usageError } from '../../errors.js';
import { stageOption, STOP_RECORD_ID, VOTES, type DecisionRow, type DecisionValue, type Stage } from '../../model/decision.js';
import { checkDrawnSample, checkStopRule, decisionOrderLabels, describeStoppingRule, drawnSampleNote, REVIEWERS_WORD_NOTE, sampleFromLogs, type OrderLogRow } from './stop.js';
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
  const stage = stageOption(input.stage);
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
      const match = findExclusionReason(reasons, reason);
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

export interface CheckedStop {
  recordId: typeof STOP_RECORD_ID;
  stage: 'title-abstract';
  decision: 'stop';
  /** The rule in words, kept in the row so the log names the rule it stopped under. */
  reason: string;
  note: string;
}

/**
 * Whether `reviewer` may log a `stop` now (`decide --stop`, and the screen's stop key): the
 * protocol adopts a stopping rule, and the reviewer's own decisions, in the order made, end in
 * N + M excludes. When the screen drew the random sample, the order log shows the draw and it is
 * made again and compared (core/review/stop.ts): the stop row then says the sample was checked.
 * Otherwise that the last M were a random sample is the reviewer's word (`sampleChecked`), and the
 * stop row says that instead. A litscreen sample that does not check is refused either way.
 */
export function checkStop(
  state: ReviewState,
  protocol: Protocol,
  input: { stage: string; reviewer: string; sampleChecked?: boolean; note?: string; orderRows?: readonly OrderLogRow[]; sessionRows?: readonly DecisionRow[] },
  reviewHint = 'REVIEW',
): CheckedStop {
  if (input.stage !== 'title-abstract') throw usageError('--stop ends title/abstract screening under the protocol\'s stopping rule: use it with --stage title-abstract');
  const rule = protocol.titleAbstract.stoppingRule;
  if (!rule) {
    throw usageError(
      'the protocol adopts no stopping rule, so the records left must be screened; to adopt one, add to litscreen.json ' +
        '"titleAbstract": {"stoppingRule": {"consecutiveIrrelevant": N, "randomSample": M}} (and say so in the registered protocol)',
    );
  }
  if (state.decisions.stops.some((r) => r.stage === 'title-abstract' && r.role === 'reviewer' && r.reviewer === input.reviewer)) {
    throw usageError(`${input.reviewer} has already stopped under the stopping rule (to take it back: litscreen retract ${reviewHint} ${STOP_RECORD_ID} --stage title-abstract)`);
  }
  const own = [...ownRowsAt(state, input.reviewer), ...(input.sessionRows ?? [])];
  const described = describeStoppingRule(rule);
  const withNote = (basis: string) => (input.note ? `${basis}; ${input.note}` : basis);
  const resolveStudy = (id: string) => state.studyIdOf.get(id);
  const sample = sampleFromLogs({ rows: own, orderRows: input.orderRows ?? [], candidates: sampleCandidates(state), resolveStudy });
  const drawn = checkDrawnSample(rule, sample);
  if (drawn.ok) return { recordId: STOP_RECORD_ID, stage: 'title-abstract', decision: 'stop', reason: described, note: withNote(drawnSampleNote(drawn.draw.seed)) };
  const refuse = (why: string) => usageError(`the stopping rule (${described}) does not hold for ${input.reviewer}: ${why}`);
  // A sample litscreen drew that does not check is never the reviewer's word instead: a record
  // tagged as drawn that was not, or a sample still being screened.
  if (sample.kind !== 'none' && sample.kind !== 'withdrawn' && sample.kind !== 'changed' && (sample.notDrawn.length > 0 || !input.sampleChecked || sample.kind === 'open')) {
    throw refuse(drawn.message);
  }
  const check = checkStopRule(rule, decisionOrderLabels(own, resolveStudy));
  if (!check.holds) {
    throw refuse(
      `the last ${check.streak} record(s) you decided are excludes in a row, ` +
        `and the rule needs ${check.needed} (${rule.consecutiveIrrelevant} in a row, then the random sample of ${rule.randomSample})`,
    );
  }
  if (!input.sampleChecked) {
    throw usageError(
      `the logs show ${check.streak} excludes in a row, but ${drawn.message}, so not that the last ${rule.randomSample} were a random sample of the records still unscreened; ` +
        `let the screen draw it (litscreen screen ${reviewHint} --stage title-abstract, then its stop key), or for a sample screened outside litscreen add --sample-checked`,
    );
  }
  return { recordId: STOP_RECORD_ID, stage: 'title-abstract', decision: 'stop', reason: described, note: withNote(REVIEWERS_WORD_NOTE) };
}

/** The reviewer's own title/abstract rows in the order of their log (one log per reviewer and stage). */
export function ownRowsAt(state: ReviewState, reviewer: string): DecisionRow[] {
  const own: DecisionRow[] = [];
  for (const rows of state.decisions.history.get('title-abstract')?.values() ?? []) {
    for (const row of rows) if (row.role === 'reviewer' && row.reviewer === reviewer) own.push(row);
  }
  own.sort((a, b) => a.line - b.line);
  return own;
}

/** The studies a person screens at title/abstract (no criterion excludes them): the random sample is drawn from these. */
export function sampleCandidates(state: ReviewState): string[] {
  return state.studies.filter((s) => s.status !== 'excluded-by-criterion').map((s) => s.id);
}

/** The protocol's exclusion reason a reviewer named, by its id or its label in any case. */
export function findExclusionReason<R extends { id: string; label: string }>(reasons: readonly R[], named: string): R | undefined {
  const lower = named.toLowerCase();
  return reasons.find((r) => r.id === named || r.label.toLowerCase() === lower);
}
