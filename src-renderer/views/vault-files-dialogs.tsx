// The vault's files: an encrypted backup (with a passphrase of its own), restoring one (preview,
// duplicates skipped or renamed, a report), and exporting chosen entries to a .env file. The core
// asks where to save or what to open (the OS dialogs), writes 0600 files and reads them; the
// renderer only ever sees names, counts and what to choose.
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { VaultRestorePreview, VaultRestoreReport } from '../../src-preload/contract.ts';
import { api, type CallError } from '../app/bridge.ts';
import { useCall } from '../app/use-call.ts';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';
import { NewPassphrase, PassphraseInput, passphrasesReady } from './passphrase-fields.tsx';
import { isolate, Name } from '../components/name.tsx';
import './vault-dialogs.css';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function FormError({ error }: { error: CallError | null }) {
  if (!error || (error.fields && Object.keys(error.fields).length > 0 && !error.fields['(input)'])) return null;
  return (
    <div className="form-error" role="alert">
      {error.message}
    </div>
  );
}

export function VaultBackupDialog() {
  const close = useApp((s) => s.close);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const { busy, error, run } = useCall();
  const [done, setDone] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await api.vault.backup({ passphrase });
      if ('cancelled' in result) return;
      setPassphrase('');
      setRepeat('');
      setDone(`Saved ${plural(result.entries, 'entry', 'entries')} to ${result.fileName}, readable by you only.`);
    });
  };

  return (
    <Modal title="Back up the vault" onRequestClose={close}>
      {done ? (
        <>
          <p role="status">{done}</p>
          <div className="form-actions">
            <button type="button" className="button primary" onClick={close}>
              Done
            </button>
          </div>
        </>
      ) : (
        <form className="form" onSubmit={submit} aria-busy={busy}>
          <p>
            One file with every entry and its secret, encrypted (AES-256-GCM, key from scrypt) with a passphrase you choose for this file. Restore it here or
            on another computer with that passphrase.
          </p>
          <FormError error={error} />
          <NewPassphrase label="Backup passphrase" value={passphrase} repeat={repeat} onChange={setPassphrase} onRepeat={setRepeat} error={error?.fields?.passphrase} autoFocus />
          <p className="form-note warning-note">Without this passphrase the file cannot be opened by anyone, you included.</p>
          <div className="form-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button primary" disabled={busy || !passphrasesReady(passphrase, repeat)}>
              {busy ? 'Encrypting…' : 'Choose where to save…'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

type Choice = { action: 'add' | 'skip' | 'rename'; name: string };

export function VaultRestoreDialog() {
  const { close, loadVault } = useApp(useShallow((s) => ({ close: s.close, loadVault: s.loadVault })));
  const [passphrase, setPassphrase] = useState('');
  const [preview, setPreview] = useState<VaultRestorePreview | null>(null);
  const [choices, setChoices] = useState<Record<number, Choice>>({});
  const [report, setReport] = useState<VaultRestoreReport | null>(null);
  const { busy, error, run } = useCall();

  const open = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await api.vault.restorePreview({ passphrase });
      if ('cancelled' in result) return;
      setPassphrase('');
      setPreview(result);
      setChoices(Object.fromEntries(result.entries.map((e) => [e.ref, { action: e.duplicateOf ? 'skip' : 'add', name: e.suggestedName }])));
    });
  };

  const restore = (opened: VaultRestorePreview) =>
    run(async () => {
      const list = Object.entries(choices).map(([ref, c]) => ({ ref: Number(ref), action: c.action, name: c.action === 'rename' ? c.name : undefined }));
      setReport(await api.vault.restore({ restoreId: opened.restoreId, choices: list }));
      await loadVault();
    });

  const adding = Object.values(choices).filter((c) => c.action !== 'skip').length;
  return (
    <Modal title="Restore a vault backup" onRequestClose={close} width="wide">
      <FormError error={error} />
      {report ? (
        <>
          <div role="status" className="restore-report">
            <p>
              Restored {plural(report.added.length + report.renamed.length, 'entry', 'entries')}
              {report.skipped.length ? `, skipped ${report.skipped.length}` : ''}.
            </p>
            <ul>
              {report.added.length ? <li>Added: {report.added.join(', ')}</li> : null}
              {report.renamed.map((r) => (
                <li key={r.to}>
                  “{r.from}” restored as “{r.to}”
                </li>
              ))}
              {report.skipped.length ? <li>Skipped: {report.skipped.join(', ')}</li> : null}
              {report.linksDropped ? <li>{plural(report.linksDropped, 'link')} to keys not in this inventory dropped.</li> : null}
            </ul>
          </div>
          <div className="form-actions">
            <button type="button" className="button primary" onClick={close}>
              Done
            </button>
          </div>
        </>
      ) : preview ? (
        <>
          <p>
            {preview.fileName}
            {preview.createdAt ? `, made ${new Date(preview.createdAt).toLocaleString()}` : ''}: {plural(preview.entries.length, 'entry', 'entries')}. Nothing is
            restored until you confirm.
          </p>
          <div className="table-wrap">
            <table className="journal-table restore-table">
              <thead>
                <tr>
                  <th scope="col">Entry</th>
                  <th scope="col">Already here?</th>
                  <th scope="col">Restore</th>
                </tr>
              </thead>
              <tbody>
                {preview.entries.map((entry) => {
                  const choice = choices[entry.ref]!;
                  const set = (next: Partial<Choice>) => setChoices((all) => ({ ...all, [entry.ref]: { ...choice, ...next } }));
                  return (
                    <tr key={entry.ref} data-restore-ref={entry.ref}>
                      <td>
                        <div className="key-name">
                          <Name>{entry.name}</Name>
                        </div>
                        <div className="key-sub">
                          {entry.service} · {entry.fields.join(', ')}
                          {entry.link === 'dropped' ? ' · link dropped (key not in this inventory)' : entry.link === 'kept' ? ' · linked' : ''}
                        </div>
                      </td>
                      <td>{entry.duplicateOf ? <span className="pill pill-pending">Yes: “{isolate(entry.duplicateOf.name)}”</span> : <span className="muted">No</span>}</td>
                      <td>
                        <div className="restore-choice inline-field">
                          <select aria-label={`What to do with ${entry.name}`} value={choice.action} onChange={(event) => set({ action: event.target.value as Choice['action'] })}>
                            {entry.duplicateOf ? null : <option value="add">Add</option>}
                            <option value="skip">Skip</option>
                            <option value="rename">Add as…</option>
                          </select>
                          {choice.action === 'rename' ? (
                            <input aria-label={`New name for ${entry.name}`} value={choice.name} onChange={(event) => set({ name: event.target.value })} />
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="form-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="button" className="button primary" disabled={busy || adding === 0} onClick={() => void restore(preview)}>
              {busy ? 'Restoring…' : `Restore ${plural(adding, 'entry', 'entries')}`}
            </button>
          </div>
        </>
      ) : (
        <form className="form" onSubmit={open} aria-busy={busy}>
          <p>Choose a Keyfleet vault backup (.kfvault) and type the passphrase it was saved with. You will see what it holds before anything is added.</p>
          <PassphraseInput label="Backup passphrase" value={passphrase} onChange={setPassphrase} error={error?.fields?.passphrase} autoFocus current />
          <div className="form-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button primary" disabled={busy || passphrase === ''}>
              {busy ? 'Opening…' : 'Choose the backup file…'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

export function VaultExportEnvDialog() {
  const { close, entries } = useApp(useShallow((s) => ({ close: s.close, entries: s.vaultEntries })));
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [done, setDone] = useState<{ fileName: string; variables: string[] } | null>(null);
  const { busy, error, run } = useCall();

  const exportChosen = () =>
    run(async () => {
      const result = await api.vault.exportEnv({ ids: entries.filter((e) => chosen.has(e.id)).map((e) => e.id) });
      if (!('cancelled' in result)) setDone(result);
    });

  return (
    <Modal title="Export to a .env file" onRequestClose={close} width="wide">
      <FormError error={error} />
      {done ? (
        <>
          <p role="status">
            Wrote {plural(done.variables.length, 'variable')} to {done.fileName}, readable by you only: {done.variables.join(', ')}.
          </p>
          <p className="form-note warning-note">The file holds the secrets in clear: keep it out of version control and delete it when it is no longer needed.</p>
          <div className="form-actions">
            <button type="button" className="button primary" onClick={close}>
              Done
            </button>
          </div>
        </>
      ) : (
        <>
          <fieldset className="choice-set">
            <legend>Entries to export ({chosen.size} of {entries.length})</legend>
            <div className="check-list one-column">
              {entries.map((entry) => (
                <label key={entry.id} className="check">
                  <input
                    type="checkbox"
                    checked={chosen.has(entry.id)}
                    onChange={() =>
                      setChosen((set) => {
                        const next = new Set(set);
                        if (next.has(entry.id)) next.delete(entry.id);
                        else next.add(entry.id);
                        return next;
                      })
                    }
                  />
                  <Name>{entry.name}</Name> <span className="muted">· <Name>{entry.service}</Name></span>
                </label>
              ))}
            </div>
          </fieldset>
          <p className="form-note">
            Each entry becomes one variable named after it (and after the field, when it has several), quoted so that a .env loader reads the value back
            exactly. The file is created readable by you only.
          </p>
          <div className="form-actions">
            <button type="button" className="button" onClick={close}>
              Cancel
            </button>
            <button type="button" className="button primary" disabled={busy || chosen.size === 0} onClick={() => void exportChosen()}>
              {busy ? 'Writing…' : `Export ${plural(chosen.size, 'entry', 'entries')}…`}
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}
