// The default sandbox world: one organization, an admin and a member, three workspaces, the
// workspace roles (presets Editor and Search user, a custom Annotator), and a mix of organization
// and workspace keys — personal and service, limited and unlimited, expiring, expired and nameless. Seeded API key secrets are deterministic; session tokens are not.
import type { DeepsetModel, OrgRole } from './model.ts';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

export interface SeedResult {
  credentials: { admin: string; member: string; apiKey: string; memberApiKey: string; expiredSession: string };
  ids: {
    organization: string;
    users: { admin: string; member: string };
    workspaces: Record<string, string>;
    /** Workspace role ids by name. */
    roles: Record<'Editor' | 'Search user' | 'Annotator', string>;
    keys: Record<string, string>;
  };
}

export function seedDefault(model: DeepsetModel, now = Date.now()): SeedResult {
  const roles = { Editor: model.addRole('Editor').id, 'Search user': model.addRole('Search user').id, Annotator: model.addRole('Annotator').id };
  const ada = model.addUser('Ada', 'Lovelace', 'ada@acme.example', 'ADMIN', roles.Editor);
  const max = model.addUser('Max', 'Muster', 'max@acme.example', 'MEMBER', roles['Search user']);
  const workspaces: Record<string, string> = {};
  for (const name of ['production', 'staging', 'research']) workspaces[name] = model.addWorkspace(name).id;

  const keys: Record<string, string> = {};
  const key = (
    label: string,
    name: string | null,
    o: { personal?: boolean; role?: OrgRole; workspaceRole?: keyof typeof roles; scope?: 'organization' | 'workspace'; workspaces?: string[] | null; ageDays: number; expiresInDays?: number },
  ) => {
    const created = model.addKey({
      seed: `deepset-${label}`,
      name,
      personal: o.personal ?? false,
      ownerId: o.personal ? ada.id : null,
      createdBy: ada.id,
      organizationRole: o.role ?? 'MEMBER',
      roleId: roles[o.workspaceRole ?? 'Editor'],
      scope: o.scope ?? 'organization',
      workspaces: o.workspaces ?? null,
      expiresAt: o.expiresInDays === undefined ? null : now + o.expiresInDays * DAY,
      createdAt: now - o.ageDays * DAY,
    });
    keys[label] = created.id;
    return created;
  };

  const readonly = key('keyfleet-readonly', 'keyfleet-readonly', { role: 'ADMIN', ageDays: 40 });
  key('ci-pipeline', 'ci-pipeline', { ageDays: 120, expiresInDays: 90 });
  key('ada-notebook', 'ada-notebook', { personal: true, workspaceRole: 'Search user', workspaces: ['staging', 'research'], ageDays: 12 });
  const member = key('member-key', 'member-key', { workspaceRole: 'Search user', ageDays: 5 });
  key('prod-search', 'prod-search', { workspaceRole: 'Search user', scope: 'workspace', workspaces: ['production'], ageDays: 60, expiresInDays: 180 });
  key('prod-old', 'prod-old', { scope: 'workspace', workspaces: ['production'], ageDays: 400, expiresInDays: -10 });
  key('unnamed', null, { personal: true, role: 'EXTERNAL', workspaceRole: 'Search user', scope: 'workspace', workspaces: ['staging'], ageDays: 3 });
  key('research-bot', 'research-bot', { workspaceRole: 'Annotator', scope: 'workspace', workspaces: ['research'], ageDays: 30 });

  return {
    credentials: {
      admin: model.mintSession(ada.id, 12 * HOUR, now),
      member: model.mintSession(max.id, 12 * HOUR, now),
      apiKey: readonly.secret,
      memberApiKey: member.secret,
      expiredSession: model.mintSession(ada.id, -60_000, now),
    },
    ids: { organization: model.organization.id, users: { admin: ada.id, member: max.id }, workspaces, roles, keys },
  };
}
