// Key operations against a backend: create (with its one-time reveal), rename (or a local label
// where the backend cannot), native rotate, activate or deactivate, delete. Each is journaled
// before the remote call and completed or failed after (ARCHITECTURE.md rule 9), audited, and
// reflected in the cache at once.
import { randomUUID } from 'node:crypto';
import type { ActionName, ChannelInput, CreateFormSpec, KeyTypeOption, KeyView } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { KeyRecord, RemoteKey, RemoteScope } from '../model.ts';
import type { CreatedKey, CreateKeySpec, DeleteOutcome, FieldValues, Provider } from '../providers/types.ts';
import type { Store } from '../store/index.ts';
import { changedFields, type LocalKeyState } from '../store/inventory.ts';
import type { OperationKind } from '../store/journal.ts';
import type { ConnectionService } from './connections.ts';
import { keyView } from './inventory.ts';
import { policyViolations, traitsOf } from './health.ts';
import type { RevealService } from './reveal.ts';

export interface KeyOperationDeps {
  store: Store;
  events: CoreEvents;
  log: Logger;
  now: () => number;
  connections: ConnectionService;
  reveal: RevealService;
}

const NO_LOCAL: LocalKeyState = { holdUntil: null, holdReason: null, localHint: null, localLabel: null };

export type KeyOperations = ReturnType<typeof createKeyOperations>;

