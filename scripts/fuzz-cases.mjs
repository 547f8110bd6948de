// The cases of the corruption fuzz (scripts/fuzz.mjs) and of its sample in the test suite
// (tests/formats/fuzz-sample.test.ts): real exports, damaged the ways exports get damaged, each
// case a pure function of (seed, case number) so any failure replays exactly. The readers are
// passed in (`api`), so the script can run the built dist/ and the test the TypeScript sources.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { INDEPENDENT_COUNT, csvDelimiter } from './record-counts.mjs';

export const EXPORT_FILE = /\.(ris|csv|tsv|txt|nbib|xml|ovd|cgi|tab|enw|bib)$/i;
const NOT_EXPORTS = /(README|PROVENANCE|_result|records_pre_merged|merged_record_ids|\.json$)/i;
/** Large files make each case slow without finding more; bench/ covers size. */
const MAX_BASE_BYTES = 400_000;

export function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The random stream of one case: independent of every other case, so `--case K` replays alone. */
export function caseRandom(seed, k) {
  const mix = mulberry32((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b)) | 0);
  mix();
  return mix;
}

/** Export files to start from: fixtures/formats always, the shared corpus when it is there. */
export function collectBaseFiles(repo, corpus) {
  const files = [];
  const walk = (dir, skip) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.includes(entry.name)) walk(p, skip);
      } else if (entry.isFile() && EXPORT_FILE.test(entry.name) && !NOT_EXPORTS.test(entry.name) && statSync(p).size < MAX_BASE_BYTES) {
        files.push(p);
      }
    }
  };
  const fixtures = path.join(repo, 'fixtures/formats');
  if (existsSync(fixtures)) walk(fixtures, []);
  if (corpus && existsSync(corpus)) walk(corpus, ['bib-dedupe-benchmarks']);
  return files.sort();
}

/**
 * Group the base files by the reader that reads them undamaged. A file no reader takes, or that
 * is refused as it is, is not a starting point.
 */
export function poolsByReader(files, api) {
  const pools = new Map(api.READERS.map((r) => [r.name, []]));
  for (const file of files) {
    const bytes = readFileSync(file);
    try {
      const result = api.decodeAndParse(bytes, file);
      if (result.records.length > 0) pools.get(result.format)?.push(file);
    } catch {
      // refused undamaged: not a base
    }
  }
  for (const [name, list] of pools) if (list.length === 0) pools.delete(name);
  return pools;
}

// ---------------------------------------------------------------------------------------------
// Mutations

const pick = (rnd, list) => list[Math.floor(rnd() * list.length)];
const int = (rnd, lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const RESERVED = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__defineGetter__'];

/** Where records start, by the same marks the independent counters use (CSV/TSV: every line). */
const RECORD_START = {
  ris: /^TY {1,2}-/gm,
  nbib: /^PMID-/gm,
  'endnote-xml': /<record>/g,
  'pubmed-xml': /<Pubmed(?:Book)?Article>/g,
  ovid: /^\s*<\d+\.?\s*>\s*$/gm,
  wos: /^PT /gm,
  refworks: /^RT /gm,
  refer: /^%0 /gm,
  bibtex: /^[ \t]*@/gm,
};

function recordStarts(text, reader) {
  const re = RECORD_START[reader] ?? /^/gm;
  const starts = [];
  for (const m of text.matchAll(new RegExp(re.source, re.flags))) {
    starts.push(m.index);
    if (starts.length > 100_000) break;
  }
  return starts.length > 0 ? starts : [0];
}

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10 && i + 1 < text.length) starts.push(i + 1);
  return starts;
}

const utf8 = (s) => Buffer.from(s, 'utf8');

function encodeUtf16(text, order, bom) {
  const le = Buffer.from(text, 'utf16le');
  const body = order === 'be' ? Buffer.from(le).swap16() : le;
  if (!bom) return body;
  return Buffer.concat([Buffer.from(order === 'be' ? [0xfe, 0xff] : [0xff, 0xfe]), body]);
}

const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
function encodeWindows1252(text) {
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0);
    const high = CP1252_HIGH.indexOf(ch);
    out[n++] = high >= 0 ? 0x80 + high : c < 256 ? c : 0x3f;
  }
  return out.subarray(0, n);
}

