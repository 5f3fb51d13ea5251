// The one-time reveal: reads the secret from its slot once, lets the user copy it, and asks before
// closing while the secret was never copied. The secret lives only in this component's state.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RevealView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { Banner } from '../components/banner.tsx';
import { Icon } from '../components/icons.tsx';
import { isolate, Name } from '../components/name.tsx';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';
import { useShallow } from 'zustand/react/shallow';
import { UnlockForm, VaultSetup } from './vault-lock-screens.tsx';
import './reveal-dialog.css';

// A slot can be read once; React's development double-mount must not spend that read twice.
const reads = new Map<string, Promise<RevealView>>();
const takeOnce = (slotId: string) => {
  let read = reads.get(slotId);
  if (!read) {
    read = api.reveal.take({ slotId });
    reads.set(slotId, read);
  }
  return read;
};

/** Reads a slot once and tracks what was copied. `forget` drops the secret from memory. */
export function useOneTimeReveal(slotId: string | null) {
  const [view, setView] = useState<RevealView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<Record<string, number>>({});
  const [remaining, setRemaining] = useState<number | null>(null);
  /** Kept in the user's vault: closing without copying loses nothing then. */
  const [saved, setSaved] = useState<string | null>(null);
  const secretsUncopied = view && !saved ? view.fields.some((f) => f.secret && copied[f.label] === undefined) : false;

  // The secret stays on screen for a bounded time, then this window clears it.
  useEffect(() => {
    if (!view) return;
    const tick = () => {
      const left = view.clearsAt - Date.now();
      if (left <= 0) {
        // Not copied or saved yet: the keychain keeps it, to be shown again from "unseen secrets".
        if (slotId) void api.reveal.done({ slotId, seen: !secretsUncopied }).catch(() => undefined);
        setView(null);
        setRemaining(null);
        setError('The secret was cleared from this window when its time was up.');
      } else setRemaining(left);
    };
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [view, slotId, secretsUncopied]);

  useEffect(() => {
    if (!slotId) return;
    let live = true;
    takeOnce(slotId).then(
      (result) => {
        if (!live) return;
        setView(result);
        setRemaining(result.clearsAt - Date.now());
      },
      (failure: unknown) => live && setError(asCallError(failure).message),
    );
    return () => {
      live = false;
    };
  }, [slotId]);

  /** Copies on their way through the core: a close asked for meanwhile waits for them. */
  const inflight = useRef(new Set<Promise<string | null>>());
  /** Copies a field; resolves to its label once it is in the clipboard, or null if it failed. */
  const copy = useCallback((label: string, value: string): Promise<string | null> => {
    const landed = api.clipboard.writeSecret({ text: value }).then(
      ({ clearsAt }) => {
        setCopied((c) => ({ ...c, [label]: clearsAt }));
        return label;
      },
      (failure: unknown) => {
        setError(asCallError(failure).message);
        return null;
      },
    );
    inflight.current.add(landed);
    void landed.finally(() => inflight.current.delete(landed));
    return landed;
  }, []);
  /** Whether a copy is still on its way (read when the user asks to close, not while rendering). */
  const copying = useCallback(() => inflight.current.size > 0, []);
  /** The labels the copies still on their way put in the clipboard, once they all landed. */
  const copiesLanded = useCallback(async () => (await Promise.all([...inflight.current])).filter((label): label is string => label !== null), []);

  /** The user is done with the secret: the keychain lets it go. */
  const forget = useCallback(() => {
    if (slotId) {
      reads.delete(slotId);
      void api.reveal.done({ slotId, seen: true }).catch(() => undefined);
    }
    setView(null);
  }, [slotId]);

  return { view, error, copied, copy, copying, copiesLanded, forget, secretsUncopied, remaining, saved, setSaved };
}

function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** The revealed fields with their copy buttons. */
export function RevealFields({ reveal, keyLabel }: { reveal: ReturnType<typeof useOneTimeReveal>; keyLabel: string }) {
  const { view, error, copied, copy, remaining } = reveal;
  const clearSeconds = useApp((s) => s.settings?.values.clipboardClearSeconds);
  return (
    <>
      {error ? (
        <Banner tone="error" title="The secret cannot be shown">
          {error}
        </Banner>
      ) : null}
      {view ? (
        <div className="reveal">
          {/* A regenerated secret's title already says what it is ("New secret for “x”"). */}
          <p className="reveal-lead">
            <strong>
              <Name>{view.title || keyLabel}</Name>
            </strong>
            {view.event === 'regenerated' ? '' : ' was created'}. {view.note}
          </p>
          {view.fields.map((field) => (
            <div key={field.label} className={`reveal-field${field.secret ? ' secret' : ''}`}>
              <div className="reveal-label">
                {field.label}
                {field.secret ? <span className="once-badge">shown once</span> : null}
              </div>
              <div className="reveal-value-row">
                <code className="reveal-value" data-testid={`reveal-${field.label}`}>
                  {field.value}
                </code>
                <button
                  type="button"
                  className={`button${copied[field.label] ? ' success' : ''}`}
                  onClick={() => void copy(field.label, field.value)}
                  aria-label={`Copy ${field.label}${copied[field.label] ? ', copied' : ''}`}
                >
                  <Icon name={copied[field.label] ? 'check' : 'copy'} /> {copied[field.label] ? 'Copied' : 'Copy'}
                </button>
              </div>
            </div>
          ))}
          {Object.keys(copied).length > 0 ? (
            <p className="form-note">
              The clipboard is cleared {clearSeconds ?? 30} seconds after copying, unless you copy something else first.
            </p>
          ) : null}
          <SaveToVault reveal={reveal} keyLabel={keyLabel} />
          <p className="countdown" aria-live="off">
            Cleared from this window in <time>{remaining === null ? '' : formatCountdown(remaining)}</time>
          </p>
        </div>
      ) : !error ? (
        <p className="muted">Reading the secret…</p>
      ) : null}
    </>
  );
}

/**
 * Keeps the revealed secret in the user's vault, linked to its key. After a rotation, a vault entry
 * linked to the old key is offered an update instead of a second entry.
 */
function SaveToVault({ reveal, keyLabel }: { reveal: ReturnType<typeof useOneTimeReveal>; keyLabel: string }) {
  const { view, saved, setSaved } = reveal;
  const { entries, connections, loadVault, vault } = useApp(
    useShallow((s) => ({ entries: s.vaultEntries, connections: s.connections, loadVault: s.loadVault, vault: s.vault })),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The vault is closed: it opens right here (a passphrase to set, or to type), the secret still on screen.
  const [opening, setOpening] = useState(false);
  if (!view) return null;
  if (opening && vault && (vault.passphrase === 'unset' || vault.locked)) {
    return (
      <div className="vault-offer vault-offer-open">
        {vault.passphrase === 'unset' ? <VaultSetup status={vault} compact /> : <UnlockForm status={vault} autoFocus={false} />}
      </div>
    );
  }
  const closed = vault !== null && (vault.passphrase === 'unset' || vault.locked);
  const source = view.source;
  const connection = source ? connections.find((c) => c.id === source.connectionId) : undefined;
  const linked = source
    ? entries.filter((e) => e.link?.connectionId === source.connectionId && (e.link.keyId === source.keyId || (source.replacesKeyId !== null && e.link.keyId === source.replacesKeyId)))
    : [];
  const fields = view.fields.map(({ label, value, secret }) => ({ label, value, secret }));
  const link = source ? { connectionId: source.connectionId, keyId: source.keyId } : undefined;
  // "ci-runner · Sandbox Rancher"; the reveal's own title when the key's name is not known here.
  const keyName = keyLabel && keyLabel !== source?.keyId && keyLabel !== 'the new key' ? keyLabel : view.title;
  const entryName = (connection ? `${keyName} · ${connection.name}` : keyName).slice(0, 200);

  async function run(action: () => Promise<{ name: string }>, verb: string) {
    setBusy(true);
    setError(null);
    try {
      const entry = await action();
      setSaved(`${verb} “${isolate(entry.name)}” in your vault.`);
      await loadVault();
    } catch (failure) {
      setError(asCallError(failure).message);
    } finally {
      setBusy(false);
    }
  }

  if (saved) {
    return (
      <p className="form-note vault-saved" role="status">
        <Icon name="lock" size={14} /> {saved}
      </p>
    );
  }
  if (closed) {
    return (
      <div className="vault-offer">
        <button type="button" className="button" onClick={() => setOpening(true)}>
          <Icon name="lock" /> Save to my vault…
        </button>
        <span className="muted">{vault.passphrase === 'unset' ? 'Your vault needs a passphrase first.' : 'Your vault is locked: unlock it to save.'}</span>
      </div>
    );
  }
  return (
    <div className="vault-offer">
      {linked.map((entry) => (
        <button
          key={entry.id}
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void run(
              () =>
                api.vault.update({
                  id: entry.id,
                  name: entry.name,
                  service: entry.service,
                  url: entry.url ?? undefined,
                  notes: entry.notes ?? undefined,
                  expiresAt: entry.expiresAt ?? undefined,
                  tags: entry.tags,
                  link: link ?? null,
                  fields,
                }),
              'Updated',
            )
          }
        >
          <Icon name="lock" /> Update “{isolate(entry.name)}” in my vault
        </button>
      ))}
      {linked.length === 0 ? (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() =>
            void run(
              () => api.vault.add({ name: entryName, service: connection?.kind ?? 'other', url: connection?.baseUrl, fields, link }),
              'Saved',
            )
          }
        >
          <Icon name="lock" /> Save to my vault
        </button>
      ) : null}
      {error ? (
        <span className="form-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** Asks before a secret that was never copied is closed away for good. */
export function ConfirmUncopied({ onBack, onClose }: { onBack: () => void; onClose: () => void }) {
  return (
    <div className="confirm-close" role="alertdialog" aria-labelledby="confirm-close-title">
      <p id="confirm-close-title">
        <strong>You have not copied the secret.</strong> Once this dialog closes, Keyfleet cannot show it again; you would
        have to create a new key.
      </p>
      <div className="form-actions">
        <button type="button" className="button" onClick={onBack} autoFocus>
          Go back
        </button>
        <button type="button" className="button danger" onClick={onClose}>
          Close without copying
        </button>
      </div>
    </div>
  );
}

export function RevealDialog({ slotId, keyLabel }: { slotId: string; keyLabel: string }) {
  const closeModal = useApp((s) => s.close);
  const reveal = useOneTimeReveal(slotId);
  const [confirming, setConfirming] = useState(false);
  /** Done was asked for while a copy was still on its way: decided once it lands. */
  const [closing, setClosing] = useState(false);
  const { forget, secretsUncopied, copying, copiesLanded, view, saved, copied } = reveal;

  const finish = useCallback(() => {
    forget();
    closeModal();
  }, [forget, closeModal]);

  const requestClose = useCallback(() => {
    if (!copying()) {
      if (secretsUncopied) setConfirming(true);
      else finish();
      return;
    }
    setClosing(true);
    void copiesLanded().then((landed) => {
      setClosing(false);
      const done = new Set([...Object.keys(copied), ...landed]);
      if (view && !saved && view.fields.some((f) => f.secret && !done.has(f.label))) setConfirming(true);
      else finish();
    });
  }, [copying, secretsUncopied, finish, copiesLanded, copied, view, saved]);

  return (
    <Modal title="Copy your new key now" onRequestClose={requestClose} width="wide">
      <RevealFields reveal={reveal} keyLabel={keyLabel} />
      {/* A copy that lands while the question is open answers it: the question goes. */}
      {confirming && secretsUncopied ? (
        <ConfirmUncopied onBack={() => setConfirming(false)} onClose={finish} />
      ) : (
        <div className="form-actions">
          <button type="button" className="button primary" onClick={requestClose} disabled={closing} aria-busy={closing}>
            Done
          </button>
        </div>
      )}
    </Modal>
  );
}
