/**
 * One error type for the whole tool. Only src/cli.ts turns it into an exit code.
 * The message is printed as `file:line: message` (or `file: message`, or just `message`).
 */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  unreadableInput: 3,
  invalidProtocol: 4,
  internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class LitscreenError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly file?: string;
  /** Line (RIS/nbib), physical line of a CSV row, or line of an XML element; 1-based. */
  readonly line?: number;
  /** Further lines to print after the first (e.g. one per problem found by verify). */
  readonly details: string[];

  constructor(
    exitCode: ExitCodeValue,
    message: string,
    where: { file?: string; line?: number } = {},
    details: string[] = [],
  ) {
    super(message);
    this.name = 'LitscreenError';
    this.exitCode = exitCode;
    this.file = where.file;
    this.line = where.line;
    this.details = details;
  }

  /** The `file:line: message` form every user-facing error takes. */
  format(): string {
    return formatLocated(this.message, this.file, this.line);
  }
}

export function formatLocated(message: string, file?: string, line?: number): string {
  if (file && line !== undefined) return `${file}:${line}: ${message}`;
  if (file) return `${file}: ${message}`;
  return message;
}

export const usageError = (message: string, where?: { file?: string; line?: number }) =>
  new LitscreenError(ExitCode.usage, message, where);
export const inputError = (message: string, where?: { file?: string; line?: number }) =>
  new LitscreenError(ExitCode.unreadableInput, message, where);
export const protocolError = (message: string, where?: { file?: string; line?: number }) =>
  new LitscreenError(ExitCode.invalidProtocol, message, where);
