// The vault passphrase with the real OS keychain and real SQLite: the keychain holds only
// ciphertext for vault secrets (read here straight through keytar), a locked vault gives out
// nothing, wrong passphrases wait longer and longer (also across a restart), changing the
// passphrase rewraps the key and touches no secret, a ciphertext moved between entries is refused,
// weaker KDF parameters are raised at unlock, Touch ID keeps a checked copy of the key only while on,
// and entries stored in plaintext by older versions are encrypted at the first unlock.
import keytar from '@github/keytar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeytarSecretStore, KEYCHAIN_SERVICE, type SecretStore } from '../../src-main/secrets/secret-store.ts';
import { openWithPassphrase } from '../../src-main/secrets/vault-crypto.ts';
import { inspectItem, openItem } from '../../src-main/secrets/vault-items.ts';
import { deviceKeyAccount, KEY_FORMAT, KEY_VERSION } from '../../src-main/services/vault/session.ts';
import { vaultAccount } from '../../src-main/services/vault/index.ts';
import { scanForSecrets } from '../support/scan.ts';
import { tempDir } from '../support/temp.ts';
import { openVault, TEST_KDF, type VaultOnDisk } from '../support/vault-service.ts';

const PASS = 'orbit lantern quietly 42';
const TOKEN = 'sk-vault-Zq9f8TqK2mR4pW7xY1vB';
const PAIR = { access: 'AKIA-access-V3nT', secret: 'rancher-secret-Qx81Lm0Pz' };

let dir: ReturnType<typeof tempDir>;
let open: VaultOnDisk[] = [];
const accounts = new Set<string>();

const start = (options?: Parameters<typeof openVault>[1]) => {
  const v = openVault(dir.path, options);
  open.push(v);
  return v;
};
const restart = (v: VaultOnDisk, options?: Parameters<typeof openVault>[1]) => {
  v.close();
  open = open.filter((o) => o !== v);
  return start(options);
};
const kindOf = (promise: Promise<unknown> | (() => unknown)) =>
  Promise.resolve()
    .then(typeof promise === 'function' ? promise : () => promise)
    .then(
      () => 'ok',
      (error: unknown) => (error as { kind?: string }).kind ?? String(error),
    );
const raw = (id: string) => keytar.getPassword(KEYCHAIN_SERVICE, vaultAccount(id));

async function addTwo(v: VaultOnDisk) {
  const a = await v.vault.add({ name: 'OpenAI personal', service: 'OpenAI', tags: ['llm'], fields: [{ label: 'API key', value: TOKEN, secret: true }] });
  const b = await v.vault.add({
    name: 'Rancher bot',
    service: 'rancher',
    fields: [
      { label: 'Access key', value: PAIR.access, secret: false },
      { label: 'Secret key', value: PAIR.secret, secret: true },
    ],
  });
  accounts.add(vaultAccount(a.id)).add(vaultAccount(b.id));
  return { a, b };
}

beforeEach(() => {
  dir = tempDir('keyfleet-vault-');
});
afterEach(async () => {
  for (const v of open) v.close();
  open = [];
  for (const account of accounts) await keytar.deletePassword(KEYCHAIN_SERVICE, account);
  accounts.clear();
  dir.cleanup();
});

