import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { LitscreenError, ExitCode, type ExitCodeValue } from './errors.js';
import type { CommandModule } from './io/command.js';
import { examples } from './io/command.js';
import { configureColor, err } from './io/output.js';

/**
 * The command-line program: a short registry of the commands, each loaded only when it runs
 * (`litscreen --version` loads none), and the only place that turns an outcome into an exit code.
 * Each command lives whole in src/commands/<name>.ts: its options, its run, its rendering.
 */

/** The commands, in the order --help lists them. */
const COMMANDS: [name: string, load: () => Promise<CommandModule>][] = [
  ['init', () => import('./commands/init.js')],
  ['import', () => import('./commands/import.js')],
  ['dedupe', () => import('./commands/dedupe.js')],
  ['list', () => import('./commands/list.js')],
  ['show', () => import('./commands/show.js')],
  ['decide', () => import('./commands/decide.js')],
  ['screen', () => import('./commands/screen.js')],
  ['retract', () => import('./commands/retract.js')],
  ['resolve', () => import('./commands/resolve.js')],
  ['flow', () => import('./commands/flow.js')],
  ['verify', () => import('./commands/verify.js')],
  ['agreement', () => import('./commands/agreement.js')],
  ['conflicts', () => import('./commands/conflicts.js')],
  ['status', () => import('./commands/status.js')],
  ['extract', () => import('./commands/extract.js')],
  ['export', () => import('./commands/export.js')],
  ['report', () => import('./commands/report.js')],
  ['simulate', () => import('./commands/simulate.js')],
];

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** Exit code for the current run; set by a command whose check fails (verify, extract). */
let exitCode: number = ExitCode.ok;

function baseProgram(): Command {
  return new Command()
    .name('litscreen')
    .description(
      'Screen the records of a systematic review from the terminal: import database exports, remove duplicates, ' +
        'apply a-priori criteria, record title/abstract and full-text decisions, and report the PRISMA 2020 flow.',
    )
    .version(VERSION, '-V, --version')
    .option('--no-color', 'plain output without colours (NO_COLOR is honoured too)')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .exitOverride()
    .hook('preAction', (cmd) => configureColor(cmd.opts()))
    .addHelpText('after', examples('litscreen flow fixtures/seed-review', 'litscreen verify fixtures/seed-review', 'litscreen init my-review'));
}

/**
 * Which command modules this run needs: the one named (also in `help NAME`), none for a bare
 * --version, and all of them when the program's own help or an unknown command is asked for, so
 * that help lists them and commander can suggest the nearest name. Global options take no values,
 * so the first word that is not an option is the command.
 */
function commandsToLoad(args: string[]): typeof COMMANDS {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  const named = COMMANDS.filter(([n]) => n === name);
  if (named.length) return named;
  if (words.length === 0 && args.some((a) => a === '-V' || a === '--version')) return [];
  return COMMANDS;
}

export async function buildProgram(args: string[] = []): Promise<Command> {
  const program = baseProgram();
  const context = { setExitCode: (code: ExitCodeValue) => void (exitCode = code) };
  for (const [, load] of commandsToLoad(args)) (await load()).register(program, context);
  return program;
}

/** Entry point: run the program and turn every outcome into an exit code. The only place that exits. */
export async function main(argv: string[]): Promise<void> {
  // `litscreen ... | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(exitCode);
    throw e;
  });
  try {
    const program = await buildProgram(argv.slice(2));
    await program.parseAsync(argv);
    process.exitCode = exitCode;
  } catch (e) {
    process.exitCode = exitCodeFor(e);
  }
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; commander already printed usage errors.
    return e.exitCode === 0 ? 0 : ExitCode.usage;
  }
  if (e instanceof LitscreenError) {
    err(`litscreen: ${e.format()}`);
    for (const d of e.details) err(d);
    return e.exitCode;
  }
  const message = e instanceof Error ? e.message : String(e);
  err(`litscreen: internal error (a bug; please report it with the command you ran): ${message}`);
  if (process.env.LITSCREEN_DEBUG && e instanceof Error) err(e.stack ?? '');
  return ExitCode.internal;
}
