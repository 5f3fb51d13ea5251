// Run as a child process with no reachable Secret Service: sets a vault passphrase, tries to add a
// vault entry through the core and prints what happened as JSON. Used by the vault test.
import { createCore } from '../../src-main/core.ts';
import { TEST_KDF } from './vault-service.ts';

const [dataDir] = process.argv.slice(2) as [string];
const core = createCore({ dataDir, syncIntervalMs: 0, vaultKdf: TEST_KDF });
let error: unknown = null;
try {
  await core.api.vault.setup({ passphrase: 'no keychain, still a passphrase' });
  await core.api.vault.add({ name: 'nowhere', service: 'x', fields: [{ label: 'Token', value: process.env.KEYFLEET_TEST_SECRET ?? '', secret: true }] });
} catch (e) {
  error = { kind: (e as { kind: string }).kind, message: (e as Error).message };
}
const entries = (await core.api.vault.list()).length;
await core.close();
process.stdout.write(JSON.stringify({ error, entries }));
