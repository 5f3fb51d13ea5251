// The Onyx sandbox's state (langwatch-and-onyx.md Part 2): users and their groups, service-account
// API keys (each with its own synthetic user), personal access tokens, and how a bearer token
// resolves to a user. Permission levels come from groups in both variants: on ≤ v4.6 the key's
// role puts its user in the default Admin or Basic group (or none, "limited").
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type Variant = 'roles' | 'groups';

/** Onyx's UserRole values, in its declaration order (the 422 message lists them so). */
export const USER_ROLES = ['limited', 'basic', 'admin', 'curator', 'global_curator', 'slack_user', 'ext_perm_user'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Scopes a PAT may be limited to (SELECTABLE_PAT_SCOPES in backend/onyx/server/pat/models.py). */
export const SELECTABLE_PAT_SCOPES = ['read:search', 'read:chat', 'write:chat', 'use:llm_gateway'];
/** Onyx's Permission values (backend/onyx/db/enums.py), in declaration order: what `scopes` may name at all. */
export const KNOWN_PERMISSIONS = [
  'basic',
  'read:connectors',
  'read:document_sets',
  'read:agents',
  'read:users',
  'read:user_groups',
  'read:search',
  'read:chat',
  'write:chat',
  'read:admin',
  'generate:image',
  'use:llm_gateway',
  'add:agents',
  'manage:agents',
  'manage:document_sets',
  'manage:connectors',
  'manage:llms',
  'read:agent_analytics',
  'manage:actions',
  'manage:skills',
  'read:query_history',
  'manage:user_groups',
  'create:user_api_keys',
  'manage:service_account_api_keys',
  'manage:bots',
  'craft_sandbox',
  'admin',
];
/** What a granted permission implies (IMPLIED_PERMISSIONS, the part these routes touch); `admin` implies all. */
const IMPLIED: Record<string, string[]> = {
  basic: ['read:search', 'read:chat', 'write:chat', 'generate:image', 'use:llm_gateway'],
  'write:chat': ['read:chat'],
  'manage:service_account_api_keys': ['read:user_groups'],
};

/** Everything a set of granted permissions comes to (resolve_effective_permissions). */
export function effectivePermissions(granted: Iterable<string>): string[] {
  const set = new Set(granted);
  if (set.has('admin')) return [...KNOWN_PERMISSIONS].sort();
  for (const permission of [...set]) for (const implied of IMPLIED[permission] ?? []) set.add(implied);
  for (const permission of [...set]) for (const implied of IMPLIED[permission] ?? []) set.add(implied);
  return [...set].sort();
}

export const ADMIN_GROUP = 1;
export const BASIC_GROUP = 2;

export const API_KEY_PREFIX = 'on_';
export const PAT_PREFIX = 'onyx_pat_';
const KEY_EMAIL_DOMAIN = 'onyxapikey.ai';
const DAY = 24 * 60 * 60 * 1000;
const PAT_LAST_USE_GRANULARITY_MS = 5 * 60 * 1000;

export interface User {
  id: string;
  email: string;
  /** ≤ v4.6 only: the role the key or user was given. */
  role: UserRole;
  groupIds: Set<number>;
  accountType: 'STANDARD' | 'SERVICE_ACCOUNT';
}

export interface Group {
  id: number;
  name: string;
  isDefault: boolean;
  /** What membership grants (main): Admin `admin`, Basic `basic`; custom groups what their admin toggled. */
  permissions: string[];
}

export interface ApiKey {
  id: number;
  name: string | null;
  hash: string;
  display: string;
  userId: string;
  ownerId: string | null;
  createdAt: number;
}

export interface Pat {
  id: number;
  name: string;
  hash: string;
  display: string;
  userId: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revoked: boolean;
  scopes: string[] | null;
}

export type Access = { role: UserRole } | { groupIds: number[] };

export type Level = 'admin' | 'basic' | 'limited';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `secrets.token_urlsafe(192)`: 256 URL-safe characters. */
export function randomPart(): string {
  return randomBytes(192).toString('base64url');
}

/** Deterministic values in the real format, so seeded credentials can be typed by hand. */
export function seededPart(label: string): string {
  let out = '';
  for (let round = 0; out.length < 256; round++) {
    out += createHash('sha512').update(`keyfleet-onyx-sandbox:${label}:${round}`).digest('base64url');
  }
  return out.slice(0, 256);
}

/** build_displayable_api_key: on_ + 4 + ******** + last 4. */
export function apiKeyDisplay(token: string): string {
  const rest = token.startsWith(API_KEY_PREFIX) ? token.slice(API_KEY_PREFIX.length) : token;
  return `${API_KEY_PREFIX}${rest.slice(0, 4)}********${rest.slice(-4)}`;
}

/** build_displayable_pat: the first 12 characters, ****, the last 4. */
export function patDisplay(token: string): string {
  return `${token.slice(0, 12)}****${token.slice(-4)}`;
}

/** calculate_expiration: 23:59:59.999999 UTC on (today UTC + days); we keep milliseconds. */
export function endOfUtcDay(now: number, days: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days, 23, 59, 59, 999);
}

