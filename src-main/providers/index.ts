// Backend adapters, one folder per kind, all behind the Provider interface in types.ts.
import type { ProviderKind } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import { rancher } from './rancher/index.ts';
import type { Provider, ProviderConfig, ProviderModule } from './types.ts';

export type { Provider, ProviderConfig, ProviderModule } from './types.ts';

const modules: Partial<Record<ProviderKind, ProviderModule>> = {
  rancher,
};

const DISPLAY_NAMES: Record<ProviderKind, string> = {
  rancher: 'Rancher 1.x',
  envzero: 'env zero',
  langwatch: 'LangWatch',
  onyx: 'Onyx',
  deepset: 'deepset AI Platform',
};

export function providerModule(kind: ProviderKind): ProviderModule {
  const module = modules[kind];
  if (!module) {
    throw new AppError('unsupported', `${DISPLAY_NAMES[kind]} connections are not supported by this version of Keyfleet yet.`);
  }
  return module;
}

export function supportedKinds(): ProviderKind[] {
  return Object.keys(modules) as ProviderKind[];
}

export function createProvider(kind: ProviderKind, config: ProviderConfig): Provider {
  return providerModule(kind).create(config);
}
