import { describe, it, expect, beforeAll } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { flowSvg } from '../../src/report/flow-svg.js';
import { textWidth } from '../../src/report/text-width.js';
import type { PrismaInput } from '../../src/report/prisma.js';
import type { Flow } from '../../src/model/flow.js';
import { runFlow } from '../../src/commands/flow.js';
import { SEED_REVIEW } from '../helpers/cli.js';

interface Rect { x: number; y: number; width: number; height: number; class?: string }
interface Line { x: number; y: number; text: string; key?: string; item?: string; anchor?: string; class?: string; bold?: boolean }

/** The drawing read back as a reader would: rectangles and text lines with their attributes. */
function readSvg(svg: string) {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, isArray: (name) => name === 'rect' || name === 'text' || name === 'path' });
  const doc = parser.parse(svg).svg;
  const num = (v: string | undefined) => Number(v ?? NaN);
  const rects: Rect[] = (doc.rect ?? []).map((r: Record<string, string>) => ({ x: num(r.x), y: num(r.y), width: num(r.width), height: num(r.height), class: r.class }));
  const lines: Line[] = (doc.text ?? []).map((t: Record<string, string> | string) =>
    typeof t === 'string'
      ? { x: NaN, y: NaN, text: t }
      : { x: num(t.x), y: num(t.y), text: String(t['#text'] ?? ''), key: t['data-key'], item: t['data-item'], anchor: t['text-anchor'], class: t.class, bold: t['font-weight'] === 'bold' },
  );
  return { doc, rects, lines, viewBox: String(doc.viewBox) };
}

/** The counts the drawing shows, by template key (and item). */
function countsShown(lines: Line[]): Map<string, number> {
  const shown = new Map<string, number>();
  for (const l of lines) {
    if (!l.key) continue;
    const m = /\(n = (\d+)\)/.exec(l.text);
    expect(m, `line "${l.text}" carries ${l.key} but no "(n = …)"`).not.toBeNull();
    shown.set(l.item !== undefined ? `${l.key}/${l.item}` : l.key, Number(m![1]));
  }
  return shown;
}

/** Boxes do not overlap, and every line of text lies inside the box it was drawn in. */
function expectTidy(rects: Rect[], lines: Line[]) {
  const boxes = rects.filter((r) => r.class !== 'band' && r.class !== 'provisional');
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      expect(overlap, `boxes ${JSON.stringify(a)} and ${JSON.stringify(b)} overlap`).toBe(false);
    }
  }
  for (const l of lines.filter((l) => l.class !== 'band' && Number.isFinite(l.x))) {
    const box = rects.find((r) => l.y > r.y && l.y < r.y + r.height && (l.anchor === 'middle' ? l.x > r.x && l.x < r.x + r.width : l.x >= r.x && l.x < r.x + r.width));
    if (!box) continue; // the title above the diagram
    const w = textWidth(l.text, 12, l.bold);
    const left = l.anchor === 'middle' ? l.x - w / 2 : l.x;
    expect(left, `"${l.text}" starts outside its box`).toBeGreaterThanOrEqual(box.x);
    expect(left + w, `"${l.text}" runs out of its box`).toBeLessThanOrEqual(box.x + box.width);
  }
  // No line of text on top of another.
  const placed = lines.filter((l) => Number.isFinite(l.x));
  expect(new Set(placed.map((l) => `${l.x},${l.y}`)).size).toBe(placed.length);
}

