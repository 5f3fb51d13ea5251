// A core in its own process, killed (SIGKILL) part-way through its work, printing as JSON lines
// what a user would have seen so far (started operations, revealed secrets…). Two modes:
//
//   rotation <dataDir> <connectionId> <keyId> <crashAt>
//     One composed rotation (start → reveal → confirm deployed → retire) that kills itself at the
//     journal step or point `crashAt` ('never': runs to the end). The rotation crash matrix.
//     Besides the journal steps (the core's onStep hook) there are two points of the child's own:
//     'held' (the keychain has just stored a new secret) and 'revealed' (the user has seen it).
//
//   credential <dataDir> <connectionId> <crashAt>
//     One rotation of the connection's own credential (twin → verify → swap → retire) that kills
//     itself at the journal step or point `crashAt`; 'credential-held' is the child's own point
//     (the keychain has just stored the twin's credential). The own-credential crash matrix.
//
//   workload <dataDir> <connectionId> <plan JSON>
//     Until killed: full syncs in a loop and, beside them, bulk actions (deactivate / activate /
//     delete groups of keys) and composed rotations. Killed by the parent at a random moment, or
//     by itself at the n-th time a journal step is reached (plan.crashAt = "<step>#<n>").
//     The crash-consistency part of the security suite (test/security/crash.test.ts).
import { createCore, type Core } from '../../src-main/core.ts';
import { createKeytarSecretStore, type SecretStore } from '../../src-main/secrets/secret-store.ts';
import { pendingCredentialAccount } from '../../src-main/services/credential-rotation.ts';
import { heldSecretAccount } from '../../src-main/services/reveal.ts';
import { createRng } from '../security/fuzz-inputs.ts';

export interface WorkloadPlan {
  /** Seeds the child's own choices (which group, which key, how long to pause). */
  seed: number;
  /** "<step>#<n>": kill at the n-th time the step is reached; absent: the parent kills. */
  crashAt?: string;
  /** Keys named `bulk<g>x-<i>`, g < bulkGroups: deactivated and activated again. */
  bulkGroups: number;
  /** Keys named `del<g>x-<i>`, g < deleteGroups: deleted by bulk delete, a group at a time. */
  deleteGroups: number;
  /** Active keys whose name starts with this are rotated (twins keep the name). */
  rotationPrefix: string;
}

const say = (event: string, data: Record<string, unknown> = {}) => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);

/** Kills the process at the n-th time `point` is reached, after saying so. */
function crasher(spec: string | undefined): (point: string) => void {
  const [target, nth] = (spec ?? 'never').split('#') as [string, string | undefined];
  const wanted = Number(nth ?? '1');
  let seen = 0;
  return (point) => {
    if (point !== target || ++seen !== wanted) return;
    say('killed', { point, nth: seen });
    process.kill(process.pid, 'SIGKILL');
  };
}

/** The real keychain, with a crash point right after it stored a new secret for an operation. */
function keychain(crash: (point: string) => void): SecretStore {
  const real = createKeytarSecretStore();
  return {
    ...real,
    async set(account, secret) {
      await real.set(account, secret);
      if (account.startsWith(heldSecretAccount(''))) crash('held');
      if (account.startsWith(pendingCredentialAccount(''))) crash('credential-held');
    },
  };
}

const errorOf = (error: unknown) => ({ kind: (error as { kind?: string }).kind ?? 'unexpected', message: (error as Error).message });

/** One composed rotation as the wizard runs it; says each step the user has seen. */
async function rotate(core: Core, connectionId: string, keyId: string, crash: (point: string) => void): Promise<void> {
  const started = await core.api.rotation.start({ connectionId, keyId });
  say('started', { operationId: started.operationId, oldKeyId: keyId, newKeyId: started.newKeyId });
  say('taking', { operationId: started.operationId });
  const reveal = await core.api.reveal.take({ slotId: started.revealSlotId! });
  say('revealed', { operationId: started.operationId, access: reveal.fields[0]!.value, secret: reveal.fields.find((f) => f.secret)!.value });
  crash('revealed');
  await core.api.reveal.done({ slotId: reveal.slotId, seen: true });
  await core.api.rotation.confirmDeployed({ operationId: started.operationId });
  await core.api.rotation.retire({ operationId: started.operationId });
  say('finished', { operationId: started.operationId });
}

