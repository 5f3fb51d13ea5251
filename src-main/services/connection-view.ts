// How a stored connection reads to the renderer: its organization, its credential (which key it
// is, how old, whether it can be rotated or has ended), its last sync and reachability, and what its
// backend can do (nothing at all in a review of a copied data dir).
import type { Capabilities, ConnectionView, CredentialRotationStep, ErrorKind } from '../../src-preload/contract.ts';
import { isPlainHttpRemote } from '../http/plain-http.ts';
import type { ConnectionRecord } from '../model.ts';
import { providerModule } from '../providers/index.ts';
import type { Store } from '../store/index.ts';
import type { SyncRunRecord } from '../store/sync-runs.ts';
import { cleanText } from '../redact.ts';
import { credentialView, rotationSupport } from './own-credential.ts';

/** Failures that say the backend could not be reached at all (not that it answered with an error). */
export const UNREACHABLE_KINDS = new Set(['network', 'timeout']);

interface ViewDeps {
  store: Store;
  isSyncing: (connectionId: string) => boolean;
  /** Set when reviewing a copy: every action is unavailable, for this reason. */
  reviewNote?: string;
}

const ROTATION_STEPS: Record<string, CredentialRotationStep> = { creating: 'creating', created: 'verifying', verifying: 'verifying', swapping: 'swapping', swapped: 'retiring', retiring: 'retiring' };

function reachabilityOf(latest: SyncRunRecord | undefined): ConnectionView['reachability'] {
  if (!latest || latest.result === 'running' || latest.result === 'cancelled') return 'unknown';
  if (latest.result === 'ok') return 'online';
  return latest.errorKind && UNREACHABLE_KINDS.has(latest.errorKind) ? 'offline' : 'online';
}

function reviewed(capabilities: Capabilities, note: string): Capabilities {
  const off = { mode: 'unavailable' as const, note };
  return {
    ...capabilities,
    actions: { create: off, rename: off, rotate: off, activate: off, deactivate: off, delete: off },
    createForm: { types: capabilities.createForm.types.map((t) => ({ ...t, actions: undefined })) },
  };
}

export function connectionView(deps: ViewDeps, record: ConnectionRecord, latest = deps.store.syncRuns.latestByConnection().get(record.id)): ConnectionView {
  const { store } = deps;
  const module = providerModule(record.kind);
  const capabilities = deps.reviewNote ? reviewed(module.capabilities(record.settings), deps.reviewNote) : module.capabilities(record.settings);
  const ownKey = record.ownKeyId ? store.inventory.getKey(record.id, record.ownKeyId) : undefined;
  const rotating = store.journal.pendingOfKind('rotate-credential').find((op) => op.connectionId === record.id);
  return {
    id: record.id,
    kind: record.kind,
    name: record.name,
    baseUrl: record.baseUrl,
    color: record.color,
    createdAt: record.createdAt,
    account: record.accountId ? { id: record.accountId, name: record.accountName ?? record.accountId } : null,
    organization: record.organizationId ? { id: record.organizationId, name: record.organizationName ?? record.organizationId } : null,
    credential: credentialView(
      record,
      ownKey?.goneSince === null ? ownKey : undefined,
      deps.reviewNote ? { mode: 'unavailable', note: deps.reviewNote } : rotationSupport(record, ownKey, capabilities),
      rotating ? { operationId: rotating.id, step: ROTATION_STEPS[rotating.step ?? ''] ?? 'creating', error: rotating.errorMessage } : null,
    ),
    target:
      typeof record.settings.target === 'string'
        ? { id: record.settings.target, name: String(record.settings.targetName ?? record.settings.target) }
        : null,
    readOnly: record.settings.readOnly === true,
    hasCustomCa: record.caPem !== null,
    plainHttp: isPlainHttpRemote(new URL(record.baseUrl)),
    lastSync:
      latest && latest.finishedAt !== null
        ? {
            at: latest.finishedAt,
            result: latest.result,
            error: latest.errorKind
              ? // Cleaned again as it is read: a row an older version wrote may hold a whole backend answer.
                { kind: latest.errorKind as ErrorKind, message: cleanText(latest.errorMessage ?? '') }
              : null,
          }
        : null,
    lastSuccessAt: record.lastSuccessAt,
    syncing: deps.isSyncing(record.id),
    reachability: reachabilityOf(latest),
    capabilities,
  };
}

