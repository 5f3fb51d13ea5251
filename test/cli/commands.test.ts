// Every keyfleet command against the sandboxes of all five backends, run as a script runs it (the
// bin in its own process): what it prints, as text and as JSON, and the exit codes scripts rely
// on — 0 done, 1 a check failed, 2 bad usage, 3 a backend, the keychain or the data dir failed.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, HealthView, KeyView } from '../../src-preload/contract.ts';
import { COMMANDS } from '../../src-main/cli/main.ts';
import { DATABASE_FILE } from '../../src-main/core.ts';
import { filesUnder } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { keyfleet, keyfleetHere, startFleet, startKeyfleet, type Fleet } from './support.ts';

let fleet: Fleet;
/** A Node older than 24 on this machine (Debian's), where better-sqlite3's binary would crash. */
const olderNode = ['/usr/bin/node', '/usr/local/bin/node', '/bin/node'].find((node) => {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /^v(1\d|2[0-3])\./.test(version);
});
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  fleet = await startFleet();
}, 60_000);
afterAll(() => fleet.close(), 60_000);

describe('help', () => {
  it('every command has --help, listing its options; the overview lists the commands and the exit codes', async () => {
    const overview = await keyfleetHere(['--help'], fleet.dir.path);
    expect(overview.code).toBe(0);
    for (const command of COMMANDS) expect(overview.stdout).toContain(command.name);
    expect(overview.stdout).toMatch(/Exit codes:[\s\S]*0 +done[\s\S]*1 +a check failed[\s\S]*2 +bad usage[\s\S]*3 +a backend, the OS keychain or the data dir failed/);
    expect(overview.stdout).toContain(`Data dir: ${fleet.dir.path}`);
    for (const command of COMMANDS) {
      const help = await keyfleetHere([...command.name.split(' '), '--help'], fleet.dir.path);
      expect(help.code, command.name).toBe(0);
      expect(help.stdout).toContain(`Usage: keyfleet ${command.name}`);
      for (const option of Object.keys(command.options)) expect(help.stdout, `${command.name} --${option}`).toContain(`--${option}`);
      expect((await keyfleetHere(['help', ...command.name.split(' ')], fleet.dir.path)).stdout).toBe(help.stdout);
    }
    // The real bin says the same, on the project's Node.
    const bin = await keyfleet(['rotate', '--help'], fleet.env);
    expect(bin).toMatchObject({ code: 0, stdout: (await keyfleetHere(['rotate', '--help'], fleet.dir.path)).stdout });
  });

  it('is bad usage (exit 2) without a command, with an unknown one, or a group without its subcommand', async () => {
    expect(await keyfleetHere([], fleet.dir.path)).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('Usage: keyfleet <command>') as string });
    expect(await keyfleetHere(['frobnicate'], fleet.dir.path)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command “frobnicate”') as string });
    expect(await keyfleetHere(['keys'], fleet.dir.path)).toMatchObject({ code: 2, stderr: expect.stringContaining('keyfleet keys list') as string });
    expect(await keyfleetHere(['--version'], fleet.dir.path)).toMatchObject({ code: 0, stdout: `${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n` });
  });
});

