import * as path from 'node:path';
import { z } from 'zod';
import { ProtocolSchema, type Protocol } from '../model/protocol.js';
import { protocolError, inputError } from '../errors.js';
import { readInputText, pathExists } from './files.js';
import { parseQuery, QuerySyntaxError } from '../core/query.js';

export const PROTOCOL_FILE = 'litscreen.json';
export const SCHEMA_FILE = 'litscreen.schema.json';

/** Line (1-based) of a character offset, for JSON syntax errors. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Best-effort line of the key a JSON path ends in, so editors can jump there. */
function lineOfPath(text: string, jsonPath: (string | number)[]): number | undefined {
  const lastKey = [...jsonPath].reverse().find((p) => typeof p === 'string');
  if (lastKey === undefined) return undefined;
  const at = text.indexOf(`"${lastKey}"`);
  return at >= 0 ? lineOf(text, at) : undefined;
}

export function formatJsonPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const part of p) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

/** Validate protocol JSON text; exit 4 with the JSON path and what was expected on any problem. */
export function parseProtocol(text: string, file: string): Protocol {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    throw protocolError(`not valid JSON: ${message}`, { file, line: position ? lineOf(text, Number(position[1])) : 1 });
  }
  const parsed = ProtocolSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    throw protocolError(`${formatJsonPath(issue.path)}: ${issue.message}${more}`, {
      file,
      line: lineOfPath(text, issue.path as (string | number)[]),
    });
  }
  const protocol = parsed.data;
  checkUnique(protocol.sources.map((s) => s.key), 'sources', 'key', text, file);
  checkUnique(protocol.sources.map((s) => s.database), 'sources', 'database', text, file);
  checkUnique(protocol.titleAbstract.criteria.map((c) => c.id), 'titleAbstract.criteria', 'id', text, file);
  checkUnique(protocol.fullText.exclusionReasons.map((r) => r.id), 'fullText.exclusionReasons', 'id', text, file);
  checkUnique(protocol.extraction.fields.map((f) => f.name), 'extraction.fields', 'name', text, file);
  protocol.titleAbstract.criteria.forEach((criterion, index) => {
    try {
      parseQuery(criterion.query);
    } catch (err) {
      if (!(err instanceof QuerySyntaxError)) throw err;
      const at = text.indexOf(JSON.stringify(criterion.query));
      throw protocolError(
        `titleAbstract.criteria[${index}].query (criterion "${criterion.id}"), column ${err.column}: ${err.message}`,
        { file, line: at >= 0 ? lineOf(text, at) : undefined },
      );
    }
  });
  return protocol;
}

function checkUnique(values: string[], list: string, field: string, text: string, file: string) {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) {
      throw protocolError(`${list}[${index}].${field}: "${value}" is used twice; each must be unique`, {
        file,
        line: lineOf(text, text.indexOf(JSON.stringify(value), text.indexOf(JSON.stringify(value)) + 1)),
      });
    }
    seen.add(value);
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
  const text = await readInputText(file);
  return { protocol: parseProtocol(text, file), file };
}

/** The JSON Schema editors use to complete and check litscreen.json, generated from the zod schema. */
export function protocolJsonSchema(): unknown {
  return z.toJSONSchema(ProtocolSchema, { io: 'input', target: 'draft-2020-12' });
}