describe('vault passphrase', () => {
  it('seals every secret before the keychain: the item read straight from the keychain holds only ciphertext', async () => {
    const v = start();
    await v.vault.setup(PASS);
    const { a, b } = await addTwo(v);
    for (const [entry, values] of [
      [a, [TOKEN]],
      [b, [PAIR.access, PAIR.secret]],
    ] as const) {
      const item = (await raw(entry.id))!;
      expect(inspectItem(item)).toEqual({ kind: 'sealed' });
      for (const value of values) {
        expect(item).not.toContain(value);
        expect(item).not.toContain(Buffer.from(value).toString('base64'));
      }
      // It opens with the vault key, which only the passphrase unwraps.
      const record = v.store.vaultKey.get()!;
      const { plaintext: key } = await openWithPassphrase({ format: KEY_FORMAT, version: KEY_VERSION, passphrase: PASS, header: record.header, ciphertext: record.wrapped });
      expect(openItem(key, entry.id, entry.fields.map((f) => f.label), item)).toEqual(values);
    }
    expect((await v.vault.reveal(b.id)).fields.map((f) => f.value)).toEqual([PAIR.access, PAIR.secret]);
    // The wrapped key, header and metadata in SQLite and the log hold neither a secret nor the passphrase.
    expect(JSON.parse(v.store.vaultKey.get()!.header)).toMatchObject({ format: 'keyfleet-vault-key', kdf: { name: 'scrypt', N: TEST_KDF.N }, cipher: { name: 'aes-256-gcm' } });
    expect(scanForSecrets(dir.path, [TOKEN, PAIR.secret, PASS])).toEqual([]);
  });

  it('starts locked after a restart and gives out nothing until unlocked: no list, no secret, no change', async () => {
    let v = start();
    await v.vault.setup(PASS);
    const { a } = await addTwo(v);
    v = restart(v);
    const status = await v.vault.status();
    expect(status).toMatchObject({ passphrase: 'set', locked: true, entries: 2, unlock: 'passphrase' });
    expect(JSON.stringify(status)).not.toContain('OpenAI');
    const refused = {
      list: await kindOf(() => v.vault.list()),
      reveal: await kindOf(v.vault.reveal(a.id)),
      copy: await kindOf(v.vault.copy(a.id, 'API key')),
      add: await kindOf(v.vault.add({ name: 'x', service: 'x', fields: [{ label: 'k', value: 'v', secret: true }] })),
      update: await kindOf(v.vault.update({ id: a.id, name: 'renamed', service: 'x', link: null })),
      remove: await kindOf(v.vault.remove(a.id)),
      verify: await kindOf(v.vault.verify(a.id)),
      exportMeta: await kindOf(() => v.vault.exportMeta()),
      backup: await kindOf(v.vault.backup('another passphrase')),
      parseEnv: await kindOf(() => v.vault.parseEnv('A=1')),
    };
    expect(Object.values(refused).every((k) => k === 'locked'), JSON.stringify(refused)).toBe(true);
    await v.vault.unlock({ passphrase: PASS });
    expect(v.vault.list().map((e) => e.name)).toEqual(['OpenAI personal', 'Rancher bot']);
    expect((await v.vault.reveal(a.id)).fields[0]!.value).toBe(TOKEN);
    // A lock forgets the key again.
    await v.vault.lock('user');
    expect(await kindOf(v.vault.reveal(a.id))).toBe('locked');
  });

  it('answers wrong passphrases after a delay that doubles, one attempt at a time, also across a restart', async () => {
    let v = start();
    await v.vault.setup(PASS);
    await v.vault.lock('user');
    type Refusal = { kind: string; fields: Record<string, string> };
    const attempt = (passphrase: string): Promise<Refusal> => v.vault.unlock({ passphrase }).then(() => ({ kind: 'ok', fields: {} }), (e: unknown) => e as Refusal);
    const wrong = await Promise.all(['guess 1', 'guess 2', 'guess 3'].map(attempt));
    expect(wrong.map((e) => e.kind)).toEqual(['validation', 'validation', 'validation']);
    expect(v.slept).toEqual([1000, 2000, 4000]);
    expect(wrong[2]!.fields.passphrase).toBe('Wrong passphrase (3 in a row). The next wrong one is answered after 8 s.');
    v = restart(v);
    expect((await v.vault.status()).failedAttempts).toBe(3);
    await v.vault.unlock({ passphrase: 'guess 4' }).catch(() => undefined);
    expect(v.slept).toEqual([8000]);
    await v.vault.unlock({ passphrase: PASS });
    expect(await v.vault.status()).toMatchObject({ locked: false, failedAttempts: 0 });
    await v.vault.lock('user');
    await v.vault.unlock({ passphrase: 'guess 5' }).catch(() => undefined);
    expect(v.slept).toEqual([8000, 1000]);
    expect(scanForSecrets(dir.path, [PASS, 'guess 4'])).toEqual([]);
  });

  it('changes the passphrase by rewrapping the key: no keychain item changes; the old passphrase stops working', async () => {
    let v = start();
    await v.vault.setup(PASS);
    const { a, b } = await addTwo(v);
    const before = [await raw(a.id), await raw(b.id)];
    const header = v.store.vaultKey.get()!.header;
    expect(await kindOf(v.vault.changePassphrase('not it', 'new passphrase here'))).toBe('validation');
    await v.vault.changePassphrase(PASS, 'new passphrase here');
    expect([await raw(a.id), await raw(b.id)]).toEqual(before);
    expect(JSON.parse(v.store.vaultKey.get()!.header).kdf.salt).not.toBe(JSON.parse(header).kdf.salt);
    v = restart(v);
    expect(await kindOf(v.vault.unlock({ passphrase: PASS }))).toBe('validation');
    await v.vault.unlock({ passphrase: 'new passphrase here' });
    expect((await v.vault.reveal(a.id)).fields[0]!.value).toBe(TOKEN);
  });

  it('refuses a ciphertext moved from one entry to another in the keychain, showing nothing', async () => {
    const v = start();
    await v.vault.setup(PASS);
    const a = await v.vault.add({ name: 'one', service: 'x', fields: [{ label: 'Token', value: TOKEN, secret: true }] });
    const b = await v.vault.add({ name: 'two', service: 'x', fields: [{ label: 'Token', value: 'sk-other-4kd8', secret: true }] });
    accounts.add(vaultAccount(a.id)).add(vaultAccount(b.id));
    await keytar.setPassword(KEYCHAIN_SERVICE, vaultAccount(b.id), (await raw(a.id))!);
    const error = (await v.vault.reveal(b.id).catch((e: unknown) => e)) as { kind: string; message: string };
    expect(error.kind).toBe('keychain');
    expect(error.message).toMatch(/does not open with this vault’s key/);
    expect(error.message).not.toContain(TOKEN);
    // A plaintext item written from outside once every item is sealed is refused too.
    await keytar.setPassword(KEYCHAIN_SERVICE, vaultAccount(b.id), JSON.stringify(['planted']));
    expect(await kindOf(v.vault.reveal(b.id))).toBe('keychain');
  });

  it('reseals the key with stronger KDF parameters at unlock', async () => {
    let v = start();
    await v.vault.setup(PASS);
    const { a } = await addTwo(v);
    v = restart(v, { kdf: { N: 2 ** 15, r: 8, p: 1 } });
    await v.vault.unlock({ passphrase: PASS });
    expect((await v.vault.status()).kdf).toEqual({ name: 'scrypt', N: 2 ** 15, r: 8, p: 1 });
    v = restart(v, { kdf: { N: 2 ** 15, r: 8, p: 1 } });
    await v.vault.unlock({ passphrase: PASS });
    expect((await v.vault.reveal(a.id)).fields[0]!.value).toBe(TOKEN);
  });

  it('Touch ID: a copy of the key in the keychain only while on, checked against the vault, used only after the OS confirms', async () => {
    let answer = true;
    const authenticate = () => Promise.resolve(answer);
    let v = start({ authenticate });
    await v.vault.setup(PASS);
    const { a } = await addTwo(v);
    expect((await v.vault.status()).touchId).toBe('off');
    expect(await kindOf(v.vault.unlock({ touchId: true }))).toBe('ok'); // already unlocked
    await v.vault.setTouchId(true);
    const account = deviceKeyAccount(v.store.vaultKey.get()!.keyCheck);
    accounts.add(account);
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, account)).not.toBeNull();
    v = restart(v, { authenticate });
    answer = false;
    expect(await kindOf(v.vault.unlock({ touchId: true }))).toBe('forbidden');
    answer = true;
    await v.vault.unlock({ touchId: true });
    expect((await v.vault.reveal(a.id)).fields[0]!.value).toBe(TOKEN);
    // Another key planted in its place is refused.
    await v.vault.lock('user');
    await keytar.setPassword(KEYCHAIN_SERVICE, account, Buffer.alloc(32, 1).toString('base64'));
    expect(await kindOf(v.vault.unlock({ touchId: true }))).toBe('keychain');
    await v.vault.unlock({ passphrase: PASS });
    await v.vault.setTouchId(false);
    expect(await keytar.getPassword(KEYCHAIN_SERVICE, account)).toBeNull();
    expect((await v.vault.status()).touchId).toBe('off');
    // Without Touch ID on the machine it cannot be turned on.
    v = restart(v);
    await v.vault.unlock({ passphrase: PASS });
    expect(await kindOf(v.vault.setTouchId(true))).toBe('unsupported');
  });
});

