/**
 * The same review gives the same bytes on every machine: reasons with equal counts are ordered by
 * name in a named collation, not in the machine's locale. Swedish sorts "ä" after "z", English
 * beside "a"; a Swedish LANG must not reorder the flow.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const FLOW_TEXT = pathToFileURL(path.join(REPO, 'dist/report/flow-text.js')).href;

function sortedUnder(locale: string): string {
  const script = `import(${JSON.stringify(FLOW_TEXT)}).then((m) => console.log(m.sortedByCount({ zebra: 2, 'äpple': 2, many: 5 }).map((e) => e[0]).join(',')))`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, LANG: locale, LC_ALL: locale } });
  expect(run.stderr).toBe('');
  return run.stdout.trim();
}

describe('reason order does not depend on the machine locale', () => {
  it('is the same under C, en_US and sv_SE', () => {
    expect(sortedUnder('C.UTF-8')).toBe('many,äpple,zebra');
    expect(sortedUnder('sv_SE.UTF-8')).toBe('many,äpple,zebra');
    expect(sortedUnder('en_US.UTF-8')).toBe('many,äpple,zebra');
  });
});
