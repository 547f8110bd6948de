import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseWosTagged, sniffWosTagged } from '../../src/formats/wos-tagged.js';
import { parseRefer, sniffRefer } from '../../src/formats/refer.js';
import { parseRefworksTagged, sniffRefworksTagged } from '../../src/formats/refworks-tagged.js';
const C = '/work/shared/corpus/';
const sets: [any, any, string[]][] = [
 [sniffWosTagged, parseWosTagged, [1,2,3,4,5,6,7,8,9].map(i=>`zotero-translators-testcases/wos-tagged-case0${i}.txt`).concat(['rispy-tests/example_wos.ris','synthesisr-tests/WoS_txt_example.txt','synthesisr-tests/WoS_ciw_example.ciw','jabref-importer-tests/IsiImporterTest1.isi','jabref-importer-tests/IsiImporterTest2.isi','jabref-importer-tests/IsiImporterTestInspec.isi','jabref-importer-tests/IsiImporterTestMedline.isi','jabref-importer-tests/IsiImporterTestWOS.isi'])],
 [sniffRefer, parseRefer, [1,2,3,4].map(i=>`zotero-translators-testcases/refer-bibix-case0${i}.txt`).concat(['jabref-importer-tests/Endnote.book.example.enw','jabref-importer-tests/Endnote.entries.enw','jabref-importer-tests/Endnote.pattern.A.enw','jabref-importer-tests/Endnote.pattern.E.enw','jabref-importer-tests/Endnote.pattern.no_enw','colrev-search-source-tests/ais_enl.txt','colrev-search-source-tests/loader_enl_data.enl'])],
 [sniffRefworksTagged, parseRefworksTagged, [1,2,3,4].map(i=>`zotero-translators-testcases/refworks-tagged-case0${i}.txt`)],
];
it("x", () => { for (const [s, p, files] of sets) for (const f of files) {
  const t = readFileSync(C + f, 'utf8');
  const r = p(t, f);
  console.log(`\n## ${f} sniff=${s(t)} n=${r.records.length} dialect=${r.dialect}`);
  for (const w of r.warnings) console.log('  W', w.line, w.message);
  for (const x of r.records) console.log('  ', x.source.line, x.type, '|', x.rawType, '|', x.title.slice(0,50), '|', x.authors.slice(0,2).map((a:any)=>a.family+'/'+a.given).join(';'), '|', x.year, x.journal?.slice(0,30), x.volume, x.issue, x.startPage, x.endPage, x.doi, x.accession, x.language, 'kw', x.keywords.length, x.abstract?.length, x.exportDatabase, x.url?.slice(0,30));
}
});