describe('entries from before vault passphrases', () => {
  const ids = ['0b7d5d43-1e7a-4a8e-9f0e-000000000001', '0b7d5d43-1e7a-4a8e-9f0e-000000000002'];
  const values = [[TOKEN], [PAIR.access, PAIR.secret]];

  /** What an older Keyfleet left: metadata in SQLite, the values as a plain JSON array in the keychain. */
  async function legacy(v: VaultOnDisk) {
    ids.forEach((id, i) =>
      v.store.vault.put({
        id,
        name: `old ${i}`,
        service: 'legacy',
        url: null,
        notes: null,
        expiresAt: null,
        tags: [],
        fields: values[i]!.map((_, f) => ({ label: `Field ${f}`, secret: true })),
        link: null,
        verifiedAt: null,
        verifyResult: null,
        createdAt: 1,
        updatedAt: 1,
      }),
    );
    for (const [i, id] of ids.entries()) {
      accounts.add(vaultAccount(id));
      await keytar.setPassword(KEYCHAIN_SERVICE, vaultAccount(id), JSON.stringify(values[i]));
    }
  }

  it('stay closed until a passphrase is set, then are encrypted in place, values intact', async () => {
    let v = start();
    await legacy(v);
    v = restart(v);
    expect(await v.vault.status()).toMatchObject({ passphrase: 'unset', locked: false, migrationPending: true, entries: 2 });
    expect(await kindOf(() => v.vault.list())).toBe('locked');
    expect(await kindOf(v.vault.reveal(ids[0]!))).toBe('locked');

    await v.vault.setup(PASS);
    expect((await v.vault.status()).migrationPending).toBe(false);
    for (const [i, id] of ids.entries()) {
      const item = (await raw(id))!;
      expect(inspectItem(item).kind).toBe('sealed');
      for (const value of values[i]!) expect(item).not.toContain(value);
      expect((await v.vault.reveal(id)).fields.map((f) => f.value)).toEqual(values[i]);
    }
    v = restart(v);
    await v.vault.unlock({ passphrase: PASS });
    expect((await v.vault.reveal(ids[1]!)).fields.map((f) => f.value)).toEqual(values[1]);
  });

  it('a lock in the middle of the migration stops it: nothing is sealed with the forgotten key, the next unlock finishes', async () => {
    let v = start();
    await legacy(v);
    v = restart(v);
    // The vault locks (idle, the screen) just as the migration reads the first item.
    const real = createKeytarSecretStore();
    let locking = true;
    const locks: SecretStore = {
      ...real,
      get: async (account) => {
        const value = await real.get(account);
        if (locking && account.startsWith('vault:')) {
          locking = false;
          await v.vault.lock('idle');
        }
        return value;
      },
    };
    v = restart(v, { secrets: locks });
    await v.vault.setup(PASS);
    expect(await v.vault.status()).toMatchObject({ locked: true, migrationPending: true });
    for (const id of ids) expect(inspectItem((await raw(id))!).kind).toBe('legacy');
    await v.vault.unlock({ passphrase: PASS });
    expect((await v.vault.status()).migrationPending).toBe(false);
    for (const [i, id] of ids.entries()) expect((await v.vault.reveal(id)).fields.map((f) => f.value)).toEqual(values[i]);
  });
});
