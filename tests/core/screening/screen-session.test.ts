import { describe, it, expect } from 'vitest';
import { assessReview, type ReviewState } from '../../../src/core/review/derive.js';
import { ProtocolSchema, type Protocol } from '../../../src/model/protocol.js';
import type { DecisionRow, DecisionValue, Stage } from '../../../src/model/decision.js';
import type { ReviewRecord } from '../../../src/model/record.js';
import {
  KEY,
  FILE_ORDER,
  randomOrder,
  currentStudy,
  isBlindNow,
  pressAll,
  press,
  progressOf,
  screenKeys,
  startScreen,
  type ScreenRow,
  type ScreenState,
} from '../../../src/core/screening/screen-session.js';
import { renderScreen, progressLine, type Paint } from '../../../src/core/screening/screen-render.js';
import { reviewerQueue } from '../../../src/core/screening/queue.js';
import { rec } from '../../helpers/records.js';

/**
 * The screen's logic, driven by keys as a reviewer presses them: no terminal, no disk. Each test
 * builds a small review state with assessReview, as `loadReview` would from files.
 */

const RECORDS: ReviewRecord[] = [
  rec({ id: 'psycinfo:1', title: 'Service user involvement in social work education', authors: 'Webber, M.; Robinson, K.', year: 2014, journal: 'Social Work Education', doi: '10.1000/swe.1', abstract: 'Service users taught social work students. Coproduction of the curriculum was evaluated.', keywords: ['service users', 'education'] }),
  rec({ id: 'sco:1', title: 'Service user involvement in social work education', authors: 'Webber, M.; Robinson, K.', year: 2014, journal: 'Social Work Education', doi: '10.1000/swe.1' }),
  rec({ id: 'psycinfo:2', title: 'Carers and social work practice development', authors: 'Tew, J.', year: 2012, abstract: 'Carers took part in practice development.' }),
  rec({ id: 'psycinfo:3', title: 'Lived experience in social care commissioning', authors: 'Beresford, P.', year: 2016, abstract: 'Experts by experience and the social care market.' }),
  rec({ id: 'psycinfo:4', title: 'Hospital discharge planning for older adults', authors: 'Smith, A.', year: 2015, abstract: 'A study of discharge from acute wards.' }),
  rec({ id: 'psycinfo:5', title: 'Peer support workers in social work teams', authors: 'Jones, B.', year: 2017, abstract: 'Peer support in statutory social work.', url: 'https://example.org/peer' }),
];

function protocolWith(overrides: Record<string, unknown> = {}): Protocol {
  return ProtocolSchema.parse({
    title: 'test',
    sources: [{ key: 'psycinfo', database: 'PsycINFO', file: 'p.ris', searchDate: '2018-01-19', searchString: 'x' }],
    titleAbstract: {
      criteria: [{ id: 'social-work', query: '"social work*" OR "social care"', reason: 'Not about social work' }],
      exclusionReasons: [
        { id: 'not-involvement', label: 'Not about involvement' },
        { id: 'not-empirical', label: 'Not empirical' },
      ],
      ...((overrides.titleAbstract as object) ?? {}),
    },
    fullText: {
      exclusionReasons: [
        { id: 'not-involvement', label: 'Not about involvement' },
        { id: 'poor-methods', label: 'Methods not reported' },
      ],
      ...((overrides.fullText as object) ?? {}),
    },
    screening: overrides.screening ?? {},
    extraction: { fields: [] },
  });
}

let line = 0;
function row(reviewer: string, recordId: string, decision: DecisionValue, stage: Stage = 'title-abstract', reason = ''): DecisionRow {
  line++;
  return { time: `2020-01-01T00:00:${String(line % 60).padStart(2, '0')}Z`, recordId, decision, reason, note: '', reviewer, stage, role: 'reviewer', file: `${reviewer}.csv`, line };
}

function reviewState(protocol: Protocol, rows: DecisionRow[] = []): ReviewState {
  return assessReview(protocol, RECORDS, rows);
}

let tick = 0;
const clock = () => new Date(Date.UTC(2024, 0, 1, 9, 0, tick++));

function session(options: { protocol?: Protocol; rows?: DecisionRow[]; stage?: Stage; reviewer?: string } = {}): ScreenState {
  const protocol = options.protocol ?? protocolWith();
  return startScreen({ state: reviewState(protocol, options.rows), protocol, stage: options.stage ?? 'title-abstract', reviewer: options.reviewer ?? 'alice', now: clock });
}

