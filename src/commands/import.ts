import * as path from 'node:path';
import type { ParsedRecord, Warning } from '../model/record.js';
import { parseText } from '../formats/registry.js';
import { readExportText } from '../io/files.js';

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
    records.push(...result.records);
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
