// Backend adapters, one folder per kind, all behind the Provider interface in types.ts.
import type { BackendInfo, ProviderKind } from '../../src-preload/contract.ts';
import { PROVIDER_KINDS } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import { deepset } from './deepset/index.ts';
import { envzero } from './envzero/index.ts';
import { langwatch } from './langwatch/index.ts';
import { onyx } from './onyx/index.ts';
import { rancher } from './rancher/index.ts';
import type { Provider, ProviderConfig, ProviderModule } from './types.ts';

export type { Provider, ProviderConfig, ProviderModule } from './types.ts';

const modules: Partial<Record<ProviderKind, ProviderModule>> = {
  rancher,
  onyx,
  deepset,
  envzero,
  langwatch,
};

/** How unsupported kinds still appear in the connection form, so users know they are coming. */
const PLACEHOLDERS: Record<ProviderKind, Pick<BackendInfo, 'displayName'>> = {
  rancher: { displayName: 'Rancher 1.x' },
  envzero: { displayName: 'env zero' },
  langwatch: { displayName: 'LangWatch' },
  onyx: { displayName: 'Onyx' },
  deepset: { displayName: 'deepset AI Platform' },
};

export function providerModule(kind: ProviderKind): ProviderModule {
  const module = modules[kind];
  if (!module) {
    throw new AppError('unsupported', `${PLACEHOLDERS[kind].displayName} connections are not supported by this version of Keyfleet yet.`);
  }
  return module;
}

export function backends(): BackendInfo[] {
  return PROVIDER_KINDS.map((kind) => {
    const module = modules[kind];
    if (module) return { ...module.info, supported: true };
    return {
      kind,
      displayName: PLACEHOLDERS[kind].displayName,
      supported: false,
      credential: { type: 'token', labels: {}, hint: '' },
      baseUrl: { placeholder: 'https://', presets: [], hint: '' },
    };
  });
}

export function createProvider(kind: ProviderKind, config: ProviderConfig): Provider {
  return providerModule(kind).create(config);
}
