// The shape of the renderer's state, one interface per slice (see store.ts). It mirrors what the
// core reports plus what is on screen; it is never persisted and never holds a secret.
import type {
  AppStatus,
  BackendInfo,
  ChannelInput,
  ConnectionView,
  HealthKind,
  KeyView,
  PendingRevealView,
  ProviderKind,
  RotationView,
  ScopeView,
  SettingsView,
  SortColumn,
  VaultEntryView,
  VaultStatus,
} from '../../src-preload/contract.ts';
import type { CallError } from '../app/bridge.ts';

export type Modal =
  | { kind: 'none' }
  | { kind: 'add-connection'; backend?: ProviderKind }
  | { kind: 'create-key'; connectionId: string; scopeId: string | null }
  | { kind: 'edit-key'; key: KeyView }
  | { kind: 'delete-key'; key: KeyView }
  | { kind: 'rotate'; key: KeyView }
  | { kind: 'bulk' }
  | { kind: 'shortcuts' }
  | { kind: 'policy'; connection: ConnectionView }
  | { kind: 'vault-entry'; entry: VaultEntryView | null }
  | { kind: 'vault-delete'; entry: VaultEntryView }
  | { kind: 'vault-import' }
  | { kind: 'vault-export-env' }
  | { kind: 'vault-backup' }
  | { kind: 'vault-restore' }
  | { kind: 'vault-unlock' }
  | { kind: 'resume-rotation'; rotation: RotationView }
  | { kind: 'remove-connection'; connection: ConnectionView }
  /** Edit a connection; `reconnect` opens it on the credential (a 401, a credential that ended). */
  | { kind: 'edit-connection'; connection: ConnectionView; reconnect?: boolean }
  | { kind: 'rotate-credential'; connection: ConnectionView }
  | { kind: 'set-active'; key: KeyView; active: boolean }
  | { kind: 'reveal'; slotId: string; keyLabel: string };

export interface Banner {
  id: number;
  tone: 'error' | 'info' | 'success';
  title: string;
  message: string;
  /** Lines listed under the message (each failure of a "Sync all"). */
  items?: string[];
  /** The view it is about (shown only there, and gone once the user leaves it); null: the whole window. */
  view: View | null;
}

export interface SyncProgress {
  scopesDone: number;
  scopesTotal: number;
  keysFetched: number;
}

export type View = 'keys' | 'journal' | 'health' | 'changes' | 'vault' | 'settings';

/** The app itself: start-up, what the core reported about itself, which view is on screen, settings. */
export interface AppSlice {
  ready: boolean;
  status: AppStatus | null;
  backends: BackendInfo[];
  view: View;
  /** The user's settings as the core last reported them (null until loaded). */
  settings: SettingsView | null;
  init: () => Promise<void>;
  showJournal: () => void;
  showHealth: () => void;
  showChanges: () => void;
  showVault: () => void;
  showSettings: () => void;
  loadSettings: () => Promise<void>;
  /** The sidebar's layout (folded connections, compact list): kept in the settings, or only here while reviewing. */
  saveLayout: (patch: Pick<Partial<SettingsView['values']>, 'collapsedConnections' | 'compactSidebar'>) => void;
  /** Saves settings; returns the core's refusal (with field messages), or null once saved. */
  saveSettings: (input: ChannelInput<'settings.set'>) => Promise<CallError | null>;
}

/** Connections, their scope trees, and their syncs. */
export interface ConnectionsSlice {
  connections: ConnectionView[];
  scopes: Record<string, ScopeView[]>;
  progress: Record<string, SyncProgress>;
  /** A "Sync all" is running (from the pane's button, the app menu or coming back online). */
  syncingAll: boolean;
  refreshConnections: () => Promise<void>;
  loadScopes: (connectionId: string) => Promise<void>;
  sync: (connectionId: string) => Promise<void>;
  /** Every connection, a few at a time in the core; ends with a summary (always, or only of failures). */
  syncAll: (announce?: 'always' | 'failures') => Promise<void>;
  addConnection: (input: ChannelInput<'connections.add'>) => Promise<CallError | null>;
  /** Rename, recolour or reconnect; returns the core's refusal, or null once saved. */
  updateConnection: (input: ChannelInput<'connections.update'>) => Promise<CallError | null>;
  removeConnection: (connectionId: string) => Promise<void>;
}