export function createKeyOperations(deps: KeyOperationDeps) {
  const { store, events, log, now, connections, reveal } = deps;

  /** Journal, run, complete or fail, audit: the frame around every remote change. */
  async function journaled<T>(
    kind: OperationKind,
    connectionId: string,
    keyId: string | null,
    input: Record<string, unknown>,
    run: (operationId: string) => Promise<{ value: T; keyId: string | null; detail: string; step?: string }>,
  ): Promise<T> {
    const id = randomUUID();
    store.journal.begin({ id, connectionId, kind, keyId, step: 'calling-backend', input, at: now() });
    try {
      const { value, keyId: resultKeyId, detail, step } = await run(id);
      store.journal.complete(id, now(), resultKeyId, step);
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
    if (key.goneSince !== null) {
      throw new AppError('not-found', 'This key is gone from the backend (a sync no longer found it); there is nothing to act on. Hide the row instead.');
    }
    return key;
  }

  function cachedScope(connectionId: string, scopeId: string): RemoteScope {
    const scope = store.inventory.getScope(connectionId, scopeId);
    if (!scope) throw new AppError('not-found', 'This scope is not in the cached inventory; sync the connection first.');
    return scope;
  }

  /** Why keys cannot be created or changed in this scope now (as the last sync found it), or null. */
  function lockedBecause(connectionId: string, scopeId: string): string | null {
    const scope = store.inventory.getScope(connectionId, scopeId);
    return scope?.inactive ?? scope?.readOnly ?? null;
  }

  /** Refuses, in the backend's own terms, a change the backend would refuse (403 or 405) anyway. */
  function refuseLocked(connectionId: string, scopeId: string): void {
    const why = lockedBecause(connectionId, scopeId);
    if (why) throw new AppError('forbidden', why);
  }

  async function providerFor(connectionId: string, action: ActionName, keyType?: string): Promise<Provider> {
    const record = connections.get(connectionId);
    const provider = await connections.provider(record.id);
    const typed = keyType ? provider.capabilities.createForm.types.find((t) => t.id === keyType)?.actions?.[action] : undefined;
    const support = typed ?? provider.capabilities.actions[action];
    if (support.mode === 'unavailable') {
      throw new AppError('unsupported', support.note ?? `This backend cannot ${action} keys.`);
    }
    return provider;
  }

  async function formOf(provider: Provider): Promise<CreateFormSpec> {
    return provider.createForm ? provider.createForm() : provider.capabilities.createForm;
  }

  function checkText(type: KeyTypeOption, name: string, description: string | null | undefined, fields: Record<string, string>) {
    if (type.name.required && !name) fields.name = 'A name is required.';
    if (name.length > type.name.maxLength) fields.name = `At most ${type.name.maxLength} characters.`;
    if (description) {
      if (!type.description.supported) fields.description = 'This backend does not store descriptions.';
      else if (description.length > type.description.maxLength) fields.description = `At most ${type.description.maxLength} characters.`;
    }
  }

  /** Everything the form promised, checked before the backend is called. */
  function validateCreate(form: CreateFormSpec, input: ChannelInput<'keys.create'>, scope: RemoteScope): CreateKeySpec {
    const fields: Record<string, string> = {};
    const type = form.types.find((t) => t.id === input.type);
    const spec: CreateKeySpec = { scopeId: scope.id, type: input.type, name: input.name, description: input.description };
    if (!type) {
      fields.type = 'Choose one of the key types this backend offers.';
      throw new AppError('validation', 'Some fields need attention before the key can be created.', { fields });
    }
    if (!type.scopeKinds.includes(scope.kind)) fields.type = `A ${type.label} cannot be created here; pick another scope or type.`;
    checkText(type, input.name, input.description, fields);

    if (type.role) {
      const role = input.role ?? type.role.default;
      if (!role || !type.role.options.some((o) => o.id === role)) fields.role = `Choose a ${type.role.label.toLowerCase()}.`;
      else spec.role = role;
    } else if (input.role) fields.role = 'This key type has no role.';

    const grants = input.grants ?? [];
    if (type.grants && (!type.grants.whenRoles || (spec.role && type.grants.whenRoles.includes(spec.role)))) {
      const g = type.grants;
      if (grants.length < g.min) fields.grants = `Add at least ${g.min}.`;
      if (grants.length > g.max) fields.grants = `At most ${g.max}.`;
      spec.grants = [];
      for (const grant of grants) {
        const target = store.inventory.getScope(input.connectionId, grant.scopeId);
        if (!target || !g.scopeKinds.includes(target.kind)) fields.grants = 'One of the chosen scopes is not available here; sync and try again.';
        else if (!g.roles.some((r) => r.id === grant.role)) fields.grants = 'Choose a role for every scope.';
        else spec.grants.push({ scope: target, role: grant.role });
      }
    } else if (grants.length > 0) {
      fields.grants = type.grants ? 'Per-scope roles do not apply with this role.' : 'This key type takes no per-scope roles.';
    }

    const scopeIds = input.scopeIds ?? [];
    const scopeSet = type.scopeSet && (!type.scopeSet.forScopeKinds || type.scopeSet.forScopeKinds.includes(scope.kind)) ? type.scopeSet : undefined;
    if (scopeSet) {
      if (scopeIds.length > scopeSet.max) fields.scopeIds = `At most ${scopeSet.max}.`;
      spec.scopes = [];
      for (const scopeId of scopeIds) {
        const target = store.inventory.getScope(input.connectionId, scopeId);
        if (!target || !scopeSet.scopeKinds.includes(target.kind)) fields.scopeIds = 'One of the chosen scopes is not available here.';
        else spec.scopes.push(target);
      }
    } else if (scopeIds.length > 0) fields.scopeIds = 'Keys created here cannot be limited to chosen scopes.';

    const groupIds = input.groupIds ?? [];
    if (type.groups) {
      if (groupIds.some((id) => !type.groups!.options.some((o) => o.id === id))) fields.groupIds = 'One of the chosen groups does not exist.';
      else spec.groupIds = groupIds;
    } else if (groupIds.length > 0) fields.groupIds = 'This key type has no groups.';

    const values = checkFields(type, spec.role, input.fields ?? {}, fields);
    if (values) spec.fields = values;

    if (input.expiresAt !== undefined) {
      if (type.expiry === 'unsupported') fields.expiresAt = 'Keys of this backend do not expire.';
      else if (input.expiresAt <= now()) fields.expiresAt = 'Choose a time in the future.';
      else if (type.expiryInDays && input.expiresAt - now() > type.expiryInDays.max * 86_400_000) {
        fields.expiresAt = `At most ${type.expiryInDays.max} days ahead.`;
      } else spec.expiresAt = input.expiresAt;
    } else if (type.expiry === 'required') fields.expiresAt = 'This backend needs an expiry date.';

    // The organization's own rules, on top of what the backend allows.
    const privileged =
      [spec.role, ...(spec.grants ?? []).map((g) => g.role)].some((r) => r !== undefined && /\badmin\b/i.test(r)) ||
      (scopeSet?.emptyIsWarning === true && scopeIds.length === 0);
    const violations = policyViolations(
      store.policies.get(input.connectionId),
      { expiresAt: input.expiresAt, privileged, expirySupported: type.expiry !== 'unsupported' },
      now(),
    );
    for (const [field, message] of Object.entries(violations)) fields[field] ??= message;

    if (Object.keys(fields).length > 0) {
      throw new AppError('validation', 'Some fields need attention before the key can be created.', { fields });
    }
    return spec;
  }

  function put(connectionId: string, key: RemoteKey, before: KeyRecord | undefined, local?: LocalKeyState): KeyView {
    const at = now();
    const traits = traitsOf(connections.get(connectionId))(key);
    const change = before
      ? { kind: 'changed' as const, fields: changedFields(before, key) }
      : { kind: 'added' as const, fields: {} };
    const logged = change.kind === 'changed' && Object.keys(change.fields).length === 0 ? undefined : change;
    store.inventory.putKey(connectionId, key, at, logged, local, traits);
    return keyView(store.inventory.getKey(connectionId, key.id)!);
  }

  /** A new secret: held until seen and offered once; the key (with any hint and hold) to the cache. */
  async function issued(operationId: string, connectionId: string, created: CreatedKey, before: KeyRecord | undefined, replacesKeyId: string | null = null) {
    const event = before && before.id === created.key.id ? 'regenerated' : 'created';
    const source = { connectionId, keyId: created.key.id, replacesKeyId: replacesKeyId ?? (event === 'regenerated' ? created.key.id : null) };
    const revealSlotId = await reveal.issue(operationId, { ...created.secret, event, source });
    const local: LocalKeyState = {
      ...NO_LOCAL,
      localLabel: before?.localLabel ?? null,
      localHint: created.hint ?? null,
      holdUntil: created.holdUntil ?? null,
      holdReason: created.holdUntil ? 'created' : null,
    };
    return { key: put(connectionId, created.key, before, local), revealSlotId };
  }

  /** The cache after a delete: gone, or revoked and held while the backend may still accept it. */
  function recordDeletion(connectionId: string, before: KeyRecord, outcome: DeleteOutcome | void): void {
    if (outcome?.kind === 'revoked') {
      put(connectionId, outcome.key, before, { ...pickLocal(before), holdUntil: outcome.mayAuthenticateUntil, holdReason: 'revoked' });
    } else {
      store.inventory.dropKey(connectionId, before, now());
    }
  }

  return {
    // Shared with the rotation service, which composes these steps.
    providerFor,
    cachedKey,
    cachedScope,
    lockedBecause,
    refuseLocked,
    formOf,
    validateCreate,
    issued,
    put,
    recordDeletion,

    async createForm(connectionId: string): Promise<CreateFormSpec> {
      return formOf(await providerFor(connectionId, 'create'));
    },

    async create(input: ChannelInput<'keys.create'>): Promise<{ key: KeyView; revealSlotId: string }> {
      const provider = await providerFor(input.connectionId, 'create');
      const scope = cachedScope(input.connectionId, input.scopeId);
      refuseLocked(input.connectionId, scope.id);
      const spec = validateCreate(await formOf(provider), input, scope);
      const journalInput = { scopeId: scope.id, type: input.type, name: input.name, role: spec.role ?? null };
      return journaled('create', input.connectionId, null, journalInput, async (operationId) => {
        const result = await issued(operationId, input.connectionId, await provider.createKey(spec, scope), undefined);
        const step = store.journal.get(operationId)?.step ?? undefined;
        return { value: result, keyId: result.key.id, detail: `created “${result.key.name || result.key.id}”`, step };
      });
    },

    async update(input: ChannelInput<'keys.update'>): Promise<KeyView> {
      const before = cachedKey(input.connectionId, input.keyId);
      refuseLocked(input.connectionId, before.scopeId);
      const provider = await providerFor(input.connectionId, 'rename', before.type);
      const type = (await formOf(provider)).types.find((t) => t.id === before.type) ?? provider.capabilities.createForm.types[0];
      const fields: Record<string, string> = {};
      if (type) checkText(type, input.name, input.description, fields);
      if (Object.keys(fields).length > 0) throw new AppError('validation', 'Some fields need attention.', { fields });

      if (provider.capabilities.actions.rename.mode === 'composed' || !provider.renameKey) {
        // The backend cannot rename: the name lives in Keyfleet only, and is shown as such.
        const label = input.name && input.name !== before.name ? input.name : null;
        store.inventory.setLocalState(input.connectionId, before.id, { ...pickLocal(before), localLabel: label });
        store.journal.audit({ at: now(), actor: 'user', action: 'key.label', connectionId: input.connectionId, keyId: before.id, result: 'ok', detail: label ?? 'label cleared' });
        events.emit('inventory.changed', { connectionId: input.connectionId });
        return keyView(store.inventory.getKey(input.connectionId, before.id)!);
      }
      const renameKey = provider.renameKey.bind(provider);
      return journaled('rename', input.connectionId, before.id, { name: input.name }, async () => {
        const key = await renameKey(before, { name: input.name, description: input.description });
        return { value: put(input.connectionId, key, before), keyId: key.id, detail: `renamed to “${key.name}”` };
      });
    },

    async setActive(input: ChannelInput<'keys.setActive'>): Promise<KeyView> {
      const before = cachedKey(input.connectionId, input.keyId);
      refuseLocked(input.connectionId, before.scopeId);
      const provider = await providerFor(input.connectionId, input.active ? 'activate' : 'deactivate', before.type);
      if (!provider.setKeyActive) throw new AppError('unsupported', 'This backend cannot activate or deactivate keys.');
      const setKeyActive = provider.setKeyActive.bind(provider);
      const kind = input.active ? 'activate' : 'deactivate';
      return journaled(kind, input.connectionId, before.id, {}, async () => {
        const key = await setKeyActive(before, input.active);
        return { value: put(input.connectionId, key, before), keyId: key.id, detail: `${kind}d “${key.name || key.id}”` };
      });
    },

    async delete(input: ChannelInput<'keys.delete'>): Promise<{ deleted: true }> {
      const before = cachedKey(input.connectionId, input.keyId);
      refuseLocked(input.connectionId, before.scopeId);
      const provider = await providerFor(input.connectionId, 'delete', before.type);
      if (!provider.deleteKey) throw new AppError('unsupported', 'This backend cannot delete keys.');
      const deleteKey = provider.deleteKey.bind(provider);
      return journaled('delete', input.connectionId, before.id, {}, async () => {
        recordDeletion(input.connectionId, before, await deleteKey(before));
        return { value: { deleted: true as const }, keyId: before.id, detail: `deleted “${before.name || before.id}”` };
      });
    },
  };
}

/** The type's further fields (teams, owner, token scopes…): each value one of its options. */
function checkFields(type: KeyTypeOption, role: string | undefined, input: FieldValues, fields: Record<string, string>): FieldValues | undefined {
  const offered = (type.fields ?? []).filter((f) => !f.whenRoles || (role !== undefined && f.whenRoles.includes(role)));
  for (const name of Object.keys(input)) {
    if (!offered.some((f) => f.id === name)) fields[name] = type.fields?.some((f) => f.id === name) ? 'This does not apply with this role.' : 'This key type has no such field.';
  }
  if (offered.length === 0) return undefined;
  const values: FieldValues = {};
  for (const field of offered) {
    const value = input[field.id] ?? field.default;
    const known = (id: string) => field.options.some((o) => o.id === id);
    const what = field.label.toLowerCase();
    if (field.multiple) {
      const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
      if (list.some((id) => !known(id))) fields[field.id] = `Choose ${what} from the list; one of them is not (any longer) there.`;
      else values[field.id] = list;
    } else if (Array.isArray(value)) fields[field.id] = `Choose one ${what}.`;
    else if (value === undefined || value === '') {
      if (field.required) fields[field.id] = `Choose the ${what}.`;
    } else if (!known(value)) fields[field.id] = `Choose the ${what} from the list.`;
    else values[field.id] = value;
  }
  return values;
}

function pickLocal(key: KeyRecord): LocalKeyState {
  return { holdUntil: key.holdUntil, holdReason: key.holdReason, localHint: key.localHint, localLabel: key.localLabel };
}
