import { describe, it, expect } from 'vitest';
import { flowImbalances } from '../../../src/core/review/flow.js';
import { compareWithExpected } from '../../../src/core/review/verify.js';
import type { Flow } from '../../../src/model/flow.js';

function seedFlow(): Flow {
  return {
    database_results: 665,
    database_specific_results: { PsycINFO: 268, 'Social Care Online': 192, 'Social Services Abstracts': 205 },
    duplicates: 84,
    excluded_automatic: 0,
    excluded_other: 0,
    records_screened: 581,
    records_excluded: 514,
    records_excluded_reasons: { 'Not about involvement': 300, 'Excluded by reviewer at title/abstract': 214 },
    records_excluded_by_criteria: 300,
    records_excluded_criteria_reasons: { 'Not about involvement': 300 },
    records_excluded_by_reviewer: 214,
    records_excluded_reviewer_reasons: { 'Excluded by reviewer at title/abstract': 214 },
    records_criteria_overridden: 0,
    title_abstract_pending: 0,
    title_abstract_conflicts: 0,
    dbr_sought_reports: 67,
    dbr_notretrieved_reports: 0,
    full_text_pending: 0,
    full_text_conflicts: 0,
    dbr_assessed: 67,
    dbr_excluded: { 'Not empirical': 30, 'Not social work': 26 },
    dbr_excluded_total: 56,
    new_studies: 11,
  };
}

describe('flow arithmetic', () => {
  it('a balanced flow has no imbalance', () => {
    expect(flowImbalances(seedFlow())).toEqual([]);
  });

  const breakages: [string, (f: Flow) => void, string][] = [
    ['a database count that does not add up', (f) => (f.database_specific_results.PsycINFO = 267), 'sum of database_specific_results'],
    ['a lost duplicate', (f) => (f.duplicates = 83), 'duplicates + excluded_automatic'],
    ['a screened record that went nowhere', (f) => (f.records_excluded_by_reviewer = 213), 'reviewer exclusions'],
    ['exclusion reasons that do not add up', (f) => (f.records_excluded_reasons['Not about involvement'] = 299), 'sum of records_excluded_reasons'],
    ['a full text that vanished', (f) => (f.dbr_assessed = 66), 'dbr_notretrieved_reports + dbr_assessed'],
    ['an included study too many', (f) => (f.new_studies = 12), 'dbr_excluded_total + new_studies'],
  ];
  for (const [name, breakIt, formula] of breakages) {
    it(`catches ${name}`, () => {
      const flow = seedFlow();
      breakIt(flow);
      const problems = flowImbalances(flow);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.join('\n')).toContain(formula);
    });
  }
});

describe('compareWithExpected', () => {
  it('is silent when the counts match', () => {
    expect(compareWithExpected(seedFlow(), { new_studies: 11, dbr_excluded: { 'Not empirical': 30, 'Not social work': 26 } })).toEqual([]);
  });
  it('names each count that changed', () => {
    const flow = seedFlow();
    flow.new_studies = 10;
    flow.dbr_excluded_total = 57;
    flow.dbr_excluded['Not empirical'] = 31;
    const problems = compareWithExpected(flow, { new_studies: 11, dbr_excluded_total: 56, dbr_excluded: { 'Not empirical': 30, 'Not social work': 26 } });
    expect(problems).toEqual([
      'new_studies: expected 11, found 10',
      'dbr_excluded_total: expected 56, found 57',
      'dbr_excluded["Not empirical"]: expected 30, found 31',
    ]);
  });
  it('reports a reason the protocol did not expect', () => {
    const flow = seedFlow();
    flow.dbr_excluded['Surprise'] = 1;
    expect(compareWithExpected(flow, { dbr_excluded: { 'Not empirical': 30, 'Not social work': 26 } })).toEqual([
      'dbr_excluded["Surprise"]: expected 0, found 1',
    ]);
  });
});
