#!/usr/bin/env node
// Import conformance over the shared corpus of real exports: every export-looking file is
// imported, and its record count compared with a count made WITHOUT the parser (TY lines,
// PMID lines, <record> tags, Ovid <n> markers, CSV rows by csv-parse). Writes
// docs/conformance.md (one row per file) and the "Supported exports" table in README.md.
// Run: npm run conformance. With --check it writes nothing and only fails on a mismatch (the
// test suite runs it that way). Skips cleanly without ../shared/corpus.
const checkOnly = process.argv.includes('--check');
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import { decodeAndParse } from '../dist/formats/registry.js';
import { decodeText } from '../dist/formats/encoding.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(repo, '../shared/corpus');
if (!existsSync(corpus)) {
  console.log('shared corpus not found beside the clone; nothing to check');
  process.exit(0);
}

const EXPORT_FILE = /\.(ris|csv|tsv|txt|nbib|xml|ovd|cgi|tab|enw|bib)$/i;
// Files in the corpus that are expected outputs or notes, not exports. Every .bib is read, expected
// outputs too (JabRef's, CoLRev's *_result.bib): they are BibTeX, counted by their @type{ lines.
const NOT_EXPORTS = /(README|PROVENANCE|expected|_result|records_pre_merged|merged_record_ids|\.json$)/i;
const isExport = (name) => EXPORT_FILE.test(name) && (/\.bib$/i.test(name) || !NOT_EXPORTS.test(name));

/** Independent record counts, by what each format marks a record with. */
const count = {
  ris: (t) => (t.match(/^TY {1,2}-/gm) ?? []).length,
  nbib: (t) =>
    (t.match(/^PMID-/gm) ?? []).length ||
    (t.match(/^OWN - /gm) ?? []).length ||
    t.split(/\r?\n\s*\r?\n/).filter((block) => /^[A-Z]{2,4} {0,3}-/m.test(block)).length,
  'endnote-xml': (t) => (t.match(/<record>/g) ?? []).length,
  'pubmed-xml': (t) => (t.match(/<Pubmed(?:Book)?Article>/g) ?? []).length,
  ovid: (t) => (t.match(/^\s*<\d+\.?\s*>\s*$/gm) ?? []).length,
  wos: (t) => (t.match(/^PT /gm) ?? []).length,
  refworks: (t) => (t.match(/^RT /gm) ?? []).length,
  // Blank-line separated blocks with a %-tag line (refer has no record start tag every tool writes).
  refer: (t) => t.split(/\r?\n\s*\r?\n/).filter((block) => /^%[A-Z0-9@]/m.test(block)).length,
  // @type{ or @type( at a line start, except the three that are not entries.
  bibtex: (t) => (t.match(/^[ \t]*@(?!comment\b|preamble\b|string\b)[A-Za-z]+[ \t]*[{(]/gim) ?? []).length,
  csv: (t, delimiter = ',') => csvRows(t, delimiter),
  tsv: (t) => csvRows(t, '\t'),
};

/** Data rows of a delimited file: rows after the header row (the first row naming a title column) with any non-empty cell. */
function csvRows(text, delimiter) {
  const rows = parseCsv(text, { delimiter: [delimiter, ';'].includes(delimiter) ? delimiter : ',', relax_column_count: true, relax_quotes: true, bom: true });
  const header = rows.findIndex((r) => r.some((c) => /^\s*(title|ti|article title|document title|primary title|"?title"?)\s*$/i.test(c)));
  if (header < 0) return undefined;
  return rows.slice(header + 1).filter((r) => r.some((c) => c.trim() !== '')).length;
}

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else if (isExport(entry.name)) out.push(p);
  }
  return out.sort();
}

/**
 * Files whose independent count is wrong by construction, and why our count is right. A file
 * listed here that matches the independent count again is reported, so the list cannot go stale.
 */
const EXPLAINED = {
  'jabref-importer-tests/MedlinePlainImporterTestMultipleEntries.txt': 'two of its seven entries have no PMID line',
  'jabref-importer-tests/Endnote.entries.enw': 'a synthetic field-mapping sample of bare %0 lines, not an export; two records with titles are read',
  'jabref-importer-tests/RisImporterCorrupted.ris': 'its one record has no TY line; kept with a warning rather than lost',
};

