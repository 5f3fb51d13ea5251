// Adding or editing a vault entry, deleting one, importing variables of a .env file, and unlocking.
import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { KeyView, VaultEntryView } from '../../src-preload/contract.ts';
import { api, asCallError, type CallError } from '../app/bridge.ts';
import { Field } from '../components/field.tsx';
import { Modal } from '../components/modal.tsx';
import { CheckedName, HiddenCharactersWarning, isolate, visibleName } from '../components/name.tsx';
import { useApp } from '../state/store.ts';
import { UnlockForm } from './vault-lock-screens.tsx';
import './vault-dialogs.css';

function dateInput(at: number | null): string {
  if (at === null) return '';
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function VaultEntryDialog({ entry }: { entry: VaultEntryView | null }) {
  const { close, loadVault, backends, connections } = useApp(
    useShallow((s) => ({ close: s.close, loadVault: s.loadVault, backends: s.backends, connections: s.connections })),
  );
  const [name, setName] = useState(entry?.name ?? '');
  const [service, setService] = useState(entry?.service ?? '');
  const [url, setUrl] = useState(entry?.url ?? '');
  const [notes, setNotes] = useState(entry?.notes ?? '');
  const [expires, setExpires] = useState(dateInput(entry?.expiresAt ?? null));
  const [tags, setTags] = useState(entry?.tags.join(', ') ?? '');
  const [keyIdField, setKeyIdField] = useState('');
  const [secret, setSecret] = useState('');
  const [linkConnection, setLinkConnection] = useState(entry?.link?.connectionId ?? '');
  const [linkKey, setLinkKey] = useState(entry?.link?.keyId ?? '');
  const [linkQuery, setLinkQuery] = useState('');
  const [candidates, setCandidates] = useState<KeyView[]>([]);
  const [error, setError] = useState<CallError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!linkConnection) return;
    let live = true;
    api.keys.list({ connectionId: linkConnection, query: linkQuery || undefined, limit: 50 }).then(
      (page) => live && setCandidates(page.rows),
      () => live && setCandidates([]),
    );
    return () => {
      live = false;
    };
  }, [linkConnection, linkQuery]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const fields = secret
      ? [...(keyIdField ? [{ label: 'Key id', value: keyIdField, secret: false }] : []), { label: 'Secret', value: secret, secret: true }]
      : undefined;
    const [y, m, d] = expires.split('-').map(Number);
    const common = {
      name: name.trim(),
      service: service.trim() || 'other',
      url: url.trim() || undefined,
      notes: notes.trim() || undefined,
      expiresAt: expires ? new Date(y!, m! - 1, d, 23, 59, 59).getTime() : undefined,
      tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
      link: linkConnection && linkKey ? { connectionId: linkConnection, keyId: linkKey } : undefined,
    };
    try {
      if (entry) await api.vault.update({ id: entry.id, ...common, link: common.link ?? null, fields });
      else if (fields) await api.vault.add({ ...common, fields });
      await loadVault();
      close();
    } catch (failure) {
      setError(asCallError(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={entry ? `Edit “${isolate(entry.name)}”` : 'Add to my vault'} onRequestClose={close} width="wide">
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
        {error ? (
          <div className="form-error" role="alert">
            {error.message}
          </div>
        ) : null}
        <div className="form-row">
          <Field label="Name" error={error?.fields?.name}>
            <input value={name} onChange={(event) => setName(event.target.value)} required autoComplete="off" />
          </Field>
          <Field label="Backend or service" hint="A connected backend, or any service.">
            <input value={service} onChange={(event) => setService(event.target.value)} list="vault-services" autoComplete="off" />
          </Field>
        </div>
        <datalist id="vault-services">
          {backends.map((b) => (
            <option key={b.kind} value={b.displayName} />
          ))}
        </datalist>
        <div className="form-row">
          <Field label={entry ? 'New secret' : 'Secret'} optional={Boolean(entry)} hint={entry ? 'Leave empty to keep the stored secret.' : 'Stored only in your OS keychain.'} error={error?.fields?.fields}>
            <input
              type="password"
              value={secret}
              onChange={(event) => setSecret(event.target.value)}
              required={!entry}
              autoComplete="off"
              spellCheck={false}
              className="mono"
            />
          </Field>
          <Field label="Key id or access key" optional hint="The non-secret part, for keys that have one.">
            <input value={keyIdField} onChange={(event) => setKeyIdField(event.target.value)} autoComplete="off" spellCheck={false} className="mono" />
          </Field>
        </div>
        <div className="form-row">
          <Field label="URL" optional error={error?.fields?.url}>
            <input value={url} onChange={(event) => setUrl(event.target.value)} inputMode="url" autoComplete="off" placeholder="https://" />
          </Field>
          <Field label="Expires" optional>
            <input type="date" value={expires} onChange={(event) => setExpires(event.target.value)} />
          </Field>
        </div>
        <Field label="Tags" optional hint="Comma-separated.">
          <input value={tags} onChange={(event) => setTags(event.target.value)} autoComplete="off" />
        </Field>
        <Field label="Notes" optional>
          <textarea value={notes} onChange={(event) => setNotes(event.target.value)} rows={2} />
        </Field>
        <fieldset className="choice-set">
          <legend>Link to a key in the inventory (optional)</legend>
          <div className="form-row">
            <Field label="Connection">
              <select
                value={linkConnection}
                onChange={(event) => {
                  setLinkConnection(event.target.value);
                  setLinkKey('');
                }}
              >
                <option value="">not linked</option>
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {isolate(c.name)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Key">
              <select value={linkKey} onChange={(event) => setLinkKey(event.target.value)} disabled={!linkConnection}>
                <option value="">choose a key</option>
                {candidates.map((k) => (
                  <option key={k.id} value={k.id}>
                    {isolate(k.localLabel ?? (k.name || k.id))}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          {linkConnection ? (
            <input className="search-input" aria-label="Find a key" placeholder="Find a key by name" value={linkQuery} onChange={(event) => setLinkQuery(event.target.value)} />
          ) : null}
        </fieldset>
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {entry ? 'Save' : 'Add to vault'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function VaultDeleteDialog({ entry }: { entry: VaultEntryView }) {
  const { close, loadVault, notify } = useApp(useShallow((s) => ({ close: s.close, loadVault: s.loadVault, notify: s.notify })));
  return (
    <Modal
      title={`Delete “${isolate(visibleName(entry.name))}” from your vault?`}
      onRequestClose={close}
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Keep it
          </button>
          <button
            type="button"
            className="button danger"
            onClick={() =>
              void api.vault
                .remove({ id: entry.id })
                .then(() => loadVault())
                .then(close, (error: unknown) => notify('error', 'Could not delete the entry', asCallError(error).message))
            }
          >
            Delete entry
          </button>
        </>
      }
    >
      <p>
        The secret of <CheckedName name={entry.name} /> is removed from the OS keychain. The key itself keeps working wherever it is used.
      </p>
      <HiddenCharactersWarning names={[entry.name]} />
    </Modal>
  );
}

/**
 * The file is read here and its text handed to the core, which reads it with dotenv's parser and
 * answers names and line numbers only; the values go from the core to the keychain, sealed.
 */
export function VaultImportDialog() {
  const { close, loadVault } = useApp(useShallow((s) => ({ close: s.close, loadVault: s.loadVault })));
  const [text, setText] = useState<string | null>(null);
  const [variables, setVariables] = useState<Array<{ name: string; line: number; empty: boolean }>>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [service, setService] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<number | null>(null);

  async function pick(file: File | undefined) {
    setError(null);
    setVariables([]);
    setText(null);
    if (!file) return;
    const content = await file.text();
    try {
      const parsed = await api.vault.parseEnv({ text: content });
      setText(content);
      setVariables(parsed.variables);
      setChosen(new Set(parsed.variables.filter((v) => !v.empty).map((v) => v.name)));
      setService(file.name);
    } catch (failure) {
      setError(asCallError(failure).message);
    }
  }

  async function importChosen() {
    if (text === null) return;
    try {
      const { imported } = await api.vault.importEnv({ text, service: service || '.env', tags: ['imported'], names: variables.filter((v) => chosen.has(v.name)).map((v) => v.name) });
      setDone(imported);
      setText(null);
      setVariables([]);
      await loadVault();
    } catch (failure) {
      setError(asCallError(failure).message);
    }
  }

  const toggle = (name: string) =>
    setChosen((set) => {
      const next = new Set(set);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  return (
    <Modal title="Import from a .env file" onRequestClose={close} width="wide">
      {error ? (
        <div className="form-error" role="alert">
          {error}
        </div>
      ) : null}
      {done !== null ? (
        <p role="status">
          Imported {done} {done === 1 ? 'entry' : 'entries'} into your vault.
        </p>
      ) : (
        <>
          <Field label=".env file" hint="Read as dotenv reads it: quoted values over several lines, export prefixes, comments. A line it cannot read is refused, with its number.">
            <input type="file" accept=".env,text/plain" onChange={(event) => void pick(event.target.files?.[0])} />
          </Field>
          {variables.length > 0 ? (
            <fieldset className="choice-set">
              <legend>
                Variables to import ({chosen.size} of {variables.length})
              </legend>
              <div className="check-list one-column">
                {variables.map((variable) => (
                  <label key={variable.name} className="check">
                    <input type="checkbox" checked={chosen.has(variable.name)} disabled={variable.empty} onChange={() => toggle(variable.name)} />
                    <code>{variable.name}</code> <span className="muted">{variable.empty ? '(empty)' : '= ••••••'} · line {variable.line}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          ) : null}
        </>
      )}
      <div className="form-actions">
        <button type="button" className="button" onClick={close}>
          {done !== null ? 'Close' : 'Cancel'}
        </button>
        {done === null ? (
          <button type="button" className="button primary" disabled={chosen.size === 0 || variables.length === 0} onClick={() => void importChosen()}>
            Import {chosen.size} {chosen.size === 1 ? 'variable' : 'variables'}
          </button>
        ) : null}
      </div>
    </Modal>
  );
}

export function VaultUnlockDialog() {
  const { close, vault } = useApp(useShallow((s) => ({ close: s.close, vault: s.vault })));
  return (
    <Modal title="Unlock the vault" onRequestClose={close}>
      {vault ? <UnlockForm status={vault} /> : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={close}>
          Keep locked
        </button>
      </div>
    </Modal>
  );
}
