// The main pane: a connection (or a scope of it, or all connections at once) with its sync state,
// the filter, the virtualized key table and, for the key the user picked, the detail pane.
import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionView, ScopeView } from '../../src-preload/contract.ts';
import { api, asCallError } from '../app/bridge.ts';
import { download, MIME } from '../app/download.ts';
import { hostOf, kindLabel } from '../app/format.ts';
import { freshnessOf } from '../app/freshness.ts';
import { Banner } from '../components/banner.tsx';
import { Icon } from '../components/icons.tsx';
import { isolate, Name } from '../components/name.tsx';
import { PlainHttpMark } from '../components/plain-http-mark.tsx';
import { useApp } from '../state/store.ts';
import { KeyDetailPane } from './key-detail.tsx';
import { effectiveActions } from './key-actions.tsx';
import { KeyTable } from './key-table.tsx';
import './key-pane.css';

const NO_SCOPES: ScopeView[] = [];

function SyncState({ connection }: { connection: ConnectionView }) {
  const progress = useApp((s) => s.progress[connection.id]);
  if (progress || connection.syncing) {
    const pct = progress && progress.scopesTotal > 0 ? Math.round((progress.scopesDone / progress.scopesTotal) * 100) : null;
    return (
      <div className="sync-state" role="status">
        <div className="progress" aria-label="Sync progress">
          <div className={`progress-bar${pct === null ? ' indeterminate' : ''}`} style={{ width: pct === null ? undefined : `${pct}%` }} />
        </div>
        <span>
          Syncing…{' '}
          {progress && progress.scopesTotal > 0
            ? `${progress.scopesDone} of ${progress.scopesTotal} scopes, ${progress.keysFetched.toLocaleString()} ${progress.keysFetched === 1 ? 'key' : 'keys'} so far`
            : ''}
        </span>
      </div>
    );
  }
  // The same claim the sidebar and the banner make.
  const fresh = freshnessOf(connection, false);
  return (
    <span className={`sync-state muted freshness-${fresh.state}`} title={fresh.title}>
      {fresh.label}
    </span>
  );
}

