// One row of My vault (open): name, service and tags; the secret, masked until a reveal shows it for
// 20 seconds (masked at once when the vault locks); the linked key and the last check; actions.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { VaultEntryView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { Icon } from '../components/icons.tsx';
import { isolate, Name } from '../components/name.tsx';
import { useApp } from '../state/store.ts';
import { CheckCell, LinkCell } from './vault-link.tsx';

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

export function EntryRow({ entry }: { entry: VaultEntryView }) {
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
        <LinkCell entry={entry} />
      </td>
      <td>
        <CheckCell entry={entry} />
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
