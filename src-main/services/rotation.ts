// Rotation as a journaled, resumable operation (ARCHITECTURE.md rules 7 and 9).
// Native (the backend regenerates in place): one call, a held secret, one reveal.
// Composed: create a twin (same name, type, role, scope; whatever else gives the key access, as its
// adapter's twinPlan says; an expiry as rotation-expiry.ts decides) → its secret held in the
// keychain and revealed once → the user confirms the new key is deployed → the old key is
// deactivated or deleted, now or at a chosen time. Every step is written to the journal before
// the next begins, so after a crash or a quit the rotation resumes, or rolls back what it cannot.
import { randomUUID } from 'node:crypto';
import type { ChannelInput, RotationPlanView, RotationStep, RotationView } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { KeyRecord } from '../model.ts';
import type { CreateKeySpec, TwinPlan } from '../providers/types.ts';
import type { Store } from '../store/index.ts';
import type { OperationRecord } from '../store/journal.ts';
import type { ConnectionService } from './connections.ts';
import type { KeyOperations } from './key-operations.ts';
import { AWAITING_REVEAL, REVEALED, type RevealService } from './reveal.ts';
import { planExpiry, twinExpiry } from './rotation-expiry.ts';

/** What the journal keeps about a rotation: never a secret. */
interface RotationState {
  mode: 'native' | 'composed';
  oldKeyId: string;
  oldKeyName: string;
  newKeyId: string | null;
  retire: 'deactivate' | 'delete' | null;
  retireAt: number | null;
  startedAt: number;
  scopeId: string;
  /** Where the twin is created (an adapter may place it elsewhere than the old key). */
  twinScopeId?: string;
  twinName: string;
}

/** A journal step the core reached; tests stop the process here to prove recovery. */
export type StepHook = (operation: 'rotate', step: string) => void;

/** How far back a created twin may predate our start and still be ours (clock skew). */
const ORPHAN_SKEW_MS = 2 * 60 * 1000;
const SCHEDULER_INTERVAL_MS = 30_000;

