// The default env zero world: Alice administers two organizations and has one personal API key
// that reaches both (so a connection must choose one); "Acme Platform" has nested projects, an
// archived one, two teams (a User key in one), an organization and a project custom role, and
// organization keys of every role (one with a custom project role); "Acme Labs" has
// its own. Seeded credentials are deterministic so a person can paste them into the preview.
import type { Credential, EnvZeroModel } from './model.ts';

export interface SeedResult {
  credentials: {
    /** Alice's personal key: Admin in both organizations. */
    personal: Credential;
    /** An Admin organization key of Acme Platform. */
    admin: Credential;
    /** A User-role organization key of Acme Platform (cannot manage keys). */
    user: Credential;
    /** An Admin organization key of Acme Labs. */
    labsAdmin: Credential;
  };
  ids: {
    users: { alice: string; bob: string };
    orgs: { platform: string; labs: string };
    projects: Record<string, string>;
    teams: Record<string, string>;
    /** auditor: an organization role; releaseManager: a project role. */
    roles: { auditor: string; releaseManager: string };
    /** key name → ApiKey.id */
    keys: Record<string, string>;
  };
}

export function seedDefault(model: EnvZeroModel): SeedResult {
  const alice = model.addUser('alice', 'Alice Admin', 'alice@acme.example');
  const bob = model.addUser('bob', 'Bob Builder', 'bob@acme.example');

  const platform = model.addOrganization('platform', 'Acme Platform', alice, 'Production infrastructure');
  platform.members.set(bob.id, 'User');
  const labs = model.addOrganization('labs', 'Acme Labs', alice, 'Experiments');

  const core = model.addProject(platform, 'Platform', { description: 'Shared infrastructure' });
  const networking = model.addProject(platform, 'Networking', { parent: core });
  const data = model.addProject(platform, 'Data');
  const legacy = model.addProject(platform, 'Legacy', { archived: true });
  const research = model.addProject(labs, 'Research');
  const experiments = model.addProject(labs, 'Experiments', { parent: research });

  const sre = model.addTeam(platform, 'SRE', [alice.id], 'Site reliability');
  const developers = model.addTeam(platform, 'Developers', [bob.id]);
  const crew = model.addTeam(labs, 'Lab crew', [alice.id]);
  const auditor = model.addRole(platform, 'Auditor', ['VIEW_ORGANIZATION', 'VIEW_DASHBOARD']);
  const releaseManager = model.addRole(platform, 'Release manager', ['VIEW_PROJECT', 'EDIT_PROJECT_SETTINGS', 'RUN_PLAN', 'RUN_APPLY']);

  model.assign(core.id, bob.id, 'Deployer');

  const keys: Record<string, string> = {};
  const key = (...args: Parameters<EnvZeroModel['seedKey']>) => {
    const seeded = model.seedKey(...args);
    keys[seeded.key.name] = seeded.key.id;
    return seeded;
  };
  const admin = key(platform, 'platform-admin', 'keyfleet-admin', 'Admin', alice, { ageDays: 30, lastUsedDaysAgo: 2 });
  key(platform, 'terraform-ci', 'terraform-ci', 'Admin', alice, { ageDays: 400, lastUsedDaysAgo: 1 });
  const user = key(platform, 'dashboard-reader', 'dashboard-reader', 'User', alice, { ageDays: 90, lastUsedDaysAgo: 5 });
  model.assign(core.id, user.key.id, 'Viewer');
  model.assign(data.id, user.key.id, 'Viewer');
  // A User key is a member like a user: what team SRE grants, it holds too.
  sre.userIds.push(user.key.id);
  const cost = key(platform, 'cost-report', 'cost-report', auditor.id, alice, { ageDays: 45 });
  model.assign(data.id, cost.key.id, 'Planner');
  model.assign(networking.id, cost.key.id, releaseManager.id);
  key(platform, 'unused', 'never-used', 'User', alice, { ageDays: 200 });
  const labsAdmin = key(labs, 'labs-terraform', 'labs-terraform', 'Admin', alice, { ageDays: 20, lastUsedDaysAgo: 3 });
  const runner = key(labs, 'lab-runner', 'lab-runner', 'User', alice, { ageDays: 10 });
  model.assign(research.id, runner.key.id, 'Deployer');

  const personal = model.seedPersonalKey(alice, 'alice-personal', 'alice laptop');

  return {
    credentials: { personal, admin: admin.credential, user: user.credential, labsAdmin: labsAdmin.credential },
    ids: {
      users: { alice: alice.id, bob: bob.id },
      orgs: { platform: platform.id, labs: labs.id },
      projects: { Platform: core.id, Networking: networking.id, Data: data.id, Legacy: legacy.id, Research: research.id, Experiments: experiments.id },
      teams: { SRE: sre.id, Developers: developers.id, 'Lab crew': crew.id },
      roles: { auditor: auditor.id, releaseManager: releaseManager.id },
      keys,
    },
  };
}
