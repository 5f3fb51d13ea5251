// Run as a child process with no reachable Secret Service: tries to add a vault entry through the
// core and prints what happened as JSON. Used by the vault test.
import { createCore } from '../../src-main/core.ts';

const [dataDir] = process.argv.slice(2) as [string];
const core = createCore({ dataDir, syncIntervalMs: 0 });
let error: unknown = null;
try {
  await core.api.vault.add({ name: 'nowhere', service: 'x', fields: [{ label: 'Token', value: process.env.KEYFLEET_TEST_SECRET ?? '', secret: true }] });
} catch (e) {
  error = { kind: (e as { kind: string }).kind, message: (e as Error).message };
}
const entries = (await core.api.vault.list()).length;
await core.close();
process.stdout.write(JSON.stringify({ error, entries }));
