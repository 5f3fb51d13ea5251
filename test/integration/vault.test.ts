// The personal vault through the core's API, with the real keychain and real SQLite: the keychain
// item of an entry is sealed (read here straight through keytar), the secret shows only on reveal,
// deleting removes the keychain item; a lock forgets the key, clears what it must and refuses every
// call that reads or changes an entry until the passphrase unlocks it; idle minutes lock it; a .env
// file is imported as dotenv reads it; without a keychain nothing is stored; a one-time reveal taken
// off screen by a lock waits for the unlock; a rotation's new secret updates a linked entry.
import { execFileSync } from 'node:child_process';
import keytar from '@github/keytar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../src-preload/contract.ts';
import type { ApiError } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { createMemoryClipboard } from '../../src-main/services/clipboard.ts';
import { createKeytarSecretStore, KEYCHAIN_SERVICE } from '../../src-main/secrets/secret-store.ts';
import { inspectItem } from '../../src-main/secrets/vault-items.ts';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { TEST_KDF } from '../support/vault-service.ts';

const keychain = createKeytarSecretStore();
const PASS = 'vault integration passphrase';
let dir: ReturnType<typeof tempDir>;
let core: Core;
let clock: number;
const clipboard = createMemoryClipboard();

const fail = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as ApiError);

beforeEach(async () => {
  dir = tempDir();
  clock = Date.now();
  core = createCore({ dataDir: dir.path, http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0, clipboard, now: () => clock, idleCheckMs: 20, vaultKdf: TEST_KDF });
  await core.api.vault.setup({ passphrase: PASS });
});
afterEach(async () => {
  if ((await core.api.vault.status()).locked) await core.api.vault.unlock({ passphrase: PASS });
  for (const entry of await core.api.vault.list()) await core.api.vault.remove({ id: entry.id });
  for (const c of await core.api.connections.list()) await core.api.connections.remove({ connectionId: c.id });
  await core.close();
  dir.cleanup();
});

const token = 'sk-personal-Zq9f8TqK2mR4pW7xY1vB';

