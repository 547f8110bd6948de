import type { ReviewRecord } from '../../model/record.js';
import type { Protocol, Criterion } from '../../model/protocol.js';
import type { DecisionRow, ResolutionRow, Stage } from '../../model/decision.js';
import type { Flow } from '../../model/flow.js';
// Types only: the engine itself is loaded by derive.ts, on a cache miss.
import type { DedupeResult } from '../dedupe/engine.js';
import { foldResolutions, type FoldedResolutions } from './resolutions.js';
import { foldDecisions, stageOutcome, describeReviewers, type FoldedDecisions, type StageOutcome } from './decisions.js';
import { flowImbalances } from './flow.js';
import { checkStopRule, decisionOrderLabels, describeStoppingRule, describeStopSample, effectiveStop, type EffectiveStop } from './stop.js';

/**
 * The review's state on top of its derived base: the types every command shares (a study, its
 * status, the review state) and `applyDecisions`, which folds the decision logs into each study's
 * status and counts the flow. Kept apart from derive.ts, which deduplicates: a command on a warm
 * cache reads the base from disk and loads this module, never the dedupe engine.
 */

/** Where a study ended up. */
export type StudyStatus =
  | 'excluded-by-criterion'
  | 'title-abstract-pending'
  /** Unscreened when screening stopped under the protocol's stopping rule: excluded by automation. */
  | 'excluded-by-stopping-rule'
  | 'title-abstract-conflict'
  | 'excluded-at-title-abstract'
  | 'not-retrieved'
  | 'full-text-pending'
  | 'full-text-conflict'
  | 'excluded-at-full-text'
  | 'included';

/** The statuses of a study that was sent to full text (included at title/abstract). */
export const FULL_TEXT_STATUSES: readonly StudyStatus[] = ['full-text-pending', 'full-text-conflict', 'excluded-at-full-text', 'not-retrieved', 'included'];

export const reachedFullText = (status: StudyStatus): boolean => FULL_TEXT_STATUSES.includes(status);

/** What a listing shows of a record, without the whole record (title, first author, year, database). */
export interface RecordSummary {
  id: string;
  database: string;
  /** The protocol's key of the source it came from ("psycinfo"). */
  databaseKey: string;
  title: string;
  year?: number;
  /** Family name of the first author, '' when none. */
  firstAuthor: string;
}

export function summarizeRecord(record: ReviewRecord): RecordSummary {
  return { id: record.id, database: record.database, databaseKey: record.databaseKey, title: record.title, year: record.year, firstAuthor: record.authors[0]?.family ?? '' };
}

/**
 * The review's records, in export order. Whole records may be read only when asked for (a cache
 * keeps them on disk), so what is needed for every record (ids, counts, summaries) is separate.
 */
export interface ReviewRecords {
  /** How many records the exports hold. */
  readonly count: number;
  /** Each record's id, in export order. */
  readonly ids: readonly string[];
  /** Records per database (display name), in the order the exports come. */
  readonly countByDatabase: ReadonlyMap<string, number>;
  /** Position of a record by id, or undefined when it is not a record of this review. */
  indexOf(id: string): number | undefined;
  /** The id of the record at a position (without making every id). */
  idAt(index: number): string;
  /** The whole record at a position. */
  record(index: number): ReviewRecord;
  summary(index: number): RecordSummary;
  /** Every whole record, in export order. */
  all(): ReviewRecord[];
}

/** Records held in memory (the uncached path, and tests). */
export function recordsInMemory(records: ReviewRecord[]): ReviewRecords {
  let positions: Map<string, number> | undefined;
  const countByDatabase = new Map<string, number>();
  for (const r of records) countByDatabase.set(r.database, (countByDatabase.get(r.database) ?? 0) + 1);
  return {
    count: records.length,
    ids: records.map((r) => r.id),
    countByDatabase,
    indexOf(id) {
      // Built on first use; the last of two equal ids wins, as in a Map built from the array.
      positions ??= new Map(records.map((r, i) => [r.id, i]));
      return positions.get(id);
    },
    idAt: (index) => records[index].id,
    record: (index) => records[index],
    summary: (index) => summarizeRecord(records[index]),
    all: () => records,
  };
}

/**
 * The log-independent part of a review: its records, duplicate clusters, study records and
 * criteria results. Everything here follows from the exports, the protocol's deduplication and
 * criteria sections and the duplicate resolutions; no screening decision changes any of it.
 */
