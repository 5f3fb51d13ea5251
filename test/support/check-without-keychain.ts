// Run as a child process with no reachable Secret Service: runs the first-run keychain check
// through the core and prints its answer as JSON. Used by the settings test.
import { createCore } from '../../src-main/core.ts';

const [dataDir] = process.argv.slice(2) as [string];
const core = createCore({ dataDir, syncIntervalMs: 0 });
const check = await core.api.app.checkKeychain();
await core.close();
process.stdout.write(JSON.stringify(check));
