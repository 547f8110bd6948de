import type { Flow } from '../model/flow.js';
import { loadReview } from '../io/review.js';
import type { Warning } from '../model/record.js';
import { Option, type Command } from 'commander';
import { examples } from '../io/command.js';
import { out, printWarnings } from '../io/output.js';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../io/files.js';
// The CSV writer (csv-stringify, eight modules) is loaded only for --format csv.
import { flowText } from '../report/flow-text.js';
import { otherMethodStudies, isOtherMethod, type PrismaInput } from '../report/prisma.js';
import type { LoadedReview } from '../io/review.js';

export const FLOW_FORMATS = ['text', 'json', 'csv', 'svg', 'prisma2020-csv'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

export interface FlowOptions {
  review: string;
}

export interface FlowResult {
  title: string;
  flow: Flow;
  /** What the diagram and the PRISMA2020 template need beyond the counts: source kinds, the other-methods column. */
  prisma: PrismaInput;
  warnings: Warning[];
}

/** `litscreen flow REVIEW`: derive the PRISMA 2020 counts from the review folder's inputs. */
export async function runFlow(options: FlowOptions): Promise<FlowResult> {
  const review = await loadReview(options.review);
  return { title: review.protocol.title, flow: review.state.flow, prisma: prismaInputOf(review), warnings: review.warnings };
}

/** The diagram's input from a loaded review (also used by `litscreen report`). */
export function prismaInputOf(review: LoadedReview): PrismaInput {
  const { protocol, state } = review;
  const kindByKey = new Map(protocol.sources.map((s) => [s.key, s.kind]));
  const labels = new Map(protocol.fullText.exclusionReasons.map((r) => [r.id, r.label]));
  return {
    title: protocol.title,
    flow: state.flow,
    sources: protocol.sources.map((s) => ({ database: s.database, kind: s.kind })),
    // Without a source of the other methods no study is one of theirs: no record's source is looked up.
    otherStudies: protocol.sources.some((s) => isOtherMethod(s.kind))
      ? otherMethodStudies(
          state.studies,
          (id) => kindByKey.get(state.recordSummary(id)?.databaseKey ?? '') ?? 'database',
          (reason) => labels.get(reason) ?? reason,
        )
      : [],
    uncertainDuplicates: state.dedupe.uncertain.length,
  };
}

export function register(program: Command): void {
  program
    .command('flow')
    .description('print the PRISMA 2020 flow counts, derived from the exports and decision logs')
    .argument('<review>', 'review folder')
    .option('--json', 'same as --format json: counts keyed by the PRISMA2020 template ids')
    .addOption(new Option('--format <format>', 'output format').choices([...FLOW_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write to a file instead of the terminal')
    .addHelpText('after', examples('litscreen flow fixtures/seed-review', 'litscreen flow fixtures/seed-review --json', 'litscreen flow . --format svg -o prisma.svg', 'litscreen flow . --format prisma2020-csv -o PRISMA.csv'))
    .action(async (review: string, opts: { json?: boolean; format: FlowFormat; output?: string }) => {
      if (opts.json && opts.format !== 'text' && opts.format !== 'json') {
        throw usageError(`--json and --format ${opts.format} ask for two different outputs; give one of them`);
      }
      const format: FlowFormat = opts.json ? 'json' : opts.format;
      const result = await runFlow({ review });
      printWarnings(result.warnings);
      const text = await renderFlow(result, format);
      if (opts.output && opts.output !== '-') {
        await writeFileAtomic(opts.output, text);
        out(`wrote the PRISMA flow (${format}) to ${opts.output}`);
      } else out(text);
    });
}

/** The diagram's and the template's writers (and the XML builder) are loaded only when asked for. */
export async function renderFlow(result: FlowResult, format: FlowFormat): Promise<string> {
  switch (format) {
    case 'json':
      return JSON.stringify(result.flow, null, 2) + '\n';
    case 'csv':
      return (await import('../report/flow.js')).flowCsv(result.flow);
    case 'svg':
      return (await import('../report/flow-svg.js')).flowSvg(result.prisma);
    case 'prisma2020-csv':
      return (await import('../report/prisma2020-csv.js')).prisma2020Csv(result.prisma);
    case 'text':
      return flowText(result.flow, result.title) + '\n';
  }
}
