// What My vault shows before it is open: setting the passphrase on first use, or the unlock form.
// Nothing of the vault's entries is here: the core gives out none while locked.
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { VaultStatus } from '../../src-preload/contract.ts';
import { api, type CallError } from '../app/bridge.ts';
import { useCall } from '../app/use-call.ts';
import { Icon } from '../components/icons.tsx';
import { useApp } from '../state/store.ts';
import { NewPassphrase, PassphraseInput, passphrasesReady } from './passphrase-fields.tsx';
import './vault-lock-screens.css';

/** First use: choose the passphrase. `compact` where it opens inside another dialog (a reveal's "Save to my vault"). */
export function VaultSetup({ status, compact = false }: { status: VaultStatus; compact?: boolean }) {
  const { requireUnlocked, loadVault } = useApp(useShallow((s) => ({ requireUnlocked: s.requireUnlocked, loadVault: s.loadVault })));
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [understood, setUnderstood] = useState(false);
  const { busy, error, run } = useCall();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      // Locked by idle or the screen: the one who sets it must first be the one who unlocks.
      if (status.locked && !(await requireUnlocked())) return;
      await api.vault.setup({ passphrase });
      setPassphrase('');
      setRepeat('');
      await loadVault();
    });
  };

  return (
    <div className={compact ? 'vault-gate compact' : 'vault-gate'}>
      {compact ? null : (
        <span className="empty-icon" aria-hidden="true">
          <Icon name="lock" size={24} />
        </span>
      )}
      {compact ? <h3>Choose a vault passphrase</h3> : <h2>Choose a vault passphrase</h2>}
      <p>
        It encrypts every secret in your vault before it reaches the OS keychain, and you will type it to open the vault.
        {status.entries > 0 ? ` The ${status.entries} ${status.entries === 1 ? 'entry' : 'entries'} already here will be encrypted with it.` : ''}
      </p>
      <form className="form" onSubmit={submit} aria-busy={busy}>
        {error && !error.fields ? (
          <div className="form-error" role="alert">
            {error.message}
          </div>
        ) : null}
        <NewPassphrase label="Vault passphrase" value={passphrase} repeat={repeat} onChange={setPassphrase} onRepeat={setRepeat} error={error?.fields?.passphrase} autoFocus />
        <p className="form-note warning-note">
          <strong>It cannot be recovered.</strong> Keyfleet keeps no copy and no hint: if you forget it, the secrets in this vault are lost (their keys keep
          working where they are used). A backup has a passphrase of its own.
        </p>
        <label className="check">
          <input type="checkbox" checked={understood} onChange={(event) => setUnderstood(event.target.checked)} /> I understand that a forgotten passphrase
          cannot be recovered.
        </label>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy || !understood || !passphrasesReady(passphrase, repeat)}>
            {busy ? 'Setting it…' : 'Set passphrase and open the vault'}
          </button>
        </div>
      </form>
    </div>
  );
}

/** The unlock form: the passphrase, or Touch ID where it is on. Used by the view and the dialog. */
export function UnlockForm({ status, onUnlocked, autoFocus = true }: { status: VaultStatus; onUnlocked?: () => void; autoFocus?: boolean }) {
  const unlockVault = useApp((s) => s.unlockWith);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<CallError | null>(null);
  const [busy, setBusy] = useState(false);

  async function unlock(input: { passphrase?: string; touchId?: boolean }) {
    setBusy(true);
    setError(null);
    const failure = await unlockVault(input);
    setBusy(false);
    setPassphrase('');
    if (failure) setError(failure);
    else onUnlocked?.();
  }

  if (status.unlock !== 'passphrase') {
    return (
      <div className="form">
        <p>{status.unlock === 'os' ? 'Your operating system will ask you to confirm it is you.' : 'Confirm it is you at the keyboard to see or copy secrets again.'}</p>
        {error ? (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        ) : null}
        <div className="form-actions">
          <button type="button" className="button primary" autoFocus={autoFocus} disabled={busy} onClick={() => void unlock({})}>
            Unlock
          </button>
        </div>
      </div>
    );
  }
  return (
    <form
      className="form"
      aria-busy={busy}
      onSubmit={(event) => {
        event.preventDefault();
        void unlock({ passphrase });
      }}
    >
      {error && !error.fields ? (
        <div className="form-error" role="alert">
          {error.message}
        </div>
      ) : null}
      <PassphraseInput label="Vault passphrase" value={passphrase} onChange={setPassphrase} error={error?.fields?.passphrase} autoFocus={autoFocus} current />
      <div className="form-actions">
        {status.touchId === 'on' ? (
          <button type="button" className="button" disabled={busy} onClick={() => void unlock({ touchId: true })}>
            Use Touch ID
          </button>
        ) : null}
        <button type="submit" className="button primary" disabled={busy || passphrase === ''}>
          {busy ? 'Checking…' : 'Unlock'}
        </button>
      </div>
    </form>
  );
}

export function VaultLocked({ status }: { status: VaultStatus }) {
  return (
    <div className="vault-gate">
      <span className="empty-icon" aria-hidden="true">
        <Icon name="lock" size={24} />
      </span>
      <h2>Your vault is locked</h2>
      <p>Enter your vault passphrase to open it.</p>
      <UnlockForm status={status} />
    </div>
  );
}
