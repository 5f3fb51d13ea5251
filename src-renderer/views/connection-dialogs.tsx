// Adding and removing a connection.
import { useId, useState, type FormEvent } from 'react';
import type { ConnectionView, ProviderKind } from '../../src-preload/contract.ts';
import type { CallError } from '../app/bridge.ts';
import { hostOf } from '../app/format.ts';
import { Field } from '../components/field.tsx';
import { Modal } from '../components/modal.tsx';
import { CheckedName, HiddenCharactersWarning, isolate, visibleName } from '../components/name.tsx';
import { useApp } from '../state/store.ts';
import './connection-dialogs.css';

/** `backend` preselects a backend kind (the welcome screen's "add a … connection"). */
export function AddConnectionDialog(props: { backend?: ProviderKind }) {
  const close = useApp((s) => s.close);
  const addConnection = useApp((s) => s.addConnection);
  const backends = useApp((s) => s.backends);
  const [kind, setKind] = useState<ProviderKind>(props.backend ?? backends.find((b) => b.supported)?.kind ?? 'rancher');
  const backend = backends.find((b) => b.kind === kind);
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [accessKey, setAccessKey] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [token, setToken] = useState('');
  const [credentialKind, setCredentialKind] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const [caPem, setCaPem] = useState('');
  const [options, setOptions] = useState<Record<string, boolean>>({});
  const [acceptPlainHttp, setAcceptPlainHttp] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const [choices, setChoices] = useState<CallError['choices']>(undefined);

  const fieldError = (...names: string[]) => names.map((n) => error?.fields?.[n]).find(Boolean);
  const labels = backend?.credential.labels ?? {};
  const keyPair = backend?.credential.type !== 'token';
  const kinds = backend?.credential.kinds;
  const chosenKind = credentialKind ?? kinds?.[0]?.id;
  // The core decides (it refuses plain http to another machine until the risk is accepted); the
  // form asks up front where the address is plainly not this machine.
  const plainHttp = error?.fields?.acceptPlainHttp !== undefined || (/^\s*http:/i.test(baseUrl) && !/^\s*http:\/\/(localhost|127\.|\[::1\])/i.test(baseUrl));

  function pickBackend(next: ProviderKind) {
    setKind(next);
    setChoices(undefined);
    setTarget('');
    setCredentialKind(null);
    setOptions({});
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitting(true);
    setError(null);
    const url = baseUrl.trim();
    const failure = await addConnection({
      kind,
      name: name.trim() || hostOf(url) || backend?.displayName || 'Connection',
      baseUrl: url,
      credential: keyPair ? { type: 'key-pair', accessKey: accessKey.trim(), secretKey } : { type: 'token', token: token.trim() },
      caPem: caPem.trim() ? caPem.trim() : undefined,
      target: choices && target ? target : undefined,
      credentialKind: kinds ? chosenKind : undefined,
      options: Object.values(options).some(Boolean) ? Object.fromEntries(Object.entries(options).filter(([, on]) => on)) : undefined,
      acceptPlainHttp: plainHttp && acceptPlainHttp ? true : undefined,
    });
    setSubmitting(false);
    if (failure) {
      setError(failure);
      if (failure.choices) {
        setChoices(failure.choices);
        setTarget(failure.choices[0]?.id ?? '');
      }
    }
  }

  return (
    <Modal title="Add a connection" onRequestClose={close} width="wide">
      <form className="form" onSubmit={(event) => void submit(event)} aria-busy={submitting}>
        {error && !error.choices ? (
          <div className="form-error" role="alert">
            {/* The contract's own wording names the channel and the field path; the field says it better. */}
            {error.fields && /^Invalid input for /.test(error.message) ? 'Check the field marked below.' : error.message}
          </div>
        ) : null}
        <Field label="Backend" hint={backend?.credential.hint}>
          <select value={kind} onChange={(event) => pickBackend(event.target.value as ProviderKind)}>
            {backends.map((b) => (
              <option key={b.kind} value={b.kind} disabled={!b.supported}>
                {b.displayName}
                {b.supported ? '' : ' — not supported yet'}
              </option>
            ))}
          </select>
        </Field>
        <div className="form-row">
          <Field label="Display name" optional hint="Shown in the sidebar. Defaults to the server's host name.">
            <input value={name} onChange={(event) => setName(event.target.value)} maxLength={512} autoComplete="off" />
          </Field>
          <Field label="Server URL" error={fieldError('baseUrl')} hint={backend?.baseUrl.hint}>
            <input
              value={baseUrl}
              onChange={(event) => setBaseUrl(event.target.value)}
              placeholder={backend?.baseUrl.placeholder ?? 'https://'}
              required
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
            />
          </Field>
        </div>
        {plainHttp ? (
          <div className="plain-http-warning" role="group" aria-labelledby="plain-http-title">
            <p id="plain-http-title">
              <strong>Plain http is not encrypted.</strong> The connection’s credential and every answer would cross the network readable and
              changeable by anyone on the way. Use an https address if the server has one.
            </p>
            <label className="check">
              <input type="checkbox" checked={acceptPlainHttp} onChange={(event) => setAcceptPlainHttp(event.target.checked)} />
              I accept this risk for this connection
            </label>
            {fieldError('acceptPlainHttp') ? (
              <p className="field-error" role="alert">
                {fieldError('acceptPlainHttp')}
              </p>
            ) : null}
          </div>
        ) : null}
        {backend && backend.baseUrl.presets.length > 0 ? (
          <div className="presets" role="group" aria-label="Regions">
            {backend.baseUrl.presets.map((preset) => (
              <button
                key={preset.id}
                type="button"
                className={`chip${baseUrl === preset.id ? ' selected' : ''}`}
                aria-pressed={baseUrl === preset.id}
                onClick={() => setBaseUrl(preset.id)}
              >
                {preset.label}
              </button>
            ))}
          </div>
        ) : null}
        {kinds ? (
          <Field label="Credential" hint={kinds.find((k) => k.id === chosenKind)?.hint}>
            <select value={chosenKind} onChange={(event) => setCredentialKind(event.target.value)}>
              {kinds.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.label}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        {keyPair ? (
          <div className="form-row">
            <Field label={labels.accessKey ?? 'Access key'} error={fieldError('credential.accessKey', 'accessKey', 'credential')}>
              <input value={accessKey} onChange={(event) => setAccessKey(event.target.value)} required autoComplete="off" spellCheck={false} className="mono" />
            </Field>
            <Field label={labels.secretKey ?? 'Secret key'} error={fieldError('credential.secretKey', 'secretKey')} hint="Stored only in your OS keychain.">
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
        ) : (
          <Field label={labels.token ?? 'Token'} error={fieldError('credential.token', 'token', 'credential')} hint="Stored only in your OS keychain.">
            <input type="password" value={token} onChange={(event) => setToken(event.target.value)} required autoComplete="off" spellCheck={false} className="mono" />
          </Field>
        )}
        {choices ? (
          <Field label={`${capitalise(backend?.targetLabel ?? 'organization')}`} hint={error?.message} error={undefined}>
            <select value={target} onChange={(event) => setTarget(event.target.value)}>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <details className="advanced" open={Object.values(options).some(Boolean) || undefined}>
          <summary>Advanced: {backend?.options?.length ? 'how to reach the server, ' : ''}private certificate authority</summary>
          {backend?.options?.map((option) => (
            <Switch
              key={option.id}
              label={option.label}
              hint={option.hint}
              checked={options[option.id] === true}
              onChange={(on) => setOptions((o) => ({ ...o, [option.id]: on }))}
            />
          ))}
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
          <button type="submit" className="button primary" disabled={submitting || !backend?.supported}>
            {submitting ? 'Verifying…' : 'Connect'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** A connection switch with its explanation, read out with it. */
function Switch(props: { label: string; hint: string; checked: boolean; onChange: (on: boolean) => void }) {
  const id = useId();
  return (
    <div className="switch">
      <label className="check">
        <input type="checkbox" checked={props.checked} aria-describedby={`${id}-hint`} onChange={(event) => props.onChange(event.target.checked)} />
        {props.label}
      </label>
      <p className="field-hint" id={`${id}-hint`}>
        {props.hint}
      </p>
    </div>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function RemoveConnectionDialog({ connection }: { connection: ConnectionView }) {
  const close = useApp((s) => s.close);
  const removeConnection = useApp((s) => s.removeConnection);
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      title={`Remove “${isolate(visibleName(connection.name))}”?`}
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
        Keyfleet forgets <CheckedName name={connection.name} />: its credential is deleted from the OS keychain and its cached
        inventory from this computer. A sync of it still running is cancelled. Nothing changes on the backend; its keys keep working.
      </p>
      <HiddenCharactersWarning names={[connection.name]} />
    </Modal>
  );
}
