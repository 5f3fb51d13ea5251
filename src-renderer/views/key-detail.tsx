// The detail pane of one key: every action the key supports, whether it is safe to delete, every
// field (backend-specific rows included, see key-detail-rows.tsx), its history from the change log
// and the backend's raw fields (secrets already removed by the core).
import { useEffect, useMemo, useState } from 'react';
import type { ConnectionView, KeyChangeView, KeyDetail } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { absoluteTime } from '../app/format.ts';
import { Icon } from '../components/icons.tsx';
import { isolate, Name, visibleName } from '../components/name.tsx';
import { useApp } from '../state/store.ts';
import { displayNameOf, PaneActions, useKeyActions } from './key-actions.tsx';
import { DetailFields, SafeToDelete, type DetailContext } from './key-detail-rows.tsx';
import './key-detail.css';

function describeChange(change: KeyChangeView): string {
  const who = change.source === 'keyfleet' ? 'Keyfleet' : 'Sync';
  if (change.change === 'added') return `${who}: ${change.source === 'keyfleet' ? 'created' : 'first seen'}`;
  if (change.change === 'removed') return `${who}: ${change.source === 'keyfleet' ? 'deleted' : 'gone from the backend'}`;
  const parts = Object.entries(change.fields).map(([field, [before, after]]) => `${field} ${show(before)} → ${show(after)}`);
  return `${who}: ${parts.join(', ') || 'changed'}`;
}

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number' && value > 1e11) return absoluteTime(value);
  return isolate(typeof value === 'string' ? value : JSON.stringify(value));
}

/** The key's actions, from the same description as its row's. */
function DetailActions({ detail, connection }: { detail: KeyDetail; connection: ConnectionView }) {
  const actions = useKeyActions(detail, connection);
  return <PaneActions actions={actions} keyName={displayNameOf(detail)} />;
}

export function KeyDetailPane({ keyRef }: { keyRef: { connectionId: string; keyId: string } }) {
  const selectKey = useApp((s) => s.selectKey);
  const version = useApp((s) => s.keysVersion);
  const connection = useApp((s) => s.connections.find((c) => c.id === keyRef.connectionId));
  const [detail, setDetail] = useState<KeyDetail | null>(null);
  const scopeName = useApp((s) => s.scopes[keyRef.connectionId]?.find((scope) => scope.id === detail?.scopeId)?.name);
  const [history, setHistory] = useState<KeyChangeView[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([api.keys.get(keyRef), api.keys.history(keyRef)]).then(
      ([d, h]) => {
        if (!live) return;
        setDetail(d);
        setHistory(h);
        setError(null);
      },
      (failure: unknown) => {
        if (!live) return;
        const problem = asCallError(failure);
        setDetail(null);
        setError(problem.kind === 'not-found' ? 'This key is no longer in the cached inventory: it was deleted, or was gone at the last sync.' : problem.message);
      },
    );
    return () => {
      live = false;
    };
  }, [keyRef, version]);

  const context = useMemo<DetailContext | null>(
    () =>
      connection
        ? { connection, scopeName, openKey: (keyId: string) => selectKey({ connectionId: connection.id, keyId }) }
        : null,
    [connection, scopeName, selectKey],
  );
  // The pane shows the key it was asked for: an answer for the previous key is not shown meanwhile.
  const shown = detail && detail.id === keyRef.keyId && detail.connectionId === keyRef.connectionId ? detail : null;

  return (
    <aside className="detail-pane" aria-labelledby="detail-title">
      <header className="detail-header">
        <div className="detail-heading">
          <div className="breadcrumb">
            {connection ? <span className="connection-color" style={{ backgroundColor: connection.color }} aria-hidden="true" /> : null}
            {connection ? <Name>{connection.name}</Name> : null}
            {scopeName ? (
              <>
                {' / '}
                <Name>{scopeName}</Name>
              </>
            ) : null}
          </div>
          <h2 id="detail-title">{shown ? <Name>{displayNameOf(shown)}</Name> : 'Key'}</h2>
        </div>
        <button type="button" className="icon-button" aria-label="Close key details" onClick={() => selectKey(null)}>
          <Icon name="x" />
        </button>
      </header>
      {error ? <p className="form-error">{error}</p> : null}
      {shown && connection && context ? (
        <>
          <DetailActions detail={shown} connection={connection} />
          <SafeToDelete detail={shown} context={context} />
          <section aria-labelledby="fields-title">
            <h3 id="fields-title">Details</h3>
            <DetailFields detail={shown} context={context} />
          </section>
          <section aria-labelledby="history-title">
            <h3 id="history-title">History</h3>
            {history.length === 0 ? (
              <p className="muted">No change recorded yet.</p>
            ) : (
              <ol className="history">
                {history.map((change, index) => (
                  <li key={index}>
                    <time dateTime={new Date(change.at).toISOString()}>{absoluteTime(change.at)}</time>
                    <span>{describeChange(change)}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
          <details className="raw">
            <summary>Backend fields</summary>
            {/* Focusable so the keyboard can scroll it. */}
            {/* Invisible and direction-changing characters written out, as JSON would escape them. */}
            <pre tabIndex={0} aria-label="Backend fields as JSON">
              {JSON.stringify(shown.raw, null, 2).split('\n').map(visibleName).join('\n')}
            </pre>
          </details>
        </>
      ) : null}
    </aside>
  );
}
