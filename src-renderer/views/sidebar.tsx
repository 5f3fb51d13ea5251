// The sidebar: the connections (each with its scope tree, folded or not, remembered) in a list that
// scrolls on its own, and below it the views (vault, health, changes, journal, settings), always in
// view however many connections there are. A compact mode lists each connection on one line.
import { useShallow } from 'zustand/react/shallow';
import { Icon, type IconName } from '../components/icons.tsx';
import { useApp } from '../state/store.ts';
import type { View } from '../state/types.ts';
import { SidebarConnection } from './sidebar-connection.tsx';
import './sidebar.css';

function ViewLink(props: { view: View; current: View; icon: IconName; label: string; onClick: () => void; disabled?: boolean; title?: string }) {
  const selected = props.view === props.current;
  return (
    <button
      type="button"
      className={`connection-item${selected ? ' selected' : ''}`}
      aria-current={selected ? 'page' : undefined}
      title={props.title}
      onClick={props.onClick}
      disabled={props.disabled}
    >
      <Icon name={props.icon} size={14} />
      <span className="connection-name">{props.label}</span>
    </button>
  );
}

export function Sidebar() {
  const { connections, selection, view, compact, collapsed } = useApp(
    useShallow((s) => ({
      connections: s.connections,
      selection: s.selection,
      view: s.view,
      compact: s.settings?.values.compactSidebar ?? false,
      collapsed: s.settings?.values.collapsedConnections,
    })),
  );
  const select = useApp((s) => s.select);
  // Every key listed under the connections' scopes (each key is counted in its own scope only).
  const keyTotal = useApp((s) => Object.values(s.scopes).reduce((n, scopes) => n + scopes.reduce((m, scope) => m + scope.keyCount, 0), 0));
  const open = useApp((s) => s.open);
  const saveLayout = useApp((s) => s.saveLayout);
  const showJournal = useApp((s) => s.showJournal);
  const showHealth = useApp((s) => s.showHealth);
  const showChanges = useApp((s) => s.showChanges);
  const showVault = useApp((s) => s.showVault);
  const showSettings = useApp((s) => s.showSettings);
  const review = useApp((s) => s.status?.mode === 'review');
  const allSelected = view === 'keys' && selection.connectionId === null;
  const allFolded = connections.length > 0 && connections.every((c) => collapsed?.includes(c.id));

  return (
    // Not a landmark itself: its two navigations are.
    <div className={`sidebar${compact ? ' compact' : ''}`}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="key" size={18} />
        </span>
        <span className="brand-name">Keyfleet</span>
      </div>
      <nav className="sidebar-connections" aria-label="Connections">
        <div className="sidebar-section-title">
          <span>Connections</span>
          <span className="sidebar-tools">
            {connections.length > 0 ? (
              <>
                <button
                  type="button"
                  className="icon-button on-dark"
                  aria-label={allFolded ? 'Show every connection’s scopes' : 'Fold every connection’s scopes'}
                  title={allFolded ? 'Show every connection’s scopes' : 'Fold every connection’s scopes'}
                  onClick={() => saveLayout({ collapsedConnections: allFolded ? [] : connections.map((c) => c.id) })}
                >
                  <Icon name={allFolded ? 'unfold' : 'fold'} />
                </button>
                <button
                  type="button"
                  className="icon-button on-dark"
                  aria-label="Compact list"
                  aria-pressed={compact}
                  title={compact ? 'Show each connection’s backend and sync state' : 'One line per connection'}
                  onClick={() => saveLayout({ compactSidebar: !compact })}
                >
                  <Icon name="compact" />
                </button>
              </>
            ) : null}
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
          </span>
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
                <span className="count" aria-label={`${keyTotal} ${keyTotal === 1 ? 'key' : 'keys'}`}>
                  {keyTotal.toLocaleString()}
                </span>
              </button>
            </li>
            {connections.map((connection) => (
              <SidebarConnection key={connection.id} connection={connection} compact={compact} />
            ))}
          </ul>
        )}
      </nav>
      <nav className="sidebar-footer" aria-label="Views">
        {review ? null : <ViewLink view="vault" current={view} icon="lock" label="My vault" onClick={showVault} />}
        <ViewLink view="health" current={view} icon="alert" label="Key health" onClick={showHealth} disabled={connections.length === 0} />
        <ViewLink view="changes" current={view} icon="sync" label="What changed" onClick={showChanges} disabled={connections.length === 0} />
        <ViewLink view="journal" current={view} icon="list" label="Action journal" onClick={showJournal} />
        <ViewLink view="settings" current={view} icon="settings" label="Settings" title="Settings (,)" onClick={showSettings} />
      </nav>
    </div>
  );
}
