// Creating, editing and deleting a key. The create form is built from the backend's
// capabilities; backend field errors land on the matching fields.
import { useMemo, useState, type FormEvent } from 'react';
import type { ConnectionView, KeyView, ScopeView } from '../../src-preload/contract.ts';
import type { CallError } from '../app/bridge.ts';
import { Field } from '../components/field.tsx';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';

const NO_SCOPES: ScopeView[] = [];

export function CreateKeyDialog({ connection, initialScopeId }: { connection: ConnectionView; initialScopeId: string | null }) {
  const close = useApp((s) => s.close);
  const createKey = useApp((s) => s.createKey);
  const scopes = useApp((s) => s.scopes[connection.id] ?? NO_SCOPES);
  const form = connection.capabilities.createForm;
  const creatableScopes = useMemo(
    () => scopes.filter((scope) => form.types.some((t) => t.scopeKinds.includes(scope.kind))),
    [scopes, form.types],
  );
  const [scopeId, setScopeId] = useState(
    creatableScopes.find((s) => s.id === initialScopeId)?.id ?? creatableScopes[0]?.id ?? '',
  );
  const scope = creatableScopes.find((s) => s.id === scopeId);
  const types = form.types.filter((t) => scope && t.scopeKinds.includes(scope.kind));
  const [chosenType, setChosenType] = useState<string | null>(null);
  const type = types.find((t) => t.id === chosenType) ?? types[0];
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<CallError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!scope || !type) return;
    setSubmitting(true);
    setError(null);
    const failure = await createKey({
      connectionId: connection.id,
      scopeId: scope.id,
      type: type.id,
      name: name.trim(),
      description: description.trim() || undefined,
    });
    setSubmitting(false);
    if (failure) setError(failure);
  }

  return (
    <Modal title="Create a key" onRequestClose={close} width="wide">
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={submitting}>
        {error ? (
          <div className="form-error" role="alert">
            {error.message}
          </div>
        ) : null}
        <div className="form-row">
          <Field label="Where" error={error?.fields?.scopeId}>
            <select value={scopeId} onChange={(event) => setScopeId(event.target.value)}>
              {creatableScopes.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Type" hint={type?.hint} error={error?.fields?.type}>
            <select value={type?.id ?? ''} onChange={(event) => setChosenType(event.target.value)} disabled={types.length < 2}>
              {types.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field label="Name" optional={!form.name.required} error={error?.fields?.name} hint="Say where the key is used, so the next person knows what breaks if it goes.">
          <input
            value={name}
            onChange={(event) => setName(event.target.value)}
            required={form.name.required}
            maxLength={form.name.maxLength + 1}
            autoComplete="off"
            placeholder="e.g. ci-deploy"
          />
        </Field>
        {form.description.supported && (
          <Field label="Description" optional error={error?.fields?.description}>
            <textarea value={description} onChange={(event) => setDescription(event.target.value)} rows={2} />
          </Field>
        )}
        <p className="form-note">The secret is shown once, right after the backend creates the key.</p>
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={submitting || !scope || !type}>
            {submitting ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function EditKeyDialog({ keyView, connection }: { keyView: KeyView; connection: ConnectionView }) {
  const close = useApp((s) => s.close);
  const updateKey = useApp((s) => s.updateKey);
  const form = connection.capabilities.createForm;
  const [name, setName] = useState(keyView.name);
  const [description, setDescription] = useState(keyView.description ?? '');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<CallError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    const failure = await updateKey({
      connectionId: keyView.connectionId,
      keyId: keyView.id,
      name: name.trim(),
      description: description.trim() || null,
    });
    setSubmitting(false);
    if (failure) setError(failure);
  }

  return (
    <Modal title="Edit key" onRequestClose={close}>
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={submitting}>
        {error ? (
          <div className="form-error" role="alert">
            {error.message}
          </div>
        ) : null}
        <Field label="Name" optional={!form.name.required} error={error?.fields?.name}>
          <input value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" />
        </Field>
        {form.description.supported && (
          <Field label="Description" optional error={error?.fields?.description}>
            <textarea value={description} onChange={(event) => setDescription(event.target.value)} rows={3} />
          </Field>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={submitting}>
            {submitting ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function DeleteKeyDialog({ keyView, connection }: { keyView: KeyView; connection: ConnectionView }) {
  const close = useApp((s) => s.close);
  const deleteKey = useApp((s) => s.deleteKey);
  const label = keyView.name || keyView.id;
  const note = connection.capabilities.actions.delete.note;
  return (
    <Modal
      title={`Delete “${label}”?`}
      onRequestClose={close}
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="button" className="button danger" onClick={() => void deleteKey(keyView)}>
            Delete key
          </button>
        </>
      }
    >
      <p>Anything still using this key stops working. This cannot be undone.</p>
      {keyView.status === 'active' && note ? <p className="form-note">{note}</p> : null}
    </Modal>
  );
}
