/**
 * Scoring a deduplication against labelled duplicate groups, counted over records the way
 * bib-dedupe's benchmark does (`current_results.md`): in a true group of k records, k − 1 are
 * duplicates to remove and one is the study to keep. Pure; the benchmark (bench/dedupe.js) feeds it.
 *
 * Every record gets exactly one label:
 * - removed, and the record it was merged into (its cluster's kept record) is in its true group → TP;
 * - removed into a record of another group, or a truly unique record removed → FP (a study lost);
 * - kept and truly unique → TN;
 * - kept and in a true group: the first kept member of the group is its TN, every further kept member a FN.
 * A group whose members were all merged elsewhere has no TN and no FN: its members are all FP.
 * With no false merges these are exactly bib-dedupe's counts.
 */

export interface DedupeScore {
  records: number;
  /** Σ (k − 1) over the true groups. */
  trueDuplicates: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  sensitivity: number;
  specificity: number;
  precision: number;
  f1: number;
  /** Each false merge: the removed record and the kept record it was wrongly merged into. */
  falseMerges: { id: string; keptId: string }[];
  /** Each true group that is still split, with its records that were kept. */
  missedGroups: { group: string[]; kept: string[] }[];
}

/**
 * `truth`: the true duplicate groups (records in none are unique); `ids`: every record of the set;
 * `removedToKept`: the deduplicator's answer (removed id → kept id, as DedupeResult gives it).
 * Throws when a group names an id that is not in `ids` or names one twice.
 */
export function scoreDeduplication(
  truth: readonly (readonly string[])[],
  ids: readonly string[],
  removedToKept: ReadonlyMap<string, string>,
): DedupeScore {
  const groupOf = new Map<string, number>();
  const known = new Set(ids);
  let trueDuplicates = 0;
  truth.forEach((group, g) => {
    for (const id of group) {
      if (!known.has(id)) throw new Error(`truth group ${g + 1} names ${id}, which is not a record of the set`);
      if (groupOf.has(id)) throw new Error(`truth names ${id} in two groups`);
      groupOf.set(id, g);
    }
    if (group.length > 0) trueDuplicates += group.length - 1;
  });

  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const falseMerges: DedupeScore['falseMerges'] = [];
  const keptPerGroup = new Map<number, string[]>();
  for (const id of ids) {
    const g = groupOf.get(id);
    const keptId = removedToKept.get(id);
    if (keptId !== undefined) {
      if (g !== undefined && groupOf.get(keptId) === g) tp++;
      else {
        fp++;
        falseMerges.push({ id, keptId });
      }
    } else if (g === undefined) {
      tn++;
    } else {
      const list = keptPerGroup.get(g);
      if (list) list.push(id);
      else keptPerGroup.set(g, [id]);
    }
  }
  const missedGroups: DedupeScore['missedGroups'] = [];
  for (const [g, kept] of keptPerGroup) {
    tn++;
    fn += kept.length - 1;
    if (kept.length > 1) missedGroups.push({ group: [...truth[g]], kept });
  }

  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  const sensitivity = ratio(tp, tp + fn);
  const precision = ratio(tp, tp + fp);
  return {
    records: ids.length,
    trueDuplicates,
    tp,
    fp,
    fn,
    tn,
    sensitivity,
    specificity: ratio(tn, tn + fp),
    precision,
    f1: sensitivity + precision === 0 ? 0 : (2 * sensitivity * precision) / (sensitivity + precision),
    falseMerges,
    missedGroups,
  };
}
