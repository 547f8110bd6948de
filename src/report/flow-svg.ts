import type { Flow } from '../model/flow.js';

/**
 * The PRISMA 2020 flow diagram (databases-only variant) as a standalone SVG: boxes on the left for
 * the main path, exclusion boxes on the right, arrows between. No fonts or scripts are loaded, so
 * the file renders the same in a browser, a word processor or a journal's submission system.
 */

const WIDTH = 760;
const LEFT_X = 110;
const BOX_W = 300;
const RIGHT_X = 450;
const RIGHT_W = 290;
const LINE_H = 16;
const PAD = 10;
const GAP = 34;
const INDENT = 12;
/** Rotated stage labels need this much height to fit. */
const MIN_STAGE_HEIGHT = 96;
const TITLE_LINE_H = 18;

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Wrap text to roughly `max` characters per line. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > max) {
      lines.push(line);
      line = word;
    } else line = line ? line + ' ' + word : word;
  }
  if (line) lines.push(line);
  return lines;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  lines: { text: string; indent: number }[];
}

/** A line of box text; leading spaces give its indent level (SVG would collapse them). */
function box(x: number, y: number, w: number, texts: string[]): Box {
  const lines: Box['lines'] = [];
  for (const t of texts) {
    const indent = Math.floor((t.length - t.trimStart().length) / 2);
    const max = Math.floor((w - 2 * PAD - indent * INDENT) / 6.6);
    wrap(t.trim(), max).forEach((line, i) => lines.push({ text: line, indent: indent + (i > 0 ? 1 : 0) }));
  }
  return { x, y, w, h: lines.length * LINE_H + 2 * PAD, lines };
}

function drawBox(b: Box): string {
  const text = b.lines
    .map((l, i) => `<text x="${b.x + PAD + l.indent * INDENT}" y="${b.y + PAD + (i + 1) * LINE_H - 4}">${escapeXml(l.text)}</text>`)
    .join('');
  return `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="4"/>${text}`;
}

function arrow(x1: number, y1: number, x2: number, y2: number): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" marker-end="url(#arrow)"/>`;
}

export function flowSvg(flow: Flow, title: string): string {
  const parts: string[] = [];
  let y = 0;
  const pairs: [Box, Box | undefined][] = [];
  const row = (left: string[], right?: string[]) => {
    const l = box(LEFT_X, y, BOX_W, left);
    const r = right ? box(RIGHT_X, y, RIGHT_W, right) : undefined;
    const h = Math.max(l.h, r?.h ?? 0);
    l.h = h;
    if (r) r.h = h;
    pairs.push([l, r]);
    y += h + GAP;
  };
  const list = (counts: Record<string, number>) => Object.entries(counts).map(([k, n]) => `  ${k} (n = ${n})`);
  const titleLines = wrap(`PRISMA 2020 flow diagram: ${title}`, Math.floor((WIDTH - 40) / 8));
  y = 20 + titleLines.length * TITLE_LINE_H + 12;

  row(
    [`Records identified from databases (n = ${flow.database_results}):`, ...list(flow.database_specific_results)],
    [
      'Records removed before screening:',
      `  Duplicate records (n = ${flow.duplicates})`,
      `  Marked as ineligible by automation tools (n = ${flow.excluded_automatic})`,
      `  Removed for other reasons (n = ${flow.excluded_other})`,
    ],
  );
  // Screening exclusions: the criteria with their reasons; reviewers' free-text reasons are in the
  // text, JSON and CSV forms, where a long list does not stretch the diagram.
  const excluded = [`Records excluded (n = ${flow.records_excluded}):`];
  if (flow.excluded_automatic === 0 && flow.records_excluded_by_criteria > 0) {
    excluded.push(`  by a-priori criteria (n = ${flow.records_excluded_by_criteria}):`, ...list(flow.records_excluded_criteria_reasons).map((l) => '  ' + l));
  }
  excluded.push(`  by reviewers (n = ${flow.records_excluded_by_reviewer})`);
  const waiting = flow.title_abstract_pending + flow.title_abstract_conflicts;
  row([`Records screened (n = ${flow.records_screened})`, ...(waiting ? [`  awaiting a decision (n = ${waiting})`] : [])], excluded);
  row([`Reports sought for retrieval (n = ${flow.dbr_sought_reports})`], [`Reports not retrieved (n = ${flow.dbr_notretrieved_reports})`]);
  const ftWaiting = flow.full_text_pending + flow.full_text_conflicts;
  row(
    [`Reports assessed for eligibility (n = ${flow.dbr_assessed})`, ...(ftWaiting ? [`  awaiting a decision (n = ${ftWaiting})`] : [])],
    [`Reports excluded (n = ${flow.dbr_excluded_total}):`, ...list(flow.dbr_excluded)],
  );
  row([`Studies included in review (n = ${flow.new_studies})`]);

  pairs.forEach(([l, r], i) => {
    parts.push(drawBox(l));
    if (r) {
      parts.push(drawBox(r));
      parts.push(arrow(l.x + l.w, l.y + l.h / 2, r.x - 2, r.y + r.h / 2));
    }
    const next = pairs[i + 1];
    if (next) parts.push(arrow(l.x + l.w / 2, l.y + l.h, next[0].x + next[0].w / 2, next[0].y - 2));
  });

  // Stage labels down the left edge, as in the PRISMA 2020 template.
  const stageLabel = (label: string, from: Box, to: Box) => {
    const mid = (from.y + to.y + to.h) / 2;
    const top = Math.min(from.y, mid - MIN_STAGE_HEIGHT / 2);
    const bottom = Math.max(to.y + to.h, mid + MIN_STAGE_HEIGHT / 2);
    return `<rect class="stage" x="20" y="${top}" width="60" height="${bottom - top}" rx="4"/><text class="stage" transform="translate(55 ${mid}) rotate(-90)" text-anchor="middle">${label}</text>`;
  };
  parts.push(stageLabel('Identification', pairs[0][0], pairs[0][0]));
  parts.push(stageLabel('Screening', pairs[1][0], pairs[3][0]));
  parts.push(stageLabel('Included', pairs[4][0], pairs[4][0]));

  const height = y + 10;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Arial, Helvetica, sans-serif" font-size="12">
<title>${escapeXml(`PRISMA 2020 flow diagram: ${title}`)}</title>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>
<style>rect{fill:#fff;stroke:#333;stroke-width:1}rect.stage{fill:#d9e6f2;stroke:#7f9fbf}line{stroke:#333;stroke-width:1.2}text{fill:#111}text.stage{font-weight:bold}</style>
${titleLines.map((l, i) => `<text x="${WIDTH / 2}" y="${28 + i * TITLE_LINE_H}" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(l)}</text>`).join('')}
${parts.join('\n')}
</svg>
`;
}
