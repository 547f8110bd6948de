import { readFileSync, writeFileSync, appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { copyOfSeedReview } from '../helpers/cli.js';

/**
 * A copy of the seed review whose full-text stage needs two reviewers (first-author and
 * second-reviewer, who has voted on 15 of the 67 full texts), with carol as adjudicator and a few
 * more rows by second-reviewer: one include/exclude disagreement with a two-line note, one
 * disagreement on the exclusion reason, one agreement and one maybe.
 */
export const DISAGREE_ON_DECISION = 'psycinfo:2017-14097-006'; // first-author: include
export const DISAGREE_ON_REASON = 'social-care-online:9452981'; // first-author: exclude not-empirical
export const AGREE = 'psycinfo:2013-67098-001'; // first-author: exclude not-empirical
export const MAYBE = 'psycinfo:2014-13091-006'; // first-author: exclude not-social-work
export const NOTE = 'No empirical data: a position paper.\nSee its section 3, "methods", which is a literature summary.';

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
export const logRow = (time: string, id: string, decision: string, reason = '', note = '') => [time, id, decision, reason, note].map(csvCell).join(',') + '\n';

export function twoReviewerReview(protocolChanges: { blind?: boolean; adjudicators?: string[] } = {}): string {
  const dir = copyOfSeedReview();
  const file = path.join(dir, 'litscreen.json');
  const protocol = JSON.parse(readFileSync(file, 'utf8'));
  protocol.fullText.reviewers = 2;
  protocol.screening = { adjudicators: protocolChanges.adjudicators ?? ['carol'], blind: protocolChanges.blind ?? false };
  writeFileSync(file, JSON.stringify(protocol, null, 2));
  appendFileSync(
    path.join(dir, 'decisions/full-text/second-reviewer.csv'),
    logRow('2018-02-28T09:00:00Z', DISAGREE_ON_DECISION, 'exclude', 'not-empirical', NOTE) +
      logRow('2018-02-28T09:10:00Z', DISAGREE_ON_REASON, 'exclude', 'poor-methods') +
      logRow('2018-02-28T09:20:00Z', AGREE, 'exclude', 'not-empirical') +
      logRow('2018-02-28T09:30:00Z', MAYBE, 'maybe', '', 'ask the team'),
  );
  return dir;
}

/** second-reviewer votes as first-author did on every full text they have not voted on yet (the maybe too). */
export function secondReviewerCatchesUp(dir: string): void {
  const rows = (name: string): Record<string, string>[] => parse(readFileSync(path.join(dir, `decisions/full-text/${name}.csv`), 'utf8'), { columns: true });
  const voted = new Set(rows('second-reviewer').filter((r) => r.decision !== 'maybe').map((r) => r.record_id));
  const missing = rows('first-author').filter((r) => !voted.has(r.record_id));
  appendFileSync(
    path.join(dir, 'decisions/full-text/second-reviewer.csv'),
    missing.map((r, i) => logRow(`2018-03-01T10:${String(i).padStart(2, '0')}:00Z`, r.record_id, r.decision, r.reason)).join(''),
  );
}

export function adjudicate(dir: string, id: string, decision: string, reason = ''): void {
  const folder = path.join(dir, 'decisions/full-text/adjudication');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'carol.csv'), 'time,record_id,decision,reason,note\n' + logRow('2018-03-02T09:00:00Z', id, decision, reason, 'settled at the team meeting'));
}
