// The personal vault with the real keychain and real SQLite: secrets round-trip through the
// keychain only, deleting removes the keychain item, a lock clears what it must and blocks
// secrets until unlocked, idle minutes lock it, and "verify" checks a saved key against each
// sandbox backend: valid while it works, revoked once it is gone, unreachable when the backend is.
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Events, RevealField } from '../../src-preload/contract.ts';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { createMemoryClipboard } from '../../src-main/services/clipboard.ts';
import { createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { startDeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox } from '../backends/envzero/server.ts';
import { startLangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';

const keychain = createKeytarSecretStore();
let dir: ReturnType<typeof tempDir>;
let core: Core;
let clock: number;
const clipboard = createMemoryClipboard();

const fail = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as ApiError);

beforeEach(() => {
  dir = tempDir();
  clock = Date.now();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0, clipboard, now: () => clock, idleCheckMs: 20 });
});
afterEach(async () => {
  for (const entry of await core.api.vault.list()) await core.api.vault.remove({ id: entry.id });
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

const token = 'sk-personal-Zq9f8TqK2mR4pW7xY1vB';

describe('vault', () => {
  it('keeps the secret in the keychain only, shows it only on reveal, and deletes the keychain item with the entry', async () => {
    const entry = await core.api.vault.add({
      name: 'OpenAI personal',
      service: 'OpenAI',
      url: 'https://platform.openai.com',
      notes: 'laptop only',
      tags: ['personal', 'llm'],
      fields: [{ label: 'API key', value: token, secret: true }],
    });
    expect(entry).toMatchObject({ name: 'OpenAI personal', fields: [{ label: 'API key', secret: true }], link: null, verifiable: false });
    expect(JSON.stringify(await core.api.vault.list())).not.toContain(token);
    expect(await keychain.get(`vault:${entry.id}`)).toBe(JSON.stringify([token]));
    expect(await core.api.vault.reveal({ id: entry.id })).toEqual({ fields: [{ label: 'API key', value: token, secret: true }], visibleForMs: 20_000 });
    expect(scanForSecrets(dir.path, [token])).toEqual([]);

    await core.api.vault.remove({ id: entry.id });
    expect(await keychain.get(`vault:${entry.id}`)).toBeNull();
    expect(await core.api.vault.list()).toEqual([]);
  });

  it('locks: secrets refused, the clipboard cleared if it still holds ours, until unlocked', async () => {
    const events: Array<Events['vault.locked']> = [];
    core.events.on('vault.locked', (e) => events.push(e));
    const entry = await core.api.vault.add({ name: 'x', service: 'x', fields: [{ label: 'Token', value: token, secret: true }] });
    await core.api.vault.copy({ id: entry.id, label: 'Token' });
    expect(await clipboard.readText()).toBe(token);
    expect(clipboard.concealed).toBe(true);

    expect((await core.api.vault.lock()).locked).toBe(true);
    expect(events).toEqual([{ reason: 'user' }]);
    expect(await clipboard.readText()).toBe('');
    expect(await fail(core.api.vault.reveal({ id: entry.id }))).toMatchObject({ kind: 'locked' });
    expect(await fail(core.api.vault.copy({ id: entry.id, label: 'Token' }))).toMatchObject({ kind: 'locked' });
    // Metadata stays reviewable while locked.
    expect(await core.api.vault.list()).toHaveLength(1);

    expect((await core.api.vault.unlock()).locked).toBe(false);
    expect((await core.api.vault.reveal({ id: entry.id })).fields[0]!.value).toBe(token);
  });

  it('locks by itself after the idle minutes, unless the user is active', async () => {
    const events: Array<Events['vault.locked']> = [];
    core.events.on('vault.locked', (e) => events.push(e));
    await core.api.vault.setAutoLock({ minutes: 2 });
    clock += 90_000;
    await core.api.app.activity();
    clock += 90_000;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(events).toEqual([]);
    clock += 31_000;
    await expect.poll(() => events).toEqual([{ reason: 'idle' }]);
    expect((await core.api.vault.status()).locked).toBe(true);
  });

  it('imports chosen .env lines and exports metadata without any secret', async () => {
    const { imported } = await core.api.vault.importEnv({
      service: 'dotenv',
      tags: ['imported'],
      entries: [
        { name: 'STRIPE_KEY', value: 'sk_live_51Hx' },
        { name: 'GITHUB_TOKEN', value: 'ghp_Abc123' },
      ],
    });
    expect(imported).toBe(2);
    const entries = await core.api.vault.list();
    expect(entries.map((e) => [e.name, e.tags])).toEqual([
      ['GITHUB_TOKEN', ['imported']],
      ['STRIPE_KEY', ['imported']],
    ]);
    const exported = await core.api.vault.exportMeta();
    expect(exported.content).toContain('STRIPE_KEY');
    expect(exported.content).not.toContain('sk_live_51Hx');
    expect(exported.content).not.toContain('ghp_Abc123');
  });

  it('stores nothing when the keychain cannot be reached', () => {
    const out = execFileSync(process.execPath, ['test/support/vault-without-keychain.ts', dir.path], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keyfleet-bus', KEYFLEET_TEST_SECRET: token },
      encoding: 'utf8',
    });
    const result = JSON.parse(out) as { error: { kind: string; message: string }; entries: number };
    expect(result.error.kind).toBe('keychain');
    expect(result.error.message).toMatch(/keychain could not store a secret/);
    expect(result.entries).toBe(0);
    expect(scanForSecrets(dir.path, [token])).toEqual([]);
  });
});

/** A backend sandbox, how to connect to it, make a key, and make that key stop working. */
interface Backend {
  name: string;
  start(): Promise<{ close(): Promise<void> }>;
  connect(core: Core, sandbox: never): Promise<string>;
  create(core: Core, sandbox: never, connectionId: string): Promise<{ keyId: string; revealSlotId: string }>;
  revoke(core: Core, sandbox: never, connectionId: string, keyId: string): Promise<void>;
}

const del = (core: Core, connectionId: string, keyId: string) => core.api.keys.delete({ connectionId, keyId }).then(() => undefined);
const made = (r: { key: { id: string }; revealSlotId: string }) => ({ keyId: r.key.id, revealSlotId: r.revealSlotId });

const backends: Backend[] = [
  {
    name: 'Rancher 1.x',
    start: () => startRancherSandbox({ settleMs: 5 }),
    connect: async (core, sb: Awaited<ReturnType<typeof startRancherSandbox>>) =>
      (await core.api.connections.add({ kind: 'rancher', name: 'r', baseUrl: sb.url, credential: { type: 'key-pair', ...sb.credentials.user } })).id,
    create: async (core, sb: Awaited<ReturnType<typeof startRancherSandbox>>, connectionId) =>
      made(await core.api.keys.create({ connectionId, scopeId: sb.ids.user, type: 'account', name: 'vault-check' })),
    revoke: (core, _sb, connectionId, keyId) => del(core, connectionId, keyId),
  },
  {
    name: 'env zero',
    start: () => startEnvZeroSandbox(),
    connect: async (core, sb: Awaited<ReturnType<typeof startEnvZeroSandbox>>) =>
      (
        await core.api.connections.add({
          kind: 'envzero',
          name: 'e',
          baseUrl: sb.url,
          credential: { type: 'key-pair', accessKey: sb.credentials.admin.apiKeyId, secretKey: sb.credentials.admin.apiKeySecret },
        })
      ).id,
    create: async (core, sb: Awaited<ReturnType<typeof startEnvZeroSandbox>>, connectionId) =>
      made(await core.api.keys.create({ connectionId, scopeId: sb.ids.orgs.platform, type: 'organization', name: 'vault-check', role: 'Admin' })),
    // env zero keeps accepting a deleted key for up to an hour: let that hour pass.
    revoke: async (core, sb: Awaited<ReturnType<typeof startEnvZeroSandbox>>, connectionId, keyId) => {
      await del(core, connectionId, keyId);
      sb.advance(61 * 60_000);
    },
  },
  {
    name: 'LangWatch',
    start: () => startLangwatchSandbox(),
    connect: async (core, sb: Awaited<ReturnType<typeof startLangwatchSandbox>>) =>
      (await core.api.connections.add({ kind: 'langwatch', name: 'l', baseUrl: sb.url, credential: { type: 'token', token: sb.credentials.admin } })).id,
    create: async (core, sb: Awaited<ReturnType<typeof startLangwatchSandbox>>, connectionId) =>
      made(
        await core.api.keys.create({
          connectionId,
          scopeId: sb.ids.organization,
          type: 'personal',
          name: 'vault-check',
          grants: [{ scopeId: sb.ids.organization, role: 'ADMIN' }],
        }),
      ),
    revoke: (core, _sb, connectionId, keyId) => del(core, connectionId, keyId),
  },
  {
    name: 'Onyx',
    start: () => startOnyxSandbox(),
    connect: async (core, sb: Awaited<ReturnType<typeof startOnyxSandbox>>) =>
      (await core.api.connections.add({ kind: 'onyx', name: 'o', baseUrl: sb.url, credential: { type: 'token', token: sb.credentials.adminKey } })).id,
    create: async (core, _sb, connectionId) => made(await core.api.keys.create({ connectionId, scopeId: 'service-accounts', type: 'api-key', name: 'vault-check', groupIds: [] })),
    revoke: (core, _sb, connectionId, keyId) => del(core, connectionId, keyId),
  },
  {
    name: 'deepset',
    start: () => startDeepsetSandbox(),
    connect: async (core, sb: Awaited<ReturnType<typeof startDeepsetSandbox>>) =>
      (
        await core.api.connections.add({
          kind: 'deepset',
          name: 'd',
          baseUrl: sb.url,
          credential: { type: 'token', token: sb.credentials.admin },
          credentialKind: 'user-token',
        })
      ).id,
    create: async (core, sb: Awaited<ReturnType<typeof startDeepsetSandbox>>, connectionId) =>
      made(await core.api.keys.create({ connectionId, scopeId: sb.ids.organization, type: 'service', name: 'vault-check', role: 'MEMBER' })),
    revoke: (core, _sb, connectionId, keyId) => del(core, connectionId, keyId),
  },
];

describe.each(backends)('vault verify against $name', (backend) => {
  let sandbox: Awaited<ReturnType<Backend['start']>>;
  beforeAll(async () => {
    sandbox = await backend.start();
  });
  afterAll(() => sandbox.close());

  it('reports valid while the key works, revoked once it is gone', async () => {
    const connectionId = await backend.connect(core, sandbox as never);
    await core.api.sync.run({ connectionId });
    const { keyId, revealSlotId } = await backend.create(core, sandbox as never, connectionId);
    const reveal = await core.api.reveal.take({ slotId: revealSlotId });
    expect(reveal.source).toEqual({ connectionId, keyId, replacesKeyId: null });
    // "Save to my vault" from the one-time reveal, linked to the key.
    const entry = await core.api.vault.add({
      name: 'my copy',
      service: backend.name,
      fields: reveal.fields.map((f: RevealField) => ({ label: f.label, value: f.value, secret: f.secret })),
      link: { connectionId, keyId },
    });
    expect(entry.verifiable).toBe(true);
    expect(entry.link).toMatchObject({ keyId, key: { id: keyId } });

    expect((await core.api.vault.verify({ id: entry.id })).verifyResult).toBe('valid');
    await backend.revoke(core, sandbox as never, connectionId, keyId);
    const after = await core.api.vault.verify({ id: entry.id });
    expect(after.verifyResult).toBe('revoked');
    expect(after.verifiedAt).not.toBeNull();
  });
});

describe('vault verify when the backend is down', () => {
  it('reports unreachable', async () => {
    const sandbox = await startRancherSandbox({ settleMs: 5 });
    const connectionId = (await core.api.connections.add({ kind: 'rancher', name: 'r', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } })).id;
    await core.api.sync.run({ connectionId });
    const { revealSlotId, key } = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'down' });
    const reveal = await core.api.reveal.take({ slotId: revealSlotId });
    const entry = await core.api.vault.add({ name: 'down', service: 'rancher', fields: reveal.fields, link: { connectionId, keyId: key.id } });
    sandbox.faults.add({ kind: 'drop' });
    expect((await core.api.vault.verify({ id: entry.id })).verifyResult).toBe('unreachable');
    sandbox.faults.clear();
    await sandbox.close();
  });
});

