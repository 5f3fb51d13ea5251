// The Rancher 1.x sandbox's state: accounts and projects (one `1a` id counter), credentials (one
// `1c` counter), and the cattle lifecycle of an apiKey with its transitioning states and the
// `actions` each state offers (rancher-1x.md §5).
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type AccountKind = 'admin' | 'user' | 'project';

export interface Account {
  id: string;
  kind: AccountKind;
  name: string;
  state: 'active' | 'inactive';
  description: string | null;
  /** For projects: member account id → role. */
  members: Map<string, 'owner' | 'member' | 'readonly'>;
  uuid: string;
}

export interface Credential {
  id: string;
  kind: 'apiKey' | 'password';
  accountId: string;
  name: string | null;
  description: string | null;
  publicValue: string;
  secretValue: string;
  state: string;
  pending: { until: number; state: string } | null;
  created: number;
  removed: number | null;
  removeTime: number | null;
  uuid: string;
}

/** Valid starting states of each process (DefaultProcessesParser). */
export const ALLOWED_FROM: Record<string, string[]> = {
  activate: ['inactive', 'registering'],
  deactivate: ['requested', 'registering', 'active', 'activating', 'updating-active', 'updating-inactive'],
  remove: ['requested', 'inactive', 'registering', 'updating-active', 'updating-inactive'],
  purge: ['removed'],
  update: ['active', 'inactive'],
  restore: ['removed'],
  create: ['requested'],
};

const TRANSITIONS: Record<string, { via: string; to: string }> = {
  activate: { via: 'activating', to: 'active' },
  deactivate: { via: 'deactivating', to: 'inactive' },
  remove: { via: 'removing', to: 'removed' },
  purge: { via: 'purging', to: 'purged' },
  update: { via: 'updating', to: '' },
  restore: { via: 'restoring', to: 'inactive' },
};

const SECRET_ALPHABET = /[O0lI+/=]/g;

export function newPublicValue(): string {
  return randomBytes(10).toString('hex').toUpperCase();
}

export function newSecretValue(): string {
  let secret = '';
  while (secret.length < 40) secret += randomBytes(128).toString('base64').replace(SECRET_ALPHABET, '');
  return secret.slice(0, 40);
}

/** Deterministic values in the real format, so seeded keys can be typed into a form by hand. */
export function seededPair(label: string): { publicValue: string; secretValue: string } {
  const digest = createHash('sha512').update(`keyfleet-rancher-sandbox:${label}`).digest();
  let secret = '';
  for (let round = 0; secret.length < 40; round++) {
    secret += createHash('sha512').update(digest).update(String(round)).digest('base64').replace(SECRET_ALPHABET, '');
  }
  return { publicValue: digest.subarray(0, 10).toString('hex').toUpperCase(), secretValue: secret.slice(0, 40) };
}

export interface ModelOptions {
  settleMs: number;
  purgeAfterMs: number;
  variant: '1.6' | '1.2';
}

export class RancherModel {
  readonly accounts = new Map<string, Account>();
  readonly credentials = new Map<string, Credential>();
  /** apiKeys in id order (ids only grow), for listing. */
  readonly keyOrder: Credential[] = [];
  readonly byPublicValue = new Map<string, Credential>();
  readonly issued: string[] = [];
  private nextAccount = 1;
  private nextCredential = 1;
  readonly options: ModelOptions;

  constructor(options: ModelOptions) {
    this.options = options;
  }

  addAccount(kind: AccountKind, name: string, description: string | null = null): Account {
    const account: Account = {
      id: `1a${this.nextAccount++}`,
      kind,
      name,
      state: 'active',
      description,
      members: new Map(),
      uuid: randomUUID(),
    };
    this.accounts.set(account.id, account);
    return account;
  }

  addCredential(
    kind: Credential['kind'],
    accountId: string,
    fields: { name?: string | null; description?: string | null; state?: string; created?: number; pair?: { publicValue: string; secretValue: string } },
  ): Credential {
    const pair = fields.pair ?? { publicValue: newPublicValue(), secretValue: newSecretValue() };
    const credential: Credential = {
      id: `1c${this.nextCredential++}`,
      kind,
      accountId,
      name: fields.name ?? null,
      description: fields.description ?? null,
      publicValue: pair.publicValue,
      secretValue: pair.secretValue,
      state: fields.state ?? 'active',
      pending: null,
      created: fields.created ?? Date.now(),
      removed: null,
      removeTime: null,
      uuid: randomUUID(),
    };
    this.credentials.set(credential.id, credential);
    this.byPublicValue.set(credential.publicValue, credential);
    this.issued.push(credential.secretValue);
    if (kind === 'apiKey') this.keyOrder.push(credential);
    if (credential.state === 'removed') {
      credential.removed = credential.created;
      credential.removeTime = Date.now() + this.options.purgeAfterMs;
    }
    return credential;
  }

  /** Finishes a transition whose time has come, and purges removed keys once removeTime passed. */
  settle(credential: Credential, now = Date.now()): Credential {
    if (credential.pending && now >= credential.pending.until) {
      credential.state = credential.pending.state;
      credential.pending = null;
    }
    if (credential.state === 'removed' && credential.removeTime !== null && now >= credential.removeTime) {
      credential.state = 'purged';
    }
    return credential;
  }

  actions(credential: Credential): string[] {
    if (credential.pending) {
      // Transitioning states offer what their documented table says.
      const byState: Record<string, string[]> = {
        registering: ['activate', 'deactivate', 'remove'],
        activating: ['deactivate'],
        'updating-active': ['deactivate', 'remove'],
        'updating-inactive': ['deactivate', 'remove'],
      };
      return byState[credential.state] ?? [];
    }
    const names = ['activate', 'deactivate', 'remove', 'purge', 'update'];
    if (this.options.variant === '1.2') names.push('restore');
    if (credential.state === 'requested') return ['create', 'deactivate', 'remove'];
    return names.filter((n) => ALLOWED_FROM[n]!.includes(credential.state));
  }

  /** Starts a process; the key shows the transitioning state until settleMs has passed. */
  run(credential: Credential, action: string, now = Date.now()): void {
    const transition = TRANSITIONS[action]!;
    if (action === 'update') {
      const settled = credential.state;
      credential.state = `updating-${settled}`;
      credential.pending = { until: now + this.options.settleMs, state: settled };
      return;
    }
    if (action === 'remove') {
      credential.removed = now;
      credential.removeTime = now + this.options.purgeAfterMs;
    }
    if (action === 'restore') {
      credential.removed = null;
      credential.removeTime = null;
    }
    credential.state = transition.via;
    credential.pending = { until: now + this.options.settleMs, state: transition.to };
  }

  create(accountId: string, name: string | null, description: string | null, now = Date.now()): Credential {
    const credential = this.addCredential('apiKey', accountId, { name, description, state: 'registering', created: now });
    credential.pending = { until: now + this.options.settleMs, state: 'active' };
    return credential;
  }

  /** An active apiKey (or password) whose secret matches, owned by an active account. */
  authenticate(publicValue: string, secret: string): Credential | undefined {
    const credential = this.byPublicValue.get(publicValue);
    if (!credential) return undefined;
    this.settle(credential);
    if (credential.state !== 'active' || credential.secretValue !== secret) return undefined;
    const owner = this.accounts.get(credential.accountId);
    return owner && owner.state === 'active' ? credential : undefined;
  }
}