/** Text a reader would see as a field or element named by a reserved word, in its own syntax. */
function reservedInsertion(reader, name, rnd) {
  switch (reader) {
    case 'endnote-xml':
    case 'pubmed-xml':
      return `<${name}>polluted</${name}><${name} ${name}="x"><${name}>nested</${name}></${name}>`;
    case 'bibtex':
      return `  ${name} = {polluted},\n`;
    case 'ovid':
      return `${name}\n  polluted\n`;
    case 'refer':
      return `%${name} polluted\n`;
    case 'ris':
      return rnd() < 0.5 ? `${name}  - polluted\n` : `${name.slice(0, 2).toUpperCase()}  - polluted\n`;
    default:
      return `${name} - polluted\n${name}  - polluted\n${name.slice(0, 4).padEnd(4)}- polluted\n`;
  }
}

function nestingInsertion(reader, depth) {
  switch (reader) {
    case 'endnote-xml':
    case 'pubmed-xml':
      return '<n>'.repeat(depth) + 'deep' + '</n>'.repeat(depth);
    case 'bibtex':
      return `  note = ${'{'.repeat(depth)}deep${'}'.repeat(depth)},\n`;
    case 'csv':
    case 'tsv':
      return '"' + '""'.repeat(depth) + '"';
    default:
      return '(['.repeat(depth) + 'deep' + '])'.repeat(depth) + '\n';
  }
}

/** Insert `piece` at a line start inside a random record (XML: just after a record's start tag). */
function insertInRecord(text, reader, piece, rnd) {
  const starts = recordStarts(text, reader);
  const start = pick(rnd, starts);
  if (reader === 'endnote-xml' || reader === 'pubmed-xml') {
    const close = text.indexOf('>', start);
    const at = close < 0 ? start : close + 1;
    return text.slice(0, at) + piece + text.slice(at);
  }
  // A line or two below the record's first line, so the piece is inside the record.
  let at = start;
  for (let i = int(rnd, 1, 2); i > 0; i--) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
  }
  return text.slice(0, at) + piece + text.slice(at);
}

