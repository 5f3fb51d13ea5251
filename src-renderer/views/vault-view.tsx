// My vault: the user's own keys, secrets in the OS keychain. Masked by default; a reveal shows a
// secret for 20 seconds; copying happens in the core; a lock hides everything until unlocked.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { VaultEntryView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { download, MIME } from '../app/download.ts';
import { absoluteTime, relativeTime, shortDate } from '../app/format.ts';
import { Banner } from '../components/banner.tsx';
import { Icon } from '../components/icons.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { useApp } from '../state/store.ts';
import { isolate, Name } from '../components/name.tsx';
import './vault-view.css';

const VERIFY_LABELS: Record<NonNullable<VaultEntryView['verifyResult']>, string> = {
  valid: 'Works',
  revoked: 'Revoked',
  expired: 'Expired',
  unreachable: 'Unreachable',
};

/** Milliseconds from now until `at` (0 if past). */
const msUntil = (at: number) => Math.max(0, at - Date.now());

function Revealed({ entry, onDone }: { entry: VaultEntryView; onDone: () => void }) {
  const lockEpoch = useApp((s) => s.lockEpoch);
  const [fields, setFields] = useState<Array<{ label: string; value: string; secret: boolean }> | null>(null);
  // A deadline, not a count of ticks: a throttled window must not keep the secret up any longer.
  const [until, setUntil] = useState(0);
  const [left, setLeft] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [startEpoch] = useState(lockEpoch);

  useEffect(() => {
    let live = true;
    api.vault.reveal({ id: entry.id }).then(
      (result) => {
        if (!live) return;
        setFields(result.fields);
        setUntil(Date.now() + result.visibleForMs);
        setLeft(result.visibleForMs);
      },
      (failure: unknown) => live && setError(asCallError(failure).message),
    );
    return () => {
      live = false;
    };
  }, [entry.id]);

  // Masked again after its seconds, or at once when the vault locks.
  useEffect(() => {
    if (!fields) return;
    const timer = setInterval(() => setLeft(until - Date.now()), 250);
    return () => clearInterval(timer);
  }, [fields, until]);
  useEffect(() => {
    if ((fields && left <= 0) || lockEpoch !== startEpoch) onDone();
  }, [fields, left, lockEpoch, startEpoch, onDone]);

  if (error) return <span className="form-error">{error}</span>;
  if (!fields) return <span className="muted">Revealing…</span>;
  return (
    <div className="vault-revealed">
      {fields.map((f) => (
        <div key={f.label}>
          <span className="muted">{f.label}: </span>
          <code data-testid={`vault-value-${f.label}`}>{f.value}</code>
        </div>
      ))}
      <span className="countdown">masked again in {Math.ceil(left / 1000)} s</span>
    </div>
  );
}

