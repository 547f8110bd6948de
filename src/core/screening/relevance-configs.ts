import { tfidfMatrix, type SparseRows, type TfidfOptions } from './tfidf.js';
import { RelevanceModel, type ModelConfig } from './relevance-model.js';

/**
 * The relevance configurations litscreen knows: features (tfidf.ts) plus a classifier
 * (relevance-model.ts), or two of them whose rankings are fused. One of them, DEFAULT_RELEVANCE,
 * is what `screen --order relevance` and `simulate` use for every review; the others stay so that
 * `simulate --model NAME` and bench/simulate.js can compare them (bench/model-selection.md: how
 * the default was chosen, and every candidate's figures).
 */

export interface RelevanceMember {
  features: TfidfOptions;
  model: Partial<ModelConfig>;
}

export interface RelevanceConfig {
  name: string;
  /** One line for `simulate`'s output. */
  description: string;
  /** One member: its scores rank. Two or more: each undecided record's mean rank position does. */
  members: readonly RelevanceMember[];
}

const SVM: RelevanceMember = { features: {}, model: { classifier: 'svm' } };
/** ASReview LAB 1's default: scikit-learn's TfidfVectorizer as ASReview set it, MultinomialNB(alpha 3.822), double balance. */
const NB_V1: RelevanceMember = {
  features: { ngramMax: 1, stopWords: true, sublinearTf: false, maxDf: 1 },
  model: { classifier: 'nb', alpha: 3.822, nbBalance: 'double' },
};

const SVM_TEXT = 'TF-IDF of words and word pairs (sublinear tf, max_df 0.95, L2) + linear SVM (squared hinge, C 0.11, classes balanced with relevant x9.8, dual coordinate descent)';
const NB_V1_TEXT = 'TF-IDF of words (English stop words left out, L2) + multinomial naive Bayes (alpha 3.822, ASReview\'s "double" balance)';

export const RELEVANCE_CONFIGS: ReadonlyMap<string, RelevanceConfig> = new Map(
  ([
    { name: 'svm', description: `${SVM_TEXT} [ASReview ELAS u4]`, members: [SVM] },
    { name: 'nb-v1', description: `${NB_V1_TEXT} [ASReview LAB 1 default]`, members: [NB_V1] },
    { name: 'svm+nb', description: `mean rank position under two models: ${SVM_TEXT}; and ${NB_V1_TEXT}`, members: [SVM, NB_V1] },
    {
      name: 'svm-stop',
      description: SVM_TEXT.replace('word pairs (', 'word pairs (English stop words left out, '),
      members: [{ features: { stopWords: true }, model: { classifier: 'svm' } }],
    },
    {
      name: 'nb',
      description: 'TF-IDF of words and word pairs (sublinear tf, max_df 0.95, L2) + multinomial naive Bayes (alpha 1, class-balanced weights)',
      members: [{ features: {}, model: { classifier: 'nb' } }],
    },
  ] satisfies RelevanceConfig[]).map((c) => [c.name, c]),
);

export const DEFAULT_RELEVANCE: RelevanceConfig = RELEVANCE_CONFIGS.get('svm')!;

/** The feature matrices of a configuration over one set of texts (members with the same feature options share one). */
export interface RelevanceFeatures {
  readonly config: RelevanceConfig;
  readonly nRows: number;
  readonly matrices: readonly SparseRows[];
}

export function relevanceFeatures(texts: readonly string[], config: RelevanceConfig = DEFAULT_RELEVANCE): RelevanceFeatures {
  const built = new Map<string, SparseRows>();
  const matrices = config.members.map((m) => {
    const key = JSON.stringify(m.features);
    let matrix = built.get(key);
    if (!matrix) built.set(key, (matrix = tfidfMatrix(texts, m.features)));
    return matrix;
  });
  return { config, nRows: texts.length, matrices };
}

/**
 * A configuration's models over one set of records, with RelevanceModel's interface: labels go
 * to every member, `train` fits each, `scores` is higher for likelier relevant (decided records
 * -Infinity). For two or more members the score is minus the mean of a record's positions in the
 * members' rankings (each ranking by score, ties by row): rank fusion needs no calibration of
 * scores as different as an SVM's margins and naive Bayes's log-odds.
 */
export class RelevanceScorer {
  private readonly models: RelevanceModel[];
  private readonly memberScores: Float64Array[];
  private readonly rows: Int32Array;
  readonly nRows: number;

  constructor(features: RelevanceFeatures, seed = 0) {
    this.nRows = features.nRows;
    this.models = features.config.members.map((m, i) => new RelevanceModel(features.matrices[i], m.model, seed));
    this.memberScores = this.models.length > 1 ? this.models.map(() => new Float64Array(this.nRows)) : [];
    this.rows = new Int32Array(this.nRows);
  }

  get decisions(): number {
    return this.models[0].decisions;
  }

  get relevantDecided(): number {
    return this.models[0].relevantDecided;
  }

  get trainedOn(): number {
    return this.models[0].trainedOn;
  }

  label(row: number): number {
    return this.models[0].label(row);
  }

  setLabel(row: number, label: 1 | 0 | -1): void {
    for (const m of this.models) m.setLabel(row, label);
  }

  train(): void {
    for (const m of this.models) m.train();
  }

  scores(out: Float64Array = new Float64Array(this.nRows)): Float64Array {
    if (this.models.length === 1) return this.models[0].scores(out);
    const n = this.nRows;
    let nUndecided = 0;
    for (let r = 0; r < n; r++) {
      if (this.models[0].label(r) === 0) {
        this.rows[nUndecided++] = r;
        out[r] = 0;
      } else out[r] = -Infinity;
    }
    const rows = this.rows.subarray(0, nUndecided);
    for (let i = 0; i < this.models.length; i++) {
      const s = this.models[i].scores(this.memberScores[i]);
      rows.sort((a, b) => s[b] - s[a] || a - b);
      for (let p = 0; p < nUndecided; p++) out[rows[p]] -= p / this.models.length;
    }
    return out;
  }
}