const rows = [];
for (const file of walk(corpus)) {
  const rel = path.relative(corpus, file);
  const bytes = readFileSync(file);
  let result;
  let error;
  try {
    result = decodeAndParse(bytes, rel);
  } catch (e) {
    error = e.format ? e.format() : String(e);
  }
  let expected;
  if (result) {
    const text = decodeText(bytes).text;
    const delimiter = result.format === 'csv' && /;/.test(text.split('\n')[0]) && !/,/.test(text.split('\n')[0]) ? ';' : ',';
    try {
      expected = count[result.format]?.(text, delimiter);
    } catch {
      expected = undefined;
    }
  }
  const n = result?.records.length ?? 0;
  const share = (pred) => (n === 0 ? '-' : `${Math.round((100 * result.records.filter(pred).length) / n)}%`);
  rows.push({
    folder: rel.split(path.sep)[0],
    file: rel,
    format: result?.format ?? '-',
    dialect: result?.dialect ?? '-',
    records: result ? n : '-',
    expected: expected ?? '-',
    abstract: result ? share((r) => !!r.abstract) : '-',
    doi: result ? share((r) => !!r.doi) : '-',
    year: result ? share((r) => r.year !== undefined) : '-',
    warnings: result?.warnings.length ?? '-',
    status: error
      ? `refused: ${error.replace(/\|/g, '\\|')}`
      : expected === undefined
        ? 'read (no independent count)'
        : expected === n
          ? EXPLAINED[rel] ? 'STALE EXPLANATION (counts now agree)' : 'ok'
          : EXPLAINED[rel]
            ? `ok: ${EXPLAINED[rel]}`
            : `MISMATCH (${n} vs ${expected})`,
  });
}

const mismatches = rows.filter((r) => r.status.startsWith('MISMATCH') || r.status.startsWith('STALE'));
const header = '| file | format | dialect | records | independent count | abstract | DOI | year | warnings | status |\n|---|---|---|--:|--:|--:|--:|--:|--:|---|\n';
const detail =
  '# Import conformance over the shared corpus\n\n' +
  'Generated by `npm run conformance` from `../shared/corpus` (real exports collected from public projects; see its INDEX.md). ' +
  'The independent count is made without the parser: `TY` lines for RIS, `PMID-` lines for nbib, `<record>` tags for EndNote XML, `<PubmedArticle>` tags for PubMed XML, `<n>` markers for Ovid tagged, `@type{` lines (not `@string`/`@comment`/`@preamble`) for BibTeX, csv-parse rows after the header for CSV/TSV. ' +
  'A file "refused" stopped with exit code 3 and the message shown (the intended outcome for broken files).\n\n' +
  header +
  rows.map((r) => `| ${r.file} | ${r.format} | ${r.dialect} | ${r.records} | ${r.expected} | ${r.abstract} | ${r.doi} | ${r.year} | ${r.warnings} | ${r.status} |`).join('\n') +
  '\n';
if (!checkOnly) writeFileSync(path.join(repo, 'docs/conformance.md'), detail);

// The README summary: one row per format and dialect.
const groups = new Map();
for (const r of rows) {
  if (r.format === '-') continue;
  const key = `${r.format}|${r.dialect}`;
  const g = groups.get(key) ?? { format: r.format, dialect: r.dialect, files: 0, records: 0, checked: 0, ok: 0 };
  g.files++;
  g.records += r.records;
  if (r.expected !== '-') {
    g.checked++;
    if (r.status.startsWith('ok')) g.ok++;
  }
  groups.set(key, g);
}
const refused = rows.filter((r) => r.status.startsWith('refused')).length;
const summary =
  '| format | dialect (detected by content) | corpus files | records read | files whose count matches an independent count |\n|---|---|--:|--:|---|\n' +
  [...groups.values()]
    .sort((a, b) => a.format.localeCompare(b.format) || a.dialect.localeCompare(b.dialect))
    .map((g) => `| ${g.format} | ${g.dialect} | ${g.files} | ${g.records} | ${g.checked ? `${g.ok} of ${g.checked}` : 'no independent count'} |`)
    .join('\n') +
  `\n\n${rows.length} corpus files; ${refused} refused with exit code 3 as unreadable (see [docs/conformance.md](docs/conformance.md) for every file).\n`;
const readmePath = path.join(repo, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = '<!-- supported-exports:start (generated by npm run conformance) -->';
const end = '<!-- supported-exports:end -->';
if (!checkOnly && readme.includes(start)) {
  const updated = readme.slice(0, readme.indexOf(start) + start.length) + '\n' + summary + readme.slice(readme.indexOf(end));
  writeFileSync(readmePath, updated);
}
if (!checkOnly) console.log(summary);
else console.log(`${rows.length} corpus files checked`);
if (mismatches.length) {
  console.error(`${mismatches.length} count mismatch(es):`);
  for (const m of mismatches) console.error(`  ${m.file}: ${m.status}`);
  process.exitCode = 1;
}