/** Keys as typed: each character one key; `⏎` is Enter and `⎋` Esc. */
const keys = (typed: string) => [...typed].map((k) => (k === '⏎' ? KEY.enter : k === '⎋' ? KEY.escape : k));
const brief = (rows: ScreenRow[]) => rows.map((r) => [r.recordId, r.decision, r.reason, r.note].filter((x) => x !== '').join(' '));
const onScreen = (s: ScreenState) => currentStudy(s)?.id;
const text = (s: ScreenState, width = 80) => renderScreen(s, { width }).lines.join('\n');

describe('the queue of a session', () => {
  it('is the reviewer\'s queue: the studies no criterion excluded, duplicates as one study, in file order', () => {
    const s = session();
    expect(s.ctx.queue.map((q) => q.id)).toEqual(['psycinfo:1', 'psycinfo:2', 'psycinfo:3', 'psycinfo:5']);
    expect(s.ctx.queue[0].memberIds).toEqual(['psycinfo:1', 'sco:1']);
    expect(onScreen(s)).toBe('psycinfo:1');
    expect(progressLine(s)).toBe('1/4 · 0 included · 0 excluded · 0 maybe · 0 conflicts');
  });

  it('resumes at the reviewer\'s first undecided record: the rows of earlier sessions are the queue', () => {
    const first = pressAll(session(), keys('ie1'));
    expect(brief(first.rows)).toEqual(['psycinfo:1 include', 'psycinfo:2 exclude not-involvement']);
    // The rows as they come back from the log next time.
    const again = session({ rows: first.rows.map((r) => row('alice', r.recordId, r.decision, 'title-abstract', r.reason)) });
    expect(onScreen(again)).toBe('psycinfo:3');
    expect(progressLine(again)).toBe('3/4 · 1 included · 1 excluded · 0 maybe · 0 conflicts');
  });

  it('is per reviewer: with two reviewers required, a second reviewer still has every study', () => {
    const rows = ['psycinfo:1', 'psycinfo:2', 'psycinfo:3', 'psycinfo:5'].map((id) => row('alice', id, 'include'));
    expect(session({ rows, reviewer: 'bob' }).ctx.queue).toHaveLength(0);
    const two = protocolWith({ titleAbstract: { reviewers: 2 } });
    const bob = session({ protocol: two, rows, reviewer: 'bob' });
    expect(bob.ctx.queue.map((q) => q.id)).toEqual(['psycinfo:1', 'psycinfo:2', 'psycinfo:3', 'psycinfo:5']);
    // The same queue as `list --pending --reviewer` reads (core/screening/queue.ts).
    expect(bob.ctx.queue).toEqual(reviewerQueue(reviewState(two, rows), two, 'title-abstract', 'bob'));
    const alice = session({ protocol: two, rows, reviewer: 'alice' });
    expect(onScreen(alice)).toBeUndefined();
    expect(text(alice)).toContain('Nothing left in your queue');
  });

  it('keeps a seeded random order that does not move between sessions', () => {
    const protocol = protocolWith();
    const state = reviewState(protocol);
    const order = (seed: number, st = state) => startScreen({ state: st, protocol, stage: 'title-abstract', reviewer: 'alice', now: clock, order: randomOrder(seed) }).ctx.queue.map((q) => q.id);
    expect(order(7)).toEqual(order(7));
    expect([...order(7)].sort()).toEqual(['psycinfo:1', 'psycinfo:2', 'psycinfo:3', 'psycinfo:5']);
    const decided = reviewState(protocol, [row('alice', order(7)[1], 'include')]);
    expect(order(7, decided)).toEqual(order(7).filter((id) => id !== order(7)[1]));
    expect(FILE_ORDER.name).toBe('file');
  });
});

