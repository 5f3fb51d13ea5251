// Adding and removing a connection.
import { useState, type FormEvent } from 'react';
import type { ConnectionView, ProviderKind } from '../../src-preload/contract.ts';
import type { CallError } from '../app/bridge.ts';
import { kindLabel, PROVIDER_KIND_ORDER } from '../app/format.ts';
import { Field } from '../components/field.tsx';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';

/** Backends this build can talk to; the others are listed so the user knows they are coming. */
const AVAILABLE: ProviderKind[] = ['rancher'];

const HINTS: Record<ProviderKind, string> = {
  rancher: 'An account API key (access key + secret key) from API → Keys in Rancher. Environment keys work too, for one environment.',
  envzero: 'An organization API key (key id + secret).',
  langwatch: 'An organization key (sk-lw-…).',
  onyx: 'An admin API key.',
  deepset: 'A user access token (API keys can list but not manage keys).',
};

export function AddConnectionDialog() {
  const close = useApp((s) => s.close);
  const addConnection = useApp((s) => s.addConnection);
  const [kind, setKind] = useState<ProviderKind>('rancher');
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [accessKey, setAccessKey] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [caPem, setCaPem] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<CallError | null>(null);

  const fieldError = (...names: string[]) => names.map((n) => error?.fields?.[n]).find(Boolean);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    const failure = await addConnection({
      kind,
      name: name.trim() || (() => {
        try {
          return new URL(baseUrl).host;
        } catch {
          return 'Connection';
        }
      })(),
      baseUrl: baseUrl.trim(),
      credential: { type: 'key-pair', accessKey: accessKey.trim(), secretKey },
      caPem: caPem.trim() ? caPem.trim() : undefined,
    });
    setSubmitting(false);
    if (failure) setError(failure);
  }

  return (
    <Modal title="Add a connection" onRequestClose={close} width="wide">
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={submitting}>
        {error ? (
          <div className="form-error" role="alert">
            {error.message}
          </div>
        ) : null}
        <Field label="Backend" hint={HINTS[kind]}>
          <select value={kind} onChange={(event) => setKind(event.target.value as ProviderKind)}>
            {PROVIDER_KIND_ORDER.map((k) => (
              <option key={k} value={k} disabled={!AVAILABLE.includes(k)}>
                {kindLabel(k)}
                {AVAILABLE.includes(k) ? '' : ' — not supported yet'}
              </option>
            ))}
          </select>
        </Field>
        <div className="form-row">
          <Field label="Display name" optional hint="Shown in the sidebar. Defaults to the server's host name.">
            <input value={name} onChange={(event) => setName(event.target.value)} maxLength={512} autoComplete="off" />
          </Field>
          <Field label="Server URL" error={fieldError('baseUrl')} hint="For example https://rancher.example.com">
            <input
              value={baseUrl}
              onChange={(event) => setBaseUrl(event.target.value)}
              placeholder="https://"
              required
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
        </div>
        <div className="form-row">
          <Field label="Access key" error={fieldError('credential.accessKey', 'accessKey', 'credential')}>
            <input
              value={accessKey}
              onChange={(event) => setAccessKey(event.target.value)}
              required
              autoComplete="off"
              spellCheck={false}
              className="mono"
            />
          </Field>
          <Field label="Secret key" error={fieldError('credential.secretKey', 'secretKey')} hint="Stored only in your OS keychain.">
            <input
              type="password"
              value={secretKey}
              onChange={(event) => setSecretKey(event.target.value)}
              required
              autoComplete="off"
              spellCheck={false}
              className="mono"
            />
          </Field>
        </div>
        <details className="advanced">
          <summary>Advanced: private certificate authority</summary>
          <Field
            label="CA certificate (PEM)"
            optional
            error={fieldError('caPem')}
            hint="Only if the server's TLS certificate is signed by your organization's own CA."
          >
            <textarea
              value={caPem}
              onChange={(event) => setCaPem(event.target.value)}
              rows={4}
              spellCheck={false}
              className="mono"
              placeholder="-----BEGIN CERTIFICATE-----"
            />
          </Field>
        </details>
        <div className="form-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={submitting}>
            {submitting ? 'Verifying…' : 'Connect'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function RemoveConnectionDialog({ connection }: { connection: ConnectionView }) {
  const close = useApp((s) => s.close);
  const removeConnection = useApp((s) => s.removeConnection);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      title={`Remove “${connection.name}”?`}
      onRequestClose={close}
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            Keep it
          </button>
          <button
            type="button"
            className="button danger"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void removeConnection(connection.id).finally(() => setBusy(false));
            }}
          >
            Remove connection
          </button>
        </>
      }
    >
      <p>
        Keyfleet forgets this connection: its credential is deleted from the OS keychain and its cached inventory from
        this computer. Nothing changes on the backend; its keys keep working.
      </p>
    </Modal>
  );
}