describe('vault and one-time reveals', () => {
  let sandbox: Awaited<ReturnType<typeof startRancherSandbox>>;
  beforeAll(async () => {
    sandbox = await startRancherSandbox({ settleMs: 5 });
  });
  afterAll(() => sandbox.close());

  it('a lock takes a new secret off screen back to "unseen": shown again, once, only after unlocking', async () => {
    const connectionId = (await core.api.connections.add({ kind: 'rancher', name: 'r', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } })).id;
    await core.api.sync.run({ connectionId });
    const { revealSlotId } = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'on-screen' });
    const shown = await core.api.reveal.take({ slotId: revealSlotId });
    expect(await core.api.reveal.pending()).toEqual([]);

    await core.api.vault.lock();
    const [pending] = await core.api.reveal.pending();
    expect(pending).toMatchObject({ connectionId, kind: 'create' });
    // The dialog that closed with the lock reports afterwards; that changes nothing.
    expect(await core.api.reveal.done({ slotId: revealSlotId, seen: true })).toEqual({ released: false });
    expect(await fail(core.api.reveal.reopen({ operationId: pending!.operationId }))).toMatchObject({ kind: 'locked' });

    await core.api.vault.unlock();
    const { revealSlotId: again } = await core.api.reveal.reopen({ operationId: pending!.operationId });
    expect((await core.api.reveal.take({ slotId: again })).fields).toEqual(shown.fields);
    await core.api.reveal.done({ slotId: again, seen: true });
    expect(await keychain.get(`operation:${pending!.operationId}`)).toBeNull();
  });

  it('a rotation of a linked key updates the vault entry with the new secret, even while locked', async () => {
    const connectionId = (await core.api.connections.add({ kind: 'rancher', name: 'r', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } })).id;
    await core.api.sync.run({ connectionId });
    const created = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'deploy-bot' });
    const first = await core.api.reveal.take({ slotId: created.revealSlotId });
    const entry = await core.api.vault.add({ name: 'deploy-bot', service: 'rancher', fields: first.fields, link: { connectionId, keyId: created.key.id } });

    const rotation = await core.api.rotation.start({ connectionId, keyId: created.key.id });
    const second = await core.api.reveal.take({ slotId: rotation.revealSlotId! });
    expect(second.source).toMatchObject({ connectionId, replacesKeyId: created.key.id });
    expect(second.source!.keyId).not.toBe(created.key.id);

    await core.api.vault.lock();
    const updated = await core.api.vault.update({
      id: entry.id,
      name: entry.name,
      service: entry.service,
      tags: entry.tags,
      link: { connectionId, keyId: second.source!.keyId },
      fields: second.fields,
    });
    expect(updated.link).toMatchObject({ keyId: second.source!.keyId });
    expect(updated.verifyResult).toBeNull();
    await core.api.vault.unlock();
    expect((await core.api.vault.reveal({ id: entry.id })).fields).toEqual(second.fields);
    expect(sandbox.authenticates(second.fields[0]!.value, second.fields[1]!.value)).toBe(true);
  });
});
