// A core in its own process opening the vault for the first time with a passphrase, while the keychain
// still holds entries an older version stored in plaintext: it sets the passphrase (or, when a
// previous run already did, unlocks) and so encrypts them, and is killed (SIGKILL) on the way.
//
//   vault-migration-child.ts <dataDir> <passphrase> <killAt>
//
// killAt: "get#n" (the n-th read of a vault item: the first comes right after the wrapped key was
// committed), "set#n" (just after the n-th item was replaced by its ciphertext), "during-set#n"
// (while the n-th replacement is on its way to the keychain), or "never". The parent may also kill
// it at a random moment. Prints JSON lines: ready, opened (with the migration's state), done.
import { createCore } from '../../src-main/core.ts';
import { createKeytarSecretStore, type SecretStore } from '../../src-main/secrets/secret-store.ts';
import { TEST_KDF } from './vault-service.ts';

const [dataDir, passphrase, killAt = 'never'] = process.argv.slice(2) as [string, string, string?];
const say = (event: string, data: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
const [point, nth] = killAt.split('#') as [string, string | undefined];
const seen = new Map<string, number>();
const reached = (name: string) => {
  const n = (seen.get(name) ?? 0) + 1;
  seen.set(name, n);
  return name === point && n === Number(nth);
};
const die = (where: string) => {
  say('killed', { at: where });
  process.kill(process.pid, 'SIGKILL');
};

const real = createKeytarSecretStore();
const keychain: SecretStore = {
  ...real,
  async get(account) {
    if (account.startsWith('vault:') && reached('get')) die(killAt);
    return real.get(account);
  },
  async set(account, secret) {
    if (account.startsWith('vault:') && reached('during-set')) {
      void real.set(account, secret);
      // The write is on its way over D-Bus: die before its answer comes back.
      setImmediate(() => die(killAt));
      return new Promise<void>(() => undefined);
    }
    await real.set(account, secret);
    if (account.startsWith('vault:') && reached('set')) die(killAt);
  },
};

const core = createCore({ dataDir, secretStore: keychain, syncIntervalMs: 0, vaultKdf: TEST_KDF });
await core.ready;
say('ready');
const { vault } = core.api;
const status = await vault.status();
if (status.passphrase === 'unset') await vault.setup({ passphrase });
else await vault.unlock({ passphrase });
say('opened', { migrationPending: (await vault.status()).migrationPending, setUp: status.passphrase === 'unset' });
await core.close();
say('done');