describe('vault', () => {
  it('seals the secret before the keychain, shows it only on reveal, and deletes the keychain item with the entry', async () => {
    const entry = await core.api.vault.add({
      name: 'OpenAI personal',
      service: 'OpenAI',
      url: 'https://platform.openai.com',
      notes: 'laptop only',
      tags: ['personal', 'llm'],
      fields: [{ label: 'API key', value: token, secret: true }],
    });
    expect(entry).toMatchObject({ name: 'OpenAI personal', fields: [{ label: 'API key', secret: true }], link: null, verifiable: false, checkNote: null });
    expect(JSON.stringify(await core.api.vault.list())).not.toContain(token);
    // What any program of this session reads from the keychain: ciphertext only.
    const item = (await keytar.getPassword(KEYCHAIN_SERVICE, `vault:${entry.id}`))!;
    expect(inspectItem(item).kind).toBe('sealed');
    expect(item).not.toContain(token);
    expect(item).not.toContain(Buffer.from(token).toString('base64'));
    expect(await core.api.vault.reveal({ id: entry.id })).toEqual({ fields: [{ label: 'API key', value: token, secret: true }], visibleForMs: 20_000 });
    expect(scanForSecrets(dir.path, [token, PASS])).toEqual([]);

    await core.api.vault.remove({ id: entry.id });
    expect(await keychain.get(`vault:${entry.id}`)).toBeNull();
    expect(await core.api.vault.list()).toEqual([]);
  });

  it('locks: the key forgotten, the clipboard cleared if it still holds ours, nothing of an entry given out until the passphrase unlocks it', async () => {
    const events: Array<Events['vault.locked']> = [];
    core.events.on('vault.locked', (e) => events.push(e));
    const entry = await core.api.vault.add({ name: 'x', service: 'x', tags: ['t'], fields: [{ label: 'Token', value: token, secret: true }] });
    await core.api.vault.copy({ id: entry.id, label: 'Token' });
    expect(await clipboard.readText()).toBe(token);
    expect(clipboard.concealed).toBe(true);

    expect((await core.api.vault.lock()).locked).toBe(true);
    expect(events).toEqual([{ reason: 'user' }]);
    expect(await clipboard.readText()).toBe('');
    for (const refused of [
      core.api.vault.list(),
      core.api.vault.reveal({ id: entry.id }),
      core.api.vault.copy({ id: entry.id, label: 'Token' }),
      core.api.vault.verify({ id: entry.id }),
      core.api.vault.exportMeta(),
      core.api.vault.update({ id: entry.id, name: 'renamed', service: 'x', link: null }),
      core.api.vault.remove({ id: entry.id }),
    ]) {
      expect(await fail(refused)).toMatchObject({ kind: 'locked' });
    }
    // The status is all a locked vault answers: no name, no service, no tag.
    const status = await core.api.vault.status();
    expect(status).toMatchObject({ passphrase: 'set', locked: true, entries: 1, unlock: 'passphrase' });
    expect(await core.dispatch('vault.list', {})).toMatchObject({ ok: false, error: { kind: 'locked' } });

    expect(await fail(core.api.vault.unlock({}))).toMatchObject({ kind: 'validation' });
    expect(await fail(core.api.vault.unlock({ passphrase: 'not the passphrase' }))).toMatchObject({ kind: 'validation', fields: { passphrase: expect.stringMatching(/^Wrong passphrase/) } });
    expect((await core.api.vault.unlock({ passphrase: PASS })).locked).toBe(false);
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

  it('imports the chosen variables of a .env file as dotenv reads them, and exports metadata without any secret', async () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const text = `# billing\nexport STRIPE_KEY=sk_live_51Hx\nGITHUB_TOKEN="ghp_Abc123" # CI\nDEPLOY_KEY="${pem}"\n`;
    const { variables } = await core.api.vault.parseEnv({ text });
    expect(variables).toEqual([
      { name: 'STRIPE_KEY', line: 2, empty: false },
      { name: 'GITHUB_TOKEN', line: 3, empty: false },
      { name: 'DEPLOY_KEY', line: 4, empty: false },
    ]);
    expect(await fail(core.api.vault.parseEnv({ text: 'A=1\nthis is not a line\n' }))).toMatchObject({ kind: 'validation', message: expect.stringMatching(/line 2: not a NAME=value line/) });
    const { imported } = await core.api.vault.importEnv({ text, service: 'billing.env', tags: ['imported'], names: ['STRIPE_KEY', 'DEPLOY_KEY'] });
    expect(imported).toBe(2);
    const entries = await core.api.vault.list();
    expect(entries.map((e) => [e.name, e.service, e.tags])).toEqual([
      ['DEPLOY_KEY', 'billing.env', ['imported']],
      ['STRIPE_KEY', 'billing.env', ['imported']],
    ]);
    expect((await core.api.vault.reveal({ id: entries[0]!.id })).fields[0]!.value).toBe(pem);
    const exported = await core.api.vault.exportMeta();
    expect(exported.content).toContain('STRIPE_KEY');
    expect(exported.content).not.toContain('sk_live_51Hx');
    expect(exported.content).not.toContain('MIIEvQ');
  });

  it('stores nothing when the keychain cannot be reached', () => {
    const elsewhere = tempDir();
    const out = execFileSync(process.execPath, ['test/support/vault-without-keychain.ts', elsewhere.path], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keyfleet-bus', KEYFLEET_TEST_SECRET: token },
      encoding: 'utf8',
    });
    const result = JSON.parse(out) as { error: { kind: string; message: string }; entries: number };
    expect(result.error.kind).toBe('keychain');
    expect(result.error.message).toMatch(/keychain could not store a secret/);
    expect(result.entries).toBe(0);
    expect(scanForSecrets(elsewhere.path, [token])).toEqual([]);
    elsewhere.cleanup();
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

    await core.api.vault.unlock({ passphrase: PASS });
    const { revealSlotId: again } = await core.api.reveal.reopen({ operationId: pending!.operationId });
    expect((await core.api.reveal.take({ slotId: again })).fields).toEqual(shown.fields);
    await core.api.reveal.done({ slotId: again, seen: true });
    expect(await keychain.get(`operation:${pending!.operationId}`)).toBeNull();
  });

  it('a rotation of a linked key updates the vault entry with the new secret, once the vault is unlocked', async () => {
    const connectionId = (await core.api.connections.add({ kind: 'rancher', name: 'r', baseUrl: sandbox.url, credential: { type: 'key-pair', ...sandbox.credentials.user } })).id;
    await core.api.sync.run({ connectionId });
    const created = await core.api.keys.create({ connectionId, scopeId: sandbox.ids.user, type: 'account', name: 'deploy-bot' });
    const first = await core.api.reveal.take({ slotId: created.revealSlotId });
    const entry = await core.api.vault.add({ name: 'deploy-bot', service: 'rancher', fields: first.fields, link: { connectionId, keyId: created.key.id } });

    const rotation = await core.api.rotation.start({ connectionId, keyId: created.key.id });
    const second = await core.api.reveal.take({ slotId: rotation.revealSlotId! });
    expect(second.source).toMatchObject({ connectionId, replacesKeyId: created.key.id });
    expect(second.source!.keyId).not.toBe(created.key.id);

    const update = { id: entry.id, name: entry.name, service: entry.service, tags: entry.tags, link: { connectionId, keyId: second.source!.keyId }, fields: second.fields };
    // Locked, a new secret cannot be sealed: the wizard asks to unlock first.
    await core.api.vault.lock();
    expect(await fail(core.api.vault.update(update))).toMatchObject({ kind: 'locked' });
    await core.api.vault.unlock({ passphrase: PASS });
    const updated = await core.api.vault.update(update);
    expect(updated.link).toMatchObject({ keyId: second.source!.keyId, keyName: 'deploy-bot', state: 'present' });
    expect(updated.verifyResult).toBeNull();
    expect((await core.api.vault.reveal({ id: entry.id })).fields).toEqual(second.fields);
    expect(sandbox.authenticates(second.fields[0]!.value, second.fields[1]!.value)).toBe(true);
  });
});
