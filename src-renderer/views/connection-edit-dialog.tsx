// Editing a connection: rename and recolour at once, or reconnect — a new credential, address, CA
// or credential kind, verified by the core against the organization the connection manages before
// it replaces anything. The cached inventory, its history and the journal stay.
import { useState, type FormEvent } from 'react';
import type { ChannelInput, ConnectionView } from '../../src-preload/contract.ts';
import type { CallError } from '../app/bridge.ts';
import { withScheme } from '../app/url.ts';
import { Field } from '../components/field.tsx';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';
import { CaField, CredentialFields, CredentialKindField, credentialInput, EMPTY_CREDENTIAL, fieldError, newAttempt, UrlField, Verifying, type CredentialDraft } from './connection-fields.tsx';
import { isolate, Name } from '../components/name.tsx';

export function EditConnectionDialog({ connection, reconnect }: { connection: ConnectionView; reconnect: boolean }) {
  const close = useApp((s) => s.close);
  const updateConnection = useApp((s) => s.updateConnection);
  const backend = useApp((s) => s.backends.find((b) => b.kind === connection.kind));
  const currentKind = connection.readOnly ? 'api-key' : backend?.credential.kinds?.[0]?.id;
  const [name, setName] = useState(connection.name);
  const [color, setColor] = useState(connection.color);
  const [baseUrl, setBaseUrl] = useState(connection.baseUrl);
  const [credential, setCredential] = useState<CredentialDraft>(EMPTY_CREDENTIAL);
  const [credentialKind, setCredentialKind] = useState(currentKind);
  const [caPem, setCaPem] = useState('');
  const [removeCa, setRemoveCa] = useState(false);
  const [attempt, setAttempt] = useState<ReturnType<typeof newAttempt> | null>(null);
  const [error, setError] = useState<CallError | null>(null);
  const organization = connection.organization?.name ?? connection.target?.name ?? connection.account?.name ?? connection.name;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { url } = withScheme(baseUrl);
    setBaseUrl(url);
    const newCredential = credentialInput(backend, credential);
    const input: ChannelInput<'connections.update'> = { connectionId: connection.id };
    if (name.trim() && name.trim() !== connection.name) input.name = name.trim();
    if (color !== connection.color) input.color = color;
    if (url !== connection.baseUrl) input.baseUrl = url;
    if (newCredential) input.credential = newCredential;
    if (removeCa) input.caPem = null;
    else if (caPem.trim()) input.caPem = caPem.trim();
    if (credentialKind !== currentKind) input.credentialKind = credentialKind;
    const verifies = input.baseUrl !== undefined || input.credential !== undefined || input.caPem !== undefined || input.credentialKind !== undefined;
    if (reconnect && !newCredential) {
      setError({ kind: 'validation', message: 'Enter the new credential.', fields: { credential: 'Required to reconnect.' } });
      return;
    }
    const started = verifies ? newAttempt(url) : null;
    if (started) input.attemptId = started.id;
    setAttempt(started);
    setError(null);
    const failure = await updateConnection(input);
    setAttempt(null);
    if (failure && failure.kind !== 'cancelled') setError(failure);
  }

  return (
    <Modal title={reconnect ? `Reconnect “${isolate(connection.name)}”` : `Edit “${isolate(connection.name)}”`} onRequestClose={close} width="wide">
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={attempt !== null}>
        {error ? (
          <div className="form-error" role="alert">
            {error.message}
          </div>
        ) : null}
        <p className="form-note">
          {reconnect ? 'Enter a new credential for ' : 'This connection manages '}
          <strong>
            <Name>{organization}</Name>
          </strong>
          . A new credential, address or certificate is first verified against that same organization; only then does it replace the
          stored one. The cached inventory, its history and the action journal stay as they are.
        </p>
        {reconnect ? null : (
          <div className="form-row">
            <Field label="Display name" error={fieldError(error, 'name')}>
              <input value={name} onChange={(event) => setName(event.target.value)} maxLength={512} autoComplete="off" required />
            </Field>
            <Field label="Colour" hint="The dot beside the connection’s name and keys.">
              <input type="color" value={color} onChange={(event) => setColor(event.target.value)} className="color-input" />
            </Field>
          </div>
        )}
        <UrlField backend={backend} value={baseUrl} onChange={setBaseUrl} error={fieldError(error, 'baseUrl')} />
        <CredentialKindField backend={backend} value={credentialKind} onChange={setCredentialKind} />
        <CredentialFields
          backend={backend}
          draft={credential}
          onChange={setCredential}
          error={error}
          keepHint={reconnect ? undefined : 'Leave empty to keep the current credential.'}
        />
        <CaField value={caPem} onChange={setCaPem} error={fieldError(error, 'caPem')} hasCustomCa={connection.hasCustomCa} remove={connection.hasCustomCa ? { checked: removeCa, onChange: setRemoveCa } : undefined} />
        <Verifying attempt={attempt} />
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={attempt !== null}>
            {attempt ? 'Verifying…' : reconnect ? 'Verify and reconnect' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
