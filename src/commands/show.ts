import { loadReview } from '../io/review.js';
import { usageError } from '../errors.js';
import type { ReviewRecord } from '../model/record.js';
import { STAGES, type DecisionRow, type Stage } from '../model/decision.js';
import { isBlind } from '../core/screening/queue.js';
import type { StudyStatus } from '../core/review/derive.js';
import { prepareRecord, matchQuery, compileCriteria } from '../core/criteria/query.js';
import type { Command } from 'commander';
import { examples } from '../io/command.js';
import { out, json, style } from '../io/output.js';

export interface ShowOptions {
  review: string;
  id: string;
  /** Who is looking: in blind mode only their own decisions are shown at a stage still being screened. */
  reviewer?: string;
}

export interface ShowResult {
  record: ReviewRecord;
  studyId: string;
  status: StudyStatus;
  /** Every record of the duplicate cluster with the rule that linked it (kept record first). */
  cluster: { id: string; database: string; file: string; line: number; kept: boolean; rule?: string; linkedTo?: string; score?: number }[];
  criteria: { id: string; passed: boolean; reason: string }[];
  /** A criterion a person overrode, who did, and why: a human decision, never silent. */
  override?: { criterion: string; reviewer: string; reason: string; time: string };
  /** Stages whose other reviewers' decisions are hidden (blind mode). */
  hiddenStages: Stage[];
  /** Full decision history of the study, per stage, in time order. */
  decisions: Record<Stage, DecisionRow[]>;
}

/**
 * Rows come log by log (one log per reviewer); a history is read in time order. ISO times sort as
 * text; the sort is stable, so rows with the same time keep their log order.
 */
function inTimeOrder(rows: readonly DecisionRow[]): DecisionRow[] {
  return [...rows].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

/** `litscreen show REVIEW ID`: one record, its duplicates, criteria results and decisions. */
export async function runShow(options: ShowOptions): Promise<ShowResult> {
  const review = await loadReview(options.review);
  const { state } = review;
  const record = state.recordById.get(options.id);
  if (!record) throw usageError(`no record "${options.id}" in this review (see: litscreen list ${options.review} --stage title-abstract)`);
  const studyId = state.studyIdOf.get(options.id)!;
  const study = state.studyById.get(studyId)!;
  const cluster = state.clusterOf(studyId);
  const links = new Map((cluster?.links ?? []).map((l) => [l.id, l]));
  const prepared = prepareRecord(study.record);
  const hiddenStages = STAGES.filter((stage) => isBlind(review.protocol, state, stage));
  const visible = (stage: Stage, rows: DecisionRow[]) => (hiddenStages.includes(stage) ? rows.filter((r) => r.reviewer === options.reviewer && r.role === 'reviewer') : rows);
  return {
    record,
    studyId,
    status: study.status,
    cluster: study.memberIds.map((id) => {
      const r = state.recordById.get(id)!;
      const link = links.get(id);
      return { id, database: r.database, file: r.source.file, line: r.source.line, kept: id === studyId, rule: link?.rule, linkedTo: link?.to, score: link?.score };
    }),
    criteria: compileCriteria(review.protocol).map(({ criterion, query }) => ({
      id: criterion.id,
      passed: matchQuery(query, prepared),
      reason: criterion.reason,
    })),
    override: study.overriddenCriterion && study.titleAbstract.override
      ? { criterion: study.overriddenCriterion.id, reviewer: study.titleAbstract.override.reviewer, reason: study.titleAbstract.override.reason, time: study.titleAbstract.override.time }
      : undefined,
    hiddenStages,
    decisions: {
      'title-abstract': visible('title-abstract', inTimeOrder(state.decisions.history.get('title-abstract')?.get(studyId) ?? [])),
      'full-text': visible('full-text', inTimeOrder(state.decisions.history.get('full-text')?.get(studyId) ?? [])),
    },
  };
}

export function register(program: Command): void {
  program
    .command('show')
    .description('show one record: its fields, where it came from, its duplicates, criteria results and decisions')
    .argument('<review>', 'review folder')
    .argument('<id>', 'record id, e.g. psycinfo:2016-12345-001')
    .option('--reviewer <name>', 'who is looking (blind mode shows only your own decisions; default: $LITSCREEN_REVIEWER)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', examples('litscreen show fixtures/seed-review social-services-abstracts:1859305012'))
    .action(async (review: string, id: string, opts: { reviewer?: string; json?: boolean }) => {
      const shown = await runShow({ review, id, reviewer: opts.reviewer ?? process.env.LITSCREEN_REVIEWER });
      if (opts.json) return json(shown);
      out(renderShow(shown));
    });
}

function renderShow(s: ShowResult): string {
  const lines: string[] = [];
  const r = s.record;
  lines.push(style.heading(r.title || '(no title)'));
  lines.push(r.authors.map((a) => (a.given ? `${a.family}, ${a.given}` : a.family)).join('; '));
  lines.push([r.journal, r.year, r.volume && `vol. ${r.volume}`, r.issue && `no. ${r.issue}`, r.startPage && `pp. ${r.startPage}${r.endPage ? '-' + r.endPage : ''}`].filter(Boolean).join(', '));
  if (r.doi) lines.push(`doi: ${r.doi}`);
  lines.push(`id: ${r.id}   type: ${r.type}${r.rawType ? ` (${r.rawType})` : ''}   language: ${r.language ?? '-'}`);
  lines.push(`from: ${r.database}, ${r.source.file}:${r.source.line}`);
  lines.push(`status: ${style.heading(s.status)}${s.studyId !== r.id ? ` (as part of study ${s.studyId})` : ''}`);
  if (s.override) lines.push(style.warn(`criterion ${s.override.criterion} overridden by ${s.override.reviewer} (${s.override.time}): ${s.override.reason}`));
  if (r.abstract) lines.push('\n' + r.abstract);
  if (s.cluster.length > 1) {
    lines.push('\nDuplicate cluster:');
    for (const m of s.cluster) lines.push(`  ${m.kept ? 'kept   ' : 'removed'} ${m.id} (${m.database}, ${m.file}:${m.line})${m.rule ? ` by ${m.rule} with ${m.linkedTo}${m.score !== undefined ? `, score ${m.score.toFixed(2)}` : ''}` : ''}`);
  }
  if (s.criteria.length) {
    lines.push('\nCriteria:');
    for (const c of s.criteria) lines.push(`  ${c.passed ? style.good('pass') : style.bad('fail')} ${c.id}${c.passed ? '' : `: ${c.reason}`}`);
  }
  for (const [stage, rows] of Object.entries(s.decisions)) {
    if (!rows.length) continue;
    lines.push(`\nDecisions at ${stage} (history, latest per reviewer counts${s.hiddenStages.includes(stage as Stage) ? '; blind mode: only your own are shown' : ''}):`);
    for (const d of rows) {
      lines.push(`  ${d.time}  ${d.reviewer}${d.role === 'adjudicator' ? ' (adjudicator)' : ''}: ${d.decision}${d.reason ? ` (${d.reason})` : ''}${d.recordId !== s.studyId ? ` [on ${d.recordId}]` : ''}`);
      // A note is shown whole, every line of it, indented under its decision.
      if (d.note) for (const noteLine of d.note.split(/\r\n|\r|\n/)) lines.push(`      ${noteLine}`);
    }
  }
  return lines.join('\n');
}
