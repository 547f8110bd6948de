import * as path from 'node:path';
import type { ParsedRecord, Warning } from '../model/record.js';
import { parseText } from '../formats/registry.js';
import { readExportText } from '../io/files.js';
import type { Command } from 'commander';
import { examples } from '../io/command.js';
import { out, jsonStreamed, table, printWarnings } from '../io/output.js';

export interface ImportOptions {
  files: string[];
  format?: string;
}

export interface ImportedFile {
  file: string;
  format: string;
  dialect: string;
  records: number;
  withAbstract: number;
  withDoi: number;
  withYear: number;
  warnings: Warning[];
}

export interface ImportResult {
  files: ImportedFile[];
  records: ParsedRecord[];
}

/**
 * `litscreen import FILE...`: read exports without a review folder and account for every record,
 * so a reviewer can compare "records read" with the hit count the database showed.
 */
export async function runImport(options: ImportOptions): Promise<ImportResult> {
  const files: ImportedFile[] = [];
  const records: ParsedRecord[] = [];
  for (const file of options.files) {
    const result = parseText(await readExportText(file), file, options.format ?? 'auto');
    const count = (has: (r: ParsedRecord) => boolean) => result.records.filter(has).length;
    files.push({
      file,
      format: result.format,
      dialect: result.dialect,
      records: result.records.length,
      withAbstract: count((r) => !!r.abstract),
      withDoi: count((r) => !!r.doi),
      withYear: count((r) => r.year !== undefined),
      warnings: result.warnings,
    });
    // One at a time: spreading 100,000+ records into push() overflows the call stack.
    for (const record of result.records) records.push(record);
  }
  return { files, records };
}

/** A database key for exports read without a protocol: the file name, lower-cased and hyphenated. */
export function keyFromFileName(file: string): string {
  return (
    path
      .basename(file)
      .replace(/\.[^.]+$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'file'
  );
}

export function register(program: Command): void {
  program
    .command('import')
    .description('read database exports (RIS, CSV/TSV, MEDLINE/nbib, Ovid, Web of Science, EndNote, RefWorks, PubMed XML, BibTeX) without a review folder and count what they hold')
    .argument('<files...>', 'export files (- reads standard input)')
    .option('--format <name>', 'skip detection and read as this format (ris, csv, tsv, nbib, ovid, wos, refer, refworks, endnote-xml, pubmed-xml, bibtex)')
    .option('--json', 'machine-readable output, including every normalised record')
    .addHelpText('after', examples('litscreen import exports/psycinfo.ris exports/sco.csv', 'litscreen import --json exports/*.ris > records.json'))
    .action(async (files: string[], opts: { format?: string; json?: boolean }) => {
      const result = await runImport({ files, format: opts.format });
      if (opts.json) return jsonStreamed({ ...result });
      out(renderImportTable(result));
      out(`\n${result.records.length} records read from ${result.files.length} file(s).`);
      printWarnings(result.files.flatMap((f) => f.warnings));
    });
}

/** One row per file: what was read, and how complete the fields a reviewer screens on are. */
function renderImportTable(result: ImportResult): string {
  const pct = (n: number, of: number) => (of === 0 ? '-' : `${Math.round((100 * n) / of)}%`);
  return table(
    [
      ['file', 'format', 'dialect', 'records', 'abstract', 'DOI', 'year', 'warnings'],
      ...result.files.map((f) => [
        f.file,
        f.format,
        f.dialect,
        String(f.records),
        pct(f.withAbstract, f.records),
        pct(f.withDoi, f.records),
        pct(f.withYear, f.records),
        String(f.warnings.length),
      ]),
    ],
    ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );
}
