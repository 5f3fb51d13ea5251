// One-step rotation of a connection's own credential: create a twin of the key Keyfleet signs in
// with, hold its secret in the keychain, sign in with it (same organization), swap the connection
// to it in the keychain, then retire the old key with the new credential. Nobody else uses it, so
// nothing is revealed and there is nothing to deploy. Each step is journaled before the next
// begins: after a crash a held twin is verified and swapped in, a twin whose secret was never held
// is deleted, and a swapped rotation finishes retiring — the connection never loses its access.
import { randomUUID } from 'node:crypto';
import type { CredentialInput, CredentialRotationView } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { IssuedSecret } from '../model.ts';
import { providerModule } from '../providers/index.ts';
import type { Identity, Provider } from '../providers/types.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/index.ts';
import type { OperationRecord } from '../store/journal.ts';
import { checkSameOrganization } from './connection-checks.ts';
import type { ConnectionService } from './connections.ts';
import type { KeyOperations } from './key-operations.ts';
import { rotationSupport } from './own-credential.ts';
import { createTwins } from './twins.ts';
import type { StepHook } from './rotation.ts';

/** Where a twin's credential waits in the keychain between its creation and the swap. */
export const pendingCredentialAccount = (operationId: string) => `pending-credential:${operationId}`;

/** What the journal keeps about the rotation: never a secret. */
interface State {
  oldKeyId: string;
  oldKeyName: string;
  newKeyId: string | null;
  retire: 'deactivate' | 'delete';
  scopeId: string;
  /** Where the twin is created (an adapter may place it elsewhere than the old key). */
  twinScopeId?: string;
  twinName: string;
  startedAt: number;
}

/** A new key may take a moment to authenticate (a backend's caches); how long to keep trying. */
const VERIFY_DELAYS_MS = [500, 1500, 4000];

/** The connection's credential, from what the backend issued for the twin. */
export function credentialOf(secret: IssuedSecret, type: 'key-pair' | 'token'): CredentialInput {
  const hidden = secret.fields.find((f) => f.secret)?.value;
  const shown = secret.fields.find((f) => !f.secret)?.value;
  if (!hidden || (type === 'key-pair' && !shown)) throw new AppError('internal', 'The backend issued a key Keyfleet cannot sign in with.');
  return type === 'key-pair' ? { type, accessKey: shown!, secretKey: hidden } : { type, token: hidden };
}

