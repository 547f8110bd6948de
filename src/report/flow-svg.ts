import { XMLBuilder } from 'fast-xml-parser';
import { prismaCounts, OTHER_METHOD_LABELS, type PrismaCounts, type PrismaInput } from './prisma.js';
import { textWidth, wrapText } from './text-width.js';
import type { SourceKind } from '../model/protocol.js';
import { criteriaReportedAsAutomation } from '../model/flow.js';

/**
 * The PRISMA 2020 flow diagram for new systematic reviews which included searches of databases
 * and registers (Page et al., BMJ 2021;372:n71), with the "other methods" column when the protocol
 * has such sources, as one standalone SVG. No fonts, scripts or links are loaded, so it draws the
 * same in a browser, a word processor or a journal's submission system.
 *
 * Every text line that carries a count names it: `data-key` is the PRISMA2020 template's id (and
 * `data-item` the database or reason), so a test, or a reader, can check the drawing against the
 * flow. Text is measured with a conservative width table (text-width.ts); a box grows to hold its
 * text and a row to hold its tallest box, and nothing else leaves space.
 */

const FONT = 12;
const LINE_H = 15;
const PAD = 8;
const INDENT = 12;
const MARGIN = 16;
const BAND_W = 30;
const BAND_GAP = 12;
const ARROW_GAP = 40;
const COLUMN_GAP = 30;
const ROW_GAP = 28;
const TITLE_FONT = 14;
const TITLE_LINE_H = 18;
const WIDTHS = [260, 290, 240, 260];

const COLORS = {
  line: '#333333',
  text: '#111111',
  band: '#b7d3ea',
  bandStroke: '#5b84ab',
  header: '#f6d66b',
  headerStroke: '#b0902a',
  otherHeader: '#d9d9d9',
  otherHeaderStroke: '#8a8a8a',
  provisional: '#fdecea',
  provisionalStroke: '#b3261e',
};

interface Item {
  text: string;
  indent?: number;
  bold?: boolean;
  key?: string;
  item?: string;
}

interface Box {
  col: number;
  row: number;
  items: Item[];
  /** A style class of its own (the headers' colours). */
  cls?: string;
  /** Columns the box spans (headers span a main and a side column). */
  span?: number;
  centered?: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
  lines: { text: string; indent: number; bold: boolean; key?: string; item?: string }[];
}

/** Characters XML 1.0 cannot carry, whatever an export or a log held. */
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[\t\r\n]+/g, ' ');

const n = (count: number) => `(n = ${count})`;

function layoutBox(box: Box): void {
  box.lines = [];
  for (const it of box.items) {
    const indent = it.indent ?? 0;
    const width = box.w - 2 * PAD - indent * INDENT;
    const wrapped = wrapText(clean(it.text), width, FONT, it.bold);
    wrapped.forEach((text, i) => {
      // The count ends the item, so its key goes on the line that holds it.
      const last = i === wrapped.length - 1;
      box.lines.push({ text, indent: indent + (i > 0 ? 1 : 0), bold: !!it.bold, key: last ? it.key : undefined, item: last ? it.item : undefined });
    });
  }
  box.h = box.lines.length * LINE_H + 2 * PAD;
}

function kindLabel(kind: SourceKind): string {
  return kind === 'database' ? 'Databases' : kind === 'register' ? 'Registers' : OTHER_METHOD_LABELS[kind];
}

/** Template ids of the other methods' identification counts (hand-searching has none there). */
const OTHER_KIND_KEYS: Partial<Record<SourceKind, string>> = {
  website: 'website_results',
  organisation: 'organisation_results',
  'citation-searching': 'citations_results',
  'hand-searching': 'handsearch_results',
};

