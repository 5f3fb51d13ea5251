// Steps the vault specs share: the passphrases and a token they type, a vault row by name, and
// first use of My vault as a person goes through it.
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/server.ts';
import { expect } from './fixtures.ts';

export const token = 'sk-own-Vq3mT8zL1pR6wX0cN4bY';
export const PASSPHRASE = 'copper lantern orbit 1847';
export const BACKUP_PASSPHRASE = 'a backup passphrase of its own';

export const vaultRow = (app: Page, name: string) => app.locator('tr[data-vault-id]').filter({ has: app.getByText(name, { exact: true }) });

/** First use of My vault: the passphrase, its repeat, the statement that it cannot be recovered. */
export async function setPassphrase(app: Page, passphrase = PASSPHRASE) {
  const gate = app.getByRole('region', { name: 'My vault' });
  await expect(gate.getByRole('heading', { name: 'Choose a vault passphrase' })).toBeVisible();
  await gate.getByLabel('Vault passphrase').fill(passphrase);
  await gate.getByLabel('Repeat it').fill(passphrase);
  await gate.getByLabel('I understand that a forgotten passphrase cannot be recovered.').check();
  await gate.getByRole('button', { name: 'Set passphrase and open the vault' }).click();
  await expect(gate.getByRole('heading', { name: 'Choose a vault passphrase' })).toHaveCount(0);
}

/** Entries' secrets live in the real keychain: remove them after a test, not just the data dir. */
export async function emptyVault(harness: Harness): Promise<void> {
  if ((await harness.core.api.vault.status()).locked) await harness.core.api.vault.unlock({ passphrase: PASSPHRASE }).catch(() => undefined);
  for (const entry of await harness.core.api.vault.list().catch(() => [])) await harness.core.api.vault.remove({ id: entry.id }).catch(() => undefined);
}
