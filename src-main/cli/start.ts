// The process around runCli: its streams, its signals and its exit code. bin/keyfleet.js loads
// this file on the project's Node.
import type { InterruptSignal } from './exit.ts';
import { runCli } from './main.ts';
import { createInterrupt } from './output.ts';

const interrupt = createInterrupt();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as InterruptSignal[]) {
  process.on(signal, () => {
    // The first stops the run at its next safe point; later ones only say that it is on its way.
    process.stderr.write(interrupt.signal ? 'keyfleet: still stopping (finishing the current step)…\n' : 'keyfleet: stopping at the next safe point…\n');
    interrupt.raise(signal);
  });
}
// A closed pipe (`keyfleet keys list | head`) fails the pending write, which the command reports.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), interrupt });
process.exit(code);
