// The personal vault: keys a user holds (their own keys of any backend, or of services Keyfleet
// does not connect to). Values go to the OS keychain under vault:<id>; SQLite holds the rest.
// Secrets are shown only on an explicit reveal and only while the vault is unlocked; a lock (by
// the user, after idle minutes, or when the OS locks or suspends) wipes what is on screen and in
// the clipboard, and seeing a secret again needs an unlock step.
import { randomUUID } from 'node:crypto';
import type { ChannelInput, VaultEntryView, VaultStatus } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { CredentialInput } from '../../src-preload/contract.ts';
import { providerModule } from '../providers/index.ts';
import type { HttpTuning } from '../providers/types.ts';
import { rememberSecret } from '../redact.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/index.ts';
import type { VaultRecord } from '../store/vault.ts';
import type { SecretClipboard } from './clipboard.ts';
import { digest, stamp } from './exports.ts';
import { keyView } from './inventory.ts';

export const vaultAccount = (id: string) => `vault:${id}`;
/** How long a revealed vault secret stays on screen before it is masked again. */
export const REVEAL_VISIBLE_MS = 20_000;

type Field = { label: string; value: string; secret: boolean };

/** A backend that ever quotes one of the user's own secrets gets it redacted. */
const rememberSecrets = (fields: Field[]) => {
  for (const field of fields) if (field.secret) rememberSecret(field.value);
};
export type LockReason = 'user' | 'idle' | 'os';

export interface VaultDeps {
  store: Store;
  secrets: SecretStore;
  events: CoreEvents;
  log: Logger;
  now: () => number;
  clipboard: SecretClipboard;
  http?: HttpTuning;
  /** OS re-authentication where the platform offers it; without it, unlocking is a confirmation. */
  authenticate?: (reason: string) => Promise<boolean>;
  /** Called on lock: the core wipes what it still holds of new secrets. */
  onLock: () => void;
  /** Idle minutes before the vault locks: the user's setting, read at every check. */
  autoLockMinutes: () => number;
}

