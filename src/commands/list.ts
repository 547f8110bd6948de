import { loadReview } from '../io/review.js';
import { usageError } from '../errors.js';
import { reachedFullText, type StudyStatus, type Study, type StudyView, type RecordSummary } from '../core/review/review-state.js';
import { reviewerQueueAt, screenedAt, isBlind } from '../core/screening/queue.js';
import { Option, type Command } from 'commander';
import { examples } from '../io/command.js';
import { out, json, table, truncate } from '../io/output.js';

export const LIST_STAGES = ['title-abstract', 'full-text', 'included', 'duplicates'] as const;
export type ListStage = (typeof LIST_STAGES)[number];

export interface ListOptions {
  review: string;
  stage: string;
  pending: boolean;
  /** With pending: this reviewer's own queue (what `screen` would show them), not every pending study. */
  reviewer?: string;
}

export interface ListedStudy {
  id: string;
  status: StudyStatus | 'duplicate' | 'uncertain-pair' | 'hidden (blind)';
  detail: string;
  year: string;
  firstAuthor: string;
  title: string;
  database: string;
}


/**
 * `litscreen list REVIEW --stage S [--pending]`: the studies that reached a stage, with where they
 * stand. title-abstract: every screened study; full-text: those sent to full text; included: the
 * included studies; duplicates: the records removed as duplicates. --pending keeps only studies
 * still waiting for a decision (or in conflict) at that stage.
 */
export async function runList(options: ListOptions): Promise<ListedStudy[]> {
  if (!(LIST_STAGES as readonly string[]).includes(options.stage)) {
    throw usageError(`--stage must be one of ${LIST_STAGES.join(', ')} (got "${options.stage}")`);
  }
  const review = await loadReview(options.review);
  const { state } = review;
  const stage = options.stage as ListStage;
  if (stage === 'duplicates' && options.pending) {
    // What is pending at deduplication is a question about a pair, not a record: one row per pair.
    return state.dedupe.uncertain.map((p) => {
      const r = state.recordSummary(p.a)!;
      return {
        id: `${p.a} ~ ${p.b}`,
        status: 'uncertain-pair',
        detail: `score ${p.score.toFixed(2)}: ${p.reasons.join(', ')}`,
        year: String(r.year ?? ''),
        firstAuthor: r.firstAuthor,
        title: r.title,
        database: r.database,
      };
    });
  }
  if (stage === 'duplicates') {
    return [...state.dedupe.removedToKept].map(([id, kept]) => {
      const r = state.recordSummary(id)!;
      return { id, status: 'duplicate', detail: `duplicate of ${kept}`, year: String(r.year ?? ''), firstAuthor: r.firstAuthor, title: r.title, database: r.database };
    });
  }
  // Blind mode: while a stage still lacks votes, what reviewers decided there stays hidden.
  const blindStages = new Set((['title-abstract', 'full-text'] as const).filter((st) => isBlind(review.protocol, state, st)));
  // A study listed by position: its id, view and summary, without making the study (no members, no record).
  const listedAt = (index: number, awaiting = false): ListedStudy => listed(state.studyIdAt(index), state.viewAt(index), state.studySummaryAt(index), awaiting);
  const listed = (id: string, s: StudyView, summary: RecordSummary, awaiting: boolean): ListedStudy => {
    // A status that reviewers' votes at a blind stage decided would tell one reviewer another's vote.
    const decidedAtTitleAbstract = s.status !== 'excluded-by-criterion';
    const hidden = (blindStages.has('title-abstract') && decidedAtTitleAbstract) || (blindStages.has('full-text') && reachedFullText(s.status));
    return {
      id,
      status: hidden ? 'hidden (blind)' : awaiting ? (stage === 'full-text' ? 'full-text-pending' : 'title-abstract-pending') : s.status,
      detail: hidden
        ? ''
        : s.overriddenCriterion
          ? `criterion ${s.overriddenCriterion.id} overridden by ${s.titleAbstract.override?.reviewer ?? '?'}`
          : s.failedCriterion
            ? `criterion ${s.failedCriterion.id}`
            : s.status === 'excluded-at-full-text'
              ? s.fullText.reason
              : s.status === 'excluded-at-title-abstract'
                ? s.titleAbstract.reason
                : '',
      // The summary, not the whole record: a listing of 70,000 studies reads no record whole.
      year: String(summary.year ?? ''),
      firstAuthor: summary.firstAuthor,
      title: summary.title,
      database: summary.database,
    };
  };
  if (options.reviewer && (stage === 'title-abstract' || stage === 'full-text')) {
    // By position: only the studies listed are made.
    const queued = new Set(reviewerQueueAt(state, review.protocol, stage, options.reviewer));
    const rows: ListedStudy[] = [];
    for (let i = 0; i < state.studyCount; i++) {
      if (options.pending ? queued.has(i) : screenedAt({ status: state.statusAt(i) }, stage)) rows.push(listedAt(i, queued.has(i)));
    }
    return rows;
  }
  const inStage = (s: Pick<Study, 'status'>) =>
    stage === 'title-abstract' ? true : stage === 'full-text' ? reachedFullText(s.status) : s.status === 'included';
  const pendingHere = (s: Pick<Study, 'status'>) =>
    stage === 'title-abstract'
      ? s.status === 'title-abstract-pending' || s.status === 'title-abstract-conflict'
      : s.status === 'full-text-pending' || s.status === 'full-text-conflict';
  // Chosen by status and listed by position: no study is made (a listing needs no members or record).
  const rows: ListedStudy[] = [];
  for (let i = 0; i < state.studyCount; i++) {
    const status = { status: state.statusAt(i) };
    if (inStage(status) && (!options.pending || pendingHere(status))) rows.push(listedAt(i));
  }
  return rows;
}

