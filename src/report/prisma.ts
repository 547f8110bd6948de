import type { Flow } from '../model/flow.js';
import type { SourceKind } from '../model/protocol.js';

/**
 * What the PRISMA 2020 diagram and the PRISMA2020 template show, worked out once from the flow:
 * databases and registers apart, and the "other methods" column when the protocol has such sources.
 *
 * litscreen deduplicates and screens every record together, whatever its source. A study found
 * only through other methods (all its copies come from websites, organisations, citation or hand
 * searching) is followed in the other-methods column from retrieval on; the records-screened box
 * counts it with the rest, so every box still adds up.
 */

export const OTHER_METHOD_LABELS: Record<Exclude<SourceKind, 'database' | 'register'>, string> = {
  website: 'Websites',
  organisation: 'Organisations',
  'citation-searching': 'Citation searching',
  'hand-searching': 'Hand-searching',
};

export const isOtherMethod = (kind: SourceKind): boolean => kind !== 'database' && kind !== 'register';

/** Where a study found only through other methods ended up, from the review's derived state. */
export interface OtherMethodStudy {
  status: 'not-retrieved' | 'full-text-pending' | 'full-text-conflict' | 'excluded-at-full-text' | 'included' | 'not-sought';
  /** The full-text exclusion reason as the flow labels it. */
  reason?: string;
}

export interface PrismaInput {
  title: string;
  flow: Flow;
  /** Each source's name in the flow and its kind; a name not listed counts as a database. */
  sources: { database: string; kind: SourceKind }[];
  /** The studies found only through other methods (empty or missing without such sources). */
  otherStudies?: OtherMethodStudy[];
  /** Uncertain duplicate pairs no reviewer has resolved: the diagram is provisional until they are. */
  uncertainDuplicates?: number;
}

export interface FullTextColumn {
  sought: number;
  notRetrieved: number;
  pending: number;
  conflicts: number;
  assessed: number;
  excluded: [string, number][];
  excludedTotal: number;
}

export interface PrismaCounts {
  title: string;
  flow: Flow;
  databases: [string, number][];
  databaseTotal: number;
  registers: [string, number][];
  registerTotal: number;
  dbr: FullTextColumn;
  /** The other-methods column, when the protocol has such sources. */
  other?: FullTextColumn & { sources: [string, number][]; byKind: Map<SourceKind, number>; total: number };
  /** One report per study: litscreen links no companion reports, and duplicate copies are one report. */
  includedReports: number;
  /** What makes the counts provisional; empty when the flow is final. */
  provisional: string[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function prismaCounts(input: PrismaInput): PrismaCounts {
  const { flow } = input;
  const kindOf = new Map(input.sources.map((s) => [s.database, s.kind]));
  const databases: [string, number][] = [];
  const registers: [string, number][] = [];
  const otherSources: [string, number][] = [];
  const byKind = new Map<SourceKind, number>();
  for (const [name, n] of Object.entries(flow.database_specific_results)) {
    const kind = kindOf.get(name) ?? 'database';
    byKind.set(kind, (byKind.get(kind) ?? 0) + n);
    if (kind === 'database') databases.push([name, n]);
    else if (kind === 'register') registers.push([name, n]);
    else otherSources.push([name, n]);
  }
  const sum = (rows: [string, number][]) => rows.reduce((a, [, n]) => a + n, 0);

  const otherStudies = input.otherStudies ?? [];
  const otherExcluded = new Map<string, number>();
  for (const reason of Object.keys(flow.dbr_excluded)) otherExcluded.set(reason, 0);
  let oSought = 0, oNot = 0, oPending = 0, oConflicts = 0;
  for (const s of otherStudies) {
    if (s.status === 'not-sought') continue;
    oSought++;
    if (s.status === 'not-retrieved') oNot++;
    else if (s.status === 'full-text-pending') oPending++;
    else if (s.status === 'full-text-conflict') oConflicts++;
    else if (s.status === 'excluded-at-full-text') otherExcluded.set(s.reason ?? '', (otherExcluded.get(s.reason ?? '') ?? 0) + 1);
  }
  const oExcludedTotal = [...otherExcluded.values()].reduce((a, b) => a + b, 0);
  const dbrExcluded: [string, number][] = Object.entries(flow.dbr_excluded).map(([reason, n]) => [reason, n - (otherExcluded.get(reason) ?? 0)]);

  const other =
    otherSources.length > 0
      ? {
          sources: otherSources,
          byKind,
          total: sum(otherSources),
          sought: oSought,
          notRetrieved: oNot,
          pending: oPending,
          conflicts: oConflicts,
          assessed: oSought - oNot - oPending - oConflicts,
          excluded: [...otherExcluded],
          excludedTotal: oExcludedTotal,
        }
      : undefined;
  const dbr: FullTextColumn = {
    sought: flow.dbr_sought_reports - oSought,
    notRetrieved: flow.dbr_notretrieved_reports - oNot,
    pending: flow.full_text_pending - oPending,
    conflicts: flow.full_text_conflicts - oConflicts,
    assessed: flow.dbr_assessed - (other?.assessed ?? 0),
    excluded: dbrExcluded,
    excludedTotal: flow.dbr_excluded_total - oExcludedTotal,
  };

  const provisional: string[] = [];
  if (input.uncertainDuplicates) provisional.push(`${plural(input.uncertainDuplicates, 'possible duplicate pair', 'possible duplicate pairs')} not yet resolved`);
  if (flow.title_abstract_pending) provisional.push(`${plural(flow.title_abstract_pending, 'record awaits', 'records await')} a title/abstract decision`);
  if (flow.title_abstract_conflicts) provisional.push(`${plural(flow.title_abstract_conflicts, 'title/abstract conflict', 'title/abstract conflicts')} unresolved`);
  if (flow.full_text_pending) provisional.push(`${plural(flow.full_text_pending, 'report awaits', 'reports await')} a full-text decision`);
  if (flow.full_text_conflicts) provisional.push(`${plural(flow.full_text_conflicts, 'full-text conflict', 'full-text conflicts')} unresolved`);

  return {
    title: input.title,
    flow,
    databases,
    databaseTotal: sum(databases),
    registers,
    registerTotal: sum(registers),
    dbr,
    other,
    includedReports: flow.new_studies,
    provisional,
  };
}

/**
 * The studies found only through other methods (every copy from such a source), with where they
 * ended, from the review's studies. Structural types keep the report free of the core's.
 */
export function otherMethodStudies(
  studies: readonly { memberIds: readonly string[]; status: string; fullText: { reason: string } }[],
  kindOfRecord: (id: string) => SourceKind,
  reasonLabel: (id: string) => string,
): OtherMethodStudy[] {
  const sought = new Set(['not-retrieved', 'full-text-pending', 'full-text-conflict', 'excluded-at-full-text', 'included']);
  return studies
    .filter((s) => s.memberIds.every((id) => isOtherMethod(kindOfRecord(id))))
    .map((s) =>
      sought.has(s.status)
        ? { status: s.status as OtherMethodStudy['status'], reason: s.status === 'excluded-at-full-text' ? reasonLabel(s.fullText.reason) : undefined }
        : { status: 'not-sought' as const },
    );
}