export function createVaultService(deps: VaultDeps) {
  const { store, secrets, events, now, clipboard } = deps;
  let locked = false;
  let lastActivity = now();

  const { autoLockMinutes } = deps;

  function entry(id: string): VaultRecord {
    const record = store.vault.get(id);
    if (!record) throw new AppError('not-found', 'This vault entry no longer exists.');
    return record;
  }

  function view(record: VaultRecord): VaultEntryView {
    let link: VaultEntryView['link'] = null;
    if (record.link) {
      const connection = store.connections.get(record.link.connectionId);
      const key = store.inventory.getKey(record.link.connectionId, record.link.keyId);
      link = {
        connectionId: record.link.connectionId,
        keyId: record.link.keyId,
        connectionName: connection?.name ?? null,
        key: key ? keyView(key) : null,
      };
    }
    const { link: _link, ...rest } = record;
    return { ...rest, link, verifyResult: record.verifyResult as VaultEntryView['verifyResult'], verifiable: verifiable(record) };
  }

  function verifiable(record: VaultRecord): boolean {
    const connection = record.link && store.connections.get(record.link.connectionId);
    if (!connection) return false;
    const type = providerModule(connection.kind).info.credential.type;
    return record.fields.some((f) => f.secret) && (type === 'token' || record.fields.some((f) => !f.secret));
  }

  function requireUnlocked(): void {
    if (locked) throw new AppError('locked', 'The vault is locked. Unlock it to see or copy a secret.');
  }

  async function readFields(record: VaultRecord): Promise<Field[]> {
    const stored = await secrets.get(vaultAccount(record.id));
    if (stored === null) throw new AppError('keychain', `The secret of “${record.name}” is missing from the OS keychain.`);
    const values = JSON.parse(stored) as string[];
    return record.fields.map((f, i) => ({ ...f, value: values[i] ?? '' }));
  }

  function checkLink(link: { connectionId: string; keyId: string } | null | undefined): void {
    if (link && !store.inventory.getKey(link.connectionId, link.keyId)) {
      throw new AppError('validation', 'The key to link is not in the cached inventory.', { fields: { link: 'Pick a key from the inventory.' } });
    }
  }

  function status(): Promise<VaultStatus> {
    return secrets.probe().then((keychain) => ({
      locked,
      autoLockMinutes: autoLockMinutes(),
      unlock: deps.authenticate ? 'os' : 'confirm',
      keychain,
    }));
  }

  return {
    status,

    list(): VaultEntryView[] {
      return store.vault.list().map(view);
    },

    /** Secret first (the keychain), then the metadata: a refused keychain stores nothing at all. */
    async add(input: ChannelInput<'vault.add'>): Promise<VaultEntryView> {
      checkLink(input.link);
      const at = now();
      const record: VaultRecord = {
        id: randomUUID(),
        name: input.name,
        service: input.service,
        url: input.url ?? null,
        notes: input.notes ?? null,
        expiresAt: input.expiresAt ?? null,
        tags: input.tags ?? [],
        fields: input.fields.map(({ label, secret }) => ({ label, secret })),
        link: input.link ?? null,
        verifiedAt: null,
        verifyResult: null,
        createdAt: at,
        updatedAt: at,
      };
      await secrets.set(vaultAccount(record.id), JSON.stringify(input.fields.map((f) => f.value)));
      rememberSecrets(input.fields);
      try {
        store.vault.put(record);
      } catch (error) {
        await secrets.delete(vaultAccount(record.id)).catch(() => false);
        throw error;
      }
      store.journal.audit({ at, actor: 'user', action: 'vault.add', connectionId: record.link?.connectionId ?? null, keyId: record.link?.keyId ?? null, result: 'ok', detail: record.name });
      return view(record);
    },

    async update(input: ChannelInput<'vault.update'>): Promise<VaultEntryView> {
      const before = entry(input.id);
      checkLink(input.link);
      // Writing a new secret (after a rotation) shows nothing, so a locked vault accepts it.
      if (input.fields) {
        await secrets.set(vaultAccount(before.id), JSON.stringify(input.fields.map((f) => f.value)));
        rememberSecrets(input.fields);
      }
      const record: VaultRecord = {
        ...before,
        name: input.name,
        service: input.service,
        url: input.url ?? null,
        notes: input.notes ?? null,
        expiresAt: input.expiresAt ?? null,
        tags: input.tags ?? [],
        fields: input.fields ? input.fields.map(({ label, secret }) => ({ label, secret })) : before.fields,
        link: input.link ?? null,
        verifiedAt: input.fields ? null : before.verifiedAt,
        verifyResult: input.fields ? null : before.verifyResult,
        updatedAt: now(),
      };
      store.vault.put(record);
      store.journal.audit({ at: now(), actor: 'user', action: input.fields ? 'vault.update-secret' : 'vault.update', connectionId: null, keyId: null, result: 'ok', detail: record.name });
      return view(record);
    },

    /** The keychain item goes first; if that fails the entry stays, so no secret is orphaned. */
    async remove(id: string): Promise<{ removed: true }> {
      const record = entry(id);
      await secrets.delete(vaultAccount(id));
      store.vault.remove(id);
      store.journal.audit({ at: now(), actor: 'user', action: 'vault.remove', connectionId: null, keyId: null, result: 'ok', detail: record.name });
      return { removed: true };
    },

    async reveal(id: string): Promise<{ fields: Field[]; visibleForMs: number }> {
      requireUnlocked();
      return { fields: await readFields(entry(id)), visibleForMs: REVEAL_VISIBLE_MS };
    },

    /** Copies in the core: the value never needs to be on screen to be used. */
    async copy(id: string, label: string): Promise<{ clearsAt: number }> {
      requireUnlocked();
      const field = (await readFields(entry(id))).find((f) => f.label === label);
      if (!field) throw new AppError('not-found', `“${label}” is not a field of this entry.`);
      return clipboard.writeSecret(field.value);
    },

    /** Calls a harmless authenticated endpoint of the linked backend with the entry's own secret. */
    async verify(id: string): Promise<VaultEntryView> {
      const record = entry(id);
      const connection = record.link && store.connections.get(record.link.connectionId);
      if (!connection || !verifiable(record)) {
        throw new AppError('unsupported', 'Only an entry linked to a key of a connected backend can be checked.');
      }
      const module = providerModule(connection.kind);
      const fields = await readFields(record);
      const secret = fields.find((f) => f.secret)!.value;
      const credential: CredentialInput =
        module.info.credential.type === 'token'
          ? { type: 'token', token: secret }
          : { type: 'key-pair', accessKey: fields.find((f) => !f.secret)!.value, secretKey: secret };
      const http = { ...deps.http, allowPlainHttp: typeof connection.plainHttpAcceptedAt === 'number' };
      const provider = module.create({ baseUrl: connection.baseUrl, credential, ca: connection.caPem ?? undefined, http, settings: connection.settings });
      let result: NonNullable<VaultEntryView['verifyResult']>;
      try {
        await provider.verify();
        result = 'valid';
      } catch (error) {
        const kind = error instanceof AppError ? error.kind : 'internal';
        const key = store.inventory.getKey(connection.id, record.link!.keyId);
        const expiry = record.expiresAt ?? key?.expiresAt ?? null;
        if (kind === 'auth') result = (expiry !== null && expiry <= now()) || key?.status === 'expired' ? 'expired' : 'revoked';
        // It authenticated; it just may not read what the check reads.
        else if (kind === 'forbidden') result = 'valid';
        else result = 'unreachable';
      } finally {
        await provider.close();
      }
      const updated = { ...record, verifiedAt: now(), verifyResult: result };
      store.vault.put(updated);
      return view(updated);
    },

    /** Throws 'locked' while the vault is locked (for anything that shows a secret again). */
    requireUnlocked,

    async lock(reason: LockReason): Promise<void> {
      if (!locked) {
        locked = true;
        deps.onLock();
        await clipboard.clearNow().catch(() => undefined);
        events.emit('vault.locked', { reason });
        deps.log.info('vault.locked', { reason });
      }
    },

    async unlock(): Promise<VaultStatus> {
      if (locked && deps.authenticate && !(await deps.authenticate('unlock the Keyfleet vault'))) {
        throw new AppError('forbidden', 'The operating system did not confirm it is you; the vault stays locked.');
      }
      locked = false;
      lastActivity = now();
      events.emit('vault.unlocked', {});
      return status();
    },

    /** Any call from the user counts as activity for the idle lock. */
    touch(): void {
      lastActivity = now();
    },

    /** Locks when the user has been idle for the configured minutes. */
    checkIdle(): void {
      if (!locked && now() - lastActivity >= autoLockMinutes() * 60_000) void this.lock('idle');
    },

    async importEnv(input: ChannelInput<'vault.importEnv'>): Promise<{ imported: number }> {
      let imported = 0;
      for (const line of input.entries) {
        await this.add({ name: line.name, service: input.service, tags: input.tags, fields: [{ label: line.name, value: line.value, secret: true }] });
        imported++;
      }
      return { imported };
    },

    exportMeta(): { fileName: string; content: string; sha256: string } {
      const entries = store.vault.list().map(({ id, name, service, url, notes, expiresAt, tags, fields, link, createdAt, updatedAt }) => ({
        id,
        name,
        service,
        url,
        notes,
        expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        tags,
        fields: fields.map((f) => f.label),
        link,
        createdAt: new Date(createdAt).toISOString(),
        updatedAt: new Date(updatedAt).toISOString(),
      }));
      const content = `${JSON.stringify({ exportedAt: new Date(now()).toISOString(), note: 'Metadata only: no secret is in this file.', entries }, null, 2)}\n`;
      return { fileName: `keyfleet-vault-${stamp(now())}.json`, content, sha256: digest(content) };
    },
  };
}

export type VaultService = ReturnType<typeof createVaultService>;
