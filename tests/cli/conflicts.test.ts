import { describe, it, expect, afterAll } from 'vitest';
import { appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { litscreen, removeDir, SEED_REVIEW } from '../helpers/cli.js';
import { twoReviewerReview, adjudicate, secondReviewerCatchesUp, logRow, DISAGREE_ON_DECISION, DISAGREE_ON_REASON, AGREE, MAYBE, NOTE } from './two-reviewer-review.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach(removeDir));

describe('litscreen conflicts', () => {
  it('the seed review has none', () => {
    const run = litscreen(['conflicts', SEED_REVIEW, '--stage', 'full-text']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('No conflicts at full text.');
  });

  it('lists each disagreement with every reviewer\u2019s decision, reason and whole note, and how to settle it', () => {
    const dir = twoReviewerReview();
    cleanup.push(dir);
    const run = litscreen(['conflicts', dir, '--stage', 'full-text']);
    expect(run.status, run.stderr).toBe(0);
    const text = run.stdout;
    expect(text).toContain(DISAGREE_ON_DECISION);
    expect(text).toContain(DISAGREE_ON_REASON);
    expect(text).not.toContain(AGREE);
    expect(text).not.toContain(MAYBE);
    expect(text).toMatch(/first-author\s+include\n\s+second-reviewer\s+exclude\s+not-empirical \(Not empirical research\)/);
    expect(text).toMatch(/first-author\s+exclude\s+not-empirical .*\n\s+second-reviewer\s+exclude\s+poor-methods/);
    // The two-line note, whole.
    expect(text).toContain('note: No empirical data: a position paper.\n');
    expect(text).toMatch(/\n\s+See its section 3, "methods", which is a literature summary\.\n/);
    expect(text).toContain(`litscreen resolve ${dir} ${DISAGREE_ON_DECISION} include|exclude --stage full-text --reviewer carol`);
    expect(text).toContain('2 conflict(s) at full text.');

    const json = JSON.parse(litscreen(['conflicts', dir, '--stage', 'full-text', '--json']).stdout);
    expect(json.adjudicators).toEqual(['carol']);
    expect(json.conflicts.map((c: { id: string }) => c.id)).toEqual([DISAGREE_ON_DECISION, DISAGREE_ON_REASON]);
    expect(json.conflicts[0].votes).toMatchObject([
      { reviewer: 'first-author', decision: 'include', reason: '' },
      { reviewer: 'second-reviewer', decision: 'exclude', reason: 'not-empirical', reasonLabel: 'Not empirical research', note: NOTE },
    ]);

    // Settled by the adjudicator: gone from the list.
    adjudicate(dir, DISAGREE_ON_DECISION, 'include');
    const after = JSON.parse(litscreen(['conflicts', dir, '--stage', 'full-text', '--json']).stdout);
    expect(after.conflicts.map((c: { id: string }) => c.id)).toEqual([DISAGREE_ON_REASON]);
  });

  it('a note with control characters reaches the terminal without them; --json keeps it as written', () => {
    const dir = twoReviewerReview();
    cleanup.push(dir);
    const note = 'red \u001b[31mtext\u001b[0m\r\nsecond line\u0007';
    appendFileSync(path.join(dir, 'decisions/full-text/first-author.csv'), logRow('2018-03-04T09:00:00Z', DISAGREE_ON_REASON, 'exclude', 'not-empirical', note));
    const run = litscreen(['conflicts', dir, '--stage', 'full-text']);
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(run.stdout).toMatch(/note: red  ?\[31mtext ?\[0m\n\s+second line/);
    const json = JSON.parse(litscreen(['conflicts', dir, '--stage', 'full-text', '--json']).stdout);
    expect(json.conflicts[1].votes[0].note).toBe(note);
  });

  it('without adjudicators it says how to name one', () => {
    const dir = twoReviewerReview({ adjudicators: [] });
    cleanup.push(dir);
    const run = litscreen(['conflicts', dir, '--stage', 'full-text']);
    expect(run.stdout).toContain('--reviewer ADJUDICATOR');
    expect(run.stdout).toContain('No adjudicator is named');
  });

  it('blind mode hides the conflicts until every record has its votes', () => {
    const dir = twoReviewerReview({ blind: true });
    cleanup.push(dir);
    const hidden = litscreen(['conflicts', dir, '--stage', 'full-text']);
    expect(hidden.status).toBe(0);
    expect(hidden.stdout).toContain('Conflicts at full text are hidden (blind mode) until every record there has its required votes: 49 record(s) still wait.');
    expect(hidden.stdout).not.toContain(DISAGREE_ON_DECISION);
    expect(hidden.stdout).not.toMatch(/include|exclude/);
    expect(JSON.parse(litscreen(['conflicts', dir, '--stage', 'full-text', '--json']).stdout)).toMatchObject({ withheld: true, conflicts: [] });

    secondReviewerCatchesUp(dir);
    const shown = JSON.parse(litscreen(['conflicts', dir, '--stage', 'full-text', '--json']).stdout);
    expect(shown.withheld).toBe(false);
    expect(shown.conflicts.map((c: { id: string }) => c.id)).toEqual([DISAGREE_ON_DECISION, DISAGREE_ON_REASON]);
  });

  it('--help shows examples in the litscreen form', () => {
    const run = litscreen(['conflicts', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('litscreen conflicts fixtures/seed-review --stage full-text');
  });

  it('--stage is required (exit 2)', () => {
    expect(litscreen(['conflicts', SEED_REVIEW]).status).toBe(2);
  });
});
