import { zipSync, strToU8 } from 'fflate';
import { XMLBuilder } from 'fast-xml-parser';

/**
 * A one-sheet XLSX workbook (Office Open XML, ECMA-376) from a header and rows, zipped with fflate
 * and its XML built with fast-xml-parser. Every cell is an inline string, exactly as given: never a
 * formula, never a number Excel could reformat (a DOI or an id like 1e5 stays as typed), so there is
 * no formula injection to escape and nothing is altered. The header row is bold, frozen and filtered.
 *
 * The same rows give the same bytes: the zip entries carry a fixed date.
 */

const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const TYPE = 'application/vnd.openxmlformats-officedocument';

/** Excel's own escape for characters XML 1.0 cannot hold (`_x000B_`) or would turn into another (CR), and for a literal `_xHHHH_`. */
function cellText(s: string): string {
  return s
    .replace(/_x[0-9A-Fa-f]{4}_/g, (m) => `_x005F${m}`)
    .replace(/[\u0000-\u0008\u000B\u000C\r\u000E-\u001F\uFFFE\uFFFF]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}

/** A, B, … Z, AA, AB, … */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: false, format: false });
const xml = (doc: unknown) => '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + builder.build(doc);

function sheetXml(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.min(60, Math.max(8, ...all.slice(0, 500).map((r) => Math.min(60, (r[c] ?? '').length + 2)))));
  const lastColumn = columnName(Math.max(header.length, 1) - 1);
  const rowXml = all.map((row, r) => ({
    '@r': r + 1,
    c: row.flatMap((value, c) =>
      value === ''
        ? []
        : [{ '@r': `${columnName(c)}${r + 1}`, '@t': 'inlineStr', ...(r === 0 ? { '@s': 1 } : {}), is: { t: { '@xml:space': 'preserve', '#text': cellText(value) } } }],
    ),
  }));
  return xml({
    worksheet: {
      '@xmlns': NS_MAIN,
      '@xmlns:r': NS_REL,
      dimension: { '@ref': `A1:${lastColumn}${all.length}` },
      sheetViews: { sheetView: { '@workbookViewId': 0, pane: { '@ySplit': 1, '@topLeftCell': 'A2', '@activePane': 'bottomLeft', '@state': 'frozen' } } },
      sheetFormatPr: { '@defaultRowHeight': 15 },
      cols: { col: widths.map((w, i) => ({ '@min': i + 1, '@max': i + 1, '@width': w, '@customWidth': 1 })) },
      sheetData: { row: rowXml },
      autoFilter: { '@ref': `A1:${lastColumn}${all.length}` },
    },
  });
}

/** Sheet names: at most 31 characters, none of []:*?/\ . */
const sheetName = (name: string) => name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31).trim() || 'Sheet1';

export function xlsxWorkbook(header: readonly string[], rows: readonly (readonly string[])[], options: { sheet?: string } = {}): Uint8Array {
  const files: Record<string, string> = {
    '[Content_Types].xml': xml({
      Types: {
        '@xmlns': 'http://schemas.openxmlformats.org/package/2006/content-types',
        Default: [
          { '@Extension': 'rels', '@ContentType': 'application/vnd.openxmlformats-package.relationships+xml' },
          { '@Extension': 'xml', '@ContentType': 'application/xml' },
        ],
        Override: [
          { '@PartName': '/xl/workbook.xml', '@ContentType': `${TYPE}.spreadsheetml.sheet.main+xml` },
          { '@PartName': '/xl/worksheets/sheet1.xml', '@ContentType': `${TYPE}.spreadsheetml.worksheet+xml` },
          { '@PartName': '/xl/styles.xml', '@ContentType': `${TYPE}.spreadsheetml.styles+xml` },
        ],
      },
    }),
    '_rels/.rels': xml({
      Relationships: { '@xmlns': NS_PKG_REL, Relationship: { '@Id': 'rId1', '@Type': `${NS_REL}/officeDocument`, '@Target': 'xl/workbook.xml' } },
    }),
    'xl/workbook.xml': xml({
      workbook: { '@xmlns': NS_MAIN, '@xmlns:r': NS_REL, sheets: { sheet: { '@name': sheetName(options.sheet ?? 'Sheet1'), '@sheetId': 1, '@r:id': 'rId1' } } },
    }),
    'xl/_rels/workbook.xml.rels': xml({
      Relationships: {
        '@xmlns': NS_PKG_REL,
        Relationship: [
          { '@Id': 'rId1', '@Type': `${NS_REL}/worksheet`, '@Target': 'worksheets/sheet1.xml' },
          { '@Id': 'rId2', '@Type': `${NS_REL}/styles`, '@Target': 'styles.xml' },
        ],
      },
    }),
    'xl/styles.xml': xml({
      styleSheet: {
        '@xmlns': NS_MAIN,
        fonts: { '@count': 2, font: [{ sz: { '@val': 11 }, name: { '@val': 'Calibri' } }, { b: '', sz: { '@val': 11 }, name: { '@val': 'Calibri' } }] },
        fills: { '@count': 2, fill: [{ patternFill: { '@patternType': 'none' } }, { patternFill: { '@patternType': 'gray125' } }] },
        borders: { '@count': 1, border: { left: '', right: '', top: '', bottom: '', diagonal: '' } },
        cellStyleXfs: { '@count': 1, xf: { '@numFmtId': 0, '@fontId': 0, '@fillId': 0, '@borderId': 0 } },
        cellXfs: {
          '@count': 2,
          xf: [
            { '@numFmtId': 0, '@fontId': 0, '@fillId': 0, '@borderId': 0, '@xfId': 0 },
            { '@numFmtId': 0, '@fontId': 1, '@fillId': 0, '@borderId': 0, '@xfId': 0, '@applyFont': 1 },
          ],
        },
      },
    }),
    'xl/worksheets/sheet1.xml': sheetXml(header, rows),
  };
  // A fixed date (DOS time starts in 1980), so the bytes depend on the rows alone.
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  const entries = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, [strToU8(text), { mtime }] as [Uint8Array, { mtime: Date }]]));
  return zipSync(entries, { level: 6 });
}
