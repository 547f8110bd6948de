import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { decodeAndParse } from '../../src/formats/registry.js';
test('smoke', () => {
const files = (process.env.FILES ?? '').split(' ').filter(Boolean);
const out: string[] = [];
for (const f of files) {
  try {
    const r = decodeAndParse(readFileSync(f), f.replace(/.*corpus\//, ''));
    const x = r.records[0];
    out.push(`${f.replace(/.*corpus\//, '')}: ${r.format}/${r.dialect} n=${r.records.length} w=${r.warnings.length}`);
    for (const w of r.warnings.slice(0, 3)) out.push('   W ' + w.line + ' ' + w.message);
    if (x) out.push('    ' + JSON.stringify({ t: x.title.slice(0, 50), a: x.authors.slice(0, 2), y: x.year, doi: x.doi, acc: x.accession, ty: x.type, rt: x.rawType, j: x.journal?.slice(0,30), db: x.exportDatabase, sp: x.startPage, ep: x.endPage, kw: x.keywords.slice(0, 3), line: x.source.line, h: x.rawHash }));
  } catch (e: any) { out.push(`${f}: ERROR ${e.format ? e.format() : e.stack}`); }
}
process.stdout.write(out.join('\n') + '\n');
});
