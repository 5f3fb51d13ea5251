// The sandbox world. Default: an admin, three users, three environments and a mix of account and
// environment keys in every settled state, with password credentials interleaved so key ids are
// not contiguous (as in a real cattle database). Seeded secrets are deterministic (seededPair), so
// a person can type them into a form; keys created later get random ones.
//
//   1a1 admin (admin)   1a2 system-agent (user)   1a3 alice (user)   1a4 bob (user)
//   1a5 Default: admin owner, alice member, bob readonly
//   1a6 Staging: alice owner        1a7 Production: admin owner (alice is not a member)
//   1a8 carol (user, deactivated account: her active key does not authenticate)
import { seededPair, type RancherModel } from './model.ts';

const DAY = 24 * 60 * 60 * 1000;

export interface SeedResult {
  credentials: {
    admin: { accessKey: string; secretKey: string };
    user: { accessKey: string; secretKey: string };
    environment: { accessKey: string; secretKey: string };
  };
  ids: { admin: string; user: string; projects: Record<string, string> };
}

export function seedWorld(model: RancherModel, kind: 'default' | 'empty', now = Date.now()): SeedResult {
  const admin = model.addAccount('admin', 'admin', null, now - 1000 * DAY);
  model.addAccount('user', 'system-agent', 'Runs infrastructure stacks', now - 1000 * DAY);
  const alice = model.addAccount('user', 'alice', null, now - 700 * DAY);
  const bob = model.addAccount('user', 'bob', null, now - 650 * DAY);
  const def = model.addAccount('project', 'Default', 'The default environment', now - 1000 * DAY);
  const staging = model.addAccount('project', 'Staging', 'Pre-production', now - 800 * DAY);
  const prod = model.addAccount('project', 'Production', 'Customer traffic', now - 800 * DAY);
  def.uuid = 'adminProject'; // as on a real install (captured /projects listing)
  def.members.set(admin.id, 'owner').set(alice.id, 'member').set(bob.id, 'readonly');
  staging.members.set(alice.id, 'owner');
  prod.members.set(admin.id, 'owner');

  const key = (accountId: string, label: string, name: string | null, description: string | null, state: string, ageDays: number) =>
    model.addCredential('apiKey', accountId, { name, description, state, created: now - ageDays * DAY, ...seededPair(label) }).credential;
  const password = (accountId: string, username: string) =>
    model.addCredential('password', accountId, { name: username, created: now - 600 * DAY, ...seededPair(`password-${username}`), publicValue: username });

  password(admin.id, 'admin');
  key(admin.id, 'admin-cli', 'admin-cli', 'Rancher CLI on the ops workstation', 'active', 400);
  password(alice.id, 'alice');
  key(alice.id, 'keyfleet-sandbox', 'keyfleet', 'Keyfleet connection', 'active', 30);
  if (kind === 'default') {
    key(alice.id, 'laptop', 'laptop', 'Personal laptop', 'active', 120);
    key(alice.id, 'old-ci', 'old-ci', 'Jenkins, retired in spring', 'inactive', 600);
    password(bob.id, 'bob');
  }
  key(def.id, 'compose-deploy', 'compose-deploy', 'rancher-compose in the deploy job', 'active', 200);
  if (kind === 'default') {
    key(def.id, 'compose-old', 'compose-old', null, 'removed', 700);
    key(def.id, 'monitoring', 'monitoring', 'Prometheus exporter', 'active', 90);
    key(def.id, 'unnamed', null, null, 'inactive', 15);
    key(staging.id, 'staging-ci', 'staging-ci', 'GitLab CI for staging', 'active', 60);
    key(staging.id, 'staging-backup', 'staging-backup', 'Nightly backup', 'inactive', 300);
    key(prod.id, 'prod-deploy', 'prod-deploy', 'Production deploys', 'active', 500);
    key(admin.id, 'admin-old', 'admin-old', null, 'removed', 900);
    key(bob.id, 'bob-laptop', 'bob-laptop', null, 'active', 10);
    const carol = model.addAccount('user', 'carol', 'Left the company', now - 500 * DAY);
    carol.state = 'inactive';
    key(carol.id, 'carol-laptop', 'carol-laptop', 'Still active, but its owner is not', 'active', 400);
  }

  return {
    credentials: {
      admin: seededCredential(SEEDED_LABELS.admin),
      user: seededCredential(SEEDED_LABELS.user),
      environment: seededCredential(SEEDED_LABELS.environment),
    },
    ids: { admin: admin.id, user: alice.id, projects: { Default: def.id, Staging: staging.id, Production: prod.id } },
  };
}

/** The deterministic credentials of the default world, for people and for tests that need carol's or bob's. */
export const SEEDED_LABELS = {
  admin: 'admin-cli',
  user: 'keyfleet-sandbox',
  environment: 'compose-deploy',
  inactiveOwner: 'carol-laptop',
  inactiveKey: 'old-ci',
  /** bob's account key: bob is a read-only member of Default. */
  readOnlyMember: 'bob-laptop',
} as const;

/** The access key and secret of a seeded key, by its label. */
export function seededCredential(label: string): { accessKey: string; secretKey: string } {
  const { publicValue, secretValue } = seededPair(label);
  return { accessKey: publicValue, secretKey: secretValue };
}
