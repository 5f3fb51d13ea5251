// The Rancher 1.x sandbox's state: accounts and projects (one `1a` id counter), credentials of every
// kind (one `1c` counter), and the cattle lifecycle of a credential with its transitioning states
// and the `actions` each state offers (rancher-1x.md §4, §5). Transitions settle lazily: a key
// stores where it is heading and when, and every read finishes what is due, so no timers run.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { VARIANT_TRAITS, type Variant } from './json.ts';

export type AccountKind = 'admin' | 'user' | 'project';
export type MemberRole = 'owner' | 'member' | 'restricted' | 'readonly';

export interface Account {
  id: string;
  kind: AccountKind;
  name: string;
  state: 'active' | 'inactive';
  description: string | null;
  /** For projects: member account id → role. */
  members: Map<string, MemberRole>;
  uuid: string;
  created: number;
}

export type CredentialKind = 'apiKey' | 'password' | 'agentApiKey' | 'registrationToken';

export interface Credential {
  id: string;
  kind: CredentialKind;
  accountId: string;
  name: string | null;
  description: string | null;
  publicValue: string;
  /** `SHA256:<salt>:<hex>`, as cattle stores it; the clear secret is never kept. */
  secretHash: string;
  state: string;
  /** Where a transitioning state ends, and when. */
  pending: { until: number; state: string } | null;
  created: number;
  removed: number | null;
  removeTime: number | null;
  uuid: string;
}

interface Process {
  from: readonly string[];
  via(state: string): string;
  to(state: string): string;
}

/** DefaultProcessesParser: where each process may start, its transitioning state and its end. */
export const PROCESSES: Record<string, Process> = {
  // create ends in inactive and is chained to activate (activate.by.default.credential): net active.
  create: { from: ['requested'], via: () => 'registering', to: () => 'active' },
  activate: { from: ['inactive', 'registering'], via: () => 'activating', to: () => 'active' },
  deactivate: {
    from: ['requested', 'registering', 'active', 'activating', 'updating-active', 'updating-inactive'],
    via: () => 'deactivating',
    to: () => 'inactive',
  },
  remove: { from: ['requested', 'inactive', 'registering', 'updating-active', 'updating-inactive'], via: () => 'removing', to: () => 'removed' },
  purge: { from: ['removed'], via: () => 'purging', to: () => 'purged' },
  update: { from: ['active', 'inactive'], via: (s) => `updating-${s}`, to: (s) => s },
  // Only cattle < v0.179 (Rancher 1.2–1.5).
  restore: { from: ['removed'], via: () => 'restoring', to: () => 'inactive' },
};

/** Credential kinds that authenticate over Basic (account.by.key.credential.types). */
const AUTH_KINDS: ReadonlySet<CredentialKind> = new Set(['apiKey', 'agentApiKey']);

const BAD_SECRET_CHARS = /[O0lI+/=]/g;

