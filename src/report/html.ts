import type { Flow } from '../model/flow.js';
import { sortedByCount } from './flow-text.js';

/**
 * `litscreen report`: one self-contained HTML page a supervisor opens, or prints to PDF. No
 * script, font, stylesheet or image is fetched: the CSS is inline and the diagram is the SVG itself.
 * The page is built from plain values (the command gathers them), so this module only lays out.
 */

export interface ReportSource {
  database: string;
  kind: string;
  interface?: string;
  searchDate: string;
  searchString: string;
  recordsRead: number;
  expectedRecords?: number;
}

export interface ReportAgreement {
  stage: string;
  reviewers: [string, string];
  ratedByBoth: number;
  observed: number | null;
  kappa: number | null;
  band: string | null;
  pabak: number | null;
  ac1: number | null;
}

export interface ReportInput {
  title: string;
  sources: ReportSource[];
  criteria: { id: string; query: string; reason: string }[];
  criteriaAsAutomation: boolean;
  fullTextReasons: { id: string; label: string }[];
  reviewersPerStage: { titleAbstract: number; fullText: number };
  flow: Flow;
  /** The PRISMA diagram as an SVG document. */
  svg: string;
  extraction: { header: string[]; rows: string[][]; problems: string[] };
  agreement: ReportAgreement[];
  verify: { ok: boolean; problems: string[] };
  /** The litscreen version that wrote the page. */
  version: string;
}

const esc = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

