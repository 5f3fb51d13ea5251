// The deepset sandbox's state: one organization, its users and workspaces, web sessions (user
// access tokens, JWT-like with an expiry) and API keys ("api_" + JWT-like, masked after creation).
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type OrgRole = 'ADMIN' | 'MEMBER' | 'EXTERNAL';
export const ORG_ROLES: OrgRole[] = ['ADMIN', 'MEMBER', 'EXTERNAL'];

export interface User {
  id: string;
  givenName: string;
  familyName: string;
  email: string;
  role: OrgRole;
  /** The workspace role a key this user creates gets when the request names none. */
  workspaceRoleId: string | null;
}

export interface Workspace {
  id: string;
  name: string;
}

/** A workspace role (the presets Editor and Search user, or an organization's custom role): what a key's `role_id` names. */
export interface Role {
  id: string;
  name: string;
}

export interface ApiKey {
  id: string;
  name: string | null;
  secret: string;
  personal: boolean;
  ownerId: string | null;
  createdBy: string;
  organizationRole: OrgRole;
  roleId: string | null;
  /** 'workspace': exactly one workspace; 'organization': `workspaces` null = all, else the chosen names. */
  scope: 'organization' | 'workspace';
  workspaces: string[] | null;
  expiresAt: number | null;
  /** Orders the lists (newest first); never sent: deepset reports no creation date. */
  createdAt: number;
  /** Kept to show authentication works; never sent: deepset reports no last use. */
  lastUsedAt: number | null;
}

export interface Session {
  token: string;
  userId: string;
  expiresAt: number;
}

export type Caller =
  | { kind: 'user'; user: User; role: OrgRole }
  | { kind: 'api-key'; key: ApiKey; user: User | null; role: OrgRole };

export type AuthFailure = 'missing' | 'invalid' | 'session-expired' | 'key-expired' | 'owner-removed';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT-shaped token: a real header and payload, a signature of random (or seeded) bytes. */
export function jwtLike(payload: Record<string, unknown>, seed?: string): string {
  const signature = seed ? createHash('sha256').update(seed).digest('base64url') : randomBytes(32).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}.${signature}`;
}

/** How deepset shows a key after creation: first and last 4 characters, the rest masked. */
export function mask(secret: string): string {
  return `${secret.slice(0, 4)}${'*'.repeat(16)}${secret.slice(-4)}`;
}

export class DeepsetModel {
  readonly organization = { id: randomUUID(), name: 'acme-search' };
  readonly users = new Map<string, User>();
  readonly workspaces = new Map<string, Workspace>();
  readonly roles = new Map<string, Role>();
  readonly keys = new Map<string, ApiKey>();
  readonly sessions = new Map<string, Session>();
  /** Every secret the sandbox ever issued (tests scan for them). */
  readonly issued: string[] = [];

  addUser(givenName: string, familyName: string, email: string, role: OrgRole, workspaceRoleId: string | null = null): User {
    const user = { id: randomUUID(), givenName, familyName, email, role, workspaceRoleId };
    this.users.set(user.id, user);
    return user;
  }

  addWorkspace(name: string): Workspace {
    const workspace = { id: randomUUID(), name };
    this.workspaces.set(name, workspace);
    return workspace;
  }

  addRole(name: string): Role {
    const role = { id: randomUUID(), name };
    this.roles.set(role.id, role);
    return role;
  }

  mintSession(userId: string, ttlMs: number, now = Date.now()): string {
    const expiresAt = now + ttlMs;
    const token = jwtLike({ sub: userId, org: this.organization.id, iat: Math.floor(now / 1000), exp: Math.floor(expiresAt / 1000), typ: 'session' });
    this.sessions.set(token, { token, userId, expiresAt });
    return token;
  }

  addKey(fields: Omit<ApiKey, 'id' | 'secret' | 'lastUsedAt'> & { seed?: string }): ApiKey {
    const id = randomUUID();
    const secret = `api_${jwtLike({ sub: id, org: this.organization.id, typ: 'api_key' }, fields.seed)}`;
    const { seed: _seed, ...rest } = fields;
    const key: ApiKey = { ...rest, id, secret, lastUsedAt: null };
    this.keys.set(id, key);
    this.issued.push(secret);
    return key;
  }

  authenticate(header: string | undefined, now = Date.now()): Caller | AuthFailure {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) return 'missing';
    const token = match[1]!;
    const session = this.sessions.get(token);
    if (session) {
      if (session.expiresAt <= now) return 'session-expired';
      const user = this.users.get(session.userId);
      return user ? { kind: 'user', user, role: user.role } : 'invalid';
    }
    const key = [...this.keys.values()].find((k) => k.secret === token);
    if (!key) return 'invalid';
    if (key.expiresAt !== null && key.expiresAt <= now) return 'key-expired';
    const owner = key.ownerId ? (this.users.get(key.ownerId) ?? null) : null;
    if (key.personal && !owner) return 'owner-removed';
    key.lastUsedAt = now;
    return { kind: 'api-key', key, user: owner, role: key.organizationRole };
  }

  /** Workspaces a caller reaches: a workspace key its own, a limited organization key its chosen ones. */
  reachable(caller: Caller): Workspace[] {
    const all = [...this.workspaces.values()];
    if (caller.kind === 'user' || caller.key.workspaces === null) return all;
    return all.filter((w) => caller.key.workspaces!.includes(w.name));
  }

  /** Newest first, as deepset's lists are ordered. */
  keysNewestFirst(filter: (key: ApiKey) => boolean = () => true): ApiKey[] {
    return [...this.keys.values()].filter(filter).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }
}
