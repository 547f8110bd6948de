import { usageError } from '../errors.js';

/**
 * A reviewer's name names their log files (`decisions/<stage>/<name>.csv`), and review folders
 * travel by git between Linux, macOS and Windows. So a name must be a file name that is safe and
 * distinct on all three: letters of any script, digits, spaces, ".", "_" and "-"; nothing Windows
 * reserves or silently changes; and never a case or Unicode variant of a reviewer already in the
 * folder, which macOS and Windows would store in the same file.
 */

export const MAX_REVIEWER_NAME_LENGTH = 64;
/** File systems cap a name at 255 bytes; this leaves room for ".csv" and a temp-file suffix. */
const MAX_REVIEWER_NAME_BYTES = 200;
export const LOG_FILE_EXTENSION = '.csv';

/** Letters and digits of any script (with their combining marks), space, ".", "_", "-". */
const ALLOWED_CHARACTER = /^[\p{L}\p{M}\p{Nd} ._-]$/u;
const STARTS_WELL = /^[\p{L}\p{Nd}]/u;
/** Device names Windows reserves whatever the extension (`con.txt` too), in any case. */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/iu;

/** Control, format (bidi, zero-width) and other invisible characters, shown as U+XXXX. */
function printable(text: string): string {
  return text.replace(/[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/gu, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
}

/**
 * The key two names clash under: Unicode compatibility forms and case folded, as a
 * case-insensitive, normalisation-insensitive file system (APFS, NTFS) compares them.
 */
export function reviewerNameKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/**
 * Check a reviewer's name and return the spelling to use: NFC, or the exact spelling of an
 * existing reviewer it equals after NFC (so a name typed in another normalisation appends to
 * that reviewer's log rather than starting a second one). Throws a usage error (exit 2) that says
 * what to change.
 *
 * `existingReviewers` are the names already in the review (see listReviewers in src/io/review.ts).
 */
export function checkReviewerName(name: string, existingReviewers: readonly string[] = []): string {
  const nfc = name.normalize('NFC');
  const shown = `reviewer name "${printable(nfc)}"`;
  const why = "(it names the reviewer's log files)";
  if (nfc.length === 0) throw usageError('the reviewer name is empty; give a name such as --reviewer alice');
  const characters = [...nfc];
  if (characters.length > MAX_REVIEWER_NAME_LENGTH || new TextEncoder().encode(nfc).length > MAX_REVIEWER_NAME_BYTES) {
    throw usageError(`${shown} is too long: at most ${MAX_REVIEWER_NAME_LENGTH} characters ${why}`);
  }
  const bad = characters.find((c) => !ALLOWED_CHARACTER.test(c));
  if (bad !== undefined) {
    const what = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(bad) ? `"${bad}"` : printable(bad);
    throw usageError(`${shown} contains ${what}; use letters, digits, spaces, ".", "_" or "-" ${why}`);
  }
  if (!STARTS_WELL.test(nfc)) throw usageError(`${shown} must start with a letter or a digit ${why}`);
  if (/[. ]$/.test(nfc)) {
    throw usageError(`${shown} must not end in "." or a space: Windows drops them, so two names would share one log file`);
  }
  if (nfc.toLowerCase().endsWith(LOG_FILE_EXTENSION)) {
    // "alice.csv" would be read back as reviewer "alice" if its log were alice.csv, and
    // alice.csv.csv looks like a mistake; the extension is never part of a name.
    throw usageError(`${shown}: leave off "${LOG_FILE_EXTENSION}"; the log file gets it (${reviewerLogFileName(nfc.slice(0, -LOG_FILE_EXTENSION.length))})`);
  }
  const stem = nfc.split('.')[0].trimEnd();
  if (WINDOWS_RESERVED.test(stem)) {
    throw usageError(`${shown}: "${stem}" is a device name on Windows, where its log file could not be created; choose another name`);
  }
  const same = existingReviewers.find((existing) => existing.normalize('NFC') === nfc);
  if (same !== undefined) return same;
  const key = reviewerNameKey(nfc);
  const clash = existingReviewers.find((existing) => reviewerNameKey(existing) === key);
  if (clash !== undefined) {
    throw usageError(
      `${shown} differs from the existing reviewer "${printable(clash)}" only in case or Unicode form; ` +
        `macOS and Windows would store both in one log file. Use "${printable(clash)}" if that is you, or a clearly different name`,
    );
  }
  return nfc;
}

/** The log file name of a reviewer: `<name>.csv` (the name as checkReviewerName returned it). */
export function reviewerLogFileName(reviewer: string): string {
  return `${reviewer}${LOG_FILE_EXTENSION}`;
}

/** The reviewer a log file belongs to, or undefined when the file is not a log (no `.csv`). */
export function reviewerOfLogFile(fileName: string): string | undefined {
  return fileName.endsWith(LOG_FILE_EXTENSION) && fileName.length > LOG_FILE_EXTENSION.length
    ? fileName.slice(0, -LOG_FILE_EXTENSION.length)
    : undefined;
}
