// Starts the env zero sandbox for a person to click through: `node test/backends/envzero/start.ts`.
import { startEnvZeroSandbox } from './server.ts';

const sandbox = await startEnvZeroSandbox({ port: Number(process.env.PORT ?? 5190), listLagMs: 15_000 });
const { personal, admin } = sandbox.credentials;
console.log(`env zero sandbox at ${sandbox.url}
  personal key (two organizations): API key ID ${personal.apiKeyId}  secret ${personal.apiKeySecret}
  Acme Platform admin key:          API key ID ${admin.apiKeyId}  secret ${admin.apiKeySecret}
  A new key appears in the list 15 s after it is created, as in env zero.
  Inject a fault:  curl -X POST ${sandbox.url}/__sandbox/faults -d '{"kind":"status","status":500}'
Ctrl-C stops it.`);
process.on('SIGINT', () => void sandbox.close().then(() => process.exit(0)));
