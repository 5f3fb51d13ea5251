// Connections: one organization on one backend. The credential goes to the keychain (never to
// SQLite); a connection is stored only after its credential was verified against the backend, and
// a new credential, address or CA replaces the old one only once verified against the same
// organization — the cached inventory, its history and the journal stay as they are.
import { randomUUID } from 'node:crypto';
import type { ChannelInput, ConnectionView, CredentialInput } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import { isPlainHttpRemote, plainHttpRisk } from '../http/plain-http.ts';
import { LIMITS } from '../limits.ts';
import type { CoreEvents } from '../events.ts';
import type { Logger } from '../log.ts';
import type { ConnectionRecord, ConnectionSettings } from '../model.ts';
import { providerModule } from '../providers/index.ts';
import { nextConnectionColor } from './connection-colors.ts';
import type { HttpTuning, Identity, Provider, ProviderConfig, ProviderModule } from '../providers/types.ts';
import { cleanText, rememberSecret } from '../redact.ts';
import { connectionAccount, type SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/index.ts';
import type { SyncRunRecord } from '../store/sync-runs.ts';
import { asAddressProblem, cancelledVerification, checkSameOrganization, createVerifyAttempts, defaultName } from './connection-checks.ts';
import { connectionView } from './connection-view.ts';

/** Settings a reconnect keeps: which organization the connection manages. The rest the new credential decides. */
const KEPT_ON_RECONNECT = ['target', 'targetName'];

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

export { UNREACHABLE_KINDS } from './connection-view.ts';

function pick(settings: ConnectionSettings, keys: string[]): Record<string, string | boolean> {
  return Object.fromEntries(Object.entries(settings).filter(([key]) => keys.includes(key)));
}

export function createConnectionService(deps: ConnectionServiceDeps) {
  const { store, secrets, events, log, now } = deps;
  const providers = new Map<string, Promise<Provider>>();
  const attempts = createVerifyAttempts();

  const toView = (record: ConnectionRecord, latest?: SyncRunRecord) => connectionView({ store, isSyncing: deps.isSyncing, reviewNote: deps.reviewNote }, record, latest);

  function require(connectionId: string): ConnectionRecord {
    const record = store.connections.get(connectionId);
    if (!record) throw new AppError('not-found', 'This connection no longer exists in Keyfleet.');
    return record;
  }

  function build(
    record: Pick<ConnectionRecord, 'kind' | 'baseUrl' | 'caPem' | 'settings' | 'plainHttpAcceptedAt'>,
    credential: CredentialInput,
    choice: Pick<ProviderConfig, 'target' | 'credentialKind' | 'options'> = {},
    signal?: AbortSignal,
  ): Provider {
    // Remembered before any call, so an answer that echoes it is redacted wherever it goes.
    rememberSecret(credential.type === 'token' ? credential.token : credential.secretKey);
    return providerModule(record.kind).create({
      baseUrl: record.baseUrl,
      credential,
      ca: record.caPem ?? undefined,
      http: { ...deps.http, allowPlainHttp: typeof record.plainHttpAcceptedAt === 'number', ...(signal ? { signal } : {}) },
      settings: record.settings,
      ...choice,
    });
  }

  async function storedCredential(record: ConnectionRecord): Promise<CredentialInput | null> {
    const stored = await secrets.get(connectionAccount(record.id));
    return stored ? (JSON.parse(stored) as CredentialInput) : null;
  }

  async function loadProvider(record: ConnectionRecord): Promise<Provider> {
    const credential = await storedCredential(record);
    if (!credential) {
      throw new AppError('keychain', `The credential of “${record.name}” is missing from the OS keychain. Reconnect it with a new credential.`);
    }
    return build(record, credential);
  }

  function checkCredentialType(module: ProviderModule, credential: CredentialInput): void {
    const { displayName, credential: wanted } = module.info;
    if (credential.type !== wanted.type) {
      throw new AppError('validation', `${displayName} needs ${wanted.type === 'key-pair' ? 'a key id and a secret' : 'a token'}.`, {
        fields: { credential: 'This backend uses a different kind of credential.' },
      });
    }
  }

  async function requireKeychain(): Promise<void> {
    const keychain = await secrets.probe();
    if (!keychain.available) throw new AppError('keychain', keychain.message ?? 'The OS keychain is not reachable.');
  }

  /** verify(), cancellable through the attempt, with a failure that says what was wrong with the address. */
  async function verifyWith(provider: Provider, module: ProviderModule, attempt: { signal: AbortSignal }): Promise<Identity> {
    try {
      if (attempt.signal.aborted) throw new AppError('cancelled', 'Cancelled.');
      return await provider.verify();
    } catch (error) {
      throw cancelledVerification(asAddressProblem(attempt.signal.aborted ? new AppError('cancelled', 'Cancelled.') : error, module.info.displayName));
    }
  }

  function audit(connectionId: string, action: string, detail: string, result: 'ok' | 'failed' = 'ok'): void {
    store.journal.audit({ at: now(), actor: 'user', action, connectionId, keyId: null, result, detail });
  }

  function replaceProvider(connectionId: string, next: Provider | undefined): void {
    const previous = providers.get(connectionId);
    if (next) providers.set(connectionId, Promise.resolve(next));
    else providers.delete(connectionId);
    void previous?.then((p) => p.close()).catch(() => undefined);
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

    /** An adapter for the connection with another credential, not cached (own-credential rotation). */
    providerWith(connectionId: string, credential: CredentialInput): Provider {
      return build(require(connectionId), credential);
    },

    cancelVerify: (attemptId: string) => attempts.cancel(attemptId),

    async add(input: ChannelInput<'connections.add'>): Promise<ConnectionView> {
      const module = providerModule(input.kind);
      const { displayName } = module.info;
      checkCredentialType(module, input.credential);
      await requireKeychain();

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
        // The names are the input's own (they may be anything pasted): the message lists the ones that exist instead.
        const known = (module.info.options ?? []).map((o) => o.label).join('; ');
        throw new AppError('validation', `${displayName} has no such connection option.`, {
          fields: { options: known ? `${unknown.length === 1 ? 'One option is' : `${unknown.length} options are`} not ${displayName}’s; it has: ${known}.` : `${displayName} has no connection options.` },
        });
      }
      const attempt = attempts.begin(input.attemptId);
      const provider = build(draft, input.credential, { target: input.target, credentialKind: input.credentialKind, options: input.options }, attempt.signal);
      let identity: Identity;
      try {
        identity = await verifyWith(provider, module, attempt);
      } catch (error) {
        await provider.close();
        throw error;
      } finally {
        attempt.end();
      }
      if (identity.choices && identity.choices.length > 0) {
        await provider.close();
        const what = module.info.targetLabel ?? 'organization';
        throw new AppError('validation', `This credential reaches several ${what}s. Choose the one this connection manages.`, {
          fields: { target: `Choose an ${what}.` },
          choices: identity.choices,
        });
      }

      const existing = store.connections.list();
      const at = now();
      // Who the backend says the credential belongs to is backend text: cleaned before it is kept.
      const accountName = cleanText(identity.accountName, LIMITS.nameChars);
      const settings = Object.fromEntries(
        Object.entries(identity.settings ?? {}).map(([k, v]) => [k, typeof v === 'string' ? cleanText(v, LIMITS.nameChars) : v]),
      );
      const organizationName = identity.organization?.name == null ? null : cleanText(identity.organization.name, LIMITS.nameChars);
      const record: ConnectionRecord = {
        id: randomUUID(),
        kind: input.kind,
        name: input.name ?? cleanText(defaultName(identity, displayName, baseUrl, new Set(existing.map((c) => c.name))), LIMITS.nameChars),
        baseUrl,
        color: input.color ?? nextConnectionColor(existing.map((c) => c.color)),
        caPem: input.caPem ?? null,
        accountId: cleanText(identity.accountId, LIMITS.nameChars),
        accountName,
        createdAt: at,
        lastSuccessAt: null,
        settings,
        plainHttpAcceptedAt,
        organizationId: identity.organization?.id ?? null,
        organizationName,
        credentialSetAt: at,
        ownKeyId: null,
        credentialEnded: null,
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
      audit(record.id, 'connection.add', `${displayName} at ${new URL(baseUrl).host} as ${accountName}${plainHttp ? ', over plain http (risk accepted)' : ''}`);
      log.info('connection.added', { connectionId: record.id, kind: record.kind });
      events.emit('connections.changed', { connectionId: record.id });
      return toView(record);
    },

    /**
     * Rename and recolour at once; a new credential, address, CA or credential kind is verified
     * first, against the organization the connection manages, and only then stored.
     */
    async update(input: ChannelInput<'connections.update'>): Promise<ConnectionView> {
      const record = require(input.connectionId);
      const module = providerModule(record.kind);
      const baseUrl = input.baseUrl === undefined ? record.baseUrl : module.normalizeBaseUrl ? module.normalizeBaseUrl(input.baseUrl) : input.baseUrl.replace(/\/+$/, '');
      const caPem = input.caPem === undefined ? record.caPem : input.caPem;
      const credentialKind = input.credentialKind ?? (typeof record.settings.credentialKind === 'string' ? record.settings.credentialKind : undefined);
      const reconnect =
        input.credential !== undefined || baseUrl !== record.baseUrl || caPem !== record.caPem || (input.credentialKind !== undefined && input.credentialKind !== record.settings.credentialKind);
      const renamed = { ...record, name: input.name ?? record.name, color: input.color ?? record.color };

      if (!reconnect) {
        store.connections.update(renamed);
        const what = [input.name !== undefined && input.name !== record.name ? `renamed “${record.name}” to “${renamed.name}”` : '', input.color !== undefined && input.color !== record.color ? 'colour changed' : '']
          .filter(Boolean)
          .join('; ');
        if (what) audit(record.id, 'connection.edit', what);
        events.emit('connections.changed', { connectionId: record.id });
        return toView(renamed);
      }

      if (input.credential) checkCredentialType(module, input.credential);
      await requireKeychain();
      const credential = input.credential ?? (await storedCredential(record));
      if (!credential) {
        throw new AppError('validation', `The credential of “${record.name}” is missing from the OS keychain; enter a new one.`, { fields: { credential: 'Enter a new credential.' } });
      }
      const kept = pick(record.settings, KEPT_ON_RECONNECT);
      const target = typeof record.settings.target === 'string' ? record.settings.target : undefined;
      // Plain http stays accepted for the address it was accepted for; a new one is refused by the
      // HTTP module, with the reason (the form that accepts the risk is the add form's).
      const plainHttpAcceptedAt = new URL(baseUrl).origin === new URL(record.baseUrl).origin ? (record.plainHttpAcceptedAt ?? null) : null;
      const attempt = attempts.begin(input.attemptId);
      let provider: Provider | undefined;
      let identity: Identity;
      try {
        provider = build({ kind: record.kind, baseUrl, caPem, settings: kept, plainHttpAcceptedAt }, credential, { target, credentialKind }, attempt.signal);
        identity = await verifyWith(provider, module, attempt);
        await checkSameOrganization(store, record, identity, provider, baseUrl);
      } catch (caught) {
        await provider?.close();
        // A credential that reaches other organizations but not this one: not a choice to make here.
        const error =
          caught instanceof AppError && caught.choices
            ? new AppError('conflict', `This credential does not reach “${record.organizationName ?? record.name}”, which this connection manages. Use a credential of that organization, or add the other one as a new connection.`, {
                fields: { credential: 'This credential reaches other organizations.' },
              })
            : caught;
        audit(record.id, 'connection.reconnect', error instanceof AppError ? error.message : 'verification failed', 'failed');
        throw cancelledVerification(error);
      } finally {
        attempt.end();
      }

      // Verified against the same organization: only now does the keychain get the new credential.
      if (input.credential) {
        try {
          await secrets.set(connectionAccount(record.id), JSON.stringify(input.credential));
        } catch (error) {
          await provider.close();
          throw error;
        }
      }
      const updated: ConnectionRecord = {
        ...renamed,
        baseUrl,
        caPem,
        plainHttpAcceptedAt,
        // What the backend says is backend text: cleaned before it is kept.
        accountId: cleanText(identity.accountId, LIMITS.nameChars),
        accountName: cleanText(identity.accountName, LIMITS.nameChars),
        settings: { ...record.settings, ...identity.settings },
        organizationId: identity.organization?.id ?? record.organizationId,
        organizationName: identity.organization?.name == null ? record.organizationName : cleanText(identity.organization.name, LIMITS.nameChars),
        credentialSetAt: input.credential ? now() : record.credentialSetAt,
        ownKeyId: input.credential ? null : record.ownKeyId,
        credentialEnded: input.credential ? null : record.credentialEnded,
      };
      store.connections.update(updated);
      replaceProvider(record.id, provider);
      const changed = [input.credential ? 'credential' : '', baseUrl !== record.baseUrl ? `address (${new URL(baseUrl).host})` : '', caPem !== record.caPem ? 'CA certificate' : '']
        .filter(Boolean)
        .join(', ');
      audit(record.id, 'connection.reconnect', `reconnected “${updated.name}” with a new ${changed || 'credential kind'}, verified as ${updated.accountName}`);
      log.info('connection.reconnected', { connectionId: record.id, kind: record.kind });
      events.emit('connections.changed', { connectionId: record.id });
      return toView(updated);
    },

    /** Swaps the stored credential for one already verified (own-credential rotation). */
    async swapCredential(connectionId: string, credential: CredentialInput, ownKeyId: string, provider?: Provider): Promise<void> {
      const record = require(connectionId);
      await secrets.set(connectionAccount(connectionId), JSON.stringify(credential));
      store.connections.update({ ...record, credentialSetAt: now(), ownKeyId, credentialEnded: null });
      replaceProvider(connectionId, provider);
      events.emit('connections.changed', { connectionId });
    },

    /** Remembers which key is the connection's own credential (after a sync or a rotation). */
    setOwnKey(connectionId: string, keyId: string | null): void {
      const record = store.connections.get(connectionId);
      if (record && record.ownKeyId !== keyId) store.connections.setOwnKey(connectionId, keyId);
    },

    /** An action ended the connection's credential: it needs a new one, and says so until it gets it. */
    endCredential(connectionId: string, reason: string): void {
      store.connections.setCredentialEnded(connectionId, { at: now(), reason });
      replaceProvider(connectionId, undefined);
      events.emit('connections.changed', { connectionId });
    },

    async remove(connectionId: string): Promise<{ removed: true }> {
      const record = require(connectionId);
      // The keychain item goes first: if that fails the connection stays, so the secret is never orphaned.
      await secrets.delete(connectionAccount(record.id));
      replaceProvider(connectionId, undefined);
      store.connections.remove(connectionId);
      audit(connectionId, 'connection.remove', record.name);
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
