// The env zero world the sandbox serves, in memory: users, organizations with members, projects
// (nested through parentProjectId), teams (whose members may be User-role API keys), custom roles,
// project role assignments (a built-in role or a custom role's id), organization API keys and
// personal API keys. It also holds what makes env zero tricky for a client: two ids
// per key, a list that lags behind a create, and an authentication cache that keeps accepting a
// deleted key for up to an hour. The clock can be moved forward so tests never sleep.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type OrgRole = 'Admin' | 'User';
export const PROJECT_ROLES = ['Admin', 'Deployer', 'Planner', 'Viewer'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  givenName: string;
  familyName: string;
  createdAt: number;
}

export interface Organization {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  createdBy: string;
  /** user id → the user's role in this organization */
  members: Map<string, OrgRole>;
}

export interface Project {
  id: string;
  name: string;
  description: string;
  organizationId: string;
  parentProjectId: string | null;
  isArchived: boolean;
  createdAt: number;
  createdBy: string;
}

export interface Team {
  id: string;
  name: string;
  description: string;
  organizationId: string;
  userIds: string[];
}

export interface Role {
  id: string;
  name: string;
  organizationId: string;
  permissions: string[];
  isDefaultRole: boolean;
}

/** A project role of a user, or of a User-role API key (its `id` is the "user id"): built in, or a custom role's id. */
export interface Assignment {
  id: string;
  projectId: string;
  userId: string;
  role: string;
}

export interface ApiKey {
  /** Resource id: used for DELETE and as a user id in project and team assignments. */
  id: string;
  name: string;
  /** The Basic-auth user name. Not secret, and not the same as `id`. */
  apiKeyId: string;
  secretHash: string;
  organizationId: string;
  /** 'Admin', 'User' or a custom role id. */
  organizationRole: string;
  createdAt: number;
  createdBy: string;
  lastUsedAt: number | null;
  deletedAt: number | null;
  /** Before then the list does not show the key yet (eventual consistency). */
  visibleAt: number;
}

export interface PersonalKey {
  apiKeyId: string;
  secretHash: string;
  userId: string;
  name: string;
  createdAt: number;
}

export interface Credential {
  apiKeyId: string;
  apiKeySecret: string;
}

/** Who a request authenticated as. */
export type Caller =
  | { kind: 'organization'; key: ApiKey }
  | { kind: 'personal'; key: PersonalKey; user: User };

