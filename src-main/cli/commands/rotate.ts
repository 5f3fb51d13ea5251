// keyfleet rotate: the wizard's journaled rotation from a script. Native regenerate where the
// backend has it; otherwise a twin key → its secret, written only where the user said → (--yes
// stands for "deployed") → the old key retired now, at a time, or never.
//
// Interrupted (Ctrl-C, SIGTERM) it stops at the next safe point: before the new secret reached its
// destination, the twin is deleted again (the old key is untouched); after, the rotation waits in
// the app ("Continue rotating"), old key still active. Killed outright, the journal has every
// step: the next Keyfleet start — the app or any keyfleet command — rolls back or resumes it as
// after a crash of the app, and an unseen secret is offered once in the app.
import type { ConnectionView, KeyfleetApi, KeyView, RotationView } from '../../../src-preload/contract.ts';
import { JSON_OPTION, oneOf, type Command } from '../args.ts';
import { CliError, EXIT, SIGNAL_EXIT, describeFailure, failureOf, isCoreError, usageError } from '../exit.ts';
import { line, moment, printJson, type Io } from '../output.ts';
import { formatSecret, revealOnStdout, secretFile, SECRET_FORMATS, type SecretDestination } from '../secret-out.ts';
import { connectionIdOf, findConnection, findKey } from '../session.ts';
import { parseWhen, TIME_HELP } from '../time.ts';

type Retirement = { when: 'now' } | { when: 'at'; at: number } | { when: 'never' };

/** `--retire now`, `--retire never`, `--retire at TIME` (TIME as the next argument, or in the same one). */
function retirementOf(raw: string | undefined, extra: string | undefined, now: number): Retirement | undefined {
  if (raw === undefined || raw === 'now' || raw === 'never') {
    if (extra !== undefined) throw usageError(`keyfleet rotate takes one KEY; “${extra.slice(0, 40)}” is one argument too many.`);
    return raw === undefined ? undefined : { when: raw };
  }
  const at = /^at(?:[ =:](.+))?$/s.exec(raw);
  if (!at) throw usageError('--retire takes now, never, or at TIME.');
  const text = at[1] ?? extra;
  if (text === undefined) throw usageError(`--retire at needs a TIME: ${TIME_HELP}.`);
  const when = parseWhen(text, now, 'future', '--retire at');
  if (when <= now) throw usageError('--retire at: that time has passed; use --retire now to retire the old key at once.');
  return { when: 'at', at: when };
}

/** `--expires TIME` or `--expires never` (null); undefined: the rotation's default (the old key's lifetime, …). */
function expiryOf(raw: string | undefined, now: number): number | null | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === 'never') return null;
  const at = parseWhen(raw, now, 'future', '--expires');
  if (at <= now) throw usageError('--expires: that time has passed; the new key would be born expired.');
  return at;
}

function isNative(connection: ConnectionView, key: KeyView): boolean {
  const typed = connection.capabilities.createForm.types.find((t) => t.id === key.type)?.actions?.rotate;
  return (typed ?? connection.capabilities.actions.rotate).mode === 'native';
}

const retiredWord = (rotation: RotationView) => (rotation.retire === 'deactivate' ? 'deactivated' : 'deleted');

async function finish(api: KeyfleetApi, rotation: RotationView, retirement: Retirement): Promise<RotationView> {
  const deployed = await api.rotation.confirmDeployed({ operationId: rotation.operationId });
  if (retirement.when === 'never') return api.rotation.keepOld({ operationId: deployed.operationId });
  return api.rotation.retire({ operationId: deployed.operationId, ...(retirement.when === 'at' ? { at: retirement.at } : {}) });
}

function outcome(rotation: RotationView): string {
  if (rotation.mode === 'native') return 'The secret was regenerated in place: the old secret no longer works.';
  if (rotation.step === 'retire-scheduled') return `The old key will be ${retiredWord(rotation)} at ${moment(rotation.retireAt)} by Keyfleet (the app, or any keyfleet command run then or later).`;
  if (rotation.retire === null) return 'The old key was kept as it is.';
  return `The old key was ${retiredWord(rotation)}.`;
}