export interface ReviewBase {
  records: ReviewRecords;
  dedupe: DedupeResult;
  /** Per study (dedupe.keptIds order): the record of the study (kept record, gaps filled from its copies). */
  studyRecord(index: number): ReviewRecord;
  /** Per study: what a listing shows of its record. */
  studySummary(index: number): RecordSummary;
  /** Per study: index in protocol.titleAbstract.criteria of the first criterion it fails, or -1. */
  failedCriteria: ArrayLike<number>;
  /** Where each record and study sits (a cache stores it); made from `dedupe` when absent. */
  layout?: StudyLayout;
  /** The duplicate cluster of a study (a cache reads one); else looked up in `dedupe.clusters`. */
  clusterOf?(studyIndex: number): DedupeResult['clusters'][number] | undefined;
}

/**
 * Where each record and study sits, by position: what the review state reads instead of Maps
 * keyed by 100,000 ids. Made from the dedupe result (`studyLayout`), or read from a cache.
 */
export interface StudyLayout {
  /** Per record: the index of its study; -1 for a record whose id a later record reuses (never looked up). */
  studyOfRecord: Int32Array;
  /** Per study: the position of its kept record. */
  keptRecord: Int32Array;
  /** Study s has the records at memberRecords[memberStart[s] .. memberStart[s + 1]), kept first, then as membersOfStudies orders them. */
  memberStart: Int32Array;
  memberRecords: Int32Array;
}

export function studyLayout(records: ReviewRecords, dedupe: DedupeResult): StudyLayout {
  const studies = dedupe.keptIds.length;
  const studyOfRecord = new Int32Array(records.count).fill(-1);
  const keptRecord = new Int32Array(studies);
  const studyIndex = new Map<string, number>();
  dedupe.keptIds.forEach((id, s) => {
    keptRecord[s] = records.indexOf(id)!;
    studyIndex.set(id, s);
  });
  const memberStart = new Int32Array(studies + 1);
  for (const kept of dedupe.removedToKept.values()) memberStart[studyIndex.get(kept)! + 1]++;
  for (let s = 0; s < studies; s++) memberStart[s + 1] += memberStart[s] + 1;
  const memberRecords = new Int32Array(memberStart[studies]);
  const filled = new Int32Array(studies);
  const place = (s: number, id: string) => {
    const i = records.indexOf(id)!;
    memberRecords[memberStart[s] + filled[s]++] = i;
    studyOfRecord[i] = s;
  };
  dedupe.keptIds.forEach((id, s) => place(s, id));
  for (const [removed, kept] of dedupe.removedToKept) place(studyIndex.get(kept)!, removed);
  return { studyOfRecord, keptRecord, memberStart, memberRecords };
}

/** Ids of each study's records, kept record first then the removed ones in the engine's order. */
export function membersOfStudies(dedupe: DedupeResult): Map<string, string[]> {
  const membersOf = new Map<string, string[]>();
  for (const id of dedupe.keptIds) membersOf.set(id, [id]);
  for (const [removed, kept] of dedupe.removedToKept) membersOf.get(kept)!.push(removed);
  return membersOf;
}

export interface Study {
  /** Id of the kept record of the duplicate cluster (or of the record itself). */
  id: string;
  /** The kept record, with missing fields filled from the cluster's other copies (read when first asked for). */
  readonly record: ReviewRecord;
  /** What a listing shows of `record`, without reading it whole. */
  readonly summary: RecordSummary;
  /** Ids of every record in the cluster, kept one first. */
  memberIds: string[];
  /** First criterion (protocol order) the study fails, if any, unless a person overrode it. */
  failedCriterion?: Criterion;
  /** The criterion a person's `override` lifted: the study is screened as if it had passed. */
  overriddenCriterion?: Criterion;
  titleAbstract: StageOutcome;
  fullText: StageOutcome;
  status: StudyStatus;
}

/**
 * A study whose record and summary come from the base when first asked for: a listing of 70,000
 * studies reads summaries only, `show` reads one record. Own enumerable fields as a plain Study.
 */
