// Bulk actions with a dry run: a plan names the exact keys a filter selects (and those the action
// cannot apply to, with the reason); running it needs the count typed back, and goes key by key
// through the same journaled operations as a single action, so one failure never stops the rest.
import { randomUUID } from 'node:crypto';
import type { BulkAction, BulkPlanView, BulkResultView, ChannelInput } from '../../src-preload/contract.ts';
import { AppError, toErrorShape } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { ConnectionRecord, KeyRecord } from '../model.ts';
import { providerModule } from '../providers/index.ts';
import type { Store } from '../store/index.ts';
import type { KeyOperations } from './key-operations.ts';

const PLAN_TTL_MS = 10 * 60 * 1000;
const MAX_KEYS = 10_000;

export function createBulkService(deps: { store: Store; keys: KeyOperations; events: CoreEvents; now: () => number }) {
  const { store, keys, events, now } = deps;
  const plans = new Map<string, { plan: BulkPlanView; expiresAt: number }>();

  /** Why keys of these connections cannot be selected as idle: their backend does not report last use for some key types. */
  function idleNotJudged(selected: ConnectionRecord[]): string[] {
    const notes = new Set<string>();
    for (const connection of selected) {
      const { lastUse, info } = providerModule(connection.kind);
      if (lastUse.keyTypes !== 'all') notes.add(lastUse.note ?? `${info.displayName} does not report when its keys were last used.`);
    }
    return [...notes];
  }

  /** Why the action cannot apply to this key, or null when it can. */
  function reasonAgainst(action: BulkAction, key: KeyRecord, connection: ConnectionRecord): string | null {
    const support = providerModule(connection.kind).capabilities(connection.settings).actions[action];
    if (support.mode === 'unavailable') return support.note ?? `This backend cannot ${action} keys.`;
    const locked = keys.lockedBecause(key.connectionId, key.scopeId);
    if (locked) return locked;
    if (key.status === 'revoked') return 'Already revoked.';
    if (action === 'deactivate' && key.status !== 'active') return 'Not active.';
    if (action === 'activate' && key.status !== 'inactive') return 'Not inactive.';
    return null;
  }

  return {
    plan(input: ChannelInput<'bulk.plan'>): BulkPlanView {
      for (const [id, entry] of plans) if (entry.expiresAt < now()) plans.delete(id);
      const connections = new Map(store.connections.list().map((c) => [c.id, c]));
      const { rows, total } = store.inventory.keys({
        connectionIds: input.connectionIds,
        scopeId: input.scopeId,
        query: input.query,
        statuses: input.statuses,
        // Idle exactly as the health board says it (one definition): active keys whose backend reports last use.
        health: input.idleDays ? { kind: 'idle', days: input.idleDays } : undefined,
        now: now(),
        presentOnly: true,
        offset: 0,
        limit: MAX_KEYS,
      });
      if (total > MAX_KEYS) {
        throw new AppError('validation', `The filter selects ${total.toLocaleString()} keys; narrow it to at most ${MAX_KEYS.toLocaleString()} for one bulk action.`);
      }
      const plan: BulkPlanView = { planId: randomUUID(), action: input.action, count: 0, items: [], skipped: [], notJudged: [] };
      if (input.idleDays) plan.notJudged = idleNotJudged(input.connectionIds ? input.connectionIds.flatMap((id) => connections.get(id) ?? []) : [...connections.values()]);
      for (const key of rows) {
        const connection = connections.get(key.connectionId);
        if (!connection) continue;
        const name = key.localLabel ?? (key.name || key.id);
        const reason = reasonAgainst(input.action, key, connection);
        if (reason) plan.skipped.push({ connectionId: key.connectionId, keyId: key.id, name, reason });
        else plan.items.push({ connectionId: key.connectionId, connectionName: connection.name, keyId: key.id, name, status: key.status });
      }
      plan.count = plan.items.length;
      plans.set(plan.planId, { plan, expiresAt: now() + PLAN_TTL_MS });
      return plan;
    },

    async run(input: ChannelInput<'bulk.run'>): Promise<BulkResultView> {
      const entry = plans.get(input.planId);
      if (!entry || entry.expiresAt < now()) throw new AppError('not-found', 'This preview has expired; preview the bulk action again.');
      const { plan } = entry;
      if (input.confirmCount !== plan.count) {
        throw new AppError('validation', `Type the exact number of keys (${plan.count}) to confirm.`, { fields: { confirmCount: 'Does not match.' } });
      }
      plans.delete(input.planId);
      const result: BulkResultView = { action: plan.action, succeeded: 0, failed: 0, results: [] };
      for (const item of plan.items) {
        let outcome: BulkResultView['results'][number];
        try {
          if (plan.action === 'delete') await keys.delete({ connectionId: item.connectionId, keyId: item.keyId });
          else await keys.setActive({ connectionId: item.connectionId, keyId: item.keyId, active: plan.action === 'activate' });
          result.succeeded++;
          outcome = { connectionId: item.connectionId, keyId: item.keyId, name: item.name, ok: true, error: null };
        } catch (error) {
          result.failed++;
          outcome = { connectionId: item.connectionId, keyId: item.keyId, name: item.name, ok: false, error: toErrorShape(error).message };
        }
        result.results.push(outcome);
        // Per key, as it happens: the window shows the run's progress and each key's outcome.
        events.emit('bulk.progress', { planId: plan.planId, done: result.results.length, total: plan.count, result: outcome });
      }
      return result;
    },
  };
}
