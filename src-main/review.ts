// Reviewing a copy of a data dir (another machine's, an auditor's): the channels that only read,
// and stand-ins for the log and the keychain, so nothing is written and no credential is used.
import type { ChannelName } from '../src-preload/contract.ts';
import type { Handlers } from './dispatch.ts';
import { AppError } from './errors.ts';
import type { Logger } from './log.ts';
import type { SecretStore } from './secrets/secret-store.ts';

export const REVIEW_NOTE = 'This is a read-only review of a copied data dir: nothing can be changed, synced or revealed here.';

/** The channels a review may use: they read the cache and write nothing. */
const REVIEW_CHANNELS = new Set<ChannelName>([
  'app.status',
  'app.backends',
  'settings.get',
  'connections.list',
  'scopes.list',
  'keys.list',
  'keys.get',
  'keys.history',
  'health.summary',
  'policy.get',
  'changes.list',
  'inventory.export',
  'journal.list',
  'journal.export',
  'rotation.list',
  'app.activity',
  'vault.status',
  'vault.list',
  'vault.exportMeta',
]);

export function readOnly(handlers: Handlers): Handlers {
  const refuse = () => {
    throw new AppError('unsupported', REVIEW_NOTE);
  };
  return Object.fromEntries(Object.entries(handlers).map(([name, fn]) => [name, REVIEW_CHANNELS.has(name as ChannelName) ? fn : refuse])) as Handlers;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export const noKeychain: SecretStore = {
  probe: () => Promise.resolve({ available: false, message: REVIEW_NOTE }),
  get: () => Promise.reject(new AppError('unsupported', REVIEW_NOTE)),
  set: () => Promise.reject(new AppError('unsupported', REVIEW_NOTE)),
  delete: () => Promise.reject(new AppError('unsupported', REVIEW_NOTE)),
};
