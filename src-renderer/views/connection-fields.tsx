// The parts of a connection's form that adding and editing share: the server address (https://
// added where no scheme was typed, and shown), the credential in the backend's own words, the
// private CA, and the progress of a verification with its elapsed time and a Cancel.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { BackendInfo } from '../../src-preload/contract.ts';
import { api, type CallError } from '../app/bridge.ts';
import { withScheme } from '../app/url.ts';
import { Field } from '../components/field.tsx';
import './connection-dialogs.css';

export const fieldError = (error: CallError | null, ...names: string[]) => names.map((n) => error?.fields?.[n]).find(Boolean);

export function UrlField(props: { backend: BackendInfo | undefined; value: string; onChange: (value: string) => void; error?: string }) {
  const [added, setAdded] = useState(false);
  const complete = () => {
    const { url, added: now } = withScheme(props.value);
    if (now) props.onChange(url);
    setAdded(now || (added && url === props.value));
  };
  const hint = added ? 'https:// was added: Keyfleet talks to servers over HTTPS unless told otherwise.' : props.backend?.baseUrl.hint;
  return (
    <Field label="Server URL" error={props.error} hint={hint}>
      <input
        value={props.value}
        onChange={(event) => {
          setAdded(false);
          props.onChange(event.target.value);
        }}
        onBlur={complete}
        placeholder={props.backend?.baseUrl.placeholder ?? 'https://'}
        required
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
      />
    </Field>
  );
}

export interface CredentialDraft {
  accessKey: string;
  secretKey: string;
  token: string;
}

export const EMPTY_CREDENTIAL: CredentialDraft = { accessKey: '', secretKey: '', token: '' };

/** The credential as the contract takes it, or undefined when nothing was typed (keep the current one). */
export function credentialInput(backend: BackendInfo | undefined, draft: CredentialDraft) {
  if (backend?.credential.type === 'token') return draft.token.trim() ? { type: 'token' as const, token: draft.token.trim() } : undefined;
  return draft.accessKey.trim() || draft.secretKey ? { type: 'key-pair' as const, accessKey: draft.accessKey.trim(), secretKey: draft.secretKey } : undefined;
}

export function CredentialFields(props: {
  backend: BackendInfo | undefined;
  draft: CredentialDraft;
  onChange: (draft: CredentialDraft) => void;
  error: CallError | null;
  /** Editing: the fields may stay empty to keep the stored credential. */
  keepHint?: string;
}) {
  const { backend, draft, onChange, error } = props;
  const labels = backend?.credential.labels ?? {};
  const required = props.keepHint === undefined;
  const stored = 'Stored only in your OS keychain.';
  if (backend?.credential.type === 'token') {
    return (
      <Field label={labels.token ?? 'Token'} error={fieldError(error, 'credential.token', 'token', 'credential')} hint={props.keepHint ?? stored}>
        <input type="password" value={draft.token} onChange={(event) => onChange({ ...draft, token: event.target.value })} required={required} autoComplete="off" spellCheck={false} className="mono" />
      </Field>
    );
  }
  return (
    <div className="form-row">
      <Field label={labels.accessKey ?? 'Access key'} error={fieldError(error, 'credential.accessKey', 'accessKey', 'credential')} hint={props.keepHint}>
        <input value={draft.accessKey} onChange={(event) => onChange({ ...draft, accessKey: event.target.value })} required={required || draft.secretKey !== ''} autoComplete="off" spellCheck={false} className="mono" />
      </Field>
      <Field label={labels.secretKey ?? 'Secret key'} error={fieldError(error, 'credential.secretKey', 'secretKey')} hint={stored}>
        <input
          type="password"
          value={draft.secretKey}
          onChange={(event) => onChange({ ...draft, secretKey: event.target.value })}
          required={required || draft.accessKey !== ''}
          autoComplete="off"
          spellCheck={false}
          className="mono"
        />
      </Field>
    </div>
  );
}

export function CredentialKindField(props: { backend: BackendInfo | undefined; value: string | undefined; onChange: (kind: string) => void }) {
  const kinds = props.backend?.credential.kinds;
  if (!kinds) return null;
  return (
    <Field label="Credential" hint={kinds.find((k) => k.id === props.value)?.hint}>
      <select value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        {kinds.map((k) => (
          <option key={k.id} value={k.id}>
            {k.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Seconds since `since` (null: not running), ticking once a second. */
function useElapsed(since: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.floor((now - since) / 1000));
}

/** A verification on its way: where to, for how long so far, and a Cancel that aborts it. */
export function Verifying(props: { attempt: { id: string; host: string; since: number } | null }) {
  const elapsed = useElapsed(props.attempt?.since ?? null);
  const [cancelling, setCancelling] = useState(false);
  const { attempt } = props;
  // Closing the dialog while it verifies stops the verification too: nobody waits for it any more.
  const running = useRef<string | null>(null);
  useEffect(() => {
    running.current = attempt?.id ?? null;
  }, [attempt]);
  useEffect(
    () => () => {
      if (running.current) void api.connections.cancelVerify({ attemptId: running.current }).catch(() => undefined);
    },
    [],
  );
  if (!attempt) return null;
  return (
    <div className="verifying" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>
        Verifying with {attempt.host}… <span className="elapsed">{elapsed} s</span>
        {elapsed >= 5 ? <span className="verifying-slow"> — it is taking long; the server may not answer.</span> : null}
      </span>
      <button
        type="button"
        className="button"
        disabled={cancelling}
        onClick={() => {
          setCancelling(true);
          // A verification that ended meanwhile has nothing left to cancel: no error to show.
          void api.connections
            .cancelVerify({ attemptId: attempt.id })
            .catch(() => undefined)
            .finally(() => setCancelling(false));
        }}
      >
        Cancel verification
      </button>
    </div>
  );
}

/** A verification's id and start, kept while it runs. */
export function newAttempt(url: string): { id: string; host: string; since: number } {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // shown as typed
  }
  return { id: crypto.randomUUID(), host, since: Date.now() };
}

/** The advanced part of a connection's form: a private CA, after any backend switches (`children`, named in `lead`). */
export function CaField(props: {
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hasCustomCa?: boolean;
  remove?: { checked: boolean; onChange: (remove: boolean) => void };
  lead?: string;
  open?: boolean;
  children?: ReactNode;
}) {
  return (
    <details className="advanced" open={props.error !== undefined || props.open || undefined}>
      <summary>
        Advanced: {props.lead ? `${props.lead}, ` : ''}private certificate authority{props.hasCustomCa ? ' (one is set)' : ''}
      </summary>
      {props.children}
      <Field
        label={props.hasCustomCa ? 'Replace the CA certificate (PEM)' : 'CA certificate (PEM)'}
        optional
        error={props.error}
        hint="Only if the server's TLS certificate is signed by your organization's own CA."
      >
        <textarea
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
          rows={4}
          spellCheck={false}
          className="mono"
          placeholder="-----BEGIN CERTIFICATE-----"
          disabled={props.remove?.checked}
        />
      </Field>
      {props.remove ? (
        <label className="check">
          <input type="checkbox" checked={props.remove.checked} onChange={(event) => props.remove!.onChange(event.target.checked)} />
          Remove the private CA (trust the system’s certificate authorities only)
        </label>
      ) : null}
    </details>
  );
}
