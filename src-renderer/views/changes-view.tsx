// "What changed since …": the change log, per connection or across all — what syncs found on
// the backends, and what Keyfleet itself did.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ChangeRowView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { absoluteTime } from '../app/format.ts';
import { Banner } from '../components/banner.tsx';
import { isolate, Name } from '../components/name.tsx';
import { useApp } from '../state/store.ts';

const RANGES: Array<[string, number]> = [
  ['the last 24 hours', 1],
  ['the last 7 days', 7],
  ['the last 30 days', 30],
  ['the last 365 days', 365],
];

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number' && value > 1e11) return absoluteTime(value);
  return isolate(typeof value === 'string' ? value : JSON.stringify(value));
}

function what(row: ChangeRowView): string {
  // A connection's first sync: one line for its whole inventory.
  if (row.found !== null) return `${row.found.toLocaleString()} ${row.found === 1 ? 'key' : 'keys'} found by the first sync`;
  if (row.change === 'added') return row.source === 'keyfleet' ? 'created by Keyfleet' : 'appeared';
  if (row.change === 'removed') return row.source === 'keyfleet' ? 'deleted by Keyfleet' : 'gone from the backend';
  return Object.entries(row.fields)
    .map(([field, [before, after]]) => `${field}: ${show(before)} → ${show(after)}`)
    .join('; ');
}

export function ChangesView() {
  const { connections, selection } = useApp(useShallow((s) => ({ connections: s.connections, selection: s.selection })));
  const [connectionId, setConnectionId] = useState<string>(selection.connectionId ?? '');
  const [days, setDays] = useState(7);
  const [rows, setRows] = useState<ChangeRowView[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.changes
      .list({ connectionId: connectionId || undefined, since: Date.now() - days * 86_400_000, limit: 500 })
      .then(
        (page) => {
          if (!live) return;
          setRows(page.rows);
          setTotal(page.total);
          setError(null);
        },
        (failure: unknown) => live && setError(asCallError(failure).message),
      );
    return () => {
      live = false;
    };
  }, [connectionId, days]);

  return (
    <section className="pane" aria-labelledby="changes-title">
      <header className="pane-header">
        <div className="pane-title-block">
          <div className="breadcrumb">From the change log of the cached inventory</div>
          <h1 id="changes-title">What changed</h1>
          <span className="sync-state muted">
            {total.toLocaleString()} {total === 1 ? 'change' : 'changes'}
            {total > rows.length ? ` (the newest ${rows.length} shown)` : ''}
          </span>
        </div>
        <div className="pane-actions">
          <label className="inline-field">
            In
            <select value={connectionId} onChange={(event) => setConnectionId(event.target.value)}>
              <option value="">all connections</option>
              {connections.map((c) => (
                <option key={c.id} value={c.id}>
                  {isolate(c.name)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            since
            <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
              {RANGES.map(([label, d]) => (
                <option key={d} value={d}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      {error ? (
        <Banner tone="error" title="The change log could not be read">
          {error}
        </Banner>
      ) : null}
      {rows.length === 0 ? (
        <div className="empty-state compact">
          <h2>No changes in {RANGES.find(([, d]) => d === days)?.[0]}</h2>
          <p>Every sync records what it found added, gone or changed; Keyfleet records what it did.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="journal-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Connection</th>
                <th scope="col">Key</th>
                <th scope="col">What</th>
                <th scope="col">Seen by</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td className="nowrap">{absoluteTime(row.at)}</td>
                  <td>
                    <Name>{row.connectionName}</Name>
                  </td>
                  <td>{row.found !== null ? <span className="muted">every key</span> : row.keyName ? <Name>{row.keyName}</Name> : <code>{row.keyId}</code>}</td>
                  <td className={`change-${row.change}`}>
                    <bdi>{what(row)}</bdi>
                  </td>
                  <td>{row.source === 'sync' ? 'sync' : 'Keyfleet'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
