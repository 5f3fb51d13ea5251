// The key table: virtualized (only the rows in view exist in the DOM), fed page by page from the
// core as it scrolls, sortable by a click anywhere on a header. Its columns are those that fit the
// width it has (the rest are in the detail pane), every clipped text ends in an ellipsis with the
// whole value as its tooltip, and the actions column stays in view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionView } from '../../src-preload/contract.ts';
import { KEY_PAGE, useApp } from '../state/store.ts';
import { KeyRow, ROW_HEIGHT } from './key-row.tsx';
import { useFittingColumns, type Column } from './key-columns.ts';
import './key-table.css';

// Memoized: a keystroke in the filter re-renders the pane, not the table (until its rows change).
export const KeyTable = memo(function KeyTable(props: { connections: ConnectionView[]; showConnection: boolean; showExpiry: boolean; scopeNames: Map<string, string>; showScope: boolean }) {
  const { pages, total, version, sort, selectedKey } = useApp(
    useShallow((s) => ({ pages: s.keyPages, total: s.totalKeys, version: s.keysVersion, sort: s.sort, selectedKey: s.selectedKey })),
  );
  const ensureKeys = useApp((s) => s.ensureKeys);
  const toggleSort = useApp((s) => s.toggleSort);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { showConnection, showExpiry } = props;
  const columns = useFittingColumns(scrollRef, showConnection, showExpiry);
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
    if (!row || !scrollRef.current || event.target !== row) return;
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
          {columns.map((column) => (
            <HeaderCell key={column.id} column={column} sort={sort} onSort={toggleSort} />
          ))}
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

/** A column's header: the whole cell is the sort button, so a click anywhere on it sorts. */
function HeaderCell({ column, sort, onSort }: { column: Column; sort: { column: string; direction: 'asc' | 'desc' }; onSort: (column: NonNullable<Column['sort']>) => void }) {
  const active = column.sort !== null && sort.column === column.sort;
  return (
    <div
      role="columnheader"
      className={`cell cell-${column.id}${column.sort ? ' sortable' : ''}`}
      aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      {column.sort ? (
        <button type="button" className="sort-button" title={column.hint ?? `Sort by ${column.label.toLowerCase()}`} onClick={() => onSort(column.sort!)}>
          <span className="clip">{column.label}</span>
          <span className="sort-mark" aria-hidden="true">
            {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
          </span>
        </button>
      ) : (
        <span className="clip" title={column.label}>
          {column.label}
        </span>
      )}
    </div>
  );
}