class DerivedStudy implements Study {
  #base: ReviewBase;
  #index: number;
  constructor(
    base: ReviewBase,
    index: number,
    public id: string,
    public memberIds: string[],
    public failedCriterion: Criterion | undefined,
    public overriddenCriterion: Criterion | undefined,
    public titleAbstract: StageOutcome,
    public fullText: StageOutcome,
    public status: StudyStatus,
  ) {
    this.#base = base;
    this.#index = index;
  }
  get record(): ReviewRecord {
    return this.#base.studyRecord(this.#index);
  }
  get summary(): RecordSummary {
    // Made once: a listing reads four of its fields.
    return (this.#summary ??= this.#base.studySummary(this.#index));
  }
  #summary: RecordSummary | undefined;
}

/** The records of a review by id, read from the base when asked for (a Map's reading side). */
class RecordsById implements ReadonlyMap<string, ReviewRecord> {
  constructor(private readonly records: ReviewRecords) {}
  get size(): number {
    return this.records.count;
  }
  get(id: string): ReviewRecord | undefined {
    const index = this.records.indexOf(id);
    return index === undefined ? undefined : this.records.record(index);
  }
  has(id: string): boolean {
    return this.records.indexOf(id) !== undefined;
  }
  *entries(): MapIterator<[string, ReviewRecord]> {
    for (const record of this.records.all()) yield [record.id, record];
  }
  keys(): MapIterator<string> {
    return this.records.ids[Symbol.iterator]() as MapIterator<string>;
  }
  *values(): MapIterator<ReviewRecord> {
    yield* this.records.all();
  }
  forEach(callback: (value: ReviewRecord, key: string, map: ReadonlyMap<string, ReviewRecord>) => void): void {
    for (const record of this.records.all()) callback(record, record.id, this);
  }
  [Symbol.iterator](): MapIterator<[string, ReviewRecord]> {
    return this.entries();
  }
}

/** What the flow, the problems and a listing read of a study: all but its id, members and record. */
export type StudyView = Pick<Study, 'failedCriterion' | 'overriddenCriterion' | 'titleAbstract' | 'fullText' | 'status'>;

export interface ReviewProblem {
  kind: 'pending' | 'conflict' | 'unknown-id' | 'decision-out-of-stage' | 'unknown-reason' | 'uncertain-duplicate' | 'stopping-rule';
  message: string;
  file?: string;
  line?: number;
}

/** A Map's reading side, answered from the layout without a Map of every id. */
export interface Lookup<V> {
  get(id: string): V | undefined;
  has(id: string): boolean;
}

export interface ReviewState {
  /** Every whole record, export order (read when first asked for). */
  readonly records: ReviewRecord[];
  recordById: ReadonlyMap<string, ReviewRecord>;
  /** What a listing shows of every record, without reading the records whole. */
  recordSummary(id: string): RecordSummary | undefined;
  /** record id -> study id (the kept record of its cluster). */
  studyIdOf: Lookup<string>;
  dedupe: DedupeResult;
  /** Every study (made when first asked for; one study alone is made by studyById). */
  readonly studies: Study[];
  /** How many studies there are: studies.length without making them. */
  studyCount: number;
  /** The study at a position (studies order), made alone. */
  studyAt(index: number): Study;
  /** studies[index].status, without making the study. */
  statusAt(index: number): StudyStatus;
  /** studies[index] but for its id, members and record, without making the study. */
  viewAt(index: number): StudyView;
  /** studies[index].id, without making the study. */
  studyIdAt(index: number): string;
  /** studies[index].summary, without making the study. */
  studySummaryAt(index: number): RecordSummary;
  /** Whether any decision row (a vote, a maybe, an adjudication) names the study; a study without one has no override and no decision problem. */
  decidedAt(index: number): boolean;
  /** study id (the kept record's) -> its study, made alone. */
  studyById: Lookup<Study>;
  /** The duplicate cluster of a study, by study id. */
  clusterOf(studyId: string): DedupeResult['clusters'][number] | undefined;
  decisions: FoldedDecisions;
  resolutions: FoldedResolutions;
  /** The PRISMA counts (every study's status, counted when first asked for). */
  readonly flow: Flow;
  /** Title/abstract screening stopped under the protocol's rule, when it did. */
  stop?: EffectiveStop;
  problems: ReviewProblem[];
}

/** Fold the duplicate-resolution logs against the records they may name. */
export function foldReviewResolutions(records: ReviewRecords, resolutionRows: readonly ResolutionRow[]): FoldedResolutions {
  return foldResolutions(resolutionRows, (id) => records.indexOf(id) !== undefined);
}

/**
 * What a cache knows of a state already, and hears of what is counted: `flow` counted before from
 * exactly these inputs, `problems` read when first asked for (undefined: not known).
 */
export interface KnownState {
  flow?: Flow;
  counted?: (flow: Flow) => void;
  problems?: () => ReviewProblem[] | undefined;
  listedProblems?: (problems: ReviewProblem[]) => void;
}

/**
 * The decisions on top of the base: fold the logs, give every study its status, and count the
 * flow. Cheap (no record is read whole), so it runs on every command; `resolutions` are the
 * folded resolution logs the base was derived with. Studies, the flow and the problems are made
 * when first asked for, one study alone when only one is; `known.flow` is a flow counted before
 * from exactly these inputs (a cache's), and `known.counted` hears of a flow counted here.
 */
export function applyDecisions(
  protocol: Protocol,
  base: ReviewBase,
  decisionRows: readonly DecisionRow[],
  resolutions: FoldedResolutions,
  known: KnownState = {},
): ReviewState {
  const { records, dedupe } = base;
  const layout = base.layout ?? studyLayout(records, dedupe);
  const studyCount = layout.keptRecord.length;
  const studyIndexOf = (recordId: string): number | undefined => {
    const i = records.indexOf(recordId);
    const s = i === undefined ? -1 : layout.studyOfRecord[i];
    return s < 0 ? undefined : s;
  };
  const studyIdAt = (s: number) => records.idAt(layout.keptRecord[s]);
  const studyIdOf: Lookup<string> = {
    get: (id) => {
      const s = studyIndexOf(id);
      return s === undefined ? undefined : studyIdAt(s);
    },
    has: (id) => studyIndexOf(id) !== undefined,
  };

  const criteria = protocol.titleAbstract.criteria;
  const decisions = foldDecisions(decisionRows, (id) => studyIdOf.get(id));
  const reasonLabels = new Map(protocol.fullText.exclusionReasons.map((r) => [r.id, r.label]));

  // Most studies of a large review have no row at a stage yet, and their outcome is the same: one
  // object shared by all of them (outcomes are never changed once made).
  const outcomeAt = (stage: Stage, required: number) => {
    const latest = decisions.latest.get(stage);
    const adjudications = decisions.adjudications.get(stage);
    let undecided: StageOutcome | undefined;
    return (id: string): StageOutcome =>
      latest?.has(id) || adjudications?.has(id) ? stageOutcome(decisions, stage, id, required) : (undecided ??= stageOutcome(decisions, stage, id, required));
  };
  const titleAbstractOutcome = outcomeAt('title-abstract', protocol.titleAbstract.reviewers);
  const stop = effectiveStop(protocol, decisions.stops);
  const fullTextOutcome = outcomeAt('full-text', protocol.fullText.reviewers);

  // A study is made when first asked for: `decide` and `show` need one, `flow` on a warm cache none.
  const made: (Study | undefined)[] = new Array(studyCount);
  const judge = (failedIndex: number, titleAbstract: StageOutcome, fullText: StageOutcome) => {
    let failedCriterion: Criterion | undefined = failedIndex >= 0 ? criteria[failedIndex] : undefined;
    // A person's override is a human decision that the criterion was wrong for this record.
    const overriddenCriterion = failedCriterion && titleAbstract.override ? failedCriterion : undefined;
    if (overriddenCriterion) failedCriterion = undefined;
    let status = studyStatus(failedCriterion, titleAbstract, fullText);
    // Only records no reviewer has looked at: a vote or a maybe keeps a record in screening.
    if (stop && status === 'title-abstract-pending' && titleAbstract.latestByReviewer.size === 0 && !titleAbstract.adjudication) {
      status = 'excluded-by-stopping-rule';
    }
    return { failedCriterion, overriddenCriterion, status };
  };
  const makeStudy = (index: number): Study => {
    const id = studyIdAt(index);
    // The kept record is the first member: its id is the study's.
    const memberIds: string[] = [id];
    for (let k = layout.memberStart[index] + 1; k < layout.memberStart[index + 1]; k++) memberIds.push(records.idAt(layout.memberRecords[k]));
    const { failedCriterion, overriddenCriterion, titleAbstract, fullText, status } = decidedViews.get(index) ?? viewOf(index, id);
    return new DerivedStudy(base, index, id, memberIds, failedCriterion, overriddenCriterion, titleAbstract, fullText, status);
  };
  const viewOf = (index: number, id: string): StudyView => {
    const titleAbstract = titleAbstractOutcome(id);
    const fullText = fullTextOutcome(id);
    return { ...judge(base.failedCriteria[index], titleAbstract, fullText), titleAbstract, fullText };
  };
  const studyAt = (index: number): Study => (made[index] ??= makeStudy(index));

  // The studies some decision row names (any stage, a vote, a maybe or an adjudication); every
  // other study has the shared undecided outcomes, so its status follows from its criteria alone.
  // Every row a study id was found for is in `history` (also a retract and an adjudicator's row),
  // so its keys are every decided study's. Their ids are at hand there: a decided study's view is
  // made from its id without the study (its members and record) or its id read back.
  let decided: Uint8Array | undefined;
  const decidedIds = new Map<number, string>();
  const decidedViews = new Map<number, StudyView>();
  const decidedStudies = (): Uint8Array => {
    if (!decided) {
      decided = new Uint8Array(studyCount);
      for (const byStudy of decisions.history.values()) {
        for (const id of byStudy.keys()) {
          const s = studyIndexById(id);
          if (s !== undefined) {
            decided[s] = 1;
            decidedIds.set(s, id);
          }
        }
      }
    }
    return decided;
  };
  const decidedView = (index: number): StudyView => {
    let view = decidedViews.get(index);
    if (!view) decidedViews.set(index, (view = viewOf(index, decidedIds.get(index)!)));
    return view;
  };
  // An undecided study's view differs from another's only by the criterion it fails.
  const undecidedViews = new Map<number, StudyView>();
  const viewAt = (index: number): StudyView => {
    const known = made[index] ?? (decidedStudies()[index] ? decidedView(index) : undefined);
    if (known) return known;
    const failedIndex = base.failedCriteria[index];
    let view = undecidedViews.get(failedIndex);
    if (!view) {
      // The outcomes every undecided study shares (those of an id no row names).
      const none = '\u0000no study';
      const titleAbstract = titleAbstractOutcome(none);
      const fullText = fullTextOutcome(none);
      undecidedViews.set(failedIndex, (view = { ...judge(failedIndex, titleAbstract, fullText), titleAbstract, fullText }));
    }
    return view;
  };
  const statusAt = (index: number): StudyStatus => viewAt(index).status;
  let studies: Study[] | undefined;
  const allStudies = (): Study[] => {
    if (!studies) {
      studies = new Array(studyCount);
      for (let i = 0; i < studyCount; i++) studies[i] = studyAt(i);
    }
    return studies;
  };
  const studyIndexById = (id: string): number | undefined => {
    const i = records.indexOf(id);
    const s = i === undefined ? -1 : layout.studyOfRecord[i];
    return s >= 0 && layout.keptRecord[s] === i ? s : undefined;
  };

  let flow = known.flow;
  const countFlow = (): Flow => {
    const counted = computeFlow(protocol, records, studyCount, viewAt, reasonLabels, stop);
    const imbalances = flowImbalances(counted);
    if (imbalances.length > 0) {
      throw new Error(`internal: the flow does not balance: ${imbalances.join('; ')}`);
    }
    known.counted?.(counted);
    return counted;
  };
  // What only some commands read is made when first asked for: verify's problems (70,000 pending
  // messages are not worded for a `flow` or a `decide`), the studies and the flow.
  let problems: ReviewProblem[] | undefined;
  return {
    get records() {
      return records.all();
    },
    recordById: new RecordsById(records),
    recordSummary(id) {
      const index = records.indexOf(id);
      return index === undefined ? undefined : records.summary(index);
    },
    studyIdOf,
    dedupe,
    get studies() {
      return allStudies();
    },
    studyCount,
    studyAt,
    statusAt,
    viewAt,
    studyIdAt,
    studySummaryAt: (index) => made[index]?.summary ?? base.studySummary(index),
    decidedAt: (index) => decidedStudies()[index] === 1,
    studyById: {
      get: (id) => {
        const s = studyIndexById(id);
        return s === undefined ? undefined : studyAt(s);
      },
      has: (id) => studyIndexById(id) !== undefined,
    },
    clusterOf(studyId) {
      const s = studyIndexById(studyId);
      if (s !== undefined && base.clusterOf) return base.clusterOf(s);
      return dedupe.clusters.find((c) => c.kept === studyId);
    },
    decisions,
    resolutions,
    get flow() {
      return (flow ??= countFlow());
    },
    stop,
    get problems() {
      if (!problems) {
        problems = known.problems?.();
        if (!problems) {
          problems = reviewProblems(protocol, dedupe, decisions, resolutions, studyCount, viewAt, studyIdAt, reasonLabels, decisionRows, (id) => studyIdOf.get(id));
          known.listedProblems?.(problems);
        }
      }
      return problems;
    },
  };
}

/** Everything verify reports, in order: the logs' problems, then each study's. */
function reviewProblems(
  protocol: Protocol,
  dedupe: DedupeResult,
  decisions: FoldedDecisions,
  resolutions: FoldedResolutions,
  studyCount: number,
  viewAt: (index: number) => StudyView,
  studyIdAt: (index: number) => string,
  reasonLabels: Map<string, string>,
  decisionRows: readonly DecisionRow[],
  resolveStudy: (recordId: string) => string | undefined,
): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  for (const problem of stopProblems(protocol, decisions.stops, decisionRows, resolveStudy)) problems.push(problem);
  for (const row of resolutions.unknownIds) {
    problems.push({ kind: 'unknown-id', message: `duplicate resolution names a record that is not in this review (${row.recordA}, ${row.recordB})`, file: row.file, line: row.line });
  }
  for (const c of resolutions.conflicts) {
    const who = c.rows.map((r) => `${r.reviewer}: ${r.decision}`).join('; ');
    problems.push({ kind: 'conflict', message: `reviewers disagree whether ${c.a} and ${c.b} are duplicates: ${who}`, file: c.rows[0].file, line: c.rows[0].line });
  }
  for (const pair of dedupe.uncertain) {
    problems.push({
      kind: 'uncertain-duplicate',
      message: `${pair.a} and ${pair.b} may be duplicates (score ${pair.score.toFixed(2)}: ${pair.reasons.join(', ')}); resolve with: litscreen dedupe REVIEW --review`,
    });
  }
  for (const row of decisions.unknownIds) {
    problems.push({
      kind: 'unknown-id',
      message: `decision on "${row.recordId}", which is not a record of this review`,
      file: row.file,
      line: row.line,
    });
  }
  for (let i = 0; i < studyCount; i++) {
    const s = viewAt(i);
    for (const problem of studyProblems(studyIdAt(i), s.failedCriterion, s.titleAbstract, s.fullText, s.status, reasonLabels, protocol)) problems.push(problem);
  }
  return problems;
}

