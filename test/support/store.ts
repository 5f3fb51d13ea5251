// A connection row written straight into a store, and keys as an adapter returns them, for tests of the store itself.
import type { ConnectionRecord, RemoteKey } from '../../src-main/model.ts';
import type { Store } from '../../src-main/store/index.ts';

export function insertConnection(store: Store, id: string, patch: Partial<ConnectionRecord> = {}): string {
  store.connections.insert({
    id,
    kind: 'rancher',
    name: id,
    baseUrl: 'https://rancher.example',
    color: '#2563eb',
    caPem: null,
    accountId: '1a1',
    accountName: 'admin',
    createdAt: 1,
    lastSuccessAt: null,
    settings: {},
    organizationId: '1a1',
    organizationName: 'admin',
    credentialSetAt: 1,
    ownKeyId: null,
    credentialEnded: null,
    ...patch,
  });
  return id;
}

/** A key as an adapter returns it, in scope `scopeId`, with fields overridden by `patch`. */
export function remoteKey(id: string, scopeId: string, patch: Partial<RemoteKey> = {}): RemoteKey {
  return {
    id,
    scopeId,
    name: `key-${id}`,
    description: null,
    type: 'environment',
    category: 'service',
    role: null,
    status: 'active',
    statusDetail: null,
    maskedValue: `AK${id}:••••`,
    createdAt: 1_700_000_000_000,
    createdBy: null,
    expiresAt: null,
    lastUsedAt: null,
    raw: { id },
    ...patch,
  };
}
