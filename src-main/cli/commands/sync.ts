// keyfleet sync: fetch every key of every connection (or the ones named) into the cache, a few
// connections at a time per backend host, as the app's "Sync all" does. Progress on stderr when it is a terminal.
// Interrupted, running syncs are cancelled: the cache stays exactly as it was for them.
import type { AppErrorShape, ConnectionView, SyncRunView } from '../../../src-preload/contract.ts';
import { JSON_OPTION, type Command } from '../args.ts';
import { EXIT, SIGNAL_EXIT, describeFailure, isCoreError } from '../exit.ts';
import { count, line, printJson, write, type Io } from '../output.ts';
import { findConnection } from '../session.ts';

interface Outcome {
  connectionId: string;
  name: string;
  result: 'ok' | 'failed' | 'cancelled';
  run: SyncRunView | null;
  error: AppErrorShape | null;
}

/** One status line rewritten in place while syncs run (only on a terminal). */
function progressLine(io: Io, names: Map<string, string>) {
  const live = new Map<string, string>();
  let shown = false;
  const draw = () => {
    const text = [...live.entries()].map(([id, state]) => `${names.get(id)} ${state}`).join(' · ');
    void write(io.stderr, `\r\u001b[2K${text.length > 0 ? `Syncing ${text}` : ''}`);
    shown = text.length > 0;
  };
  return {
    update(connectionId: string, state: string) {
      live.set(connectionId, state);
      draw();
    },
    done(connectionId: string) {
      live.delete(connectionId);
      if (shown) draw();
    },
    clear: async () => {
      if (shown) await write(io.stderr, '\r\u001b[2K');
      shown = false;
    },
  };
}

function describe(outcome: Outcome): string {
  if (outcome.result === 'ok' && outcome.run) {
    const { keys, added, removed, changed } = outcome.run;
    return `ok         ${outcome.name}: ${count(keys, 'key')} (${added} added, ${removed} removed, ${changed} changed)`;
  }
  const message = outcome.error ? describeFailure(outcome.error) : '';
  return `${outcome.result.padEnd(10)} ${outcome.name}: ${message}`;
}

export const sync: Command = {
  name: 'sync',
  summary: 'Fetch every key of every connection (or of the ones named) into the cached inventory.',
  options: {
    connection: { type: 'string', value: 'ID', multiple: true, help: 'sync only this connection (id or exact name)' },
    json: JSON_OPTION,
  },
  details: [
    'A failed or interrupted sync leaves that connection’s cached inventory exactly as it was.',
    'Exit code 3 when any connection could not be synced. Progress goes to stderr when it is a terminal.',
    'JSON: an array of { connectionId, name, result, run, error }, run being the sync’s record (counts, times).',
  ],
  async run({ io, values, session }) {
    const { api } = await session();
    const named = (values.connection as string[] | undefined) ?? [];
    const targets: ConnectionView[] = named.length > 0 ? await Promise.all(named.map((ref) => findConnection(api, ref))) : await api.connections.list();
    const names = new Map(targets.map((c) => [c.id, c.name]));
    const progress = io.stderr.isTTY ? progressLine(io, names) : undefined;
    const stopProgress = api.on('sync.progress', (p) => {
      if (names.has(p.connectionId)) progress?.update(p.connectionId, `${p.scopesDone}/${p.scopesTotal} scopes, ${count(p.keysFetched, 'key')}`);
    });
    const running = new Set<string>();
    const stopInterrupt = io.interrupt.onInterrupt(() => {
      for (const connectionId of running) void api.sync.cancel({ connectionId }).catch(() => undefined);
    });

    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < targets.length && !io.interrupt.signal) {
        const connection = targets[next++]!;
        running.add(connection.id);
        progress?.update(connection.id, 'starting');
        let outcome: Outcome;
        try {
          const run = await api.sync.run({ connectionId: connection.id });
          outcome = { connectionId: connection.id, name: connection.name, result: 'ok', run, error: null };
        } catch (error) {
          const shape: AppErrorShape = isCoreError(error) ? { kind: error.kind, message: error.message } : { kind: 'internal', message: 'unexpected error' };
          outcome = { connectionId: connection.id, name: connection.name, result: shape.kind === 'cancelled' ? 'cancelled' : 'failed', run: null, error: shape };
        }
        running.delete(connection.id);
        progress?.done(connection.id);
        outcomes.push(outcome);
        if (!values.json) {
          await progress?.clear();
          await line(io.stdout, describe(outcome));
        }
      }
    };
    // Every target at once: the core holds syncs back per backend host.
    await Promise.all(targets.map(worker));
    stopProgress();
    stopInterrupt();
    await progress?.clear();
    if (values.json) await printJson(io, outcomes);
    else if (targets.length === 0) await write(io.stderr, 'No connections to sync: add one in the Keyfleet app.\n');
    if (io.interrupt.signal) return SIGNAL_EXIT[io.interrupt.signal];
    return outcomes.every((o) => o.result === 'ok') ? EXIT.ok : EXIT.failed;
  },
};