/**
 * A `stop` row counts only at title/abstract, from a reviewer, under a rule the protocol adopts,
 * and when the reviewer's own log shows the rule held (`decide --stop` checks the same before writing).
 */
function stopProblems(
  protocol: Protocol,
  stops: readonly DecisionRow[],
  decisionRows: readonly DecisionRow[],
  resolveStudy: (recordId: string) => string | undefined,
): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  const rule = protocol.titleAbstract.stoppingRule;
  for (const row of stops) {
    const at = { file: row.file, line: row.line };
    if (row.stage !== 'title-abstract') {
      problems.push({ kind: 'decision-out-of-stage', message: '"stop" ends title/abstract screening under the protocol\'s stopping rule; it is not a full-text decision', ...at });
    } else if (row.role !== 'reviewer') {
      problems.push({ kind: 'decision-out-of-stage', message: '"stop" is a reviewer\'s row; an adjudicator\'s does not count', ...at });
    } else if (!rule) {
      problems.push({
        kind: 'stopping-rule',
        message: `${row.reviewer} stopped screening, but the protocol adopts no titleAbstract.stoppingRule; the records left stay pending`,
        ...at,
      });
    } else {
      const before = decisionRows.filter((r) => r.file === row.file && r.line < row.line);
      const check = checkStopRule(rule, decisionOrderLabels(before, resolveStudy));
      if (!check.holds) {
        problems.push({
          kind: 'stopping-rule',
          message: `${row.reviewer} stopped after ${check.streak} irrelevant record(s) in a row; the rule (${describeStoppingRule(rule)}) needs ${check.needed}`,
          ...at,
        });
      }
    }
  }
  return problems;
}

