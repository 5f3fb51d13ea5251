// One connection in the sidebar: its entry (colour, name, backend, how fresh its inventory is),
// a button that folds its scope tree, and the tree. Selecting any of them filters the key table.
import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionView, ScopeView } from '../../src-preload/contract.ts';
import { hostOf, kindLabel } from '../app/format.ts';
import { freshnessOf } from '../app/freshness.ts';
import { Icon } from '../components/icons.tsx';
import { isolate, Name } from '../components/name.tsx';
import { PlainHttpMark } from '../components/plain-http-mark.tsx';
import { useApp } from '../state/store.ts';

const NO_SCOPES: ScopeView[] = [];

function ScopeTree({ connectionId, scopes, parentId, id }: { connectionId: string; scopes: ScopeView[]; parentId: string | null; id?: string }) {
  const selection = useApp((s) => s.selection);
  const view = useApp((s) => s.view);
  const select = useApp((s) => s.select);
  const children = scopes.filter((s) => s.parentId === parentId);
  if (children.length === 0) return null;
  return (
    <ul className="scope-list" id={id}>
      {children.map((scope) => {
        const selected = view === 'keys' && selection.connectionId === connectionId && selection.scopeId === scope.id;
        return (
          <li key={scope.id}>
            <button
              type="button"
              className={`scope-item${selected ? ' selected' : ''}`}
              aria-current={selected ? 'true' : undefined}
              title={isolate(scope.name)}
              onClick={() => select(connectionId, scope.id)}
            >
              <Icon name={scope.kind === 'account' ? 'key' : 'layers'} size={14} />
              <Name className="scope-name">{scope.name}</Name>
              {scope.inactive ? (
                <span className="scope-tag" title={scope.inactive}>
                  inactive
                </span>
              ) : scope.readOnly ? (
                <span className="scope-tag" title={scope.readOnly}>
                  read-only
                </span>
              ) : null}
              <span className="count" aria-label={`${scope.keyCount} keys`}>
                {scope.keyCount.toLocaleString()}
              </span>
            </button>
            <ScopeTree connectionId={connectionId} scopes={scopes} parentId={scope.id} />
          </li>
        );
      })}
    </ul>
  );
}

export const SidebarConnection = memo(function SidebarConnection({ connection, compact }: { connection: ConnectionView; compact: boolean }) {
  const { selected, scopes, progress, folded } = useApp(
    useShallow((s) => ({
      selected: s.view === 'keys' && s.selection.connectionId === connection.id && s.selection.scopeId === null,
      scopes: s.scopes[connection.id] ?? NO_SCOPES,
      progress: s.progress[connection.id],
      folded: s.settings?.values.collapsedConnections.includes(connection.id) ?? false,
    })),
  );
  const select = useApp((s) => s.select);
  const saveLayout = useApp((s) => s.saveLayout);
  const collapsed = useApp((s) => s.settings?.values.collapsedConnections);
  const fresh = freshnessOf(connection, connection.syncing || progress !== undefined);
  const treeId = `scopes-${connection.id}`;
  const hasScopes = scopes.length > 0;

  function toggle() {
    const others = (collapsed ?? []).filter((id) => id !== connection.id);
    saveLayout({ collapsedConnections: folded ? others : [...others, connection.id] });
  }

  return (
    <li className={`connection${compact ? ' compact' : ''}`}>
      <div className="connection-row">
        <button
          type="button"
          className={`connection-item${selected ? ' selected' : ''}`}
          aria-current={selected ? 'true' : undefined}
          title={`${isolate(connection.name)} — ${kindLabel(connection.kind)}, ${hostOf(connection.baseUrl)}${connection.plainHttp ? ', over plain http' : ''}. ${fresh.title}`}
          onClick={() => select(connection.id, null)}
        >
          <span className="connection-color" style={{ backgroundColor: connection.color }} aria-hidden="true" />
          <span className="connection-text">
            <Name className="connection-name">{connection.name}</Name>
            {compact ? (
              <span className="visually-hidden">{fresh.label}</span>
            ) : (
              <>
                <span className="connection-meta">
                  {/* First in the line, so a long host never hides it. */}
                  {connection.plainHttp ? <PlainHttpMark /> : null}
                  {kindLabel(connection.kind)} · {hostOf(connection.baseUrl)}
                </span>
                <span className={`connection-sync ${fresh.state}`}>{fresh.label}</span>
              </>
            )}
          </span>
          {compact && connection.plainHttp ? <PlainHttpMark compact /> : null}
          {compact && fresh.state !== 'ok' ? <span className={`sync-dot ${fresh.state}`} aria-hidden="true" /> : null}
        </button>
        {hasScopes ? (
          <button
            type="button"
            className={`icon-button on-dark fold-button${folded ? '' : ' open'}`}
            aria-expanded={!folded}
            aria-controls={folded ? undefined : treeId}
            aria-label={`Scopes of ${connection.name}`}
            title={folded ? 'Show its scopes' : 'Fold its scopes away'}
            onClick={toggle}
          >
            <Icon name="chevron" size={14} />
          </button>
        ) : null}
      </div>
      {folded ? null : <ScopeTree connectionId={connection.id} scopes={scopes} parentId={null} id={treeId} />}
    </li>
  );
});
