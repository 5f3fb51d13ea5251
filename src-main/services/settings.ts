// The user's settings: small values in SQLite's settings table, each checked against the
// contract's field schema on the way in and again on the way out (a value an older or newer
// version wrote, or a hand-edited database, falls back to the default instead of reaching a
// service). Services read them when they act, so a change applies at once; the few that hold a
// timer (the sync schedule) are told through onChange.
import { settingsFields, type AppSettings, type ChannelInput, type SettingsView } from '../../src-preload/contract.ts';
import type { Store } from '../store/index.ts';

/** SQLite keys. The vault's key predates this module; existing data dirs keep their choice. */
const KEYS: Record<keyof AppSettings, string> = {
  syncIntervalMinutes: 'sync.intervalMinutes',
  autoLockMinutes: 'vault.autoLockMinutes',
  clipboardClearSeconds: 'clipboard.clearSeconds',
  expiryReminderDays: 'reminders.expiryDays',
  welcomeDismissed: 'welcome.dismissed',
  collapsedConnections: 'sidebar.collapsedConnections',
  compactSidebar: 'sidebar.compact',
};

export const DEFAULT_SETTINGS: AppSettings = {
  syncIntervalMinutes: 15,
  autoLockMinutes: 5,
  clipboardClearSeconds: 30,
  expiryReminderDays: [60, 30, 7, 1],
  welcomeDismissed: false,
  collapsedConnections: [],
  compactSidebar: false,
};

const FIELDS = Object.keys(KEYS) as Array<keyof AppSettings>;

export function createSettingsService(deps: {
  store: Store;
  dataDir: string;
  databaseFile: string;
  /** The defaults for this run (tests and the harness start some of them differently). */
  defaults?: Partial<AppSettings>;
  onChange?: (changed: Array<keyof AppSettings>, values: AppSettings) => void;
}) {
  const { store } = deps;
  const defaults: AppSettings = { ...DEFAULT_SETTINGS, ...deps.defaults };

  function one<K extends keyof AppSettings>(field: K): AppSettings[K] {
    const stored: unknown = store.settings.get(KEYS[field], undefined);
    if (stored === undefined) return defaults[field];
    const parsed = settingsFields[field].safeParse(stored);
    return parsed.success ? (parsed.data as AppSettings[K]) : defaults[field];
  }

  function read(): AppSettings {
    return Object.fromEntries(FIELDS.map((field) => [field, one(field)])) as unknown as AppSettings;
  }

  function view(): SettingsView {
    return { values: read(), defaults, dataDir: deps.dataDir, databaseFile: deps.databaseFile };
  }

  return {
    read,
    one,
    view,
    /** Saves the fields given (already validated by the contract), all in one transaction. */
    write(patch: ChannelInput<'settings.set'>): SettingsView {
      const before = read();
      const next: Partial<AppSettings> = { ...patch };
      // Reminders go out from the farthest threshold to the nearest; stored in that order.
      if (next.expiryReminderDays) next.expiryReminderDays = [...next.expiryReminderDays].sort((a, b) => b - a);
      const fields = FIELDS.filter((field) => next[field] !== undefined);
      store.transaction(() => {
        for (const field of fields) store.settings.set(KEYS[field], next[field]);
      });
      const after = read();
      const changed = fields.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
      if (changed.length > 0) deps.onChange?.(changed, after);
      return view();
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
