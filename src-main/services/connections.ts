// Connections: one organization on one backend. The credential goes to the keychain (never to
// SQLite); a connection is stored only after its credential was verified against the backend.
import { randomUUID } from 'node:crypto';
import type { Capabilities, ChannelInput, ConnectionView, CredentialInput, ErrorKind } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import { isPlainHttpRemote, plainHttpRisk } from '../http/plain-http.ts';
import { LIMITS } from '../limits.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { ConnectionRecord } from '../model.ts';
import { providerModule } from '../providers/index.ts';
import { nextConnectionColor } from './connection-colors.ts';
import type { HttpTuning, Provider, ProviderConfig } from '../providers/types.ts';
import { cleanText, rememberSecret } from '../redact.ts';
import { connectionAccount, type SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/index.ts';
import type { SyncRunRecord } from '../store/sync-runs.ts';

export interface ConnectionServiceDeps {
  store: Store;
  secrets: SecretStore;
  events: CoreEvents;
  log: Logger;
  now: () => number;
  http?: HttpTuning;
  isSyncing: (connectionId: string) => boolean;
  /** Set when reviewing a copy: every action is unavailable, for this reason. */
  reviewNote?: string;
}

/** Failures that say the backend could not be reached at all (not that it answered with an error). */
export const UNREACHABLE_KINDS = new Set(['network', 'timeout']);

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

export function createConnectionService(deps: ConnectionServiceDeps) {
  const { store, secrets, events, log, now } = deps;
  const providers = new Map<string, Promise<Provider>>();

  function toView(record: ConnectionRecord, latest = store.syncRuns.latestByConnection().get(record.id)): ConnectionView {
    const module = providerModule(record.kind);
    return {
      id: record.id,
      kind: record.kind,
      name: record.name,
      baseUrl: record.baseUrl,
      color: record.color,
      createdAt: record.createdAt,
      account: record.accountId ? { id: record.accountId, name: record.accountName ?? record.accountId } : null,
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
      capabilities: deps.reviewNote ? reviewed(module.capabilities(record.settings), deps.reviewNote) : module.capabilities(record.settings),
    };
  }

  function require(connectionId: string): ConnectionRecord {
    const record = store.connections.get(connectionId);
    if (!record) throw new AppError('not-found', 'This connection no longer exists in Keyfleet.');
    return record;
  }

  function build(
    record: Pick<ConnectionRecord, 'kind' | 'baseUrl' | 'caPem' | 'settings' | 'plainHttpAcceptedAt'>,
    credential: CredentialInput,
    choice: Pick<ProviderConfig, 'target' | 'credentialKind' | 'options'> = {},
  ): Provider {
    // Remembered before any call, so an answer that echoes it is redacted wherever it goes.
    rememberSecret(credential.type === 'token' ? credential.token : credential.secretKey);
    return providerModule(record.kind).create({
      baseUrl: record.baseUrl,
      credential,
      ca: record.caPem ?? undefined,
      http: { ...deps.http, allowPlainHttp: typeof record.plainHttpAcceptedAt === 'number' },
      settings: record.settings,
      ...choice,
    });
  }

  async function loadProvider(record: ConnectionRecord): Promise<Provider> {
    const stored = await secrets.get(connectionAccount(record.id));
    if (!stored) {
      throw new AppError(
        'keychain',
        `The credential of “${record.name}” is missing from the OS keychain. Remove the connection and add it again.`,
      );
    }
    return build(record, JSON.parse(stored) as CredentialInput);
  }

  return {
    toView,

    list(): ConnectionView[] {
      const latest = store.syncRuns.latestByConnection();
      return store.connections.list().map((record) => toView(record, latest.get(record.id)));
    },

    get(connectionId: string): ConnectionRecord {
      return require(connectionId);
    },

    /** The adapter for a stored connection, built once from its keychain credential. */
    provider(connectionId: string): Promise<Provider> {
      const record = require(connectionId);
      let provider = providers.get(connectionId);
      if (!provider) {
        provider = loadProvider(record);
        providers.set(connectionId, provider);
        provider.catch(() => providers.delete(connectionId));
      }
      return provider;
    },

    async add(input: ChannelInput<'connections.add'>): Promise<ConnectionView> {
      const module = providerModule(input.kind);
      const { displayName, credential } = module.info;
      if (input.credential.type !== credential.type) {
        throw new AppError('validation', `${displayName} needs ${credential.type === 'key-pair' ? 'a key id and a secret' : 'a token'}.`, {
          fields: { credential: 'This backend uses a different kind of credential.' },
        });
      }
      const keychain = await secrets.probe();
      if (!keychain.available) throw new AppError('keychain', keychain.message ?? 'The OS keychain is not reachable.');

      const baseUrl = module.normalizeBaseUrl ? module.normalizeBaseUrl(input.baseUrl) : input.baseUrl.replace(/\/+$/, '');
      const plainHttp = isPlainHttpRemote(new URL(baseUrl));
      if (plainHttp && input.acceptPlainHttp !== true) {
        throw new AppError('validation', `${plainHttpRisk(new URL(baseUrl).host)}. Use https, or accept this risk for this connection.`, {
          fields: { acceptPlainHttp: 'Accept the risk to connect over plain http, or use an https address.' },
        });
      }
      const plainHttpAcceptedAt = plainHttp ? now() : null;
      const draft = { kind: input.kind, baseUrl, caPem: input.caPem ?? null, settings: {}, plainHttpAcceptedAt };
      const offered = new Set((module.info.options ?? []).map((o) => o.id));
      const unknown = Object.keys(input.options ?? {}).filter((id) => !offered.has(id));
      if (unknown.length > 0) {
        throw new AppError('validation', `${displayName} has no such connection option.`, { fields: { options: `Unknown: ${unknown.join(', ')}.` } });
      }
      const provider = build(draft, input.credential, { target: input.target, credentialKind: input.credentialKind, options: input.options });
      let identity;
      try {
        identity = await provider.verify();
      } catch (error) {
        await provider.close();
        throw error;
      }
      if (identity.choices && identity.choices.length > 0) {
        await provider.close();
        const what = module.info.targetLabel ?? 'organization';
        throw new AppError('validation', `This credential reaches several ${what}s. Choose the one this connection manages.`, {
          fields: { target: `Choose an ${what}.` },
          choices: identity.choices,
        });
      }

      // Who the backend says the credential belongs to is backend text: cleaned before it is kept.
      const accountName = cleanText(identity.accountName, LIMITS.nameChars);
      const settings = Object.fromEntries(
        Object.entries(identity.settings ?? {}).map(([k, v]) => [k, typeof v === 'string' ? cleanText(v, LIMITS.nameChars) : v]),
      );
      const record: ConnectionRecord = {
        id: randomUUID(),
        kind: input.kind,
        name: input.name,
        baseUrl,
        color: input.color ?? nextConnectionColor(store.connections.list().map((c) => c.color)),
        caPem: input.caPem ?? null,
        accountId: cleanText(identity.accountId, LIMITS.nameChars),
        accountName,
        createdAt: now(),
        lastSuccessAt: null,
        settings,
        plainHttpAcceptedAt,
      };
      try {
        await secrets.set(connectionAccount(record.id), JSON.stringify(input.credential));
      } catch (error) {
        await provider.close();
        throw error;
      }
      try {
        store.connections.insert(record);
      } catch (error) {
        await secrets.delete(connectionAccount(record.id)).catch(() => false);
        await provider.close();
        throw error;
      }
      providers.set(record.id, Promise.resolve(provider));
      store.journal.audit({
        at: now(),
        actor: 'user',
        action: 'connection.add',
        connectionId: record.id,
        keyId: null,
        result: 'ok',
        detail: `${displayName} at ${new URL(baseUrl).host} as ${accountName}${plainHttp ? ', over plain http (risk accepted)' : ''}`,
      });
      log.info('connection.added', { connectionId: record.id, kind: record.kind });
      events.emit('connections.changed', { connectionId: record.id });
      return toView(record);
    },

    async remove(connectionId: string): Promise<{ removed: true }> {
      const record = require(connectionId);
      // The keychain item goes first: if that fails the connection stays, so the secret is never orphaned.
      await secrets.delete(connectionAccount(record.id));
      const provider = providers.get(connectionId);
      providers.delete(connectionId);
      // Closing lets requests still in flight finish on their own deadline; removal does not wait.
      void provider?.then((p) => p.close()).catch(() => undefined);
      store.connections.remove(connectionId);
      store.journal.audit({
        at: now(),
        actor: 'user',
        action: 'connection.remove',
        connectionId,
        keyId: null,
        result: 'ok',
        detail: record.name,
      });
      events.emit('connections.changed', { connectionId });
      return { removed: true };
    },

    async close(): Promise<void> {
      const all = [...providers.values()];
      providers.clear();
      await Promise.all(all.map((p) => p.then((x) => x.close()).catch(() => undefined)));
    },
  };
}

export type ConnectionService = ReturnType<typeof createConnectionService>;
