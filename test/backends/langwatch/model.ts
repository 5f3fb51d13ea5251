// The LangWatch sandbox's state (langwatch-and-onyx.md Part 1): one organization, its teams and
// projects, users with organization and team roles, and organization API keys with role bindings.
// Tokens are sk-lw-<lookupId16>_<secret48>; only an HMAC of the secret is kept. Permissions follow
// §1.2/§1.5: a key's bindings, capped for a personal key by its owner's own access.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type Era = 'A' | 'B';
export type Role = 'ADMIN' | 'MEMBER' | 'VIEWER' | 'CUSTOM';
export type ScopeType = 'ORGANIZATION' | 'TEAM' | 'PROJECT';
export type TeamRole = 'ADMIN' | 'MEMBER' | 'VIEWER';

export interface Binding {
  id: string;
  role: Role;
  scopeType: ScopeType;
  scopeId: string;
}

export interface Team {
  id: string;
  name: string;
  slug: string;
  createdAt: number;
}

export interface Project {
  id: string;
  name: string;
  slug: string;
  teamId: string;
  language: string;
  framework: string;
  createdAt: number;
  archived: boolean;
  /** The legacy project key (sk-lw- + 48 chars); it cannot call /api/api-keys. */
  apiKey: string;
}

export interface User {
  id: string;
  name: string;
  email: string;
  orgRole: 'ADMIN' | 'MEMBER';
  teamRoles: Map<string, TeamRole>;
  deactivated: boolean;
}

export interface ApiKey {
  id: string;
  lookupId: string;
  hashedSecret: string;
  prefix: 'sk-lw-' | 'ik-lw-';
  name: string;
  description: string | null;
  userId: string | null;
  createdByUserId: string | null;
  permissionMode: string;
  permissions: string[];
  bindings: Binding[];
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export const RESERVED_NAMES = ['Langy session'];
const PEPPER = 'keyfleet-langwatch-sandbox-pepper';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const NANO = `${ALNUM}_-`;

function pick(bytes: Buffer, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i % bytes.length]! % alphabet.length];
  return out;
}

/** Deterministic characters for a seeded label, so seeded credentials can be typed by hand. */
export function seeded(label: string, alphabet: string, length: number): string {
  return pick(createHash('sha512').update(`keyfleet-langwatch-sandbox:${label}`).digest(), alphabet, length);
}

export const hashSecret = (secret: string) => createHmac('sha256', PEPPER).update(secret).digest('hex');

export type Resolution =
  | { ok: true; key: ApiKey; user: User | null }
  | { ok: false; reason: 'missing' | 'invalid' | 'legacy' | 'org' };

export class LangwatchModel {
  readonly era: Era;
  organization = { id: '', name: '', slug: '' };
  readonly teams = new Map<string, Team>();
  readonly projects = new Map<string, Project>();
  readonly users = new Map<string, User>();
  readonly keys = new Map<string, ApiKey>();
  readonly issued: string[] = [];
  private clock = 0;
  private counter = 0;

  constructor(era: Era) {
    this.era = era;
  }

  now(): number {
    return Date.now() + this.clock;
  }

  advance(ms: number): void {
    this.clock += ms;
  }

  nanoid(label?: string): string {
    return label ? seeded(`id:${label}`, NANO, 21) : pick(randomBytes(21), NANO, 21);
  }

  addTeam(name: string, createdAt = this.now()): Team {
    const team = { id: `team_${this.nanoid(`team:${name}`)}`, name, slug: slug(name), createdAt };
    this.teams.set(team.id, team);
    return team;
  }

  addProject(name: string, teamId: string, createdAt = this.now(), archived = false): Project {
    const id = `project_${this.nanoid(`project:${name}`)}`;
    const project = { id, name, slug: slug(name), teamId, language: 'python', framework: 'openai', createdAt, archived, apiKey: `sk-lw-${seeded(`legacy:${name}`, ALNUM, 48)}` };
    this.projects.set(id, project);
    return project;
  }

  addUser(name: string, orgRole: User['orgRole'], teamRoles: Array<[string, TeamRole]> = []): User {
    const user = { id: `user_${this.nanoid(`user:${name}`)}`, name, email: `${name.toLowerCase()}@example.com`, orgRole, teamRoles: new Map(teamRoles), deactivated: false };
    this.users.set(user.id, user);
    return user;
  }

  /** Mints a key and returns its token, which exists nowhere else afterwards. */
  createKey(input: {
    name: string;
    description?: string | null;
    userId: string | null;
    createdByUserId: string | null;
    bindings: Array<Omit<Binding, 'id'>>;
    expiresAt?: number | null;
    permissionMode?: string;
    permissions?: string[];
    prefix?: ApiKey['prefix'];
    seed?: string;
    createdAt?: number;
  }): { key: ApiKey; token: string } {
    const lookupId = input.seed ? seeded(`lookup:${input.seed}`, ALNUM, 16) : pick(randomBytes(16), ALNUM, 16);
    const secret = input.seed ? seeded(`secret:${input.seed}`, ALNUM, 48) : pick(randomBytes(48), ALNUM, 48);
    const prefix = input.prefix ?? 'sk-lw-';
    const id = input.seed ? this.nanoid(`key:${input.seed}`) : this.nanoid();
    const key: ApiKey = {
      id,
      lookupId,
      hashedSecret: hashSecret(secret),
      prefix,
      name: input.name,
      description: input.description ?? null,
      userId: input.userId,
      createdByUserId: input.createdByUserId,
      permissionMode: input.permissionMode ?? 'all',
      permissions: input.permissions ?? [],
      bindings: input.bindings.map((b) => ({ ...b, id: `rb_${this.nanoid()}${++this.counter}` })),
      createdAt: input.createdAt ?? this.now(),
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
    };
    this.keys.set(id, key);
    const token = `${prefix}${lookupId}_${secret}`;
    this.issued.push(token);
    return { key, token };
  }

