import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { Protocol } from '../model/protocol.js';

/**
 * What the review folder's protocol file is called, and the checks on its sources that need the
 * file system, without the schema: a run on a warm cache (src/io/review.ts) takes the validated
 * protocol from the cache and runs only these, so zod is not loaded. protocol.ts words the
 * problems they find.
 */

export const PROTOCOL_FILE = 'litscreen.json';
export const SCHEMA_FILE = 'litscreen.schema.json';

/** A source whose file is a link leading out of the review folder, or the same file as an earlier source's. */
export type SourceFileClash = { index: number; kind: 'outside'; real: string } | { index: number; kind: 'same'; earlier: number };

/**
 * A symlink leading out of the review folder, and two spellings of one file (`./a.ris` and
 * `a.ris`, a symlink, a case variant on macOS): same device and inode. Files that do not exist
 * are left to the reader, which says so; sources in `skip` were already reported.
 */
export async function sourceFileClashes(reviewDir: string, protocol: Protocol, skip: ReadonlySet<number> = new Set()): Promise<SourceFileClash[]> {
  const clashes: SourceFileClash[] = [];
  let realReviewDir: string;
  try {
    realReviewDir = await fs.realpath(reviewDir);
  } catch {
    return clashes;
  }
  const firstById = new Map<string, number>();
  for (const [index, source] of protocol.sources.entries()) {
    if (skip.has(index)) continue;
    const file = path.isAbsolute(source.file) ? source.file : path.join(reviewDir, source.file);
    let real: string;
    let identity: string;
    try {
      real = await fs.realpath(file);
      const stat = await fs.stat(real);
      identity = stat.ino ? `${stat.dev}:${stat.ino}` : real;
    } catch {
      continue;
    }
    const relative = path.relative(realReviewDir, real);
    if (!protocol.allowPathsOutsideReview && (relative.startsWith('..') || path.isAbsolute(relative))) {
      clashes.push({ index, kind: 'outside', real });
      continue;
    }
    const earlier = firstById.get(identity);
    if (earlier === undefined) firstById.set(identity, index);
    else clashes.push({ index, kind: 'same', earlier });
  }
  return clashes;
}
