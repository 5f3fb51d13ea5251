// Connections and their scope trees. Selecting a node filters the key table.
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionView, ScopeView } from '../../src-preload/contract.ts';
import { hostOf, kindLabel, relativeTime } from '../app/format.ts';
import { Icon } from '../components/icons.tsx';
import { Name } from '../components/name.tsx';
import { PlainHttpMark } from '../components/plain-http-mark.tsx';
import { useApp } from '../state/store.ts';
import './sidebar.css';

function syncLabel(connection: ConnectionView, syncing: boolean): string {
  if (syncing) return 'Syncing…';
  if (!connection.lastSync) return 'Not synced yet';
  if (connection.reachability === 'offline') {
    return `Offline · as of ${connection.lastSuccessAt ? relativeTime(connection.lastSuccessAt) : 'never'}`;
  }
  if (connection.lastSync.result === 'failed') return `Sync failed ${relativeTime(connection.lastSync.at)}`;
  return `Synced ${relativeTime(connection.lastSync.at)}`;
}

function ScopeTree({ connectionId, scopes, parentId }: { connectionId: string; scopes: ScopeView[]; parentId: string | null }) {
  const selection = useApp((s) => s.selection);
  const select = useApp((s) => s.select);
  const children = scopes.filter((s) => s.parentId === parentId);
  if (children.length === 0) return null;
  return (
    <ul className="scope-list">
      {children.map((scope) => {
        const selected = selection.connectionId === connectionId && selection.scopeId === scope.id;
        return (
          <li key={scope.id}>
            <button
              type="button"
              className={`scope-item${selected ? ' selected' : ''}`}
              aria-current={selected ? 'true' : undefined}
              onClick={() => select(connectionId, scope.id)}
            >
              <Icon name={scope.kind === 'account' ? 'key' : 'layers'} size={14} />
              <Name className="scope-name">{scope.name}</Name>
              <span className="count" aria-label={`${scope.keyCount} keys`}>
                {scope.keyCount}
              </span>
            </button>
            <ScopeTree connectionId={connectionId} scopes={scopes} parentId={scope.id} />
          </li>
        );
      })}
    </ul>
  );
}

export function Sidebar() {
  const { connections, scopes, selection, progress, view } = useApp(
    useShallow((s) => ({ connections: s.connections, scopes: s.scopes, selection: s.selection, progress: s.progress, view: s.view })),
  );
  const select = useApp((s) => s.select);
  const open = useApp((s) => s.open);
  const showJournal = useApp((s) => s.showJournal);
  const showHealth = useApp((s) => s.showHealth);
  const showChanges = useApp((s) => s.showChanges);
  const showVault = useApp((s) => s.showVault);
  const showSettings = useApp((s) => s.showSettings);
  const review = useApp((s) => s.status?.mode === 'review');
  const allSelected = view === 'keys' && selection.connectionId === null;

  return (
    <nav className="sidebar" aria-label="Connections">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="key" size={18} />
        </span>
        <span className="brand-name">Keyfleet</span>
      </div>
      <div className="sidebar-section-title">
        <span>Connections</span>
        <button
          type="button"
          className="icon-button on-dark"
          aria-label="Add connection"
          title={review ? 'Not while reviewing a copy' : 'Add connection'}
          disabled={review}
          onClick={() => open({ kind: 'add-connection' })}
        >
          <Icon name="plus" />
        </button>
      </div>
      {connections.length === 0 ? (
        <p className="sidebar-empty">No connections yet.</p>
      ) : (
        <ul className="connection-list">
          <li className="connection">
            <button
              type="button"
              className={`connection-item all-keys${allSelected ? ' selected' : ''}`}
              aria-current={allSelected ? 'true' : undefined}
              onClick={() => select(null, null)}
            >
              <Icon name="layers" size={14} />
              <span className="connection-name">All keys</span>
            </button>
          </li>
          {connections.map((connection) => {
            const selected = view === 'keys' && selection.connectionId === connection.id && selection.scopeId === null;
            const syncing = connection.syncing || progress[connection.id] !== undefined;
            return (
              <li key={connection.id} className="connection">
                <button
                  type="button"
                  className={`connection-item${selected ? ' selected' : ''}`}
                  aria-current={selected ? 'true' : undefined}
                  onClick={() => select(connection.id, null)}
                >
                  <span className="connection-color" style={{ backgroundColor: connection.color }} aria-hidden="true" />
                  <span className="connection-text">
                    <Name className="connection-name">{connection.name}</Name>
                    <span className="connection-meta">
                      {/* First in the line, so a long host never hides it. */}
                      {connection.plainHttp ? <PlainHttpMark /> : null}
                      {kindLabel(connection.kind)} · {hostOf(connection.baseUrl)}
                    </span>
                    <span className={`connection-sync${connection.lastSync?.result === 'failed' ? ' failed' : ''}`}>
                      {syncLabel(connection, syncing)}
                    </span>
                  </span>
                </button>
                <ScopeTree connectionId={connection.id} scopes={scopes[connection.id] ?? []} parentId={null} />
              </li>
            );
          })}
        </ul>
      )}
      <div className="sidebar-footer">
        {review ? null : (
          <button
            type="button"
            className={`connection-item${view === 'vault' ? ' selected' : ''}`}
            aria-current={view === 'vault' ? 'page' : undefined}
            onClick={showVault}
          >
            <Icon name="lock" size={14} />
            <span className="connection-name">My vault</span>
          </button>
        )}
        <button
          type="button"
          className={`connection-item${view === 'health' ? ' selected' : ''}`}
          aria-current={view === 'health' ? 'page' : undefined}
          onClick={showHealth}
          disabled={connections.length === 0}
        >
          <Icon name="alert" size={14} />
          <span className="connection-name">Key health</span>
        </button>
        <button
          type="button"
          className={`connection-item${view === 'changes' ? ' selected' : ''}`}
          aria-current={view === 'changes' ? 'page' : undefined}
          onClick={showChanges}
          disabled={connections.length === 0}
        >
          <Icon name="sync" size={14} />
          <span className="connection-name">What changed</span>
        </button>
        <button
          type="button"
          className={`connection-item${view === 'journal' ? ' selected' : ''}`}
          aria-current={view === 'journal' ? 'page' : undefined}
          onClick={showJournal}
        >
          <Icon name="list" size={14} />
          <span className="connection-name">Action journal</span>
        </button>
        <button
          type="button"
          className={`connection-item${view === 'settings' ? ' selected' : ''}`}
          aria-current={view === 'settings' ? 'page' : undefined}
          title="Settings (,)"
          onClick={showSettings}
        >
          <Icon name="settings" size={14} />
          <span className="connection-name">Settings</span>
        </button>
      </div>
    </nav>
  );
}
