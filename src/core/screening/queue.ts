import type { Protocol } from '../../model/protocol.js';
import type { Stage } from '../../model/decision.js';
import type { ReviewState, Study } from '../review/derive.js';
import { reachedFullText, type StudyStatus } from '../review/review-state.js';
import { awaitsReviewer, finalDecisionOf, type StageOutcome } from '../review/decisions.js';

/**
 * Who sees what at a stage: the studies a stage screens, each reviewer's own queue, and blind
 * mode. Pure: everything comes from the derived review state.
 */

/** How many reviewers each study needs at a stage (the protocol's `reviewers`, 1 or 2). */
export function requiredReviewers(protocol: Protocol, stage: Stage): number {
  return stage === 'title-abstract' ? protocol.titleAbstract.reviewers : protocol.fullText.reviewers;
}

/** The stage's decisions on a study (or on a study's view, which carries the same outcomes). */
export type StudyOutcomes = Pick<Study, 'titleAbstract' | 'fullText'>;

export function outcomeAt(study: StudyOutcomes, stage: Stage): StageOutcome {
  return stage === 'title-abstract' ? study.titleAbstract : study.fullText;
}

/**
 * Whether people screen this study at this stage: at title/abstract every study no criterion
 * excluded (an override brings one back), at full text every study included at title/abstract.
 */
export function screenedAt(study: Pick<Study, 'status'>, stage: Stage): boolean {
  return screenedWith(study.status, stage);
}

function screenedWith(status: StudyStatus, stage: Stage): boolean {
  return stage === 'title-abstract' ? status !== 'excluded-by-criterion' : reachedFullText(status);
}

/**
 * Each study screened at a stage (by position) whose outcomes answer `question`, asked of the
 * studies' views (no study is made). Studies no decision names share one view, so the answer is
 * kept per view object and asked once for all of them.
 */
function screenedPositions(state: ReviewState, stage: Stage, question: (study: StudyOutcomes) => boolean, visit: (index: number) => boolean | void): void {
  const answers = new Map<StudyOutcomes, boolean>();
  for (let i = 0; i < state.studyCount; i++) {
    const view = state.viewAt(i);
    if (!screenedWith(view.status, stage)) continue;
    let answer = answers.get(view);
    if (answer === undefined) answers.set(view, (answer = question(view)));
    if (answer && visit(i) === false) return;
  }
}

/** The positions (studies order) of the studies at a stage that wait for this reviewer. */
export function reviewerQueueAt(state: ReviewState, protocol: Protocol, stage: Stage, reviewer: string): number[] {
  const required = requiredReviewers(protocol, stage);
  const queue: number[] = [];
  screenedPositions(state, stage, (s) => awaitsReviewer(outcomeAt(s, stage), reviewer, required), (i) => void queue.push(i));
  return queue;
}

/** The studies at a stage that wait for this reviewer, in the review's own order (export order). */
export function reviewerQueue(state: ReviewState, protocol: Protocol, stage: Stage, reviewer: string): Study[] {
  return reviewerQueueAt(state, protocol, stage, reviewer).map((i) => state.studyAt(i));
}

/** Whether a study at a stage has all the votes it needs (an adjudicated study has). */
export function hasRequiredVotes(study: StudyOutcomes, stage: Stage, required: number): boolean {
  const outcome = outcomeAt(study, stage);
  if (outcome.adjudication) return true;
  let votes = 0;
  for (const row of outcome.latestByReviewer.values()) if (finalDecisionOf(row)) votes++;
  return votes >= required;
}

/**
 * Blind mode (`screening.blind`): other reviewers' decisions stay hidden at a stage until every
 * study screened there has its required votes, so no reviewer is swayed by another's.
 */
export function isBlind(protocol: Protocol, state: ReviewState, stage: Stage): boolean {
  if (!protocol.screening.blind) return false;
  const required = requiredReviewers(protocol, stage);
  let blind = false;
  screenedPositions(state, stage, (s) => !hasRequiredVotes(s, stage, required), () => ((blind = true), false));
  return blind;
}
