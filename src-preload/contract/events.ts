// Events the core sends up to the renderer.
import type { SyncRunView } from './inventory.ts';
import type { BulkResultView } from './operations.ts';

export interface Events {
  'connections.changed': { connectionId: string | null };
  'inventory.changed': { connectionId: string };
  'sync.progress': {
    connectionId: string;
    runId: number;
    scopesDone: number;
    scopesTotal: number;
    keysFetched: number;
  };
  'sync.finished': { connectionId: string; run: SyncRunView };
  /** A bulk action finished one more key (in the plan's order): how many of how many, and how it went. */
  'bulk.progress': { planId: string; done: number; total: number; result: BulkResultView['results'][number] };
  'clipboard.cleared': { at: number };
  'rotation.changed': { operationId: string };
  /** The vault locked (by the user, after idle minutes, or when the OS locked or suspended). */
  'vault.locked': { reason: 'user' | 'idle' | 'os' };
  'vault.unlocked': Record<string, never>;
  /** Something worth an OS notification (an expiry reminder); the desktop app shows it. */
  notify: { title: string; body: string; connectionId: string; keyId: string };
  /** A command the user chose in the app menu; the renderer carries it out. */
  'app.command': { command: AppCommand };
}

export const APP_COMMANDS = ['add-connection', 'sync-all', 'lock-vault', 'settings', 'shortcuts', 'filter'] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];
export type EventName = keyof Events;
export const eventNames: EventName[] = [
  'connections.changed',
  'inventory.changed',
  'sync.progress',
  'sync.finished',
  'bulk.progress',
  'clipboard.cleared',
  'rotation.changed',
  'notify',
  'vault.locked',
  'vault.unlocked',
  'app.command',
];
