// A fleet for the E2E suite: eleven connections of all five backends, each its own sandbox on
// 127.0.0.1, with names of every length a person gives them. One composite "sandbox" for the
// shared fixtures, so the leak scan looks for every credential and secret any of them issued.
import type { Core } from '../../src-main/core.ts';
import type { ChannelInput } from '../../src-preload/contract.ts';
import { startDeepsetSandbox, type DeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox, type EnvZeroSandbox } from '../backends/envzero/server.ts';
import { startLangwatchSandbox, type LangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox, type OnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { sandboxNeedles } from '../support/leaks.ts';

export interface Fleet {
  rancher: RancherSandbox[];
  deepset: DeepsetSandbox[];
  langwatch: LangwatchSandbox[];
  onyx: OnyxSandbox[];
  envzero: EnvZeroSandbox[];
  /** The connections to add, in the order a person added them. */
  connections: Array<ChannelInput<'connections.add'>>;
  /** For the leak scan: every sandbox's credentials and issued secrets. */
  credentials: unknown;
  issuedSecrets(): string[];
  close(): Promise<void>;
}

/** Keys in the largest connection: a fleet has thousands of keys, not a handful. */
export const BIG_RANCHER_KEYS = 1204;

export async function startFleet(): Promise<Fleet> {
  const rancher = await Promise.all([0, 1, 2].map(() => startRancherSandbox({ settleMs: 5 })));
  rancher[0]!.seedKeys(rancher[0]!.ids.user, BIG_RANCHER_KEYS - rancher[0]!.keys(rancher[0]!.ids.user).length, { namePrefix: 'build-agent' });
  const deepset = await Promise.all([startDeepsetSandbox(), startDeepsetSandbox()]);
  const langwatch = await Promise.all([startLangwatchSandbox({ era: 'B' }), startLangwatchSandbox({ era: 'A' })]);
  const onyx = await Promise.all([startOnyxSandbox({ variant: 'groups' }), startOnyxSandbox({ variant: 'roles' })]);
  const envzero = await Promise.all([startEnvZeroSandbox({ listLagMs: 0 }), startEnvZeroSandbox({ listLagMs: 0 })]);
  const rancherConnection = (s: RancherSandbox, name: string): ChannelInput<'connections.add'> => ({
    kind: 'rancher',
    name,
    baseUrl: `${s.url}/v2-beta`,
    credential: { type: 'key-pair', ...s.credentials.user },
  });
  const connections: Array<ChannelInput<'connections.add'>> = [
    rancherConnection(rancher[0]!, 'Acme Production Rancher — EU West build farm'),
    rancherConnection(rancher[1]!, 'Staging'),
    rancherConnection(rancher[2]!, 'Rancher legacy (on-prem datacenter 2)'),
    ...deepset.map(
      (s, i): ChannelInput<'connections.add'> => ({
        kind: 'deepset',
        name: ['deepset Search EU', 'deepset research workspace with a rather long name'][i]!,
        baseUrl: `${s.url}/api/v1`,
        credential: { type: 'token', token: s.credentials.admin },
        credentialKind: 'user-token',
      }),
    ),
    ...langwatch.map(
      (s, i): ChannelInput<'connections.add'> => ({
        kind: 'langwatch',
        name: ['LangWatch Acme', 'LangWatch (self-hosted, v3.12)'][i]!,
        baseUrl: `${s.url}/api/api-keys`,
        credential: { type: 'token', token: s.credentials.admin },
      }),
    ),
    ...onyx.map(
      (s, i): ChannelInput<'connections.add'> => ({
        kind: 'onyx',
        name: ['Onyx Cloud', 'Onyx internal knowledge base'][i]!,
        baseUrl: `${s.url}/api/`,
        credential: { type: 'token', token: s.credentials.adminKey },
      }),
    ),
    ...envzero.map(
      (s, i): ChannelInput<'connections.add'> => ({
        kind: 'envzero',
        name: ['env zero Platform', 'env zero Data Science org'][i]!,
        baseUrl: `${s.url}/`,
        credential: { type: 'key-pair', accessKey: s.credentials.admin.apiKeyId, secretKey: s.credentials.admin.apiKeySecret },
      }),
    ),
  ];
  const all = [...rancher, ...deepset, ...langwatch, ...onyx, ...envzero];
  return {
    rancher,
    deepset,
    langwatch,
    onyx,
    envzero,
    connections,
    credentials: all.map((s) => s.credentials),
    issuedSecrets: () => all.flatMap((s) => sandboxNeedles(s)),
    close: async () => {
      await Promise.all(all.map((s) => s.close()));
    },
  };
}

/** Adds every connection of the fleet to a core and syncs them all; returns the connections' ids. */
export async function connectFleet(core: Core, fleet: Fleet): Promise<string[]> {
  const ids: string[] = [];
  for (const input of fleet.connections) ids.push((await core.api.connections.add(input)).id);
  const { runs } = await core.api.sync.all();
  const failed = runs.filter((r) => r.result !== 'ok');
  if (failed.length) throw new Error(`fleet sync failed: ${JSON.stringify(failed)}`);
  return ids;
}