export interface ModelOptions {
  /** How long a successful authentication is cached (env zero: up to 1 h). */
  authCacheMs: number;
  /** How long a new key stays missing from GET /api-keys. */
  listLagMs: number;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Deterministic values for seeded data, so a person can paste them into the preview. */
export function seededId(label: string): string {
  const h = createHash('sha256').update(`envzero-id:${label}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function seededCredential(label: string): Credential {
  const h = createHash('sha256').update(`envzero-cred:${label}`).digest();
  return { apiKeyId: apiKeyIdFrom(h), apiKeySecret: secretFrom(createHash('sha256').update(h).digest()) };
}

// The real formats are not documented; these only need to look distinct from each other and from the uuid.
function apiKeyIdFrom(bytes: Buffer): string {
  return bytes.toString('hex').slice(0, 16);
}

function secretFrom(bytes: Buffer): string {
  return bytes.toString('base64url').slice(0, 40);
}

export class EnvZeroModel {
  readonly options: ModelOptions;
  readonly users = new Map<string, User>();
  readonly organizations = new Map<string, Organization>();
  readonly projects = new Map<string, Project>();
  readonly teams = new Map<string, Team>();
  readonly roles = new Map<string, Role>();
  readonly assignments: Assignment[] = [];
  readonly apiKeys = new Map<string, ApiKey>();
  readonly personalKeys = new Map<string, PersonalKey>();
  /** Every secret this sandbox ever issued, for tests that scan for leaks. */
  readonly issued: string[] = [];
  /** apiKeyId → the cached successful authentication. */
  private readonly authCache = new Map<string, { secretHash: string; until: number }>();
  private offsetMs = 0;

  constructor(options: ModelOptions) {
    this.options = options;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  addUser(label: string, name: string, email: string): User {
    const [givenName = name, familyName = ''] = name.split(' ');
    const user: User = { id: `auth0|${createHash('sha256').update(label).digest('hex').slice(0, 24)}`, email, name, givenName, familyName, createdAt: this.now() - 800 * 86_400_000 };
    this.users.set(user.id, user);
    return user;
  }

  addOrganization(label: string, name: string, createdBy: User, description = ''): Organization {
    const org: Organization = { id: seededId(`org:${label}`), name, description, createdAt: this.now() - 700 * 86_400_000, createdBy: createdBy.id, members: new Map([[createdBy.id, 'Admin']]) };
    this.organizations.set(org.id, org);
    return org;
  }

  addProject(org: Organization, name: string, opts: { parent?: Project; archived?: boolean; description?: string } = {}): Project {
    const project: Project = {
      id: seededId(`project:${org.id}:${name}`),
      name,
      description: opts.description ?? '',
      organizationId: org.id,
      parentProjectId: opts.parent?.id ?? null,
      isArchived: opts.archived ?? false,
      createdAt: this.now() - 300 * 86_400_000,
      createdBy: org.createdBy,
    };
    this.projects.set(project.id, project);
    return project;
  }

  addTeam(org: Organization, name: string, userIds: string[] = [], description = ''): Team {
    const team: Team = { id: seededId(`team:${org.id}:${name}`), name, description, organizationId: org.id, userIds };
    this.teams.set(team.id, team);
    return team;
  }

  addRole(org: Organization, name: string, permissions: string[]): Role {
    const role: Role = { id: seededId(`role:${org.id}:${name}`), name, organizationId: org.id, permissions, isDefaultRole: false };
    this.roles.set(role.id, role);
    return role;
  }

  assign(projectId: string, userId: string, role: string): Assignment {
    const assignment: Assignment = { id: randomUUID(), projectId, userId, role };
    this.assignments.push(assignment);
    return assignment;
  }

  /** A key as the seed wants it: deterministic credential, visible at once. */
  seedKey(org: Organization, label: string, name: string, role: string, createdBy: User, opts: { ageDays: number; lastUsedDaysAgo?: number }): { key: ApiKey; credential: Credential } {
    const credential = seededCredential(label);
    const at = this.now() - opts.ageDays * 86_400_000;
    const key: ApiKey = {
      id: seededId(`key:${label}`),
      name,
      apiKeyId: credential.apiKeyId,
      secretHash: hash(credential.apiKeySecret),
      organizationId: org.id,
      organizationRole: role,
      createdAt: at,
      createdBy: createdBy.id,
      lastUsedAt: opts.lastUsedDaysAgo === undefined ? null : this.now() - opts.lastUsedDaysAgo * 86_400_000,
      deletedAt: null,
      visibleAt: at,
    };
    this.apiKeys.set(key.id, key);
    return { key, credential };
  }

  seedPersonalKey(user: User, label: string, name: string): Credential {
    const credential = seededCredential(label);
    this.personalKeys.set(credential.apiKeyId, { apiKeyId: credential.apiKeyId, secretHash: hash(credential.apiKeySecret), userId: user.id, name, createdAt: this.now() - 60 * 86_400_000 });
    return credential;
  }

  /** POST /api-keys after validation: mints both ids and the one-time secret. */
  createKey(org: Organization, name: string, role: string, createdBy: string, projects: Array<{ projectId: string; projectRole: ProjectRole }>): { key: ApiKey; secret: string } {
    const secret = secretFrom(randomBytes(32));
    this.issued.push(secret);
    const at = this.now();
    const key: ApiKey = {
      id: randomUUID(),
      name,
      apiKeyId: apiKeyIdFrom(randomBytes(8)),
      secretHash: hash(secret),
      organizationId: org.id,
      organizationRole: role,
      createdAt: at,
      createdBy,
      lastUsedAt: null,
      deletedAt: null,
      visibleAt: at + this.options.listLagMs,
    };
    this.apiKeys.set(key.id, key);
    for (const p of projects) this.assign(p.projectId, key.id, p.projectRole);
    return { key, secret };
  }

  deleteKey(key: ApiKey): void {
    key.deletedAt = this.now();
    // Its project roles and team places go with it; a cached authentication does not (that is the point).
    for (let i = this.assignments.length - 1; i >= 0; i--) if (this.assignments[i]!.userId === key.id) this.assignments.splice(i, 1);
    for (const team of this.teams.values()) team.userIds = team.userIds.filter((id) => id !== key.id);
  }

  /** Whether an id names a member of the organization: a user in it, or one of its live API keys. */
  isMember(orgId: string, id: string): boolean {
    const key = this.apiKeys.get(id);
    return this.organizations.get(orgId)?.members.has(id) === true || (key !== undefined && key.organizationId === orgId && key.deletedAt === null);
  }

  listedKeys(orgId: string): ApiKey[] {
    const now = this.now();
    return [...this.apiKeys.values()].filter((k) => k.organizationId === orgId && k.deletedAt === null && k.visibleAt <= now);
  }

  /**
   * Basic auth as env zero does it: a live key whose secret matches, or any pair that
   * authenticated successfully within the cache window — even if its key was deleted since.
   */
  authenticate(apiKeyId: string, secret: string): Caller | undefined {
    const now = this.now();
    const secretHash = hash(secret);
    const cached = this.authCache.get(apiKeyId);
    const cacheHit = cached !== undefined && cached.until > now && cached.secretHash === secretHash;
    const orgKey = [...this.apiKeys.values()].find((k) => k.apiKeyId === apiKeyId);
    if (orgKey && orgKey.secretHash === secretHash && (orgKey.deletedAt === null || cacheHit)) {
      if (!cacheHit) this.authCache.set(apiKeyId, { secretHash, until: now + this.options.authCacheMs });
      orgKey.lastUsedAt = now;
      return { kind: 'organization', key: orgKey };
    }
    const personal = this.personalKeys.get(apiKeyId);
    if (personal && personal.secretHash === secretHash) {
      if (!cacheHit) this.authCache.set(apiKeyId, { secretHash, until: now + this.options.authCacheMs });
      return { kind: 'personal', key: personal, user: this.users.get(personal.userId)! };
    }
    return undefined;
  }

  /** Organizations a caller reaches, with its role in each. */
  reachable(caller: Caller): Array<{ org: Organization; role: string }> {
    if (caller.kind === 'organization') {
      const org = this.organizations.get(caller.key.organizationId);
      return org ? [{ org, role: caller.key.organizationRole }] : [];
    }
    return [...this.organizations.values()].flatMap((org) => {
      const role = org.members.get(caller.user.id);
      return role ? [{ org, role }] : [];
    });
  }

  roleIn(caller: Caller, orgId: string): string | undefined {
    return this.reachable(caller).find((r) => r.org.id === orgId)?.role;
  }

  creatorOf(caller: Caller): string {
    return caller.kind === 'personal' ? caller.user.id : caller.key.id;
  }
}
