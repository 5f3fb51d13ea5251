// My vault: the user's own keys, each secret encrypted with the vault key before the OS keychain.
// Before a passphrase exists it asks for one; while locked it shows the unlock screen and nothing
// else (the core gives out no entry then); open, it lists the entries with their links and checks,
// and offers adding, .env in and out, backup and restore.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api, asCallError } from '../app/bridge.ts';
import { download, MIME } from '../app/download.ts';
import { Banner } from '../components/banner.tsx';
import { Icon } from '../components/icons.tsx';
import { useApp } from '../state/store.ts';
import { VaultLocked, VaultSetup } from './vault-lock-screens.tsx';
import { EntryRow } from './vault-row.tsx';
import './vault-view.css';

export function VaultView() {
  const { entries, vault, open, loadVault, lockVault, notify } = useApp(
    useShallow((s) => ({
      entries: s.vaultEntries,
      vault: s.vault,
      open: s.open,
      loadVault: s.loadVault,
      lockVault: s.lockVault,
      notify: s.notify,
    })),
  );

  useEffect(() => {
    void loadVault();
  }, [loadVault]);

  async function exportMeta() {
    try {
      const result = await api.vault.exportMeta();
      download(result.fileName, result.content, MIME.json);
      notify('info', `Exported the vault's metadata to ${result.fileName}`, `SHA-256 ${result.sha256}. No secret is in it.`);
    } catch (error) {
      notify('error', 'The export failed', asCallError(error).message);
    }
  }

  const isOpen = vault !== null && vault.passphrase === 'set' && !vault.locked;
  const noKeychain = vault?.keychain.available === false;
  return (
    <section className="pane" aria-labelledby="vault-title">
      <header className="pane-header">
        <div className="pane-title-block">
          <div className="breadcrumb">Your own keys, encrypted with your vault passphrase</div>
          <h1 id="vault-title">My vault</h1>
          <span className="sync-state muted">
            {!vault ? '…' : vault.passphrase === 'unset' ? 'No passphrase yet' : vault.locked ? 'Locked' : 'Unlocked'} · locks after {vault?.autoLockMinutes ?? '…'} idle
            minutes, and with the screen
          </span>
        </div>
        {isOpen ? (
          <div className="pane-actions">
            <button type="button" className="button" title="Lock the vault (l)" onClick={() => void lockVault()}>
              <Icon name="lock" /> Lock
            </button>
            <button type="button" className="button primary" onClick={() => open({ kind: 'vault-entry', entry: null })} disabled={noKeychain}>
              <Icon name="plus" /> Add
            </button>
          </div>
        ) : null}
      </header>
      {isOpen ? (
        <div className="vault-toolbar" role="toolbar" aria-label="Vault files">
          <button type="button" className="button" onClick={() => open({ kind: 'vault-import' })} disabled={noKeychain}>
            Import .env
          </button>
          <button type="button" className="button" onClick={() => open({ kind: 'vault-export-env' })} disabled={entries.length === 0}>
            Export .env
          </button>
          <button type="button" className="button" onClick={() => open({ kind: 'vault-backup' })} disabled={entries.length === 0}>
            Back up
          </button>
          <button type="button" className="button" onClick={() => open({ kind: 'vault-restore' })} disabled={noKeychain}>
            Restore
          </button>
          <button type="button" className="button" onClick={() => void exportMeta()} disabled={entries.length === 0}>
            Export metadata
          </button>
        </div>
      ) : null}
      {noKeychain ? (
        <Banner tone="warning" title="The OS keychain is not reachable: the vault stores nothing">
          {vault.keychain.message}
        </Banner>
      ) : null}
      {!vault ? null : vault.passphrase === 'unset' ? (
        <VaultSetup status={vault} />
      ) : vault.locked ? (
        <VaultLocked status={vault} />
      ) : entries.length === 0 ? (
        <div className="empty-state compact">
          <span className="empty-icon" aria-hidden="true">
            <Icon name="lock" size={24} />
          </span>
          <h2>Your vault is empty</h2>
          <p>Add a key by hand, import variables of a .env file, restore a backup, or choose “Save to my vault” when a new key is revealed.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="journal-table vault-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Secret</th>
                <th scope="col">Linked key</th>
                <th scope="col">Check</th>
                <th scope="col" className="col-actions">
                  Actions
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <EntryRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
