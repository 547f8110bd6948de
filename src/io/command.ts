import type { Command } from 'commander';
import type { ExitCodeValue } from '../errors.js';

/**
 * What every command module in src/commands/ exports. `register` declares the command's name,
 * arguments and options on the program and wires its action to the module's own `run` and
 * rendering. The CLI registry (src/cli.ts) loads a module only when its command runs.
 */
export interface CommandModule {
  register(program: Command, context: CommandContext): void;
}

/** What a command may ask of the registry: a non-zero exit code for a failed check (verify, extract). */
export interface CommandContext {
  setExitCode(code: ExitCodeValue): void;
}

/** The "Examples:" block at the end of a command's --help. */
export function examples(...lines: string[]): string {
  return '\nExamples:\n' + lines.map((l) => `  $ ${l}`).join('\n') + '\n';
}