export const rotate: Command = {
  name: 'rotate',
  summary: 'Rotate a key: a new secret, written only where you say, and the old key retired now, later, or never.',
  positionals: { usage: 'KEY', min: 1, max: 2 },
  options: {
    connection: { type: 'string', value: 'ID', help: 'the key’s connection (id or exact name), when KEY is not unique' },
    yes: { type: 'boolean', help: 'confirm the rotation, and that the new secret will be deployed (required)' },
    'secret-out': { type: 'string', value: 'FILE', help: 'write the new secret to FILE, created readable by you only (0600); never an existing file' },
    reveal: { type: 'boolean', help: 'print the new secret on stdout instead (a warning goes to stderr when stdout is a terminal)' },
    'secret-format': { type: 'string', value: 'FORMAT', help: 'auto (default: the value alone, or NAME=\'value\' lines for several fields), value, env or json' },
    retire: { type: 'string', value: 'WHEN', help: `the old key: now, at TIME (${TIME_HELP}), or never; required unless the backend regenerates in place` },
    expires: { type: 'string', value: 'WHEN', help: 'when the new key expires: TIME, or never; by default it lasts as long as the old key did' },
    json: JSON_OPTION,
  },
  details: [
    'KEY is a key id, or a key name (or Keyfleet label) that is unique in the cached inventory.',
    'Every step is journaled like the app’s rotation wizard, and shown in the app.',
    'Interrupted before the new secret is written, the new key is deleted again; after, the rotation waits in the app.',
    'The new key keeps the old one’s expiry: its lifetime where known, else the time it had left, else the policy’s longest;',
    'where none can be told (an expired key of unknown age), --expires must say.',
    'With --secret-out, stdout gets the rotation’s result (JSON with --json); with --reveal, stdout gets only the secret',
    '(in JSON with --json) and the rest goes to stderr.',
    'Example: keyfleet rotate ci-deployer --connection "Acme prod" --yes --secret-out ./new-key --retire at 24h',
  ],
  async run({ io, values, positionals, session }) {
    const retirement = retirementOf(values.retire as string | undefined, positionals[1], Date.now());
    const expiresAt = expiryOf(values.expires as string | undefined, Date.now());
    const outFile = values['secret-out'] as string | undefined;
    if (!values.yes) throw usageError('keyfleet rotate changes a live key: add --yes to confirm (it also stands for “the new secret will be deployed”).');
    if ((outFile === undefined) === !values.reveal) throw usageError('Say where the new secret goes: --secret-out FILE, or --reveal for stdout (one of them).');
    const format = values.json && values.reveal ? 'json' : oneOf(values['secret-format'] as string | undefined, SECRET_FORMATS, '--secret-format', 'auto');

    const { api, dataDir } = await session();
    const connectionId = await connectionIdOf(api, values.connection);
    const key = await findKey(api, positionals[0]!, connectionId);
    const connection = await findConnection(api, key.connectionId);
    const native = isNative(connection, key);
    if (!native && retirement === undefined) throw usageError('Say what happens to the old key: --retire now, --retire at TIME, or --retire never.');
    if (expiresAt !== undefined) await expiryApplies(api, key, native);
    const destination: SecretDestination = outFile !== undefined ? secretFile(io, outFile, dataDir) : revealOnStdout(io);
    const human = outFile !== undefined && !values.json ? io.stdout : io.stderr;
    const say = (text: string) => line(io.stderr, text);

    if (io.interrupt.signal) {
      destination.abandon();
      return SIGNAL_EXIT[io.interrupt.signal];
    }
    await say(`Rotating “${key.localLabel ?? (key.name || key.id)}” (${key.id}) of ${connection.name}…`);
    let started: RotationView;
    try {
      started = await api.rotation.start({ connectionId: key.connectionId, keyId: key.id, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    } catch (error) {
      destination.abandon();
      // The new key's spec broke a rule (the organization's policy, the backend's form): a check failed.
      if (isCoreError(error) && error.kind === 'validation') {
        const hint = error.fields?.expiresAt && expiresAt === undefined ? '\nSay when the new key expires: --expires TIME, or --expires never.' : '';
        throw new CliError(EXIT.checkFailed, `The rotation was refused: ${describeFailure(error)}${hint}`);
      }
      throw error;
    }
    // Interrupted while the new key was being made, for a twin whose secret went nowhere yet: undo it.
    if (io.interrupt.signal && started.mode === 'composed') return rollBack(io, api, started, destination);

    const reveal = await api.reveal.take({ slotId: started.revealSlotId! });
    try {
      await destination.write(formatSecret(reveal, format));
    } catch (error) {
      // No part of a secret left behind; the whole of it is still held in the keychain, and the
      // app offers it once ("Unseen secrets").
      destination.abandon();
      await api.reveal.done({ slotId: reveal.slotId, seen: false });
      throw new CliError(EXIT.failed, `The new secret could not be written to ${destination.where} (${(error as NodeJS.ErrnoException).code ?? 'error'}); the Keyfleet app offers it once under “Unseen secrets”.`);
    }
    await api.reveal.done({ slotId: reveal.slotId, seen: true });
    if (outFile !== undefined) await say(`The new secret is in ${outFile} (readable by you only).`);

    let result = started;
    if (started.mode === 'composed') {
      if (io.interrupt.signal) {
        await say('Stopped: the new key exists and its secret was written; the old key is still active. Continue or cancel the rotation in the Keyfleet app.');
        return SIGNAL_EXIT[io.interrupt.signal];
      }
      try {
        result = await finish(api, started, retirement!);
      } catch (error) {
        const { code, message } = failureOf(error);
        throw new CliError(code, `The new key is ready and its secret written, but the rotation could not finish: ${message}\nIt waits in the Keyfleet app, to be continued there (a retirement under way is retried at the next start).`);
      }
    }
    if (values.json && outFile !== undefined) await printJson(io, { ...result, revealSlotId: null });
    else await line(human, outcome(result));
    // An interrupt during the last step let it finish: everything asked for was done.
    return EXIT.ok;
  },
};

/** --expires where the rotation makes no new key, or its keys cannot expire: refused, not ignored. */
async function expiryApplies(api: KeyfleetApi, key: KeyView, native: boolean): Promise<void> {
  if (native) throw usageError('--expires: this backend regenerates the secret in place; the key keeps its own expiry.');
  const plan = await api.rotation.plan({ connectionId: key.connectionId, keyId: key.id });
  if (!plan.expiry?.supported) throw usageError('--expires: keys of this type do not expire on this backend.');
}

async function rollBack(io: Io, api: KeyfleetApi, started: RotationView, destination: SecretDestination): Promise<number> {
  const code = SIGNAL_EXIT[io.interrupt.signal!];
  try {
    await api.rotation.cancel({ operationId: started.operationId });
    destination.abandon();
    await line(io.stderr, 'Interrupted: the new key was deleted again before its secret was written anywhere; the old key is unchanged.');
  } catch (error) {
    destination.abandon();
    await line(io.stderr, `Interrupted, and the new key could not be deleted (${isCoreError(error) ? error.message : 'unexpected error'}). The rotation waits in the Keyfleet app, which offers its secret once.`);
  }
  return code;
}
