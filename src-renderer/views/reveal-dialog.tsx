// The one-time reveal: reads the secret from its slot once, lets the user copy it, and asks before
// closing while the secret was never copied. The secret lives only in this component's state.
import { useCallback, useEffect, useState } from 'react';
import type { RevealView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { Banner } from '../components/banner.tsx';
import { Icon } from '../components/icons.tsx';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';

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

  // The secret stays on screen for a bounded time, then this window clears it.
  useEffect(() => {
    if (!view) return;
    const tick = () => {
      const left = view.clearsAt - Date.now();
      if (left <= 0) {
        setView(null);
        setRemaining(null);
        setError('The secret was cleared from this window when its time was up.');
      } else setRemaining(left);
    };
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [view]);

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

  const copy = useCallback(async (label: string, value: string) => {
    try {
      const { clearsAt } = await api.clipboard.writeSecret({ text: value });
      setCopied((c) => ({ ...c, [label]: clearsAt }));
    } catch (failure) {
      setError(asCallError(failure).message);
    }
  }, []);

  const forget = useCallback(() => {
    if (slotId) reads.delete(slotId);
    setView(null);
  }, [slotId]);

  const secretsUncopied = view ? view.fields.some((f) => f.secret && copied[f.label] === undefined) : false;
  return { view, error, copied, copy, forget, secretsUncopied, remaining };
}

function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** The revealed fields with their copy buttons. */
export function RevealFields({ reveal, keyLabel }: { reveal: ReturnType<typeof useOneTimeReveal>; keyLabel: string }) {
  const { view, error, copied, copy, remaining } = reveal;
  return (
    <>
      {error ? (
        <Banner tone="error" title="The secret cannot be shown">
          {error}
        </Banner>
      ) : null}
      {view ? (
        <div className="reveal">
          <p className="reveal-lead">
            <strong>{view.title || keyLabel}</strong> {view.event === 'regenerated' ? 'has a new secret' : 'was created'}. {view.note}
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
                  aria-label={`Copy ${field.label}`}
                >
                  <Icon name={copied[field.label] ? 'check' : 'copy'} /> {copied[field.label] ? 'Copied' : 'Copy'}
                </button>
              </div>
            </div>
          ))}
          {Object.keys(copied).length > 0 ? (
            <p className="form-note">The clipboard is cleared 30 seconds after copying, unless you copy something else first.</p>
          ) : null}
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
  const { forget, secretsUncopied } = reveal;

  const finish = useCallback(() => {
    forget();
    closeModal();
  }, [forget, closeModal]);

  const requestClose = useCallback(() => {
    if (secretsUncopied) setConfirming(true);
    else finish();
  }, [secretsUncopied, finish]);

  return (
    <Modal title="Copy your new key now" onRequestClose={requestClose} width="wide">
      <RevealFields reveal={reveal} keyLabel={keyLabel} />
      {confirming ? (
        <ConfirmUncopied onBack={() => setConfirming(false)} onClose={finish} />
      ) : (
        <div className="form-actions">
          <button type="button" className="button primary" onClick={requestClose}>
            Done
          </button>
        </div>
      )}
    </Modal>
  );
}
