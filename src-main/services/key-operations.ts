// Key operations against a backend: create (with its one-time reveal), rename, activate or
// deactivate, delete. Each is journaled before the remote call and completed or failed after
// (ARCHITECTURE.md rule 9), audited, and reflected in the cache at once.
import { randomUUID } from 'node:crypto';
import type { ActionName, ChannelInput, KeyView } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { KeyRecord, RemoteKey } from '../model.ts';
import type { Provider } from '../providers/types.ts';
import type { Store } from '../store/index.ts';
import { changedFields } from '../store/inventory.ts';
import type { OperationKind } from '../store/journal.ts';
import type { ConnectionService } from './connections.ts';
import { keyView } from './inventory.ts';
import type { RevealSlots } from './reveal.ts';

export interface KeyOperationDeps {
  store: Store;
  events: CoreEvents;
  log: Logger;
  now: () => number;
  connections: ConnectionService;
  reveal: RevealSlots;
}

export function createKeyOperations(deps: KeyOperationDeps) {
  const { store, events, log, now, connections, reveal } = deps;

  /** Journal, run, complete or fail, audit: the frame around every remote change. */
  async function journaled<T>(
    kind: OperationKind,
    connectionId: string,
    keyId: string | null,
    input: Record<string, unknown>,
    run: () => Promise<{ value: T; keyId: string | null; detail: string }>,
  ): Promise<T> {
    const id = randomUUID();
    store.journal.begin({ id, connectionId, kind, keyId, step: 'calling-backend', input, at: now() });
    try {
      const { value, keyId: resultKeyId, detail } = await run();
      store.journal.complete(id, now(), resultKeyId);
      store.journal.audit({ at: now(), actor: 'user', action: `key.${kind}`, connectionId, keyId: resultKeyId, result: 'ok', detail });
      log.info(`key.${kind}`, { connectionId, operationId: id });
      events.emit('inventory.changed', { connectionId });
      return value;
    } catch (error) {
      const shape = error instanceof AppError ? error.toShape() : { kind: 'internal', message: 'unexpected error' };
      store.journal.fail(id, now(), shape.kind, shape.message);
      store.journal.audit({ at: now(), actor: 'user', action: `key.${kind}`, connectionId, keyId, result: 'failed', detail: shape.message });
      log.error(`key.${kind}.failed`, error, { connectionId, operationId: id });
      throw error;
    }
  }

  function cachedKey(connectionId: string, keyId: string): KeyRecord {
    const key = store.inventory.getKey(connectionId, keyId);
    if (!key) throw new AppError('not-found', 'This key is not in the cached inventory any more; sync to refresh.');
    return key;
  }

  async function providerFor(connectionId: string, action: ActionName): Promise<Provider> {
    const record = connections.get(connectionId);
    const provider = await connections.provider(record.id);
    const support = provider.capabilities.actions[action];
    if (support.mode === 'unavailable') {
      throw new AppError('unsupported', support.note ?? `This backend cannot ${action} keys.`);
    }
    return provider;
  }

  function validateCreate(provider: Provider, input: ChannelInput<'keys.create'>, scopeKind: string): void {
    const form = provider.capabilities.createForm;
    const fields: Record<string, string> = {};
    const type = form.types.find((t) => t.id === input.type);
    if (!type) fields.type = 'Choose one of the key types this backend offers.';
    else if (!type.scopeKinds.includes(scopeKind)) fields.type = `A ${type.label} cannot be created here; pick another scope or type.`;
    if (form.name.required && !input.name) fields.name = 'A name is required.';
    if (input.name.length > form.name.maxLength) fields.name = `At most ${form.name.maxLength} characters.`;
    if (input.description) {
      if (!form.description.supported) fields.description = 'This backend does not store descriptions.';
      else if (input.description.length > form.description.maxLength) {
        fields.description = `At most ${form.description.maxLength} characters.`;
      }
    }
    if (Object.keys(fields).length > 0) {
      throw new AppError('validation', 'Some fields need attention before the key can be created.', { fields });
    }
  }

  function put(connectionId: string, key: RemoteKey, before: KeyRecord | undefined): KeyView {
    const at = now();
    const change = before
      ? { kind: 'changed' as const, fields: changedFields(before, key) }
      : { kind: 'added' as const, fields: {} };
    store.inventory.putKey(connectionId, key, at, change.kind === 'changed' && Object.keys(change.fields).length === 0 ? undefined : change);
    return keyView(store.inventory.getKey(connectionId, key.id)!);
  }

  return {
    async create(input: ChannelInput<'keys.create'>): Promise<{ key: KeyView; revealSlotId: string }> {
      const provider = await providerFor(input.connectionId, 'create');
      const scope = store.inventory.getScope(input.connectionId, input.scopeId);
      if (!scope) throw new AppError('not-found', 'This scope is not in the cached inventory; sync the connection first.');
      validateCreate(provider, input, scope.kind);
      const spec = { scopeId: scope.id, type: input.type, name: input.name, description: input.description };
      return journaled('create', input.connectionId, null, { scopeId: scope.id, type: input.type, name: input.name }, async () => {
        const created = await provider.createKey(spec, scope);
        const revealSlotId = reveal.put(created.secret);
        const key = put(input.connectionId, created.key, undefined);
        return { value: { key, revealSlotId }, keyId: key.id, detail: `created “${key.name || key.id}”` };
      });
    },

    async update(input: ChannelInput<'keys.update'>): Promise<KeyView> {
      const provider = await providerFor(input.connectionId, 'rename');
      const before = cachedKey(input.connectionId, input.keyId);
      const form = provider.capabilities.createForm;
      const fields: Record<string, string> = {};
      if (form.name.required && !input.name) fields.name = 'A name is required.';
      if (input.name.length > form.name.maxLength) fields.name = `At most ${form.name.maxLength} characters.`;
      if (input.description && input.description.length > form.description.maxLength) {
        fields.description = `At most ${form.description.maxLength} characters.`;
      }
      if (Object.keys(fields).length > 0) throw new AppError('validation', 'Some fields need attention.', { fields });
      if (!provider.renameKey) throw new AppError('unsupported', 'This backend cannot rename keys.');
      const renameKey = provider.renameKey.bind(provider);
      return journaled('rename', input.connectionId, before.id, { name: input.name }, async () => {
        const key = await renameKey(before, { name: input.name, description: input.description });
        return { value: put(input.connectionId, key, before), keyId: key.id, detail: `renamed to “${key.name}”` };
      });
    },

    async setActive(input: ChannelInput<'keys.setActive'>): Promise<KeyView> {
      const provider = await providerFor(input.connectionId, input.active ? 'activate' : 'deactivate');
      const before = cachedKey(input.connectionId, input.keyId);
      if (!provider.setKeyActive) throw new AppError('unsupported', 'This backend cannot activate or deactivate keys.');
      const setKeyActive = provider.setKeyActive.bind(provider);
      const kind = input.active ? 'activate' : 'deactivate';
      return journaled(kind, input.connectionId, before.id, {}, async () => {
        const key = await setKeyActive(before, input.active);
        return { value: put(input.connectionId, key, before), keyId: key.id, detail: `${kind}d “${key.name || key.id}”` };
      });
    },

    async delete(input: ChannelInput<'keys.delete'>): Promise<{ deleted: true }> {
      const provider = await providerFor(input.connectionId, 'delete');
      const before = cachedKey(input.connectionId, input.keyId);
      if (!provider.deleteKey) throw new AppError('unsupported', 'This backend cannot delete keys.');
      const deleteKey = provider.deleteKey.bind(provider);
      return journaled('delete', input.connectionId, before.id, {}, async () => {
        await deleteKey(before);
        store.inventory.dropKey(input.connectionId, before, now());
        return { value: { deleted: true as const }, keyId: before.id, detail: `deleted “${before.name || before.id}”` };
      });
    },
  };
}