function studyStatus(failed: Criterion | undefined, ta: StageOutcome, ft: StageOutcome): StudyStatus {
  if (failed) return 'excluded-by-criterion';
  switch (ta.status) {
    case 'pending':
      return 'title-abstract-pending';
    case 'conflict':
      return 'title-abstract-conflict';
    case 'exclude':
    case 'not-retrieved': // refused by `decide`; a hand-edited log is reported by verify and counted as excluded
      return 'excluded-at-title-abstract';
    case 'include':
      break;
  }
  switch (ft.status) {
    case 'pending':
      return 'full-text-pending';
    case 'conflict':
      return 'full-text-conflict';
    case 'not-retrieved':
      return 'not-retrieved';
    case 'exclude':
      return 'excluded-at-full-text';
    case 'include':
      return 'included';
  }
}

/** Why a stage is still pending for a study, e.g. "1 of 2 reviewers decided; bob: maybe". */
function waitingFor(outcome: StageOutcome, required: number, context: string): string {
  if (outcome.latestByReviewer.size === 0) return `${context}, no decision yet`;
  const votes = [...outcome.latestByReviewer.values()].filter((r) => r.decision !== 'maybe').length;
  return `${votes} of ${required} reviewer${required > 1 ? 's' : ''} decided; ${describeReviewers(outcome.latestByReviewer)}`;
}

