// Editing (or labelling) and deleting a key.
import { useState, type FormEvent } from 'react';
import type { ConnectionView, KeyView } from '../../src-preload/contract.ts';
import type { CallError } from '../app/bridge.ts';
import { Field } from '../components/field.tsx';
import { Modal } from '../components/modal.tsx';
import { CheckedName, HiddenCharactersWarning, isolate, Name, visibleName } from '../components/name.tsx';
import { useApp } from '../state/store.ts';

export function EditKeyDialog({ keyView, connection }: { keyView: KeyView; connection: ConnectionView }) {
  const close = useApp((s) => s.close);
  const updateKey = useApp((s) => s.updateKey);
  const types = connection.capabilities.createForm.types;
  const type = types.find((t) => t.id === keyView.type) ?? types[0];
  // Where the backend cannot rename, the name is a label kept in Keyfleet only.
  const localOnly = connection.capabilities.actions.rename.mode === 'composed';
  const [name, setName] = useState(localOnly ? (keyView.localLabel ?? keyView.name) : keyView.name);
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
      description: localOnly ? keyView.description : description.trim() || null,
    });
    setSubmitting(false);
    if (failure) setError(failure);
  }

  return (
    <Modal title={localOnly ? 'Label key' : 'Edit key'} onRequestClose={close}>
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={submitting}>
        {error ? (
          <div className="form-error" role="alert">
            {error.message}
          </div>
        ) : null}
        {localOnly ? <p className="form-note">{connection.capabilities.actions.rename.note}</p> : null}
        <Field label={localOnly ? 'Label in Keyfleet' : 'Name'} optional={localOnly || !type?.name.required} error={error?.fields?.name}>
          <input value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" />
        </Field>
        {!localOnly && type?.description.supported && (
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
  const label = keyView.localLabel ?? (keyView.name || keyView.id);
  const note = connection.capabilities.actions.delete.note;
  return (
    <Modal
      title={`Delete “${isolate(visibleName(label))}”?`}
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
      <p>
        Key <CheckedName name={label} /> of <Name>{connection.name}</Name>. Anything still using this key stops working. This cannot be undone.
      </p>
      <HiddenCharactersWarning names={[label]} />
      {keyView.status === 'active' && note ? <p className="form-note">{note}</p> : null}
    </Modal>
  );
}
