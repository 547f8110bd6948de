import type { Command } from 'commander';
import { readLabelledDataset, type LabelledDataset } from '../io/labelled-dataset.js';
import { examples } from '../io/command.js';
import { out, json, table, err } from '../io/output.js';
import { usageError } from '../errors.js';
import { recordText } from '../core/screening/tokenize.js';
import { DEFAULT_RELEVANCE, RELEVANCE_CONFIGS, relevanceFeatures } from '../core/screening/relevance-configs.js';
import { simulateRun, summariseRuns, summarise, type MetricsSummary, type Summary } from '../core/screening/simulation.js';
import { streakStop } from '../core/screening/stopping.js';

/** Streak lengths whose stopping point a simulation reports (the heuristic half of the stopping rule). */
const STREAKS = [50, 100, 200] as const;

/**
 * `litscreen simulate DATASET.csv --label COLUMN`: replay a review whose labels are known, as a
 * reviewer screening with `--order relevance` would (core/screening/simulation.ts), and report
 * the measures the field uses, defined as ASReview's insights package defines them
 * (core/screening/metrics.ts): the two prior records left out, WSS@95, RRF@10, RRF@25, ATD and
 * the records screened to find 95 % and 100 % of the relevant ones, as mean and range over runs.
 */

export interface SimulateOptions {
  dataset: string;
  label: string;
  /** First seed; run i uses seed + i. */
  seed?: number;
  runs?: number;
  clean?: boolean;
  /** A configuration of core/screening/relevance-configs.ts (default: the one the screen uses); the others for comparison. */
  model?: string;
  /** Called after each run (progress). */
  onRun?: (done: number, of: number) => void;
}

export interface SimulateRunResult {
  seed: number;
  priors: { relevant: string; irrelevant: string };
  wss95: number;
  rrf10: number;
  rrf25: number;
  atdPercent: number;
  recordsFor95: number;
  recordsFor100: number;
  retrains: number;
  /** Wall-clock and CPU seconds of the run (on a shared machine the first overstates the work). */
  seconds: number;
  cpuSeconds: number;
  /** Where stopping after N irrelevant records in a row would have stopped: records screened (after the priors) and recall. */
  streakStops: { consecutiveIrrelevant: number; screened: number; recall: number }[];
  /** Record ids in the order screened, priors first. */
  order: string[];
}

export interface SimulateResult {
  dataset: string;
  label: string;
  records: number;
  relevant: number;
  rowsRead: number;
  cleaned: boolean;
  dropped: LabelledDataset['dropped'];
  model: string;
  seeds: number[];
  /** Records and relevant records the measures are over (priors left out). */
  measuredOver: { records: number; relevant: number };
  summary: MetricsSummary;
  /** Per streak length: records screened and recall (%) at the stop, over the runs. */
  streakStops: { consecutiveIrrelevant: number; screened: Summary; recallPercent: Summary }[];
  /** Seconds to build the features (once) and per run. */
  featureSeconds: number;
  runs: SimulateRunResult[];
}

export async function runSimulate(options: SimulateOptions): Promise<SimulateResult> {
  const runs = options.runs ?? 1;
  const firstSeed = options.seed ?? 1;
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > 1000) throw usageError(`--runs must be a whole number from 1 to 1000 (got ${options.runs})`);
  if (!Number.isSafeInteger(firstSeed) || firstSeed < 0) throw usageError(`--seed must be a whole number (got ${options.seed})`);
  const config = RELEVANCE_CONFIGS.get(options.model ?? DEFAULT_RELEVANCE.name);
  if (!config) throw usageError(`--model must be one of ${[...RELEVANCE_CONFIGS.keys()].join(', ')} (got "${options.model}")`);
  const data = await readLabelledDataset(options.dataset, options.label, { clean: options.clean });
  const relevant = data.labels.reduce((a, b) => a + b, 0);
  if (relevant === 0 || relevant === data.labels.length) {
    throw usageError(`a simulation needs relevant and irrelevant records; column ${options.label} has ${relevant} of ${data.labels.length} relevant`, { file: options.dataset });
  }
  let t = performance.now();
  const features = relevanceFeatures(
    data.titles.map((title, i) => recordText(title, data.abstracts[i])),
    config,
  );
  const featureSeconds = (performance.now() - t) / 1000;
  const results: { run: ReturnType<typeof simulateRun>; seconds: number; cpuSeconds: number; stops: { consecutiveIrrelevant: number; screened: number; recall: number }[] }[] = [];
  const seeds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const seed = firstSeed + i;
    seeds.push(seed);
    t = performance.now();
    const cpu = process.cpuUsage();
    const run = simulateRun(features, data.labels, seed);
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const afterPriors = Array.from(run.order.subarray(2), (r) => data.labels[r]);
    const stops = STREAKS.map((n) => ({ consecutiveIrrelevant: n, ...streakStop(afterPriors, n) }));
    results.push({ run, seconds, cpuSeconds, stops });
    options.onRun?.(i + 1, runs);
  }
  return {
    dataset: options.dataset,
    label: options.label,
    records: data.labels.length,
    relevant,
    rowsRead: data.rowsRead,
    cleaned: options.clean === true,
    dropped: data.dropped,
    model: `${config.name}: ${config.description}, retrained after every decision, highest score next`,
    seeds,
    measuredOver: { records: data.labels.length - 2, relevant: relevant - 1 },
    summary: summariseRuns(results.map((r) => r.run)),
    streakStops: STREAKS.map((n, i) => ({
      consecutiveIrrelevant: n,
      screened: summarise(results.map((r) => r.stops[i].screened)),
      recallPercent: summarise(results.map((r) => 100 * r.stops[i].recall)),
    })),
    featureSeconds,
    runs: results.map(({ run, seconds, cpuSeconds, stops }) => ({
      seed: run.seed,
      priors: { relevant: data.ids[run.priors[0]], irrelevant: data.ids[run.priors[1]] },
      ...run.metrics,
      retrains: run.retrains,
      seconds,
      cpuSeconds,
      streakStops: stops,
      order: Array.from(run.order, (r) => data.ids[r]),
    })),
  };
}