/** Each mutation takes the base bytes and text and returns the damaged bytes plus a short description. */
export const MUTATIONS = {
  'byte-flips': ({ bytes, rnd }) => {
    const out = Buffer.from(bytes);
    const flips = int(rnd, 1, 20);
    for (let i = 0; i < flips && out.length > 0; i++) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
    return { bytes: out, what: `${flips} bytes changed` };
  },
  'truncate-at-record': ({ text, reader, rnd }) => {
    const starts = [...recordStarts(text, reader), text.length];
    const i = Math.floor(rnd() * starts.length);
    const offset = rnd() < 0.5 ? 0 : int(rnd, 1, 60);
    const at = Math.min(text.length, starts[i] + offset);
    return { bytes: utf8(text.slice(0, at)), what: `cut at record boundary ${i} of ${starts.length - 1}${offset ? ` + ${offset} chars` : ''}` };
  },
  'delete-lines': ({ text, rnd }) => {
    const lines = text.split('\n');
    const n = int(rnd, 1, 3);
    const gone = [];
    for (let i = 0; i < n && lines.length > 1; i++) gone.push(lines.splice(Math.floor(rnd() * lines.length), 1)[0] === undefined ? -1 : i);
    return { bytes: utf8(lines.join('\n')), what: `${gone.length} lines deleted` };
  },
  'duplicate-lines': ({ text, rnd }) => {
    const lines = text.split('\n');
    const n = int(rnd, 1, 3);
    for (let i = 0; i < n; i++) {
      const at = Math.floor(rnd() * lines.length);
      lines.splice(at, 0, lines[at]);
    }
    return { bytes: utf8(lines.join('\n')), what: `${n} lines duplicated` };
  },
  'stray-cr': ({ text, rnd }) => {
    let out = text;
    const n = int(rnd, 1, 10);
    for (let i = 0; i < n; i++) {
      const at = Math.floor(rnd() * (out.length + 1));
      out = out.slice(0, at) + '\r' + out.slice(at);
    }
    return { bytes: utf8(out), what: `${n} stray CRs` };
  },
  'lone-cr-line-ends': ({ text }) => ({ bytes: utf8(text.replace(/\r?\n/g, '\r')), what: 'every line end a lone CR' }),
  'mixed-line-ends': ({ text, rnd }) => ({
    bytes: utf8(text.replace(/\r?\n/g, () => pick(rnd, ['\n', '\r\n', '\r']))),
    what: 'line ends mixed',
  }),
  'utf-16': ({ text, rnd }) => {
    const order = rnd() < 0.6 ? 'le' : 'be';
    const bom = rnd() < 0.7;
    return { bytes: encodeUtf16(text, order, bom), what: `UTF-16${order.toUpperCase()}${bom ? ' with BOM' : ' without BOM'}` };
  },
  'windows-1252': ({ text }) => ({ bytes: encodeWindows1252(text), what: 'Windows-1252' }),
  'bom-mid-file': ({ text, rnd }) => {
    const starts = lineStarts(text);
    let out = text;
    const n = int(rnd, 1, 3);
    for (let i = 0; i < n; i++) {
      const at = rnd() < 0.2 ? 0 : Math.min(out.length, pick(rnd, starts));
      out = out.slice(0, at) + '\ufeff' + out.slice(at);
    }
    return { bytes: utf8(out), what: `${n} BOMs inside the text` };
  },
  'reserved-names': ({ text, reader, rnd }) => {
    const name = pick(rnd, RESERVED);
    if (reader === 'csv' || reader === 'tsv') {
      // As a column name: a new column, or in place of a column that is not the title.
      const nl = text.indexOf('\n');
      const headerLine = nl < 0 ? text : text.slice(0, nl);
      const d = reader === 'tsv' ? '\t' : csvDelimiter(text);
      const cells = headerLine.replace(/\r$/, '').split(d);
      const replaceable = cells.map((c, i) => (/title|^"?ti"?$/i.test(c) ? -1 : i)).filter((i) => i >= 0);
      if (replaceable.length > 0 && rnd() < 0.6) cells[pick(rnd, replaceable)] = name;
      else cells.push(name);
      return { bytes: utf8(cells.join(d) + (headerLine.endsWith('\r') ? '\r' : '') + (nl < 0 ? '' : text.slice(nl))), what: `"${name}" as a column name` };
    }
    const n = int(rnd, 1, 3);
    let out = text;
    for (let i = 0; i < n; i++) out = insertInRecord(out, reader, reservedInsertion(reader, name, rnd), rnd);
    return { bytes: utf8(out), what: `"${name}" as a field/tag/element name, ${n}×` };
  },
  'deep-nesting': ({ text, reader, rnd }) => {
    const depth = int(rnd, 200, 2000);
    return { bytes: utf8(insertInRecord(text, reader, nestingInsertion(reader, depth), rnd)), what: `nesting ${depth} deep` };
  },
  'huge-field': ({ text, reader, rnd }) => {
    // 256 KiB to 1 MiB keeps 10,000 cases quick; the readers are linear in field size (checked to 8 MiB).
    const size = int(rnd, 1, 4) * 256 * 1024;
    const word = pick(rnd, ['abc ', 'x', 'é', '"', ' ', '\t', '%', '-', '<i>a</i>', '{']);
    const run = word.repeat(Math.ceil(size / word.length));
    // Inside a line of a record, so it lands in a field.
    const starts = lineStarts(text);
    const line = pick(rnd, starts.length > 1 ? starts.slice(1) : starts);
    const nl = text.indexOf('\n', line);
    const at = nl < 0 ? text.length : nl;
    return { bytes: utf8(text.slice(0, at) + run + text.slice(at)), what: `a ${size >> 10} KiB run of ${JSON.stringify(word)} in one line`, slowOk: true };
  },
  'control-characters': ({ text, rnd }) => {
    let out = text;
    const n = int(rnd, 1, 12);
    for (let i = 0; i < n; i++) {
      const at = Math.floor(rnd() * (out.length + 1));
      const c = pick(rnd, ['\u0000', '\u0001', '\u001b[31m', '\u0007', '\u007f', '\u2028', '\u2029', '\u0085', '\u000b', '\f', '\ufffd']);
      out = out.slice(0, at) + c + out.slice(at);
    }
    return { bytes: utf8(out), what: `${n} control characters` };
  },
};
export const MUTATION_NAMES = Object.keys(MUTATIONS);

const baseCache = new Map();
function base(file, api) {
  let b = baseCache.get(file);
  if (!b) {
    const bytes = readFileSync(file);
    b = { bytes, text: api.decodeText(bytes).text };
    baseCache.set(file, b);
  }
  return b;
}

