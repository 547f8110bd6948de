import { prismaCounts, type PrismaCounts, type PrismaInput } from './prisma.js';
import { writeTable } from './spreadsheet.js';

/**
 * The flow as the PRISMA2020 R package's template (inst/extdata/PRISMA.csv, Haddaway et al. 2022),
 * which its Shiny app and `PRISMA_data()` read: the same rows, ids, nodes and boxes, in the same
 * order, with litscreen's counts in `n`. Lists go in one cell as "Name, n; Name, n".
 *
 * The package finds a row by matching its id as a pattern and splits a list at "; " and a name
 * from its count at the first ",", so no row is added and a comma or semicolon inside a name is
 * written as U+201A (‚), which reads as a comma but splits nothing.
 */

type Row = [data: string, node: string, box: string, description: string, boxtext: string, tooltips: string, url: string];

/** The template's rows, in its order. */
export const PRISMA2020_TEMPLATE_ROWS: readonly Row[] = [
  ['NA', 'node4', 'prevstud', 'Grey title box; Previous studies', 'Previous studies', 'Grey title box; Previous studies', 'prevstud.html'],
  ['previous_studies', 'node5', 'box1', 'Studies included in previous version of review', 'Studies included in previous version of review', 'Studies included in previous version of review', 'previous_studies.html'],
  ['previous_reports', 'NA', 'box1', 'Reports of studies included in previous version of review', 'Reports of studies included in previous version of review', 'NA', 'previous_reports.html'],
  ['NA', 'node6', 'newstud', 'Yellow title box; Identification of new studies via databases and registers', 'Identification of new studies via databases and registers', 'Yellow title box; Identification of new studies via databases and registers', 'newstud.html'],
  ['database_results', 'node7', 'box2', 'Records identified from: Databases', 'Databases', 'Records identified from: Databases and Registers', 'database_results.html'],
  ['database_specific_results', 'NA', 'box2', 'Records identified from: specific databases', 'Specific Databases', 'NA', 'database_results.html'],
  ['register_results', 'NA', 'box2', 'Records identified from: Registers', 'Registers', 'NA', 'NA'],
  ['register_specific_results', 'NA', 'box2', 'Records identified from: specific registers', 'Specific Registers', 'NA', 'database_results.html'],
  ['NA', 'node16', 'othstud', 'Grey title box; Identification of new studies via other methods', 'Identification of new studies via other methods', 'Grey title box; Identification of new studies via other methods', 'othstud.html'],
  ['website_results', 'node17', 'box11', 'Records identified from: Websites', 'Websites', 'Records identified from: Websites, Organisations and Citation Searching', 'website_results.html'],
  ['organisation_results', '', 'box11', 'Records identified from: Organisations', 'Organisations', 'NA', 'NA'],
  ['citations_results', 'NA', 'box11', 'Records identified from: Citation searching', 'Citation searching', 'NA', 'NA'],
  ['duplicates', 'node8', 'box3', 'Duplicate records', 'Duplicate records', 'Duplicate records', 'duplicates.html'],
  ['excluded_automatic', 'NA', 'box3', 'Records marked as ineligible by automation tools', 'Records marked as ineligible by automation tools', 'NA', 'NA'],
  ['excluded_other', 'NA', 'box3', 'Records removed for other reasons', 'Records removed for other reasons', 'NA', 'NA'],
  ['records_screened', 'node9', 'box4', 'Records screened (databases and registers)', 'Records screened', 'Records screened (databases and registers)', 'records_screened.html'],
  ['records_excluded', 'node10', 'box5', 'Records excluded (databases and registers)', 'Records excluded', 'Records excluded (databases and registers)', 'records_excluded.html'],
  ['dbr_sought_reports', 'node11', 'box6', 'Reports sought for retrieval (databases and registers)', 'Reports sought for retrieval', 'Reports sought for retrieval (databases and registers)', 'dbr_sought_reports.html'],
  ['dbr_notretrieved_reports', 'node12', 'box7', 'Reports not retrieved (databases and registers)', 'Reports not retrieved', 'Reports not retrieved (databases and registers)', 'dbr_notretrieved_reports.html'],
  ['other_sought_reports', 'node18', 'box12', 'Reports sought for retrieval (other)', 'Reports sought for retrieval', 'Reports sought for retrieval (other)', 'other_sought_reports.html'],
  ['other_notretrieved_reports', 'node19', 'box13', 'Reports not retrieved (other)', 'Reports not retrieved', 'Reports not retrieved (other)', 'other_notretrieved_reports.html'],
  ['dbr_assessed', 'node13', 'box8', 'Reports assessed for eligibility (databases and registers)', 'Reports assessed for eligibility', 'Reports assessed for eligibility (databases and registers)', 'dbr_assessed.html'],
  ['dbr_excluded', 'node14', 'box9', 'Reports excluded (databases and registers): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]', 'Reports excluded', 'Reports excluded (databases and registers)', 'dbrexcludedrecords.html'],
  ['other_assessed', 'node20', 'box14', 'Reports assessed for eligibility (other)', 'Reports assessed for eligibility', 'Reports assessed for eligibility (other)', 'other_assessed.html'],
  ['other_excluded', 'node21', 'box15', 'Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]', 'Reports excluded', 'Reports excluded (other)', 'other_excluded.html'],
  ['new_studies', 'node15', 'box10', 'New studies included in review', 'New studies included in review', 'New studies included in review', 'new_studies.html'],
  ['new_reports', 'NA', 'box10', 'Reports of new included studies', 'Reports of new included studies', 'NA', 'NA'],
  ['total_studies', 'node22', 'box16', 'Total studies included in review', 'Total studies included in review', 'Total studies included in review', 'total_studies.html'],
  ['total_reports', 'NA', 'box16', 'Reports of total included studies', 'Reports of total included studies', 'NA', 'NA'],
  ['identification', 'node1', 'identification', 'Blue identification box', 'Identification', 'Blue identification box', 'identification.html'],
  ['screening', 'node2', 'screening', 'Blue screening box', 'Screening', 'Blue screening box', 'screening.html'],
  ['included', 'node3', 'included', 'Blue included box', 'Included', 'Blue included box', 'included.html'],
];

