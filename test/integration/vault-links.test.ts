// Vault entries linked to inventory keys, with the real keychain and each backend's sandbox: a
// linked row says which key it is (connection, scope, name) and follows the inventory (a key deleted
// behind Keyfleet's back shows as gone after a sync; a removed connection as removed); "check it
// still works" calls the backend with the entry's own secret (valid while it works, revoked once
// it is gone, unreachable when the backend is), and whenever its answer and the inventory's status
// disagree the entry says why.
import { afterEach, beforeEach, describe, expect, it, beforeAll, afterAll } from 'vitest';
import type { RevealField } from '../../src-preload/contract.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { startDeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox } from '../backends/envzero/server.ts';
import { startLangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { tempDir } from '../support/temp.ts';
import { TEST_KDF } from '../support/vault-service.ts';

const PASS = 'links integration passphrase';
const dirs: Array<ReturnType<typeof tempDir>> = [];
const cores: Core[] = [];
let core: Core;

/** A Keyfleet of its own (another admin's, on another machine), vault set up. */
async function keyfleet(): Promise<Core> {
  const dir = tempDir();
  dirs.push(dir);
  const c = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0, vaultKdf: TEST_KDF });
  cores.push(c);
  await c.api.vault.setup({ passphrase: PASS });
  return c;
}

beforeEach(async () => {
  core = await keyfleet();
});
afterEach(async () => {
  for (const c of cores.splice(0)) {
    for (const entry of await c.api.vault.list()) await c.api.vault.remove({ id: entry.id });
    for (const connection of await c.api.connections.list()) await c.api.connections.remove({ connectionId: connection.id });
    await c.close();
  }
  for (const d of dirs.splice(0)) d.cleanup();
});

const listed = async (c: Core, id: string) => (await c.api.vault.list()).find((e) => e.id === id)!;

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

    expect(await core.api.vault.verify({ id: entry.id })).toMatchObject({ verifyResult: 'valid', checkNote: null });
    await backend.revoke(core, sandbox as never, connectionId, keyId);
    const after = await core.api.vault.verify({ id: entry.id });
    expect(after.verifyResult).toBe('revoked');
    expect(after.verifiedAt).not.toBeNull();
    // Deleted through Keyfleet: the inventory no longer says it is active either, so the two agree.
    expect(after.link!.state !== 'present' || after.link!.key?.status !== 'active').toBe(true);
    expect(after.checkNote).toBeNull();
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


