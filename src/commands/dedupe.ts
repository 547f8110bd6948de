import type { ReviewRecord } from '../model/record.js';
import { loadReview, assignIds } from '../io/review.js';
import { findDuplicates, type DedupeSettings } from '../core/dedupe.js';
import { runImport, keyFromFileName } from './import.js';
import { usageError } from '../errors.js';

export interface DedupeOptions {
  review?: string;
  files?: string[];
}

export interface ClusterReport {
  kept: RecordRef;
  removed: (RecordRef & { rule: string; linkedTo: string })[];
  rule: string;
}

export interface RecordRef {
  id: string;
  database: string;
  file: string;
  line: number;
  title: string;
}

export interface DedupeReport {
  clusters: ClusterReport[];
  counts: { records: number; unique: number; duplicates: number; clusters: number; byRule: Record<string, number> };
  blockedMerges: { a: string; b: string; guard: string }[];
}

const ref = (r: ReviewRecord): RecordRef => ({ id: r.id, database: r.database, file: r.source.file, line: r.source.line, title: r.title });

/**
 * `litscreen dedupe REVIEW` (or `--files FILE...` without a review): which record absorbed which,
 * and by which rule. Removed records are marked, never forgotten: their databases still count.
 */
export async function runDedupe(options: DedupeOptions): Promise<DedupeReport> {
  let records: ReviewRecord[];
  let settings: DedupeSettings = { yearTolerance: 1, matchMainTitle: true };
  if (options.files && options.files.length > 0) {
    if (options.review) throw usageError('give either a review folder or --files, not both');
    records = [];
    const usedKeys = new Set<string>();
    for (const file of options.files) {
      let key = keyFromFileName(file);
      for (let n = 2; usedKeys.has(key); n++) key = `${keyFromFileName(file)}-${n}`;
      usedKeys.add(key);
      const imported = await runImport({ files: [file] });
      records.push(...assignIds(imported.records, { key, database: key }, []));
    }
  } else if (options.review) {
    const review = await loadReview(options.review);
    records = review.state.records;
    settings = review.protocol.deduplication;
  } else {
    throw usageError('give a review folder, or --files FILE... to deduplicate exports without one');
  }
  const result = findDuplicates(records, settings);
  const byId = new Map(records.map((r) => [r.id, r]));
  const byRule: Record<string, number> = {};
  const clusters = result.clusters.map((c) => {
    const links = new Map(c.links.map((l) => [l.id, l]));
    return {
      kept: ref(byId.get(c.kept)!),
      removed: c.removed.map((id) => {
        const link = links.get(id)!;
        byRule[link.rule] = (byRule[link.rule] ?? 0) + 1;
        return { ...ref(byId.get(id)!), rule: link.rule, linkedTo: link.to };
      }),
      rule: c.rule,
    };
  });
  const duplicates = records.length - result.keptIds.length;
  return {
    clusters,
    counts: { records: records.length, unique: result.keptIds.length, duplicates, clusters: clusters.length, byRule },
    blockedMerges: result.blockedMerges,
  };
}
