// What Keyfleet can do with Rancher 1.x keys, said honestly, and the server address users paste.
import type { Capabilities } from '../../../src-preload/contract.ts';

const TEXT_FIELDS = {
  name: { required: false, maxLength: 255 },
  description: { supported: true, maxLength: 1024 },
  expiry: 'unsupported' as const,
};

export const rancherCapabilities: Capabilities = {
  actions: {
    create: { mode: 'native' },
    rename: { mode: 'native', note: 'Rancher lets you change the name and description of a key.' },
    rotate: {
      mode: 'composed',
      note: 'Rancher cannot regenerate a secret: Keyfleet creates a twin key, shows its secret once, then deactivates the old key.',
    },
    activate: { mode: 'native' },
    deactivate: { mode: 'native', note: 'A deactivated key stops authenticating at once and can be activated again.' },
    delete: { mode: 'native', note: 'Rancher only deletes inactive keys; Keyfleet deactivates an active key first.' },
  },
  createForm: {
    types: [
      {
        id: 'account',
        label: 'Account API key',
        scopeKinds: ['account'],
        hint: 'Acts as your user in every environment you can reach; the Rancher CLI needs this kind.',
        ...TEXT_FIELDS,
      },
      {
        id: 'environment',
        label: 'Environment API key',
        scopeKinds: ['environment'],
        hint: 'Tied to one environment; can only manage resources inside it (Rancher Compose, CI).',
        ...TEXT_FIELDS,
      },
    ],
  },
};

/** Users paste the API endpoint Rancher shows (…/v2-beta/projects/1a5); keep only the server part. */
export function normalizeRancherUrl(input: string): string {
  const url = new URL(input);
  const match = /\/(v1|v2-beta)(\/|$)/i.exec(url.pathname);
  const path = match ? url.pathname.slice(0, match.index) : url.pathname;
  url.pathname = path.replace(/\/+$/, '') || '/';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}
