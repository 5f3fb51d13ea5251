// Settings → Vault: change the passphrase (the same vault key, sealed again: no secret is touched),
// Touch ID where the Mac has it, with exactly what it trades, and the KDF the key is sealed with.
import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api } from '../app/bridge.ts';
import { useCall } from '../app/use-call.ts';
import { useApp } from '../state/store.ts';
import { NewPassphrase, PassphraseInput, passphrasesReady } from './passphrase-fields.tsx';

export function VaultSettings() {
  const { vault, loadVault, requireUnlocked } = useApp(useShallow((s) => ({ vault: s.vault, loadVault: s.loadVault, requireUnlocked: s.requireUnlocked })));
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, run } = useCall();

  useEffect(() => {
    void loadVault();
  }, [loadVault]);

  const change = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    void run(async () => {
      await api.vault.changePassphrase({ current, next });
      setCurrent('');
      setNext('');
      setRepeat('');
      setSaved('Passphrase changed.');
      await loadVault();
    });
  };

  const touchId = (on: boolean) =>
    run(async () => {
      if (on && !(await requireUnlocked())) return;
      await api.vault.setTouchId({ on });
      await loadVault();
    });

  if (!vault) return null;
  return (
    <section className="settings-section" aria-labelledby="settings-vault">
      <h2 id="settings-vault">Vault</h2>
      {vault.passphrase === 'unset' ? (
        <p className="form-note">The vault has no passphrase yet: open My vault to choose one.</p>
      ) : (
        <>
          <p className="form-note">
            The vault key is sealed with a key derived from your passphrase by {vault.kdf?.name ?? 'scrypt'}
            {vault.kdf ? ` (N = ${vault.kdf.N.toLocaleString('en')}, r = ${vault.kdf.r}, p = ${vault.kdf.p})` : ''}; each secret is encrypted with AES-256-GCM.
          </p>
          <form className="form settings-form" onSubmit={change} aria-busy={busy}>
            {error && !error.fields ? (
              <div className="form-error" role="alert">
                {error.message}
              </div>
            ) : null}
            <fieldset>
              <legend>Change the passphrase</legend>
              <PassphraseInput label="Current passphrase" value={current} onChange={setCurrent} error={error?.fields?.current} current />
              <NewPassphrase label="New passphrase" value={next} repeat={repeat} onChange={setNext} onRepeat={setRepeat} error={error?.fields?.next} />
              <p className="form-note">Only the vault key is sealed again: no secret is touched. Backups keep the passphrase they were saved with.</p>
            </fieldset>
            <div className="form-actions settings-actions">
              <span className="saved-note" role="status">
                {saved}
              </span>
              <button type="submit" className="button primary" disabled={busy || current === '' || !passphrasesReady(next, repeat)}>
                {busy ? 'Changing…' : 'Change passphrase'}
              </button>
            </div>
          </form>
          {vault.touchId !== 'unavailable' ? (
            <div className="form settings-form">
              <fieldset>
                <legend>Touch ID</legend>
                <label className="check">
                  <input type="checkbox" checked={vault.touchId === 'on'} onChange={(event) => void touchId(event.target.checked)} /> Unlock the vault with Touch ID
                </label>
                <p className="form-note">
                  What this trades: with Touch ID on, a copy of the vault key is kept in your macOS login keychain, and Keyfleet reads it after Touch ID
                  succeeds. Touch ID is asked by Keyfleet, not enforced by the keychain, so the vault is then as strong as your Mac account and its login
                  keychain, no longer as strong as your passphrase. The passphrase still unlocks, and is still needed to change it or to restore a backup.
                  Turning Touch ID off deletes the copy.
                </p>
              </fieldset>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
