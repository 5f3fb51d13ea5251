// The default LangWatch sandbox world, the same in both eras: organization "Acme AI" with two teams
// and four projects (one archived), an admin (Ada), a member (Bo) and a deactivated member (Cy),
// and keys of every kind: personal and service, org-wide and project-bound, expiring, expired,
// revoked, hidden (Langy session), ingestion, and (era B) a restricted one with a CUSTOM binding
// and a readonly one.
import type { LangwatchModel, Role, ScopeType } from './model.ts';

export interface LangwatchCredentials {
  /** Ada's personal key, ADMIN on the organization: manages every key. */
  admin: string;
  /** A service key with org-wide ADMIN: lists every key in the organization. */
  service: string;
  /** Bo's personal key, MEMBER on the organization: may list, not create (403). */
  member: string;
  /** Bo's key bound only to a team: no organization permission at all (403 everywhere). */
  teamOnly: string;
  /** A revoked key (401). */
  revoked: string;
  /** A key that expired two days ago (401). */
  expired: string;
  /** A key of a deactivated user (401). */
  deactivated: string;
  /** The legacy project key of “Chatbot” (401, with its own sentence). */
  legacyProject: string;
}

export interface LangwatchSeedIds {
  organization: string;
  teams: Record<'Platform' | 'Research', string>;
  projects: Record<'Chatbot' | 'Search' | 'Evals' | 'Old demo', string>;
  users: Record<'ada' | 'bo' | 'cy', string>;
  /** Key ids by name. */
  keys: Record<string, string>;
}

const DAY = 24 * 60 * 60 * 1000;

export function seedDefault(model: LangwatchModel, now = model.now()): { credentials: LangwatchCredentials; ids: LangwatchSeedIds } {
  model.organization = { id: `organization_${model.nanoid('org:acme')}`, name: 'Acme AI', slug: 'acme-ai' };
  const org = model.organization.id;
  const platform = model.addTeam('Platform', now - 400 * DAY);
  const research = model.addTeam('Research', now - 300 * DAY);
  const chatbot = model.addProject('Chatbot', platform.id, now - 390 * DAY);
  const search = model.addProject('Search', platform.id, now - 200 * DAY);
  const evals = model.addProject('Evals', research.id, now - 100 * DAY);
  const demo = model.addProject('Old demo', research.id, now - 350 * DAY, true);

  const ada = model.addUser('Ada', 'ADMIN');
  const bo = model.addUser('Bo', 'MEMBER', [[platform.id, 'MEMBER']]);
  const cy = model.addUser('Cy', 'MEMBER', [[research.id, 'VIEWER']]);

  const keys: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const b = (role: Role, scopeType: ScopeType, scopeId: string) => ({ role, scopeType, scopeId });
  const key = (
    name: string,
    userId: string | null,
    bindings: Array<ReturnType<typeof b>>,
    ageDays: number,
    extra: { description?: string; expiresInDays?: number; prefix?: 'ik-lw-'; permissionMode?: string; permissions?: string[] } = {},
  ) => {
    const { key: created, token } = model.createKey({
      name,
      description: extra.description ?? null,
      userId,
      createdByUserId: userId ?? ada.id,
      bindings,
      expiresAt: extra.expiresInDays === undefined ? null : now + extra.expiresInDays * DAY,
      prefix: extra.prefix,
      permissionMode: extra.permissionMode,
      permissions: extra.permissions,
      seed: name,
      createdAt: now - ageDays * DAY,
    });
    keys[name] = created.id;
    tokens[name] = token;
    return created;
  };

  key('keyfleet-admin', ada.id, [b('ADMIN', 'ORGANIZATION', org)], 60);
  key('ci-pipeline', null, [b('ADMIN', 'PROJECT', chatbot.id), b('ADMIN', 'PROJECT', search.id)], 30, { description: 'GitHub Actions deploys' });
  key('org-automation', null, [b('ADMIN', 'ORGANIZATION', org)], 90);
  key('ada-notebook', ada.id, [b('VIEWER', 'PROJECT', evals.id), b('MEMBER', 'TEAM', platform.id)], 12, { description: 'Jupyter on my laptop', expiresInDays: 20 });
  model.keys.get(key('old-deploy', ada.id, [b('ADMIN', 'PROJECT', chatbot.id)], 120).id)!.revokedAt = now - 10 * DAY;
  key('expired-script', ada.id, [b('MEMBER', 'ORGANIZATION', org)], 40, { expiresInDays: -2 });
  key('Langy session', ada.id, [b('ADMIN', 'ORGANIZATION', org)], 1);
  key('bo-dev', bo.id, [b('MEMBER', 'TEAM', platform.id)], 20);
  key('bo-org-member', bo.id, [b('MEMBER', 'ORGANIZATION', org)], 15);
  key('bo-team-only', bo.id, [b('MEMBER', 'TEAM', platform.id)], 14);
  key('collector-ingest', null, [b('ADMIN', 'PROJECT', search.id)], 70, { prefix: 'ik-lw-' });
  key('cy-old', cy.id, [b('VIEWER', 'PROJECT', evals.id)], 200);
  if (model.era === 'B') {
    key('custom-reader', ada.id, [b('CUSTOM', 'ORGANIZATION', org)], 5, { permissionMode: 'restricted', permissions: ['organization:view', 'traces:view'] });
    key('bo-readonly', bo.id, [b('VIEWER', 'PROJECT', chatbot.id)], 4, { permissionMode: 'readonly' });
  }
  cy.deactivated = true;
  // The seeded tokens are deterministic: they are not "issued" secrets the tests look for.
  model.issued.length = 0;

  return {
    credentials: {
      admin: tokens['keyfleet-admin']!,
      service: tokens['org-automation']!,
      member: tokens['bo-org-member']!,
      teamOnly: tokens['bo-team-only']!,
      revoked: tokens['old-deploy']!,
      expired: tokens['expired-script']!,
      deactivated: tokens['cy-old']!,
      legacyProject: chatbot.apiKey,
    },
    ids: {
      organization: org,
      teams: { Platform: platform.id, Research: research.id },
      projects: { Chatbot: chatbot.id, Search: search.id, Evals: evals.id, 'Old demo': demo.id },
      users: { ada: ada.id, bo: bo.id, cy: cy.id },
      keys,
    },
  };
}
