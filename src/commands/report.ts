import { readFileSync } from 'node:fs';
import { loadReview, readExtractionRows } from '../io/review.js';
import { writeFileAtomic } from '../io/files.js';
import { buildExtractionTable } from '../core/review/extraction.js';
import { compareWithExpected } from '../core/review/verify.js';
import { agreementAtStage } from '../core/screening/agreement.js';
import { flowSvg } from '../report/flow-svg.js';
import { otherMethodStudies } from '../report/prisma.js';
import { reportHtml, type ReportAgreement } from '../report/html.js';
import { formatLocated, ExitCode } from '../errors.js';
import type { Command } from 'commander';
import type { CommandContext } from '../io/command.js';
import { examples } from '../io/command.js';
import { out } from '../io/output.js';

export interface ReportOptions {
  review: string;
  /** Output file; '-' or undefined writes to stdout. */
  output?: string;
}

export interface ReportResult {
  html: string;
  /** Whether verify passes: the page says so either way. */
  verified: boolean;
  problems: string[];
}

const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/**
 * `litscreen report REVIEW -o report.html`: the review on one self-contained page: protocol,
 * diagram, reasons, included studies with their extraction, agreement, and whether verify passes.
 */
export async function runReport(options: ReportOptions): Promise<ReportResult> {
  const review = await loadReview(options.review);
  const { protocol, state } = review;
  const extraction = await readExtractionRows(options.review);
  const included = state.studies
    .filter((s) => s.status === 'included')
    .map((s) => ({ id: s.id, members: s.memberIds.map((id) => state.recordById.get(id)!) }));
  const table = buildExtractionTable(protocol.extraction.fields, included, { columns: extraction.columns, rows: extraction.rows }, (id) => state.studyIdOf.get(id));

  // What verify checks, in the words it uses.
  const problems: string[] = [];
  for (const loaded of review.sources) {
    const want = loaded.source.expectedRecords;
    if (want !== undefined && want !== loaded.records.length) problems.push(formatLocated(`${loaded.source.database}: expected ${want} records, read ${loaded.records.length}`, loaded.file));
  }
  problems.push(...compareWithExpected(state.flow, protocol.expected, state.studies));
  for (const p of state.problems) problems.push(formatLocated(p.message, p.file, p.line));

  const kindByKey = new Map(protocol.sources.map((s) => [s.key, s.kind]));
  const labels = new Map(protocol.fullText.exclusionReasons.map((r) => [r.id, r.label]));
  const svg = flowSvg({
    title: protocol.title,
    flow: state.flow,
    sources: protocol.sources.map((s) => ({ database: s.database, kind: s.kind })),
    otherStudies: otherMethodStudies(state.studies, (id) => kindByKey.get(state.recordById.get(id)?.databaseKey ?? '') ?? 'database', (r) => labels.get(r) ?? r),
    uncertainDuplicates: state.dedupe.uncertain.length,
  });
  const agreement: ReportAgreement[] = (['title-abstract', 'full-text'] as const).flatMap((stage) =>
    agreementAtStage(state, stage).map((a) => ({
      stage: stage === 'title-abstract' ? 'title/abstract' : 'full text',
      reviewers: a.reviewers,
      ratedByBoth: a.figures.ratedByBoth,
      observed: a.figures.observed,
      kappa: a.figures.kappa,
      band: a.figures.band,
      pabak: a.figures.pabak,
      ac1: a.figures.ac1,
    })),
  );
  const html = reportHtml({
    title: protocol.title,
    sources: review.sources.map((l) => ({ ...l.source, recordsRead: l.records.length })),
    criteria: protocol.titleAbstract.criteria,
    criteriaAsAutomation: protocol.titleAbstract.reportCriteriaAsAutomation,
    fullTextReasons: protocol.fullText.exclusionReasons,
    reviewersPerStage: { titleAbstract: protocol.titleAbstract.reviewers, fullText: protocol.fullText.reviewers },
    flow: state.flow,
    svg,
    extraction: { header: table.header, rows: table.rows, problems: table.problems.map((p) => `${p.study}${p.field ? ` ${p.field}` : ''}: ${p.message}`) },
    agreement,
    verify: { ok: problems.length === 0, problems },
    version: VERSION,
  });
  if (options.output && options.output !== '-') await writeFileAtomic(options.output, html);
  return { html, verified: problems.length === 0, problems };
}

export function register(program: Command, context: CommandContext): void {
  program
    .command('report')
    .description('write the review as one self-contained HTML page: protocol, PRISMA diagram, reasons, included studies, agreement, verify')
    .argument('<review>', 'review folder')
    .option('-o, --output <file>', 'output file (default: standard output)')
    .addHelpText('after', examples('litscreen report fixtures/seed-review -o report.html'))
    .action(async (review: string, opts: { output?: string }) => {
      const result = await runReport({ review, output: opts.output });
      // The page is written either way (it says verify fails); the exit code says it too.
      if (!result.verified) context.setExitCode(ExitCode.checkFailed);
      if (opts.output && opts.output !== '-') out(`wrote the report to ${opts.output}${result.verified ? '' : ` (verify fails: ${result.problems.length} problem(s), shown on the page)`}`);
      else process.stdout.write(result.html);
    });
}