const [mode, dataDir, connectionId, ...rest] = process.argv.slice(2) as [string, string, string, ...string[]];

if (mode === 'rotation') {
  const [keyId, crashAt] = rest as [string, string];
  const crash = crasher(crashAt);
  const core = createCore({ dataDir, secretStore: keychain(crash), http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0, onStep: (_op, step) => crash(step) });
  await core.ready;
  await rotate(core, connectionId, keyId, crash);
  await core.close();
} else if (mode === 'credential') {
  const [crashAt] = rest as [string];
  const crash = crasher(crashAt);
  const core = createCore({ dataDir, secretStore: keychain(crash), http: { timeoutMs: 3000, retries: 0 }, syncIntervalMs: 0, onStep: (_op, step) => crash(step) });
  await core.ready;
  const done = await core.api.connections.rotateCredential({ connectionId });
  say('finished', { operationId: done.operationId, step: done.step, newKeyId: done.newKeyId });
  await core.close();
} else if (mode === 'workload') {
  const plan = JSON.parse(rest[0]!) as WorkloadPlan;
  const rng = createRng(plan.seed);
  const crash = crasher(plan.crashAt);
  const core = createCore({ dataDir, secretStore: keychain(crash), http: { timeoutMs: 5000, retries: 0 }, syncIntervalMs: 0, onStep: (_op, step) => crash(step) });
  const pause = (maxMs: number) => new Promise((resolve) => setTimeout(resolve, rng.int(maxMs + 1)));
  await core.ready;
  core.events.on('sync.progress', (p) => {
    // Everything is fetched: the snapshot swap is next.
    if (p.connectionId === connectionId && p.scopesTotal > 0 && p.scopesDone === p.scopesTotal) say('sync-fetched', { runId: p.runId });
  });
  say('ready');

  const syncs = async () => {
    for (;;) {
      say('sync-start');
      try {
        const run = await core.api.sync.run({ connectionId });
        say('sync-done', { runId: run.id, keys: run.keys });
      } catch (error) {
        say('sync-failed', errorOf(error));
      }
      await pause(150);
    }
  };

  const bulk = async (action: 'deactivate' | 'activate' | 'delete', query: string, statuses: Array<'active' | 'inactive'>) => {
    const preview = await core.api.bulk.plan({ action, connectionIds: [connectionId], query, statuses });
    if (preview.count === 0) return false;
    say('bulk-running', { action, query, keyIds: preview.items.map((i) => i.keyId) });
    const result = await core.api.bulk.run({ planId: preview.planId, confirmCount: preview.count });
    say('bulk-done', { action, query, succeeded: result.succeeded, failed: result.failed });
    return true;
  };

  const rotateOne = async () => {
    const page = await core.api.keys.list({ connectionId, query: plan.rotationPrefix, limit: 1000 });
    const candidates = page.rows.filter((k) => k.name.startsWith(plan.rotationPrefix) && k.status === 'active' && k.goneSince === null);
    if (candidates.length === 0) return;
    await rotate(core, connectionId, rng.pick(candidates).id, crash);
  };

  const operations = async () => {
    for (;;) {
      try {
        const group = `bulk${rng.int(plan.bulkGroups)}x-`;
        if (!(await bulk('deactivate', group, ['active']))) await bulk('activate', group, ['inactive']);
        await pause(50);
        await rotateOne();
        if (rng.chance(0.3)) await bulk('delete', `del${rng.int(plan.deleteGroups)}x-`, ['active', 'inactive']);
      } catch (error) {
        say('operation-failed', errorOf(error));
      }
      await pause(50);
    }
  };

  await Promise.all([syncs(), operations()]);
} else {
  throw new Error(`unknown mode ${mode}`);
}
