import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  RelevanceRanker,
  type RankedText,
  type RankingSnapshot,
  type RankingSource,
  type TrainingLabel,
} from '../core/screening/relevance-order.js';

/**
 * The relevance model of `screen --order relevance`, kept off the keypress path in a worker
 * thread. The screen sends the labels after every saved decision and never waits: the next record
 * comes from the latest ranking that has FINISHED (RankingSource.latest). Updates that arrive while
 * a retrain runs are coalesced, so the worker always trains on the newest labels next.
 *
 * This one file is both sides: imported, it is the client (`RelevanceWorker`); run as the worker's
 * script (workerData.litscreen === 'relevance'), it is the loop that builds the features once and
 * retrains on each update.
 */

interface WorkerInit {
  litscreen: 'relevance';
  texts: RankedText[];
  seed: number;
}

type ToWorker = { version: number; labels: [string, TrainingLabel][] };
type FromWorker = { version: number; ranking?: RankingSnapshot; ms: number } | { error: string };

export class RelevanceWorker implements RankingSource {
  private ranking: RankingSnapshot | undefined;
  private readonly trainedOnFor = new Map<string, number>();
  private sent = 0;
  private received = 0;
  private failure: string | undefined;
  private waiters: { version: number; resolve: () => void }[] = [];
  /** Milliseconds the last retrain + rank took in the worker. */
  lastRetrainMs = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      if ('error' in m) {
        this.failure = m.error;
        this.received = this.sent;
      } else {
        // Only a newer ranking replaces the one in force.
        if (m.version >= this.received) {
          this.received = m.version;
          this.ranking = m.ranking ?? this.ranking;
          this.lastRetrainMs = m.ms;
        }
      }
      this.wake();
    });
    worker.on('error', (e) => {
      this.failure = e.message;
      this.received = this.sent;
      this.wake();
    });
    // The screen must be able to end while the worker still trains (idle() refs it while it waits).
    worker.unref();
  }

  /** Start a worker on these studies and labels; resolves once its first ranking is in. */
  static async start(texts: RankedText[], labels: ReadonlyMap<string, TrainingLabel>, seed = 1): Promise<RelevanceWorker> {
    const init: WorkerInit = { litscreen: 'relevance', texts, seed };
    const client = new RelevanceWorker(new Worker(new URL(import.meta.url), { workerData: init }));
    client.update(labels);
    await client.idle();
    return client;
  }

  /** Send the current labels (every labelled study); the worker retrains when it is free. */
  update(labels: ReadonlyMap<string, TrainingLabel>): void {
    const message: ToWorker = { version: ++this.sent, labels: [...labels] };
    this.worker.postMessage(message);
  }

  latest(): RankingSnapshot | undefined {
    return this.ranking;
  }

  chose(studyId: string, trainedOn: number): void {
    this.trainedOnFor.set(studyId, trainedOn);
  }

  /** How many decisions the ranking that chose this study was trained on (undefined: not chosen by a ranking). */
  rankedOn(studyId: string): number | undefined {
    return this.trainedOnFor.get(studyId);
  }

  /** Why the worker stopped, if it did (the screen then keeps the last ranking). */
  get error(): string | undefined {
    return this.failure;
  }

  /** Resolves once the ranking for the latest update has come back (tests, start-up). */
  idle(): Promise<void> {
    if (this.received >= this.sent) return Promise.resolve();
    this.worker.ref();
    return new Promise((resolve) => this.waiters.push({ version: this.sent, resolve }));
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => this.received >= w.version);
    this.waiters = this.waiters.filter((w) => this.received < w.version);
    if (this.waiters.length === 0) this.worker.unref();
    for (const w of ready) w.resolve();
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

function runWorker(init: WorkerInit): void {
  const port = parentPort!;
  let ranker: RelevanceRanker | undefined;
  let pending: ToWorker | undefined;
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const message = pending;
    pending = undefined;
    if (!message) return;
    try {
      const started = performance.now();
      ranker ??= new RelevanceRanker(init.texts, init.seed);
      ranker.setLabels(new Map(message.labels));
      const ranking = ranker.rank();
      port.postMessage({ version: message.version, ranking, ms: performance.now() - started } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies FromWorker);
    }
    if (pending) schedule();
  };
  // Messages that arrive during a retrain are delivered after it: the last one wins.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(run);
  };
  port.on('message', (m: ToWorker) => {
    pending = m;
    schedule();
  });
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.litscreen === 'relevance') runWorker(workerData as WorkerInit);
