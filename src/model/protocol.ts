import { z } from 'zod';
import { EXPECTED_COUNT_KEYS, EXPECTED_ID_KEYS } from './expected-keys.js';

/**
 * The review's protocol, `litscreen.json` in the review folder. Everything a run derives
 * comes from this file plus the raw exports and the decision logs next to it.
 */

/** Format names a source may name; the registry's readers carry the same names (tested). */
export const EXPORT_FORMAT_NAMES = ['auto', 'ris', 'csv', 'tsv', 'nbib', 'ovid', 'wos', 'refer', 'refworks', 'endnote-xml', 'pubmed-xml', 'bibtex'] as const;

/** PRISMA 2020's kinds of source: databases and registers, then the "other methods". */
export const SOURCE_KINDS = ['database', 'register', 'website', 'organisation', 'citation-searching', 'hand-searching'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens, e.g. "psycinfo"');

export const SourceSchema = z
  .object({
    key: key.describe('Short stable key used in record ids, e.g. "psycinfo". Never change it after screening starts.'),
    database: z.string().min(1).describe('Database name as it should appear in the PRISMA flow, e.g. "PsycINFO".'),
    interface: z.string().optional().describe('Platform the database was searched on, e.g. "Ovid", "ProQuest".'),
    file: z
      .string()
      .min(1)
      .describe('Export file, relative to the review folder and inside it (see allowPathsOutsideReview). Each source names its own file.'),
    format: z
      .enum(EXPORT_FORMAT_NAMES)
      .default('auto')
      .describe('"auto" (detect by content) or the export\'s format, to skip detection.'),
    searchDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').describe('Date the search was run.'),
    searchString: z.string().min(1).describe('The search exactly as run in the database.'),
    expectedRecords: z.number().int().nonnegative().optional().describe('Hit count the database showed; checked by verify.'),
    kind: z
      .enum(SOURCE_KINDS)
      .default('database')
      .describe(
        'Where the records came from, as the PRISMA 2020 diagram groups them: "database" or "register" (identification via databases and registers), ' +
          'or one of the other methods ("website", "organisation", "citation-searching", "hand-searching"), drawn in their own column.',
      ),
  })
  .strict();

export const DeduplicationSchema = z
  .object({
    enabled: z.boolean().default(true),
    yearTolerance: z.number().int().min(0).max(3).default(1).describe('Years two copies may differ (online-first vs print).'),
    matchMainTitle: z.boolean().default(true).describe('Also match on the main title before a colon (a subtitle missing in one copy).'),
    mergeConferenceAbstracts: z
      .boolean()
      .default(false)
      .describe('Merge a conference abstract with the full paper of the same title (default: keep both, they are different reports).'),
  })
  .strict();

export const CriterionSchema = z
  .object({
    id: key.describe('Short id for the criterion, e.g. "topic".'),
    query: z.string().min(1).describe('Boolean query a record must match to pass, e.g. "service user*" AND (educat* OR train*).'),
    reason: z.string().min(1).describe('Exclusion reason recorded for a record that fails this criterion.'),
  })
  .strict();

export const ExclusionReasonSchema = z
  .object({
    id: key.describe('What reviewers type after --reason, e.g. "not-empirical".'),
    label: z.string().min(1).describe('How the reason reads in the PRISMA flow.'),
  })
  .strict();

/** How many reviewers must decide each record at a stage before their agreement counts. */
const reviewersPerRecord = () =>
  z
    .union([z.literal(1), z.literal(2)])
    .default(1)
    .describe('Reviewers who must each decide every record at this stage (1 or 2). With 2, a record is pending until both have decided, and a disagreement is a conflict for an adjudicator.');

/** A stopping rule the review adopts for prioritised screening (core/screening/stopping.ts). */
export const StoppingRuleSchema = z
  .object({
    consecutiveIrrelevant: z.number().int().positive().describe('N: irrelevant records in a row, in the order the reviewer decided them, before the random sample is screened.'),
    randomSample: z
      .number()
      .int()
      .nonnegative()
      .describe('M: records then drawn at random from those still unscreened and screened; none of them may be an include.'),
  })
  .strict()
  .describe(
    'Stop title/abstract screening after N consecutive irrelevant records and a random sample of M with no includes. ' +
      'A reviewer who stops logs one `stop` row (litscreen decide REVIEW --stop --stage title-abstract); the records no reviewer has voted on then count as ' +
      '"records marked as ineligible by automation tools" in the PRISMA flow. Without this setting a stop row is refused and the records stay pending.',
  );

export const TitleAbstractSchema = z
  .object({
    criteria: z.array(CriterionSchema).default([]),
    reportCriteriaAsAutomation: z
      .boolean()
      .default(false)
      .describe('Report criteria exclusions in PRISMA as "excluded by automation tools" instead of screening exclusions.'),
    reviewers: reviewersPerRecord(),
    exclusionReasons: z
      .array(ExclusionReasonSchema)
      .optional()
      .describe('Reasons a reviewer may pick when excluding at title/abstract (optional there; free text is allowed too).'),
    stoppingRule: StoppingRuleSchema.optional(),
  })
  .strict();

export const FullTextSchema = z
  .object({
    exclusionReasons: z.array(ExclusionReasonSchema).min(1),
    reviewers: reviewersPerRecord(),
  })
  .strict();

/** The keys of the interactive screen, remappable in the protocol (`screening.keys`). */
export const SCREEN_ACTIONS = ['include', 'exclude', 'maybe', 'skip', 'undo', 'note', 'search', 'help', 'quit', 'override', 'stop'] as const;

export const ScreeningSchema = z
  .object({
    adjudicators: z
      .array(z.string().min(1))
      .default([])
      .describe('Reviewers who may settle a conflict with `litscreen resolve`; their decision is final, and every reviewer\'s vote is kept for the agreement figures.'),
    blind: z
      .boolean()
      .default(false)
      .describe('Hide other reviewers\' decisions from screen, show, list, conflicts and status until every record at the stage has its required votes.'),
    keys: z
      .partialRecord(z.enum(SCREEN_ACTIONS), z.string().length(1))
      .default({})
      .describe(
        'Remap the screen\'s one-key actions, e.g. {"include": "y", "exclude": "n"}. "stop" (default "r") draws the stopping rule\'s random sample once the streak is reached, then stops screening under the rule.',
      ),
  })
  .strict();

export const EXTRACTION_FIELD_TYPES = ['text', 'integer', 'number', 'boolean', 'date', 'choice'] as const;

export const ExtractionFieldSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case, e.g. "sample_size"'),
    label: z.string().optional().describe('Column heading in the extraction table.'),
    type: z.enum(EXTRACTION_FIELD_TYPES).default('text'),
    required: z.boolean().default(true),
    choices: z.array(z.string()).optional().describe('Allowed values for type "choice".'),
  })
  .strict()
  .refine((f) => f.type !== 'choice' || (f.choices && f.choices.length > 0), {
    message: 'a "choice" field needs a non-empty "choices" list',
    path: ['choices'],
  });

