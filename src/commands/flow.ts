import type { Flow } from '../model/flow.js';
import { loadReview } from '../io/review.js';
import type { Warning } from '../model/record.js';
import { Option, type Command } from 'commander';
import { examples } from '../io/command.js';
import { out, printWarnings } from '../io/output.js';
import { usageError } from '../errors.js';
import { writeFileAtomic } from '../io/files.js';
import { flowText, flowCsv } from '../report/flow.js';
import { flowSvg } from '../report/flow-svg.js';

export const FLOW_FORMATS = ['text', 'json', 'csv', 'svg'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

export interface FlowOptions {
  review: string;
}

export interface FlowResult {
  title: string;
  flow: Flow;
  warnings: Warning[];
}

/** `litscreen flow REVIEW`: derive the PRISMA 2020 counts from the review folder's inputs. */
export async function runFlow(options: FlowOptions): Promise<FlowResult> {
  const review = await loadReview(options.review);
  return { title: review.protocol.title, flow: review.state.flow, warnings: review.warnings };
}

export function register(program: Command): void {
  program
    .command('flow')
    .description('print the PRISMA 2020 flow counts, derived from the exports and decision logs')
    .argument('<review>', 'review folder')
    .option('--json', 'same as --format json: counts keyed by the PRISMA2020 template ids')
    .addOption(new Option('--format <format>', 'output format').choices([...FLOW_FORMATS]).default('text'))
    .option('-o, --output <file>', 'write to a file instead of the terminal')
    .addHelpText('after', examples('litscreen flow fixtures/seed-review', 'litscreen flow fixtures/seed-review --json', 'litscreen flow . --format svg -o prisma.svg'))
    .action(async (review: string, opts: { json?: boolean; format: FlowFormat; output?: string }) => {
      if (opts.json && opts.format !== 'text' && opts.format !== 'json') {
        throw usageError(`--json and --format ${opts.format} ask for two different outputs; give one of them`);
      }
      const format: FlowFormat = opts.json ? 'json' : opts.format;
      const result = await runFlow({ review });
      printWarnings(result.warnings);
      const text = renderFlow(result, format);
      if (opts.output && opts.output !== '-') {
        await writeFileAtomic(opts.output, text);
        out(`wrote the PRISMA flow (${format}) to ${opts.output}`);
      } else out(text);
    });
}

export function renderFlow(result: FlowResult, format: FlowFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(result.flow, null, 2) + '\n';
    case 'csv':
      return flowCsv(result.flow);
    case 'svg':
      return flowSvg(result.flow, result.title);
    case 'text':
      return flowText(result.flow, result.title) + '\n';
  }
}
