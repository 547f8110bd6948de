import type { Flow } from '../model/flow.js';
import { loadReview } from '../io/review.js';
import type { Warning } from '../model/record.js';

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
