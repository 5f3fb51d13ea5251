// The key table: virtualized (only the rows in view exist in the DOM), fed page by page from the
// core as it scrolls, sortable, with each row's actions honest about what the backend can do.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ActionName, ActionSupport, ConnectionView, KeyView, SortColumn } from '../../src-preload/contract.ts';
import { absoluteTime, relativeTime, shortDate, shortTime } from '../app/format.ts';
import { Icon, type IconName } from '../components/icons.tsx';
import { isolate, Name } from '../components/name.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { KEY_PAGE, keyRef, useApp } from '../state/store.ts';
import './key-table.css';

const ROW_HEIGHT = 58;

interface Column {
  id: string;
  sort: SortColumn | null;
  label: string;
  width: string;
}

const COLUMNS: Column[] = [
  { id: 'name', sort: 'name', label: 'Name', width: 'minmax(220px, 2.4fr)' },
  { id: 'connection', sort: null, label: 'Connection', width: 'minmax(120px, 1fr)' },
  { id: 'type', sort: 'type', label: 'Type', width: 'minmax(96px, 0.9fr)' },
  { id: 'status', sort: 'status', label: 'Status', width: 'minmax(175px, 1.1fr)' },
  { id: 'created', sort: 'createdAt', label: 'Created', width: '112px' },
  { id: 'expires', sort: 'expiresAt', label: 'Expires', width: '112px' },
  { id: 'masked', sort: null, label: 'Access key / prefix', width: 'minmax(150px, 1.2fr)' },
  { id: 'actions', sort: null, label: 'Actions', width: '140px' },
];

function actionTitle(label: string, support: ActionSupport): string {
  if (support.mode === 'unavailable') return `${label}: not available — ${support.note ?? 'this backend does not offer it'}`;
  return support.note ? `${label} (${support.mode}): ${support.note}` : label;
}

function ActionButton(props: { icon: IconName; label: string; support: ActionSupport; disabled?: boolean; danger?: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      className={`icon-button${props.danger ? ' danger' : ''}`}
      aria-label={props.label}
      title={actionTitle(props.label, props.support)}
      disabled={props.support.mode === 'unavailable' || props.disabled}
      onClick={(event) => {
        event.stopPropagation();
        props.onClick();
      }}
    >
      <Icon name={props.icon} />
    </button>
  );
}

/**
 * What the user may do with a key of this connection now: the backend's actions, narrowed by the
 * key's type, and none that need the backend while it cannot be reached (a local label still can).
 */
export function effectiveActions(connection: ConnectionView, typed?: Partial<Record<ActionName, ActionSupport>>): Record<ActionName, ActionSupport> {
  const actions = { ...connection.capabilities.actions, ...typed };
  if (connection.reachability !== 'offline') return actions;
  const note = `${isolate(connection.name)} cannot be reached right now; this needs the backend. Keyfleet reconnects by itself.`;
  const offline = (support: ActionSupport): ActionSupport => ({ mode: 'unavailable', note: support.mode === 'unavailable' ? (support.note ?? note) : note });
  return {
    create: offline(actions.create),
    rename: actions.rename.mode === 'composed' ? actions.rename : offline(actions.rename),
    rotate: offline(actions.rotate),
    activate: offline(actions.activate),
    deactivate: offline(actions.deactivate),
    delete: offline(actions.delete),
  };
}

export function displayNameOf(key: KeyView): string {
  return key.localLabel ?? (key.name || key.id);
}

/**
 * One key's row. Memoized: a new page arriving, a keystroke in the filter or a scroll re-renders
 * the table, but a row whose key and place did not change is left as it is.
 */
