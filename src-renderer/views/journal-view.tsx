// The local action journal: every remote change Keyfleet made, newest first, exportable.
import { useCallback, useEffect, useState } from 'react';
import type { AuditEntryView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { download, MIME } from '../app/download.ts';
import { absoluteTime } from '../app/format.ts';
import { Banner } from '../components/banner.tsx';
import { Icon } from '../components/icons.tsx';
import { Name } from '../components/name.tsx';
import './journal-view.css';

const PAGE = 200;

export function JournalView() {
  const [rows, setRows] = useState<AuditEntryView[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [exported, setExported] = useState<{ fileName: string; sha256: string } | null>(null);

  const load = useCallback(async (offset: number) => {
    try {
      const page = await api.journal.list({ offset, limit: PAGE });
      setRows((previous) => (offset === 0 ? page.rows : [...previous, ...page.rows]));
      setTotal(page.total);
    } catch (failure) {
      setError(asCallError(failure).message);
    }
  }, []);

  useEffect(() => {
    let live = true;
    api.journal.list({ offset: 0, limit: PAGE }).then(
      (page) => {
        if (!live) return;
        setRows(page.rows);
        setTotal(page.total);
      },
      (failure: unknown) => live && setError(asCallError(failure).message),
    );
    return () => {
      live = false;
    };
  }, []);

  async function exportAs(format: 'csv' | 'json') {
    try {
      const result = await api.journal.export({ format });
      download(result.fileName, result.content, MIME[format]);
      setExported({ fileName: result.fileName, sha256: result.sha256 });
    } catch (failure) {
      setError(asCallError(failure).message);
    }
  }

  return (
    <section className="pane" aria-labelledby="journal-title">
      <header className="pane-header">
        <div className="pane-title-block">
          <div className="breadcrumb">What Keyfleet did to your backends</div>
          <h1 id="journal-title">Action journal</h1>
          <span className="sync-state muted">{total.toLocaleString()} entries, newest first. No entry ever holds a secret.</span>
        </div>
        <div className="pane-actions">
          <button type="button" className="button" onClick={() => void exportAs('csv')}>
            Export CSV
          </button>
          <button type="button" className="button" onClick={() => void exportAs('json')}>
            Export JSON
          </button>
        </div>
      </header>
      {error ? (
        <Banner tone="error" title="The journal could not be read">
          {error}
        </Banner>
      ) : null}
      {exported ? (
        <Banner tone="info" title={`Exported ${exported.fileName}`} onDismiss={() => setExported(null)}>
          SHA-256 <code>{exported.sha256}</code>
        </Banner>
      ) : null}
      {rows.length === 0 ? (
        <div className="empty-state compact">
          <span className="empty-icon" aria-hidden="true">
            <Icon name="layers" size={24} />
          </span>
          <h2>Nothing yet</h2>
          <p>Every key Keyfleet creates, renames, rotates, deactivates or deletes is recorded here.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="journal-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Connection</th>
                <th scope="col">Key</th>
                <th scope="col">Result</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id}>
                  <td className="nowrap">{absoluteTime(row.at)}</td>
                  <td className="nowrap">{row.action.replace(/^key\./, '').replace(/^connection\./, 'connection ')}</td>
                  <td>{row.connectionName ? <Name>{row.connectionName}</Name> : <span className="muted">removed</span>}</td>
                  <td>
                    <code>{row.keyId ?? '—'}</code>
                  </td>
                  <td>
                    <span className={`pill ${row.result === 'ok' ? 'pill-active' : 'pill-revoked'}`}>{row.result === 'ok' ? 'Done' : 'Failed'}</span>
                  </td>
                  <td>{row.detail ? <bdi>{row.detail}</bdi> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length < total ? (
            <div className="table-more">
              <button type="button" className="button" onClick={() => void load(rows.length)}>
                Show older entries
              </button>
            </div>
          ) : null}
        </div>
      )}
    </section>
  );
}
