import { describe, it, expect, afterAll } from 'vitest';
import { litscreen, removeDir, SEED_REVIEW } from '../helpers/cli.js';
import { twoReviewerReview, adjudicate, secondReviewerCatchesUp, DISAGREE_ON_DECISION } from './two-reviewer-review.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

type Stage = { stage: string; reviewers: Record<string, unknown>[] } & Record<string, unknown>;
const stageOf = (stdout: string, name: string): Stage => JSON.parse(stdout).stages.find((s: Stage) => s.stage === name);
const reviewerOf = (stage: Stage, name: string) => stage.reviewers.find((r) => r.reviewer === name);

describe('litscreen status', () => {
  it('the seed review: everything decided at both stages', () => {
    const run = litscreen(['status', SEED_REVIEW, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const ta = stageOf(run.stdout, 'title-abstract');
    expect(ta).toMatchObject({ screened: 286, pending: 0, conflicts: 0, decided: 286, blind: false, agreement: [] });
    expect(reviewerOf(ta, 'first-author')).toMatchObject({ decided: 286, maybe: 0, remaining: 0, inConflict: 0 });
    const ft = stageOf(run.stdout, 'full-text');
    expect(ft).toMatchObject({ screened: 67, pending: 0, conflicts: 0, decided: 67 });
    expect(reviewerOf(ft, 'second-reviewer')).toMatchObject({ decided: 15, included: 4, excluded: 11 });
  });

  it('two reviewers: decided, remaining (their own queue), maybe and in conflict, the stage counts and the agreement', () => {
    const dir = twoReviewerReview();
    cleanup.push(dir);
    const run = litscreen(['status', dir, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const ft = stageOf(run.stdout, 'full-text');
    expect(ft).toMatchObject({ reviewersPerRecord: 2, screened: 67, pending: 49, conflicts: 2, decided: 16, withAllVotes: 18 });
    expect(reviewerOf(ft, 'first-author')).toMatchObject({ decided: 67, included: 11, excluded: 56, maybe: 0, remaining: 0, inConflict: 2 });
    expect(reviewerOf(ft, 'second-reviewer')).toMatchObject({ decided: 18, included: 4, excluded: 14, maybe: 1, remaining: 48, inConflict: 2 });
    expect((ft.agreement as { figures: { ratedByBoth: number } }[])[0].figures.ratedByBoth).toBe(18);

    const text = litscreen(['status', dir]).stdout;
    expect(text).toContain('Full text: 67 record(s) screened, 2 reviewers per record');
    expect(text).toContain('pending 49 · in conflict 2 · decided 16');
    expect(text).toMatch(/second-reviewer\s+18\s+4\s+14\s+0\s+1\s+48\s+2/);
    expect(text).toMatch(/agreement first-author \/ second-reviewer: 18 screened by both, observed 0\.944, kappa 0\.852 \(almost perfect\), PABAK 0\.889, AC1 0\.911/);
    expect(text).toContain(`2 conflict(s) to settle: litscreen conflicts ${dir} --stage full-text`);

    adjudicate(dir, DISAGREE_ON_DECISION, 'include');
    const settled = litscreen(['status', dir]).stdout;
    expect(settled).toContain('pending 49 · in conflict 1 · decided 17 (1 by an adjudicator)');
  });

  it('a named reviewer who has not started is listed with their whole queue', () => {
    const dir = twoReviewerReview();
    cleanup.push(dir);
    const ft = stageOf(litscreen(['status', dir, '--json', '--reviewer', 'dana']).stdout, 'full-text');
    // Two reviewers needed and first-author voted on all: every record still short of a second vote waits for dana too.
    expect(reviewerOf(ft, 'dana')).toMatchObject({ decided: 0, maybe: 0, remaining: 49 });
    const run = litscreen(['status', dir, '--reviewer', 'bad/name']);
    expect(run.status).toBe(2);
  });

  it('blind mode: progress for everyone, which way one voted only to oneself, no conflicts or agreement', () => {
    const dir = twoReviewerReview({ blind: true });
    cleanup.push(dir);
    const anonymous = stageOf(litscreen(['status', dir, '--json']).stdout, 'full-text');
    expect(anonymous).toMatchObject({ blind: true, pending: 49, withAllVotes: 18, conflicts: null, decided: null, adjudicated: null, agreement: null });
    expect(reviewerOf(anonymous, 'first-author')).toMatchObject({ decided: 67, included: null, excluded: null, maybe: 0, remaining: 0, inConflict: null });
    expect(reviewerOf(anonymous, 'second-reviewer')).toMatchObject({ decided: 18, included: null, maybe: 1, remaining: 48, inConflict: null });

    const own = litscreen(['status', dir, '--json', '--reviewer', 'second-reviewer']).stdout;
    expect(reviewerOf(stageOf(own, 'full-text'), 'second-reviewer')).toMatchObject({ included: 4, excluded: 14, inConflict: null });
    expect(reviewerOf(stageOf(own, 'full-text'), 'first-author')).toMatchObject({ included: null, excluded: null });
    // LITSCREEN_REVIEWER names who asks too.
    const byEnv = litscreen(['status', dir, '--json'], { env: { LITSCREEN_REVIEWER: 'first-author' } }).stdout;
    expect(reviewerOf(stageOf(byEnv, 'full-text'), 'first-author')).toMatchObject({ included: 11, excluded: 56 });
    expect(reviewerOf(stageOf(byEnv, 'full-text'), 'second-reviewer')).toMatchObject({ included: null });

    const text = litscreen(['status', dir, '--reviewer', 'second-reviewer']).stdout;
    expect(text).toContain('Full text: 67 record(s) screened, 2 reviewers per record, blind');
    expect(text).toContain('pending 49 · with all their votes 18 of 67');
    expect(text).toMatch(/first-author\s+67\s+hidden\s+hidden\s+hidden\s+0\s+0\s+hidden/);
    expect(text).toMatch(/second-reviewer\s+18\s+4\s+14\s+0\s+1\s+48\s+hidden/);
    const fullText = text.slice(text.indexOf('Full text:'));
    expect(fullText).not.toMatch(/in conflict \d|kappa|decided \d/);

    secondReviewerCatchesUp(dir);
    const lifted = stageOf(litscreen(['status', dir, '--json']).stdout, 'full-text');
    expect(lifted).toMatchObject({ blind: false, pending: 0, conflicts: 2, decided: 65 });
    expect(reviewerOf(lifted, 'first-author')).toMatchObject({ included: 11, inConflict: 2 });
  });

  it('--help shows examples', () => {
    const run = litscreen(['status', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('litscreen status fixtures/seed-review');
  });
});
