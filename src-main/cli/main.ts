// The keyfleet command line: the desktop app's core (createCore) on the same data dir, with the
// same keychain, driven through the same validated API. This folder: main.ts (commands, help,
// exit codes), args.ts (parsing), session.ts (the core, finding connections and keys),
// output.ts, time.ts, secret-out.ts, exit.ts, and commands/ (one file per command or group).
// bin/keyfleet.js starts it on the project's Node.
import type { CoreOptions } from '../core.ts';
import { createFileLogger } from '../log.ts';
import { helpOf, parseCommand, type Command } from './args.ts';
import { connectionsList } from './commands/connections.ts';
import { exportInventory } from './commands/export.ts';
import { health } from './commands/health.ts';
import { journal } from './commands/journal.ts';
import { keysList } from './commands/keys.ts';
import { rotate } from './commands/rotate.ts';
import { sync } from './commands/sync.ts';
import { EXIT, failureOf } from './exit.ts';
import { line, write, type Io } from './output.ts';
import { dataDirOf, openSession, VERSION, type Session } from './session.ts';

export const COMMANDS: Command[] = [connectionsList, sync, keysList, exportInventory, health, journal, rotate];

export const EXIT_CODES_HELP = [
  'Exit codes:',
  '  0    done',
  '  1    a check failed: health --fail-on matched keys, or a policy refused a rotation',
  '  2    bad usage: unknown command or option, a missing or malformed value, a connection or key',
  '       that matches nothing (or several), an action the backend cannot do, an existing --secret-out',
  '  3    a backend, the OS keychain or the data dir failed (unreachable, refused, newer version…)',
  '  130  interrupted (Ctrl-C; 143 for SIGTERM), stopped at a safe point',
];

function mainHelp(io: Io): string {
  return [
    'Usage: keyfleet <command> [options]',
    '',
    'Keyfleet’s inventory, health checks, exports and rotations from a terminal or a script: the same',
    'data, keychain, journal and policies as the desktop app (which may be open at the same time).',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(18)}${c.summary}`),
    '',
    'Run “keyfleet <command> --help” for a command’s options. --json prints JSON wherever data is printed.',
    '',
    `Data dir: ${dataDirOf(io)}`,
    '  (KEYFLEET_DATA_DIR chooses another; the default is the desktop app’s own)',
    '',
    ...EXIT_CODES_HELP,
    '',
  ].join('\n');
}

/** The command an argument list names, and the arguments left for it. */
function commandOf(argv: string[]): { command: Command; rest: string[] } | { group: string } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  const group = COMMANDS.find((c) => c.name.includes(' ') && c.name.startsWith(`${argv[0]} `));
  return group ? { group: argv[0]! } : undefined;
}

/** Runs one command line; resolves to its exit code. Never exits the process itself. */
export async function runCli(argv: string[], io: Io, coreOptions: Partial<CoreOptions> = {}): Promise<number> {
  let session: Session | undefined;
  try {
    const [first] = argv;
    if (first === undefined || first === '--help' || first === '-h' || (first === 'help' && argv.length === 1)) {
      await write(first === undefined ? io.stderr : io.stdout, mainHelp(io));
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === '--version' || first === '-v') {
      await line(io.stdout, VERSION);
      return EXIT.ok;
    }
    const helpFor = first === 'help' ? argv.slice(1) : undefined;
    const found = commandOf(helpFor ?? argv);
    if (!found) {
      await line(io.stderr, `keyfleet: unknown command “${(helpFor ?? argv).join(' ').slice(0, 60)}”. Run “keyfleet --help” for the commands.`);
      return EXIT.usage;
    }
    if ('group' in found) {
      const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${found.group} `)).map((c) => `  keyfleet ${c.name.padEnd(18)}${c.summary}`);
      await write(helpFor ? io.stdout : io.stderr, [`keyfleet ${found.group} needs a subcommand:`, ...subcommands, ''].join('\n'));
      return helpFor ? EXIT.ok : EXIT.usage;
    }
    const { command, rest } = found;
    const parsed = helpFor ? { help: true as const, values: {}, positionals: [] } : parseCommand(command, rest);
    if (parsed.help) {
      await write(io.stdout, helpOf(command));
      return EXIT.ok;
    }
    return await command.run({
      io,
      values: parsed.values,
      positionals: parsed.positionals,
      session: () => Promise.resolve((session ??= openSession(io, coreOptions))),
    });
  } catch (error) {
    const { code, message, bug } = failureOf(error);
    // Not a failure the user can act on: its details go to the data dir's log.
    if (bug && session) createFileLogger(session.dataDir).error('cli.failed', error);
    await line(io.stderr, `keyfleet: ${message}`);
    return code;
  } finally {
    await session?.close().catch(() => undefined);
  }
}
