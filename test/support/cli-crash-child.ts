// The command line in a child process that kills itself (SIGKILL) when its core reaches a journal
// step — the rotation crash points the bin cannot be stopped at from outside:
//   node test/support/cli-crash-child.ts <step> <keyfleet arguments…>
import { runCli } from '../../src-main/cli/main.ts';
import { createInterrupt } from '../../src-main/cli/output.ts';

const [crashAt, ...args] = process.argv.slice(2) as [string, ...string[]];
const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), interrupt: createInterrupt() };
const code = await runCli(args, io, {
  onStep: (_operation, step) => {
    if (step === crashAt) process.kill(process.pid, 'SIGKILL');
  },
});
process.exit(code);