/** The boxes of the diagram, by row (0 headers, 1 identification, 2 screening, 3 retrieval, 4 eligibility, 5 included). */
function diagramBoxes(c: PrismaCounts): Omit<Box, 'x' | 'y' | 'w' | 'h' | 'lines'>[] {
  const { flow } = c;
  const boxes: Omit<Box, 'x' | 'y' | 'w' | 'h' | 'lines'>[] = [];
  const add = (col: number, row: number, items: Item[], extra: Partial<Box> = {}) => boxes.push({ col, row, items, ...extra });

  add(0, 0, [{ text: 'Identification of new studies via databases and registers', bold: true }], {
    span: 2,
    centered: true,
    cls: 'header',
  });
  add(
    0,
    1,
    [
      { text: 'Records identified from:' },
      { text: `Databases ${n(c.databaseTotal)}`, indent: 1, key: 'database_results' },
      ...c.databases.map(([db, k]) => ({ text: `${db} ${n(k)}`, indent: 2, key: 'database_specific_results', item: db })),
      { text: `Registers ${n(c.registerTotal)}`, indent: 1, key: 'register_results' },
      ...c.registers.map(([reg, k]) => ({ text: `${reg} ${n(k)}`, indent: 2, key: 'register_specific_results', item: reg })),
    ],
  );
  add(1, 1, [
    { text: 'Records removed before screening:' },
    { text: `Duplicate records removed ${n(flow.duplicates)}`, indent: 1, key: 'duplicates' },
    { text: `Records marked as ineligible by automation tools ${n(flow.excluded_automatic)}`, indent: 1, key: 'excluded_automatic' },
    ...(flow.title_abstract_stopped !== undefined
      ? [{ text: `Unscreened when screening stopped under the stopping rule (${flow.stopping_rule}; ${flow.stopped_at}) ${n(flow.title_abstract_stopped)}`, indent: 2, key: 'title_abstract_stopped' }]
      : []),
    { text: `Records removed for other reasons ${n(flow.excluded_other)}`, indent: 1, key: 'excluded_other' },
  ]);

  const screened: Item[] = [{ text: `Records screened ${n(flow.records_screened)}`, key: 'records_screened' }];
  if (flow.title_abstract_pending) screened.push({ text: `Awaiting a decision ${n(flow.title_abstract_pending)}`, indent: 1, key: 'title_abstract_pending' });
  if (flow.title_abstract_conflicts) screened.push({ text: `Reviewers disagree ${n(flow.title_abstract_conflicts)}`, indent: 1, key: 'title_abstract_conflicts' });
  if (flow.records_criteria_overridden) {
    screened.push({ text: `Kept by a reviewer against a criterion ${n(flow.records_criteria_overridden)}`, indent: 1, key: 'records_criteria_overridden' });
  }
  add(0, 2, screened);
  const excluded: Item[] = [{ text: `Records excluded ${n(flow.records_excluded)}`, key: 'records_excluded' }];
  if (!criteriaReportedAsAutomation(flow) && flow.records_excluded_by_criteria > 0) {
    excluded.push({ text: `By a-priori criteria ${n(flow.records_excluded_by_criteria)}:`, indent: 1, key: 'records_excluded_by_criteria' });
    for (const [reason, k] of Object.entries(flow.records_excluded_criteria_reasons)) {
      excluded.push({ text: `${reason} ${n(k)}`, indent: 2, key: 'records_excluded_criteria_reasons', item: reason });
    }
  }
  excluded.push({ text: `By reviewers ${n(flow.records_excluded_by_reviewer)}`, indent: 1, key: 'records_excluded_by_reviewer' });
  add(1, 2, excluded);

  const sought: Item[] = [{ text: `Reports sought for retrieval ${n(c.dbr.sought)}`, key: 'dbr_sought_reports' }];
  if (c.dbr.pending) sought.push({ text: `Awaiting a full-text decision ${n(c.dbr.pending)}`, indent: 1, key: 'full_text_pending' });
  if (c.dbr.conflicts) sought.push({ text: `Reviewers disagree ${n(c.dbr.conflicts)}`, indent: 1, key: 'full_text_conflicts' });
  add(0, 3, sought);
  add(1, 3, [{ text: `Reports not retrieved ${n(c.dbr.notRetrieved)}`, key: 'dbr_notretrieved_reports' }]);
  add(0, 4, [{ text: `Reports assessed for eligibility ${n(c.dbr.assessed)}`, key: 'dbr_assessed' }]);
  add(1, 4, [
    { text: `Reports excluded ${n(c.dbr.excludedTotal)}:`, key: 'dbr_excluded_total' },
    ...c.dbr.excluded.map(([reason, k]) => ({ text: `${reason} ${n(k)}`, indent: 1, key: 'dbr_excluded', item: reason })),
  ]);
  add(0, 5, [
    { text: `Studies included in review ${n(flow.new_studies)}`, key: 'new_studies' },
    { text: `Reports of included studies ${n(c.includedReports)}`, key: 'new_reports' },
  ]);

  const o = c.other;
  if (o) {
    add(2, 0, [{ text: 'Identification of new studies via other methods', bold: true }], {
      span: 2,
      centered: true,
      cls: 'other-header',
    });
    const identified: Item[] = [{ text: 'Records identified from:' }];
    const kinds = [...o.byKind.keys()].filter((k) => k !== 'database' && k !== 'register');
    for (const kind of kinds) {
      identified.push({ text: `${kindLabel(kind)} ${n(o.byKind.get(kind)!)}`, indent: 1, key: OTHER_KIND_KEYS[kind] });
    }
    const sourceKinds = kinds.length;
    // A single source of a kind named like its kind needs no line of its own.
    if (o.sources.length > sourceKinds) for (const [name, k] of o.sources) identified.push({ text: `${name} ${n(k)}`, indent: 2, key: 'other_specific_results', item: name });
    add(2, 1, identified);
    const otherSought: Item[] = [{ text: `Reports sought for retrieval ${n(o.sought)}`, key: 'other_sought_reports' }];
    if (o.pending) otherSought.push({ text: `Awaiting a full-text decision ${n(o.pending)}`, indent: 1, key: 'other_full_text_pending' });
    if (o.conflicts) otherSought.push({ text: `Reviewers disagree ${n(o.conflicts)}`, indent: 1, key: 'other_full_text_conflicts' });
    add(2, 3, otherSought);
    add(3, 3, [{ text: `Reports not retrieved ${n(o.notRetrieved)}`, key: 'other_notretrieved_reports' }]);
    add(2, 4, [{ text: `Reports assessed for eligibility ${n(o.assessed)}`, key: 'other_assessed' }]);
    add(3, 4, [
      { text: `Reports excluded ${n(o.excludedTotal)}:`, key: 'other_excluded_total' },
      ...o.excluded.map(([reason, k]) => ({ text: `${reason} ${n(k)}`, indent: 1, key: 'other_excluded', item: reason })),
    ]);
  }
  return boxes;
}

