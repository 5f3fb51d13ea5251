// A connection row written straight into a store, for tests of the store itself.
import type { ConnectionRecord } from '../../src-main/model.ts';
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
