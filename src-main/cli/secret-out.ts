// Where `keyfleet rotate` puts a new secret, and only there: a file it creates itself (0600, never
// one that exists), or stdout when the user asked for --reveal. The secret is never logged,
// never on stderr, never in the data dir.
import { closeSync, fchmodSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';
import type { RevealView } from '../../src-preload/contract.ts';
import { usageError } from './exit.ts';
import { write, type Io } from './output.ts';

export const SECRET_FORMATS = ['auto', 'value', 'env', 'json'] as const;
export type SecretFormat = (typeof SECRET_FORMATS)[number];

/** "API key secret" → API_KEY_SECRET, for env lines. */
const envName = (label: string) => label.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '') || 'SECRET';

/** Single-quoted for a POSIX shell and for dotenv readers: nothing in the value is interpreted. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

export function formatSecret(reveal: RevealView, format: SecretFormat): string {
  const chosen = format === 'auto' ? (reveal.fields.length === 1 ? 'value' : 'env') : format;
  if (chosen === 'value') return `${reveal.fields.filter((f) => f.secret).map((f) => f.value).join('\n')}\n`;
  if (chosen === 'env') return `${reveal.fields.map((f) => `${envName(f.label)}=${shellQuote(f.value)}`).join('\n')}\n`;
  const { connectionId = null, keyId = null, replacesKeyId = null } = reveal.source ?? {};
  return `${JSON.stringify({ connectionId, keyId, replacesKeyId, fields: reveal.fields.map(({ label, value, secret }) => ({ label, value, secret })) }, null, 2)}\n`;
}

export interface SecretDestination {
  /** Where, for messages: the file's path, or "stdout". */
  where: string;
  write(text: string): Promise<void>;
  /** Nothing was written: the file made for it goes. */
  abandon(): void;
}

/** Creates the file now, before anything changes remotely: a path that cannot be used fails first. */
export function secretFile(io: Io, path: string, dataDir: string): SecretDestination {
  const file = resolve(io.cwd, path);
  const inside = relative(dataDir, file);
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    throw usageError(`--secret-out must be outside Keyfleet's data dir (${dataDir}): no secret is ever kept there.`);
  }
  let fd: number | undefined;
  try {
    fd = openSync(file, 'wx', 0o600);
    fchmodSync(fd, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (fd !== undefined) closeSync(fd);
    if (code === 'EEXIST') throw usageError(`${path} already exists: Keyfleet never overwrites a file with a new secret. Choose a new path, or remove the file first.`);
    throw usageError(`Cannot create ${path} for the new secret (${code ?? 'error'}).`);
  }
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    where: path,
    write(text) {
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        close();
      }
      return Promise.resolve();
    },
    abandon() {
      close();
      rmSync(file, { force: true });
    },
  };
}

export function revealOnStdout(io: Io): SecretDestination {
  return {
    where: 'stdout',
    async write(text) {
      if (io.stdout.isTTY) {
        await write(io.stderr, 'The new secret follows, shown this once. It stays in this terminal’s scrollback: clear it once the secret is stored.\n');
      }
      await write(io.stdout, text);
    },
    abandon: () => undefined,
  };
}