const KeyRow = memo(function KeyRow(props: {
  keyView: KeyView;
  connection: ConnectionView;
  columns: Column[];
  template: string;
  scopeName: string | undefined;
  top: number;
  index: number;
  selected: boolean;
}) {
  const { keyView, connection } = props;
  const busy = useApp((s) => s.busyKeys[keyRef(keyView)]);
  const open = useApp((s) => s.open);
  const setKeyActive = useApp((s) => s.setKeyActive);
  const selectKey = useApp((s) => s.selectKey);
  const keyType = connection.capabilities.createForm.types.find((t) => t.id === keyView.type);
  // A key type may narrow what the backend offers (a token that cannot be renamed, say).
  const actions = effectiveActions(connection, keyType?.actions);
  const typeLabel = (connection.capabilities.createForm.types.find((t) => t.id === keyView.type)?.label ?? keyView.type).replace(/ (API )?key$/, '');
  const settled = keyView.status === 'active' || keyView.status === 'inactive';
  const displayName = displayNameOf(keyView);
  const heldRevoked = keyView.status === 'revoked' && keyView.holdReason === 'revoked' && keyView.holdUntil !== null;

  const ghost = keyView.goneSince !== null;
  const hideKey = useApp((s) => s.hideKey);

  const cells: Record<string, ReactNode> = {
    name: (
      <>
        <div className={`key-name${keyView.name || keyView.localLabel ? '' : ' unnamed'}`}>
          <Name>{displayName}</Name>
          {keyView.localLabel ? (
            <span className="local-badge" title={`Label kept in Keyfleet only; the backend calls it “${isolate(keyView.name || keyView.id)}”.`}>
              local label
            </span>
          ) : null}
        </div>
        {keyView.description || props.scopeName ? (
          <div className="key-sub">
            {props.scopeName ? <Name className="key-scope">{props.scopeName}</Name> : null}
            {keyView.description ? <Name className="key-description">{keyView.description}</Name> : null}
          </div>
        ) : null}
      </>
    ),
    connection: (
      <span className="cell-connection">
        <span className="connection-color" style={{ backgroundColor: connection.color }} aria-hidden="true" />
        <Name>{connection.name}</Name>
      </span>
    ),
    type: typeLabel,
    status: ghost ? (
      <>
        <span className="pill pill-gone" title={`Last seen ${absoluteTime(keyView.lastSeenAt)}`}>
          <span className="pill-dot" aria-hidden="true" />
          Gone
        </span>
        <div className="status-note muted-note">since {relativeTime(keyView.goneSince)}; last seen {shortDate(keyView.lastSeenAt)}</div>
      </>
    ) : (
      <>
        {busy ? <span className="pill pill-pending">{busy}</span> : <StatusPill status={keyView.status} detail={keyView.statusDetail} />}
        {heldRevoked ? (
          <div className="status-note" title={absoluteTime(keyView.holdUntil)}>
            may still authenticate until {shortTime(keyView.holdUntil!)}
          </div>
        ) : null}
      </>
    ),
    created: <span title={absoluteTime(keyView.createdAt)}>{shortDate(keyView.createdAt)}</span>,
    expires: keyView.expiresAt ? <span title={absoluteTime(keyView.expiresAt)}>{shortDate(keyView.expiresAt)}</span> : <span className="muted">never</span>,
    masked: (
      <code className="masked" title={keyView.maskedValue ?? undefined}>
        {keyView.maskedValue ?? '—'}
      </code>
    ),
    actions: ghost ? (
      <div className="row-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Hide ${displayName}`}
          title="Hide this row: the key is gone from the backend."
          onClick={(event) => {
            event.stopPropagation();
            void hideKey(keyView);
          }}
        >
          <Icon name="x" />
        </button>
      </div>
    ) : (
      <div className="row-actions">
        <ActionButton icon="pencil" label={`Edit ${displayName}`} support={actions.rename} disabled={Boolean(busy)} onClick={() => open({ kind: 'edit-key', key: keyView })} />
        {keyView.status === 'active' ? (
          <ActionButton icon="power" label={`Deactivate ${displayName}`} support={actions.deactivate} disabled={Boolean(busy)} onClick={() => void setKeyActive(keyView, false)} />
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
    ),
  };

  return (
    <div
      role="row"
      aria-rowindex={props.index + 2}
      aria-selected={props.selected}
      tabIndex={0}
      className={`grid-row${busy ? ' busy' : ''}${props.selected ? ' selected' : ''}${ghost ? ' ghost' : ''}`}
      data-key-id={keyView.id}
      style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: props.template }}
      onClick={() => selectKey({ connectionId: keyView.connectionId, keyId: keyView.id })}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget || event.ctrlKey || event.metaKey || event.altKey) return;
        // Row shortcuts (listed under "?"): details, edit, rotate, delete.
        const act: Record<string, () => void> = {
          Enter: () => selectKey({ connectionId: keyView.connectionId, keyId: keyView.id }),
          e: () => actions.rename.mode !== 'unavailable' && open({ kind: 'edit-key', key: keyView }),
          r: () => actions.rotate.mode !== 'unavailable' && settled && open({ kind: 'rotate', key: keyView }),
          Delete: () => actions.delete.mode !== 'unavailable' && keyView.status !== 'revoked' && open({ kind: 'delete-key', key: keyView }),
        };
        const run = act[event.key];
        if (run && !busy && !ghost) {
          event.preventDefault();
          run();
        }
      }}
    >
      {props.columns.map((column) => (
        <div key={column.id} role="cell" className={`cell cell-${column.id}`}>
          {cells[column.id]}
        </div>
      ))}
    </div>
  );
});

