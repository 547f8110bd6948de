import { expect } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { XMLParser } from 'fast-xml-parser';

/** An independent reader: unzip with fflate, read the sheet's XML with fast-xml-parser. */
export function readXlsx(bytes: Uint8Array): { sheets: string[]; rows: string[][]; formulas: number } {
  const files = unzipSync(bytes);
  for (const part of ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml']) expect(files[part], part).toBeDefined();
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['row', 'c', 'sheet'].includes(name), parseTagValue: false, trimValues: false });
  const workbook = parser.parse(strFromU8(files['xl/workbook.xml']));
  const sheet = parser.parse(strFromU8(files['xl/worksheets/sheet1.xml']));
  const xml = strFromU8(files['xl/worksheets/sheet1.xml']);
  const letters = (ref: string) => ref.replace(/\d+$/, '');
  const colIndex = (ref: string) => [...letters(ref)].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  const rows = (sheet.worksheet.sheetData.row ?? []).map((row: { c?: { r: string; t: string; is: { t: { '#text'?: string } | string } }[] }) => {
    const cells: string[] = [];
    for (const c of row.c ?? []) {
      expect(c.t).toBe('inlineStr');
      const t = c.is.t;
      // Excel's _xHHHH_ escapes, decoded as Excel decodes them.
      cells[colIndex(c.r)] = (typeof t === 'string' ? t : (t['#text'] ?? '')).replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    return Array.from(cells, (v) => v ?? '');
  });
  return { sheets: workbook.workbook.sheets.sheet.map((s: { name: string }) => s.name), rows, formulas: (xml.match(/<f[ >]/g) ?? []).length };
}

