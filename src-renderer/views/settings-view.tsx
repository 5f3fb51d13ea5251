// Settings: the values the core keeps in SQLite and checks field by field (the messages under the
// fields are the contract's), where the data lives (shown, never moved from here), and each
// organization's policy (the policy dialog, one per connection).
import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { AppSettings, ConnectionView, PolicyView, SettingsView as Settings } from '../../src-preload/contract.ts';
import { api } from '../app/bridge.ts';
import type { CallError } from '../app/bridge.ts';
import { kindLabel } from '../app/format.ts';
import { Field } from '../components/field.tsx';
import { Name } from '../components/name.tsx';
import { PlainHttpMark } from '../components/plain-http-mark.tsx';
import { useApp } from '../state/store.ts';
import { VaultSettings } from './settings-vault.tsx';
import './settings-view.css';

type Draft = Record<'syncIntervalMinutes' | 'autoLockMinutes' | 'clipboardClearSeconds' | 'expiryReminderDays', string>;

function draftOf(values: AppSettings): Draft {
  return {
    syncIntervalMinutes: String(values.syncIntervalMinutes),
    autoLockMinutes: String(values.autoLockMinutes),
    clipboardClearSeconds: String(values.clipboardClearSeconds),
    expiryReminderDays: values.expiryReminderDays.join(', '),
  };
}

/** A typed number as the core will judge it: not a number stays NaN, and the core says so. */
const number = (text: string) => (text.trim() === '' ? NaN : Number(text.trim()));

function policySummary(policy: PolicyView | undefined): string {
  if (!policy) return '…';
  const rules = [
    policy.maxLifetimeDays ? `keys live at most ${policy.maxLifetimeDays} days` : null,
    policy.requireExpiry ? 'expiry required' : null,
    policy.noAdminKeys ? 'no admin keys' : null,
  ].filter(Boolean);
  return rules.length > 0 ? rules.join(' · ') : 'No rules';
}

function Policies({ connections }: { connections: ConnectionView[] }) {
  const open = useApp((s) => s.open);
  const modal = useApp((s) => s.modal.kind);
  const [policies, setPolicies] = useState<Record<string, PolicyView>>({});

  // Read again when the policy dialog closes, so the summary shows what was saved.
  useEffect(() => {
    if (modal !== 'none') return;
    let live = true;
    void Promise.all(connections.map((c) => api.policy.get({ connectionId: c.id }).catch(() => null))).then((list) => {
      if (live) setPolicies(Object.fromEntries(list.filter((p): p is PolicyView => p !== null).map((p) => [p.connectionId, p])));
    });
    return () => {
      live = false;
    };
  }, [connections, modal]);

  if (connections.length === 0) return <p className="muted">Connect an organization to give it a policy.</p>;
  return (
    <ul className="settings-list">
      {connections.map((connection) => (
        <li key={connection.id}>
          <div>
            <div className="key-name">
              <Name>{connection.name}</Name>
              {connection.plainHttp ? <PlainHttpMark /> : null}
            </div>
            <div className="key-sub">
              {kindLabel(connection.kind)} · {policySummary(policies[connection.id])}
            </div>
          </div>
          <button type="button" className="button" aria-label={`Edit policy for ${connection.name}`} onClick={() => open({ kind: 'policy', connection })}>
            Edit policy…
          </button>
        </li>
      ))}
    </ul>
  );
}

export function SettingsView() {
  const settings = useApp((s) => s.settings);
  const loadSettings = useApp((s) => s.loadSettings);
  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  return settings ? <SettingsPane settings={settings} /> : null;
}

/**
 * What the operating system tells Keyfleet, per platform: macOS and Windows announce a screen lock;
 * Linux does not, and Keyfleet asks whether the session is locked, which only some desktops answer.
 */
function osLock(platform: string | undefined): string {
  if (platform === 'darwin') return 'when the screen locks or the Mac sleeps';
  if (platform === 'win32') return 'when Windows locks or the PC sleeps';
  return 'when the computer sleeps and, where the desktop reports it (GNOME, KDE and others), when the screen locks';
}

