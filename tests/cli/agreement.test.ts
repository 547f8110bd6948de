import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { litscreen, removeDir, SEED_REVIEW } from '../helpers/cli.js';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { twoReviewerReview, adjudicate, secondReviewerCatchesUp, logRow, DISAGREE_ON_DECISION, MAYBE } from './two-reviewer-review.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

describe('litscreen agreement', () => {
  it('the seed review: the two full-text reviewers agree on the 15 records both screened', () => {
    const run = litscreen(['agreement', SEED_REVIEW, '--stage', 'full-text', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ stage: 'full-text', withheld: false, reviewers: ['first-author', 'second-reviewer'] });
    expect(result.pairs).toHaveLength(1);
    expect(result.pairs[0]).toMatchObject({
      reviewers: ['first-author', 'second-reviewer'],
      table: { bothInclude: 4, onlyFirstIncludes: 0, onlySecondIncludes: 0, bothExclude: 11 },
      figures: { ratedByBoth: 15, observed: 1, kappa: 1, band: 'almost perfect', pabak: 1, ac1: 1 },
    });
  });

  it('one reviewer at a stage: no pair, said in words, exit 0', () => {
    const run = litscreen(['agreement', SEED_REVIEW, '--stage', 'title-abstract']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('needs two reviewers who voted on the same records; only first-author has votes there');
    expect(JSON.parse(litscreen(['agreement', SEED_REVIEW, '--stage', 'title-abstract', '--json']).stdout).pairs).toEqual([]);
  });

  describe('two reviewers who disagree', () => {
    let dir: string;
    beforeAll(() => {
      dir = twoReviewerReview();
      cleanup.push(dir);
    });

    it('prints the figures per pair, the 2×2 table and the records excluded on different grounds', () => {
      const run = litscreen(['agreement', dir, '--stage', 'full-text']);
      expect(run.status, run.stderr).toBe(0);
      // 4 both include, 1 only first-author, 13 neither: p_o 17/18, kappa 104/122, PABAK 16/18, AC1 369/405.
      expect(run.stdout).toMatch(/first-author \/ second-reviewer\s+18\s+0\.944\s+0\.852\s+almost perfect\s+0\.889\s+0\.911/);
      expect(run.stdout).toContain('both include 4, only first-author includes 1, only second-reviewer includes 0, neither includes 13');
      expect(run.stdout).toContain('1 record(s) neither includes, on different grounds');
      expect(run.stdout).toContain('49 record(s) at full text still wait for their required votes');
      expect(run.stdout).not.toMatch(/NaN/);
    });

    it('--json gives the same figures', () => {
      const result = JSON.parse(litscreen(['agreement', dir, '--stage', 'full-text', '--json']).stdout);
      const [pair] = result.pairs;
      expect(pair.figures.ratedByBoth).toBe(18);
      expect(pair.figures.kappa).toBeCloseTo(104 / 122, 12);
      expect(pair.figures.ac1).toBeCloseTo(369 / 405, 12);
      expect(pair.differentReasons).toBe(1);
      expect(result.waitingForVotes).toBe(49);
    });

    it('an adjudicator\u2019s decision replaces no vote: the figures stay', () => {
      const other = twoReviewerReview();
      cleanup.push(other);
      const before = JSON.parse(litscreen(['agreement', other, '--stage', 'full-text', '--json']).stdout);
      adjudicate(other, DISAGREE_ON_DECISION, 'include');
      const after = JSON.parse(litscreen(['agreement', other, '--stage', 'full-text', '--json']).stdout);
      expect(after.pairs).toEqual(before.pairs);
      expect(after.reviewers).toEqual(['first-author', 'second-reviewer']);
    });
  });

  it('three reviewers: one row per pair; a pair with no record in common says "undefined", never NaN', () => {
    const dir = twoReviewerReview();
    cleanup.push(dir);
    // A third reviewer votes once, on the record second-reviewer only said maybe to.
    writeFileSync(path.join(dir, 'decisions/full-text/third.csv'), 'time,record_id,decision,reason,note\n' + logRow('2018-03-03T09:00:00Z', MAYBE, 'include'));
    const run = litscreen(['agreement', dir, '--stage', 'full-text']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/first-author \/ second-reviewer\s+18 /);
    expect(run.stdout).toMatch(/first-author \/ third\s+1\s+0\.000\s+0\.000\s+slight\s+-1\.000/);
    expect(run.stdout).toMatch(/second-reviewer \/ third\s+0\s+undefined\s+undefined\s+-\s+undefined\s+undefined/);
    expect(run.stdout).toContain('undefined: no record was voted on by both reviewers.');
    expect(run.stdout).not.toMatch(/NaN|Infinity/);
    const json = JSON.parse(litscreen(['agreement', dir, '--stage', 'full-text', '--json']).stdout);
    expect(json.pairs.map((p: { reviewers: string[] }) => p.reviewers.join('+'))).toEqual(['first-author+second-reviewer', 'first-author+third', 'second-reviewer+third']);
    expect(json.pairs[2].figures).toMatchObject({ ratedByBoth: 0, kappa: null, band: null, pabak: null, ac1: null });
  });

  it('blind mode withholds the figures until every record has its votes, then shows them', () => {
    const dir = twoReviewerReview({ blind: true });
    cleanup.push(dir);
    const hidden = litscreen(['agreement', dir, '--stage', 'full-text']);
    expect(hidden.status).toBe(0);
    expect(hidden.stdout).toContain('Agreement at full text is hidden (blind mode) until every record there has its required votes: 49 record(s) still wait.');
    expect(hidden.stdout).not.toMatch(/kappa|0\.\d{3}/);
    expect(JSON.parse(litscreen(['agreement', dir, '--stage', 'full-text', '--json']).stdout)).toMatchObject({ withheld: true, waitingForVotes: 49, pairs: [] });
    // title/abstract needs one reviewer and every record has it: not blind there.
    expect(JSON.parse(litscreen(['agreement', dir, '--stage', 'title-abstract', '--json']).stdout).withheld).toBe(false);

    secondReviewerCatchesUp(dir);
    const shown = JSON.parse(litscreen(['agreement', dir, '--stage', 'full-text', '--json']).stdout);
    expect(shown).toMatchObject({ withheld: false, waitingForVotes: 0 });
    expect(shown.pairs[0].figures.ratedByBoth).toBe(67);
  });

  it('usage errors exit 2: no --stage, an unknown stage; a missing review exits 3', () => {
    expect(litscreen(['agreement', SEED_REVIEW]).status).toBe(2);
    const bad = litscreen(['agreement', SEED_REVIEW, '--stage', 'abstracts']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/title-abstract, full-text/);
    expect(litscreen(['agreement', '/nonexistent/review', '--stage', 'full-text']).status).toBe(3);
  });

  it('--help explains the bands with examples', () => {
    const run = litscreen(['agreement', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('litscreen agreement fixtures/seed-review --stage full-text');
    expect(run.stdout).toContain('a kappa of exactly 0.40 is fair');
  });
});