function table(header: string[], rows: (string | number)[][], options: { numeric?: number[]; caption?: string } = {}): string {
  const numeric = new Set(options.numeric ?? []);
  const cell = (tag: string, v: string | number, i: number) => `<${tag}${numeric.has(i) ? ' class="n"' : ''}>${esc(String(v))}</${tag}>`;
  return (
    `<table>${options.caption ? `<caption>${esc(options.caption)}</caption>` : ''}<thead><tr>${header.map((h, i) => cell('th', h, i)).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`).join('\n')}</tbody></table>`
  );
}

const fixed = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));

const STYLE = `
:root{color-scheme:light}
body{font-family:Arial,Helvetica,'Liberation Sans','DejaVu Sans',sans-serif;font-size:14px;line-height:1.45;color:#111;max-width:960px;margin:2rem auto;padding:0 1.2rem}
h1{font-size:1.55rem;margin:0 0 .4rem}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:2px solid #5b84ab;padding-bottom:.2rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
.meta{color:#555;margin:0 0 1rem}
.verdict{display:inline-block;padding:.35rem .7rem;border-radius:4px;font-weight:bold}
.verdict.ok{background:#e6f4ea;color:#1e6b34;border:1px solid #1e6b34}.verdict.fail{background:#fdecea;color:#b3261e;border:1px solid #b3261e}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:13px}
caption{text-align:left;font-weight:bold;margin-bottom:.3rem}
th,td{border:1px solid #c8c8c8;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eef3f8}td.n,th.n{text-align:right;white-space:nowrap}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;border:1px solid #ddd;padding:.5rem;font-size:12px;margin:.3rem 0 .8rem}
figure{margin:1rem 0}figure svg{width:100%;height:auto;max-width:100%}
ul.problems{color:#b3261e}
.wide{overflow-x:auto}
@media print{
  body{max-width:none;margin:0;padding:0;font-size:11pt}
  h2{break-after:avoid}
  table,figure,pre{break-inside:auto}
  tr,figure svg{break-inside:avoid}
  thead{display:table-header-group}
  .wide{overflow:visible}
  a{color:inherit;text-decoration:none}
  @page{size:A4;margin:15mm}
}`;

export function reportHtml(r: ReportInput): string {
  const f = r.flow;
  const parts: string[] = [];
  parts.push(`<h1>${esc(r.title)}</h1>`);
  parts.push(`<p class="meta">Screening report written by litscreen ${esc(r.version)} from the review folder's exports and decision logs.</p>`);
  parts.push(
    r.verify.ok
      ? `<p><span class="verdict ok">verify passes</span> every count matches the protocol's expectations and no record is pending or in conflict.</p>`
      : `<p><span class="verdict fail">verify fails</span> ${r.verify.problems.length} problem(s); the counts below are provisional.</p><ul class="problems">${r.verify.problems
          .slice(0, 20)
          .map((p) => `<li>${esc(p)}</li>`)
          .join('')}${r.verify.problems.length > 20 ? `<li>… and ${r.verify.problems.length - 20} more (litscreen verify)</li>` : ''}</ul>`,
  );

  parts.push('<h2>Protocol</h2>');
  parts.push(
    table(
      ['Source', 'Kind', 'Interface', 'Search date', 'Records read', 'Hit count'],
      r.sources.map((s) => [s.database, s.kind, s.interface ?? '', s.searchDate, s.recordsRead, s.expectedRecords ?? '']),
      { numeric: [4, 5], caption: 'Sources searched' },
    ),
  );
  parts.push('<h3>Search strings</h3>');
  for (const s of r.sources) parts.push(`<p><strong>${esc(s.database)}</strong>${s.interface ? ` (${esc(s.interface)})` : ''}, ${esc(s.searchDate)}</p><pre>${esc(s.searchString)}</pre>`);
  if (r.criteria.length) {
    parts.push(
      table(['Criterion', 'A record passes when it matches', 'Exclusion reason'], r.criteria.map((c) => [c.id, c.query, c.reason]), {
        caption: `A-priori criteria${r.criteriaAsAutomation ? ' (reported in PRISMA as automation tools)' : ''}`,
      }),
    );
  }
  parts.push(table(['Reason id', 'Full-text exclusion reason'], r.fullTextReasons.map((x) => [x.id, x.label]), { caption: 'Full-text exclusion reasons' }));
  parts.push(`<p>Reviewers per record: ${r.reviewersPerStage.titleAbstract} at title/abstract, ${r.reviewersPerStage.fullText} at full text.</p>`);

  parts.push('<h2>PRISMA 2020 flow diagram</h2>');
  parts.push(`<figure>${r.svg.replace(/^<\?xml[^>]*\?>\s*/, '')}</figure>`);

  parts.push('<h2>Exclusions by reason</h2>');
  const criteriaRows = Object.entries(f.records_excluded_criteria_reasons);
  if (criteriaRows.length) {
    parts.push(table(['Reason', 'Records'], [...criteriaRows, ['Total', f.records_excluded_by_criteria]], { numeric: [1], caption: 'Title/abstract: excluded by the a-priori criteria' }));
  }
  parts.push(
    table(['Reason', 'Records'], [...sortedByCount(f.records_excluded_reviewer_reasons), ['Total', f.records_excluded_by_reviewer]], {
      numeric: [1],
      caption: 'Title/abstract: excluded by reviewers',
    }),
  );
  parts.push(table(['Reason', 'Reports'], [...Object.entries(f.dbr_excluded), ['Total', f.dbr_excluded_total]], { numeric: [1], caption: 'Full text: reports excluded' }));

  parts.push(`<h2>Included studies (${f.new_studies})</h2>`);
  if (r.extraction.problems.length) {
    parts.push(`<p>The extraction table has ${r.extraction.problems.length} problem(s) (litscreen extract lists them):</p><ul class="problems">${r.extraction.problems.slice(0, 10).map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`);
  }
  parts.push(`<div class="wide">${table(r.extraction.header, r.extraction.rows, { caption: 'Data extraction' })}</div>`);

  parts.push('<h2>Reviewer agreement</h2>');
  if (r.agreement.length === 0) parts.push('<p>One reviewer decided each stage; there is no agreement to report.</p>');
  else {
    parts.push(
      table(
        ['Stage', 'Reviewers', 'Records both rated', 'Observed agreement', "Cohen's kappa", 'Band (Landis–Koch)', 'PABAK', "Gwet's AC1"],
        r.agreement.map((a) => [a.stage, a.reviewers.join(' & '), a.ratedByBoth, fixed(a.observed), fixed(a.kappa), a.band ?? '–', fixed(a.pabak), fixed(a.ac1)]),
        { numeric: [2, 3, 4, 6, 7] },
      ),
    );
  }

  parts.push('<h2>Automation and stopping</h2>');
  parts.push(
    `<p>${
      r.criteriaAsAutomation
        ? `The a-priori criteria were applied by litscreen and are reported as automation tools (${f.records_excluded_by_criteria} records).`
        : `The a-priori criteria were applied by litscreen to every record (${f.records_excluded_by_criteria} excluded); they are reported as screening exclusions.`
    } ${
      f.title_abstract_stopped !== undefined
        ? `Title/abstract screening stopped under the protocol's stopping rule (${esc(f.stopping_rule ?? '')}${f.stopping_sample ? `; ${esc(f.stopping_sample)}` : ''}) at ${esc(f.stopped_at ?? '')} (${esc(f.stopped_by ?? '')}); the ${f.title_abstract_stopped} records no reviewer had screened then are reported as marked ineligible by automation tools.`
        : 'No prioritised screening or stopping rule was used: every record that passed the criteria was screened by a person.'
    }</p>`,
  );

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}: screening report</title>
<style>${STYLE}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