/** The column that holds a user's email is VARCHAR(320) (alembic 6d387b3196c2_basic_auth). */
const EMAIL_MAX = 320;

/**
 * A service account's synthetic email (get_api_key_fake_email), lowercased as User.validate_email
 * does. Longer than its column allows, the database refuses it and Onyx answers 500: no key name
 * over 261 characters can exist.
 */
function keyEmail(name: string | null, userId: string): string {
  const email = `API_KEY__${name || 'Unnamed'}@${userId}${KEY_EMAIL_DOMAIN}`.toLowerCase();
  if (email.length > EMAIL_MAX) throw new Error(`value too long for type character varying(${EMAIL_MAX})`);
  return email;
}

export class OnyxModel {
  readonly variant: Variant;
  readonly users = new Map<string, User>();
  readonly groups = new Map<number, Group>();
  /** In id order, which is the order Onyx's unordered SELECT returns in practice. */
  readonly apiKeys = new Map<number, ApiKey>();
  readonly pats = new Map<number, Pat>();
  /** Every secret this sandbox ever issued, for tests that scan for leaks. */
  readonly issued: string[] = [];
  private nextKey = 1;
  private nextPat = 1;
  private nextGroup = 1;
  private offsetMs = 0;

  constructor(variant: Variant) {
    this.variant = variant;
    this.addGroup('Admin', true, ['admin']);
    this.addGroup('Basic', true, ['basic']);
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the sandbox's clock forward (PAT expiry). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  addGroup(name: string, isDefault = false, permissions: string[] = ['basic']): Group {
    const group: Group = { id: this.nextGroup++, name, isDefault, permissions };
    this.groups.set(group.id, group);
    return group;
  }

  addUser(email: string, access: Access, accountType: User['accountType'] = 'STANDARD', id: string = randomUUID()): User {
    const user: User = { id, email, role: 'basic', groupIds: new Set(), accountType };
    this.users.set(user.id, user);
    this.setAccess(user, access);
    return user;
  }

  /** Replaces the user's role and groups as insert_api_key / update_api_key do in each variant. */
  setAccess(user: User, access: Access): void {
    if ('role' in access) {
      user.role = access.role;
      for (const id of [...user.groupIds]) if (this.groups.get(id)?.isDefault) user.groupIds.delete(id);
      if (access.role === 'admin') user.groupIds.add(ADMIN_GROUP);
      if (access.role === 'basic') user.groupIds.add(BASIC_GROUP);
    } else {
      user.groupIds = new Set(access.groupIds);
    }
  }

  level(user: User): Level {
    if (user.groupIds.has(ADMIN_GROUP)) return 'admin';
    return user.groupIds.size > 0 ? 'basic' : 'limited';
  }

  /** The user's effective permissions on main: its groups' grants, expanded. */
  permissionsOf(user: User): string[] {
    return effectivePermissions([...user.groupIds].flatMap((id) => this.groups.get(id)?.permissions ?? []));
  }

