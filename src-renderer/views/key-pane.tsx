// The selected connection (or scope): its header with sync state, the filter, and the key table.
import { useShallow } from 'zustand/react/shallow';
import type { ActionSupport, ConnectionView, KeyView, ScopeView, SortColumn } from '../../src-preload/contract.ts';
import { absoluteTime, hostOf, kindLabel, relativeTime, shortDate, shortTime } from '../app/format.ts';
import { Banner } from '../components/banner.tsx';
import { Icon, type IconName } from '../components/icons.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { keyRef, useApp } from '../state/store.ts';

const NO_SCOPES: ScopeView[] = [];

const COLUMNS: Array<{ id: SortColumn | null; label: string; className?: string }> = [
  { id: 'name', label: 'Name' },
  { id: 'type', label: 'Type' },
  { id: 'status', label: 'Status' },
  { id: 'createdAt', label: 'Created' },
  { id: 'expiresAt', label: 'Expires' },
  { id: null, label: 'Access key / prefix' },
  { id: null, label: 'Actions', className: 'col-actions' },
];

function actionTitle(label: string, support: ActionSupport): string {
  if (support.mode === 'unavailable') return `${label}: not available — ${support.note ?? 'this backend does not offer it'}`;
  return support.note ? `${label} (${support.mode}): ${support.note}` : label;
}

function ActionButton(props: {
  icon: IconName;
  label: string;
  support: ActionSupport;
  disabled?: boolean;
  danger?: boolean;
  onClick: () => void;
}) {
  const unavailable = props.support.mode === 'unavailable';
  return (
    <button
      type="button"
      className={`icon-button${props.danger ? ' danger' : ''}`}
      aria-label={props.label}
      title={actionTitle(props.label, props.support)}
      disabled={unavailable || props.disabled}
      onClick={props.onClick}
    >
      <Icon name={props.icon} />
    </button>
  );
}

function KeyRow({
  keyView,
  connection,
  scopeName,
  showExpiry,
}: {
  keyView: KeyView;
  connection: ConnectionView;
  scopeName: string | undefined;
  showExpiry: boolean;
}) {
  const busy = useApp((s) => s.busyKeys[keyRef(keyView)]);
  const open = useApp((s) => s.open);
  const setKeyActive = useApp((s) => s.setKeyActive);
  const actions = connection.capabilities.actions;
  const typeLabel = (connection.capabilities.createForm.types.find((t) => t.id === keyView.type)?.label ?? keyView.type).replace(/ (API )?key$/, '');
  const settled = keyView.status === 'active' || keyView.status === 'inactive';
  const displayName = keyView.localLabel ?? (keyView.name || keyView.id);
  const heldRevoked = keyView.status === 'revoked' && keyView.holdReason === 'revoked' && keyView.holdUntil !== null;

  return (
    <tr className={busy ? 'busy' : undefined} data-key-id={keyView.id}>
      <td>
        <div className={`key-name${keyView.name || keyView.localLabel ? '' : ' unnamed'}`}>
          {displayName}
          {keyView.localLabel ? (
            <span className="local-badge" title={`Label kept in Keyfleet only; the backend calls it “${keyView.name || keyView.id}”.`}>
              local label
            </span>
          ) : null}
        </div>
        {keyView.description || scopeName ? (
          <div className="key-sub">
            {scopeName ? <span className="key-scope">{scopeName}</span> : null}
            {keyView.description ? <span className="key-description">{keyView.description}</span> : null}
          </div>
        ) : null}
      </td>
      <td className="nowrap">{typeLabel}</td>
      <td>
        {busy ? <span className="pill pill-pending">{busy}</span> : <StatusPill status={keyView.status} detail={keyView.statusDetail} />}
        {heldRevoked ? (
          <div className="status-note" title={absoluteTime(keyView.holdUntil)}>
            may still authenticate until {shortTime(keyView.holdUntil!)}
          </div>
        ) : null}
      </td>
      <td className="nowrap" title={absoluteTime(keyView.createdAt)}>
        {shortDate(keyView.createdAt)}
      </td>
      {showExpiry ? (
        <td className="nowrap" title={keyView.expiresAt ? absoluteTime(keyView.expiresAt) : 'Does not expire'}>
          {keyView.expiresAt ? shortDate(keyView.expiresAt) : <span className="muted">never</span>}
        </td>
      ) : null}
      <td>
        <code className="masked" title={keyView.maskedValue ?? undefined}>
          {keyView.maskedValue ?? '—'}
        </code>
      </td>
      <td className="col-actions">
        <div className="row-actions">
          <ActionButton
            icon="pencil"
            label={`Edit ${displayName}`}
            support={actions.rename}
            disabled={Boolean(busy)}
            onClick={() => open({ kind: 'edit-key', key: keyView })}
          />
          {keyView.status === 'active' ? (
            <ActionButton
              icon="power"
              label={`Deactivate ${displayName}`}
              support={actions.deactivate}
              disabled={Boolean(busy)}
              onClick={() => void setKeyActive(keyView, false)}
            />
          ) : (
            <ActionButton
              icon="power"
              label={`Activate ${displayName}`}
              support={actions.activate}
              disabled={Boolean(busy) || !settled}
              onClick={() => void setKeyActive(keyView, true)}
            />
          )}
          <ActionButton
            icon="sync"
            label={`${actions.rotate.mode === 'native' ? 'Regenerate' : 'Rotate'} ${displayName}`}
            support={actions.rotate}
            disabled={Boolean(busy) || keyView.status === 'revoked' || keyView.status === 'pending'}
            onClick={() => open({ kind: 'rotate', key: keyView })}
          />
          <ActionButton
            icon="trash"
            label={`Delete ${displayName}`}
            support={actions.delete}
            disabled={Boolean(busy) || keyView.status === 'revoked'}
            danger
            onClick={() => open({ kind: 'delete-key', key: keyView })}
          />
        </div>
      </td>
    </tr>
  );
}

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
          Syncing… {progress ? `${progress.scopesDone}/${progress.scopesTotal} scopes, ${progress.keysFetched} keys` : ''}
        </span>
      </div>
    );
  }
  if (!connection.lastSuccessAt) return <span className="sync-state muted">Never synced</span>;
  return (
    <span className="sync-state muted" title={absoluteTime(connection.lastSuccessAt)}>
      Inventory as of {relativeTime(connection.lastSuccessAt)}
    </span>
  );
}

