import { loadReview } from '../io/review.js';
import { usageError } from '../errors.js';
import { reachedFullText, type StudyStatus, type Study } from '../core/review/derive.js';
import { Option, type Command } from 'commander';
import { examples } from '../io/command.js';
import { out, json, table, truncate } from '../io/output.js';

export const LIST_STAGES = ['title-abstract', 'full-text', 'included', 'duplicates'] as const;
export type ListStage = (typeof LIST_STAGES)[number];

export interface ListOptions {
  review: string;
  stage: string;
  pending: boolean;
}

export interface ListedStudy {
  id: string;
  status: StudyStatus | 'duplicate' | 'uncertain-pair';
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
      const r = state.recordById.get(p.a)!;
      return {
        id: `${p.a} ~ ${p.b}`,
        status: 'uncertain-pair',
        detail: `score ${p.score.toFixed(2)}: ${p.reasons.join(', ')}`,
        year: String(r.year ?? ''),
        firstAuthor: r.authors[0]?.family ?? '',
        title: r.title,
        database: r.database,
      };
    });
  }
  if (stage === 'duplicates') {
    return [...state.dedupe.removedToKept].map(([id, kept]) => {
      const r = state.recordById.get(id)!;
      return { id, status: 'duplicate', detail: `duplicate of ${kept}`, year: String(r.year ?? ''), firstAuthor: r.authors[0]?.family ?? '', title: r.title, database: r.database };
    });
  }
  const inStage = (s: Study) =>
    stage === 'title-abstract' ? true : stage === 'full-text' ? reachedFullText(s.status) : s.status === 'included';
  const pendingHere = (s: Study) =>
    stage === 'title-abstract'
      ? s.status === 'title-abstract-pending' || s.status === 'title-abstract-conflict'
      : s.status === 'full-text-pending' || s.status === 'full-text-conflict';
  return state.studies
    .filter((s) => inStage(s) && (!options.pending || pendingHere(s)))
    .map((s) => ({
      id: s.id,
      status: s.status,
      detail: s.failedCriterion
        ? `criterion ${s.failedCriterion.id}`
        : s.status === 'excluded-at-full-text'
          ? s.fullText.reason
          : s.status === 'excluded-at-title-abstract'
            ? s.titleAbstract.reason
            : '',
      year: String(s.record.year ?? ''),
      firstAuthor: s.record.authors[0]?.family ?? '',
      title: s.record.title,
      database: s.record.database,
    }));
}

export function register(program: Command): void {
  program
    .command('list')
    .description('list the studies at a stage, with where each stands')
    .argument('<review>', 'review folder')
    .addOption(new Option('--stage <stage>', 'which stage').choices([...LIST_STAGES]).default('title-abstract'))
    .option('--pending', 'only studies still waiting for a decision (or in conflict) at that stage')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('litscreen list fixtures/seed-review --stage full-text', 'litscreen list . --stage title-abstract --pending'))
    .action(async (review: string, opts: { stage: string; pending?: boolean; json?: boolean }) => {
      const rows = await runList({ review, stage: opts.stage, pending: !!opts.pending });
      if (opts.json) return json(rows);
      out(table([['id', 'status', 'detail', 'year', 'first author', 'title'], ...rows.map((r) => [r.id, r.status, r.detail, r.year, r.firstAuthor, truncate(r.title, 60)])]));
      if (opts.stage === 'duplicates' && opts.pending) out(`\n${rows.length} uncertain pair(s) awaiting a decision (litscreen dedupe ${review} --review).`);
      else out(`\n${rows.length} ${opts.pending ? 'pending ' : ''}record(s) at ${opts.stage}.`);
    });
}