describe('links that tell the truth', () => {
  let rancher: Awaited<ReturnType<typeof startRancherSandbox>>;
  let envzero: Awaited<ReturnType<typeof startEnvZeroSandbox>>;
  beforeAll(async () => {
    [rancher, envzero] = await Promise.all([startRancherSandbox({ settleMs: 5 }), startEnvZeroSandbox()]);
  });
  afterAll(() => Promise.all([rancher.close(), envzero.close()]));

  const connectRancher = async (c: Core) => {
    const { id } = await c.api.connections.add({ kind: 'rancher', name: 'Rancher prod', baseUrl: rancher.url, credential: { type: 'key-pair', ...rancher.credentials.user } });
    await c.api.sync.run({ connectionId: id });
    return id;
  };

  it('says which key (connection, scope, name); a key deleted behind Keyfleet’s back shows as gone, and a check older than that says so', async () => {
    const connectionId = await connectRancher(core);
    const { key, revealSlotId } = await core.api.keys.create({ connectionId, scopeId: rancher.ids.user, type: 'account', name: 'ci-deploy' });
    const { fields } = await core.api.reveal.take({ slotId: revealSlotId });
    const entry = await core.api.vault.add({ name: 'CI deploy', service: 'rancher', fields, link: { connectionId, keyId: key.id } });
    const scope = (await core.api.scopes.list({ connectionId })).find((s) => s.id === rancher.ids.user)!;
    expect(entry.link).toMatchObject({ connectionName: 'Rancher prod', connectionKind: 'rancher', scopeName: scope.name, keyName: 'ci-deploy', state: 'present', key: { status: 'active' } });
    expect(entry.link!.syncedAt).toEqual(expect.any(Number));
    expect(await core.api.vault.verify({ id: entry.id })).toMatchObject({ verifyResult: 'valid', checkNote: null });

    // Another admin deletes the key; this Keyfleet learns it at its next sync.
    const other = await keyfleet();
    const otherConnection = await connectRancher(other);
    await other.api.keys.delete({ connectionId: otherConnection, keyId: key.id });
    await core.api.sync.run({ connectionId });
    const gone = await listed(core, entry.id);
    expect(gone.link).toMatchObject({ keyName: 'ci-deploy', state: 'gone', key: { goneSince: expect.any(Number) } });
    // "Works" was true before that sync; the entry says the check is the older word.
    expect(gone).toMatchObject({ verifyResult: 'valid', checkNote: 'check-older-than-sync' });
    // Checked again: refused, and now both agree.
    expect(await core.api.vault.verify({ id: entry.id })).toMatchObject({ verifyResult: 'revoked', checkNote: null });

    // The connection removed: the link says so, and there is nothing to check against.
    await core.api.connections.remove({ connectionId });
    expect((await listed(core, entry.id)).link).toMatchObject({ connectionName: null, state: 'missing', key: null });
    expect((await listed(core, entry.id)).verifiable).toBe(false);
  });

  it('says why when the backend refuses the saved secret of a key the inventory lists active', async () => {
    const connectionId = await connectRancher(core);
    const { key, revealSlotId } = await core.api.keys.create({ connectionId, scopeId: rancher.ids.user, type: 'account', name: 'typo' });
    const { fields } = await core.api.reveal.take({ slotId: revealSlotId });
    // Saved by hand, with the secret mistyped.
    const entry = await core.api.vault.add({
      name: 'typo',
      service: 'rancher',
      fields: fields.map((f) => ({ label: f.label, value: f.secret ? `${f.value}x` : f.value, secret: f.secret })),
      link: { connectionId, keyId: key.id },
    });
    expect(await core.api.vault.verify({ id: entry.id })).toMatchObject({ verifyResult: 'revoked', checkNote: 'refused-though-active', link: { state: 'present', key: { status: 'active' } } });
  });

  it('says why when the backend still accepts a key the last sync found gone (env zero keeps deleted keys for an hour)', async () => {
    const connect = async (c: Core) => {
      const { id } = await c.api.connections.add({
        kind: 'envzero',
        name: 'env zero',
        baseUrl: envzero.url,
        credential: { type: 'key-pair', accessKey: envzero.credentials.admin.apiKeyId, secretKey: envzero.credentials.admin.apiKeySecret },
      });
      await c.api.sync.run({ connectionId: id });
      return id;
    };
    // Another admin makes the key and hands over its secret; this Keyfleet keeps it, linked.
    const other = await keyfleet();
    const otherConnection = await connect(other);
    const { key, revealSlotId } = await other.api.keys.create({ connectionId: otherConnection, scopeId: envzero.ids.orgs.platform, type: 'organization', name: 'cached', role: 'Admin' });
    const { fields } = await other.api.reveal.take({ slotId: revealSlotId });
    const connectionId = await connect(core);
    const entry = await core.api.vault.add({ name: 'cached', service: 'envzero', fields, link: { connectionId, keyId: key.id } });
    expect((await core.api.vault.verify({ id: entry.id })).verifyResult).toBe('valid');

    await other.api.keys.delete({ connectionId: otherConnection, keyId: key.id });
    await core.api.sync.run({ connectionId });
    expect((await listed(core, entry.id)).link!.state).toBe('gone');
    expect(await core.api.vault.verify({ id: entry.id })).toMatchObject({ verifyResult: 'valid', checkNote: 'accepted-though-not-active' });
  });
});