function SettingsPane({ settings }: { settings: Settings }) {
  const { connections, review, platform, saveSettings } = useApp(
    useShallow((s) => ({ connections: s.connections, review: s.status?.mode === 'review', platform: s.status?.platform, saveSettings: s.saveSettings })),
  );
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings.values));
  const [error, setError] = useState<CallError | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const change = (field: keyof Draft) => (event: { target: { value: string } }) => {
    setDraft({ ...draft, [field]: event.target.value });
    setSaved(null);
  };
  // The core names a field, or an element of it ("expiryReminderDays.1"): shown under the field.
  const fieldError = (field: keyof Draft) =>
    Object.entries(error?.fields ?? {}).find(([path]) => path === field || path.startsWith(`${field}.`))?.[1];

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setSaved(null);
    const failure = await saveSettings({
      syncIntervalMinutes: number(draft.syncIntervalMinutes),
      autoLockMinutes: number(draft.autoLockMinutes),
      clipboardClearSeconds: number(draft.clipboardClearSeconds),
      expiryReminderDays: draft.expiryReminderDays
        .split(/[\s,;]+/)
        .filter(Boolean)
        .map(number),
    });
    setSaving(false);
    setError(failure);
    if (!failure) {
      const now = useApp.getState().settings;
      if (now) setDraft(draftOf(now.values));
      setSaved('Settings saved.');
    }
  }

  async function showWelcomeAgain() {
    const failure = await saveSettings({ welcomeDismissed: false });
    setSaved(failure ? null : 'The welcome will show while Keyfleet has no connections and no vault entries.');
    setError(failure);
  }

  const formError = error && !error.fields ? error.message : error?.fields?.['(input)'];
  const { defaults } = settings;
  return (
    <section className="pane settings" aria-labelledby="settings-title">
      <header className="pane-header">
        <div className="pane-title-block">
          <div className="breadcrumb">Kept in this computer’s Keyfleet database</div>
          <h1 id="settings-title">Settings</h1>
        </div>
      </header>

      <form className="form settings-form" onSubmit={(event) => void save(event)} noValidate aria-busy={saving}>
        {formError ? (
          <div className="form-error" role="alert">
            {formError}
          </div>
        ) : error?.fields ? (
          <div className="form-error" role="alert">
            Some settings need another value; nothing was saved.
          </div>
        ) : null}
        <fieldset disabled={review}>
          <legend>Sync</legend>
          <Field
            label="Sync every connection in the background every (minutes)"
            hint={`0 turns background sync off; 5 to 1440. An unreachable backend is still tried every minute while it is on. Default ${defaults.syncIntervalMinutes === 0 ? '0 (off)' : defaults.syncIntervalMinutes}.`}
            error={fieldError('syncIntervalMinutes')}
          >
            <input inputMode="numeric" value={draft.syncIntervalMinutes} onChange={change('syncIntervalMinutes')} autoComplete="off" />
          </Field>
        </fieldset>
        <fieldset disabled={review}>
          <legend>Security</legend>
          <div className="form-row">
            <Field
              label="Lock the vault after idle (minutes)"
              hint={`1 to 1440. The vault also locks ${osLock(platform)}, and with l. Default ${defaults.autoLockMinutes}.`}
              error={fieldError('autoLockMinutes')}
            >
              <input inputMode="numeric" value={draft.autoLockMinutes} onChange={change('autoLockMinutes')} autoComplete="off" />
            </Field>
            <Field
              label="Clear a copied secret after (seconds)"
              hint={`5 to 600; only if the clipboard still holds it. Default ${defaults.clipboardClearSeconds}.`}
              error={fieldError('clipboardClearSeconds')}
            >
              <input inputMode="numeric" value={draft.clipboardClearSeconds} onChange={change('clipboardClearSeconds')} autoComplete="off" />
            </Field>
          </div>
        </fieldset>
        <fieldset disabled={review}>
          <legend>Notifications</legend>
          <Field
            label="Remind me before a key expires (days before)"
            hint={`Up to 6 thresholds, 1 to 365, separated by commas: one OS notification per key at each. Default ${defaults.expiryReminderDays.join(', ')}.`}
            error={fieldError('expiryReminderDays')}
          >
            <input value={draft.expiryReminderDays} onChange={change('expiryReminderDays')} autoComplete="off" />
          </Field>
        </fieldset>
        <div className="form-actions settings-actions">
          <span className="saved-note" role="status">
            {saved}
          </span>
          <button
            type="button"
            className="button"
            disabled={review}
            onClick={() => {
              setDraft(draftOf({ ...settings.values, ...defaults }));
              setSaved(null);
            }}
          >
            Use defaults
          </button>
          <button type="submit" className="button primary" disabled={review || saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>

      {review ? null : <VaultSettings />}

      <section className="settings-section" aria-labelledby="settings-data">
        <h2 id="settings-data">Where your data lives</h2>
        <dl className="settings-facts">
          <div>
            <dt>Data folder</dt>
            <dd>
              <code className="path">{settings.dataDir}</code>
            </dd>
          </div>
          <div>
            <dt>Database (metadata only)</dt>
            <dd>
              <code className="path">{settings.databaseFile}</code> in that folder
            </dd>
          </div>
          <div>
            <dt>Secrets</dt>
            <dd>the OS keychain, service “keyfleet”</dd>
          </div>
        </dl>
        <p className="form-note">
          Keyfleet does not move its data from here. To use another folder, quit and start Keyfleet with <code>KEYFLEET_DATA_DIR=/path/to/folder</code>{' '}
          (a new folder starts empty; copy this one there first to keep everything). To look at a copy read-only, start it with{' '}
          <code>--review=/path/to/copy</code>.
        </p>
      </section>

      <section className="settings-section" aria-labelledby="settings-policy">
        <h2 id="settings-policy">Organization policies</h2>
        <p className="form-note">Rules per organization, checked in its create forms and flagged in the inventory; the backend itself does not enforce them.</p>
        <Policies connections={connections} />
      </section>

      <section className="settings-section" aria-labelledby="settings-first-run">
        <h2 id="settings-first-run">First run</h2>
        <p className="form-note">
          {settings.values.welcomeDismissed ? 'The welcome is put away.' : 'The welcome shows while Keyfleet has no connections and no vault entries.'}
        </p>
        <div>
          <button type="button" className="button" disabled={review || !settings.values.welcomeDismissed} onClick={() => void showWelcomeAgain()}>
            Show the welcome again
          </button>
        </div>
      </section>
    </section>
  );
}
