// Rotating Keyfleet's own credential in one step: what will happen, then the core does it — twin,
// sign in with it, swap it into the keychain, retire the old key — and this says how it ended.
import { useState } from 'react';
import type { ConnectionView, CredentialRotationView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';
import './own-credential.css';
import { Name } from '../components/name.tsx';

export function CredentialRotationDialog({ connection }: { connection: ConnectionView }) {
  const close = useApp((s) => s.close);
  const refreshConnections = useApp((s) => s.refreshConnections);
  const loadKeys = useApp((s) => s.loadKeys);
  const [state, setState] = useState<{ kind: 'ready' } | { kind: 'running' } | { kind: 'done'; view: CredentialRotationView } | { kind: 'failed'; message: string }>({ kind: 'ready' });
  const own = connection.credential.ownKey;
  const support = connection.credential.rotation;

  async function rotate() {
    setState({ kind: 'running' });
    try {
      const view = await api.connections.rotateCredential({ connectionId: connection.id });
      setState({ kind: 'done', view });
    } catch (error) {
      setState({ kind: 'failed', message: asCallError(error).message });
    }
    await Promise.all([refreshConnections(), loadKeys()]);
  }

  return (
    <Modal
      title="Rotate Keyfleet’s credential"
      onRequestClose={close}
      footer={
        state.kind === 'done' || state.kind === 'failed' ? (
          <button type="button" className="button primary" onClick={close}>
            Close
          </button>
        ) : (
          <>
            <button type="button" className="button" onClick={close} disabled={state.kind === 'running'}>
              Cancel
            </button>
            <button type="button" className="button primary" onClick={() => void rotate()} disabled={state.kind === 'running' || support.mode === 'unavailable'} title={support.note}>
              {state.kind === 'running' ? 'Rotating…' : 'Rotate now'}
            </button>
          </>
        )
      }
    >
      {state.kind === 'done' ? (
        <p role="status">
          Done. <Name>{connection.name}</Name> now signs in with a new key; the old one was {state.view.retire === 'deactivate' ? 'deactivated' : 'deleted'}. Both steps are in the action journal.
        </p>
      ) : state.kind === 'failed' ? (
        <div className="form-error" role="alert">
          {state.message}
        </div>
      ) : (
        <>
          <p>
            <Name>{connection.name}</Name> signs in with <strong>“{own ? <Name>{own.name}</Name> : 'its credential'}”</strong>. Keyfleet replaces it in one step, journaled, and resumes by
            itself if it is interrupted:
          </p>
          <ol className="rotation-steps">
            <li>creates a twin of the key, with the same role and access;</li>
            <li>signs in with the twin and checks it reaches the same organization;</li>
            <li>stores it in the OS keychain in place of the old one;</li>
            <li>{support.note?.includes('deletes') ? 'deletes' : 'deactivates'} the old key.</li>
          </ol>
          <p className="form-note">Nothing to deploy: only Keyfleet uses this key, so its secret is never shown. If the twin does not work, it is deleted and the old key stays.</p>
          {support.mode === 'unavailable' ? <p className="form-error">{support.note}</p> : null}
        </>
      )}
    </Modal>
  );
}
