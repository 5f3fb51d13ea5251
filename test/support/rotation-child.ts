// Runs one composed rotation in its own process and kills itself (SIGKILL) at a chosen point,
// printing what a user would have seen so far as JSON lines. Used by the rotation crash matrix.
import { createCore } from '../../src-main/core.ts';

const [dataDir, connectionId, keyId, crashAt] = process.argv.slice(2) as [string, string, string, string];
const say = (event: string, data: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
const crash = (point: string) => {
  if (point === crashAt) {
    say('killed', { point });
    process.kill(process.pid, 'SIGKILL');
  }
};

const core = createCore({ dataDir, http: { timeoutMs: 3000, retries: 0 }, onStep: (_op, step) => crash(step) });
await core.ready;
const started = await core.api.rotation.start({ connectionId, keyId });
say('started', { operationId: started.operationId, newKeyId: started.newKeyId });
const reveal = await core.api.reveal.take({ slotId: started.revealSlotId! });
say('revealed', { access: reveal.fields[0]!.value, secret: reveal.fields.find((f) => f.secret)!.value });
crash('revealed');
await core.api.rotation.confirmDeployed({ operationId: started.operationId });
await core.api.rotation.retire({ operationId: started.operationId });
say('finished');
await core.close();