// Memoized: a keystroke in the filter re-renders the pane, not the table (until its rows change).
export const KeyTable = memo(function KeyTable(props: { connections: ConnectionView[]; showConnection: boolean; showExpiry: boolean; scopeNames: Map<string, string>; showScope: boolean }) {
  const { pages, total, version, sort, selectedKey } = useApp(
    useShallow((s) => ({ pages: s.keyPages, total: s.totalKeys, version: s.keysVersion, sort: s.sort, selectedKey: s.selectedKey })),
  );
  const ensureKeys = useApp((s) => s.ensureKeys);
  const toggleSort = useApp((s) => s.toggleSort);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { showConnection, showExpiry } = props;
  // Stable between renders, so the memoized rows can skip re-rendering.
  const columns = useMemo(() => COLUMNS.filter((c) => (c.id !== 'connection' || showConnection) && (c.id !== 'expires' || showExpiry)), [showConnection, showExpiry]);
  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns]);
  const byId = useMemo(() => new Map(props.connections.map((c) => [c.id, c])), [props.connections]);

  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual's API is not memoizable; it is used as documented.
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 3 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (total > 0) void ensureKeys(first, last);
  }, [first, last, total, version, ensureKeys]);

  /** Arrow keys move between rows, scrolling the virtual list so the next row exists to focus. */
  function moveFocus(event: KeyboardEvent<HTMLDivElement>) {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[role="row"][aria-rowindex]');
    if (!row || !scrollRef.current) return;
    const index = Number(row.getAttribute('aria-rowindex')) - 2;
    const page = Math.max(1, Math.floor(scrollRef.current.clientHeight / ROW_HEIGHT) - 1);
    const targets: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, PageDown: index + page, PageUp: index - page, Home: 0, End: total - 1 };
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = Math.min(total - 1, Math.max(0, target));
    virtualizer.scrollToIndex(next, { align: 'auto' });
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[role="row"][aria-rowindex="${next + 2}"]`)?.focus());
  }

  // A new list (filter, sort, selection) starts at the top.
  useEffect(() => {
    // Only when scrolled: scrollTo forces a layout, on every keystroke of the filter.
    if (scrollRef.current && scrollRef.current.scrollTop !== 0) scrollRef.current.scrollTo({ top: 0 });
  }, [version]);

  return (
    <div className="table-wrap" ref={scrollRef} role="table" aria-label="Keys" aria-rowcount={total + 1} data-testid="key-table">
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className="grid-row header" style={{ gridTemplateColumns: template }}>
          {columns.map((column) => {
            const active = column.sort !== null && sort.column === column.sort;
            return (
              <div
                key={column.id}
                role="columnheader"
                className={`cell cell-${column.id}`}
                aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {column.sort ? (
                  <button type="button" className="sort-button" onClick={() => toggleSort(column.sort!)}>
                    {column.label}
                    <span className="sort-mark" aria-hidden="true">
                      {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                ) : (
                  column.label
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" className="grid-body" style={{ height: virtualizer.getTotalSize() }} onKeyDown={moveFocus}>
        {items.map((item) => {
          const key = pages[Math.floor(item.index / KEY_PAGE)]?.[item.index % KEY_PAGE];
          const connection = key ? byId.get(key.connectionId) : undefined;
          if (!key || !connection) {
            return (
              <div key={`loading-${item.index}`} role="row" aria-rowindex={item.index + 2} className="grid-row placeholder" style={{ transform: `translateY(${item.start}px)`, gridTemplateColumns: template }}>
                <div role="cell" className="cell">
                  <span className="skeleton" />
                </div>
              </div>
            );
          }
          return (
            <KeyRow
              key={`${key.connectionId}:${key.id}`}
              keyView={key}
              connection={connection}
              columns={columns}
              template={template}
              scopeName={props.showScope ? props.scopeNames.get(`${key.connectionId}:${key.scopeId}`) : undefined}
              top={item.start}
              index={item.index}
              selected={selectedKey?.connectionId === key.connectionId && selectedKey.keyId === key.id}
            />
          );
        })}
      </div>
    </div>
  );
});