describe('one key per decision', () => {
  it('include, exclude with a numbered reason, maybe; each a row with the injected time, then the next record', () => {
    const start = session();
    const step = press(start, 'i');
    expect(step.rows).toEqual([{ time: step.rows[0].time, recordId: 'psycinfo:1', decision: 'include', reason: '', note: '' }]);
    expect(step.rows[0].time).toMatch(/^2024-01-01T09:00:\d\d\.000Z$/);
    expect(onScreen(step.state)).toBe('psycinfo:2');
    // e opens the reasons; nothing is written until one is chosen.
    const asked = press(step.state, 'e');
    expect(asked.rows).toEqual([]);
    expect(text(asked.state)).toContain('1  Not about involvement');
    expect(text(asked.state)).toContain('3  other (free text)');
    const done = pressAll(asked.state, keys('2m'));
    expect(brief(done.rows)).toEqual(['psycinfo:2 exclude not-empirical', 'psycinfo:3 maybe']);
    expect(onScreen(done.state)).toBe('psycinfo:5');
    expect(progressLine(done.state)).toBe('4/4 · 1 included · 1 excluded · 1 maybe · 0 conflicts');
  });

  it('at title/abstract a reason is optional (0) or free text ("other")', () => {
    const { rows } = pressAll(session(), keys('e0e3not a trial⏎'));
    expect(brief(rows)).toEqual(['psycinfo:1 exclude', 'psycinfo:2 exclude not a trial']);
  });

  it('at full text a reason is required: Esc and unknown keys write nothing; not-retrieved is a choice', () => {
    const rows = ['psycinfo:1', 'psycinfo:2', 'psycinfo:3'].map((id) => row('alice', id, 'include'));
    const s = session({ rows, stage: 'full-text' });
    expect(s.ctx.queue.map((q) => q.id)).toEqual(['psycinfo:1', 'psycinfo:2', 'psycinfo:3']);
    expect(text(s)).toContain('https://doi.org/10.1000/swe.1');
    const refused = pressAll(s, keys('e0e⎋ez'));
    expect(refused.rows).toEqual([]);
    expect(refused.state.message).toContain('a full-text exclusion needs a reason');
    expect(text(refused.state)).not.toContain('no reason');
    const done = pressAll(refused.state, keys('⎋e2e3'));
    expect(brief(done.rows)).toEqual(['psycinfo:1 exclude poor-methods', 'psycinfo:2 not-retrieved']);
  });

  it('skip moves on without a row; a skipped record comes back after the rest', () => {
    const { rows, state } = pressAll(session(), keys('ssi'));
    expect(brief(rows)).toEqual(['psycinfo:3 include']);
    expect(onScreen(state)).toBe('psycinfo:5');
    const after = pressAll(state, keys('i'));
    expect(onScreen(after.state)).toBe('psycinfo:1');
  });

  it('a note is written with the next decision on its record', () => {
    const { rows, state } = pressAll(session(), keys('nteaching rec⏎'));
    expect(rows).toEqual([]);
    expect(text(state)).toContain('Note (written with your decision): teaching rec');
    const decided = pressAll(state, keys('ii'));
    expect(brief(decided.rows)).toEqual(['psycinfo:1 include teaching rec', 'psycinfo:2 include']);
  });

  it('quits on q and on Ctrl-C, writing nothing', () => {
    expect(press(session(), 'q')).toMatchObject({ quit: true, rows: [] });
    expect(press(session(), KEY.interrupt)).toMatchObject({ quit: true, rows: [] });
  });

  it('? shows the keys, any key goes back', () => {
    const help = press(session(), '?').state;
    expect(text(help)).toContain('Keys (one key each, no Enter)');
    expect(onScreen(press(help, 'x').state)).toBe('psycinfo:1');
  });
});

describe('undo', () => {
  it('appends a retract row for the last decision of the session and returns to that record', () => {
    const { rows, state } = pressAll(session(), keys('ie1u'));
    expect(brief(rows)).toEqual(['psycinfo:1 include', 'psycinfo:2 exclude not-involvement', 'psycinfo:2 retract undo']);
    expect(onScreen(state)).toBe('psycinfo:2');
    expect(progressLine(state)).toBe('2/4 · 1 included · 0 excluded · 0 maybe · 0 conflicts');
    const again = pressAll(state, keys('uu'));
    expect(brief(again.rows)).toEqual(['psycinfo:1 retract undo']);
    expect(onScreen(again.state)).toBe('psycinfo:1');
    expect(again.state.message).toBe('nothing to undo in this session');
    expect(progressLine(again.state)).toBe('1/4 · 0 included · 0 excluded · 0 maybe · 0 conflicts');
  });

  it('keeps the undone decision\'s note for the next one', () => {
    const { rows } = pressAll(session(), keys('nwhy⏎iui'));
    expect(brief(rows)).toEqual(['psycinfo:1 include why', 'psycinfo:1 retract undo', 'psycinfo:1 include why']);
  });
});

