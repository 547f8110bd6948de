import { loadReview } from '../io/review.js';
import { STAGES, type Stage } from '../model/decision.js';
import { isBlind, hasRequiredVotes, requiredReviewers, screenedAt, outcomeAt } from '../core/screening/queue.js';
import { Option, type Command } from 'commander';
import { examples } from '../io/command.js';
import { out, json, style, table, truncate } from '../io/output.js';

export interface ConflictsOptions {
  review: string;
  stage: Stage;
}

export interface ConflictVote {
  reviewer: string;
  decision: string;
  reason: string;
  /** The protocol's label of the reason, when it is one of its reasons. */
  reasonLabel?: string;
  note: string;
  time: string;
  file: string;
  line: number;
}

export interface Conflict {
  id: string;
  year: string;
  firstAuthor: string;
  title: string;
  /** Every reviewer's latest row on the study at the stage (a maybe too), in name order. */
  votes: ConflictVote[];
  /** The command an adjudicator runs to settle it. */
  resolve: string;
}

export interface ConflictsResult {
  stage: Stage;
  /** Blind mode: hidden until every record at the stage has its required votes. */
  withheld: boolean;
  waitingForVotes: number;
  /** Who may settle a conflict (the protocol's screening.adjudicators). */
  adjudicators: string[];
  conflicts: Conflict[];
}

/** A word for the shell as typed: quoted when it holds anything but the usual path and id characters. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * `litscreen conflicts REVIEW --stage S`: the studies at a stage whose reviewers disagree (on the
 * decision, or at full text on the exclusion reason) and that no adjudicator has settled, with
 * every reviewer's decision, reason and note, and the `litscreen resolve` command that settles
 * each. In blind mode nothing is listed until every record at the stage has its required votes.
 */
export async function runConflicts(options: ConflictsOptions): Promise<ConflictsResult> {
  const { protocol, state } = await loadReview(options.review);
  const stage = options.stage;
  const required = requiredReviewers(protocol, stage);
  const waitingForVotes = state.studies.filter((s) => screenedAt(s, stage) && !hasRequiredVotes(s, stage, required)).length;
  const withheld = isBlind(protocol, state, stage);
  const adjudicators = protocol.screening.adjudicators;
  const reasons = stage === 'full-text' ? protocol.fullText.exclusionReasons : (protocol.titleAbstract.exclusionReasons ?? []);
  const labels = new Map(reasons.map((r) => [r.id, r.label]));
  const conflicts: Conflict[] = [];
  if (!withheld) {
    for (const study of state.studies) {
      if (!screenedAt(study, stage)) continue;
      const outcome = outcomeAt(study, stage);
      // 'conflict' is exactly "the reviewers disagree and no adjudicator has settled it".
      if (outcome.status !== 'conflict') continue;
      const votes = [...outcome.latestByReviewer.values()]
        .sort((a, b) => (a.reviewer < b.reviewer ? -1 : a.reviewer > b.reviewer ? 1 : 0))
        .map((r) => ({ reviewer: r.reviewer, decision: r.decision, reason: r.reason, reasonLabel: labels.get(r.reason), note: r.note, time: r.time, file: r.file, line: r.line }));
      const who = adjudicators.length > 0 ? adjudicators.map(shellWord).join('|') : 'ADJUDICATOR';
      conflicts.push({
        id: study.id,
        year: String(study.record.year ?? ''),
        firstAuthor: study.record.authors[0]?.family ?? '',
        title: study.record.title,
        votes,
        resolve: `litscreen resolve ${shellWord(options.review)} ${shellWord(study.id)} include|exclude --stage ${stage} --reviewer ${who}${stage === 'full-text' ? ' [--reason R]' : ''}`,
      });
    }
  }
  return { stage, withheld, waitingForVotes, adjudicators, conflicts };
}

const STAGE_WORDS: Record<Stage, string> = { 'title-abstract': 'title/abstract', 'full-text': 'full text' };

// Text from an export or a log must not move the cursor or recolour the terminal; a note keeps its lines.
// eslint-disable-next-line no-control-regex
const printable = (s: string) => s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ');
const oneLine = (s: string) => printable(s).replace(/\n/g, ' ').trim();

export function renderConflicts(result: ConflictsResult, review: string): string {
  const at = STAGE_WORDS[result.stage];
  if (result.withheld) {
    return (
      `Conflicts at ${at} are hidden (blind mode) until every record there has its required votes: ` +
      `${result.waitingForVotes} record(s) still wait. Listing them now would show each reviewer how the other voted.`
    );
  }
  if (result.conflicts.length === 0) return `No conflicts at ${at}.`;
  const lines: string[] = [];
  for (const c of result.conflicts) {
    lines.push(`${style.id(oneLine(c.id))}  ${c.year}  ${oneLine(c.firstAuthor)}  ${truncate(oneLine(c.title), 70)}`);
    const rows = c.votes.map((v) => [
      `  ${oneLine(v.reviewer)}`,
      v.decision,
      v.reason ? oneLine(v.reason) + (v.reasonLabel ? ` (${v.reasonLabel})` : '') : '',
    ]);
    const voteLines = table(rows).split('\n');
    c.votes.forEach((v, i) => {
      lines.push(voteLines[i].trimEnd());
      const note = printable(v.note).trim();
      if (note) for (const [k, text] of note.split('\n').entries()) lines.push(`${k === 0 ? '    note: ' : '          '}${text.trimEnd()}`);
    });
    lines.push(`  ${style.dim('settle:')} ${oneLine(c.resolve)}`);
    lines.push('');
  }
  lines.push(`${result.conflicts.length} conflict(s) at ${at}.`);
  if (result.adjudicators.length === 0) {
    lines.push(
      `No adjudicator is named: add one to litscreen.json ("screening": {"adjudicators": ["NAME"]}), or a reviewer changes their decision (litscreen decide ${review} ID …).`,
    );
  } else {
    lines.push(`An adjudicator (${result.adjudicators.join(', ')}) settles each with litscreen resolve; every reviewer's vote is kept for the agreement figures.`);
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('conflicts')
    .description('list the studies at a stage whose reviewers disagree and that no adjudicator has settled, with each reviewer\'s decision, reason and note')
    .argument('<review>', 'review folder')
    .addOption(new Option('--stage <stage>', 'which stage').choices([...STAGES]).makeOptionMandatory())
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      examples(
        'litscreen conflicts fixtures/seed-review --stage full-text',
        'litscreen conflicts . --stage title-abstract --json',
        'litscreen resolve . psycinfo:2016-12345-001 include --stage title-abstract --reviewer carol',
      ),
    )
    .action(async (review: string, opts: { stage: Stage; json?: boolean }) => {
      const result = await runConflicts({ review, stage: opts.stage });
      if (opts.json) return json(result);
      out(renderConflicts(result, review));
    });
}