type Node = Record<string, unknown>;
const el = (name: string, attrs: Record<string, string | number | undefined>, children: Node[] = []): Node => {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a[k] = typeof v === 'number' ? fmt(v) : clean(v);
  return { [name]: children, ':@': a };
};
const txt = (s: string): Node => ({ '#text': clean(s) });
/** Coordinates to one decimal place at most: stable bytes, no float noise. */
const fmt = (v: number) => String(Math.round(v * 10) / 10);

export function flowSvg(input: PrismaInput): string {
  const c = prismaCounts(input);
  const columns = c.other ? 4 : 2;
  const colX: number[] = [];
  let x = MARGIN + BAND_W + BAND_GAP;
  for (let i = 0; i < columns; i++) {
    colX.push(x);
    x += WIDTHS[i] + (i % 2 === 0 ? ARROW_GAP : COLUMN_GAP);
  }
  const width = x - (columns % 2 === 0 ? COLUMN_GAP : ARROW_GAP) + MARGIN;
  const contentWidth = width - 2 * MARGIN;

  const boxes: Box[] = diagramBoxes(c).map((b) => {
    const span = b.span ?? 1;
    const w = span === 1 ? WIDTHS[b.col] : colX[b.col + span - 1] + WIDTHS[b.col + span - 1] - colX[b.col];
    const box: Box = { ...b, x: colX[b.col], y: 0, w, h: 0, lines: [] };
    layoutBox(box);
    return box;
  });

  // Title and the provisional notice above the diagram.
  const body: Node[] = [];
  let y = MARGIN;
  const title = `PRISMA 2020 flow diagram: ${input.title}`;
  for (const line of wrapText(clean(title), contentWidth, TITLE_FONT, true)) {
    y += TITLE_LINE_H;
    body.push(el('text', { x: width / 2, y: y - 4, 'text-anchor': 'middle', 'font-size': TITLE_FONT, 'font-weight': 'bold' }, [txt(line)]));
  }
  y += 10;
  if (c.provisional.length) {
    const notice = `Provisional: these counts will change. ${c.provisional.map((p) => p[0].toUpperCase() + p.slice(1)).join('; ')}.`;
    const lines = wrapText(clean(notice), contentWidth - 2 * PAD, FONT, true);
    const h = lines.length * LINE_H + 2 * PAD;
    body.push(el('rect', { class: 'provisional', x: MARGIN, y, width: contentWidth, height: h, rx: 3 }));
    lines.forEach((line, i) => {
      body.push(el('text', { class: 'provisional', x: MARGIN + PAD, y: y + PAD + (i + 1) * LINE_H - 4, 'font-weight': 'bold' }, [txt(line)]));
    });
    y += h + 14;
  }

  // Rows: as tall as their tallest box, and tall enough for the rotated stage label beside them.
  const rows = 6;
  const rowH = new Array<number>(rows).fill(0);
  for (const b of boxes) rowH[b.row] = Math.max(rowH[b.row], b.h);
  const bandNeed = (label: string) => textWidth(label, FONT + 1, true) + 2 * PAD;
  rowH[1] = Math.max(rowH[1], bandNeed('Identification'));
  rowH[5] = Math.max(rowH[5], bandNeed('Included'));
  const screeningSpan = rowH[2] + rowH[3] + rowH[4] + 2 * ROW_GAP;
  if (screeningSpan < bandNeed('Screening')) rowH[3] += bandNeed('Screening') - screeningSpan;
  const rowY: number[] = [];
  for (let r = 0; r < rows; r++) {
    rowY.push(y);
    y += rowH[r] + (r === 0 ? 14 : ROW_GAP);
  }
  const height = Math.ceil(y - ROW_GAP + MARGIN);
  for (const b of boxes) b.y = rowY[b.row] + (rowH[b.row] - b.h) / 2;

  // Stage bands down the left edge.
  const band = (label: string, fromRow: number, toRow: number) => {
    const top = rowY[fromRow];
    const bottom = rowY[toRow] + rowH[toRow];
    body.push(el('rect', { class: 'band', x: MARGIN, y: top, width: BAND_W, height: bottom - top, rx: 3 }));
    const cx = MARGIN + BAND_W / 2 + (FONT + 1) * 0.35;
    const cy = (top + bottom) / 2;
    body.push(el('text', { class: 'band', transform: `translate(${fmt(cx)} ${fmt(cy)}) rotate(-90)`, 'text-anchor': 'middle' }, [txt(label)]));
  };
  band('Identification', 1, 1);
  band('Screening', 2, 4);
  band('Included', 5, 5);

  for (const b of boxes) {
    body.push(el('rect', { class: b.cls, x: b.x, y: b.y, width: b.w, height: b.h }));
    b.lines.forEach((line, i) => {
      const lineY = b.y + PAD + (i + 1) * LINE_H - 4;
      const attrs = b.centered
        ? { x: b.x + b.w / 2, y: lineY, 'text-anchor': 'middle' }
        : { x: b.x + PAD + line.indent * INDENT, y: lineY };
      body.push(el('text', { ...attrs, 'font-weight': line.bold ? 'bold' : undefined, 'data-key': line.key, 'data-item': line.item }, [txt(line.text)]));
    });
  }

  // Arrows: down each main column, across to each side box, and from the other methods into "included".
  const at = (col: number, row: number) => boxes.find((b) => b.col === col && b.row === row && !b.span);
  const arrow = (points: [number, number][]) =>
    body.push(el('path', { class: 'arrow', d: points.map(([px, py], i) => `${i ? 'L' : 'M'}${fmt(px)} ${fmt(py)}`).join(' '), 'marker-end': 'url(#arrowhead)' }));
  const down = (a: Box | undefined, b: Box | undefined) => {
    if (a && b) arrow([[a.x + a.w / 2, a.y + a.h], [b.x + b.w / 2, b.y - 1.5]]);
  };
  const across = (a: Box | undefined, b: Box | undefined) => {
    if (a && b) arrow([[a.x + a.w, a.y + a.h / 2], [b.x - 1.5, a.y + a.h / 2]]);
  };
  for (let r = 1; r <= 4; r++) {
    across(at(0, r), at(1, r));
    down(at(0, r), at(0, r + 1));
  }
  if (c.other) {
    down(at(2, 1), at(2, 3));
    for (const r of [3, 4]) across(at(2, r), at(3, r));
    down(at(2, 3), at(2, 4));
    const from = at(2, 4)!;
    const to = at(0, 5)!;
    const midY = to.y + to.h / 2;
    arrow([[from.x + from.w / 2, from.y + from.h], [from.x + from.w / 2, midY], [to.x + to.w + 1.5, midY]]);
  }

  const desc = describe(c, boxes);
  const style =
    `rect{fill:#fff;stroke:${COLORS.line};stroke-width:1}` +
    `rect.band{fill:${COLORS.band};stroke:${COLORS.bandStroke}}` +
    `rect.header{fill:${COLORS.header};stroke:${COLORS.headerStroke}}rect.other-header{fill:${COLORS.otherHeader};stroke:${COLORS.otherHeaderStroke}}` +
    `rect.provisional{fill:${COLORS.provisional};stroke:${COLORS.provisionalStroke};stroke-width:1.5}` +
    `text{fill:${COLORS.text}}text.band{font-weight:bold;font-size:${FONT + 1}px}text.provisional{fill:${COLORS.provisionalStroke}}` +
    `path.arrow{fill:none;stroke:${COLORS.line};stroke-width:1.2}`;
  const svg = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${fmt(width)} ${fmt(height)}`,
      role: 'img',
      'aria-labelledby': 'prisma-title prisma-desc',
      'font-family': "Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif",
      'font-size': FONT,
    },
    [
      el('title', { id: 'prisma-title' }, [txt(title + (c.provisional.length ? ' (provisional)' : ''))]),
      el('desc', { id: 'prisma-desc' }, [txt(desc)]),
      el('defs', {}, [
        el('marker', { id: 'arrowhead', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' }, [
          el('path', { d: 'M0 0 L10 5 L0 10 z', fill: COLORS.line }),
        ]),
      ]),
      el('style', {}, [txt(style)]),
      ...body,
    ],
  );
  const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', format: true, suppressEmptyNode: true });
  const xml: string = builder.build([svg]);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml.trim() + '\n';
}

/** The diagram in words, for screen readers: every box in reading order. */
function describe(c: PrismaCounts, boxes: Box[]): string {
  const parts: string[] = [];
  if (c.provisional.length) parts.push(`Provisional: ${c.provisional.join('; ')}.`);
  const ordered = boxes.filter((b) => b.row > 0).sort((a, b) => (a.col >= 2 ? 1 : 0) - (b.col >= 2 ? 1 : 0) || a.row - b.row || a.col - b.col);
  for (const b of ordered) parts.push(b.items.map((i) => i.text.replace(/:$/, '')).join('; ') + '.');
  return parts.join(' ');
}
