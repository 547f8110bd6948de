import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { stopSampleOf, type OrderLogRow } from '../core/review/stop.js';
import type { DecisionRow } from '../model/decision.js';
import { decisionLogPath } from './review.js';

/**
 * The order log, one per reviewer and stage (decisions/<stage>/order/<reviewer>.csv, append-only
 * like the decision logs, which keep their fixed columns): for every record the reviewer decided
 * in a session, the order that showed it and, for a relevance ranking, how many decisions that
 * ranking was trained on (blank: the record was not chosen by a ranking: the first records before
 * an include and an exclude exist, a search, an undo). The stopping rule's random sample is
 * logged here too (core/review/stop.ts): its draw (record `*`) and the records it showed.
 */
export const ORDER_LOG_COLUMNS = ['time', 'record_id', 'order', 'ranked_on'] as const;

export function orderLogPath(decisionLog: string): string {
  return path.join(path.dirname(decisionLog), 'order', path.basename(decisionLog));
}

/** An order log's rows, read as tolerantly as a decision log (BOM, CRLF, semicolons, UTF-16); none when there is no log. */
export async function readOrderLog(decisionLog: string): Promise<OrderLogRow[]> {
  const file = orderLogPath(decisionLog);
  if (!existsSync(file)) return [];
  // The log reader (and csv-parse) is loaded only when an order log exists: verify of a review
  // without a drawn stopping sample reads none.
  const { readLogTable } = await import('./append-log.js');
  const table = await readLogTable(file, ORDER_LOG_COLUMNS);
  return table.rows.map((r) => ({ time: (r.cells.time ?? '').trim(), recordId: (r.cells.record_id ?? '').trim(), order: r.cells.order ?? '', line: r.line }));
}

/** The order logs of the reviewers whose stop rows say litscreen drew their sample (what verify checks). */
export async function readOrderLogsOfStops(reviewDir: string, stops: readonly DecisionRow[]): Promise<Map<string, OrderLogRow[]>> {
  const logs = new Map<string, OrderLogRow[]>();
  for (const stop of stops) {
    if (stop.stage !== 'title-abstract' || logs.has(stop.reviewer) || !stopSampleOf(stop).drawn) continue;
    logs.set(stop.reviewer, await readOrderLog(decisionLogPath(reviewDir, 'title-abstract', stop.reviewer)));
  }
  return logs;
}