export { EXPECTED_COUNT_KEYS, EXPECTED_ID_KEYS };

const count = () => z.number().int().nonnegative().optional();
const countsByName = () => z.record(z.string(), z.number().int().nonnegative()).optional();

/** A full text excluded, as `verify --pin` records it: the study's id and the reason's id. */
export const PinnedExclusionSchema = z
  .object({
    id: z.string().min(1).describe('Study id, e.g. "psycinfo:2016-12345-001".'),
    reason: z.string().min(1).describe('Id of the full-text exclusion reason, one of fullText.exclusionReasons[].id.'),
  })
  .strict();

/**
 * What a review pins: flow counts (any subset of the flow's keys, see src/model/flow.ts) and,
 * optionally, which studies make up the included and full-text-excluded sets.
 */
export const ExpectedSchema = z
  .object({
    database_results: count(),
    database_specific_results: countsByName(),
    duplicates: count(),
    excluded_automatic: count(),
    excluded_other: count(),
    records_screened: count(),
    records_excluded: count(),
    dbr_sought_reports: count(),
    dbr_notretrieved_reports: count(),
    dbr_assessed: count(),
    dbr_excluded: countsByName(),
    dbr_excluded_total: count(),
    new_studies: count(),
    included_ids: z.array(z.string().min(1)).optional().describe('Ids of the included studies, in any order; verify fails when the set differs.'),
    fulltext_excluded_ids: z
      .array(PinnedExclusionSchema)
      .optional()
      .describe('Studies excluded at full text with their reason ids, in any order; verify fails when the set differs.'),
  } satisfies Record<
    (typeof EXPECTED_COUNT_KEYS)[number] | 'database_specific_results' | 'dbr_excluded' | (typeof EXPECTED_ID_KEYS)[number],
    unknown
  >)
  .strict();

export const ProtocolSchema = z
  .object({
    $schema: z.string().optional().describe('The JSON Schema editors check this file against; litscreen itself never reads it.'),
    title: z.string().min(1),
    allowPathsOutsideReview: z
      .boolean()
      .default(false)
      .describe(
        'Let sources[].file name a file outside the review folder (an absolute path, "../", or a symlink that leads out). ' +
          'Off by default: a review folder travels between machines and reviewers, and should neither depend on nor read files outside itself.',
      ),
    sources: z.array(SourceSchema).min(1),
    deduplication: DeduplicationSchema.default({ enabled: true, yearTolerance: 1, matchMainTitle: true, mergeConferenceAbstracts: false }),
    titleAbstract: TitleAbstractSchema.default({ criteria: [], reportCriteriaAsAutomation: false, reviewers: 1 }),
    fullText: FullTextSchema,
    screening: ScreeningSchema.default({ adjudicators: [], blind: false, keys: {} }),
    extraction: z.object({ fields: z.array(ExtractionFieldSchema) }).strict(),
    expected: ExpectedSchema.optional().describe('Flow counts the review must reproduce; verify fails when one differs.'),
  })
  .strict();

export type Protocol = z.infer<typeof ProtocolSchema>;
export type Source = z.infer<typeof SourceSchema>;
export type Criterion = z.infer<typeof CriterionSchema>;
export type StoppingRuleSetting = z.infer<typeof StoppingRuleSchema>;
export type ExtractionField = z.infer<typeof ExtractionFieldSchema>;
export type ExpectedCounts = z.infer<typeof ExpectedSchema>;
export type PinnedExclusion = z.infer<typeof PinnedExclusionSchema>;
