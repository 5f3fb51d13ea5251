// The vault's entries: metadata in SQLite, each secret sealed with the vault key in the OS keychain.
// Every call needs the vault unlocked (the key in memory): a locked vault gives out no entry, no
// name, no link, and takes no new secret.
import { randomUUID } from 'node:crypto';
import type { ChannelInput, VaultEntryView } from '../../../src-preload/contract.ts';
import { AppError } from '../../errors.ts';
import type { HttpTuning } from '../../providers/types.ts';
import type { Store } from '../../store/index.ts';
import type { VaultRecord } from '../../store/vault.ts';
import type { SecretClipboard } from '../clipboard.ts';
import { checkStillWorks, entryView } from './links.ts';
import type { Field, VaultSecrets } from './secrets.ts';

/** How long a revealed vault secret stays on screen before it is masked again. */
export const REVEAL_VISIBLE_MS = 20_000;

export interface NewEntry {
  name: string;
  service: string;
  url?: string | null;
  notes?: string | null;
  expiresAt?: number | null;
  tags?: string[];
  fields: Array<{ label: string; value: string; secret: boolean }>;
  link?: { connectionId: string; keyId: string } | null;
  createdAt?: number;
}

type Described = Pick<NewEntry, 'name' | 'service' | 'url' | 'notes' | 'expiresAt' | 'tags' | 'link'>;

/** The metadata a person typed, as stored: absent fields empty. */
const described = (input: Described) => ({
  name: input.name,
  service: input.service,
  url: input.url ?? null,
  notes: input.notes ?? null,
  expiresAt: input.expiresAt ?? null,
  tags: input.tags ?? [],
  link: input.link ?? null,
});

const shapeOf = (fields: ReadonlyArray<{ label: string; secret: boolean }>) => fields.map(({ label, secret }) => ({ label, secret }));

export interface EntriesDeps {
  store: Store;
  vaultSecrets: VaultSecrets;
  now: () => number;
  clipboard: SecretClipboard;
  http?: HttpTuning;
  /** Throws 'locked' unless the vault is unlocked with its key in memory. */
  requireKey: () => void;
}

export function createVaultEntries(deps: EntriesDeps) {
  const { store, vaultSecrets, now } = deps;
  const view = (record: VaultRecord) => entryView(store, record, now());

  function entry(id: string): VaultRecord {
    deps.requireKey();
    const record = store.vault.get(id);
    if (!record) throw new AppError('not-found', 'This vault entry no longer exists.');
    return record;
  }

  function checkLink(link: { connectionId: string; keyId: string } | null | undefined): void {
    if (link && !store.inventory.getKey(link.connectionId, link.keyId)) {
      throw new AppError('validation', 'The key to link is not in the cached inventory.', { fields: { link: 'Pick a key from the inventory.' } });
    }
  }

  function checkLabels(fields: ReadonlyArray<{ label: string }>): void {
    const labels = new Set(fields.map((f) => f.label));
    if (labels.size !== fields.length) throw new AppError('validation', 'Two fields of an entry have the same label.', { fields: { fields: 'Give each field its own label.' } });
  }

  /** Secret first (the keychain), then the metadata: a refused keychain stores nothing at all. */
  async function create(input: NewEntry, audit: string): Promise<VaultRecord> {
    deps.requireKey();
    checkLabels(input.fields);
    const at = now();
    const record: VaultRecord = {
      id: randomUUID(),
      ...described(input),
      fields: shapeOf(input.fields),
      verifiedAt: null,
      verifyResult: null,
      createdAt: input.createdAt ?? at,
      updatedAt: at,
    };
    await vaultSecrets.write(record.id, input.fields);
    try {
      store.vault.put(record);
    } catch (error) {
      await vaultSecrets.delete(record.id).catch(() => false);
      throw error;
    }
    store.journal.audit({ at, actor: 'user', action: audit, connectionId: record.link?.connectionId ?? null, keyId: record.link?.keyId ?? null, result: 'ok', detail: record.name });
    return record;
  }

  /** Several new entries, all or none: if one fails, the ones already added are taken back. */
  async function createAll(inputs: readonly NewEntry[], audit: string): Promise<VaultRecord[]> {
    const added: VaultRecord[] = [];
    try {
      for (const input of inputs) added.push(await create(input, audit));
    } catch (error) {
      for (const record of added) {
        await vaultSecrets.delete(record.id).catch(() => false);
        store.vault.remove(record.id);
      }
      throw error;
    }
    return added;
  }

  return {
    createAll,

    list: (): VaultEntryView[] => {
      deps.requireKey();
      return store.vault.list().map(view);
    },

    /** Every entry with its secrets: for a backup or a .env export, never for the renderer. */
    readAll: async (ids?: readonly string[]): Promise<Array<{ record: VaultRecord; fields: Field[] }>> => {
      deps.requireKey();
      const records = ids ? ids.map(entry) : store.vault.list();
      const out: Array<{ record: VaultRecord; fields: Field[] }> = [];
      for (const record of records) out.push({ record, fields: await vaultSecrets.read(record) });
      return out;
    },

    add: async (input: ChannelInput<'vault.add'>): Promise<VaultEntryView> => {
      checkLink(input.link);
      return view(await create(input, 'vault.add'));
    },

    update: async (input: ChannelInput<'vault.update'>): Promise<VaultEntryView> => {
      const before = entry(input.id);
      checkLink(input.link);
      if (input.fields) {
        checkLabels(input.fields);
        await vaultSecrets.write(before.id, input.fields);
      }
      const record: VaultRecord = {
        ...before,
        ...described(input),
        fields: input.fields ? shapeOf(input.fields) : before.fields,
        verifiedAt: input.fields ? null : before.verifiedAt,
        verifyResult: input.fields ? null : before.verifyResult,
        updatedAt: now(),
      };
      store.vault.put(record);
      store.journal.audit({ at: now(), actor: 'user', action: input.fields ? 'vault.update-secret' : 'vault.update', connectionId: null, keyId: null, result: 'ok', detail: record.name });
      return view(record);
    },

    /** The keychain item goes first; if that fails the entry stays, so no secret is orphaned. */
    remove: async (id: string): Promise<{ removed: true }> => {
      const record = entry(id);
      await vaultSecrets.delete(id);
      store.vault.remove(id);
      store.journal.audit({ at: now(), actor: 'user', action: 'vault.remove', connectionId: null, keyId: null, result: 'ok', detail: record.name });
      return { removed: true };
    },

    reveal: async (id: string): Promise<{ fields: Field[]; visibleForMs: number }> => {
      return { fields: await vaultSecrets.read(entry(id)), visibleForMs: REVEAL_VISIBLE_MS };
    },

    /** Copies in the core: the value never needs to be on screen to be used. */
    copy: async (id: string, label: string): Promise<{ clearsAt: number }> => {
      const field = (await vaultSecrets.read(entry(id))).find((f) => f.label === label);
      if (!field) throw new AppError('not-found', `“${label}” is not a field of this entry.`);
      return deps.clipboard.writeSecret(field.value);
    },

    verify: async (id: string): Promise<VaultEntryView> => {
      const record = entry(id);
      const result = await checkStillWorks(deps, record, await vaultSecrets.read(record));
      const updated = { ...record, verifiedAt: now(), verifyResult: result };
      store.vault.put(updated);
      return view(updated);
    },
  };
}

export type VaultEntries = ReturnType<typeof createVaultEntries>;
