// The detail pane of one key: every field, the backend's raw fields (secrets already removed by
// the core), and its history from the change log.
import { useEffect, useState, type ReactNode } from 'react';
import type { KeyChangeView, KeyDetail } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { absoluteTime } from '../app/format.ts';
import { Icon } from '../components/icons.tsx';
import { CheckedName, isolate, Name, visibleName } from '../components/name.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { useApp } from '../state/store.ts';
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
      (failure: unknown) => live && setError(asCallError(failure).message),
    );
    return () => {
      live = false;
    };
  }, [keyRef, version]);

  const rows: Array<[string, ReactNode]> = detail
    ? [
        ['Name', detail.name ? <CheckedName key="name" name={detail.name} /> : <span className="muted">none</span>],
        ...(detail.localLabel ? ([['Local label', <CheckedName key="label" name={detail.localLabel} />]] as Array<[string, ReactNode]>) : []),
        ['Id', <code key="id">{detail.id}</code>],
        ['Status', <StatusPill key="status" status={detail.status} detail={detail.statusDetail} />],
        ['Type', <Name key="type">{`${detail.type} (${detail.category})`}</Name>],
        ['Role', <Name key="role">{detail.role ?? '—'}</Name>],
        ['Scope', <Name key="scope">{scopeName ?? detail.scopeId}</Name>],
        ['Access key / prefix', detail.maskedValue ? <code key="masked">{detail.maskedValue}</code> : '—'],
        ['Description', <Name key="description">{detail.description ?? '—'}</Name>],
        ['Created', absoluteTime(detail.createdAt)],
        ['Created by', <Name key="by">{detail.createdBy ?? '—'}</Name>],
        ['Expires', detail.expiresAt ? absoluteTime(detail.expiresAt) : 'never'],
        ['Last used', detail.lastUsedAt ? absoluteTime(detail.lastUsedAt) : 'not reported'],
        ['Last seen by a sync', absoluteTime(detail.lastSeenAt)],
        ...(detail.holdUntil
          ? ([[detail.holdReason === 'revoked' ? 'May still authenticate until' : 'Kept while the backend catches up, until', absoluteTime(detail.holdUntil)]] as Array<[string, ReactNode]>)
          : []),
      ]
    : [];

  return (
    <aside className="detail-pane" aria-labelledby="detail-title">
      <header className="detail-header">
        <div>
          <div className="breadcrumb">{connection ? <Name>{connection.name}</Name> : null}</div>
          <h2 id="detail-title">{detail ? <Name>{detail.localLabel ?? (detail.name || detail.id)}</Name> : 'Key'}</h2>
        </div>
        <button type="button" className="icon-button" aria-label="Close key details" onClick={() => selectKey(null)}>
          <Icon name="x" />
        </button>
      </header>
      {error ? <p className="form-error">{error}</p> : null}
      {detail ? (
        <>
          <dl className="detail-fields">
            {rows.map(([label, value]) => (
              <div key={label} className="detail-field">
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
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
              {JSON.stringify(detail.raw, null, 2).split('\n').map(visibleName).join('\n')}
            </pre>
          </details>
        </>
      ) : null}
    </aside>
  );
}
