// keyfleet connections list: the organizations Keyfleet manages, with their last sync.
import type { ConnectionView } from '../../../src-preload/contract.ts';
import { JSON_OPTION, type Command } from '../args.ts';
import { EXIT } from '../exit.ts';
import { moment, printJson, table, write } from '../output.ts';

/** What a script needs of a connection (its capabilities stay in the app's API). */
function summary(c: ConnectionView, keys: number) {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    baseUrl: c.baseUrl,
    account: c.account,
    target: c.target,
    readOnly: c.readOnly,
    reachability: c.reachability,
    lastSync: c.lastSync,
    lastSuccessAt: c.lastSuccessAt,
    keys,
  };
}

function state(c: ConnectionView): string {
  if (c.syncing) return 'syncing';
  if (c.reachability === 'offline') return 'offline';
  if (c.lastSync?.result === 'failed') return 'sync failed';
  return c.lastSuccessAt === null ? 'never synced' : 'ok';
}

export const connectionsList: Command = {
  name: 'connections list',
  summary: 'List the connections (one organization on one backend each) and when each was last synced.',
  options: { json: JSON_OPTION },
  details: ['JSON: an array of { id, name, kind, baseUrl, account, target, readOnly, reachability, lastSync, lastSuccessAt, keys }; times in epoch milliseconds.'],
  async run({ io, values, session }) {
    const { api } = await session();
    const connections = await api.connections.list();
    const rows = await Promise.all(connections.map(async (c) => summary(c, (await api.keys.list({ connectionId: c.id, limit: 1 })).total)));
    if (values.json) {
      await printJson(io, rows);
      return EXIT.ok;
    }
    if (rows.length === 0) {
      await write(io.stderr, 'No connections yet: add one in the Keyfleet app.\n');
      return EXIT.ok;
    }
    const text = table(
      ['ID', 'NAME', 'BACKEND', 'STATE', 'LAST SYNC', 'KEYS'],
      connections.map((c, i) => [c.id, c.name, c.kind, state(c), moment(c.lastSuccessAt), String(rows[i]!.keys)]),
    );
    await write(io.stdout, text);
    return EXIT.ok;
  },
};