export const PRISMA2020_COLUMNS = ['data', 'node', 'box', 'description', 'boxtext', 'tooltips', 'url', 'n'] as const;

/** A name inside a "Name, n; Name, n" list: nothing in it may split the list. */
const listName = (name: string) => name.replace(/[,;]/g, '\u201A').replace(/\s+/g, ' ').trim();
const list = (entries: readonly [string, number][]) => (entries.length ? entries.map(([name, k]) => `${listName(name)}, ${k}`).join('; ') : 'NA');

/** The `n` of each template row from the counts. */
function valuesOf(c: PrismaCounts): Record<string, string | number> {
  const { flow } = c;
  const o = c.other;
  const kind = (k: 'website' | 'organisation' | 'citation-searching' | 'hand-searching') => o?.byKind.get(k) ?? 0;
  return {
    previous_studies: 0,
    previous_reports: 0,
    database_results: c.databaseTotal,
    database_specific_results: list(c.databases),
    register_results: c.registerTotal,
    register_specific_results: list(c.registers),
    website_results: kind('website'),
    organisation_results: kind('organisation'),
    // The template has no row for hand-searching; it is counted with citation searching, and the box says so.
    citations_results: kind('citation-searching') + kind('hand-searching'),
    duplicates: flow.duplicates,
    excluded_automatic: flow.excluded_automatic,
    excluded_other: flow.excluded_other,
    records_screened: flow.records_screened,
    records_excluded: flow.records_excluded,
    dbr_sought_reports: c.dbr.sought,
    dbr_notretrieved_reports: c.dbr.notRetrieved,
    other_sought_reports: o?.sought ?? 0,
    other_notretrieved_reports: o?.notRetrieved ?? 0,
    dbr_assessed: c.dbr.assessed,
    dbr_excluded: list(c.dbr.excluded),
    other_assessed: o?.assessed ?? 0,
    other_excluded: o ? list(o.excluded) : 'NA',
    new_studies: flow.new_studies,
    new_reports: c.includedReports,
    total_studies: flow.new_studies,
    total_reports: c.includedReports,
  };
}

export function prisma2020Csv(input: PrismaInput): string {
  const c = prismaCounts(input);
  const values = valuesOf(c);
  const handSearching = (c.other?.byKind.get('hand-searching') ?? 0) > 0;
  const rows = PRISMA2020_TEMPLATE_ROWS.map((row) => {
    const [data] = row;
    const cells: (string | number)[] = [...row, data in values ? values[data] : 0];
    if (data === 'citations_results' && handSearching) cells[4] = 'Citation searching and hand-searching';
    return cells;
  });
  // LF line ends, as the package's own file has; R's read.csv takes either.
  return writeTable([[...PRISMA2020_COLUMNS], ...rows], { lineEnding: 'lf' });
}
