// keyfleet rotate on every backend: the same journaled rotation as the app's wizard, the new
// secret written only where the user said (a new 0600 file, or stdout with --reveal), the old key
// retired now, at a time, or never; refusals before anything changes; a policy's refusal in its
// own words. No secret in the data dir, the logs, stderr, or stdout unless --reveal asked for it.
import { statSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyView, RotationView } from '../../src-preload/contract.ts';
import { tempDir } from '../support/temp.ts';
import { keyfleet, keyfleetHere, startFleet, startKeyfleet, type Fleet, type Ran } from './support.ts';

let fleet: Fleet;
let out: ReturnType<typeof tempDir>;
/** Everything the command line printed where no secret may be: stderr always, stdout unless --reveal. */
const quiet: string[] = [];

async function run(args: string[]): Promise<Ran> {
  const ran = await keyfleet(args, fleet.env);
  quiet.push(ran.stderr);
  if (!args.includes('--reveal')) quiet.push(ran.stdout);
  return ran;
}

async function cached(connectionId: string, name: string): Promise<KeyView> {
  const app = fleet.open({ headless: true });
  try {
    const key = (await app.api.keys.list({ connectionId, limit: 1000 })).rows.find((k) => k.name === name && k.goneSince === null);
    if (!key) throw new Error(`no key ${name}`);
    return key;
  } finally {
    await app.close();
  }
}

/** The sandbox's key whose secret the command printed. */
function issuedTo(sandbox: Fleet['deepset'], stdout: string) {
  const key = sandbox.keys().find((k) => sandbox.secretOf(k.id) === stdout.trim());
  if (!key) throw new Error('no key has the printed secret');
  return key;
}

/** `NAME='value'` lines, as --secret-format env writes them, read back. */
const envLines = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => /^([A-Z_]+)='(.*)'$/.exec(l)!.slice(1, 3) as [string, string]));

beforeAll(async () => {
  fleet = await startFleet();
  out = tempDir();
  expect((await keyfleet(['sync'], fleet.env)).code).toBe(0);
}, 60_000);
afterAll(async () => {
  // Every secret the sandboxes issued during these rotations, and every credential: nowhere.
  fleet.expectNoSecrets(quiet);
  out.cleanup();
  await fleet.close();
}, 60_000);