function firstRow(outcome: StageOutcome) {
  return [...outcome.latestByReviewer.values()][0];
}

function studyProblems(
  id: string,
  failed: Criterion | undefined,
  ta: StageOutcome,
  ft: StageOutcome,
  status: StudyStatus,
  reasonLabels: Map<string, string>,
  protocol: Protocol,
): ReviewProblem[] {
  const problems: ReviewProblem[] = [];
  const at = (o: StageOutcome) => {
    const row = firstRow(o);
    return row ? { file: row.file, line: row.line } : {};
  };
  if (status === 'title-abstract-pending') {
    problems.push({ kind: 'pending', message: `${id}: pending at title/abstract (${waitingFor(ta, protocol.titleAbstract.reviewers, 'passed every criterion')})` });
  } else if (status === 'title-abstract-conflict') {
    problems.push({ kind: 'conflict', message: `${id}: reviewers disagree at title/abstract: ${describeReviewers(ta.latestByReviewer)}` });
  } else if (status === 'full-text-pending') {
    problems.push({ kind: 'pending', message: `${id}: pending at full text (${waitingFor(ft, protocol.fullText.reviewers, 'included at title/abstract')})` });
  } else if (status === 'full-text-conflict') {
    problems.push({ kind: 'conflict', message: `${id}: reviewers disagree at full text: ${describeReviewers(ft.latestByReviewer)}` });
  }
  if (failed && ta.status !== 'pending') {
    problems.push({
      kind: 'decision-out-of-stage',
      message: `${id}: title/abstract decision on a record already excluded by criterion "${failed.id}"; the criterion counts`,
      ...at(ta),
    });
  }
  for (const row of ft.latestByReviewer.values()) {
    if (row.decision === 'override') {
      problems.push({ kind: 'decision-out-of-stage', message: `${id}: "override" lifts a title/abstract criterion; it is not a full-text decision`, file: row.file, line: row.line });
    }
  }
  if (ta.status === 'not-retrieved') {
    problems.push({ kind: 'decision-out-of-stage', message: `${id}: "not-retrieved" is a full-text decision, not a title/abstract one`, ...at(ta) });
  }
  if (!reachedFullText(status) && ft.status !== 'pending') {
    problems.push({
      kind: 'decision-out-of-stage',
      message: `${id}: full-text decision on a record that was not included at title/abstract; it does not count`,
      ...at(ft),
    });
  }
  for (const row of ft.latestByReviewer.values()) {
    if (row.decision === 'exclude' && !reasonLabels.has(row.reason)) {
      problems.push({
        kind: 'unknown-reason',
        message: `${id}: full-text exclusion reason "${row.reason}" is not in the protocol's list (${[...reasonLabels.keys()].join(', ')})`,
        file: row.file,
        line: row.line,
      });
    }
  }
  return problems;
}