/** Random bytes drawn from one refilled buffer: bulk seeding makes a few hundred thousand values. */
class RandomPool {
  private buffer = Buffer.alloc(0);
  private offset = 0;
  take(n: number): Buffer {
    if (this.offset + n > this.buffer.length) {
      this.buffer = randomBytes(Math.max(64 * 1024, n));
      this.offset = 0;
    }
    const out = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

const pool = new RandomPool();

/** Access key: 10 random bytes as 20 upper-case hex chars (ApiKeyFilter). */
export function newPublicValue(): string {
  return pool.take(10).toString('hex').toUpperCase();
}

/** Secret: base64 of 128 random bytes without `O 0 l I + / =`, cut to 40 chars (ApiKeyFilter). */
export function newSecretValue(): string {
  let secret = '';
  while (secret.length < 40) secret += pool.take(128).toString('base64').replace(BAD_SECRET_CHARS, '');
  return secret.slice(0, 40);
}

/** Deterministic values in the real format, so seeded keys can be typed into a form by hand. */
export function seededPair(label: string): { publicValue: string; secretValue: string } {
  const digest = createHash('sha512').update(`keyfleet-rancher-sandbox:${label}`).digest();
  let secret = '';
  for (let round = 0; secret.length < 40; round++) {
    secret += createHash('sha512').update(digest).update(String(round)).digest('base64').replace(BAD_SECRET_CHARS, '');
  }
  return { publicValue: digest.subarray(0, 10).toString('hex').toUpperCase(), secretValue: secret.slice(0, 40) };
}

function hashSecret(secret: string, salt = pool.take(8).toString('hex')): string {
  return `SHA256:${salt}:${createHash('sha256').update(salt).update(secret).digest('hex')}`;
}

function secretMatches(stored: string, secret: string): boolean {
  const [, salt = '', hex = ''] = stored.split(':');
  const expected = Buffer.from(hex, 'hex');
  const actual = Buffer.from(hashSecret(secret, salt).split(':')[2] ?? '', 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface ModelOptions {
  settleMs: number;
  purgeAfterMs: number;
  variant: Variant;
}

export interface NewCredential {
  name?: string | null;
  description?: string | null;
  state?: string;
  created?: number;
  publicValue?: string;
  secretValue?: string;
}

export class RancherModel {
  readonly accounts = new Map<string, Account>();
  readonly credentials = new Map<string, Credential>();
  /** apiKeys in id order (ids only grow, rows are never deleted), for listing. */
  readonly keyOrder: Credential[] = [];
  /** Every credential kind in id order, for /credentials. */
  readonly credentialOrder: Credential[] = [];
  private readonly byPublicValue = new Map<string, Credential[]>();
  /** Every secret ever generated or supplied, in clear, for leak scans by tests. */
  readonly issued: string[] = [];
  private nextAccount = 1;
  private nextCredential = 1;
  readonly options: ModelOptions;

  constructor(options: ModelOptions) {
    this.options = options;
  }

  addAccount(kind: AccountKind, name: string, description: string | null = null, created = Date.now()): Account {
    const account: Account = {
      id: `1a${this.nextAccount++}`,
      kind,
      name,
      state: 'active',
      description,
      members: new Map(),
      uuid: randomUUID(),
      created,
    };
    this.accounts.set(account.id, account);
    return account;
  }

  /** Adds a credential directly in `state` (default active), as seeding does. Returns it with its clear secret. */
  addCredential(kind: CredentialKind, accountId: string, fields: NewCredential = {}): { credential: Credential; secretValue: string } {
    if (!this.accounts.has(accountId)) throw new Error(`no account ${accountId}`);
    const secretValue = fields.secretValue ?? newSecretValue();
    const now = Date.now();
    const credential: Credential = {
      id: `1c${this.nextCredential++}`,
      kind,
      accountId,
      name: fields.name ?? null,
      description: fields.description ?? null,
      publicValue: fields.publicValue ?? newPublicValue(),
      secretHash: hashSecret(secretValue),
      state: fields.state ?? 'active',
      pending: null,
      created: fields.created ?? now,
      removed: null,
      removeTime: null,
      uuid: randomUUID(),
    };
    if (credential.state === 'removed') {
      credential.removed = credential.created;
      credential.removeTime = now + this.options.purgeAfterMs;
    }
    this.credentials.set(credential.id, credential);
    this.credentialOrder.push(credential);
    if (kind === 'apiKey') this.keyOrder.push(credential);
    const same = this.byPublicValue.get(credential.publicValue);
    if (same) same.push(credential);
    else this.byPublicValue.set(credential.publicValue, [credential]);
    this.issued.push(secretValue);
    return { credential, secretValue };
  }

  /** POST create: the key starts in `registering` and settles to active. */
  createKey(accountId: string, fields: NewCredential, now = Date.now()): { credential: Credential; secretValue: string } {
    const created = this.addCredential('apiKey', accountId, { ...fields, state: 'registering', created: now });
    created.credential.pending = { until: now + this.options.settleMs, state: 'active' };
    return created;
  }

  /** True when another live credential already uses this access key (CredentialUniqueFilter). */
  publicValueTaken(publicValue: string): boolean {
    return (this.byPublicValue.get(publicValue) ?? []).some((c) => !['removed', 'purging', 'purged'].includes(this.settle(c).state));
  }

  /** Finishes a transition whose time has come, and purges removed keys once removeTime passed. */
  settle(c: Credential, now = Date.now()): Credential {
    for (;;) {
      if (c.pending && now >= c.pending.until) {
        c.state = c.pending.state;
        c.pending = null;
      } else if (c.state === 'removed' && c.removeTime !== null && now >= c.removeTime) {
        // PurgeMonitor runs purge by itself once removeTime has passed.
        c.state = 'purging';
        c.pending = { until: c.removeTime + this.options.settleMs, state: 'purged' };
      } else {
        return c;
      }
    }
  }

  isTransitioning(c: Credential): boolean {
    return c.pending !== null;
  }

  /** The actions map's keys for the key's current state (§5), in cattle's process order. */
  actions(c: Credential): string[] {
    this.settle(c);
    return Object.keys(PROCESSES).filter((name) => this.knows(name) && PROCESSES[name]!.from.includes(c.state));
  }

  /** Whether the action exists at all in this Rancher version. */
  knows(action: string): boolean {
    return action in PROCESSES && (action !== 'restore' || VARIANT_TRAITS[this.options.variant].restore);
  }

  /** Starts a process; the key shows the transitioning state until settleMs has passed. */
  run(c: Credential, action: string, now = Date.now()): void {
    const process = PROCESSES[action];
    if (!process) throw new Error(`unknown process ${action}`);
    const from = this.settle(c, now).state;
    if (action === 'remove') {
      // SetRemovedFields; removeTime is when the purge monitor takes the key (random 0–600 s in cattle).
      c.removed = now;
      c.removeTime = now + this.options.purgeAfterMs;
    }
    if (action === 'restore') {
      c.removed = null;
      c.removeTime = null;
    }
    c.state = process.via(from);
    c.pending = { until: now + this.options.settleMs, state: process.to(from) };
  }

  /**
   * DELETE runs `remove`, but only from the states remove accepts. `removing` and `removed` count as
   * already done (200, unchanged); any other state cancels the process (405).
   */
  delete(c: Credential, now = Date.now()): 'started' | 'unchanged' | 'refused' {
    const state = this.settle(c, now).state;
    if (PROCESSES.remove!.from.includes(state)) {
      this.run(c, 'remove', now);
      return 'started';
    }
    return state === 'removing' || state === 'removed' ? 'unchanged' : 'refused';
  }

  /** The admin account (AuthDao.getAdminAccount): the first one of kind admin. */
  admin(): Account | undefined {
    for (const account of this.accounts.values()) if (account.kind === 'admin') return account;
    return undefined;
  }

  /** The credential whose access key and secret match: active, a key kind, owned by an active account. */
  authenticate(publicValue: string, secret: string): Credential | undefined {
    for (const c of this.byPublicValue.get(publicValue) ?? []) {
      if (!AUTH_KINDS.has(c.kind) || this.settle(c).state !== 'active' || !secretMatches(c.secretHash, secret)) continue;
      const owner = this.accounts.get(c.accountId);
      return owner && owner.state === 'active' ? c : undefined;
    }
    return undefined;
  }
}
