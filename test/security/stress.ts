// `npm run test:stress`: the security and reliability suite at full settings — IPC fuzz, backend
// fault matrix, crash consistency, load and hardening (vitest), every E2E flow followed by the
// secrets-at-rest scan (Playwright), the static checks with the network ones — then one table.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { FIGURES_DIR } from './figures.ts';

const env = { ...process.env, KEYFLEET_STRESS: '1' };
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const steps: Array<[string, string, string[]]> = [
  ['build', 'npm', ['run', 'build']],
  ['bridge', process.execPath, ['test/harness/build-bridge.ts']],
  ['security suite', npx, ['vitest', 'run', 'test/security']],
  ['E2E + secrets at rest', npx, ['playwright', 'test']],
  ['static checks', process.execPath, ['test/security/static-checks.ts']],
];

rmSync(FIGURES_DIR, { recursive: true, force: true });
const failed: string[] = [];
for (const [label, command, args] of steps) {
  console.log(`\n=== ${label}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const { status } = spawnSync(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  console.log(`=== ${label}: ${status === 0 ? 'passed' : `FAILED (exit ${status})`} in ${Math.round((Date.now() - started) / 1000)} s`);
  if (status !== 0) failed.push(label);
}
const report = spawnSync(process.execPath, ['test/security/report.ts'], { stdio: 'inherit', env });
if (failed.length > 0) console.log(`\nFailed steps: ${failed.join(', ')}`);
process.exit(failed.length > 0 || report.status !== 0 ? 1 : 0);