describe('search and override', () => {
  it('/ jumps to the next queued record whose id, title or abstract matches; Enter alone repeats', () => {
    const found = pressAll(session(), keys('/PEER support⏎'));
    expect(onScreen(found.state)).toBe('psycinfo:5');
    const byNumber = pressAll(session(), keys('/#3⏎'));
    expect(onScreen(byNumber.state)).toBe('psycinfo:3'); // the third study of the review (sco:1 is a copy of the first)
    // Signs in the text are literal (an id has ":" and "-"; "(" or "*" are not patterns).
    expect(onScreen(pressAll(session(), keys('/psycinfo:3⏎')).state)).toBe('psycinfo:3');
    expect(pressAll(session(), keys('/(a-b)*[⏎')).state.message).toBe('no record matches "(a-b)*["');
    const none = pressAll(session(), keys('/zebra⏎'));
    expect(none.state.message).toBe('no record matches "zebra"');
    expect(onScreen(none.state)).toBe('psycinfo:1');
  });

  it('reaches a record a criterion excluded; only override counts there, with a reason; then back to the queue', () => {
    const found = pressAll(session(), keys('/discharge⏎'));
    expect(onScreen(found.state)).toBe('psycinfo:4');
    expect(text(found.state)).toContain('Excluded by criterion "social-work"');
    const refused = pressAll(found.state, keys('iem'));
    expect(refused.rows).toEqual([]);
    expect(refused.state.message).toContain('o overrides it');
    const empty = pressAll(refused.state, keys('o⏎'));
    expect(empty.rows).toEqual([]);
    expect(empty.state.message).toContain('an override needs a reason');
    const done = pressAll(empty.state, keys('social workers lead discharge⏎'));
    expect(brief(done.rows)).toEqual(['psycinfo:4 override social workers lead discharge']);
    expect(onScreen(done.state)).toBe('psycinfo:1');
    expect(progressLine(done.state)).toBe('2/5 · 1 included · 0 excluded · 0 maybe · 0 conflicts');
    // Undo takes the override back and shows that record again.
    const undone = pressAll(done.state, keys('u'));
    expect(brief(undone.rows)).toEqual(['psycinfo:4 retract undo']);
    expect(onScreen(undone.state)).toBe('psycinfo:4');
    expect(progressLine(undone.state)).toBe('1/4 · 0 included · 0 excluded · 0 maybe · 0 conflicts');
  });

  it('override is refused at full text and on a record no criterion excluded', () => {
    expect(press(session(), 'o').state.message).toContain('no criterion excludes this record');
    const ft = session({ rows: [row('alice', 'psycinfo:1', 'include')], stage: 'full-text' });
    expect(press(ft, 'o').state.message).toContain('override lifts a title/abstract criterion');
  });
});

describe('blind mode', () => {
  const blind = protocolWith({ titleAbstract: { reviewers: 2 }, screening: { blind: true } });
  const alice = ['psycinfo:1', 'psycinfo:2', 'psycinfo:3', 'psycinfo:5'].map((id) => row('alice', id, id === 'psycinfo:2' ? 'exclude' : 'include'));

  it('hides other reviewers\' decisions and the conflicts they make until every record has its votes', () => {
    const bob = session({ protocol: blind, rows: alice, reviewer: 'bob' });
    expect(isBlindNow(bob)).toBe(true);
    expect(text(bob)).not.toContain('alice');
    expect(progressLine(bob)).toBe('1/4 · 0 included · 0 excluded · 0 maybe · blind');
    // bob disagrees on psycinfo:1 and psycinfo:2: conflicts, still hidden.
    const step = pressAll(bob, keys('e0ii'));
    expect(isBlindNow(step.state)).toBe(true);
    expect(text(step.state)).not.toMatch(/alice|conflict/);
    // The last vote lifts blind mode: the decisions and the conflict show.
    const done = pressAll(step.state, keys('i'));
    expect(isBlindNow(done.state)).toBe(false);
    expect(progressLine(done.state)).toBe('4/4 · 3 included · 1 excluded · 0 maybe · 2 conflicts');
    const back = pressAll(done.state, keys('/#1⏎'));
    expect(text(back.state)).toContain('Other reviewers: alice: include');
  });

  it('without blind mode the other reviewer\'s decision is on the screen', () => {
    const open = protocolWith({ titleAbstract: { reviewers: 2 } });
    const bob = session({ protocol: open, rows: alice, reviewer: 'bob' });
    expect(text(bob)).toContain('Other reviewers: alice: include');
    expect(progressLine(bob)).toContain('0 conflicts');
  });
});

