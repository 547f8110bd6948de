/**
 * The format registry: bytes → text (encoding.ts) → the reader that recognises the content.
 * Formats are recognised by content, never by file extension.
 */
import { inputError, usageError } from '../errors.js';
import type { ParseResult } from '../model/record.js';
import { csvReader, looksDelimited, tsvReader } from './csv.js';
import { decodeExport } from './encoding.js';
import { risReader } from './ris/index.js';
import { nbibReader } from './nbib.js';
import { ovidTaggedReader } from './ovid-tagged.js';
import { endnoteXmlReader } from './endnote-xml.js';
import { pubmedXmlReader } from './pubmed-xml.js';
import { wosTaggedReader } from './wos-tagged.js';
import { refworksTaggedReader } from './refworks-tagged.js';
import { referReader } from './refer.js';
import { bibtexReader } from './bibtex.js';
import type { FormatReader } from './types.js';

/**
 * Tried in this order by sniff; more specific formats go first. XML first because an XML abstract
 * can contain anything; nbib and Ovid tagged before RIS, whose tag lines look alike; CSV last,
 * since almost any text has commas.
 */
export const READERS: FormatReader[] = [
  pubmedXmlReader,
  endnoteXmlReader,
  nbibReader,
  ovidTaggedReader,
  wosTaggedReader,
  refworksTaggedReader,
  referReader,
  bibtexReader,
  risReader,
  tsvReader,
  csvReader,
];

/** How each format is called in messages, in the order a reviewer would recognise them. */
const FORMAT_LABELS: Record<string, string> = {
  ris: 'RIS',
  csv: 'CSV',
  tsv: 'TSV',
  nbib: 'MEDLINE/nbib',
  ovid: 'Ovid tagged',
  'endnote-xml': 'EndNote XML',
  'pubmed-xml': 'PubMed XML',
  wos: 'Web of Science tagged',
  refer: 'EndNote tagged (refer)',
  refworks: 'RefWorks tagged',
  bibtex: 'BibTeX',
};
const KNOWN_FORMATS_TEXT = Object.values(FORMAT_LABELS).join(', ');

export function readerByName(name: string): FormatReader | undefined {
  return READERS.find((r) => r.name === name);
}

/** The first reader whose sniff claims the text. */
export function detectFormat(text: string): FormatReader | undefined {
  for (const r of READERS) if (r.sniff(text)) return r;
  return undefined;
}

/**
 * Decode and parse one export. `format` is 'auto' (default) or a reader name; an explicit name
 * skips detection. Throws LitscreenError (exit 3, file:line) when the file is empty, binary or
 * in no known format; a usage error (exit 2) for an unknown format name.
 */
export function decodeAndParse(bytes: Uint8Array, file: string, format: string = 'auto'): ParseResult {
  return parseText(decodeExport(bytes, file).text, file, format);
}

/**
 * Parse an already decoded export. Callers that read big files decode in a function of their own
 * and call this with the text only, so the raw bytes can be freed before parsing starts.
 */
export function parseText(text: string, file: string, format: string = 'auto'): ParseResult {
  return chooseReader(text, file, format).parse(text, file);
}

/**
 * The reader for an export: the one named by `format`, or (for 'auto') the first whose sniff
 * claims the text. Sniffers look at the first 8 KB only, so `text` may be the start of a file.
 */
function chooseReader(text: string, file: string, format: string = 'auto'): FormatReader {
  let reader: FormatReader | undefined;
  if (format !== 'auto') {
    reader = readerByName(format);
    if (!reader) {
      throw usageError(`unknown format "${format}" (known: auto, ${READERS.map((r) => r.name).join(', ')})`);
    }
  } else {
    reader = detectFormat(text);
    if (!reader) {
      // A delimited table without a title column: let the CSV reader say which column it missed.
      const d = looksDelimited(text);
      const first = text.slice(0, Math.min(text.length, 4096)).split('\n', 1)[0];
      if (d !== undefined && first.split(d).length >= 3) reader = d === '\t' ? tsvReader : csvReader;
    }
    if (!reader) {
      throw inputError(`no known export format (looked for ${KNOWN_FORMATS_TEXT})`, {
        file,
        line: 1,
      });
    }
  }
  return reader;
}
