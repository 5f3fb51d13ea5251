// Run as a child process with no reachable Secret Service: tries to add a connection through the
// core and prints what happened as JSON. Used by the core-flow test.
import { createCore } from '../../src-main/core.ts';

const [dataDir, baseUrl] = process.argv.slice(2) as [string, string];
const core = createCore({ dataDir });
const status = await core.api.app.status();
let error: unknown = null;
try {
  await core.api.connections.add({
    kind: 'rancher',
    name: 'No keychain',
    baseUrl,
    credential: { type: 'key-pair', accessKey: process.env.KEYFLEET_TEST_ACCESS ?? '', secretKey: process.env.KEYFLEET_TEST_SECRET ?? '' },
  });
} catch (e) {
  error = { kind: (e as { kind: string }).kind, message: (e as Error).message };
}
const connections = (await core.api.connections.list()).length;
await core.close();
process.stdout.write(JSON.stringify({ status: status.keychain, error, connections }));
