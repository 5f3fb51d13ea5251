// A rotation's twin: the key made to replace another (same name, type, role, scope; whatever else
// gives the key access, as its adapter's twinPlan says; an expiry as rotation-expiry.ts decides),
// and, after a crash while it was being created, finding and deleting it. Shared by the ordinary
// rotation and the one-step rotation of a connection's own credential.
import type { ChannelInput } from '../../src-preload/contract.ts';
import type { KeyRecord } from '../model.ts';
import type { CreateKeySpec, Provider, TwinPlan } from '../providers/types.ts';
import type { Store } from '../store/index.ts';
import type { KeyOperations } from './key-operations.ts';
import { planExpiry, twinExpiry } from './rotation-expiry.ts';

/** How far back a created twin may predate its rotation's start and still be its (clock skew). */
const ORPHAN_SKEW_MS = 2 * 60 * 1000;

export function createTwins(deps: { store: Store; keys: KeyOperations; now: () => number }) {
  const { store, keys, now } = deps;

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

  /**
   * The twin's create spec, through the same checks as a create form (policy included; replacing a
   * connection's own admin credential one for one is no new admin key).
   */
  async function twinOf(key: KeyRecord, expiresAt: number | null | undefined, replacesPrivileged = false) {
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
    const spec: CreateKeySpec = { ...keys.validateCreate(form, input, scope, replacesPrivileged), carry: plan.carry };
    return { provider, scope, spec };
  }

  /**
   * After a crash while a twin was being created (its secret never held): deletes the twin if the
   * backend made it — the journaled id, or a key of its name made since the rotation began that the
   * cache did not know before. Returns how many were deleted.
   */
  async function deleteHalfMadeTwins(
    provider: Provider,
    connectionId: string,
    twin: { newKeyId: string | null; twinName: string; scopeId: string; twinScopeId?: string; startedAt: number },
  ): Promise<number> {
    const listed = await provider.listKeys(keys.cachedScope(connectionId, twin.twinScopeId ?? twin.scopeId));
    // Keys the cache knew before this rotation began are not its twin; a sync running alongside may
    // have cached the twin itself after it was created.
    const knownBefore = new Set(
      store.inventory
        .keys({ connectionId, offset: 0, limit: 1_000_000 })
        .rows.filter((k) => k.firstSeenAt < twin.startedAt)
        .map((k) => k.id),
    );
    const orphans = listed.filter(
      (k) => k.id === twin.newKeyId || (!knownBefore.has(k.id) && k.name === twin.twinName && (k.createdAt === null || k.createdAt >= twin.startedAt - ORPHAN_SKEW_MS)),
    );
    const cachedTwin = twin.newKeyId ? store.inventory.getKey(connectionId, twin.newKeyId) : undefined;
    if (cachedTwin && !orphans.some((k) => k.id === cachedTwin.id)) orphans.push(cachedTwin);
    for (const orphan of orphans) {
      await provider.deleteKey?.(orphan);
      const cached = store.inventory.getKey(connectionId, orphan.id);
      if (cached) store.inventory.dropKey(connectionId, cached, now());
    }
    return orphans.length;
  }

  return { twinPlanOf, twinOf, deleteHalfMadeTwins };
}