export function createCredentialRotation(deps: {
  store: Store;
  secrets: SecretStore;
  events: CoreEvents;
  log: Logger;
  now: () => number;
  connections: ConnectionService;
  keys: KeyOperations;
  onStep?: StepHook;
  verifyDelaysMs?: number[];
}) {
  const { store, secrets, events, log, now, connections, keys } = deps;
  const twins = createTwins({ store, keys, now });
  const busy = new Set<string>();
  const delays = deps.verifyDelaysMs ?? VERIFY_DELAYS_MS;
  const stateOf = (op: OperationRecord) => op.input as unknown as State;

  function record(op: OperationRecord | string, step: string, state: State): void {
    const id = typeof op === 'string' ? op : op.id;
    store.journal.progress(id, step, state as unknown as Record<string, unknown>, now());
    events.emit('connections.changed', { connectionId: (typeof op === 'string' ? store.journal.get(op)! : op).connectionId });
    deps.onStep?.('rotate-credential', step);
  }

  function view(op: OperationRecord): CredentialRotationView {
    const state = stateOf(op);
    const step = op.state === 'failed' ? 'failed' : op.state === 'done' ? 'done' : op.step === 'creating' ? 'creating' : op.step === 'created' ? 'verifying' : op.step === 'swapping' ? 'swapping' : 'retiring';
    return { operationId: op.id, connectionId: op.connectionId, oldKeyId: state.oldKeyId, newKeyId: state.newKeyId, step, retire: state.retire, error: op.errorMessage };
  }

  function audit(op: OperationRecord, result: 'ok' | 'failed', detail: string): void {
    store.journal.audit({ at: now(), actor: 'user', action: 'connection.rotate-credential', connectionId: op.connectionId, keyId: stateOf(op).oldKeyId, result, detail });
  }

  function fail(op: OperationRecord, kind: string, message: string): void {
    store.journal.fail(op.id, now(), kind, message);
    audit(op, 'failed', message);
    events.emit('connections.changed', { connectionId: op.connectionId });
  }

  async function held(op: OperationRecord): Promise<CredentialInput | null> {
    const stored = await secrets.get(pendingCredentialAccount(op.id));
    return stored ? (JSON.parse(stored) as CredentialInput) : null;
  }

  /** Signs in with the twin, a few times while a backend may still be catching up. */
  async function verifyTwin(provider: Provider): Promise<Identity> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await provider.verify();
      } catch (error) {
        const retry = error instanceof AppError && ['auth', 'forbidden'].includes(error.kind) && attempt < delays.length;
        if (!retry) throw error;
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
      }
    }
  }

  /** The twin is gone or never worked: delete it (with the old credential) and keep the old key. */
  async function rollBack(op: OperationRecord, why: string): Promise<void> {
    const state = stateOf(op);
    const deleted = await twins.deleteHalfMadeTwins(await connections.provider(op.connectionId), op.connectionId, state);
    await secrets.delete(pendingCredentialAccount(op.id)).catch(() => false);
    fail(op, 'interrupted', `${why}${deleted ? '; the new key was deleted' : ''}. The connection keeps its old credential, which still works.`);
  }

  async function retire(op: OperationRecord): Promise<void> {
    const state = stateOf(op);
    record(op, 'retiring', state);
    const old = store.inventory.getKey(op.connectionId, state.oldKeyId);
    if (old && old.status !== 'revoked' && old.goneSince === null) {
      if (state.retire === 'deactivate') {
        const provider = await keys.providerFor(op.connectionId, 'deactivate', old.type);
        keys.put(op.connectionId, await provider.setKeyActive!(old, false), old);
      } else {
        const provider = await keys.providerFor(op.connectionId, 'delete', old.type);
        keys.recordDeletion(op.connectionId, old, await provider.deleteKey!(old));
      }
    }
    store.journal.complete(op.id, now(), state.oldKeyId, 'done');
    audit(op, 'ok', `replaced the credential “${state.oldKeyName}” with a new key (${state.newKeyId ?? ''}); the old key was ${state.retire === 'deactivate' ? 'deactivated' : 'deleted'}`);
    events.emit('inventory.changed', { connectionId: op.connectionId });
    events.emit('connections.changed', { connectionId: op.connectionId });
    deps.onStep?.('rotate-credential', 'done');
  }

  /** From a held twin on: verify, swap, retire. Transient failures leave it to be resumed. */
  async function finish(op: OperationRecord): Promise<void> {
    const state = stateOf(op);
    if (op.step === 'creating' || op.step === 'created' || op.step === 'swapping') {
      const credential = await held(op);
      if (!credential) {
        if (op.step === 'swapping') {
          // Never retire the old key without knowing the connection holds the new one.
          return fail(op, 'interrupted', 'Keyfleet could not tell whether the new credential was stored, so the old key was left as it is. Sync the connection; reconnect it if it fails.');
        }
        return rollBack(op, 'Keyfleet stopped before the new key’s secret was kept');
      }
      if (op.step !== 'swapping') {
        if (op.step === 'creating') record(op, 'created', state); // held after all: the twin is usable
        const provider = connections.providerWith(op.connectionId, credential);
        try {
          const identity = await verifyTwin(provider);
          await checkSameOrganization(store, connections.get(op.connectionId), identity, provider, connections.get(op.connectionId).baseUrl);
        } catch (error) {
          await provider.close();
          if (error instanceof AppError && ['auth', 'forbidden', 'conflict'].includes(error.kind)) return rollBack(op, `The new key did not work (${error.message})`);
          throw error;
        }
        record(op, 'swapping', state);
        await connections.swapCredential(op.connectionId, credential, state.newKeyId!, provider);
      } else {
        await connections.swapCredential(op.connectionId, credential, state.newKeyId!);
      }
      record(op, 'swapped', state);
    }
    // Swapped: the held copy has served (a crash may have left it behind; deleting is idempotent).
    await secrets.delete(pendingCredentialAccount(op.id)).catch(() => false);
    await retire(store.journal.get(op.id)!);
  }

  async function resume(op: OperationRecord): Promise<void> {
    if (busy.has(op.id)) return;
    busy.add(op.id);
    try {
      await finish(op);
    } catch (error) {
      log.error('credential-rotation.resume-failed', error, { operationId: op.id });
    } finally {
      busy.delete(op.id);
    }
  }

  return {
    /**
     * Finishes or rolls back what a core that is gone left, and retries this core's own; one that
     * another live core (the app beside a command-line run) carries out is left to it.
     */
    async resumeAll(): Promise<void> {
      for (const op of store.journal.pendingOfKind('rotate-credential')) {
        if (!busy.has(op.id) && store.journal.claim(op)) await resume(op);
      }
    },

    async start(connectionId: string): Promise<CredentialRotationView> {
      const connection = connections.get(connectionId);
      if (store.journal.pendingOfKind('rotate-credential').some((op) => op.connectionId === connectionId)) {
        throw new AppError('conflict', 'Keyfleet is already rotating this connection’s credential; it finishes by itself.');
      }
      const old = connection.ownKeyId ? keys.cachedKey(connectionId, connection.ownKeyId) : undefined;
      const module = providerModule(connection.kind);
      const support = rotationSupport(connection, old, module.capabilities(connection.settings));
      if (!old || support.mode === 'unavailable') throw new AppError('unsupported', support.note ?? 'This credential cannot be rotated here.');
      const capabilities = (await connections.provider(connectionId)).capabilities;
      const type = capabilities.createForm.types.find((t) => t.id === old.type);
      const deactivate = ({ ...capabilities.actions, ...type?.actions }).deactivate;
      const state: State = {
        oldKeyId: old.id,
        oldKeyName: old.localLabel ?? (old.name || old.id),
        newKeyId: null,
        retire: deactivate.mode !== 'unavailable' ? 'deactivate' : 'delete',
        scopeId: old.scopeId,
        twinName: old.name,
        startedAt: now(),
      };
      const twin = await twins.twinOf(old, undefined, true);
      state.twinScopeId = twin.scope.id;
      const id = randomUUID();
      busy.add(id);
      store.journal.begin({ id, connectionId, kind: 'rotate-credential', keyId: old.id, step: 'creating', input: state as unknown as Record<string, unknown>, at: now() });
      deps.onStep?.('rotate-credential', 'creating');
      try {
        let created;
        try {
          created = await twin.provider.createKey(twin.spec, twin.scope);
        } catch (error) {
          const op = store.journal.get(id)!;
          fail(op, error instanceof AppError ? error.kind : 'internal', error instanceof AppError ? error.message : 'The new key could not be created.');
          throw error;
        }
        deps.onStep?.('rotate-credential', 'twin-created');
        // Its id first, then its secret: from here a crash finds the twin and either uses or deletes it.
        state.newKeyId = created.key.id;
        store.journal.progress(id, 'creating', state as unknown as Record<string, unknown>, now());
        await secrets.set(pendingCredentialAccount(id), JSON.stringify(credentialOf(created.secret, module.info.credential.type)));
        keys.put(connectionId, created.key, undefined, {
          holdUntil: created.holdUntil ?? null,
          holdReason: created.holdUntil ? 'created' : null,
          localHint: created.hint ?? null,
          localLabel: old.localLabel,
        });
        record(id, 'created', state);
        await finish(store.journal.get(id)!);
        const op = store.journal.get(id)!;
        // Rolled back (the twin did not work): said as a failure, with what became of each key.
        if (op.state === 'failed') throw new AppError('conflict', op.errorMessage ?? 'The rotation was rolled back.');
        return view(op);
      } finally {
        busy.delete(id);
      }
    },
  };
}

export type CredentialRotation = ReturnType<typeof createCredentialRotation>;
