// keyfleet health: the app's health board as numbers, and the CI check — with --fail-on, exit 1
// and the offending keys when any key matches one of the given concerns.
import type { HealthKind, KeyView } from '../../../src-preload/contract.ts';
import { CONNECTION_OPTION, JSON_OPTION, type Command } from '../args.ts';
import { EXIT } from '../exit.ts';
import { count, line, printJson, table, write } from '../output.ts';
import { connectionIdOf, everyKey } from '../session.ts';
import { keyTable, parseHealth } from './keys.ts';

interface Check {
  kind: HealthKind;
  days?: number;
}

/** The health board's cards, in its order. */
const BOARD: Check[] = [
  { kind: 'expiring', days: 7 },
  { kind: 'expiring', days: 30 },
  { kind: 'expiring', days: 60 },
  { kind: 'no-expiry' },
  { kind: 'never-used' },
  { kind: 'idle', days: 90 },
  { kind: 'too-old' },
  { kind: 'privileged' },
  { kind: 'policy' },
];

const nameOf = (check: Check) => (check.days === undefined ? check.kind : `${check.kind}:${check.days}`);

function meaning(check: Check): string {
  switch (check.kind) {
    case 'expiring':
      return `expire within ${check.days ?? 30} days`;
    case 'idle':
      return `have not been used for ${check.days ?? 90} days`;
    case 'no-expiry':
      return 'never expire';
    case 'never-used':
      return 'have never been used';
    case 'too-old':
      return 'are older than their organization’s policy allows';
    case 'privileged':
      return 'are admin or organization-wide';
    case 'policy':
      return 'break their organization’s policy';
  }
}

export const health: Command = {
  name: 'health',
  summary: 'Count active keys per health concern, as the app’s health board does; with --fail-on, a check for CI.',
  options: {
    'fail-on': { type: 'string', value: 'LIST', help: 'exit 1 when any key matches one of these, comma-separated: expiring:DAYS, no-expiry, never-used, idle:DAYS, too-old, privileged, policy' },
    connection: CONNECTION_OPTION,
    json: JSON_OPTION,
  },
  details: [
    'Counts come from the cached inventory (run “keyfleet sync” first for fresh data).',
    'Example, in CI: keyfleet sync && keyfleet health --fail-on expiring:7,no-expiry,policy',
    'JSON: { failed, checks: [{ check, kind, days, count, keys }] }, keys listed for the --fail-on checks.',
  ],
  async run({ io, values, session }) {
    const failOn = values['fail-on'] === undefined ? undefined : (values['fail-on'] as string).split(',').map((item) => parseHealth(item, '--fail-on'));
    const { api } = await session();
    const connectionId = await connectionIdOf(api, values.connection);
    const checks = failOn ?? BOARD;
    const results = await Promise.all(
      checks.map(async (check) => {
        const health = { kind: check.kind, ...(check.days === undefined ? {} : { days: check.days }) };
        const keys: KeyView[] | null = failOn ? await everyKey(api, { connectionId, health }) : null;
        const total = keys ? keys.length : (await api.keys.list({ connectionId, health, limit: 1 })).total;
        return { check: nameOf(check), kind: check.kind, days: check.days ?? null, count: total, keys };
      }),
    );
    const failing = failOn ? results.filter((r) => r.count > 0) : [];
    if (values.json) {
      await printJson(io, { failed: failing.length > 0, checks: results.map(({ keys, ...rest }) => (keys ? { ...rest, keys } : rest)) });
    } else {
      await write(io.stdout, table(['CHECK', 'KEYS', 'MEANING'], results.map((r, i) => [r.check, String(r.count), `active keys that ${meaning(checks[i]!)}`])));
      if (failing.length > 0) {
        const names = new Map((await api.connections.list()).map((c) => [c.id, c.name]));
        for (const result of failing) {
          await write(io.stdout, `\n${result.check}: ${count(result.count, 'key')}\n${keyTable(result.keys!, names)}`);
        }
        await line(io.stderr, `Health check failed: ${failing.map((r) => `${r.check} (${count(r.count, 'key')})`).join(', ')}.`);
      }
    }
    return failing.length > 0 ? EXIT.checkFailed : EXIT.ok;
  },
};
