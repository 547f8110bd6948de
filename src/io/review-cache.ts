import * as path from 'node:path';
import * as fsSync from 'node:fs';
import { promises as fs } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { serialize, deserialize } from 'node:v8';
import { RawFields, type ReviewRecord, type Warning } from '../model/record.js';
import type { RecordSummary } from '../core/review/review-state.js';

/**
 * The derived-state cache of a review folder, `REVIEW/.litscreen-cache/`: what is expensive to
 * derive (the records parsed from each export, the duplicate clusters with the study records, the
 * criteria results) kept on disk, so that a command on an unchanged review reads it instead of
 * deriving it again.
 *
 * It cannot drift: every entry's file name is a hash of everything it was derived from (the
 * export's bytes and path, the protocol sections used, the folded duplicate resolutions, the
 * keys of the entries it was built from, litscreen's version and a hash of its built code), so a
 * changed input names a different file and a stale entry is never read. An export's content hash
 * is recomputed whenever its size, mtime or inode changed since it was hashed (and while its mtime
 * is too recent to be trusted). Entries are written to a temp file and renamed into place; an entry
 * that cannot be read whole (truncated, corrupt, another version) is ignored and derived again.
 * A folder that cannot be written runs uncached. Deleting the folder loses nothing.
 *
 * Entry file layout: sections of bytes, then a JSON footer naming each section's offset and
 * length and the entry's key, then the footer's length (u32 LE) and the magic "LSC1". The footer
 * comes last so an entry is written in one pass; a truncated file has no valid footer.
 */

export const CACHE_DIR = '.litscreen-cache';
const MAGIC = 'LSC1';
const STAT_INDEX = 'exports.json';
const CODE_INDEX = 'code.json';
/** An mtime this close to the moment a file was hashed may hide a later change of the same size (the "racy" case). */
const RACY_MS = 2000;

/** What one run did with the cache: for tests and LITSCREEN_CACHE_DEBUG=1. */
export interface CacheStats {
  read: string[];
  written: string[];
  /** Exports whose bytes were hashed (their stat did not match the index). */
  hashed: string[];
  removed: string[];
  /** The validated protocol: read from the cache, or checked and written to it. */
  protocol?: 'read' | 'written';
  /** Decision logs whose rows were read from the cache, or parsed and written to it. */
  logs: { read: number; written: number };
}

export let lastCacheStats: CacheStats = { read: [], written: [], hashed: [], removed: [], logs: { read: 0, written: 0 } };

/**
 * What an entry holds: derived state (the default, listed in CacheStats read/written), the
 * validated protocol, or one decision log's rows; the last two are counted apart.
 */
export type EntryKind = 'derived' | 'protocol' | 'log';

/** LITSCREEN_NO_CACHE=1 (any non-empty value but 0) turns the cache off for every command. */
export function cacheDisabledByEnv(): boolean {
  const v = process.env.LITSCREEN_NO_CACHE;
  return v !== undefined && v !== '' && v !== '0';
}

function debug(message: string): void {
  if (process.env.LITSCREEN_CACHE_DEBUG) process.stderr.write(`litscreen cache: ${message}\n`);
}

export function hashOf(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    // Length-prefixed, so ["ab","c"] and ["a","bc"] never collide.
    const bytes = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    h.update(`${bytes.length}:`);
    h.update(bytes);
  }
  return h.digest('hex').slice(0, 40);
}

let codeHash: string | undefined;
interface CodeFile {
  rel: string;
  full: string;
  size: number;
  mtimeMs: number;
  ino: number;
}
let codeFiles: { root: string; files: CodeFile[] } | undefined;