// Headers and exports do not change while the filter is typed into: memo keeps keystrokes cheap.
const ConnectionHeader = memo(function ConnectionHeader({ connection, scope }: { connection: ConnectionView; scope: ScopeView | undefined }) {
  const { sync, open, scopes, progress } = useApp(
    useShallow((s) => ({ sync: s.sync, open: s.open, scopes: s.scopes[connection.id] ?? NO_SCOPES, progress: s.progress[connection.id] })),
  );
  const syncing = connection.syncing || progress !== undefined;
  const create = effectiveActions(connection).create;
  const canCreate = create.mode !== 'unavailable' && scopes.length > 0;
  const createBlocked =
    create.mode === 'unavailable' ? (create.note ?? 'This connection cannot create keys.') : 'Sync the connection first to see where keys can be created.';
  return (
    <header className="pane-header">
      <div className="pane-title-block">
        <div className="breadcrumb">
          <span className="connection-color" style={{ backgroundColor: connection.color }} aria-hidden="true" />
          {kindLabel(connection.kind)} · {hostOf(connection.baseUrl)}
          {connection.target ? (
            <>
              {' · '}
              <Name>{connection.target.name}</Name>
            </>
          ) : null}
          {connection.account ? (
            <>
              {' · signed in as '}
              <Name>{connection.account.name}</Name>
            </>
          ) : null}
        </div>
        <h1 id="pane-title">
          <Name>{connection.name}</Name>
          {scope ? (
            <span className="pane-scope">
              {' / '}
              <Name>{scope.name}</Name>
            </span>
          ) : null}
          {connection.plainHttp ? <PlainHttpMark /> : null}
        </h1>
        <SyncState connection={connection} />
      </div>
      <div className="pane-actions">
        <button type="button" className="button" title="Sync now (s)" onClick={() => void sync(connection.id)} disabled={syncing}>
          <Icon name="sync" /> {syncing ? 'Syncing…' : 'Sync now'}
        </button>
        <button
          type="button"
          className="button primary"
          disabled={!canCreate}
          title={canCreate ? 'Create a key (n)' : createBlocked}
          onClick={() => open({ kind: 'create-key', connectionId: connection.id, scopeId: scope?.id ?? null })}
        >
          <Icon name="plus" /> Create key
        </button>
        <button type="button" className="button" onClick={() => open({ kind: 'policy', connection })}>
          Policy
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove connection ${connection.name}`}
          title="Remove this connection from Keyfleet"
          onClick={() => open({ kind: 'remove-connection', connection })}
        >
          <Icon name="trash" />
        </button>
      </div>
    </header>
  );
});

const AllHeader = memo(function AllHeader({ connections }: { connections: ConnectionView[] }) {
  const syncAll = useApp((s) => s.syncAll);
  const syncingAll = useApp((s) => s.syncingAll);
  const review = useApp((s) => s.status?.mode === 'review');
  const healthFilter = useApp((s) => s.healthFilter);
  const openHealthFilter = useApp((s) => s.openHealthFilter);
  const syncing = syncingAll || connections.some((c) => c.syncing);
  return (
    <header className="pane-header">
      <div className="pane-title-block">
        <div className="breadcrumb">{connections.length} connections</div>
        <h1 id="pane-title">
          All keys
          {healthFilter ? <span className="pane-scope"> / {healthFilter.label}</span> : null}
        </h1>
        {healthFilter ? (
          <button type="button" className="chip selected" onClick={() => openHealthFilter(null)} aria-label={`Clear filter: ${healthFilter.label}`}>
            {healthFilter.label} ×
          </button>
        ) : null}
        <span className="sync-state muted">Every cached key of every connection, each as of its connection&apos;s last sync.</span>
      </div>
      <div className="pane-actions">
        {/* The same action as the app menu's Sync All: one run, one summary. */}
        <button
          type="button"
          className="button"
          disabled={syncing || review}
          title={review ? 'Not while reviewing a copy' : 'Sync every connection, then say what failed'}
          onClick={() => void syncAll()}
        >
          <Icon name="sync" /> {syncing ? 'Syncing…' : 'Sync all'}
        </button>
      </div>
    </header>
  );
});

export function KeyPane({ connection }: { connection: ConnectionView | null }) {
  const { selection, allScopes, totalKeys, keysLoading, query, connections, selectedKey } = useApp(
    useShallow((s) => ({
      selection: s.selection,
      allScopes: s.scopes,
      totalKeys: s.totalKeys,
      keysLoading: s.keysLoading,
      query: s.query,
      connections: s.connections,
      selectedKey: s.selectedKey,
    })),
  );
  const setQuery = useApp((s) => s.setQuery);
  const open = useApp((s) => s.open);
  const scopes = connection ? (allScopes[connection.id] ?? NO_SCOPES) : NO_SCOPES;
  const scope = scopes.find((s) => s.id === selection.scopeId);
  const scopeNames = useMemo(() => new Map(Object.values(allScopes).flatMap((list) => list.map((s) => [`${s.connectionId}:${s.id}`, s.name] as const))), [allScopes]);
  const shown = connection ? [connection] : connections;
  const showExpiry = shown.some((c) => c.capabilities.createForm.types.some((t) => t.expiry !== 'unsupported'));
  const lastFailed = connection?.lastSync?.result === 'failed' ? connection.lastSync : null;

  return (
    <div className={`pane-layout${selectedKey ? ' with-detail' : ''}`}>
      <section className="pane" aria-labelledby="pane-title">
        {connection ? <ConnectionHeader connection={connection} scope={scope} /> : <AllHeader connections={connections} />}

        {connection?.reachability === 'offline' ? (
          <Banner tone="warning" title={`${isolate(connection.name)} cannot be reached`}>
            {lastFailed?.error?.message} {freshnessOf(connection, false).shown} It is read-only until the backend answers again: actions that need
            it are disabled, and Keyfleet keeps trying by itself.
          </Banner>
        ) : connection && lastFailed?.error ? (
          <Banner tone="error" title={`The last sync of “${isolate(connection.name)}” failed`}>
            {lastFailed.error.message} {freshnessOf(connection, false).shown}
          </Banner>
        ) : null}

        {connection?.readOnly ? (
          <Banner tone="info" title="This connection can only read">
            {connection.capabilities.actions.create.note ?? 'Its credential may list keys but not manage them.'}
          </Banner>
        ) : scope?.inactive ? (
          <Banner tone="warning" title={`${isolate(scope.name)} is inactive`}>
            {scope.inactive}
          </Banner>
        ) : scope?.readOnly ? (
          <Banner tone="info" title={`Read-only in ${isolate(scope.name)}`}>
            {scope.readOnly}
          </Banner>
        ) : null}

        <div className="toolbar">
          <label className="search">
            <Icon name="search" />
            <span className="visually-hidden">Filter keys</span>
            <input
              type="search"
              placeholder="Filter by name, connection, backend, prefix…"
              title="Filter keys (/): any part of a key’s name, id, prefix, type, role, status, creator or description, or of its connection’s name or backend"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
          </label>
          <div className="toolbar-end">
            <span className="toolbar-count" aria-live="polite">
              {keysLoading ? 'Loading…' : `${totalKeys.toLocaleString()} ${totalKeys === 1 ? 'key' : 'keys'}`}
            </span>
            <ExportButtons connectionId={connection?.id} disabled={totalKeys === 0} />
            <button type="button" className="button" disabled={totalKeys === 0} onClick={() => open({ kind: 'bulk' })}>
              Bulk action…
            </button>
          </div>
        </div>

        {totalKeys === 0 ? (
          <EmptyKeys connection={connection} query={query} scopeSelected={Boolean(scope)} loading={keysLoading} />
        ) : (
          <KeyTable connections={connections} showConnection={!connection} showExpiry={showExpiry} scopeNames={scopeNames} showScope={!scope} />
        )}
      </section>
      {selectedKey ? <KeyDetailPane keyRef={selectedKey} /> : null}
    </div>
  );
}

/** Secret-free export of the shown connection's (or every) cached inventory, with its SHA-256. */
const ExportButtons = memo(function ExportButtons({ connectionId, disabled }: { connectionId: string | undefined; disabled: boolean }) {
  const notify = useApp((s) => s.notify);
  async function exportAs(format: 'csv' | 'json') {
    try {
      const result = await api.inventory.export({ connectionId, format });
      download(result.fileName, result.content, MIME[format]);
      notify('info', `Exported ${result.keys.toLocaleString()} keys to ${result.fileName}`, `SHA-256 ${result.sha256}. No secret is in it.`);
    } catch (error) {
      notify('error', 'The export failed', asCallError(error).message);
    }
  }
  return (
    <div className="button-group" role="group" aria-label="Export inventory">
      <button type="button" className="button" disabled={disabled} onClick={() => void exportAs('csv')}>
        Export CSV
      </button>
      <button type="button" className="button" disabled={disabled} onClick={() => void exportAs('json')}>
        JSON
      </button>
    </div>
  );
});

function EmptyKeys(props: { connection: ConnectionView | null; query: string; scopeSelected: boolean; loading: boolean }) {
  const sync = useApp((s) => s.sync);
  const open = useApp((s) => s.open);
  const selection = useApp((s) => s.selection);
  const scopes = useApp((s) => (props.connection ? (s.scopes[props.connection.id] ?? NO_SCOPES) : NO_SCOPES));
  const { connection } = props;
  if (props.loading) return null;
  if (props.query) {
    return (
      <div className="empty-state compact">
        <p>No keys match “{props.query}”.</p>
      </div>
    );
  }
  if (connection && !connection.lastSuccessAt) {
    return (
      <div className="empty-state compact">
        <span className="empty-icon" aria-hidden="true">
          <Icon name="sync" size={24} />
        </span>
        <h2>Not synced yet</h2>
        <p>Sync to fetch this organization&apos;s scopes and keys.</p>
        <button type="button" className="button primary" onClick={() => void sync(connection.id)}>
          <Icon name="sync" /> Sync now
        </button>
      </div>
    );
  }
  const canCreate = connection !== null && connection.capabilities.actions.create.mode !== 'unavailable' && scopes.length > 0;
  return (
    <div className="empty-state compact">
      <span className="empty-icon" aria-hidden="true">
        <Icon name="key" size={24} />
      </span>
      <h2>No keys {props.scopeSelected ? 'in this scope' : 'yet'}</h2>
      <p>Keys created here are listed as soon as the backend confirms them.</p>
      {canCreate ? (
        <button type="button" className="button primary" onClick={() => open({ kind: 'create-key', connectionId: connection.id, scopeId: selection.scopeId })}>
          <Icon name="plus" /> Create key
        </button>
      ) : null}
    </div>
  );
}