export function createRotationService(deps: {
  store: Store;
  events: CoreEvents;
  log: Logger;
  now: () => number;
  connections: ConnectionService;
  keys: KeyOperations;
  /** Releases the held secret of a rolled-back twin. */
  reveal: Pick<RevealService, 'forget'>;
  onStep?: StepHook;
}) {
  const { store, events, log, now, connections, keys } = deps;
  const busy = new Set<string>();

  const stateOf = (op: OperationRecord) => op.input as unknown as RotationState;

  function view(op: OperationRecord, revealSlotId: string | null = null): RotationView {
    const state = stateOf(op);
    let step: RotationStep;
    if (op.state === 'failed') step = op.errorKind === 'cancelled' ? 'cancelled' : 'failed';
    else if (op.step === AWAITING_REVEAL) step = 'awaiting-reveal';
    else if (op.state === 'done') step = 'done';
    else if (op.step === 'creating' || op.step === 'created') step = 'creating';
    else step = op.step as RotationStep;
    return {
      operationId: op.id,
      connectionId: op.connectionId,
      oldKeyId: state.oldKeyId,
      oldKeyName: state.oldKeyName,
      newKeyId: state.newKeyId,
      mode: state.mode,
      step,
      retire: state.retire,
      retireAt: state.retireAt,
      revealSlotId,
      error: op.state === 'failed' ? op.errorMessage : null,
      startedAt: state.startedAt,
    };
  }

  function record(id: string, step: string, state: RotationState): void {
    store.journal.progress(id, step, state as unknown as Record<string, unknown>, now());
    events.emit('rotation.changed', { operationId: id });
    deps.onStep?.('rotate', step);
  }

  /** A rotation the user takes the next step of, here: this core carries it from now on. */
  function load(operationId: string): OperationRecord {
    const op = store.journal.get(operationId);
    if (!op || op.kind !== 'rotate' || !('mode' in op.input)) throw new AppError('not-found', 'There is no such rotation.');
    if (op.state === 'pending') store.journal.adopt(op.id);
    return op;
  }

  function audit(op: OperationRecord, result: 'ok' | 'failed', detail: string): void {
    store.journal.audit({ at: now(), actor: 'user', action: 'key.rotate', connectionId: op.connectionId, keyId: stateOf(op).oldKeyId, result, detail });
  }

  /** How the twin would be made: the adapter's plan, the create form it goes through, its expiry. */
  async function twinPlanOf(key: KeyRecord) {
    const provider = await keys.providerFor(key.connectionId, 'create');
    // The plan first: reading the key afresh may teach the adapter choices its form then offers.
    const plan: TwinPlan = provider.twinPlan ? await provider.twinPlan(key, store.inventory.listScopes(key.connectionId)) : { keeps: [] };
    const form = await keys.formOf(provider);
    const type = form.types.find((t) => t.id === key.type);
    const expiry = planExpiry(key, type, store.policies.get(key.connectionId), now());
    return { provider, form, type, plan, expiry };
  }

  /** The twin's create spec, through the same checks as a create form (policy included). */
  async function twinOf(key: KeyRecord, expiresAt: number | null | undefined) {
    const { provider, form, type, plan, expiry } = await twinPlanOf(key);
    const scope = keys.cachedScope(key.connectionId, plan.scopeId ?? key.scopeId);
    const input: ChannelInput<'keys.create'> = {
      connectionId: key.connectionId,
      scopeId: scope.id,
      type: key.type,
      name: plan.name ?? key.name,
      description: type?.description.supported && key.description ? key.description : undefined,
      role: plan.role ?? (type?.role?.options.some((o) => o.id === key.role) ? (key.role ?? undefined) : undefined),
      expiresAt: twinExpiry(expiry, expiresAt),
      grants: plan.grants?.map((g) => ({ scopeId: g.scope.id, role: g.role })),
      scopeIds: plan.scopes?.map((s) => s.id),
      groupIds: plan.groupIds,
      fields: plan.fields,
    };
    const spec: CreateKeySpec = { ...keys.validateCreate(form, input, scope), carry: plan.carry };
    return { provider, scope, spec };
  }

  async function retireNow(op: OperationRecord): Promise<OperationRecord> {
    const state = stateOf(op);
    record(op.id, 'retiring', state);
    const old = store.inventory.getKey(op.connectionId, state.oldKeyId);
    try {
      if (old && old.status !== 'revoked' && old.goneSince === null) {
        if (state.retire === 'deactivate') {
          const provider = await keys.providerFor(op.connectionId, 'deactivate');
          keys.put(op.connectionId, await provider.setKeyActive!(old, false), old);
        } else {
          const provider = await keys.providerFor(op.connectionId, 'delete');
          keys.recordDeletion(op.connectionId, old, await provider.deleteKey!(old));
        }
      }
      store.journal.complete(op.id, now(), state.oldKeyId, 'done');
      audit(op, 'ok', `rotated “${state.oldKeyName}”: old key ${state.retire === 'deactivate' ? 'deactivated' : 'deleted'}`);
      events.emit('inventory.changed', { connectionId: op.connectionId });
      events.emit('rotation.changed', { operationId: op.id });
      deps.onStep?.('rotate', 'done');
    } catch (error) {
      // Stays at 'retiring': the next start or a retry finishes it. Nothing is lost meanwhile.
      log.error('rotation.retire-failed', error, { operationId: op.id });
      throw error;
    }
    return store.journal.get(op.id)!;
  }

  /** Rolls back a rotation whose twin was being created when Keyfleet stopped: its secret is lost. */
  async function rollBackCreating(op: OperationRecord): Promise<void> {
    const state = stateOf(op);
    const provider = await connections.provider(op.connectionId);
    const scope = keys.cachedScope(op.connectionId, state.twinScopeId ?? state.scopeId);
    const listed = await provider.listKeys(scope);
    // Keys the cache knew before this rotation began are not its twin; a sync running alongside may
    // have cached the twin itself after it was created.
    const knownBefore = new Set(
      store.inventory
        .keys({ connectionId: op.connectionId, offset: 0, limit: 1_000_000 })
        .rows.filter((k) => k.firstSeenAt < state.startedAt)
        .map((k) => k.id),
    );
    const orphans = listed.filter(
      (k) =>
        k.id === state.newKeyId ||
        (!knownBefore.has(k.id) && k.name === state.twinName && (k.createdAt === null || k.createdAt >= state.startedAt - ORPHAN_SKEW_MS)),
    );
    const cachedTwin = state.newKeyId ? store.inventory.getKey(op.connectionId, state.newKeyId) : undefined;
    if (cachedTwin && !orphans.some((k) => k.id === cachedTwin.id)) orphans.push(cachedTwin);
    for (const orphan of orphans) {
      await provider.deleteKey?.(orphan);
      const cached = store.inventory.getKey(op.connectionId, orphan.id);
      if (cached) store.inventory.dropKey(op.connectionId, cached, now());
    }
    // Stopped after the twin's secret was held but before that was journaled: it goes with the twin.
    await deps.reveal.forget(op.id);
    store.journal.fail(op.id, now(), 'interrupted', `Keyfleet stopped while creating the replacement key${orphans.length ? '; the half-made key, whose secret was never saved, was deleted' : ''}. The old key is unchanged.`);
    audit(op, 'failed', 'interrupted while creating the twin; rolled back');
    events.emit('rotation.changed', { operationId: op.id });
  }

  async function resume(op: OperationRecord): Promise<void> {
    // 'creating': the twin may or may not exist, and its secret was never held: roll back.
    if (busy.has(op.id)) return;
    busy.add(op.id);
    try {
      const state = stateOf(op);
      if (op.step === 'creating') await rollBackCreating(op);
      else if (op.step === 'retiring') await retireNow(op);
      else if (op.step === 'retire-scheduled' && state.retireAt !== null && state.retireAt <= now()) await retireNow(op);
    } catch (error) {
      log.error('rotation.resume-failed', error, { operationId: op.id });
    } finally {
      busy.delete(op.id);
    }
  }

  async function modeOf(old: KeyRecord) {
    keys.refuseLocked(old.connectionId, old.scopeId);
    const provider = await keys.providerFor(old.connectionId, 'rotate', old.type);
    const typed = provider.capabilities.createForm.types.find((t) => t.id === old.type)?.actions;
    const native = (typed?.rotate ?? provider.capabilities.actions.rotate).mode === 'native' && provider.rotateKey !== undefined;
    return { provider, typed, native };
  }

  let timer: NodeJS.Timeout | undefined;

  return {
    /**
     * Resume or roll back what a core that is gone left, and run this core's due retirements.
     * A rotation another live core (the app, a command-line run) is carrying out is its own.
     */
    async resumeAll(): Promise<void> {
      for (const op of store.journal.pendingOfKind('rotate')) {
        if ('mode' in op.input && !busy.has(op.id) && store.journal.claim(op)) await resume(op);
      }
    },

    startScheduler(intervalMs = SCHEDULER_INTERVAL_MS): void {
      timer ??= setInterval(() => void this.resumeAll(), intervalMs);
      timer.unref();
    },

    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },

    list(): RotationView[] {
      return store.journal
        .pendingOfKind('rotate')
        .filter((op) => 'mode' in op.input)
        .map((op) => view(op));
    },

    /** What rotating this key would do: native or composed, the twin's expiry, what it keeps. */
    async plan(input: ChannelInput<'rotation.plan'>): Promise<RotationPlanView> {
      const old = keys.cachedKey(input.connectionId, input.keyId);
      const { native } = await modeOf(old);
      if (native) return { mode: 'native', expiry: null, keeps: ['Everything: the backend replaces only the secret.'] };
      const { plan, expiry } = await twinPlanOf(old);
      return { mode: 'composed', expiry, keeps: plan.keeps };
    },

    async start(input: ChannelInput<'rotation.start'>): Promise<RotationView> {
      const old = keys.cachedKey(input.connectionId, input.keyId);
      const { provider, typed, native } = await modeOf(old);
      const id = randomUUID();
      const deactivatable = (typed?.deactivate ?? provider.capabilities.actions.deactivate).mode === 'native' && provider.setKeyActive !== undefined;
      const state: RotationState = {
        mode: native ? 'native' : 'composed',
        oldKeyId: old.id,
        oldKeyName: old.localLabel ?? (old.name || old.id),
        newKeyId: native ? old.id : null,
        retire: native ? null : deactivatable ? 'deactivate' : 'delete',
        retireAt: null,
        startedAt: now(),
        scopeId: old.scopeId,
        twinName: old.name,
      };
      if (!native && (typed?.delete ?? provider.capabilities.actions.delete).mode === 'unavailable' && !deactivatable) {
        throw new AppError('unsupported', 'This connection can neither delete nor deactivate keys, so it cannot retire the old key after a rotation.');
      }
      const twin = native ? null : await twinOf(old, input.expiresAt);
      if (twin) state.twinScopeId = twin.scope.id;
      busy.add(id); // in flight: the scheduler must not take it for an interrupted one
      store.journal.begin({ id, connectionId: old.connectionId, kind: 'rotate', keyId: old.id, step: 'creating', input: state as unknown as Record<string, unknown>, at: now() });
      deps.onStep?.('rotate', 'creating');
      try {
        const created = native ? await provider.rotateKey!(old) : await twin!.provider.createKey(twin!.spec, twin!.scope);
        deps.onStep?.('rotate', 'twin-created');
        // Journal the twin's id, then hold its secret in the keychain: from here on nothing is lost,
        // and a crash before the hold lets the next start find and delete the twin.
        state.newKeyId = created.key.id;
        store.journal.progress(id, 'creating', state as unknown as Record<string, unknown>, now());
        const { revealSlotId } = await keys.issued(id, old.connectionId, created, native ? old : undefined, old.id);
        if (native) {
          store.journal.complete(id, now(), old.id, store.journal.get(id)!.step ?? AWAITING_REVEAL);
          audit(store.journal.get(id)!, 'ok', `regenerated the secret of “${state.oldKeyName}”`);
        } else {
          record(id, store.journal.get(id)!.step ?? AWAITING_REVEAL, state);
        }
        events.emit('inventory.changed', { connectionId: old.connectionId });
        return view(store.journal.get(id)!, revealSlotId);
      } catch (error) {
        const shape = error instanceof AppError ? error.toShape() : { kind: 'internal', message: 'unexpected error' };
        store.journal.fail(id, now(), shape.kind, shape.message);
        audit(store.journal.get(id)!, 'failed', shape.message);
        throw error;
      } finally {
        busy.delete(id);
      }
    },

    confirmDeployed(operationId: string): RotationView {
      const op = load(operationId);
      if (op.state !== 'pending' || op.step !== REVEALED) {
        throw new AppError('conflict', op.step === AWAITING_REVEAL ? 'See (and store) the new secret first.' : 'This rotation is not waiting for a deployment check.');
      }
      record(op.id, 'deployed', stateOf(op));
      return view(store.journal.get(op.id)!);
    },

    async retire(input: ChannelInput<'rotation.retire'>): Promise<RotationView> {
      const op = load(input.operationId);
      if (op.state !== 'pending' || !['deployed', 'retire-scheduled', 'retiring'].includes(op.step ?? '')) {
        throw new AppError('conflict', 'Confirm that the new key is deployed before retiring the old one.');
      }
      const state = stateOf(op);
      if (input.at !== undefined && input.at > now()) {
        record(op.id, 'retire-scheduled', { ...state, retireAt: input.at });
        return view(store.journal.get(op.id)!);
      }
      return view(await retireNow(op));
    },

    /** Finishes a rotation leaving the old key as it is (it stays usable until someone retires it). */
    keepOld(operationId: string): RotationView {
      const op = load(operationId);
      if (op.state !== 'pending' || !['deployed', 'retire-scheduled'].includes(op.step ?? '')) {
        throw new AppError('conflict', 'Confirm that the new key is deployed before finishing the rotation.');
      }
      const state: RotationState = { ...stateOf(op), retire: null, retireAt: null };
      store.journal.progress(op.id, 'done', state as unknown as Record<string, unknown>, now());
      store.journal.complete(op.id, now(), state.oldKeyId, 'done');
      audit(op, 'ok', `rotated “${state.oldKeyName}”: old key kept`);
      events.emit('rotation.changed', { operationId: op.id });
      return view(store.journal.get(op.id)!);
    },

    async cancel(operationId: string): Promise<RotationView> {
      const op = load(operationId);
      const state = stateOf(op);
      if (op.state !== 'pending' || state.mode === 'native' || !['created', AWAITING_REVEAL, REVEALED].includes(op.step ?? '')) {
        throw new AppError('conflict', 'This rotation can no longer be cancelled: the new key may already be in use.');
      }
      const twin = state.newKeyId ? store.inventory.getKey(op.connectionId, state.newKeyId) : undefined;
      if (twin) {
        const provider = await keys.providerFor(op.connectionId, 'delete');
        keys.recordDeletion(op.connectionId, twin, await provider.deleteKey!(twin));
      }
      // The replacement's secret, if still held unseen, opens nothing now: not offered again.
      await deps.reveal.forget(op.id);
      store.journal.setStep(op.id, 'cancelled', now());
      store.journal.fail(op.id, now(), 'cancelled', 'Cancelled; the replacement key was deleted and the old key left as it was.');
      audit(op, 'failed', 'cancelled; replacement deleted');
      events.emit('inventory.changed', { connectionId: op.connectionId });
      events.emit('rotation.changed', { operationId: op.id });
      return view(store.journal.get(op.id)!);
    },
  };
}

export type RotationService = ReturnType<typeof createRotationService>;