function EntryRow({ entry }: { entry: VaultEntryView }) {
  const { locked, requireUnlocked, open, notify, loadVault } = useApp(
    useShallow((s) => ({ locked: s.vault?.locked ?? false, requireUnlocked: s.requireUnlocked, open: s.open, notify: s.notify, loadVault: s.loadVault })),
  );
  const clearSeconds = useApp((s) => s.settings?.values.clipboardClearSeconds);
  const [revealing, setRevealing] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);

  async function copy(label: string) {
    if (!(await requireUnlocked())) return;
    try {
      const { clearsAt } = await api.vault.copy({ id: entry.id, label });
      setCopied(label);
      // The check mark lasts as long as the clipboard holds it.
      setTimeout(() => setCopied((current) => (current === label ? null : current)), msUntil(clearsAt));
    } catch (error) {
      notify('error', `Could not copy from “${isolate(entry.name)}”`, asCallError(error).message);
    }
  }

  async function verify() {
    setVerifying(true);
    try {
      await api.vault.verify({ id: entry.id });
    } catch (error) {
      notify('error', `Could not check “${isolate(entry.name)}”`, asCallError(error).message);
    } finally {
      setVerifying(false);
      void loadVault();
    }
  }

  const key = entry.link?.key;
  return (
    <tr data-vault-id={entry.id}>
      <td>
        <div className="key-name">
          <Name>{entry.name}</Name>
        </div>
        <div className="key-sub">
          <Name className="key-scope">{entry.service}</Name>
          {entry.tags.map((tag) => (
            <span key={tag} className="tag">
              {tag}
            </span>
          ))}
        </div>
      </td>
      <td>
        {revealing && !locked ? (
          <Revealed entry={entry} onDone={() => setRevealing(false)} />
        ) : (
          <code className="masked" aria-label="Secret, masked">
            ••••••••••••
          </code>
        )}
      </td>
      <td>
        {entry.link ? (
          <>
            <div>{entry.link.connectionName ? <Name>{entry.link.connectionName}</Name> : 'removed connection'}</div>
            {key ? (
              <div className="key-sub">
                <StatusPill status={key.status} detail={key.statusDetail} />
                {key.expiresAt ? <span title={absoluteTime(key.expiresAt)}>expires {shortDate(key.expiresAt)}</span> : null}
                {key.lastUsedAt ? <span>used {relativeTime(key.lastUsedAt)}</span> : null}
              </div>
            ) : (
              <div className="key-sub">not in the inventory any more</div>
            )}
          </>
        ) : (
          <span className="muted">not linked</span>
        )}
      </td>
      <td>
        {entry.verifyResult ? (
          <span className={`pill pill-${entry.verifyResult === 'valid' ? 'active' : entry.verifyResult === 'unreachable' ? 'pending' : 'revoked'}`} title={entry.verifiedAt ? `Checked ${absoluteTime(entry.verifiedAt)}` : undefined}>
            {VERIFY_LABELS[entry.verifyResult]}
          </span>
        ) : (
          <span className="muted">{entry.expiresAt ? `expires ${shortDate(entry.expiresAt)}` : '—'}</span>
        )}
      </td>
      <td className="col-actions">
        <div className="row-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={`Reveal ${entry.name}`}
            title="Show the secret for 20 seconds"
            onClick={() => void requireUnlocked().then((ok) => ok && setRevealing(true))}
          >
            <Icon name="key" />
          </button>
          {entry.fields.map((f) => (
            <button
              key={f.label}
              type="button"
              className={`icon-button${copied === f.label ? ' success' : ''}`}
              aria-label={`Copy ${f.label} of ${entry.name}`}
              title={copied === f.label ? `Copied; cleared from the clipboard after ${clearSeconds ?? 30} s` : `Copy ${f.label}`}
              onClick={() => void copy(f.label)}
            >
              <Icon name={copied === f.label ? 'check' : 'copy'} />
            </button>
          ))}
          <button
            type="button"
            className="icon-button"
            aria-label={`Check ${entry.name} still works`}
            title={entry.verifiable ? 'Check it still works (a harmless call with this key)' : 'Only an entry linked to a key of a connected backend can be checked'}
            disabled={!entry.verifiable || verifying}
            onClick={() => void verify()}
          >
            <Icon name="sync" />
          </button>
          <button type="button" className="icon-button" aria-label={`Edit ${entry.name}`} onClick={() => open({ kind: 'vault-entry', entry })}>
            <Icon name="pencil" />
          </button>
          <button type="button" className="icon-button danger" aria-label={`Delete ${entry.name}`} onClick={() => open({ kind: 'vault-delete', entry })}>
            <Icon name="trash" />
          </button>
        </div>
      </td>
    </tr>
  );
}

export function VaultView() {
  const { entries, vault, open, loadVault, lockVault, unlockVault, notify } = useApp(
    useShallow((s) => ({
      entries: s.vaultEntries,
      vault: s.vault,
      open: s.open,
      loadVault: s.loadVault,
      lockVault: s.lockVault,
      unlockVault: s.unlockVault,
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

  return (
    <section className="pane" aria-labelledby="vault-title">
      <header className="pane-header">
        <div className="pane-title-block">
          <div className="breadcrumb">Your own keys; secrets in the OS keychain</div>
          <h1 id="vault-title">My vault</h1>
          <span className="sync-state muted">
            {vault?.locked ? 'Locked' : 'Unlocked'} · locks after {vault?.autoLockMinutes ?? '…'} idle minutes, and with the screen
          </span>
        </div>
        <div className="pane-actions">
          {vault?.locked ? (
            <button type="button" className="button" onClick={unlockVault}>
              <Icon name="lock" /> Unlock
            </button>
          ) : (
            <button type="button" className="button" title="Lock the vault (l)" onClick={() => void lockVault()}>
              <Icon name="lock" /> Lock
            </button>
          )}
          <button type="button" className="button" onClick={() => open({ kind: 'vault-import' })} disabled={vault?.keychain.available === false}>
            Import .env
          </button>
          <button type="button" className="button" onClick={() => void exportMeta()} disabled={entries.length === 0}>
            Export metadata
          </button>
          <button type="button" className="button primary" onClick={() => open({ kind: 'vault-entry', entry: null })} disabled={vault?.keychain.available === false}>
            <Icon name="plus" /> Add
          </button>
        </div>
      </header>
      {vault && !vault.keychain.available ? (
        <Banner tone="warning" title="The OS keychain is not reachable: the vault stores nothing">
          {vault.keychain.message}
        </Banner>
      ) : null}
      {entries.length === 0 ? (
        <div className="empty-state compact">
          <span className="empty-icon" aria-hidden="true">
            <Icon name="lock" size={24} />
          </span>
          <h2>Your vault is empty</h2>
          <p>Add a key by hand, import lines of a .env file, or choose “Save to my vault” when a new key is revealed.</p>
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