describe('keys remapped in the protocol', () => {
  it('uses screening.keys over the defaults', () => {
    const protocol = protocolWith({ screening: { keys: { include: 'y', exclude: 'x', quit: 'Q' } } });
    const s = session({ protocol });
    const { rows, state } = pressAll(s, keys('yx1i'));
    expect(brief(rows)).toEqual(['psycinfo:1 include', 'psycinfo:2 exclude not-involvement']);
    expect(state.message).toContain('"i" is not a key here');
    expect(text(state)).toContain('y include · x exclude');
    expect(press(state, 'Q').quit).toBe(true);
    expect(press(state, 'q').quit).toBeUndefined();
  });

  it('refuses two actions on one key', () => {
    expect(screenKeys(protocolWith({ screening: { keys: { include: 'e' } } })).problem).toBe('screening.keys: "e" would be the key of both include and exclude; give each action its own key');
    expect(screenKeys(protocolWith({ screening: { keys: { include: ' ' } } })).problem).toContain('not a key a reviewer can press');
    expect(screenKeys(protocolWith()).problem).toBeUndefined();
  });
});

describe('what the screen shows', () => {
  const mark: Paint = { heading: (s) => s, dim: (s) => s, id: (s) => s, good: (s) => s, bad: (s) => s, warn: (s) => s, term: (s) => `[${s}]` };

  it('the short number, id, title, authors, year, journal, databases, abstract with criterion terms, keywords, criteria, progress', () => {
    const lines = renderScreen(session(), { width: 60, paint: mark }).lines;
    const all = lines.join('\n');
    expect(lines[1]).toBe('#1  psycinfo:1');
    expect(all).toContain('Service user involvement in [social work] education');
    expect(all).toContain('Webber, M.; Robinson, K.');
    expect(all).toContain('2014 · Social Work Education · psycinfo, sco');
    expect(all).toContain('taught [social work] students');
    expect(all).toContain('Keywords: service users; education');
    expect(all).toContain('Criteria passed: social-work');
    expect(all).toContain('1/4 · 0 included');
    expect(all).toContain('i include · e exclude · m maybe · s skip · u undo · n note');
    for (const l of lines) expect(l.replace(/[[\]]/g, '').length).toBeLessThanOrEqual(60);
  });

  it('strips control characters and bidi overrides from record text', () => {
    const hostile = [rec({ id: 'db:1', title: 'Social work\u001b[2J and \u202eevil\u0007', abstract: 'Line\r\none \u0000social care\u009b31m' })];
    const protocol = protocolWith();
    const state = assessReview(protocol, hostile, []);
    const s = startScreen({ state, protocol, stage: 'title-abstract', reviewer: 'alice', now: clock });
    const all = text(s);
    expect(all).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(all).toContain('Social work [2J and evil');
    expect(all).toContain('Line one social care 31m');
  });

  it('fits a short terminal by cutting the abstract, which scrolls', () => {
    const long = [rec({ id: 'db:1', title: 'Social work', abstract: 'social work '.repeat(200) })];
    const protocol = protocolWith();
    const s = startScreen({ state: assessReview(protocol, long, []), protocol, stage: 'title-abstract', reviewer: 'alice', now: clock });
    const screen = renderScreen(s, { width: 60, height: 24 });
    expect(screen.lines.length).toBeLessThanOrEqual(24);
    expect(screen.maxScroll).toBeGreaterThan(0);
    expect(screen.lines.join('\n')).toContain('more line(s)');
  });

  it('a keypress never re-derives the review: the state is shared, only the session changes', () => {
    const s = session();
    const next = press(s, 'i').state;
    expect(next.ctx).toBe(s.ctx);
    expect(next.ctx.state).toBe(s.ctx.state);
    expect(progressOf(next)).toEqual({ position: 2, total: 4 });
  });
});
