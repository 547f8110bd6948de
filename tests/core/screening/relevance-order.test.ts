import { describe, it, expect } from 'vitest';
import { assessReview } from '../../../src/core/review/derive.js';
import { ProtocolSchema, type Protocol } from '../../../src/model/protocol.js';
import type { DecisionRow, DecisionValue } from '../../../src/model/decision.js';
import type { ReviewRecord } from '../../../src/model/record.js';
import { KEY, currentStudy, press, startScreen, type ScreenState } from '../../../src/core/screening/screen-session.js';
import { renderScreen } from '../../../src/core/screening/screen-render.js';
import {
  RelevanceRanker,
  labelOfDecision,
  rankedTexts,
  relevanceOrder,
  streakText,
  relevanceReady,
  trainingLabels,
  type RankingSnapshot,
  type TrainingLabel,
} from '../../../src/core/screening/relevance-order.js';
import { rec } from '../../helpers/records.js';

/**
 * `screen --order relevance` through an injected key stream: a ranker retrained after each saved
 * decision (in the terminal a worker thread does this; here it finishes at once, after the key
 * that made the decision, so like the worker it is one decision behind the key being handled).
 */

const DEMENTIA = [
  'Social work with people living with dementia in care homes',
  'Dementia care homes: social work assessments of residents with memory loss',
  'Care home residents with dementia and the social work role in memory services',
  'Social work practice and dementia: memory clinics and residential care homes',
  'Memory loss, dementia and social work support for care home residents',
  'Dementia in residential care: what social work adds for residents with memory problems',
];
const YOUTH_JUSTICE = [
  'Social work in youth justice courts and young offenders',
  'Young offenders, youth courts and probation: a social work perspective',
  'Youth justice social work with young people in custody and courts',
  'Probation officers and social work with young offenders after court',
  'Social work reports for youth courts on young offenders and reoffending',
  'Custody, courts and youth offending teams: social work practice',
];

// File order interleaves the topics: D1 Y1 D2 Y2 …
const RECORDS: ReviewRecord[] = DEMENTIA.flatMap((d, i) => [
  rec({ id: `db:d${i + 1}`, title: d, abstract: `${d}. A study of ${i + 10} cases.`, year: 2010 + i }),
  rec({ id: `db:y${i + 1}`, title: YOUTH_JUSTICE[i], abstract: `${YOUTH_JUSTICE[i]}. A study of ${i + 20} cases.`, year: 2010 + i }),
]);

function protocol(screening: Record<string, unknown> = {}, reviewers = 1): Protocol {
  return ProtocolSchema.parse({
    title: 'test',
    sources: [{ key: 'db', database: 'DB', file: 'db.ris', searchDate: '2020-01-01', searchString: 'x' }],
    titleAbstract: { criteria: [{ id: 'social-work', query: '"social work*"', reason: 'Not about social work' }], reviewers },
    fullText: { exclusionReasons: [{ id: 'x', label: 'X' }] },
    screening,
    extraction: { fields: [] },
  });
}

let line = 0;
const row = (reviewer: string, recordId: string, decision: DecisionValue): DecisionRow => ({
  time: `2020-01-01T00:00:${String(++line % 60).padStart(2, '0')}Z`,
  recordId,
  decision,
  reason: '',
  note: '',
  reviewer,
  stage: 'title-abstract',
  role: 'reviewer',
  file: `${reviewer}.csv`,
  line,
});

let tick = 0;
const clock = () => new Date(Date.UTC(2024, 0, 1, 9, 0, tick++));

/** A session whose ranking is retrained after every saved decision, as the worker does. */
function relevanceSession(rows: DecisionRow[] = []) {
  const p = protocol();
  const state = assessReview(p, RECORDS, rows);
  const labels = new Map<string, TrainingLabel>(trainingLabels(state, p, 'title-abstract', 'alice'));
  const ranker = new RelevanceRanker(rankedTexts(state, 'title-abstract'), 1);
  let ranking: RankingSnapshot | undefined;
  const retrain = () => {
    ranker.setLabels(labels);
    ranking = ranker.rank();
  };
  retrain();
  const chosen = new Map<string, number>();
  const order = relevanceOrder({ latest: () => ranking, chose: (id, n) => chosen.set(id, n) });
  let screen: ScreenState = startScreen({ state, protocol: p, stage: 'title-abstract', reviewer: 'alice', now: clock, order });
  const shown: string[] = [currentStudy(screen)!.id];
  const pressKeys = (keys: string[]) => {
    for (const key of keys) {
      const step = press(screen, key);
      screen = step.state;
      for (const r of step.rows) {
        const l = labelOfDecision(r.decision);
        if (l === undefined) labels.delete(r.recordId);
        else labels.set(r.recordId, l);
      }
      if (step.rows.length) retrain();
      const now = currentStudy(screen)?.id;
      if (now && now !== shown[shown.length - 1]) shown.push(now);
    }
  };
  return { pressKeys, shown, chosen, get ranking() { return ranking; } };
}

const include = ['i'];
const exclude = ['e', '0'];