/** litscreen's code files (every .js file under dist/, or .ts under src/ when run from source) with their stat, sorted. */
function codeFileList(): { root: string; files: CodeFile[] } {
  if (codeFiles) return codeFiles;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const ext = path.extname(fileURLToPath(import.meta.url));
  const files: CodeFile[] = [];
  // Paths joined by hand (what path.join and path.relative give for these plain names): on every
  // run, normalising 100 paths cost more than the stat calls.
  const walk = (dir: string, rel: string): void => {
    for (const entry of fsSync.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = dir.endsWith(path.sep) ? dir + entry.name : dir + path.sep + entry.name;
      const relative = rel ? rel + path.sep + entry.name : entry.name;
      if (entry.isDirectory()) walk(full, relative);
      else if (entry.name.endsWith(ext)) {
        const stat = fsSync.statSync(full);
        files.push({ rel: relative, full, size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino });
      }
    }
  };
  walk(root, '');
  codeFiles = { root, files };
  return codeFiles;
}

/**
 * litscreen's version plus a hash of its code (every .js file of dist/, or .ts of src/ when run
 * from source), once per process: a rebuilt litscreen never reads what an older build derived.
 * With a cache folder, the hash is taken from its `code.json` when every code file has the size,
 * mtime and inode it had when hashed (and those mtimes were old enough then), as for an export;
 * else every file is read and hashed again.
 */
export function litscreenCodeHash(cacheDir?: string): string {
  if (codeHash) return codeHash;
  const { root, files } = codeFileList();
  let packageJson: Buffer | string;
  try {
    packageJson = fsSync.readFileSync(path.resolve(root, '../package.json'));
  } catch {
    packageJson = 'no package.json';
  }
  const signature = hashOf('code files', packageJson, JSON.stringify(files.map((f) => [f.rel, f.size, f.mtimeMs, f.ino])));
  const newest = files.reduce((m, f) => Math.max(m, f.mtimeMs), 0);
  if (cacheDir) {
    try {
      const known = JSON.parse(fsSync.readFileSync(path.join(cacheDir, CODE_INDEX), 'utf8'));
      if (known && known.signature === signature && typeof known.hash === 'string' && typeof known.hashedAt === 'number' && newest < known.hashedAt - RACY_MS) {
        return (codeHash = known.hash as string);
      }
    } catch {
      // Not known yet: hashed below.
    }
  }
  const hashedAt = Date.now();
  const h = createHash('sha256');
  h.update(packageJson);
  for (const f of files) {
    h.update(`${f.rel}\0`);
    h.update(fsSync.readFileSync(f.full));
  }
  codeHash = h.digest('hex').slice(0, 40);
  codeIndexToWrite = { signature, hash: codeHash, hashedAt };
  return codeHash;
}

/** The code hash's stat index, when this process hashed the code: stored by the next cache's finish(). */
let codeIndexToWrite: { signature: string; hash: string; hashedAt: number } | undefined;

interface StatEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  hash: string;
  hashedAt: number;
}

/** A review's cache folder; every method fails soft (a read miss, a write skipped). */
export class ReviewCache {
  readonly dir: string;
  private statIndex: Record<string, StatEntry> = Object.create(null);
  private statIndexDirty = false;
  private writable = true;
  private used = new Set<string>();
  readonly stats: CacheStats = { read: [], written: [], hashed: [], removed: [], logs: { read: 0, written: 0 } };

  /** litscreen's version and code hash, part of every key. */
  readonly code: string;

  private constructor(reviewDir: string) {
    this.dir = path.join(reviewDir, CACHE_DIR);
    this.code = litscreenCodeHash(this.dir);
  }

  static async open(reviewDir: string): Promise<ReviewCache> {
    const cache = new ReviewCache(reviewDir);
    lastCacheStats = cache.stats;
    try {
      const parsed = JSON.parse(await fs.readFile(path.join(cache.dir, STAT_INDEX), 'utf8'));
      if (parsed && typeof parsed === 'object' && parsed.code === cache.code && parsed.files && typeof parsed.files === 'object') {
        for (const [file, e] of Object.entries(parsed.files as Record<string, StatEntry>)) {
          if (e && typeof e.hash === 'string' && typeof e.size === 'number' && typeof e.mtimeMs === 'number' && typeof e.ino === 'number' && typeof e.hashedAt === 'number') cache.statIndex[file] = e;
        }
      }
    } catch {
      // No index yet, or an unreadable one: every export is hashed again.
    }
    return cache;
  }

