import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promises as fs } from 'node:fs';
import { PROTOCOL_FILE, SCHEMA_FILE, protocolJsonSchema, parseProtocol } from '../io/protocol.js';
import { writeFileAtomic, pathExists } from '../io/files.js';
import { DECISIONS_DIR, EXTRACTION_FILE } from '../io/review.js';
import { CACHE_DIR } from '../io/review-cache.js';
import { STAGES } from '../model/decision.js';
import { usageError } from '../errors.js';
import type { Command } from 'commander';
import { examples } from '../io/command.js';
import { out } from '../io/output.js';

export interface InitOptions {
  dir: string;
  force: boolean;
  /** Copy the bundled seed review instead of writing a template: a review to try things on. */
  example?: boolean;
}

export interface InitResult {
  written: string[];
}

/** A starting protocol with every field filled by an example the reviewer edits. */
export function protocolTemplate(): Record<string, unknown> {
  return {
    $schema: `./${SCHEMA_FILE}`,
    title: 'Service user involvement in social work education: a systematic review',
    sources: [
      {
        key: 'psycinfo',
        database: 'PsycINFO',
        interface: 'Ovid',
        file: 'exports/psycinfo.ris',
        format: 'auto',
        searchDate: '2018-01-19',
        searchString: '(service user* or carer* or coproduc*).ti,ab. and social work*.ti,ab.',
      },
    ],
    deduplication: { enabled: true, yearTolerance: 1, matchMainTitle: true, mergeConferenceAbstracts: false },
    titleAbstract: {
      criteria: [
        { id: 'involvement', query: '"service user*" OR carer* OR coproduc*', reason: 'Not about service user or carer involvement' },
        { id: 'social-work', query: '"social work*" OR "social care"', reason: 'Not about social work education, practice or policy' },
        { id: 'english', query: 'language:english', reason: 'Not published in English' },
      ],
      reportCriteriaAsAutomation: false,
    },
    fullText: {
      exclusionReasons: [
        { id: 'not-involvement', label: 'Not about service user or carer involvement' },
        { id: 'not-social-work', label: 'Not social work education, practice or policy' },
        { id: 'not-empirical', label: 'Not empirical research' },
      ],
    },
    extraction: {
      fields: [
        { name: 'country', type: 'text', required: true },
        { name: 'study_design', type: 'choice', required: true, choices: ['qualitative', 'mixed methods', 'quantitative'] },
        { name: 'sample_size', type: 'text', required: true },
        { name: 'data_collection', type: 'text', required: true },
        { name: 'main_findings', type: 'text', required: true },
      ],
    },
    // No `expected` block: a new review has nothing to pin yet. `litscreen verify --pin` writes it
    // once screening is done, and an example count here would fail every new review.
  };
}

/** `litscreen init DIR`: a new review folder with a protocol to edit and its JSON Schema. */
export async function runInit(options: InitOptions): Promise<InitResult> {
  const existing = await fs.stat(options.dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw usageError('is a file, not a folder; give the name of a folder for the review', { file: options.dir });
  if (options.example) return copyExample(options.dir);
  const protocolFile = path.join(options.dir, PROTOCOL_FILE);
  if ((await pathExists(protocolFile)) && !options.force) {
    throw usageError(`${protocolFile} already exists; not overwriting it (use --force to replace it)`);
  }
  const template = protocolTemplate();
  const text = JSON.stringify(template, null, 2) + '\n';
  parseProtocol(text, protocolFile); // the template must itself be valid; a failure here is a bug
  const written: string[] = [];
  await writeFileAtomic(path.join(options.dir, SCHEMA_FILE), JSON.stringify(protocolJsonSchema(), null, 2) + '\n');
  written.push(path.join(options.dir, SCHEMA_FILE));
  await writeFileAtomic(protocolFile, text);
  written.push(protocolFile);
  await fs.mkdir(path.join(options.dir, 'exports'), { recursive: true });
  for (const stage of STAGES) await fs.mkdir(path.join(options.dir, DECISIONS_DIR, stage), { recursive: true });
  // The derived-state cache never travels by git: every machine derives its own.
  const gitignore = path.join(options.dir, '.gitignore');
  if (!(await pathExists(gitignore))) {
    await writeFileAtomic(gitignore, `# Derived state litscreen keeps to answer quickly; deleting it loses nothing.\n${CACHE_DIR}/\n`);
    written.push(gitignore);
  }
  const extractionFile = path.join(options.dir, EXTRACTION_FILE);
  if (!(await pathExists(extractionFile))) {
    const fields = (template.extraction as { fields: { name: string }[] }).fields.map((f) => f.name);
    await writeFileAtomic(extractionFile, ['record_id', ...fields].join(',') + '\n');
    written.push(extractionFile);
  }
  return { written };
}

/** Where the bundled seed review is, beside the built code (dist/commands → fixtures/seed-review). */
const EXAMPLE_REVIEW = new URL('../../fixtures/seed-review/', import.meta.url);

/**
 * `init --example DIR`: a private copy of the seed review, so a walkthrough's decisions never touch
 * the bundled fixture that the tests and `verify` rely on.
 */
async function copyExample(dir: string): Promise<InitResult> {
  const source = fileURLToPath(EXAMPLE_REVIEW);
  if (!(await pathExists(path.join(source, PROTOCOL_FILE)))) throw usageError(`the bundled example review is missing (looked in ${source})`);
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  if (entries.length > 0) throw usageError('is not empty; give a new folder for the example review', { file: dir });
  await fs.cp(source, dir, { recursive: true, filter: (src) => path.basename(src) !== 'generate.mjs' && path.basename(src) !== CACHE_DIR });
  return { written: [dir] };
}

export function register(program: Command): void {
  program
    .command('init')
    .description('create a review folder: a protocol (litscreen.json) to edit, its JSON Schema, and empty decision folders')
    .argument('<dir>', 'folder to create or fill')
    .option('--force', 'overwrite an existing litscreen.json')
    .option('--example', 'copy the bundled seed review into the folder, to try litscreen on')
    .addHelpText('after', examples('litscreen init my-review', 'litscreen init --example my-copy'))
    .action(async (dir: string, opts: { force?: boolean; example?: boolean }) => {
      const result = await runInit({ dir, force: !!opts.force, example: !!opts.example });
      if (opts.example) return out(`copied the seed review to ${dir}; try: litscreen flow ${dir}`);
      for (const f of result.written) out(`wrote ${f}`);
      out(`\nNext: put your database exports in ${dir}/exports/ and edit ${dir}/litscreen.json.`);
    });
}
