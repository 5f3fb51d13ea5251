// keyfleet keys list: the cached inventory, filtered like the app's key table.
import { HEALTH_KINDS, type HealthKind, type KeyStatus, type KeyView } from '../../../src-preload/contract.ts';
import { CONNECTION_OPTION, JSON_OPTION, listOption, type Command } from '../args.ts';
import { EXIT, usageError } from '../exit.ts';
import { day, moment, printJson, table, write } from '../output.ts';
import { connectionIdOf, everyKey } from '../session.ts';

export const SHOWN_STATUSES = ['active', 'inactive', 'pending', 'revoked', 'expired', 'gone'] as const;
export type ShownStatus = KeyStatus | 'gone';

/** A key's status as the inventory export writes it: a key a sync no longer found is 'gone'. */
export const shownStatus = (key: KeyView): ShownStatus => (key.goneSince !== null ? 'gone' : key.status);

/** Health kinds that take a number of days: expiring within N days, idle for N days. */
const WITH_DAYS: readonly HealthKind[] = ['expiring', 'idle'];

/** `expiring:7`, `no-expiry`, `idle:90`: a health kind and, where it has one, its days. */
export function parseHealth(raw: string, option: string): { kind: HealthKind; days?: number } {
  const [kind, days, extra] = raw.trim().split(':');
  if (!(HEALTH_KINDS as readonly string[]).includes(kind ?? '') || extra !== undefined) {
    throw usageError(`${option} takes one of ${HEALTH_KINDS.join(', ')} (expiring and idle with :DAYS, like expiring:7); “${raw.slice(0, 40)}” is not one.`);
  }
  if (days === undefined) return { kind: kind as HealthKind };
  if (!WITH_DAYS.includes(kind as HealthKind)) throw usageError(`${option}: only expiring and idle take a number of days.`);
  if (!/^\d{1,4}$/.test(days) || Number(days) < 1 || Number(days) > 3650) throw usageError(`${option}: the days after “${kind}:” must be a whole number from 1 to 3650.`);
  return { kind: kind as HealthKind, days: Number(days) };
}

export function keyTable(keys: KeyView[], names: Map<string, string>): string {
  return table(
    ['CONNECTION', 'NAME', 'TYPE', 'STATUS', 'EXPIRES', 'LAST USED', 'ID'],
    keys.map((k) => [names.get(k.connectionId) ?? k.connectionId, k.localLabel ?? (k.name || '—'), k.type, shownStatus(k), day(k.expiresAt), moment(k.lastUsedAt), k.id]),
  );
}

export const keysList: Command = {
  name: 'keys list',
  summary: 'List the keys in the cached inventory (as of each connection’s last sync).',
  options: {
    connection: CONNECTION_OPTION,
    filter: { type: 'string', value: 'TEXT', help: 'only keys whose name, id, type, role, status or hint contains TEXT' },
    status: { type: 'string', value: 'LIST', help: `only these statuses, comma-separated: ${SHOWN_STATUSES.join(', ')}` },
    health: { type: 'string', value: 'KIND', help: `only keys of one health concern: ${HEALTH_KINDS.join(', ')} (expiring:DAYS, idle:DAYS)` },
    json: JSON_OPTION,
  },
  details: ['JSON: an array of keys as the app’s API returns them (no secret, only the masked value); times in epoch milliseconds.'],
  async run({ io, values, session }) {
    const statuses = listOption(values.status as string | undefined, SHOWN_STATUSES, '--status');
    const health = values.health === undefined ? undefined : parseHealth(values.health as string, '--health');
    const { api } = await session();
    const connectionId = await connectionIdOf(api, values.connection);
    const filter = values.filter as string | undefined;
    let keys = await everyKey(api, { connectionId, query: filter, health });
    if (statuses) keys = keys.filter((k) => statuses.includes(shownStatus(k)));
    if (values.json) {
      await printJson(io, keys);
      return EXIT.ok;
    }
    const names = new Map((await api.connections.list()).map((c) => [c.id, c.name]));
    if (keys.length === 0) await write(io.stderr, 'No keys match.\n');
    else await write(io.stdout, keyTable(keys, names));
    return EXIT.ok;
  },
};