describe('the PRISMA 2020 diagram of the seed review', () => {
  let flow: Flow;
  let svg: string;
  beforeAll(async () => {
    const result = await runFlow({ review: SEED_REVIEW });
    flow = result.flow;
    svg = flowSvg(result.prisma);
  });

  it('shows the numbers flow --json gives', () => {
    const { lines } = readSvg(svg);
    const shown = countsShown(lines);
    const expected: [string, number][] = [
      ['database_results', flow.database_results],
      ['register_results', 0],
      ['duplicates', flow.duplicates],
      ['excluded_automatic', flow.excluded_automatic],
      ['excluded_other', flow.excluded_other],
      ['records_screened', flow.records_screened],
      ['records_excluded', flow.records_excluded],
      ['records_excluded_by_criteria', flow.records_excluded_by_criteria],
      ['records_excluded_by_reviewer', flow.records_excluded_by_reviewer],
      ['dbr_sought_reports', flow.dbr_sought_reports],
      ['dbr_notretrieved_reports', flow.dbr_notretrieved_reports],
      ['dbr_assessed', flow.dbr_assessed],
      ['dbr_excluded_total', flow.dbr_excluded_total],
      ['new_studies', flow.new_studies],
      ['new_reports', flow.new_studies],
      ...Object.entries(flow.database_specific_results).map(([db, n]): [string, number] => [`database_specific_results/${db}`, n]),
      ...Object.entries(flow.records_excluded_criteria_reasons).map(([r, n]): [string, number] => [`records_excluded_criteria_reasons/${r}`, n]),
      ...Object.entries(flow.dbr_excluded).map(([r, n]): [string, number] => [`dbr_excluded/${r}`, n]),
    ];
    expect(Object.fromEntries(shown)).toEqual(Object.fromEntries(expected));
    expect(flow.new_studies).toBe(11);
    expect(flow.records_screened).toBe(581);
  });

  it('has a title, a description, a viewBox, the template headers and stages, and loads nothing', () => {
    const { doc, lines, viewBox } = readSvg(svg);
    expect(String(doc.title['#text'] ?? doc.title)).toMatch(/^PRISMA 2020 flow diagram: Service user involvement/);
    expect(String(doc.desc['#text'] ?? doc.desc)).toContain('Records screened (n = 581)');
    expect(viewBox).toMatch(/^0 0 \d+ \d+$/);
    const texts = lines.map((l) => l.text);
    expect(texts).toContain('Identification of new studies via databases and registers');
    for (const stage of ['Identification', 'Screening', 'Included']) expect(texts).toContain(stage);
    expect(svg).not.toMatch(/@import|@font-face|xlink:href|<image|<script|url\((?!#)/);
    expect(svg).not.toMatch(/class="provisional"|\(provisional\)/);
  });

  it('is tidy: no box on another, all text inside its box, no count broken across lines', () => {
    const { rects, lines } = readSvg(svg);
    expectTidy(rects, lines);
    for (const l of lines) expect(l.text).not.toMatch(/\(n =\s*$|^\s*\d+\)/);
  });
});

const syntheticFlow: Flow = {
  database_results: 700,
  database_specific_results: { 'MEDLINE (Ovid)': 300, Embase: 250, 'ClinicalTrials.gov': 80, 'Citation searching of included studies': 40, 'Charity websites': 30 },
  duplicates: 90,
  excluded_automatic: 0,
  excluded_other: 0,
  records_screened: 610,
  records_excluded: 500,
  records_excluded_reasons: {},
  records_excluded_by_criteria: 300,
  records_excluded_criteria_reasons: { 'Not about the population of interest, however broadly one reads the protocol': 200, 'Wrong language': 100 },
  records_excluded_by_reviewer: 200,
  records_excluded_reviewer_reasons: {},
  records_criteria_overridden: 0,
  title_abstract_pending: 12,
  title_abstract_conflicts: 3,
  dbr_sought_reports: 95,
  dbr_notretrieved_reports: 5,
  full_text_pending: 4,
  full_text_conflicts: 1,
  dbr_assessed: 85,
  dbr_excluded: { 'Wrong population': 30, 'Wrong outcome': 20, 'Not empirical research; commentary, editorial or letter': 20 },
  dbr_excluded_total: 70,
  new_studies: 15,
};

const synthetic: PrismaInput = {
  title: 'A review with a register, other methods & a <very> long title that has to wrap across more than one line of the diagram',
  flow: syntheticFlow,
  sources: [
    { database: 'MEDLINE (Ovid)', kind: 'database' },
    { database: 'Embase', kind: 'database' },
    { database: 'ClinicalTrials.gov', kind: 'register' },
    { database: 'Citation searching of included studies', kind: 'citation-searching' },
    { database: 'Charity websites', kind: 'website' },
  ],
  otherStudies: [{ status: 'included' }, { status: 'included' }, { status: 'excluded-at-full-text', reason: 'Wrong outcome' }, { status: 'not-retrieved' }, { status: 'not-sought' }],
  uncertainDuplicates: 2,
};

describe('the diagram with registers, other methods and open decisions', () => {
  const svg = flowSvg(synthetic);
  const { rects, lines } = readSvg(svg);
  const shown = countsShown(lines);

  it('draws registers apart and the other-methods column, whose counts add up with the databases\'', () => {
    expect(lines.map((l) => l.text)).toContain('Identification of new studies via other methods');
    expect(shown.get('database_results')).toBe(550);
    expect(shown.get('register_results')).toBe(80);
    expect(shown.get('citations_results')).toBe(40);
    expect(shown.get('website_results')).toBe(30);
    expect(shown.get('other_sought_reports')).toBe(4);
    expect(shown.get('other_notretrieved_reports')).toBe(1);
    expect(shown.get('other_assessed')).toBe(3);
    expect(shown.get('other_excluded/Wrong outcome')).toBe(1);
    expect(shown.get('dbr_sought_reports')! + shown.get('other_sought_reports')!).toBe(syntheticFlow.dbr_sought_reports);
    expect(shown.get('dbr_assessed')! + shown.get('other_assessed')!).toBe(syntheticFlow.dbr_assessed);
    expect(shown.get('dbr_excluded/Wrong outcome')).toBe(19);
    expect(shown.get('new_studies')).toBe(15);
  });

  it('is marked provisional and says what is missing', () => {
    const notice = lines.filter((l) => l.class === 'provisional').map((l) => l.text).join(' ');
    expect(notice).toMatch(/^Provisional/);
    for (const what of ['2 possible duplicate pairs', '12 records await a title/abstract decision', '3 title/abstract conflicts', '4 reports await a full-text decision', '1 full-text conflict']) {
      expect(notice).toContain(what);
    }
    expect(svg).toMatch(/<title[^>]*>[^<]*\(provisional\)<\/title>/);
  });

  it('stays tidy and escapes what it is given', () => {
    expectTidy(rects, lines);
    expect(svg).toContain('&amp; a &lt;very&gt; long title');
  });

  it('keeps every byte the same from one run to the next', () => {
    expect(flowSvg(synthetic)).toBe(svg);
  });
});