describe('keyfleet rotate', () => {
  it('Rancher: the new key in a new 0600 file, the old one deactivated at once, journaled as the app does', async () => {
    const old = await cached(fleet.ids.rancher, 'laptop');
    const file = join(out.path, 'rancher.env');
    const ran = await run(['rotate', 'laptop', '--connection', 'Rancher prod', '--yes', '--secret-out', file, '--retire', 'now']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('The old key was deactivated.\n');
    expect(ran.stderr).toMatch(/^Rotating “laptop” \(1c5\) of Rancher prod…\nThe new secret is in .*rancher\.env \(readable by you only\)\.\n$/);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = envLines(readFileSync(file, 'utf8'));
    expect(Object.keys(secret)).toEqual(['ACCESS_KEY', 'SECRET_KEY']);
    expect(fleet.rancher.authenticates(secret.ACCESS_KEY!, secret.SECRET_KEY!)).toBe(true);
    expect(fleet.rancher.key(old.id)!.state).toBe('inactive');

    // The app sees the same journal: finished, nothing left open, nothing left to reveal.
    const app = fleet.open();
    expect(await app.api.rotation.list()).toEqual([]);
    expect((await app.api.reveal.pending()).filter((p) => p.kind === 'rotate')).toEqual([]);
    const [entry] = (await app.api.journal.list({ limit: 1 })).rows;
    expect(entry).toMatchObject({ action: 'key.rotate', result: 'ok', keyId: old.id, detail: 'rotated “laptop”: old key deactivated' });
    await app.close();
  });

  it('refuses, before anything changes (exit 2): an existing --secret-out, a file in the data dir, no destination, no --retire', async () => {
    const existing = join(out.path, 'already-here');
    writeFileSync(existing, 'keep me');
    const requests = fleet.rancher.requests.length;
    const cases: Array<[string[], RegExp]> = [
      [['--secret-out', existing, '--retire', 'now'], /already-here already exists: Keyfleet never overwrites a file with a new secret/],
      [['--secret-out', join(fleet.dir.path, 'new-key'), '--retire', 'now'], /--secret-out must be outside Keyfleet's data dir/],
      [['--retire', 'now'], /Say where the new secret goes: --secret-out FILE, or --reveal/],
      [['--reveal', '--secret-out', join(out.path, 'both'), '--retire', 'now'], /Say where the new secret goes/],
      [['--reveal'], /Say what happens to the old key: --retire now, --retire at TIME, or --retire never/],
      [['--reveal', '--retire', 'at', '2001-01-01'], /--retire at: that time has passed/],
      [['--reveal', '--retire', 'later'], /--retire takes now, never, or at TIME/],
    ];
    for (const [extra, message] of cases) {
      const ran = await keyfleetHere(['rotate', 'monitoring', '--yes', ...extra], fleet.dir.path);
      expect(ran.code, extra.join(' ')).toBe(2);
      expect(ran.stderr, extra.join(' ')).toMatch(message);
      expect(ran.stdout).toBe('');
    }
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect(fleet.rancher.requests.slice(requests).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('env zero: --reveal puts only the secret on stdout (JSON with --json); the old key goes at the chosen time, by any later keyfleet run', async () => {
    const old = await cached(fleet.ids.envzero, 'dashboard-reader');
    const at = new Date(Date.now() + 4000).toISOString();
    const ran = await run(['rotate', old.id, '--yes', '--reveal', '--json', '--retire', 'at', at]);
    expect(ran.code, ran.stderr).toBe(0);
    const secret = JSON.parse(ran.stdout) as { connectionId: string; keyId: string; replacesKeyId: string; fields: Array<{ label: string; value: string; secret: boolean }> };
    expect(secret).toMatchObject({ connectionId: fleet.ids.envzero, replacesKeyId: old.id });
    expect(secret.fields.map((f) => f.label)).toEqual(['API key ID', 'API key secret']);
    expect(fleet.envzero.authenticates({ apiKeyId: secret.fields[0]!.value, apiKeySecret: secret.fields[1]!.value })).toBe(true);
    expect(ran.stderr).toMatch(/The old key will be deleted at .* by Keyfleet \(the app, or any keyfleet command run then or later\)\./);

    // Meanwhile the app shows the rotation waiting for its time.
    const app = fleet.open({ headless: true });
    const [waiting] = await app.api.rotation.list();
    expect(waiting).toMatchObject({ step: 'retire-scheduled', retireAt: Date.parse(at), oldKeyId: old.id } satisfies Partial<RotationView>);
    await app.close();
    expect(fleet.envzero.key(old.id)!.deletedAt).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, Date.parse(at) - Date.now() + 50));
    expect((await run(['journal', '--limit', '1'])).code).toBe(0);
    expect(fleet.envzero.key(old.id)!.deletedAt).not.toBeNull();
  });

  it('LangWatch: --retire never finishes the rotation and keeps the old key', async () => {
    const old = await cached(fleet.ids.langwatch, 'ci-pipeline');
    const file = join(out.path, 'langwatch.token');
    const ran = await run(['rotate', 'ci-pipeline', '--connection', 'LangWatch', '--yes', '--secret-out', file, '--retire', 'never', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const result = JSON.parse(ran.stdout) as RotationView;
    expect(result).toMatchObject({ step: 'done', retire: null, oldKeyId: old.id, revealSlotId: null });
    const token = readFileSync(file, 'utf8');
    expect(token).toMatch(/^sk-lw-\S+\n$/);
    expect(fleet.langwatch.authenticates(token.trim())).toBe(true);
    expect(fleet.langwatch.key(old.id)!.revokedAt).toBeNull();
    const app = fleet.open({ headless: true });
    expect(await app.api.rotation.list()).toEqual([]);
    expect((await app.api.journal.list({ limit: 1 })).rows[0]).toMatchObject({ action: 'key.rotate', detail: 'rotated “ci-pipeline”: old key kept' });
    await app.close();
  });

  it('Onyx: a native regenerate; the new secret alone, no --retire needed', async () => {
    const old = await cached(fleet.ids.onyx, 'search-bot');
    const ran = await run(['rotate', 'search-bot', '--connection', fleet.ids.onyx, '--yes', '--reveal']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.trim().split('\n')).toHaveLength(1);
    expect(fleet.onyx.authenticates(ran.stdout.trim())).toBe(true);
    expect(ran.stderr).toMatch(/The secret was regenerated in place: the old secret no longer works\./);
    expect((await cached(fleet.ids.onyx, 'search-bot')).id).toBe(old.id);
  });

  it('deepset: a rotation the organization’s policy forbids is refused in the policy’s words (exit 1); nothing is created', async () => {
    const app = fleet.open({ headless: true });
    await app.api.policy.set({ connectionId: fleet.ids.deepset, maxLifetimeDays: null, requireExpiry: true, noAdminKeys: false });
    await app.close();
    const before = fleet.deepset.keys().length;
    const ran = await run(['rotate', 'research-bot', '--yes', '--reveal', '--retire', 'now']);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/The rotation was refused: Some fields need attention before the key can be created\.\n {2}expiresAt: This organization’s policy requires an expiry date\.\nSay when the new key expires: --expires TIME, or --expires never\./);
    expect(ran.stdout).toBe('');
    expect(fleet.deepset.keys()).toHaveLength(before);
    // Saying when the new key expires satisfies the policy; "never" still breaks it.
    const never = await run(['rotate', 'research-bot', '--yes', '--reveal', '--retire', 'now', '--expires', 'never']);
    expect(never.code).toBe(1);
    expect(never.stderr).toMatch(/expiresAt: This organization’s policy requires an expiry date\.\n$/);
    const dated = await cached(fleet.ids.deepset, 'research-bot');
    const expiring = await run(['rotate', 'research-bot', '--yes', '--reveal', '--retire', 'now', '--expires', '2w']);
    expect(expiring.code, expiring.stderr).toBe(0);
    const twin = issuedTo(fleet.deepset, expiring.stdout);
    expect(twin.expiresAt).toBeGreaterThan(Date.now() + 13 * 86_400_000);
    expect(twin.expiresAt).toBeLessThanOrEqual(Date.now() + 14 * 86_400_000);
    expect(fleet.deepset.key(dated.id)).toBeUndefined();

    // Within the policy, the same key rotates (deepset: a twin, then the old one deleted).
    const lifted = fleet.open({ headless: true });
    await lifted.api.policy.set({ connectionId: fleet.ids.deepset, maxLifetimeDays: null, requireExpiry: false, noAdminKeys: false });
    await lifted.close();
    const old = await cached(fleet.ids.deepset, 'research-bot');
    const rotated = await run(['rotate', 'research-bot', '--yes', '--reveal', '--retire', 'now']);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(fleet.deepset.authenticates(rotated.stdout.trim())).toBe(true);
    expect(fleet.deepset.key(old.id)).toBeUndefined();
  });

  it('deepset: an expired key of unknown age is rotated only once --expires says when the new key expires', async () => {
    const old = await cached(fleet.ids.deepset, 'prod-old');
    const before = fleet.deepset.keys().length;
    const asked = await run(['rotate', 'prod-old', '--yes', '--reveal', '--retire', 'now']);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toMatch(/cannot tell how long the old key was meant to last.*\n {2}expiresAt: Choose when the new key expires\.\nSay when the new key expires: --expires TIME, or --expires never\./);
    expect(fleet.deepset.keys()).toHaveLength(before);

    const at = '2030-01-31T12:00:00Z';
    const rotated = await run(['rotate', 'prod-old', '--yes', '--reveal', '--retire', 'now', '--expires', at]);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(issuedTo(fleet.deepset, rotated.stdout).expiresAt).toBe(Date.parse(at));
    expect(fleet.deepset.key(old.id)).toBeUndefined();
  });

  it('--expires is refused where it cannot apply: a past time, a regenerate in place, keys that never expire', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['prod-search', '--reveal', '--retire', 'now', '--expires', '2001-01-01'], /--expires: that time has passed/],
      [['prod-search', '--reveal', '--retire', 'now', '--expires', 'soon'], /--expires takes an ISO 8601 date or time/],
      [['search-bot', '--reveal', '--expires', '7d'], /--expires: this backend regenerates the secret in place/],
      [['monitoring', '--reveal', '--retire', 'now', '--expires', '7d'], /--expires: keys of this type do not expire on this backend/],
    ];
    const posts = () => fleet.deepset.requests.length + fleet.onyx.requests.filter((r) => r.method !== 'GET').length + fleet.rancher.requests.filter((r) => r.method !== 'GET').length;
    const before = posts();
    for (const [args, message] of cases) {
      const ran = await keyfleetHere(['rotate', ...args, '--yes'], fleet.dir.path);
      expect(ran.code, args.join(' ')).toBe(2);
      expect(ran.stderr, args.join(' ')).toMatch(message);
    }
    expect(posts()).toBe(before);
  });

  it('a retirement the backend refuses: exit 3 with the reason; the secret is written, the rotation waits, the next run finishes it', async () => {
    const old = await cached(fleet.ids.rancher, 'monitoring');
    const file = join(out.path, 'monitoring.env');
    fleet.rancher.faults.add({ method: 'POST', path: /action=deactivate/i, kind: 'status', status: 503 });
    const ran = await run(['rotate', 'monitoring', '--yes', '--secret-out', file, '--retire', 'now']).finally(() => fleet.rancher.faults.clear());
    expect(ran.code).toBe(3);
    expect(ran.stderr).toMatch(/The new key is ready and its secret written, but the rotation could not finish: .+\nIt waits in the Keyfleet app/);
    const secret = envLines(readFileSync(file, 'utf8'));
    expect(fleet.rancher.authenticates(secret.ACCESS_KEY!, secret.SECRET_KEY!)).toBe(true);
    expect(fleet.rancher.key(old.id)!.state).toBe('active');
    const app = fleet.open({ headless: true });
    expect(await app.api.rotation.list()).toMatchObject([{ oldKeyId: old.id, step: 'retiring' }]);
    await app.close();
    expect((await run(['journal', '--limit', '1'])).code).toBe(0);
    expect(fleet.rancher.key(old.id)!.state).toBe('inactive');
  });

  it('a secret that cannot be written (stdout closed) is not lost: exit 3, and the app offers it once', async () => {
    const child = startKeyfleet(['rotate', 'kiosk', '--yes', '--reveal'], fleet.env);
    child.stdout.destroy();
    const ran = await child.done;
    quiet.push(ran.stderr);
    expect(ran.code).toBe(3);
    expect(ran.stderr).toMatch(/The new secret could not be written to stdout \(EPIPE\); the Keyfleet app offers it once under “Unseen secrets”\./);
    const app = fleet.open({ headless: true });
    const [pending] = (await app.api.reveal.pending()).filter((p) => p.kind === 'rotate');
    const reveal = await app.api.reveal.take({ slotId: (await app.api.reveal.reopen({ operationId: pending!.operationId })).revealSlotId });
    expect(fleet.onyx.authenticates(reveal.fields[0]!.value)).toBe(true);
    await app.api.reveal.done({ slotId: reveal.slotId, seen: true });
    await app.close();
  });

  it('--reveal warns on stderr when stdout is a terminal, and only then', async () => {
    const onTerminal = await keyfleetHere(['rotate', 'slack-ingest', '--yes', '--reveal'], fleet.dir.path, { tty: { stdout: true } });
    expect(onTerminal.code, onTerminal.stderr).toBe(0);
    expect(onTerminal.stderr).toMatch(/The new secret follows, shown this once\. It stays in this terminal’s scrollback/);
    expect(fleet.onyx.authenticates(onTerminal.stdout.trim())).toBe(true);
    quiet.push(onTerminal.stderr);
    const piped = await keyfleetHere(['rotate', 'slack-ingest', '--yes', '--reveal'], fleet.dir.path);
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toMatch(/shown this once/);
    quiet.push(piped.stderr);
  });
});
