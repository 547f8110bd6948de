import type { Protocol } from '../../model/protocol.js';
import type { Stage } from '../../model/decision.js';
import type { ReviewState, Study } from '../review/derive.js';
import { reachedFullText } from '../review/review-state.js';
import { awaitsReviewer, finalDecisionOf, type StageOutcome } from '../review/decisions.js';

/**
 * Who sees what at a stage: the studies a stage screens, each reviewer's own queue, and blind
 * mode. Pure: everything comes from the derived review state.
 */

/** How many reviewers each study needs at a stage (the protocol's `reviewers`, 1 or 2). */
export function requiredReviewers(protocol: Protocol, stage: Stage): number {
  return stage === 'title-abstract' ? protocol.titleAbstract.reviewers : protocol.fullText.reviewers;
}

export function outcomeAt(study: Study, stage: Stage): StageOutcome {
  return stage === 'title-abstract' ? study.titleAbstract : study.fullText;
}

/**
 * Whether people screen this study at this stage: at title/abstract every study no criterion
 * excluded (an override brings one back), at full text every study included at title/abstract.
 */
export function screenedAt(study: Study, stage: Stage): boolean {
  return stage === 'title-abstract' ? study.status !== 'excluded-by-criterion' : reachedFullText(study.status);
}

/** The studies at a stage that wait for this reviewer, in the review's own order (export order). */
export function reviewerQueue(state: ReviewState, protocol: Protocol, stage: Stage, reviewer: string): Study[] {
  const required = requiredReviewers(protocol, stage);
  return state.studies.filter((s) => screenedAt(s, stage) && awaitsReviewer(outcomeAt(s, stage), reviewer, required));
}

/** Whether a study at a stage has all the votes it needs (an adjudicated study has). */
export function hasRequiredVotes(study: Study, stage: Stage, required: number): boolean {
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
  return state.studies.some((s) => screenedAt(s, stage) && !hasRequiredVotes(s, stage, required));
}