export function KeyPane({ connection }: { connection: ConnectionView }) {
  const { selection, scopes, keys, totalKeys, keysLoading, query, sort, progress } = useApp(
    useShallow((s) => ({
      progress: s.progress[connection.id],
      selection: s.selection,
      scopes: s.scopes[connection.id] ?? NO_SCOPES,
      keys: s.keys,
      totalKeys: s.totalKeys,
      keysLoading: s.keysLoading,
      query: s.query,
      sort: s.sort,
    })),
  );
  const { sync, setQuery, toggleSort, open } = useApp(
    useShallow((s) => ({ sync: s.sync, setQuery: s.setQuery, toggleSort: s.toggleSort, open: s.open })),
  );
  const scope = scopes.find((s) => s.id === selection.scopeId);
  const scopeNames = new Map(scopes.map((s) => [s.id, s.name]));
  const syncing = connection.syncing || progress !== undefined;
  const lastFailed = connection.lastSync?.result === 'failed' ? connection.lastSync : null;
  const canCreate = connection.capabilities.actions.create.mode !== 'unavailable' && scopes.length > 0;
  // Expiry is a column only where keys can expire.
  const showExpiry = connection.capabilities.createForm.types.some((t) => t.expiry !== 'unsupported') || keys.some((k) => k.expiresAt !== null);
  const columns = COLUMNS.filter((c) => showExpiry || c.id !== 'expiresAt');
  const createBlocked =
    connection.capabilities.actions.create.mode === 'unavailable'
      ? (connection.capabilities.actions.create.note ?? 'This connection cannot create keys.')
      : 'Sync the connection first to see where keys can be created.';

  return (
    <section className="pane" aria-labelledby="pane-title">
      <header className="pane-header">
        <div className="pane-title-block">
          <div className="breadcrumb">
            <span className="connection-color" style={{ backgroundColor: connection.color }} aria-hidden="true" />
            {kindLabel(connection.kind)} · {hostOf(connection.baseUrl)}
            {connection.account ? ` · signed in as ${connection.account.name}` : ''}
          </div>
          <h1 id="pane-title">
            {connection.name}
            {scope ? <span className="pane-scope"> / {scope.name}</span> : null}
          </h1>
          <SyncState connection={connection} />
        </div>
        <div className="pane-actions">
          <button type="button" className="button" onClick={() => void sync(connection.id)} disabled={syncing}>
            <Icon name="sync" /> {syncing ? 'Syncing…' : 'Sync now'}
          </button>
          <button
            type="button"
            className="button primary"
            disabled={!canCreate}
            title={canCreate ? undefined : createBlocked}
            onClick={() => open({ kind: 'create-key', connectionId: connection.id, scopeId: selection.scopeId })}
          >
            <Icon name="plus" /> Create key
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

      {lastFailed && lastFailed.error ? (
        <Banner tone="error" title={`Sync of “${connection.name}” failed ${relativeTime(lastFailed.at)}`}>
          {lastFailed.error.message}{' '}
          {connection.lastSuccessAt ? `Showing the inventory as of ${absoluteTime(connection.lastSuccessAt)}.` : ''}
        </Banner>
      ) : null}

      {connection.readOnly ? (
        <Banner tone="info" title="Read-only connection">
          {connection.capabilities.actions.create.note ?? 'This credential may list keys but not manage them.'}
        </Banner>
      ) : null}

      <div className="toolbar">
        <label className="search">
          <Icon name="search" />
          <span className="visually-hidden">Filter keys</span>
          <input
            type="search"
            placeholder="Filter by name, access key, type, status…"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </label>
        <span className="toolbar-count" aria-live="polite">
          {keysLoading ? 'Loading…' : `${totalKeys} ${totalKeys === 1 ? 'key' : 'keys'}`}
        </span>
      </div>

      {keys.length === 0 ? (
        <EmptyKeys connection={connection} query={query} scopeSelected={Boolean(scope)} canCreate={canCreate} loading={keysLoading} />
      ) : (
        <div className="table-wrap">
          <table className="key-table">
            <thead>
              <tr>
                {columns.map((column) => {
                  const active = column.id !== null && sort.column === column.id;
                  return (
                    <th
                      key={column.label}
                      scope="col"
                      className={column.className}
                      aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                    >
                      {column.id ? (
                        <button type="button" className="sort-button" onClick={() => toggleSort(column.id!)}>
                          {column.label}
                          <span className="sort-mark" aria-hidden="true">
                            {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                          </span>
                        </button>
                      ) : (
                        column.label
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <KeyRow
                  key={key.id}
                  keyView={key}
                  connection={connection}
                  scopeName={scope ? undefined : scopeNames.get(key.scopeId)}
                  showExpiry={showExpiry}
                />
              ))}
            </tbody>
          </table>
          {totalKeys > keys.length ? (
            <p className="table-note">Showing the first {keys.length} of {totalKeys} keys; narrow the filter to see the rest.</p>
          ) : null}
        </div>
      )}
    </section>
  );
}

function EmptyKeys(props: { connection: ConnectionView; query: string; scopeSelected: boolean; canCreate: boolean; loading: boolean }) {
  const sync = useApp((s) => s.sync);
  const open = useApp((s) => s.open);
  const selection = useApp((s) => s.selection);
  if (props.loading) return null;
  if (props.query) {
    return (
      <div className="empty-state compact">
        <p>No keys match “{props.query}”.</p>
      </div>
    );
  }
  if (!props.connection.lastSuccessAt) {
    return (
      <div className="empty-state compact">
        <span className="empty-icon" aria-hidden="true">
          <Icon name="sync" size={24} />
        </span>
        <h2>Not synced yet</h2>
        <p>Sync to fetch this organization&apos;s environments and keys.</p>
        <button type="button" className="button primary" onClick={() => void sync(props.connection.id)}>
          <Icon name="sync" /> Sync now
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state compact">
      <span className="empty-icon" aria-hidden="true">
        <Icon name="key" size={24} />
      </span>
      <h2>No keys {props.scopeSelected ? 'in this scope' : 'yet'}</h2>
      <p>Keys created here are listed as soon as the backend confirms them.</p>
      {props.canCreate && (
        <button
          type="button"
          className="button primary"
          onClick={() => open({ kind: 'create-key', connectionId: props.connection.id, scopeId: selection.scopeId })}
        >
          <Icon name="plus" /> Create key
        </button>
      )}
    </div>
  );
}