export function register(program: Command): void {
  program
    .command('list')
    .description('list the studies at a stage, with where each stands')
    .argument('<review>', 'review folder')
    .addOption(new Option('--stage <stage>', 'which stage').choices([...LIST_STAGES]).default('title-abstract'))
    .option('--pending', 'only studies still waiting for a decision (or in conflict) at that stage')
    .option('--reviewer <name>', 'with --pending: only the studies waiting for this reviewer (their own queue, as screen shows it)')
    .option('--json', 'machine-readable output')
    .addOption(new Option('--format <format>', 'text, or csv with each study\'s DOI and URL (e.g. the full texts to retrieve)').choices(['text', 'csv']).default('text'))
    .addHelpText('after', examples('litscreen list fixtures/seed-review --stage full-text', 'litscreen list . --stage title-abstract --pending', 'litscreen list . --stage title-abstract --pending --reviewer bob', 'litscreen list . --stage full-text --format csv > retrieval.csv'))
    .action(async (review: string, opts: { stage: string; pending?: boolean; reviewer?: string; json?: boolean; format: string }) => {
      const rows = await runList({ review, stage: opts.stage, pending: !!opts.pending, reviewer: opts.reviewer });
      if (opts.json) return json(rows);
      if (opts.format === 'csv') return void process.stdout.write(await listCsv(review, rows));
      out(table([['id', 'status', 'detail', 'year', 'first author', 'title'], ...rows.map((r) => [r.id, r.status, r.detail, r.year, r.firstAuthor, truncate(r.title, 60)])]));
      if (opts.stage === 'duplicates' && opts.pending) out(`\n${rows.length} uncertain pair(s) awaiting a decision (litscreen dedupe ${review} --review).`);
      else out(`\n${rows.length} ${opts.pending ? 'pending ' : ''}record(s) at ${opts.stage}${opts.reviewer && opts.pending ? ` for ${opts.reviewer}` : ''}.`);
    });
}

/**
 * The listing as CSV with the study's DOI and URL: the full-text retrieval list, for a librarian or
 * a spreadsheet. Whole records are read here only, for the studies listed.
 */
async function listCsv(reviewDir: string, rows: ListedStudy[]): Promise<string> {
  const { state } = await loadReview(reviewDir);
  const header = ['id', 'status', 'detail', 'year', 'first_author', 'title', 'database', 'doi', 'url'];
  const cells = rows.map((r) => {
    const study = state.studyById.get(r.id);
    return [r.id, r.status, r.detail, r.year, r.firstAuthor, r.title, r.database, study?.record.doi ?? '', study?.record.url ?? ''];
  });
  // The CSV writer (csv-stringify, eight modules) is loaded only for --format csv.
  const { writeTable } = await import('../report/spreadsheet.js');
  return writeTable([header, ...cells]);
}