/** The key list in view (pages of it, never all of it), its selection, filter and sort, and key actions. */
export interface KeysSlice {
  selection: { connectionId: string | null; scopeId: string | null };
  /** Pages of the current key list, fetched as the table scrolls; never the whole inventory. */
  keyPages: Record<number, KeyView[]>;
  totalKeys: number;
  keysVersion: number;
  keysLoading: boolean;
  selectedKey: { connectionId: string; keyId: string } | null;
  /** A health board card the key list is narrowed to. */
  healthFilter: { kind: HealthKind; days?: number; label: string } | null;
  query: string;
  sort: { column: SortColumn; direction: 'asc' | 'desc' };
  busyKeys: Record<string, string>;
  loadKeys: () => Promise<void>;
  ensureKeys: (start: number, end: number) => Promise<void>;
  selectKey: (key: { connectionId: string; keyId: string } | null) => void;
  openHealthFilter: (filter: { kind: HealthKind; days?: number; label: string } | null) => void;
  select: (connectionId: string | null, scopeId?: string | null) => void;
  setQuery: (query: string) => void;
  toggleSort: (column: SortColumn) => void;
  createKey: (input: ChannelInput<'keys.create'>) => Promise<CallError | null>;
  updateKey: (input: ChannelInput<'keys.update'>) => Promise<CallError | null>;
  /** `endsCredential`: the user confirmed that the key is the connection's own and what that ends. */
  setKeyActive: (key: KeyView, active: boolean, endsCredential?: boolean) => Promise<void>;
  hideKey: (key: KeyView) => Promise<void>;
  deleteKey: (key: KeyView, endsCredential?: boolean) => Promise<void>;
}

/** The dialog on screen, and the unfinished work dialogs resume: rotations and unseen secrets. */
export interface DialogsSlice {
  modal: Modal;
  pendingReveals: PendingRevealView[];
  rotations: RotationView[];
  open: (modal: Modal) => void;
  close: () => void;
  loadRotations: () => Promise<void>;
  loadPendingReveals: () => Promise<void>;
  showPendingReveal: (pending: PendingRevealView) => Promise<void>;
}

/** My vault: its lock and, while it is open, its entries' metadata. */
export interface VaultSlice {
  vault: VaultStatus | null;
  /** Empty while the vault is locked (or has no passphrase yet): the core gives out none. */
  vaultEntries: VaultEntryView[];
  /** Bumped when the vault locks: anything showing a secret clears itself. */
  lockEpoch: number;
  loadVault: () => Promise<void>;
  lockVault: () => Promise<void>;
  unlockVault: () => void;
  /** Unlock with the passphrase, Touch ID, or (before a passphrase is set) the OS or a confirmation; the core's refusal, or null once unlocked. */
  unlockWith: (input: ChannelInput<'vault.unlock'>) => Promise<CallError | null>;
  /** Resolves true when secrets may be shown: at once, or after the user unlocks (false if they do not). */
  requireUnlocked: () => Promise<boolean>;
}

/** Messages at the top of the window. */
export interface BannersSlice {
  banners: Banner[];
  /** Shows a banner in `view` (default: the view on screen now; null: the whole window). */
  notify: (tone: Banner['tone'], title: string, message: string, options?: { view?: View | null; items?: string[] }) => void;
  dismiss: (id: number) => void;
}

export type AppStore = AppSlice & ConnectionsSlice & KeysSlice & DialogsSlice & VaultSlice & BannersSlice;
export type SetState = (partial: Partial<AppStore> | ((state: AppStore) => Partial<AppStore>)) => void;
export type GetState = () => AppStore;