describe('commands against the sandboxes', () => {
  it('connections list: every connection, as text and as JSON', async () => {
    const text = await keyfleet(['connections', 'list'], fleet.env);
    expect(text.code).toBe(0);
    for (const [kind, id] of Object.entries(fleet.ids)) expect(text.stdout).toMatch(new RegExp(`${id} +.+ +${kind} `));
    const json = await keyfleet(['connections', 'list', '--json'], fleet.env);
    const rows = JSON.parse(json.stdout) as Array<{ id: string; kind: string; name: string }>;
    expect(rows.map((r) => [r.kind, r.id]).sort()).toEqual(Object.entries(fleet.ids).sort());
    expect(rows.find((r) => r.kind === 'rancher')!.name).toBe('Rancher prod');
  });

  it('sync: every connection fetched into the cache (exit 0), or only the one named', async () => {
    const all = await keyfleet(['sync', '--json'], fleet.env);
    expect(all.code).toBe(0);
    const runs = JSON.parse(all.stdout) as Array<{ connectionId: string; result: string; run: { keys: number } }>;
    expect(runs.map((r) => r.result)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(runs.every((r) => r.run.keys > 0)).toBe(true);
    const one = await keyfleet(['sync', '--connection', 'Rancher prod'], fleet.env);
    expect(one.code).toBe(0);
    expect(one.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^ok +Rancher prod: 8 keys \(0 added, 0 removed, 0 changed\)$/)]);
    // Not a terminal: no progress lines on stderr.
    expect(one.stderr).toBe('');
  });

  it('sync shows its progress on stderr when that is a terminal, and never on stdout', async () => {
    const onTerminal = await keyfleetHere(['sync', '--connection', fleet.ids.deepset], fleet.dir.path, { tty: { stderr: true } });
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stderr).toMatch(/Syncing deepset \d+\/\d+ scopes, \d+ keys?/);
    expect(onTerminal.stdout).not.toMatch(/Syncing/);
  });

  it('keys list: the cached keys, filtered by connection, text, status and health', async () => {
    const app = fleet.open({ headless: true });
    const everything = (await app.api.keys.list({ limit: 1000 })).rows;
    const expiring = (await app.api.keys.list({ limit: 1000, health: { kind: 'expiring', days: 30 } })).rows;
    await app.close();
    const all = JSON.parse((await keyfleet(['keys', 'list', '--json'], fleet.env)).stdout) as KeyView[];
    expect(all).toEqual(everything);

    const rancher = await keyfleet(['keys', 'list', '--connection', 'Rancher prod'], fleet.env);
    expect(rancher.stdout.split('\n')[0]).toMatch(/^CONNECTION +NAME +TYPE +STATUS +EXPIRES +LAST USED +ID$/);
    expect(rancher.stdout).toMatch(/Rancher prod +compose-deploy +environment +active +— +— +1c8/);
    expect(rancher.stdout.trim().split('\n')).toHaveLength(1 + everything.filter((k) => k.connectionId === fleet.ids.rancher).length);

    const ci = JSON.parse((await keyfleet(['keys', 'list', '--filter', 'ci', '--status', 'inactive', '--json'], fleet.env)).stdout) as KeyView[];
    expect(ci.map((k) => k.name).sort()).toEqual(['old-ci']);
    const soon = JSON.parse((await keyfleet(['keys', 'list', '--health', 'expiring:30', '--json'], fleet.env)).stdout) as KeyView[];
    expect(soon.length).toBeGreaterThan(0);
    expect(soon).toEqual(expiring);
  });

  it('export: the app’s own secret-free export, with a checksum sha256sum can check', async () => {
    const app = fleet.open({ headless: true });
    const fromApp = await app.api.inventory.export({ format: 'csv' });
    await app.close();
    const onStdout = await keyfleet(['export', '--format', 'csv'], fleet.env);
    expect(onStdout.code).toBe(0);
    expect(onStdout.stdout).toBe(fromApp.content);
    expect(onStdout.stderr).toBe(`sha256 ${sha256(onStdout.stdout)}\n`);

    const out = tempDir();
    try {
      const written = await keyfleet(['export', '--format', 'json', '--out', join(out.path, 'inventory.json')], fleet.env);
      expect(written.code).toBe(0);
      const content = readFileSync(join(out.path, 'inventory.json'));
      expect(written.stdout).toBe(`${sha256(content)}  ${join(out.path, 'inventory.json')}\n`);
      expect((JSON.parse(content.toString('utf8')) as { keys: unknown[] }).keys).toHaveLength(fromApp.keys);
      // The nightly job's evidence: the checksum line as a file sha256sum verifies.
      execFileSync('sh', ['-c', `printf '%s' "$1" > inventory.json.sha256 && sha256sum -c inventory.json.sha256`, 'sh', written.stdout], { cwd: out.path });
      const meta = JSON.parse((await keyfleet(['export', '--format', 'csv', '--connection', 'Onyx', '--json', '--out', join(out.path, 'onyx.csv')], fleet.env)).stdout) as { keys: number; sha256: string };
      expect(meta.sha256).toBe(sha256(readFileSync(join(out.path, 'onyx.csv'))));
      expect(meta.keys).toBe(9);
    } finally {
      out.cleanup();
    }
  });

  it('health: the board’s numbers; --fail-on exits 1 and lists the keys when any match, 0 when none do', async () => {
    const app = fleet.open({ headless: true });
    const board: HealthView = await app.api.health.summary({ idleDays: 90 });
    await app.close();
    const json = JSON.parse((await keyfleet(['health', '--json'], fleet.env)).stdout) as { failed: boolean; checks: Array<{ check: string; count: number }> };
    const counts = Object.fromEntries(json.checks.map((c) => [c.check, c.count]));
    expect(json.failed).toBe(false);
    expect(counts).toEqual({
      'expiring:7': board.counts.expiring7,
      'expiring:30': board.counts.expiring30,
      'expiring:60': board.counts.expiring60,
      'no-expiry': board.counts.noExpiry,
      'never-used': board.counts.neverUsed,
      'idle:90': board.counts.idle,
      'too-old': board.counts.tooOld,
      privileged: board.counts.privileged,
      policy: board.counts.policy,
    });
    expect(board.counts.expiring30).toBeGreaterThan(0);
    expect(board.counts.expiring7).toBe(0);

    const failing = await keyfleet(['health', '--fail-on', 'expiring:30,expiring:7'], fleet.env);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^CHECK +KEYS +MEANING\nexpiring:30 +\d+ +active keys that expire within 30 days\nexpiring:7 +0 /);
    expect(failing.stdout).toMatch(/expiring:30: \d+ keys?\nCONNECTION +NAME/);
    expect(failing.stderr).toMatch(/^Health check failed: expiring:30 \(\d+ keys?\)\.\n$/);
    const passing = await keyfleet(['health', '--fail-on', 'expiring:7,too-old', '--connection', 'LangWatch'], fleet.env);
    expect(passing).toMatchObject({ code: 0, stderr: '' });
  });

  it('journal: what Keyfleet did, oldest first, since a time', async () => {
    const recent = await keyfleet(['journal', '--since', '1h'], fleet.env);
    expect(recent.code).toBe(0);
    expect(recent.stdout.match(/connection\.add/g)).toHaveLength(5);
    const entries = JSON.parse((await keyfleet(['journal', '--json', '--limit', '2'], fleet.env)).stdout) as Array<{ at: number; action: string }>;
    expect(entries).toHaveLength(2);
    expect(entries[0]!.at).toBeLessThanOrEqual(entries[1]!.at);
    expect(await keyfleet(['journal', '--since', '2999-01-01', '--json'], fleet.env)).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('does none of the app’s background work: expiry reminders stay for the app to show', async () => {
    await keyfleet(['sync'], fleet.env);
    const notes: Array<Events['notify']> = [];
    const app = fleet.open();
    app.events.on('notify', (note) => notes.push(note));
    await expect.poll(() => notes.length).toBeGreaterThan(0);
    await app.close();
  });
});

