// A keychain in memory, for runs that are about something else than the OS keychain (the bench,
// the settings tests); `items` shows what was stored.
import type { SecretStore } from '../../src-main/secrets/secret-store.ts';

export function memorySecretStore(): SecretStore & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    probe: () => Promise.resolve({ available: true, message: null }),
    get: (account) => Promise.resolve(items.get(account) ?? null),
    set: (account, secret) => {
      items.set(account, secret);
      return Promise.resolve();
    },
    delete: (account) => Promise.resolve(items.delete(account)),
  };
}