/**
 * Case `k` of seed `seed`: the reader is k modulo the readers (so every reader gets its share),
 * the mutation cycles too (so every reader meets every mutation), the file and the details of the
 * mutation come from the case's own random stream.
 */
export function makeCase(seed, k, pools, api) {
  const readers = [...pools.keys()];
  const reader = readers[k % readers.length];
  const mutation = MUTATION_NAMES[Math.floor(k / readers.length) % MUTATION_NAMES.length];
  const rnd = caseRandom(seed, k);
  const file = pick(rnd, pools.get(reader));
  const { bytes, text } = base(file, api);
  const damaged = MUTATIONS[mutation]({ bytes, text, reader, rnd });
  return { seed, k, reader, mutation, file, what: damaged.what, bytes: damaged.bytes, slowOk: !!damaged.slowOk };
}

/** Warnings about a field rather than a whole record; they cannot account for a record lost or added. */
const FIELD_WARNING = /undefined macro|joined to the|^field "|after field "|after the citation key|has no citation key/;

/**
 * Every reader takes CRLF and a lone CR as line ends (tagged-common lfText; csv.ts turns CR into LF
 * before csv-parse), so the counters count on text with the same line ends; otherwise they would
 * measure csv-parse's record-delimiter guess, not the readers.
 */
const LF_READERS = new Set(['ris', 'nbib', 'ovid', 'wos', 'refworks', 'refer', 'bibtex', 'csv', 'tsv']);

function countLines(text) {
  let n = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/**
 * Run one case and judge it. Problems: an exception that is not a LitscreenError (a bug: exit
 * 70), an error or warning without a usable file:line, prototype pollution, and records lost or
 * added without a warning of their own.
 */
export function runCase(c, api) {
  const name = `fuzz/${path.basename(c.file)}`;
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).length;
  const started = performance.now();
  let result;
  let error;
  try {
    result = api.decodeAndParse(c.bytes, name, c.reader);
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - started;
  const out = { k: c.k, reader: c.reader, mutation: c.mutation, ms, exception: undefined, mismatch: undefined, outcome: 'records' };
  if (Object.getOwnPropertyNames(Object.prototype).length !== protoKeys || {}.polluted !== undefined) {
    out.exception = 'Object.prototype was changed (prototype pollution)';
    return out;
  }
  if (error !== undefined) {
    if (!(error instanceof api.LitscreenError)) {
      out.exception = error instanceof Error ? (error.stack ?? String(error)).split('\n').slice(0, 6).join('\n') : String(error);
      return out;
    }
    out.outcome = 'refused';
    if (error.file !== name || !(Number.isInteger(error.line) && error.line >= 1)) {
      out.mismatch = `refused without file:line (${error.format()})`;
    }
    return out;
  }
  const text = api.decodeText(c.bytes).text;
  const lines = countLines(text);
  const bad = result.warnings.find((w) => w.file !== name || !Number.isInteger(w.line) || w.line < 1 || w.line > lines + 1);
  if (bad) {
    out.mismatch = `warning without a usable file:line (${bad.file}:${bad.line} of ${lines} lines: ${bad.message})`;
    return out;
  }
  const badRecord = result.records.find((r) => !Number.isInteger(r.source.line) || r.source.line < 1 || r.source.line > lines + 1);
  if (badRecord) {
    out.mismatch = `record with source line ${badRecord.source.line} (file has ${lines} lines)`;
    return out;
  }
  const counter = INDEPENDENT_COUNT[c.reader];
  let expected;
  try {
    // A BOM is invisible: one at a line start does not hide the tag behind it from the count.
    const lf = LF_READERS.has(c.reader) ? text.replace(/\r\n?/g, '\n') : text;
    const counted = lf.replace(/^\ufeff+/gm, '');
    expected = counter?.(counted, c.reader === 'csv' ? csvDelimiter(counted) : undefined);
  } catch {
    expected = undefined;
  }
  out.parsed = result.records.length;
  out.expected = expected;
  if (expected === undefined) return out;
  const recordWarningLines = new Set(result.warnings.filter((w) => !FIELD_WARNING.test(w.message)).map((w) => w.line));
  const change = Math.abs(result.records.length - expected);
  if (change > recordWarningLines.size) {
    out.mismatch = `${result.records.length} records read, ${expected} counted without the parser, but only ${recordWarningLines.size} record warning line(s)`;
  }
  return out;
}
