import { describe, it, expect } from 'vitest';
import { tfidfMatrix } from '../../../src/core/screening/tfidf.js';
import { modelWords } from '../../../src/core/screening/tokenize.js';
import { RelevanceModel, rankUndecided, doubleBalanceCopies } from '../../../src/core/screening/relevance-model.js';
import { RELEVANCE_CONFIGS, RelevanceScorer, relevanceFeatures } from '../../../src/core/screening/relevance-configs.js';
import { simulateRun } from '../../../src/core/screening/simulation.js';
import { seededRandom } from '../../../src/core/random.js';

/** A synthetic labelled review: relevant records share a topic's words, the rest are spread over others. */
function syntheticReview(n = 300, relevantEvery = 10): { texts: string[]; labels: Uint8Array } {
  const topics = ['bridge steel load fatigue', 'soil erosion rainfall river', 'school reading pupils literacy', 'heart surgery cardiac valve', 'tax policy income households'];
  const texts: string[] = [];
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const relevant = i % relevantEvery === 3;
    labels[i] = relevant ? 1 : 0;
    const topic = relevant ? 'dementia care home residents memory' : topics[i % topics.length];
    texts.push(`Study ${i} of ${topic}: a trial of ${topic.split(' ')[i % 4]} with outcome number ${i % 17} in region ${i % 23}`);
  }
  return { texts, labels };
}

describe('tokenising and TF-IDF', () => {
  it('folds like the criteria do and drops one-character words', () => {
    expect(modelWords('β-Blockers in Rantamäki’s <i>HIV</i> study: a 2-arm trial')).toEqual(['beta', 'blockers', 'in', 'rantamaki', 'hiv', 'study', 'arm', 'trial']);
  });

  it('words and word pairs, sublinear tf, unit length rows', () => {
    const m = tfidfMatrix(['care home care home residents', 'care home staff', 'river erosion']);
    for (let r = 0; r < m.nRows; r++) {
      let norm = 0;
      for (let k = m.rowPtr[r]; k < m.rowPtr[r + 1]; k++) norm += m.vals[k] ** 2;
      expect(norm).toBeCloseTo(1, 6);
    }
    // Row 0: care, home, "care home", "home care", residents, "home residents" = 6 terms.
    expect(m.rowPtr[1] - m.rowPtr[0]).toBe(6);
  });

  it('can leave out English stop words before pairing, so a pair spans them', () => {
    const m = tfidfMatrix(['quality of life', 'life of the quality'], { stopWords: true, maxDf: 1 });
    // quality, life, "quality life" / life, quality, "life quality".
    expect(m.nFeatures).toBe(4);
    expect(m.rowPtr[1] - m.rowPtr[0]).toBe(3);
  });

  it('drops terms in more than maxDf of the records', () => {
    const m = tfidfMatrix(['the cat', 'the dog', 'the bird'], { maxDf: 0.95, ngramMax: 1 });
    expect(m.nFeatures).toBe(3);
  });
});

describe('the relevance model', () => {
  it('ranks records like the relevant ones first after a handful of decisions', () => {
    const { texts, labels } = syntheticReview();
    const model = new RelevanceModel(tfidfMatrix(texts), {}, 1);
    for (const row of [3, 0, 1, 2]) model.setLabel(row, labels[row] as 0 | 1);
    model.train();
    const ranked = rankUndecided(model, model.scores());
    expect(Array.from(ranked.slice(0, 20)).every((r) => labels[r] === 1)).toBe(true);
  });

  it('an undo takes a decision back out of the model', () => {
    const { texts, labels } = syntheticReview();
    const features = tfidfMatrix(texts);
    const a = new RelevanceModel(features, {}, 1);
    for (const row of [3, 0, 1]) a.setLabel(row, labels[row] as 0 | 1);
    a.setLabel(13, 1);
    a.setLabel(13, -1);
    expect(a.decisions).toBe(3);
    expect(a.relevantDecided).toBe(1);
  });

  it('naive Bayes, for comparison, also finds them', () => {
    const { texts, labels } = syntheticReview();
    const model = new RelevanceModel(tfidfMatrix(texts), { classifier: 'nb' }, 1);
    for (const row of [3, 0]) model.setLabel(row, labels[row] as 0 | 1);
    model.train();
    const ranked = rankUndecided(model, model.scores());
    expect(Array.from(ranked.slice(0, 10)).every((r) => labels[r] === 1)).toBe(true);
  });
});

describe('ASReview\'s double balance', () => {
  it('keeps the training set\'s size, takes at least one relevant record and oversamples the relevant ones', () => {
    const y = new Int8Array(100);
    const decided = Int32Array.from({ length: 60 }, (_, i) => i);
    for (let i = 0; i < 60; i++) y[i] = i < 3 ? 1 : -1;
    const copies = doubleBalanceCopies(decided, y, seededRandom(1));
    const total = copies.reduce((a, b) => a + b, 0);
    expect(total).toBe(60);
    const relevantCopies = copies[0] + copies[1] + copies[2];
    expect(relevantCopies).toBeGreaterThan(3);
    expect(Array.from(doubleBalanceCopies(decided, y, seededRandom(1)))).toEqual(Array.from(copies));
  });
});

describe('every relevance configuration', () => {
  for (const config of RELEVANCE_CONFIGS.values()) {
    it(`${config.name}: ranks the relevant records first after a few decisions, the same way twice`, () => {
      const { texts, labels } = syntheticReview();
      const features = relevanceFeatures(texts, config);
      const ranks = [1, 2].map(() => {
        const scorer = new RelevanceScorer(features, 3);
        for (const row of [3, 0, 1, 2, 13]) scorer.setLabel(row, labels[row] as 0 | 1);
        scorer.train();
        return rankUndecided(scorer, scorer.scores());
      });
      expect(Array.from(ranks[0])).toEqual(Array.from(ranks[1]));
      expect(Array.from(ranks[0].slice(0, 20)).every((r) => labels[r] === 1)).toBe(true);
    });
  }
});

describe('a simulation', () => {
  it('is deterministic for a seed, starts from one relevant and one irrelevant prior, and screens every record once', () => {
    const { texts, labels } = syntheticReview();
    const features = relevanceFeatures(texts);
    const a = simulateRun(features, labels, 7);
    const b = simulateRun(features, labels, 7);
    expect(Array.from(a.order)).toEqual(Array.from(b.order));
    expect(labels[a.priors[0]]).toBe(1);
    expect(labels[a.priors[1]]).toBe(0);
    expect(new Set(a.order).size).toBe(300);
    // 30 relevant of 300: all found within the first 30 after the priors on a set this easy.
    expect(a.metrics.recordsFor100).toBe(29);
    expect(a.metrics.wss95).toBeGreaterThan(80);
    const c = simulateRun(features, labels, 8);
    expect(c.priors).not.toEqual(a.priors);
  });
});