describe('screen --order relevance', () => {
  it('after includes of one topic, the records of that topic come first', () => {
    const s = relevanceSession();
    // Nothing to learn from yet: the file order, D1 then Y1.
    expect(s.shown).toEqual(['db:d1']);
    s.pressKeys(include); // d1
    expect(s.shown.at(-1)).toBe('db:y1');
    s.pressKeys(exclude); // y1: now there is an include and an exclude
    // The ranking that picked this record was trained on one decision too few to exist (the worker lags a key), so the file order: d2.
    expect(s.shown.at(-1)).toBe('db:d2');
    s.pressKeys(include); // d2
    // From here on, every record of the dementia topic before any other youth-justice one.
    for (let i = 0; i < 4; i++) s.pressKeys(include);
    expect(s.shown.slice(0, 3)).toEqual(['db:d1', 'db:y1', 'db:d2']);
    expect([...s.shown.slice(3, 7)].sort()).toEqual(['db:d3', 'db:d4', 'db:d5', 'db:d6']);
    expect(s.shown[7]).toMatch(/^db:y/);
    // The order log's ranked_on: each ranking-chosen record with the decisions its ranking had.
    expect(s.shown.slice(3, 8).map((id) => s.chosen.get(id))).toEqual([2, 3, 4, 5, 6]);
    expect(s.chosen.has('db:d2')).toBe(false);
  });

  it('resumes in relevance order from the decisions in the logs', () => {
    const s = relevanceSession([row('alice', 'db:y1', 'include'), row('alice', 'db:d1', 'exclude')]);
    // Youth justice is what this reviewer includes: the session starts with it.
    expect(s.shown[0]).toMatch(/^db:y/);
    expect(s.ranking?.trainedOn).toBe(2);
    for (let i = 0; i < 4; i++) s.pressKeys(include);
    expect(s.shown.slice(0, 5).every((id) => id.startsWith('db:y'))).toBe(true);
  });

  it('is the same ranking for the same decisions and seed', () => {
    const p = protocol();
    const state = assessReview(p, RECORDS, [row('alice', 'db:d1', 'include'), row('alice', 'db:y1', 'exclude')]);
    const labels = trainingLabels(state, p, 'title-abstract', 'alice');
    const a = new RelevanceRanker(rankedTexts(state, 'title-abstract'), 3);
    const b = new RelevanceRanker(rankedTexts(state, 'title-abstract'), 3);
    a.setLabels(labels);
    b.setLabels(labels);
    expect(a.rank()).toEqual(b.rank());
  });
});

describe('stopping guidance on the screen', () => {
  it("the heading shows the excludes in a row since the last include, read at every draw", () => {
    const p = protocol();
    const state = assessReview(p, RECORDS, []);
    let streak = 0;
    const order = relevanceOrder({ latest: () => undefined }, () => streakText(streak));
    const screen = startScreen({ state, protocol: p, stage: 'title-abstract', reviewer: 'alice', now: clock, order });
    expect(renderScreen(screen, { width: 120 }).lines[0]).toContain('alice · 0 irrelevant in a row · relevance order');
    streak = 37;
    expect(renderScreen(screen, { width: 120 }).lines[0]).toContain('37 irrelevant in a row · relevance order');
  });
});

describe('what the model learns from', () => {
  it('include and override teach relevant, exclude irrelevant; maybe, not-retrieved and retract nothing', () => {
    expect(['include', 'override', 'exclude', 'maybe', 'not-retrieved', 'retract'].map((d) => labelOfDecision(d as DecisionValue))).toEqual([1, 1, 0, undefined, undefined, undefined]);
  });

  it('relevance is ready once the stage has an include and an exclude', () => {
    expect(relevanceReady(new Map([['a', 1]]))).toBe(false);
    expect(relevanceReady(new Map<string, TrainingLabel>([['a', 1], ['b', 0]]))).toBe(true);
  });

  it('not blind: every reviewer\'s decisions (an include by anyone makes it relevant)', () => {
    const p = protocol({}, 2);
    const state = assessReview(p, RECORDS, [row('bob', 'db:d1', 'include'), row('alice', 'db:d1', 'exclude'), row('bob', 'db:y1', 'exclude')]);
    expect(trainingLabels(state, p, 'title-abstract', 'alice')).toEqual(new Map([['db:d1', 1], ['db:y1', 0]]));
  });

  it("blind: only this reviewer's own decisions, so the order cannot leak another's votes", () => {
    const p = protocol({ blind: true }, 2);
    const state = assessReview(p, RECORDS, [row('bob', 'db:d1', 'include'), row('bob', 'db:y1', 'exclude'), row('alice', 'db:d2', 'exclude')]);
    expect(trainingLabels(state, p, 'title-abstract', 'alice')).toEqual(new Map([['db:d2', 0]]));
    expect(trainingLabels(state, p, 'title-abstract', 'bob')).toEqual(new Map([['db:d1', 1], ['db:y1', 0]]));
  });
});

// Keep KEY imported for readers of the key names used above ('e' then '0': exclude with no reason).
void KEY;
