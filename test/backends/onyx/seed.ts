// The default Onyx sandbox world, the same in both variants: an admin (Ada) and a basic user (Bo),
// two custom groups, service-account keys of every kind, and PATs that are live, expiring,
// scoped, expired and revoked. Seeded secrets are deterministic (see seededPart).
import { ADMIN_GROUP, API_KEY_PREFIX, BASIC_GROUP, PAT_PREFIX, seededPart, type Access, type OnyxModel, type UserRole } from './model.ts';

export interface OnyxCredentials {
  /** Admin service-account key: manages every key. */
  adminKey: string;
  /** Basic key: refused on admin routes with INSUFFICIENT_PERMISSIONS. */
  basicKey: string;
  /** Limited key: refused with "User has limited permissions". */
  limitedKey: string;
  /** Ada's (admin) unscoped PAT: manages keys and Ada's own PATs. */
  adminPat: string;
  /** Bo's (basic) PAT: only Bo's own PATs. */
  userPat: string;
  /** Ada's PAT limited to read:search: refused on admin routes. */
  scopedPat: string;
  /** Ada's PAT that expired yesterday. */
  expiredPat: string;
  /** Cy's PAT: Cy is only in the Basic group, which on main does not grant creating tokens. */
  basicOnlyPat: string;
}

export interface OnyxSeedIds {
  users: { admin: string; basic: string; basicOnly: string };
  groups: Record<'Admin' | 'Basic' | 'Engineering' | 'Support', number>;
  /** Service-account key ids by name ("(unnamed)" for the nameless one). */
  keys: Record<string, number>;
  /** PAT ids by name. */
  pats: Record<string, number>;
}

const DAY = 24 * 60 * 60 * 1000;

export function seedDefault(model: OnyxModel, now = model.now()): { credentials: OnyxCredentials; ids: OnyxSeedIds } {
  // Engineering's admin let its members create personal access tokens; Basic does not by default.
  const engineering = model.addGroup('Engineering', false, ['basic', 'create:user_api_keys']);
  const support = model.addGroup('Support');
  const roles = model.variant === 'roles';
  /** One access spec per variant: a role on ≤ v4.6, the equivalent groups on main. */
  const access = (role: UserRole, groups: number[]): Access => (roles ? { role } : { groupIds: groups });

  const ada = model.addUser('ada@example.com', access('admin', [ADMIN_GROUP]));
  const bo = model.addUser('bo@example.com', access('basic', [BASIC_GROUP, engineering.id]));
  const cy = model.addUser('cy@example.com', access('basic', [BASIC_GROUP]));

  const keys: Record<string, number> = {};
  const secrets: Record<string, string> = {};
  const key = (name: string | null, role: UserRole, groups: number[], ageDays: number) => {
    const label = name ?? '(unnamed)';
    const { key: created, secret } = model.createApiKey(name, access(role, groups), ada.id, {
      secret: `${API_KEY_PREFIX}${seededPart(`key:${label}`)}`,
      createdAt: now - ageDays * DAY,
    });
    keys[label] = created.id;
    secrets[label] = secret;
  };
  key('keyfleet-admin', 'admin', [ADMIN_GROUP], 40);
  key('search-bot', 'basic', [BASIC_GROUP, engineering.id], 200);
  key('slack-ingest', 'limited', [], 120);
  key(null, 'basic', [support.id], 90);
  key('ops-readonly', 'basic', [BASIC_GROUP], 30);
  key('kiosk', 'limited', [], 10);

  const pats: Record<string, number> = {};
  const patSecrets: Record<string, string> = {};
  const pat = (userId: string, name: string, days: number | null, scopes: string[] | null, ageDays: number) => {
    const { pat: created, secret } = model.createPat(userId, name, days, scopes, {
      secret: `${PAT_PREFIX}${seededPart(`pat:${name}`)}`,
      createdAt: now - ageDays * DAY,
    });
    pats[name] = created.id;
    patSecrets[name] = secret;
    return created;
  };
  pat(ada.id, 'keyfleet-sandbox', null, null, 60);
  pat(ada.id, 'laptop-cli', 90, null, 20);
  pat(ada.id, 'search-only', 30, ['read:search'], 5);
  pat(ada.id, 'old-script', 30, null, 31);
  const revoked = pat(ada.id, 'revoked-one', null, null, 50);
  model.revokePat(ada.id, revoked.id);
  pat(bo.id, 'bo-notebook', 365, null, 3);
  pat(cy.id, 'cy-cli', null, null, 8);

  return {
    credentials: {
      adminKey: secrets['keyfleet-admin']!,
      basicKey: secrets['ops-readonly']!,
      limitedKey: secrets.kiosk!,
      adminPat: patSecrets['keyfleet-sandbox']!,
      userPat: patSecrets['bo-notebook']!,
      scopedPat: patSecrets['search-only']!,
      expiredPat: patSecrets['old-script']!,
      basicOnlyPat: patSecrets['cy-cli']!,
    },
    ids: {
      users: { admin: ada.id, basic: bo.id, basicOnly: cy.id },
      groups: { Admin: ADMIN_GROUP, Basic: BASIC_GROUP, Engineering: engineering.id, Support: support.id },
      keys,
      pats,
    },
  };
}
