// The cached inventory as a product: what changed since, secret-free exports with their SHA-256,
// and reviewing a copy of a data dir read-only, without any credential.
import { createHash } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, REVIEW_NOTE, type Core } from '../../src-main/core.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { filesUnder } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';

let sandbox: RancherSandbox;
let dir: ReturnType<typeof tempDir>;
let core: Core;
let connectionId: string;

beforeAll(async () => {
  sandbox = await startRancherSandbox({ settleMs: 5 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  dir = tempDir();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0 });
  connectionId = (
    await core.api.connections.add({ kind: 'rancher', name: 'Rancher', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } })
  ).id;
  await core.api.sync.run({ connectionId });
});
afterEach(async () => {
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

/** Parses the CSV Keyfleet writes (every cell quoted). */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/""/g, '"')));
}

describe('what changed since', () => {
  it('lists what syncs found and what Keyfleet did, newest first, per connection', async () => {
    const start = Date.now();
    const { key } = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'before' });
    await core.api.keys.update({ connectionId, keyId: key.id, name: 'after', description: null });
    const laptop = (await core.api.keys.list({ connectionId, query: 'laptop' })).rows[0]!;
    // A change on the backend itself, made by someone else through Rancher's API.
    const auth = { authorization: `Basic ${Buffer.from(`${sandbox.credentials.user.accessKey}:${sandbox.credentials.user.secretKey}`).toString('base64')}` };
    await fetch(`${sandbox.url}/v2-beta/apikeys/${laptop.id}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'laptop-2026' }) });
    await core.api.sync.run({ connectionId });

    const { rows } = await core.api.changes.list({ connectionId, since: start });
    expect(rows.map((r) => [r.source, r.change, r.keyName])).toEqual([
      ['sync', 'changed', 'laptop-2026'],
      ['keyfleet', 'changed', 'after'],
      ['keyfleet', 'added', 'before'],
    ]);
    expect(rows[0]!.fields).toEqual({ name: ['laptop', 'laptop-2026'] });
    expect(rows[0]!.connectionName).toBe('Rancher');
    expect((await core.api.changes.list({ since: Date.now() + 1000 })).rows).toEqual([]);
  });
});

describe('exports', () => {
  it('round-trips the inventory as CSV and JSON, with its SHA-256 and no secret', async () => {
    const { revealSlotId } = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: '=HYPERLINK("x")' });
    const secret = (await core.api.reveal.take({ slotId: revealSlotId })).fields[1]!.value;
    const listed = (await core.api.keys.list({ connectionId, limit: 1000 })).rows;

    const csv = await core.api.inventory.export({ connectionId, format: 'csv' });
    expect(csv.sha256).toBe(createHash('sha256').update(csv.content).digest('hex'));
    expect(csv.keys).toBe(listed.length);
    const [header, ...rows] = parseCsv(csv.content);
    expect(header![3]).toBe('keyId');
    expect(rows.map((r) => r[3]).sort()).toEqual(listed.map((k) => k.id).sort());
    // A formula-looking name is neutralised, not executed by a spreadsheet.
    expect(csv.content).toContain(`"'=HYPERLINK(""x"")"`);

    const json = await core.api.inventory.export({ format: 'json' });
    const parsed = JSON.parse(json.content) as { keys: Array<{ keyId: string; status: string; connection: string }> };
    expect(parsed.keys.map((k) => k.keyId).sort()).toEqual(listed.map((k) => k.id).sort());
    expect(parsed.keys.every((k) => k.connection === 'Rancher')).toBe(true);

    for (const content of [csv.content, json.content]) {
      expect(content).not.toContain(secret);
      expect(content).not.toContain(sandbox.credentials.user.secretKey);
    }
  });
});

describe('review of a copied data dir', () => {
  it('shows the inventory read-only, uses no credential, and changes no byte of the copy', async () => {
    const before = (await core.api.keys.list({ connectionId, limit: 1000 })).rows;
    await core.close();
    const copy = tempDir();
    cpSync(dir.path, copy.path, { recursive: true });
    const bytes = () => filesUnder(copy.path).map((f) => [f, createHash('sha256').update(readFileSync(f)).digest('hex')]);
    const fingerprint = JSON.stringify(bytes());

    const reviewing = createCore({ dataDir: copy.path, review: true });
    try {
      expect((await reviewing.api.app.status()).mode).toBe('review');
      const [connection] = await reviewing.api.connections.list();
      expect(connection!.capabilities.actions.delete).toEqual({ mode: 'unavailable', note: REVIEW_NOTE });
      expect((await reviewing.api.keys.list({ connectionId, limit: 1000 })).rows).toEqual(before);
      expect((await reviewing.api.inventory.export({ format: 'csv' })).keys).toBe(before.length);
      for (const attempt of [
        reviewing.api.sync.run({ connectionId }),
        reviewing.api.keys.delete({ connectionId, keyId: before[0]!.id }),
        reviewing.api.connections.remove({ connectionId }),
        reviewing.api.policy.set({ connectionId, maxLifetimeDays: 1, requireExpiry: false, noAdminKeys: false }),
      ]) {
        expect(await attempt.then(() => undefined, (e: unknown) => e as ApiError)).toMatchObject({ kind: 'unsupported', message: REVIEW_NOTE });
      }
    } finally {
      await reviewing.close();
    }
    expect(JSON.stringify(bytes())).toBe(fingerprint);
    core = createCore({ dataDir: dir.path, syncIntervalMs: 0 });
    copy.cleanup();
  });

  it('refuses a folder without a Keyfleet database', () => {
    const empty = tempDir();
    try {
      expect(() => createCore({ dataDir: empty.path, review: true })).toThrow(/no Keyfleet database/);
    } finally {
      empty.cleanup();
    }
  });
});