const fixed = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

export function renderSimulate(result: SimulateResult): string {
  const s = result.summary;
  const d = result.dropped;
  const cleaning = result.cleaned
    ? ` (cleaned from ${result.rowsRead} rows: ${d.noAbstract} without abstract, ${d.markedDuplicate} marked duplicate, ${d.sameText} same title and abstract dropped)`
    : '';
  const seeds = result.seeds.length === 1 ? `seed ${result.seeds[0]}` : `seeds ${result.seeds[0]}–${result.seeds[result.seeds.length - 1]}`;
  const row = (name: string, k: keyof MetricsSummary, digits = 1) => [name, fixed(s[k].mean, digits), `${fixed(s[k].min, digits)}–${fixed(s[k].max, digits)}`];
  const seconds = result.runs.reduce((a, r) => a + r.seconds, 0) / result.runs.length;
  const cpuSeconds = result.runs.reduce((a, r) => a + r.cpuSeconds, 0) / result.runs.length;
  return [
    `${result.dataset}: ${result.records} records, ${result.relevant} relevant${cleaning}`,
    `model: ${result.model}`,
    `${result.runs.length} run(s), ${seeds}; each starts from 1 relevant + 1 irrelevant record drawn by its seed, left out of the measures (${result.measuredOver.records} records, ${result.measuredOver.relevant} relevant)`,
    '',
    table(
      [
        ['measure', 'mean', 'range'],
        row('WSS@95 (%)', 'wss95'),
        row('RRF@10 (%)', 'rrf10'),
        row('RRF@25 (%)', 'rrf25'),
        row('ATD (% of records)', 'atdPercent', 2),
        row('records to 95 % recall', 'recordsFor95'),
        row('records to 100 % recall', 'recordsFor100'),
      ],
      ['left', 'right', 'right'],
    ),
    '',
    'stopping after N irrelevant records in a row (the heuristic half of a stopping rule; see the README):',
    table(
      [
        ['N', 'records screened', 'recall (%)'],
        ...result.streakStops.map((st) => [String(st.consecutiveIrrelevant), `${fixed(st.screened.mean)} (${fixed(st.screened.min, 0)}–${fixed(st.screened.max, 0)})`, `${fixed(st.recallPercent.mean)} (${fixed(st.recallPercent.min)}–${fixed(st.recallPercent.max)})`]),
      ],
      ['right', 'right', 'right'],
    ),
    '',
    `features ${fixed(result.featureSeconds, 2)} s; per run ${fixed(seconds, 2)} s wall, ${fixed(cpuSeconds, 2)} s CPU`,
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('replay a labelled review in relevance order and measure it as ASReview does (WSS@95, RRF@10/25, ATD)')
    .argument('<dataset>', 'CSV with title, abstract and a 0/1 label column')
    .requiredOption('--label <column>', 'the label column (1 relevant, 0 irrelevant)')
    .option('--seed <n>', 'seed of the first run; run i uses seed + i', '1')
    .option('--runs <k>', 'runs, each with its own prior records', '1')
    .option('--clean', 'drop rows without an abstract, rows with a duplicate_record_id, and repeated title+abstract (as Ferdinands et al. 2023)')
    .option('--model <name>', `the relevance model: ${DEFAULT_RELEVANCE.name} (the screen's), or to compare ${[...RELEVANCE_CONFIGS.keys()].filter((k) => k !== DEFAULT_RELEVANCE.name).join(', ')}`, DEFAULT_RELEVANCE.name)
    .option('--json', 'machine-readable output, with the order of every run')
    .addHelpText(
      'after',
      '\nMeasures as ASReview\'s insights package defines them, the two prior records left out: WSS@95 read at the\n' +
        'largest k with k / relevant <= 0.95; RRF@10 and @25 after 10 % and 25 % of the records; ATD the mean\n' +
        'position at which a relevant record is found, as a share of the records.\n' +
        examples(
          'litscreen simulate Nagtegaal_2019.csv --label label_included --clean --runs 10',
          'litscreen simulate my-labelled-review.csv --label included --seed 7 --json',
        ),
    )
    .action(async (dataset: string, opts: { label: string; seed: string; runs: string; clean?: boolean; model: string; json?: boolean }) => {
      const showProgress = process.stderr.isTTY === true;
      const result = await runSimulate({
        dataset,
        label: opts.label,
        seed: Number(opts.seed),
        runs: Number(opts.runs),
        clean: opts.clean,
        model: opts.model,
        onRun: showProgress ? (done, of) => err(`run ${done} of ${of} done`) : undefined,
      });
      if (opts.json) return json(result);
      out(renderSimulate(result));
    });
}
