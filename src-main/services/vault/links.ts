// A vault entry's link to a key of the inventory, told as the inventory knows it: which key
// (connection, scope, name), whether it is there, gone from the backend or no longer cached, and
// how fresh that is; and "check it still works" (a harmless authenticated call with the entry's
// own secret), with a note whenever its answer and the inventory's status disagree, saying why.
import type { CredentialInput, VaultCheckNote, VaultEntryView, VaultLinkView } from '../../../src-preload/contract.ts';
import { AppError } from '../../errors.ts';
import { providerModule } from '../../providers/index.ts';
import type { HttpTuning } from '../../providers/types.ts';
import type { Store } from '../../store/index.ts';
import type { VaultRecord } from '../../store/vault.ts';
import { keyView } from '../inventory.ts';
import type { Field } from './secrets.ts';

type Link = NonNullable<VaultRecord['link']>;

export function linkView(store: Store, link: Link): VaultLinkView {
  const connection = store.connections.get(link.connectionId);
  const key = store.inventory.getKey(link.connectionId, link.keyId);
  const scope = key && store.inventory.getScope(link.connectionId, key.scopeId);
  return {
    connectionId: link.connectionId,
    keyId: link.keyId,
    connectionName: connection?.name ?? null,
    connectionKind: connection?.kind ?? null,
    scopeName: scope?.name ?? null,
    keyName: key ? (key.localLabel ?? key.name) : null,
    state: !key ? 'missing' : key.goneSince !== null ? 'gone' : 'present',
    key: key ? keyView(key) : null,
    syncedAt: connection?.lastSuccessAt ?? null,
  };
}

/**
 * Whether the inventory says the linked key should authenticate: true (active), false (gone,
 * inactive, revoked, expired) or null when it cannot say (not cached, pending, or revoked but
 * still accepted for a while, as env zero does for an hour).
 */
function expectedToWork(link: VaultLinkView, now: number): boolean | null {
  const key = link.key;
  if (!key || link.state === 'missing') return null;
  if (link.state === 'gone') return false;
  if (key.holdReason === 'revoked' && key.holdUntil !== null && key.holdUntil > now) return null;
  if (key.status === 'active') return key.expiresAt === null || key.expiresAt > now;
  if (key.status === 'pending') return null;
  return false;
}

/** Why the last check and the inventory disagree, or null when they do not. */
export function checkNote(record: VaultRecord, link: VaultLinkView | null, now: number): VaultCheckNote | null {
  if (!link || record.verifiedAt === null || (record.verifyResult !== 'valid' && record.verifyResult !== 'revoked' && record.verifyResult !== 'expired')) return null;
  const expected = expectedToWork(link, now);
  const worked = record.verifyResult === 'valid';
  if (expected === null || expected === worked) return null;
  // The inventory changed after the check: the check is the older word.
  if (link.syncedAt !== null && record.verifiedAt < link.syncedAt) return 'check-older-than-sync';
  return worked ? 'accepted-though-not-active' : 'refused-though-active';
}

export function verifiable(store: Store, record: VaultRecord): boolean {
  const connection = record.link && store.connections.get(record.link.connectionId);
  if (!connection) return false;
  const type = providerModule(connection.kind).info.credential.type;
  return record.fields.some((f) => f.secret) && (type === 'token' || record.fields.some((f) => !f.secret));
}

export function entryView(store: Store, record: VaultRecord, now: number): VaultEntryView {
  const link = record.link ? linkView(store, record.link) : null;
  const { link: _link, ...rest } = record;
  return {
    ...rest,
    link,
    verifyResult: record.verifyResult as VaultEntryView['verifyResult'],
    checkNote: checkNote(record, link, now),
    verifiable: verifiable(store, record),
  };
}

/** Calls a harmless authenticated endpoint of the linked backend with the entry's own secret. */
export async function checkStillWorks(
  deps: { store: Store; now: () => number; http?: HttpTuning },
  record: VaultRecord,
  fields: Field[],
): Promise<NonNullable<VaultEntryView['verifyResult']>> {
  const { store, now } = deps;
  const connection = record.link && store.connections.get(record.link.connectionId);
  if (!connection || !verifiable(store, record)) {
    throw new AppError('unsupported', 'Only an entry linked to a key of a connected backend can be checked.');
  }
  const module = providerModule(connection.kind);
  const secret = fields.find((f) => f.secret)!.value;
  const credential: CredentialInput =
    module.info.credential.type === 'token'
      ? { type: 'token', token: secret }
      : { type: 'key-pair', accessKey: fields.find((f) => !f.secret)!.value, secretKey: secret };
  const http = { ...deps.http, allowPlainHttp: typeof connection.plainHttpAcceptedAt === 'number' };
  const provider = module.create({ baseUrl: connection.baseUrl, credential, ca: connection.caPem ?? undefined, http, settings: connection.settings });
  try {
    await provider.verify();
    return 'valid';
  } catch (error) {
    const kind = error instanceof AppError ? error.kind : 'internal';
    const key = store.inventory.getKey(connection.id, record.link!.keyId);
    const expiry = record.expiresAt ?? key?.expiresAt ?? null;
    if (kind === 'auth') return (expiry !== null && expiry <= now()) || key?.status === 'expired' ? 'expired' : 'revoked';
    // It authenticated; it just may not read what the check reads.
    if (kind === 'forbidden') return 'valid';
    return 'unreachable';
  } finally {
    await provider.close();
  }
}
