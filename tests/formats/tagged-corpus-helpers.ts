/** Shared checks of the nbib / Ovid / XML readers against Zotero's expected items (read in place, never copied). */
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ParsedRecord } from '../../src/model/record.js';

export interface ZoteroItem {
  itemType: string;
  title?: string;
  creators?: { lastName?: string; firstName?: string; name?: string }[];
  date?: string;
  DOI?: string;
}

export const norm = (s: string | undefined): string => (s ?? '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

export function readExpected(file: string): ZoteroItem[] | undefined {
  const json = file.replace(/\.[a-z]+$/, '.expected.json');
  return existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as ZoteroItem[]) : undefined;
}

/** Count, title, first author's family name, year and DOI agree with what Zotero expects. */
export function expectLikeZotero(records: ParsedRecord[], expected: ZoteroItem[], where: string): void {
  expect(records.length, `${where}: record count`).toBe(expected.length);
  expected.forEach((item, i) => {
    const r = records[i];
    const at = `${where} #${i + 1}`;
    if (item.title) expect(norm(r.title), `${at}: title`).toBe(norm(item.title));
    const last = item.creators?.[0]?.lastName ?? item.creators?.[0]?.name;
    if (last) expect(norm(r.authors[0]?.family), `${at}: first author`).toBe(norm(last));
    const y = /(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)/.exec(item.date ?? '');
    if (y) expect(r.year, `${at}: year`).toBe(Number(y[1]));
    if (item.DOI) expect(r.doi, `${at}: doi`).toBe(item.DOI.toLowerCase());
  });
}