  missingGroups(ids: number[]): number[] {
    return [...new Set(ids.filter((id) => !this.groups.has(id)))].sort((a, b) => a - b);
  }

  createApiKey(name: string | null, access: Access, ownerId: string | null, opts: { secret?: string; createdAt?: number } = {}) {
    const secret = opts.secret ?? `${API_KEY_PREFIX}${randomPart()}`;
    const userId = randomUUID();
    this.addUser(keyEmail(name, userId), access, 'SERVICE_ACCOUNT', userId);
    const key: ApiKey = { id: this.nextKey++, name, hash: sha256(secret), display: apiKeyDisplay(secret), userId, ownerId, createdAt: opts.createdAt ?? this.now() };
    this.apiKeys.set(key.id, key);
    this.issued.push(secret);
    return { key, secret };
  }

  regenerate(key: ApiKey): string {
    const secret = `${API_KEY_PREFIX}${randomPart()}`;
    key.hash = sha256(secret);
    key.display = apiKeyDisplay(secret);
    this.issued.push(secret);
    return secret;
  }

  updateApiKey(key: ApiKey, name: string | null, access: Access): void {
    const user = this.users.get(key.userId)!;
    user.email = keyEmail(name, user.id);
    key.name = name;
    this.setAccess(user, access);
  }

  removeApiKey(key: ApiKey): void {
    this.apiKeys.delete(key.id);
    this.users.delete(key.userId);
  }

  createPat(userId: string, name: string, expirationDays: number | null, scopes: string[] | null, opts: { secret?: string; createdAt?: number } = {}) {
    const secret = opts.secret ?? `${PAT_PREFIX}${randomPart()}`;
    const createdAt = opts.createdAt ?? this.now();
    const pat: Pat = {
      id: this.nextPat++,
      name,
      hash: sha256(secret),
      display: patDisplay(secret),
      userId,
      createdAt,
      expiresAt: expirationDays === null ? null : endOfUtcDay(createdAt, expirationDays),
      lastUsedAt: null,
      revoked: false,
      scopes,
    };
    this.pats.set(pat.id, pat);
    this.issued.push(secret);
    return { pat, secret };
  }

  live(pat: Pat): boolean {
    return !pat.revoked && (pat.expiresAt === null || pat.expiresAt > this.now());
  }

  /** revoke_pat: only the owner's live tokens; revoking expires it now. */
  revokePat(userId: string, id: number): boolean {
    const pat = this.pats.get(id);
    if (!pat || pat.userId !== userId || !this.live(pat)) return false;
    pat.revoked = true;
    pat.expiresAt = this.now();
    return true;
  }

  /** Live PATs of one user, newest first. */
  patsOf(userId: string): Pat[] {
    return [...this.pats.values()].filter((p) => p.userId === userId && this.live(p)).sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
  }

  /** The caller a header value stands for: PATs need "Bearer ", API keys may come bare. */
  resolve(header: string | undefined): { user: User; pat: Pat | null } | undefined {
    if (!header) return undefined;
    const bearer = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
    if (bearer?.startsWith(PAT_PREFIX)) {
      const hash = sha256(bearer);
      const pat = [...this.pats.values()].find((p) => p.hash === hash);
      if (!pat || !this.live(pat)) return undefined;
      const user = this.users.get(pat.userId);
      if (!user) return undefined;
      // Onyx records a use fire-and-forget, at most once every 5 minutes (_schedule_pat_last_used_update).
      const now = this.now();
      if (pat.lastUsedAt === null || now - pat.lastUsedAt > PAT_LAST_USE_GRANULARITY_MS) pat.lastUsedAt = now;
      return { user, pat };
    }
    const token = bearer ?? header;
    if (!token.startsWith(API_KEY_PREFIX) && !token.startsWith('dn_')) return undefined;
    const hash = sha256(token);
    const key = [...this.apiKeys.values()].find((k) => k.hash === hash);
    const user = key ? this.users.get(key.userId) : undefined;
    return user ? { user, pat: null } : undefined;
  }

  static days(n: number): number {
    return n * DAY;
  }
}
