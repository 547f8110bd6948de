/**
 * RIS, the tables. Which tags feed which field (in order of preference), which vendor dialect
 * means what by a tag, and how a dialect is recognised. to-record.ts is a short loop driven by
 * these; a vendor quirk is a table row here, not an if in the parser.
 */

export type RisDialectName = 'ovid' | 'apa-psycnet' | 'proquest' | 'ebscohost' | 'generic';

/** Tags per field, first non-empty one wins (for lists: first tag that has values). */
export interface RisFieldTags {
  title: string[];
  /** Person names, one per tag occurrence. */
  authors: string[];
  /** Tried only when none of `authors` is present (edited books list editors in A2/ED). */
  authorsFallback: string[];
  year: string[];
  abstract: string[];
  journal: string[];
  volume: string[];
  issue: string[];
  startPage: string[];
  endPage: string[];
  doi: string[];
  /** Where a DOI may hide in a URL or free text when no DOI tag has one; in order. */
  doiFallback: string[];
  keywords: string[];
  language: string[];
  url: string[];
  /** The database's accession number. Generic RIS `ID` is a per-export serial number (Rayyan writes 1, 2, 3 …), so it is not used unless the dialect says so. */
  accession: string[];
  /** Database name as the export states it. */
  exportDatabase: string[];
  /** Vendor document-type strings ("Scholarly Journals", "Erratum"); the TY code is always used as well. */
  vendorType: string[];
}

export const GENERIC_TAGS: RisFieldTags = {
  title: ['TI', 'T1', 'CT', 'BT', 'ST'],
  authors: ['AU', 'A1'],
  authorsFallback: ['A2', 'ED', 'A3'],
  year: ['PY', 'Y1', 'DA', 'Y2'],
  abstract: ['AB', 'N2'],
  journal: ['JF', 'T2', 'JO', 'JA', 'J2', 'J1', 'T3'],
  volume: ['VL'],
  issue: ['IS', 'CP'],
  startPage: ['SP'],
  endPage: ['EP'],
  doi: ['DO', 'DI'],
  doiFallback: ['L3', 'UR', 'L2', 'N1', 'M3', 'AN'],
  keywords: ['KW'],
  language: ['LA'],
  url: ['UR', 'L2'],
  accession: ['AN'],
  exportDatabase: ['DB', 'DP'],
  vendorType: ['M3'],
};

export interface RisDialect {
  name: RisDialectName;
  tags: RisFieldTags;
  /** Value → accession (ProQuest `AN  - 2214991469; 51887` → `2214991469`). */
  accessionFrom(value: string): string | undefined;
  /** For dialects whose accession sits in a URL (EBSCOhost `...&AN=176404503&...`). */
  accessionFromUrl?: RegExp;
}

const firstPart = (value: string) => {
  const s = value.split(';')[0].trim();
  return s === '' ? undefined : s;
};

const withTags = (over: Partial<RisFieldTags>): RisFieldTags => ({ ...GENERIC_TAGS, ...over });

export const RIS_DIALECTS: Record<RisDialectName, RisDialect> = {
  generic: { name: 'generic', tags: GENERIC_TAGS, accessionFrom: firstPart },
  // Ovid: ID is the accession (PsycINFO 2019-65183-001, ERIC EJ389705); M3 is the PsycINFO
  // classification ("Health & Mental Health Treatment & Prevention [3300]"), not a type;
  // A2 holds the cited authors, never editors; M1 holds the reference list (DOIs of other papers).
  ovid: {
    name: 'ovid',
    tags: withTags({
      accession: ['ID', 'AN', 'UI'],
      vendorType: [],
      authorsFallback: [],
      doiFallback: ['L3', 'UR', 'L2'],
    }),
    accessionFrom: firstPart,
  },
  // APA PsycNET: ID is the PsycINFO accession; M3 is the DOI ("doi:10.1011/...").
  'apa-psycnet': {
    name: 'apa-psycnet',
    tags: withTags({ accession: ['ID', 'AN'], vendorType: [], authorsFallback: [] }),
    accessionFrom: firstPart,
  },
  // ProQuest: AN "2214991469; 51887" (document id; database-specific number), DB database,
  // M3 document type ("Scholarly Journals", "Erratum", "Dissertation/Thesis").
  proquest: { name: 'proquest', tags: GENERIC_TAGS, accessionFrom: firstPart },
  // EBSCOhost: no AN tag; the accession is in the UR link (…&db=aph&AN=176404503&…); DOI in L3.
  ebscohost: {
    name: 'ebscohost',
    tags: GENERIC_TAGS,
    accessionFrom: firstPart,
    accessionFromUrl: /[?&]AN=([^&\s]+)/,
  },
};

/** How each dialect is recognised from the first part of the file, most specific first. */
export const RIS_DIALECT_SIGNS: [RisDialectName, RegExp][] = [
  ['apa-psycnet', /^Provider: American Psychological Association/m],
  // Not ovidsp URLs alone: EndNote libraries full of Ovid-sourced records carry them, with ID = EndNote's record number.
  ['ovid', /^\d+\.[ \t]*\r?\n(?:[ \t]*\r?\n)*TY {1,2}-|^Link to the Ovid/m],
  ['proquest', /^(?:UR|L2)  - https?:\/\/(?:search\.|www\.)?proquest\.com|^AN  - \d+; \d+|^DB  - ProQuest/m],
  ['ebscohost', /ebscohost\.com|^DP  - EBSCOhost/m],
];

/** How much of the start of a file dialect detection looks at. */
export const DIALECT_SIGN_CHARS = 65536;

/** The dialect of a RIS text, from its first 64 KB. */
export function detectRisDialect(text: string): RisDialect {
  const head = text.length > DIALECT_SIGN_CHARS ? text.slice(0, DIALECT_SIGN_CHARS) : text;
  for (const [name, re] of RIS_DIALECT_SIGNS) if (re.test(head)) return RIS_DIALECTS[name];
  return RIS_DIALECTS.generic;
}
