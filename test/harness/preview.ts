// `npm run preview:web`: the real core with a seeded Rancher sandbox, served to a browser, for a
// person to click through without Electron. Uses the real OS keychain and a throwaway data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import { startHarness } from './server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'keyfleet-preview-'));
const sandbox = await startRancherSandbox({ settleMs: 300 });
const harness = await startHarness({ dataDir, port: Number(process.env.PORT ?? 5180) });

const status = await harness.core.api.app.status();
if (status.keychain.available) {
  const connection = await harness.core.api.connections.add({
    kind: 'rancher',
    name: 'Sandbox Rancher (alice)',
    baseUrl: sandbox.url,
    credential: { type: 'key-pair', ...sandbox.credentials.user },
  });
  await harness.core.api.sync.run({ connectionId: connection.id });
}

const { admin } = sandbox.credentials;
console.log(`
Keyfleet web preview
  open:        ${harness.pageUrl}
  data dir:    ${dataDir}
  keychain:    ${status.keychain.available ? 'available' : status.keychain.message}

Rancher sandbox at ${sandbox.url} (already connected as alice).
  Add the admin as a second connection:  access key ${admin.accessKey}
                                         secret key ${admin.secretKey}
  Inject a fault:  curl -X POST ${sandbox.url}/__sandbox/faults -d '{"kind":"status","status":500}'
  Clear faults:    curl -X DELETE ${sandbox.url}/__sandbox/faults

Ctrl-C stops it and removes the data dir (connections' keychain items are removed too).`);

async function stop() {
  for (const c of await harness.core.api.connections.list()) await harness.core.api.connections.remove({ connectionId: c.id });
  await harness.close();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
