import * as path from 'node:path';
import { z } from 'zod';
import { ProtocolSchema, type Protocol } from '../model/protocol.js';
import { inputError, LitscreenError, ExitCode } from '../errors.js';
import { readInputText, pathExists, INPUT_LIMITS } from './files.js';
import { parseQuery, QuerySyntaxError } from '../core/criteria/query.js';
import { PROTOCOL_FILE, SCHEMA_FILE, sourceFileClashes } from './protocol-file.js';
import { parseJsonWithPositions, offsetInString, JsonSyntaxError, type JsonDocument, type JsonPath } from './json-positions.js';

export { PROTOCOL_FILE, SCHEMA_FILE };

/** One thing wrong with the protocol, where the reviewer fixes it. */
export interface ProtocolProblem {
  line: number;
  column: number;
  message: string;
}

export function formatJsonPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const part of p) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

/** The protocol's problems as one error (exit 4): a count, then one `file:line:col: message` each. */
export function protocolProblemsError(file: string, problems: ProtocolProblem[]): LitscreenError {
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
  const heading = sorted.length === 1 ? 'a problem in the protocol:' : `${sorted.length} problems in the protocol:`;
  return new LitscreenError(
    ExitCode.invalidProtocol,
    heading,
    // The heading carries the first problem's line, so an editor that jumps to the first
    // `file:line` it sees lands on a problem.
    { file, line: sorted[0]?.line },
    sorted.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`),
  );
}

/** Validate protocol JSON text; exit 4 listing every problem with its line and column. */
export function parseProtocol(text: string, file: string): Protocol {
  const { protocol, problems } = checkProtocolText(text);
  if (problems.length > 0 || !protocol) throw protocolProblemsError(file, problems);
  return protocol;
}

export interface CheckedProtocol {
  /** Present when the text is valid JSON that matches the schema (there may still be problems). */
  protocol?: Protocol;
  document?: JsonDocument;
  problems: ProtocolProblem[];
}

/** Everything wrong with protocol text that can be told without the file system. Pure. */
export function checkProtocolText(text: string): CheckedProtocol {
  let document: JsonDocument;
  try {
    document = parseJsonWithPositions(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const { line, column } = err.position;
    return { problems: [{ line, column, message: `not valid JSON: ${err.message}` }] };
  }
  const problems: ProtocolProblem[] = [];
  const at = (p: JsonPath, message: string, where: 'key' | 'value' = 'value') => {
    problems.push({ ...locate(document, p, where), message });
  };

  for (const { path: p, first } of document.repeatedKeys) {
    at(p, `${formatJsonPath(p)}: given twice (also on line ${(first.key ?? first.value).line}); JSON keeps only the last, so remove one`, 'key');
  }

  const parsed = ProtocolSchema.safeParse(document.value);
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, document));

  // The checks past the schema read the raw JSON, so they report alongside a schema problem
  // elsewhere rather than one run later.
  const root = document.value;
  checkUnique(document, stringsAt(root, ['sources'], 'key'), ['sources'], 'key', at);
  checkUnique(document, stringsAt(root, ['sources'], 'database'), ['sources'], 'database', at);
  checkUnique(document, stringsAt(root, ['titleAbstract', 'criteria'], 'id'), ['titleAbstract', 'criteria'], 'id', at);
  checkUnique(document, stringsAt(root, ['fullText', 'exclusionReasons'], 'id'), ['fullText', 'exclusionReasons'], 'id', at);
  checkUnique(document, stringsAt(root, ['extraction', 'fields'], 'name'), ['extraction', 'fields'], 'name', at);
  const criterionIds = stringsAt(root, ['titleAbstract', 'criteria'], 'id');
  stringsAt(root, ['titleAbstract', 'criteria'], 'query').forEach((query, index) => {
    if (!query) return;
    try {
      parseQuery(query);
    } catch (err) {
      if (!(err instanceof QuerySyntaxError)) throw err;
      const node = document.at(['titleAbstract', 'criteria', index, 'query'])!;
      const where = document.positionOf(offsetInString(text, node.value.offset, Math.max(0, err.column - 1)));
      const criterion = criterionIds[index] ? ` (criterion "${criterionIds[index]}")` : '';
      problems.push({
        line: where.line,
        column: where.column,
        message: `titleAbstract.criteria[${index}].query${criterion}, column ${err.column} of the query: ${err.message}`,
      });
    }
  });
  problems.push(...checkSourcePaths(document).problems);
  return { protocol: parsed.success ? parsed.data : undefined, document, problems };
}

/** The string `field` of each entry of the list at `list` (undefined where it is not a string). */
function stringsAt(root: unknown, list: JsonPath, field: string): (string | undefined)[] {
  const entries = valueAt(root, list);
  if (!Array.isArray(entries)) return [];
  return entries.map((entry) => {
    const value = valueAt(entry, [field]);
    return typeof value === 'string' ? value : undefined;
  });
}

// ---------------------------------------------------------------------------------------------
// Where a problem is

function locate(document: JsonDocument, p: JsonPath, where: 'key' | 'value'): { line: number; column: number } {
  // A missing key has no node: point at the nearest object that exists.
  for (let n = p.length; n >= 0; n--) {
    const node = document.at(p.slice(0, n));
    if (node) {
      const pos = where === 'key' && n === p.length && node.key ? node.key : node.value;
      return { line: pos.line, column: pos.column };
    }
  }
  return { line: 1, column: 1 };
}

function valueAt(root: unknown, p: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of p) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// The zod schema, walked along a JSON path (so allowed keys come from the schema, not a list)

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { def: SchemaDef }).def;

/** The schema itself, without optional/default/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  for (let guard = 0; guard < 32; guard++) {
    const def = defOf(schema);
    const next = def.innerType ?? def.in ?? def.getter?.();
    if (!next || def.type === 'array' || def.type === 'object' || def.type === 'record') return schema;
    schema = next;
  }
  return schema;
}

function schemaAt(p: readonly PropertyKey[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(ProtocolSchema);
  for (const part of p) {
    if (!schema) return undefined;
    const def = defOf(schema);
    if (def.type === 'object') schema = def.shape?.[String(part)];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return undefined;
    if (schema) schema = unwrap(schema);
  }
  return schema;
}

function allowedKeys(p: readonly PropertyKey[]): string[] {
  const schema = schemaAt(p);
  const shape = schema && defOf(schema).type === 'object' ? defOf(schema).shape : undefined;
  return shape ? Object.keys(shape) : [];
}

function expectedKind(expected: string, p: readonly PropertyKey[]): string {
  const schema = schemaAt(p);
  if (expected === 'int' || (expected === 'number' && (schema as { isInt?: boolean } | undefined)?.isInt)) return 'a whole number';
  switch (expected) {
    case 'string': return 'text in "double quotes"';
    case 'number': return 'a number';
    case 'boolean': return 'true or false';
    case 'array': return 'a list [...]';
    case 'object': return 'an object {...}';
    case 'record': return 'an object {...}';
    default: return expected;
  }
}

/** Edits between two words, a swap of neighbours counting as one ("titel" is one from "title"). */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], beforePrevious[j - 2] + 1);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length];
}

/** The allowed word closest to a mistyped one, if close enough to be a likely typo. */
export function didYouMean(word: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of allowed) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

const listed = (words: readonly string[]) => words.map((w) => JSON.stringify(w)).join(', ');

// ---------------------------------------------------------------------------------------------
// zod's issues, worded for a reviewer

function describeIssues(issues: readonly z.core.$ZodIssue[], document: JsonDocument): ProtocolProblem[] {
  const problems: ProtocolProblem[] = [];
  const missing = new Map<string, { parent: JsonPath; keys: string[] }>();
  for (const issue of issues) {
    const p = issue.path as (string | number)[];
    const name = formatJsonPath(p);
    const got = valueAt(document.value, p);
    const add = (message: string, at: JsonPath = p, where: 'key' | 'value' = 'value') =>
      problems.push({ ...locate(document, at, where), message });
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeys(p);
        for (const key of issue.keys) {
          const guess = didYouMean(key, allowed);
          const hint = guess ? `did you mean "${guess}"?` : `allowed here: ${listed(allowed)}`;
          add(`${name}: unknown key "${key}" (${hint})`, [...p, key], 'key');
        }
        break;
      }
      case 'invalid_type':
        if (got === undefined && p.length > 0 && valueAt(document.value, p.slice(0, -1)) !== undefined) {
          const parent = p.slice(0, -1);
          const entry = missing.get(JSON.stringify(parent)) ?? { parent, keys: [] };
          entry.keys.push(String(p[p.length - 1]));
          missing.set(JSON.stringify(parent), entry);
        } else {
          add(`${name}: expected ${expectedKind(issue.expected, p)}, got ${shown(got)}`);
        }
        break;
      case 'invalid_value': {
        const values = issue.values.map(String);
        const guess = typeof got === 'string' ? didYouMean(got, values) : undefined;
        add(`${name}: expected one of ${listed(values)}, got ${shown(got)}${guess ? ` (did you mean "${guess}"?)` : ''}`);
        break;
      }
      case 'invalid_format': {
        const wanted = issue.message.startsWith('Invalid') ? `the form ${issue.format === 'regex' ? issue.pattern : issue.format}` : issue.message;
        add(`${name}: expected ${wanted}, got ${shown(got)}`);
        break;
      }
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        const bound = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
        const inclusive = issue.inclusive !== false;
        if (issue.origin === 'array') {
          add(`${name}: needs ${small ? 'at least' : 'at most'} ${bound} entr${bound === 1 ? 'y' : 'ies'}, got ${Array.isArray(got) ? got.length : shown(got)}`);
        } else if (issue.origin === 'string' && small && bound === 1) {
          add(`${name}: must not be empty`);
        } else if (issue.origin === 'string') {
          add(`${name}: must be ${small ? 'at least' : 'at most'} ${bound} characters long, got ${shown(got)}`);
        } else {
          const relation = small ? (inclusive ? `${bound} or more` : `more than ${bound}`) : inclusive ? `${bound} or less` : `less than ${bound}`;
          add(`${name}: expected ${relation}, got ${shown(got)}`);
        }
        break;
      }
      default:
        // Our own refinements (e.g. a "choice" field without choices) already speak plainly.
        add(`${name}: ${issue.message}`);
    }
  }
  for (const { parent, keys } of missing.values()) {
    const where = parent.length === 0 ? 'the top level' : formatJsonPath(parent);
    const s = keys.length === 1 ? '' : 's';
    problems.push({ ...locate(document, parent, 'value'), message: `${where}: missing required key${s} ${listed(keys)}` });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Checks past the schema

type Report = (p: JsonPath, message: string, where?: 'key' | 'value') => void;

function checkUnique(document: JsonDocument, values: (string | undefined)[], list: JsonPath, field: string, report: Report) {
  const first = new Map<string, number>();
  values.forEach((value, index) => {
    if (value === undefined) return;
    const earlier = first.get(value);
    if (earlier === undefined) {
      first.set(value, index);
      return;
    }
    const earlierLine = locate(document, [...list, earlier, field], 'value').line;
    report(
      [...list, index, field],
      `${formatJsonPath([...list, index, field])}: "${value}" is used twice (also ${formatJsonPath([...list, earlier, field])}, line ${earlierLine}); each must be unique`,
    );
  });
}

/** Absolute on this machine or on any other a review folder may travel to (C:\, \\server, /). */
function isAbsoluteAnywhere(file: string): boolean {
  return path.posix.isAbsolute(file) || path.win32.isAbsolute(file) || /^[A-Za-z]:/.test(file);
}

/** Whether a relative path climbs out of its folder, with either kind of slash. */
function climbsOut(file: string): boolean {
  let depth = 0;
  for (const part of file.split(/[\\/]+/)) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/** Paths that leave the review folder, and two sources naming the same file; lexical checks only. */
function checkSourcePaths(document: JsonDocument): { problems: ProtocolProblem[]; flagged: Set<number> } {
  const problems: ProtocolProblem[] = [];
  const flagged = new Set<number>();
  const firstByPath = new Map<string, number>();
  const allowOutside = valueAt(document.value, ['allowPathsOutsideReview']) === true;
  stringsAt(document.value, ['sources'], 'file').forEach((file, index) => {
    if (!file) return;
    const p = ['sources', index, 'file'];
    const where = locate(document, p, 'value');
    if (!allowOutside) {
      const escape = isAbsoluteAnywhere(file) ? 'is an absolute path' : climbsOut(file) ? 'leads outside the review folder' : undefined;
      if (escape) {
        problems.push({ ...where, message: `${formatJsonPath(p)}: ${JSON.stringify(file)} ${escape}; ${OUTSIDE_HINT}` });
        flagged.add(index);
        return;
      }
    }
    const key = path.normalize(file);
    const earlier = firstByPath.get(key);
    if (earlier === undefined) firstByPath.set(key, index);
    else {
      problems.push({ ...where, message: sameFileMessage(document, index, earlier) });
      flagged.add(index);
    }
  });
  return { problems, flagged };
}

const OUTSIDE_HINT =
  'put the export inside the review folder and name it relative to it (e.g. "exports/psycinfo.ris"), ' +
  'or set "allowPathsOutsideReview": true at the top level';

function sameFileMessage(document: JsonDocument, index: number, earlier: number): string {
  const line = locate(document, ['sources', earlier, 'file'], 'value').line;
  const file = valueAt(document.value, ['sources', index, 'file']);
  const database = (i: number) => {
    const name = valueAt(document.value, ['sources', i, 'database']);
    return typeof name === 'string' ? ` (${name})` : '';
  };
  return (
    `sources[${index}].file: ${JSON.stringify(file)}${database(index)} is the same file as sources[${earlier}].file on line ${line}` +
    `${database(earlier)}; each export belongs to one source, else its records count twice`
  );
}

/**
 * The checks that need the file system (protocol-file.ts `sourceFileClashes`), worded: a symlink
 * leading out of the review folder, and two spellings of one file. Files that do not exist are
 * left to the reader, which says so.
 */
export async function checkSourceFiles(reviewDir: string, protocol: Protocol, document: JsonDocument): Promise<ProtocolProblem[]> {
  // Already reported by the lexical checks; once is enough.
  const { flagged } = checkSourcePaths(document);
  return (await sourceFileClashes(reviewDir, protocol, flagged)).map((clash) => {
    const where = locate(document, ['sources', clash.index, 'file'], 'value');
    if (clash.kind === 'same') return { ...where, message: sameFileMessage(document, clash.index, clash.earlier) };
    const source = protocol.sources[clash.index];
    return {
      ...where,
      message: `sources[${clash.index}].file: ${JSON.stringify(source.file)} is a link that leads outside the review folder (to ${clash.real}); ${OUTSIDE_HINT}`,
    };
  });
}

export async function loadProtocol(reviewDir: string): Promise<{ protocol: Protocol; file: string }> {
  const file = path.join(reviewDir, PROTOCOL_FILE);
  if (!(await pathExists(reviewDir))) throw inputError('no such review folder', { file: reviewDir });
  if (!(await pathExists(file))) {
    throw inputError(`no ${PROTOCOL_FILE} here; is this a review folder? (create one with: litscreen init ${reviewDir})`, {
      file: reviewDir,
    });
  }
  const text = await readInputText(file, { maxBytes: INPUT_LIMITS.protocol, kind: 'protocol' });
  const { protocol, document, problems } = checkProtocolText(text);
  if (protocol && document) problems.push(...(await checkSourceFiles(reviewDir, protocol, document)));
  if (problems.length > 0 || !protocol) throw protocolProblemsError(file, problems);
  return { protocol, file };
}

/** The JSON Schema editors use to complete and check litscreen.json, generated from the zod schema. */
export function protocolJsonSchema(): unknown {
  return z.toJSONSchema(ProtocolSchema, { io: 'input', target: 'draft-2020-12' });
}
