// The app itself: status, backends, the keychain check and the user's settings.
import { z } from 'zod';
import type { BackendInfo } from './capabilities.ts';
import { channel, empty, out } from './common.ts';

export interface AppStatus {
  version: string;
  dataDir: string;
  /** review: a copy of a data dir opened read-only, without credentials; nothing can change. */
  mode: 'normal' | 'review';
  /** development: a source checkout or the web harness, where the sandbox backends exist. */
  build: 'development' | 'release';
  /** The OS the core runs on (node's process.platform), for platform-specific advice. */
  platform: string;
  keychain: { available: boolean; message: string | null };
}

/** A round trip through the OS keychain: a throwaway item written, read back and deleted. */
export interface KeychainCheck {
  available: boolean;
  /** What went wrong, in a person's words; null when the round trip worked. */
  message: string | null;
  /** Steps that usually fix it on this platform (empty when it works). */
  fix: string[];
  platform: string;
  checkedAt: number;
}

/** What the user can set (stored in SQLite, never a secret). */
export interface AppSettings {
  /** Background sync of every connection; 0 turns it off. */
  syncIntervalMinutes: number;
  /** Idle minutes before the vault locks. */
  autoLockMinutes: number;
  /** How long a copied secret stays on the clipboard (if it is still ours). */
  clipboardClearSeconds: number;
  /** Days before a key's expiry at which an OS notification reminds of it, once per threshold. */
  expiryReminderDays: number[];
  /** The first-run welcome was put away. */
  welcomeDismissed: boolean;
  /** Connections whose scope tree the sidebar keeps folded (ids only: a layout preference). */
  collapsedConnections: string[];
  /** The sidebar lists connections one line each, without host and sync lines. */
  compactSidebar: boolean;
}

export interface SettingsView {
  values: AppSettings;
  defaults: AppSettings;
  /** Where Keyfleet keeps its data; chosen at start (KEYFLEET_DATA_DIR), shown, never moved. */
  dataDir: string;
  databaseFile: string;
}

/** The settings form's fields, each with the message the form shows under it. */
export const settingsFields = {
  syncIntervalMinutes: z
    .int({ error: 'Enter a whole number of minutes.' })
    .min(0, { error: 'Enter 0 (off) or 5 to 1440 minutes.' })
    .max(1440, { error: 'At most 1440 minutes (a day).' })
    .refine((v) => v === 0 || v >= 5, { error: 'Enter 0 (off) or at least 5 minutes; backends should not be asked more often.' }),
  autoLockMinutes: z
    .int({ error: 'Enter a whole number of minutes.' })
    .min(1, { error: 'At least 1 minute.' })
    .max(1440, { error: 'At most 1440 minutes (a day).' }),
  clipboardClearSeconds: z
    .int({ error: 'Enter a whole number of seconds.' })
    .min(5, { error: 'At least 5 seconds, or there is no time to paste.' })
    .max(600, { error: 'At most 600 seconds (10 minutes).' }),
  expiryReminderDays: z
    .array(
      z
        .int({ error: 'Each threshold must be a whole number of days.' })
        .min(1, { error: 'Each threshold must be 1 day or more.' })
        .max(365, { error: 'Each threshold must be 365 days or fewer.' }),
      { error: 'Enter days as a list, like 60, 30, 7, 1.' },
    )
    .min(1, { error: 'Keep at least one threshold.' })
    .max(6, { error: 'At most 6 thresholds.' })
    .refine((days) => new Set(days).size === days.length, { error: 'Each threshold only once.' }),
  welcomeDismissed: z.boolean({ error: 'Must be true or false.' }),
  collapsedConnections: z
    .array(z.uuid({ error: 'Each entry must be a connection id.' }), { error: 'Must be a list of connection ids.' })
    .max(500, { error: 'At most 500 connections.' }),
  compactSidebar: z.boolean({ error: 'Must be true or false.' }),
};

export const appChannels = {
  'app.status': channel(empty, out<AppStatus>()),
  'app.backends': channel(empty, out<BackendInfo[]>()),
  'app.checkKeychain': channel(empty, out<KeychainCheck>()),
  'settings.get': channel(empty, out<SettingsView>()),
  /** Any subset of the settings; each field is checked, and all are saved together or none. */
  'settings.set': channel(
    z.strictObject({
      syncIntervalMinutes: settingsFields.syncIntervalMinutes.optional(),
      autoLockMinutes: settingsFields.autoLockMinutes.optional(),
      clipboardClearSeconds: settingsFields.clipboardClearSeconds.optional(),
      expiryReminderDays: settingsFields.expiryReminderDays.optional(),
      welcomeDismissed: settingsFields.welcomeDismissed.optional(),
      collapsedConnections: settingsFields.collapsedConnections.optional(),
      compactSidebar: settingsFields.compactSidebar.optional(),
    }),
    out<SettingsView>(),
  ),
  'app.activity': channel(empty, out<{ at: number }>()),
} as const;
