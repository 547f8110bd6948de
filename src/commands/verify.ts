import { loadReview } from '../io/review.js';
import { compareWithExpected } from '../core/verify.js';
import { formatLocated } from '../errors.js';
import type { Flow } from '../model/flow.js';

export interface VerifyOptions {
  review: string;
}

export interface VerifyResult {
  ok: boolean;
  /** One line per problem: a count that drifted, a pending or conflicting decision, a bad log row. */
  problems: string[];
  flow: Flow;
}

/**
 * `litscreen verify REVIEW`: recompute the flow from the raw inputs and fail when a count differs
 * from the protocol's `expected` block, a source's record count differs from its database hit
 * count, a record is pending at a stage it reached, or reviewers disagree.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const review = await loadReview(options.review);
  const problems: string[] = [];
  for (const loaded of review.sources) {
    const want = loaded.source.expectedRecords;
    if (want !== undefined && want !== loaded.records.length) {
      problems.push(
        formatLocated(`${loaded.source.database}: expected ${want} records (the database's hit count), read ${loaded.records.length}`, loaded.file),
      );
    }
  }
  problems.push(...compareWithExpected(review.state.flow, review.protocol.expected));
  for (const p of review.state.problems) problems.push(formatLocated(p.message, p.file, p.line));
  return { ok: problems.length === 0, problems, flow: review.state.flow };
}
