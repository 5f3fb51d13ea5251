// The default sandbox world: an admin, two users, three environments and a mix of account and
// environment keys in every state, with password credentials interleaved so key ids are not
// contiguous (as in a real cattle database). Seeded secrets are deterministic.
import { seededPair, type RancherModel } from './model.ts';

const DAY = 24 * 60 * 60 * 1000;

export interface SeedResult {
  credentials: { admin: { accessKey: string; secretKey: string }; user: { accessKey: string; secretKey: string }; environment: { accessKey: string; secretKey: string } };
  ids: { admin: string; user: string; projects: Record<string, string> };
}

export function seedDefault(model: RancherModel, now = Date.now()): SeedResult {
  const admin = model.addAccount('admin', 'admin');
  model.addAccount('user', 'system-agent');
  const alice = model.addAccount('user', 'alice');
  const bob = model.addAccount('user', 'bob');
  const def = model.addAccount('project', 'Default', 'The default environment');
  const staging = model.addAccount('project', 'Staging', 'Pre-production');
  const prod = model.addAccount('project', 'Production', 'Customer traffic');
  def.members.set(admin.id, 'owner').set(alice.id, 'member').set(bob.id, 'readonly');
  staging.members.set(alice.id, 'owner');
  prod.members.set(admin.id, 'owner');

  const key = (accountId: string, label: string, name: string | null, description: string | null, state: string, ageDays: number) =>
    model.addCredential('apiKey', accountId, { name, description, state, created: now - ageDays * DAY, pair: seededPair(label) });

  model.addCredential('password', admin.id, { name: 'admin', pair: seededPair('password-admin') });
  const adminKey = key(admin.id, 'admin-cli', 'admin-cli', 'Rancher CLI on the ops workstation', 'active', 400);
  model.addCredential('password', alice.id, { name: 'alice', pair: seededPair('password-alice') });
  const aliceKey = key(alice.id, 'keyfleet-sandbox', 'keyfleet', 'Keyfleet connection', 'active', 30);
  key(alice.id, 'laptop', 'laptop', 'Personal laptop', 'active', 120);
  key(alice.id, 'old-ci', 'old-ci', 'Jenkins, retired in spring', 'inactive', 600);
  model.addCredential('password', bob.id, { name: 'bob', pair: seededPair('password-bob') });
  const envKey = key(def.id, 'compose-deploy', 'compose-deploy', 'rancher-compose in the deploy job', 'active', 200);
  key(def.id, 'compose-old', 'compose-old', null, 'removed', 700);
  key(def.id, 'monitoring', 'monitoring', 'Prometheus exporter', 'active', 90);
  key(def.id, 'unnamed', null, null, 'inactive', 15);
  key(staging.id, 'staging-ci', 'staging-ci', 'GitLab CI for staging', 'active', 60);
  key(staging.id, 'staging-backup', 'staging-backup', 'Nightly backup', 'inactive', 300);
  key(prod.id, 'prod-deploy', 'prod-deploy', 'Production deploys', 'active', 500);
  key(admin.id, 'admin-old', 'admin-old', null, 'removed', 900);
  key(bob.id, 'bob-laptop', 'bob-laptop', null, 'active', 10);

  const pair = (c: { publicValue: string; secretValue: string }) => ({ accessKey: c.publicValue, secretKey: c.secretValue });
  return {
    credentials: { admin: pair(adminKey), user: pair(aliceKey), environment: pair(envKey) },
    ids: { admin: admin.id, user: alice.id, projects: { Default: def.id, Staging: staging.id, Production: prod.id } },
  };
}
