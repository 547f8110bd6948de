import type { Protocol } from '../../model/protocol.js';
import type { DecisionValue, Stage } from '../../model/decision.js';
import type { ReviewState, Study } from '../review/derive.js';
import { finalDecisionOf } from '../review/decisions.js';
import { isBlind, outcomeAt, screenedAt } from './queue.js';
import { recordText } from './tokenize.js';
import { rankUndecided } from './relevance-model.js';
import { RelevanceScorer, relevanceFeatures, DEFAULT_RELEVANCE, type RelevanceConfig } from './relevance-configs.js';
import type { QueueOrder } from './screen-session.js';

/**
 * `screen --order relevance`: the studies of a stage ranked by the relevance model
 * (core/screening/relevance-model.ts), trained on the decisions made so far at that stage.
 *
 * What it trains on: per study, include (1) or exclude (0) — an adjudication decides; otherwise
 * an include by any reviewer makes it 1 and excludes by all who voted make it 0; a maybe, a
 * `not-retrieved` (which says nothing of relevance) or no vote leaves it out. In blind mode
 * (`screening.blind`, while it lasts) only the screening reviewer's own decisions count, so the
 * order cannot tell them how anyone else voted.
 *
 * Pure and deterministic: one set of decisions and one seed give one ranking. The terminal keeps
 * the model in a worker thread (io/relevance-worker.ts) so retraining never delays a key.
 */

export interface RankingSnapshot {
  /** Study ids not yet decided, likeliest relevant first. */
  readonly ids: readonly string[];
  /** How many decisions (labelled studies) the ranking was trained on. */
  readonly trainedOn: number;
}

export type TrainingLabel = 0 | 1;

/** The model's label for a decision: 1 include (or override), 0 exclude, undefined none. */
export function labelOfDecision(decision: DecisionValue | undefined): TrainingLabel | undefined {
  if (decision === 'include' || decision === 'override') return 1;
  if (decision === 'exclude') return 0;
  return undefined;
}

/** The labels at a stage from the review's decisions (see the module comment). */
export function trainingLabels(state: ReviewState, protocol: Protocol, stage: Stage, reviewer: string): Map<string, TrainingLabel> {
  const blind = isBlind(protocol, state, stage);
  const labels = new Map<string, TrainingLabel>();
  for (const study of state.studies) {
    const outcome = outcomeAt(study, stage);
    let label: TrainingLabel | undefined;
    if (blind) {
      const own = outcome.latestByReviewer.get(reviewer);
      label = own ? labelOfDecision(finalDecisionOf(own)) : undefined;
    } else if (outcome.adjudication) {
      label = labelOfDecision(finalDecisionOf(outcome.adjudication));
    } else {
      for (const row of outcome.latestByReviewer.values()) {
        const l = labelOfDecision(finalDecisionOf(row));
        if (l === 1) label = 1;
        else if (l === 0 && label === undefined) label = 0;
      }
    }
    if (label !== undefined) labels.set(study.id, label);
  }
  return labels;
}

/** Whether relevance is the stage's default order: once it has a first include and a first exclude. */
export function relevanceReady(labels: ReadonlyMap<string, TrainingLabel>): boolean {
  let include = false;
  let exclude = false;
  for (const l of labels.values()) {
    if (l === 1) include = true;
    else exclude = true;
    if (include && exclude) return true;
  }
  return false;
}

/** What the model reads of a study. */
export interface RankedText {
  id: string;
  title: string;
  abstract: string;
}

/** The studies a relevance order ranks: every study screened at the stage (decided ones teach, the rest are ranked). */
export function rankedTexts(state: ReviewState, stage: Stage): RankedText[] {
  return state.studies.filter((s) => screenedAt(s, stage)).map((s: Study) => ({ id: s.id, title: s.record.title ?? '', abstract: s.record.abstract ?? '' }));
}

/**
 * The model over one session's studies: features built once, labels set as decisions come,
 * `rank` retrains and ranks the undecided ones. Used in the worker thread and, directly, by tests
 * and `decide`-free callers.
 */
export class RelevanceRanker {
  private readonly index = new Map<string, number>();
  private readonly ids: string[];
  private readonly model: RelevanceScorer;

  constructor(texts: readonly RankedText[], seed = 1, config: RelevanceConfig = DEFAULT_RELEVANCE) {
    this.ids = texts.map((t) => t.id);
    this.ids.forEach((id, i) => this.index.set(id, i));
    this.model = new RelevanceScorer(relevanceFeatures(texts.map((t) => recordText(t.title, t.abstract)), config), seed);
  }

  /** Replace every label: studies not in `labels` become undecided. */
  setLabels(labels: ReadonlyMap<string, TrainingLabel>): void {
    for (let row = 0; row < this.ids.length; row++) {
      const l = labels.get(this.ids[row]);
      this.model.setLabel(row, l === undefined ? -1 : l);
    }
  }

  /** Retrain on the labels and rank the rest; undefined until there is an include and an exclude. */
  rank(): RankingSnapshot | undefined {
    if (this.model.relevantDecided === 0 || this.model.relevantDecided === this.model.decisions) return undefined;
    this.model.train();
    const rows = rankUndecided(this.model, this.model.scores());
    return { ids: Array.from(rows, (r) => this.ids[r]), trainedOn: this.model.trainedOn };
  }
}

/** The stopping guidance the screen's heading shows: this reviewer's excludes in a row since their last include. */
export function streakText(streak: number): string {
  return `${streak} irrelevant in a row`;
}

/** Where the next record comes from: the latest finished ranking, whatever thread made it. */
export interface RankingSource {
  latest(): RankingSnapshot | undefined;
  /** Told which study a ranking chose to show, and what it was trained on (for the order log). */
  chose?(studyId: string, trainedOn: number): void;
}

/**
 * The screen's relevance order: the queue starts in the source's ranking (studies it does not
 * rank keep their place after the ranked ones), and after each decision the next record is the
 * first still waiting in the latest ranking. `guidance`, when given, is read each time the screen
 * draws its heading ("… · 37 irrelevant in a row · relevance order"): the stopping guidance.
 */
export function relevanceOrder(source: RankingSource, guidance?: () => string | undefined): QueueOrder {
  const pickFrom = (waiting: (id: string) => boolean): string | undefined => {
    const ranking = source.latest();
    if (!ranking) return undefined;
    for (const id of ranking.ids) {
      if (waiting(id)) {
        source.chose?.(id, ranking.trainedOn);
        return id;
      }
    }
    return undefined;
  };
  return {
    get name() {
      const g = guidance?.();
      return g ? `${g} · relevance` : 'relevance';
    },
    arrange(queue) {
      const ranking = source.latest();
      if (!ranking) return [...queue];
      const place = new Map(ranking.ids.map((id, i) => [id, i]));
      const arranged = queue.map((study, i) => ({ study, at: place.get(study.id) ?? ranking.ids.length + i }));
      arranged.sort((a, b) => a.at - b.at);
      if (arranged.length > 0 && place.has(arranged[0].study.id)) source.chose?.(arranged[0].study.id, ranking.trainedOn);
      return arranged.map((a) => a.study);
    },
    next: pickFrom,
  };
}
