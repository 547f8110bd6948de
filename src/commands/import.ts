import * as path from 'node:path';
import type { ParsedRecord, Warning } from '../model/record.js';
import { inputError } from '../errors.js';
import { streamExport } from '../io/export-stream.js';
import { addToTally } from '../io/parallel-count.js';
import type { TextEncodingName } from '../formats/encoding.js';
import type { Command } from 'commander';
import { examples } from '../io/command.js';
import { bufferedWriter, nestedJson, out, table, printWarnings } from '../io/output.js';

export interface ImportOptions {
  files: string[];
  format?: string;
  /**
   * Each record as it is read, instead of collecting them in the result (whose `records` is then
   * empty): a big RIS export is read in chunks, so memory stays bounded when this keeps nothing.
   */
  onRecord?: (record: ParsedRecord, file: ImportedFile) => void;
  /** Awaited between chunks, for a writer whose output must drain. */
  afterChunk?: () => Promise<void> | void;
  /** The records given to onRecord are only counted: they may come without `rawHash`. */
  countOnly?: boolean;
  /**
   * Records are only tallied (the counts in ImportedFile), neither kept nor handed to onRecord:
   * a big RIS export is then read in parallel parts (io/parallel-count.ts).
   */
  tallyOnly?: boolean;
  /** Per file (by position), the encoding an earlier read found, so this read cannot restart. */
  encodings?: (TextEncodingName | undefined)[];
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
  /** Per file, the encoding it was read in when it was read in chunks. */
  encodings: (TextEncodingName | undefined)[];
  /** Per file, the parts it was counted in, in parallel (tallyOnly, big RIS exports); undefined: one thread. */
  parts: (number | undefined)[];
}

/**
 * `litscreen import FILE...`: read exports without a review folder and account for every record,
 * so a reviewer can compare "records read" with the hit count the database showed.
 */
export async function runImport(options: ImportOptions): Promise<ImportResult> {
  const files: ImportedFile[] = [];
  const records: ParsedRecord[] = [];
  const encodings: (TextEncodingName | undefined)[] = [];
  const parts: (number | undefined)[] = [];
  for (const [index, file] of options.files.entries()) {
    const imported: ImportedFile = { file, format: '', dialect: '', records: 0, withAbstract: 0, withDoi: 0, withYear: 0, warnings: [] };
    const firstRecord = records.length;
    const result = await streamExport(file, {
      format: options.format ?? 'auto',
      onRecord(record) {
        addToTally(imported, record);
        if (options.tallyOnly) return;
        if (options.onRecord) options.onRecord(record, imported);
        else records.push(record);
      },
      tally: options.tallyOnly ? imported : undefined,
      onRestart() {
        // Read again as Windows-1252 from the start (see io/export-stream.ts).
        if (options.encodings?.[index]) throw inputError('changed while it was read (its encoding is no longer the one first read); import it again', { file });
        imported.records = imported.withAbstract = imported.withDoi = imported.withYear = 0;
        records.length = firstRecord;
      },
      afterChunk: options.afterChunk,
      encoding: options.encodings?.[index],
      countOnly: options.countOnly || options.tallyOnly,
    });
    encodings.push(result.encoding);
    parts.push(result.parts);
    imported.format = result.format;
    imported.dialect = result.dialect;
    imported.warnings = result.warnings;
    files.push(imported);
  }
  return { files, records, encodings, parts };
}

/**
 * `import --json`: the same JSON as jsonStreamed({files, records}) prints, but with the records
 * written as they are read, so an export of any size goes out in bounded memory. The file summary
 * comes first in that JSON, so the exports are read twice: once to count, once to write (a file
 * that changes in between is an error, exit 3).
 */
export async function writeImportJson(options: ImportOptions, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  // Standard input cannot be read twice: its records are kept from the first read, as before.
  const fromStdin = new Map<number, ParsedRecord[]>();
  const counted = await runImport({
    ...options,
    // Records of standard input are kept and written from this read, so they keep their hash.
    countOnly: !options.files.includes('-'),
    tallyOnly: !options.files.includes('-'),
    onRecord(record, file) {
      if (file.file !== '-') return;
      const index = options.files.indexOf('-');
      const kept = fromStdin.get(index) ?? [];
      kept.push(record);
      fromStdin.set(index, kept);
    },
  });
  const { emit, flush } = bufferedWriter(stream);
  await emit(`{\n  "files": ${counted.files.length === 0 ? '[]' : `[\n${counted.files.map((f) => `    ${nestedJson(f, '    ')}`).join(',\n')}\n  ]`},\n`);
  const total = counted.files.reduce((n, f) => n + f.records, 0);
  await emit(total === 0 ? '  "records": []\n' : '  "records": [\n');
  // Records arrive from a synchronous callback; they wait in `pending` until the reader's next chunk boundary.
  let pending = '';
  let written = 0;
  const write = (record: ParsedRecord, file: string) => {
    written++;
    if (written > total) throw inputError('changed while it was read (it now holds more records); import it again', { file });
    pending += `    ${nestedJson(record, '    ')}${written < total ? ',' : ''}\n`;
  };
  const afterChunk = async () => {
    const chunk = pending;
    pending = '';
    await emit(chunk);
  };
  for (const [index, file] of options.files.entries()) {
    const kept = fromStdin.get(index);
    if (kept) {
      for (const record of kept) {
        write(record, file);
        await afterChunk();
      }
      continue;
    }
    const again = await runImport({ files: [file], format: options.format, encodings: [counted.encodings[index]], onRecord: (r) => write(r, file), afterChunk });
    const before = counted.files[index].records;
    if (again.files[0].records !== before) throw inputError(`changed while it was read (${before} records, then ${again.files[0].records}); import it again`, { file });
  }
  await afterChunk();
  await emit(total > 0 ? '  ]\n}\n' : '}\n');
  await flush();
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
      if (opts.json) return writeImportJson({ files, format: opts.format });
      // Only the counts are shown: records are read and let go, so memory stays bounded.
      const result = await runImport({ files, format: opts.format, tallyOnly: true });
      out(renderImportTable(result));
      out(`\n${result.files.reduce((n, f) => n + f.records, 0)} records read from ${result.files.length} file(s).`);
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