  /** TokenResolver.resolveOrgOnly, with the classification of getTokenType (§1.3). */
  resolve(header: string | undefined): Resolution {
    const match = header ? /^\s*bearer\s+(.*)$/i.exec(header) : null;
    const token = match?.[1]?.trim();
    if (!token) return { ok: false, reason: 'missing' };
    const parts = /^(sk-lw-|pat-lw-|ik-lw-)([0-9A-Za-z]{16})_([0-9A-Za-z]{48})$/.exec(token);
    if (!parts) {
      if (token.startsWith('sk-lw-') && [...this.projects.values()].some((p) => p.apiKey === token)) return { ok: false, reason: 'legacy' };
      return { ok: false, reason: 'invalid' };
    }
    const key = [...this.keys.values()].find((k) => k.lookupId === parts[2]);
    if (!key || !safeEqual(key.hashedSecret, hashSecret(parts[3]!))) return { ok: false, reason: 'invalid' };
    if (key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt < this.now())) return { ok: false, reason: 'invalid' };
    const user = key.userId ? (this.users.get(key.userId) ?? null) : null;
    if (key.userId && (!user || user.deactivated)) return { ok: false, reason: 'invalid' };
    if (!this.organization.id) return { ok: false, reason: 'org' };
    return { ok: true, key, user };
  }

  /** Org-scope permissions: the key's own bindings, capped for a personal key by its owner. */
  orgPermissions(key: ApiKey, user: User | null): Set<string> {
    const granted = new Set<string>();
    for (const b of key.bindings) {
      if (b.scopeType !== 'ORGANIZATION' || b.scopeId !== this.organization.id) continue;
      for (const p of ORG_BAGS[b.role] ?? key.permissions) granted.add(p);
    }
    if (!user) return granted;
    const ceiling = new Set(user.orgRole === 'ADMIN' ? ORG_BAGS.ADMIN : ORG_BAGS.MEMBER);
    return new Set([...granted].filter((p) => ceiling.has(p)));
  }

  /** Real adminness (resolveCallerIsAdmin): the user's org ADMIN, or a service key's own ADMIN binding. */
  isAdmin(key: ApiKey, user: User | null): boolean {
    if (user) return user.orgRole === 'ADMIN';
    return key.bindings.some((b) => b.role === 'ADMIN' && b.scopeType === 'ORGANIZATION' && b.scopeId === this.organization.id);
  }

  /** Projects the credential may view (resolveVisibleProjects). */
  visibleProjects(key: ApiKey, user: User | null): Project[] {
    const live = [...this.projects.values()].filter((p) => !p.archived);
    if (this.orgPermissions(key, user).has('project:view')) return live;
    return live.filter((p) =>
      key.bindings.some((b) => (b.scopeType === 'PROJECT' && b.scopeId === p.id) || (b.scopeType === 'TEAM' && b.scopeId === p.teamId)) &&
      (!user || user.orgRole === 'ADMIN' || user.teamRoles.has(p.teamId)),
    );
  }

  /** assertBuiltinRoleWithinCeiling: may this user hold this role at this scope? */
  withinCeiling(user: User, role: Role, scopeType: ScopeType, scopeId: string): boolean {
    if (user.orgRole === 'ADMIN') return true;
    if (scopeType === 'ORGANIZATION') return role === 'MEMBER' || role === 'VIEWER';
    const teamId = scopeType === 'TEAM' ? scopeId : this.projects.get(scopeId)?.teamId;
    const held = teamId ? user.teamRoles.get(teamId) : undefined;
    return held !== undefined && RANK[held] >= RANK[role as TeamRole];
  }

  /** What GET /api/api-keys returns (§1.4): own keys plus service keys, or everything for a service credential. */
  listedFor(caller: ApiKey): ApiKey[] {
    return [...this.keys.values()]
      .filter((k) => k.revokedAt === null && !RESERVED_NAMES.includes(k.name))
      .filter((k) => (caller.userId ? k.userId === caller.userId || (k.userId === null && k.prefix !== 'ik-lw-') : true))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** isListedForMember: a member may read their own keys and service keys by id. */
  readableBy(key: ApiKey, caller: ApiKey): boolean {
    return key.userId === null ? key.prefix !== 'ik-lw-' : key.userId === caller.userId;
  }
}

const RANK: Record<TeamRole, number> = { VIEWER: 1, MEMBER: 2, ADMIN: 3 };

const ORG_BAGS: Record<string, string[]> = {
  ADMIN: ['organization:view', 'organization:manage', 'team:view', 'project:view'],
  MEMBER: ['organization:view', 'team:view', 'project:view'],
  VIEWER: ['team:view', 'project:view'],
};

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