  /**
   * The content hash of an export, from the stat index when its size, mtime and inode are those it
   * had when hashed (and that mtime was old enough then), else by reading it: `read` returns its
   * bytes (and refuses what cannot be an export). Returns the bytes when it read them.
   */
  async exportHash(file: string, read: () => Promise<Uint8Array>): Promise<{ hash: string; bytes?: Uint8Array }> {
    const abs = path.resolve(file);
    const stat = await fs.stat(abs, { bigint: false }).catch(() => undefined);
    const known = this.statIndex[abs];
    if (stat?.isFile() && known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.ino === stat.ino && stat.mtimeMs < known.hashedAt - RACY_MS) {
      return { hash: known.hash };
    }
    const hashedAt = Date.now();
    const bytes = await read();
    const hash = hashOf(bytes);
    this.stats.hashed.push(file);
    debug(`hashed ${file}`);
    if (stat?.isFile()) {
      this.statIndex[abs] = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, hash, hashedAt };
      this.statIndexDirty = true;
    }
    return { hash, bytes };
  }

  /** Keep an entry this run may read only after finish() (it is not swept as unused). */
  keep(name: string): void {
    this.used.add(name);
  }

  /** An entry by its key, or undefined when it is absent or cannot be read whole. */
  read(name: string, kind: EntryKind = 'derived'): CacheEntry | undefined {
    this.used.add(name);
    const file = path.join(this.dir, name);
    let fd: number | undefined;
    try {
      fd = fsSync.openSync(file, 'r');
      const size = fsSync.fstatSync(fd).size;
      if (size < 8) throw new Error('too short');
      const tail = Buffer.alloc(8);
      fsSync.readSync(fd, tail, 0, 8, size - 8);
      if (tail.toString('latin1', 4, 8) !== MAGIC) throw new Error('no magic');
      const footerLength = tail.readUInt32LE(0);
      if (footerLength > size - 8) throw new Error('bad footer length');
      const footerBytes = Buffer.alloc(footerLength);
      fsSync.readSync(fd, footerBytes, 0, footerLength, size - 8 - footerLength);
      const footer = JSON.parse(footerBytes.toString('utf8')) as { name: string; sections: Record<string, [number, number]> };
      if (footer.name !== name) throw new Error('another entry');
      for (const [offset, length] of Object.values(footer.sections)) {
        if (!(offset >= 0 && length >= 0 && offset + length <= size - 8 - footerLength)) throw new Error('section out of bounds');
      }
      if (kind === 'protocol') this.stats.protocol = 'read';
      else if (kind === 'log') this.stats.logs.read++;
      else this.stats.read.push(name);
      debug(`read ${name}`);
      return new CacheEntry(fd, footer.sections);
    } catch {
      if (fd !== undefined) fsSync.closeSync(fd);
      return undefined;
    }
  }

  /**
   * Write an entry atomically (temp file, then rename); a failure only means it is derived again
   * next time. A section is bytes, or chunks made while they are written (so 500 MB of serialised
   * records are never held at once), or a function called when its turn comes (after the sections
   * before it, e.g. the offsets of chunks just written).
   */
  write(name: string, sections: Record<string, Section>, kind: EntryKind = 'derived'): void {
    this.used.add(name);
    if (!this.writable) return;
    const tmp = path.join(this.dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let fd: number | undefined;
    try {
      fsSync.mkdirSync(this.dir, { recursive: true });
      fd = fsSync.openSync(tmp, 'w');
      const footer: { name: string; sections: Record<string, [number, number]> } = { name, sections: {} };
      let offset = 0;
      for (const [section, value] of Object.entries(sections)) {
        const start = offset;
        const chunks = value instanceof Uint8Array ? [value] : typeof value === 'function' ? [value()] : value;
        for (const bytes of chunks) {
          writeAll(fd, bytes);
          offset += bytes.length;
        }
        footer.sections[section] = [start, offset - start];
      }
      const footerBytes = Buffer.from(JSON.stringify(footer), 'utf8');
      writeAll(fd, footerBytes);
      const tail = Buffer.alloc(8);
      tail.writeUInt32LE(footerBytes.length, 0);
      tail.write(MAGIC, 4, 'latin1');
      writeAll(fd, tail);
      fsSync.closeSync(fd);
      fd = undefined;
      fsSync.renameSync(tmp, path.join(this.dir, name));
      if (kind === 'protocol') this.stats.protocol = 'written';
      else if (kind === 'log') this.stats.logs.written++;
      else this.stats.written.push(name);
      debug(`wrote ${name}`);
    } catch {
      this.writable = false;
      try {
        if (fd !== undefined) fsSync.closeSync(fd);
        fsSync.rmSync(tmp, { force: true });
      } catch {
        // Nothing was written there.
      }
      debug(`cannot write ${this.dir}; running uncached`);
    }
  }

  /**
   * Store the stat index if it changed, and remove the entries this run did not use once it wrote
   * new ones (they were derived from inputs that are no longer there). Best effort.
   */
  async finish(): Promise<void> {
    if (!this.writable) return;
    try {
      if (this.statIndexDirty) {
        const index = JSON.stringify({ code: this.code, files: this.statIndex });
        await fs.mkdir(this.dir, { recursive: true });
        const tmp = path.join(this.dir, `.${STAT_INDEX}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
        await fs.writeFile(tmp, index);
        await fs.rename(tmp, path.join(this.dir, STAT_INDEX));
        this.statIndexDirty = false;
      }
      if (codeIndexToWrite?.hash === this.code) {
        await fs.mkdir(this.dir, { recursive: true });
        const tmp = path.join(this.dir, `.${CODE_INDEX}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
        await fs.writeFile(tmp, JSON.stringify(codeIndexToWrite));
        await fs.rename(tmp, path.join(this.dir, CODE_INDEX));
      }
      if (this.stats.written.length > 0 || this.stats.protocol === 'written' || this.stats.logs.written > 0) {
        for (const name of await fs.readdir(this.dir)) {
          if (name === STAT_INDEX || name === CODE_INDEX || name.startsWith('.') || this.used.has(name)) continue;
          await fs.rm(path.join(this.dir, name), { force: true });
          this.stats.removed.push(name);
          debug(`removed ${name}`);
        }
      }
    } catch {
      // The cache is an optimisation: a folder that cannot be written runs uncached.
    }
  }
}

/** What an entry's section is written from (see ReviewCache.write). */
export type Section = Uint8Array | Iterable<Uint8Array> | (() => Uint8Array);

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fsSync.writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * One entry, open for reading its sections when they are first needed. The file stays open for
 * the life of the process, so an entry replaced or removed meanwhile is still read whole.
 */
export class CacheEntry {
  constructor(
    private readonly fd: number,
    private readonly sections: Record<string, [number, number]>,
  ) {}

  has(section: string): boolean {
    return section in this.sections;
  }

  bytes(section: string, from = 0, to?: number): Buffer {
    const [offset, length] = this.sections[section];
    const end = Math.min(to ?? length, length);
    const buffer = Buffer.allocUnsafe(Math.max(0, end - from));
    let done = 0;
    while (done < buffer.length) {
      const n = fsSync.readSync(this.fd, buffer, done, buffer.length - done, offset + from + done);
      if (n === 0) throw new Error(`internal: cache entry section ${section} ends early`);
      done += n;
    }
    return buffer;
  }

  value<T>(section: string): T {
    return deserialize(this.bytes(section)) as T;
  }
}

/** Records per serialised chunk: one `show` deserialises one chunk; the fill makes 1/64 of the serialiser calls. */
const RECORDS_PER_CHUNK = 64;

/**
 * Whole records as `records` and `offsets` sections: chunks of RECORDS_PER_CHUNK records, each
 * serialised as it is written (nothing but one chunk is held), and each chunk's byte offset.
 */
export function recordSections(records: readonly ReviewRecord[]): { records: Section; offsets: Section } {
  const chunks = Math.ceil(records.length / RECORDS_PER_CHUNK);
  const offsets = new Float64Array(chunks + 1);
  function* serialized(): Generator<Uint8Array> {
    let at = 0;
    for (let c = 0; c < chunks; c++) {
      const bytes = serialize(records.slice(c * RECORDS_PER_CHUNK, (c + 1) * RECORDS_PER_CHUNK));
      offsets[c] = at;
      at += bytes.length;
      offsets[c + 1] = at;
      yield bytes;
    }
  }
  // `records` comes first, so the offsets are known when their section is written.
  return { records: serialized(), offsets: () => new Uint8Array(offsets.buffer) };
}

/**
 * Strings stored as one text and the end of each (in UTF-16 units), so one can be read without
 * making all of them: a listing of 4,000 pending studies reads 4,000 titles, not 100,000. The text
 * is Latin-1 when every character fits, else UTF-16LE; both give back exactly the strings written
 * (lone surrogates included), which UTF-8 would not.
 */
export function encodeStrings(strings: readonly string[]): { text: Uint8Array; ends: Uint8Array } {
  const joined = strings.join('');
  // eslint-disable-next-line no-control-regex
  const latin1 = /^[\u0000-\u00ff]*$/.test(joined);
  const ends = new Int32Array(strings.length + 1);
  ends[0] = latin1 ? 0 : 1;
  let at = 0;
  strings.forEach((s, i) => (ends[i + 1] = at += s.length));
  return { text: Buffer.from(joined, latin1 ? 'latin1' : 'utf16le'), ends: new Uint8Array(ends.buffer) };
}

/**
 * What one read of a few bytes costs, in bytes of a whole-text read: a read call takes about 5 µs
 * here, a megabyte read whole about 0.5 ms plus its decoding, and a text read whole is also memory
 * held to the end (23 MB of titles at 100,000 records).
 */
const READ_ALONE_COST = 4096;
/** What decoding one string alone costs (about a microsecond), in bytes of a whole-text decoding. */
const DECODE_ALONE_COST = 1024;

/** Strings written by encodeStrings, each made when first asked for (from its own bytes, until all are). */
export class StoredStrings {
  readonly length: number;
  private bytes: Buffer | undefined;
  private text: string | undefined;
  private readonly unit: 1 | 2;
  private asked = 0;
  private readAlone = 0;
  constructor(
    private readonly readText: () => Buffer,
    private readonly ends: Int32Array,
    /** The bytes [from, to) of the text, read without the rest (absent: the text is always read whole). */
    private readonly readTextRange?: (from: number, to: number) => Buffer,
  ) {
    this.length = ends.length - 1;
    this.unit = ends[0] === 0 ? 1 : 2;
  }

  static of(entry: CacheEntry, section: string): StoredStrings {
    const ends = int32sOf(entry.bytes(`${section}.ends`));
    if (ends.length < 1 || (ends[0] !== 0 && ends[0] !== 1)) throw new Error(`internal: bad string table ${section}`);
    return new StoredStrings(() => entry.bytes(`${section}.text`), ends, (from, to) => entry.bytes(`${section}.text`, from, to));
  }

  private textBytes(): Buffer {
    if (!this.bytes) {
      this.bytes = this.readText();
      if (this.bytes.length !== this.ends[this.length] * this.unit) throw new Error('internal: string table text and ends disagree');
    }
    return this.bytes;
  }

  at(i: number): string {
    // ends[0] is the encoding flag; string i ends at ends[i + 1] and starts where i - 1 ended.
    const start = i === 0 ? 0 : this.ends[i];
    const end = this.ends[i + 1];
    if (this.text !== undefined) return this.text.slice(start, end);
    // Before the text is read: a string's own bytes alone (one small read), until the reads so far
    // have cost about what reading the whole text costs. A listing of 4,000 pending studies then
    // reads 4,000 titles of about 200 bytes each, not 100,000 titles (23 MB); a command that asks
    // for many reads the text once.
    const encoding = this.unit === 1 ? 'latin1' : 'utf16le';
    if (!this.bytes && this.readTextRange && ++this.readAlone * READ_ALONE_COST < this.ends[this.length] * this.unit) {
      const bytes = this.readTextRange(start * this.unit, end * this.unit);
      if (bytes.length !== (end - start) * this.unit) throw new Error('internal: string table text and ends disagree');
      return bytes.toString(encoding);
    }
    // More asked for: each decoded from the text read whole, until decoding them one by one has
    // cost about one decoding of the whole text; then that, and slices of it.
    if (++this.asked * DECODE_ALONE_COST > this.ends[this.length] * this.unit) {
      this.text = this.textBytes().toString(encoding);
      return this.text.slice(start, end);
    }
    return this.textBytes().toString(encoding, start * this.unit, end * this.unit);
  }

  all(): string[] {
    this.text ??= this.textBytes().toString(this.unit === 1 ? 'latin1' : 'utf16le');
    const out: string[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }
}

/** The bytes as Int32s: a view when they are aligned (a buffer read whole is), else a copy. */
/** A stored section as Float64Array (copied: the section need not start on an 8-byte boundary). */
export function float64sOf(bytes: Buffer): Float64Array {
  if (bytes.length % 8 !== 0) throw new Error('not a Float64Array');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

export function int32sOf(bytes: Buffer): Int32Array {
  if (bytes.length % 4 !== 0) throw new Error('not an Int32Array');
  if (bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

/** FNV-1a over UTF-16 units: the slot of an id in a stored id index. */
function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * An open-addressing index from id to position, stored with the ids so a warm run finds a record
 * by id without building a Map of every id: per slot the position + 1 (0: empty) and the id's
 * hash, so a probe decodes an id only when the hashes agree. The last of two equal ids wins, as in
 * a Map.
 */
export function encodeIdIndex(ids: readonly string[]): Uint8Array {
  let size = 16;
  while (size < ids.length * 2) size *= 2;
  const slots = new Int32Array(size * 2);
  const mask = size - 1;
  ids.forEach((id, i) => {
    const h = idHash(id);
    for (let s = h & mask; ; s = (s + 1) & mask) {
      if (slots[2 * s] === 0 || (slots[2 * s + 1] === (h | 0) && ids[slots[2 * s] - 1] === id)) {
        slots[2 * s] = i + 1;
        slots[2 * s + 1] = h | 0;
        return;
      }
    }
  });
  return new Uint8Array(slots.buffer);
}

export function lookupId(slots: Int32Array, ids: StoredStrings, id: string): number | undefined {
  const size = slots.length / 2;
  const mask = size - 1;
  const h = idHash(id);
  // A table written by encodeIdIndex is at most half full; the bound only guards a damaged one.
  for (let s = h & mask, probes = 0; probes < size; s = (s + 1) & mask, probes++) {
    const v = slots[2 * s];
    if (v === 0) return undefined;
    if (slots[2 * s + 1] === (h | 0) && ids.at(v - 1) === id) return v - 1;
  }
  throw new Error('internal: damaged id index');
}

/** Summaries stored column by column as string tables (years apart), read one field at a time. */
export function summarySections(summaries: readonly RecordSummary[]): Record<string, Uint8Array> {
  const sections: Record<string, Uint8Array> = {};
  const column = (name: string, values: string[]) => {
    const { text, ends } = encodeStrings(values);
    sections[`${name}.text`] = text;
    sections[`${name}.ends`] = ends;
  };
  column('s.id', summaries.map((s) => s.id));
  column('s.database', summaries.map((s) => s.database));
  column('s.databaseKey', summaries.map((s) => s.databaseKey));
  column('s.title', summaries.map((s) => s.title));
  column('s.firstAuthor', summaries.map((s) => s.firstAuthor));
  const years = new Float64Array(summaries.length);
  const hasYear = new Uint8Array(summaries.length);
  summaries.forEach((s, i) => {
    if (s.year !== undefined) {
      years[i] = s.year;
      hasYear[i] = 1;
    }
  });
  sections['s.years'] = new Uint8Array(years.buffer);
  sections['s.hasYear'] = hasYear;
  return sections;
}

/** The summaries of an entry's records, each field read when first asked for. */
export class StoredSummaries {
  readonly ids: StoredStrings;
  private columns = new Map<string, StoredStrings>();
  private years: Float64Array | undefined;
  private hasYear: Buffer | undefined;
  constructor(
    private readonly entry: CacheEntry,
    readonly count: number,
  ) {
    this.ids = StoredStrings.of(entry, 's.id');
    if (this.ids.length !== count) throw new Error(`internal: ${this.ids.length} ids for ${count} records`);
  }
  private column(name: string): StoredStrings {
    let c = this.columns.get(name);
    if (!c) this.columns.set(name, (c = StoredStrings.of(this.entry, name)));
    return c;
  }
  at(i: number): RecordSummary {
    if (!this.years) {
      this.years = float64sOf(this.entry.bytes('s.years'));
      this.hasYear = this.entry.bytes('s.hasYear');
    }
    return {
      id: this.ids.at(i),
      database: this.column('s.database').at(i),
      databaseKey: this.column('s.databaseKey').at(i),
      title: this.column('s.title').at(i),
      year: this.hasYear![i] ? this.years[i] : undefined,
      firstAuthor: this.column('s.firstAuthor').at(i),
    };
  }
}

/** Records stored in an entry's `offsets` and `records` sections, a chunk read when one of its records is asked for. */
export class StoredRecords {
  private offsets: Float64Array | undefined;
  private chunks = new Map<number, ReviewRecord[]>();
  private everything: ReviewRecord[] | undefined;

  constructor(
    private readonly entry: CacheEntry,
    readonly count: number,
  ) {}

  private offsetTable(): Float64Array {
    if (!this.offsets) {
      this.offsets = float64sOf(this.entry.bytes('offsets'));
      if (this.offsets.length !== Math.ceil(this.count / RECORDS_PER_CHUNK) + 1) throw new Error('internal: cache entry records and offsets disagree');
    }
    return this.offsets;
  }

  private chunk(c: number, bytes?: Buffer): ReviewRecord[] {
    let records = this.chunks.get(c);
    if (!records) {
      const offsets = this.offsetTable();
      records = deserialize(bytes ? bytes.subarray(offsets[c], offsets[c + 1]) : this.entry.bytes('records', offsets[c], offsets[c + 1])) as ReviewRecord[];
      // v8's serializer keeps no prototype: each record's raw fields come back as a plain `{ flat }`.
      for (const record of records) record.raw = RawFields.revive(record.raw);
      this.chunks.set(c, records);
    }
    return records;
  }

  record(i: number): ReviewRecord {
    if (this.everything) return this.everything[i];
    return this.chunk(Math.floor(i / RECORDS_PER_CHUNK))[i % RECORDS_PER_CHUNK];
  }

  all(): ReviewRecord[] {
    if (!this.everything) {
      const bytes = this.entry.bytes('records');
      const all: ReviewRecord[] = [];
      for (let c = 0; c * RECORDS_PER_CHUNK < this.count; c++) for (const r of this.chunk(c, bytes)) all.push(r);
      if (all.length !== this.count) throw new Error('internal: cache entry holds another number of records');
      this.everything = all;
      this.chunks.clear();
    }
    return this.everything;
  }
}

export interface ExportMeta {
  format: string;
  dialect: string;
  warnings: Warning[];
  count: number;
}