export const REVIEWER_EXCLUSION_WITHOUT_REASON = 'Excluded by reviewer (no reason given)';

function increment(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** A free-text reason as compared: case, spacing and a closing full stop do not make another reason. */
const foldReason = (reason: string) => reason.normalize('NFC').replace(/\s+/g, ' ').trim().replace(/[.;:,]+$/, '').toLowerCase();

/**
 * Title/abstract reasons typed as free text count as one however they were typed, so "not relevant"
 * and "Not relevant." do not split the PRISMA breakdown. A reason naming one of the protocol's
 * title/abstract reasons (its id or its label) reads as that label; otherwise the first spelling met
 * (in study order, so the same every run) stands for all of them.
 */
function reviewerReasonLabel(reason: string, spellings: Map<string, string>): string {
  const folded = foldReason(reason);
  if (!folded) return REVIEWER_EXCLUSION_WITHOUT_REASON;
  let label = spellings.get(folded);
  if (label === undefined) spellings.set(folded, (label = reason.replace(/\s+/g, ' ').trim()));
  return label;
}

function computeFlow(
  protocol: Protocol,
  records: ReviewRecords,
  studyCount: number,
  viewAt: (index: number) => StudyView,
  reasonLabels: Map<string, string>,
  stop: EffectiveStop | undefined,
): Flow {
  const database_specific_results: Record<string, number> = {};
  for (const source of protocol.sources) database_specific_results[source.database] = 0;
  // Every record counts for the database it was exported from (counted once per export, not per record).
  for (const [database, n] of records.countByDatabase) database_specific_results[database] = (database_specific_results[database] ?? 0) + n;

  const asAutomation = protocol.titleAbstract.reportCriteriaAsAutomation;
  let byCriteria = 0;
  let byReviewer = 0;
  let overridden = 0;
  let taPending = 0;
  let stopped = 0;
  let taConflicts = 0;
  let sought = 0;
  let notRetrieved = 0;
  let ftPending = 0;
  let ftConflicts = 0;
  let included = 0;
  const criteriaReasons: Record<string, number> = {};
  const reviewerReasons: Record<string, number> = {};
  const reviewerReasonSpellings = new Map<string, string>();
  for (const r of protocol.titleAbstract.exclusionReasons ?? []) for (const name of [r.id, r.label]) reviewerReasonSpellings.set(foldReason(name), r.label);
  const fullTextReasons: Record<string, number> = {};
  // Every protocol reason appears, with 0 when unused, so a CSV of the flow has stable columns.
  for (const label of reasonLabels.values()) fullTextReasons[label] = 0;

  for (let i = 0; i < studyCount; i++) {
    const study = viewAt(i);
    if (study.overriddenCriterion) overridden++;
    switch (study.status) {
      case 'excluded-by-criterion':
        byCriteria++;
        increment(criteriaReasons, study.failedCriterion!.reason);
        break;
      case 'title-abstract-pending':
        taPending++;
        break;
      case 'excluded-by-stopping-rule':
        stopped++;
        break;
      case 'title-abstract-conflict':
        taConflicts++;
        break;
      case 'excluded-at-title-abstract':
        byReviewer++;
        increment(reviewerReasons, reviewerReasonLabel(study.titleAbstract.reason, reviewerReasonSpellings));
        break;
      default:
        sought++;
        if (study.status === 'not-retrieved') notRetrieved++;
        else if (study.status === 'full-text-pending') ftPending++;
        else if (study.status === 'full-text-conflict') ftConflicts++;
        else if (study.status === 'included') included++;
        else increment(fullTextReasons, reasonLabels.get(study.fullText.reason) ?? study.fullText.reason);
    }
  }
  const duplicates = records.count - studyCount;
  const excludedAutomatic = (asAutomation ? byCriteria : 0) + stopped;
  // PRISMA's one list of screening exclusion reasons: criteria first (protocol order), then reviewers'.
  const screeningReasons: Record<string, number> = {};
  if (!asAutomation) for (const [reason, n] of Object.entries(criteriaReasons)) screeningReasons[reason] = n;
  for (const [reason, n] of Object.entries(reviewerReasons)) screeningReasons[reason] = (screeningReasons[reason] ?? 0) + n;
  const dbrExcludedTotal = Object.values(fullTextReasons).reduce((a, b) => a + b, 0);
  return {
    database_results: records.count,
    database_specific_results,
    duplicates,
    excluded_automatic: excludedAutomatic,
    excluded_other: 0,
    records_screened: studyCount - excludedAutomatic,
    records_excluded: byReviewer + (asAutomation ? 0 : byCriteria),
    records_excluded_reasons: screeningReasons,
    records_excluded_by_criteria: byCriteria,
    records_excluded_criteria_reasons: criteriaReasons,
    records_excluded_by_reviewer: byReviewer,
    records_excluded_reviewer_reasons: reviewerReasons,
    records_criteria_overridden: overridden,
    title_abstract_pending: taPending,
    title_abstract_conflicts: taConflicts,
    dbr_sought_reports: sought,
    dbr_notretrieved_reports: notRetrieved,
    full_text_pending: ftPending,
    full_text_conflicts: ftConflicts,
    dbr_assessed: sought - notRetrieved - ftPending - ftConflicts,
    dbr_excluded: fullTextReasons,
    dbr_excluded_total: dbrExcludedTotal,
    new_studies: included,
    // Only once screening stopped, so a review that never stops has the same flow, key for key.
    ...(stop
      ? { title_abstract_stopped: stopped, stopping_rule: describeStoppingRule(stop.rule), stopping_sample: describeStopSample(stop), stopped_at: stop.stoppedAt, stopped_by: stop.stoppedBy }
      : {}),
  };
}
