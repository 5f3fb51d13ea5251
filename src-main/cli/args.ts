// Argument parsing over node:util's parseArgs: each command declares its options once, and the
// same declaration gives its --help. Unknown options, missing values and stray arguments are
// usage errors (exit 2) that name the command's help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './exit.ts';
import type { Io } from './output.ts';
import type { Session } from './session.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** How the value is written in help: FILE, ID, TIME… */
  value?: string;
  short?: string;
  multiple?: boolean;
  help: string;
}

export interface Command {
  /** As typed: 'keys list', 'sync'. */
  name: string;
  summary: string;
  /** Positional arguments, as shown in the usage line: 'KEY'. */
  positionals?: { usage: string; min: number; max: number };
  options: Record<string, OptionSpec>;
  /** Lines after the options: what it prints, examples. */
  details?: string[];
  run(context: CommandContext): Promise<number>;
}

export interface CommandContext {
  io: Io;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Opens the core on the data dir; the command line closes it after the command. */
  session: () => Promise<Session>;
}

export const JSON_OPTION: OptionSpec = { type: 'boolean', help: 'print JSON instead of text' };
export const CONNECTION_OPTION: OptionSpec = { type: 'string', value: 'ID', help: 'only this connection (id or exact name)' };
const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };

export function parseCommand(command: Command, args: string[]) {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries({ ...command.options, help: HELP_OPTION })) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs' messages name the option and say what is wrong with it.
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.');
    throw usageError(`${message}\nRun “keyfleet ${command.name} --help” for its options.`);
  }
  const values = parsed.values as CommandContext['values'];
  if (values.help) return { help: true as const, values, positionals: parsed.positionals };
  const { min, max, usage } = command.positionals ?? { min: 0, max: 0, usage: '' };
  if (parsed.positionals.length < min) throw usageError(`keyfleet ${command.name} needs ${usage}.\nRun “keyfleet ${command.name} --help” for more.`);
  if (parsed.positionals.length > max) {
    throw usageError(`keyfleet ${command.name} takes ${max === 0 ? 'no arguments' : `at most ${usage}`}; “${parsed.positionals[max]!.slice(0, 40)}” is one too many.`);
  }
  return { help: false as const, values, positionals: parsed.positionals };
}

export function helpOf(command: Command): string {
  const rows = Object.entries({ ...command.options, help: HELP_OPTION }).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, spec.help + (spec.multiple ? ' (may be repeated)' : '')];
  });
  const width = rows.reduce((most, [flag]) => Math.max(most, flag!.length), 0);
  const usage = `keyfleet ${command.name}${command.positionals ? ` ${command.positionals.usage}` : ''} [options]`;
  return [
    `Usage: ${usage}`,
    '',
    command.summary,
    '',
    'Options:',
    ...rows.map(([flag, help]) => `  ${flag!.padEnd(width)}  ${help}`),
    ...(command.details ? ['', ...command.details] : []),
    '',
  ].join('\n');
}

/** A comma-separated list option (`--status active,inactive`), each item one of `allowed`. */
export function listOption<T extends string>(raw: string | undefined, allowed: readonly T[], option: string): T[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw usageError(`${option} takes ${allowed.join(', ')}; “${item.slice(0, 40)}” is not one of them.`);
  }
  if (items.length === 0) throw usageError(`${option} needs at least one of ${allowed.join(', ')}.`);
  return items as T[];
}

export function positiveInt(raw: string | undefined, option: string, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw usageError(`${option} takes a whole number from 1 to ${max}.`);
  return Number(raw);
}

/** An option that takes exactly one of a few words; required unless a fallback is given. */
export function oneOf<T extends string>(raw: string | undefined, allowed: readonly T[], option: string, fallback?: T): T {
  if (raw === undefined && fallback !== undefined) return fallback;
  if (raw === undefined) throw usageError(`${option} is required: ${allowed.join(' or ')}.`);
  if (!(allowed as readonly string[]).includes(raw)) throw usageError(`${option} takes ${allowed.join(' or ')}; “${raw.slice(0, 40)}” is neither.`);
  return raw as T;
}