describe('exit codes', () => {
  it('2 for bad usage, naming what is wrong, before anything is opened', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['keys', 'list', '--colour'], /Unknown option '--colour'[\s\S]*keyfleet keys list --help/],
      [['export'], /--format is required: csv or json/],
      [['export', '--format', 'xml'], /--format takes csv or json/],
      [['keys', 'list', '--status', 'sleeping'], /--status takes active, inactive, pending, revoked, expired, gone/],
      [['keys', 'list', '--health', 'expiring:soon'], /the days after “expiring:” must be a whole number/],
      [['health', '--fail-on', 'no-expiry:3'], /only expiring and idle take a number of days/],
      [['journal', '--since', 'yesterday'], /--since takes an ISO 8601 date or time/],
      [['keys', 'list', '--connection', 'Nowhere'], /There is no connection “Nowhere”/],
      [['connections', 'list', 'extra'], /takes no arguments/],
      [['rotate', 'laptop', '--reveal', '--retire', 'now'], /add --yes to confirm/],
      [['rotate', 'nothing-called-this', '--yes', '--reveal', '--retire', 'now'], /No key “nothing-called-this”/],
    ];
    for (const [args, message] of cases) {
      const ran = await keyfleetHere(args, fleet.dir.path);
      expect(ran.code, args.join(' ')).toBe(2);
      expect(ran.stderr, args.join(' ')).toMatch(message);
      expect(ran.stdout, args.join(' ')).toBe('');
    }
    expect((await keyfleet(['sync', '--bogus'], fleet.env)).code).toBe(2);
  });

  it('3 when a backend fails, with its message; the other connections still sync', async () => {
    // Every answer, retries included: the command line retries as the app does.
    fleet.rancher.faults.add({ kind: 'status', status: 503 });
    const ran = await keyfleet(['sync'], fleet.env).finally(() => fleet.rancher.faults.clear());
    expect(ran.code).toBe(3);
    expect(ran.stdout).toMatch(/^failed +Rancher prod: .+/m);
    expect(ran.stdout.match(/^ok /gm)).toHaveLength(4);
  });

  it('3 when the OS keychain cannot be reached, saying so', async () => {
    const ran = await keyfleet(['sync', '--connection', 'Onyx'], { ...fleet.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
    expect(ran.code).toBe(3);
    expect(ran.stdout).toMatch(/The OS keychain could not/);
  });

  it('3 in a data dir without Keyfleet data, or from a newer Keyfleet, which is left as it was', async () => {
    const empty = tempDir();
    const newer = tempDir();
    try {
      const none = await keyfleet(['keys', 'list'], { KEYFLEET_DATA_DIR: join(empty.path, 'missing') });
      expect(none.code).toBe(3);
      expect(none.stderr).toMatch(/There is no Keyfleet data in .*missing \(no keyfleet\.db\)/);
      expect(filesUnder(empty.path)).toEqual([]);

      mkdirSync(newer.path, { recursive: true });
      const file = join(newer.path, DATABASE_FILE);
      copyFileSync(join(fleet.dir.path, DATABASE_FILE), file);
      const db = new Database(file);
      db.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?, ?)').run('from-the-future', 'x', 1);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const before = sha256(readFileSync(file));
      const refused = await keyfleet(['keys', 'list'], { KEYFLEET_DATA_DIR: newer.path });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/Keyfleet cannot open .*: The database was written by a newer Keyfleet \(schema version 999\); this version cannot open it\./);
      expect(sha256(readFileSync(file))).toBe(before);
    } finally {
      empty.cleanup();
      newer.cleanup();
    }
  });
});

describe('the bin on an older Node', () => {
  it.runIf(olderNode)('starts itself again on the project’s Node, passing the exit code and SIGTERM through', async () => {
    const listed = await keyfleet(['connections', 'list', '--json'], fleet.env, olderNode);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(5);
    expect((await keyfleet(['keys', 'list', '--status', 'sleeping'], fleet.env, olderNode)).code).toBe(2);

    fleet.rancher.faults.add({ method: 'GET', path: /apikeys/i, kind: 'latency', ms: 3000, times: 1 });
    const from = fleet.rancher.requests.length;
    const child = startKeyfleet(['sync', '--connection', 'Rancher prod'], fleet.env, olderNode);
    await expect.poll(() => fleet.rancher.requests.slice(from).some((r) => r.method === 'GET' && /apikeys/i.test(r.path)), { timeout: 10_000 }).toBe(true);
    child.kill('SIGTERM');
    const ran = await child.done;
    expect(ran.code).toBe(143);
    expect(ran.stdout).toMatch(/^cancelled +Rancher prod/);
  });
});
