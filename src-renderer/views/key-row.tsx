// One row of the key table. Every text that may not fit ends in an ellipsis and carries its whole
// value as a tooltip; the status says what a key is to others (held, replaced, a replacement).
import { memo, type ReactNode } from 'react';
import type { ConnectionView, KeyLink, KeyView } from '../../src-preload/contract.ts';
import { absoluteTime, relativeTime, shortDate, shortTime } from '../app/format.ts';
import { isolate, Name } from '../components/name.tsx';
import { StatusPill } from '../components/status-pill.tsx';
import { keyRef, useApp } from '../state/store.ts';
import { displayNameOf, RowActions, typeLabelOf, useKeyActions } from './key-actions.tsx';
import type { Column } from './key-columns.ts';

export const ROW_HEIGHT = 58;

/** Text that ends in an ellipsis when it does not fit, with all of it in the tooltip. */
export function Clip({ children, title, className }: { children: ReactNode; title: string | undefined; className?: string }) {
  return (
    <span className={`clip${className ? ` ${className}` : ''}`} title={title}>
      {children}
    </span>
  );
}

/** "replaced by “x” (AK…12)" / "replaces “x”": the other key of a rotation, told apart by its access key. */
export function rotationNote(key: Pick<KeyView, 'replacedBy' | 'replaces'>): { text: string; title: string } | null {
  const describe = (link: KeyLink) => `“${isolate(link.name)}”${link.maskedValue ? ` (${link.maskedValue})` : ''}`;
  if (key.replacedBy) {
    const link = key.replacedBy;
    return {
      text: `replaced by ${describe(link)}`,
      title: `Rotated ${absoluteTime(link.at)}: replaced by ${describe(link)}${link.done ? '' : '; both keys work until this one is retired'}.`,
    };
  }
  if (key.replaces) {
    const link = key.replaces;
    return {
      text: `replaces ${describe(link)}`,
      title: `Created ${absoluteTime(link.at)} by a rotation; replaces ${describe(link)}${link.present ? '' : ', which is deleted'}.`,
    };
  }
  return null;
}

/**
 * One key's row. Memoized: a new page arriving, a keystroke in the filter or a scroll re-renders
 * the table, but a row whose key and place did not change is left as it is.
 */
export const KeyRow = memo(function KeyRow(props: {
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
  const selectKey = useApp((s) => s.selectKey);
  const actions = useKeyActions(keyView, connection);
  const displayName = displayNameOf(keyView);
  const typeLabel = typeLabelOf(connection, keyView);
  const heldRevoked = keyView.status === 'revoked' && keyView.holdReason === 'revoked' && keyView.holdUntil !== null;
  const ghost = keyView.goneSince !== null;
  const rotation = rotationNote(keyView);
  const sub = [props.scopeName, keyView.description].filter((t): t is string => Boolean(t)).map(isolate).join(' · ');

  const cells: Record<Column['id'], ReactNode> = {
    name: (
      <>
        <div className={`key-name${keyView.name || keyView.localLabel ? '' : ' unnamed'}`}>
          <Clip title={isolate(displayName)}>
            <Name>{displayName}</Name>
          </Clip>
          {keyView.localLabel ? (
            <span className="local-badge" title={`Label kept in Keyfleet only; the backend calls it “${isolate(keyView.name || keyView.id)}”.`}>
              local label
            </span>
          ) : null}
        </div>
        {sub ? (
          <div className="key-sub" title={sub}>
            {props.scopeName ? <Name className="key-scope">{props.scopeName}</Name> : null}
            {keyView.description ? <Name className="key-description">{keyView.description}</Name> : null}
          </div>
        ) : null}
      </>
    ),
    connection: (
      <span className="connection-cell">
        <span className="connection-color" style={{ backgroundColor: connection.color }} aria-hidden="true" />
        <Clip title={isolate(connection.name)}>
          <Name>{connection.name}</Name>
        </Clip>
      </span>
    ),
    type: <Clip title={typeLabel}>{typeLabel}</Clip>,
    status: ghost ? (
      <>
        <span className="pill pill-gone" title={`Last seen ${absoluteTime(keyView.lastSeenAt)}`}>
          <span className="pill-dot" aria-hidden="true" />
          Gone
        </span>
        <Clip className="status-note muted-note" title={`Gone since ${absoluteTime(keyView.goneSince)}; last seen ${absoluteTime(keyView.lastSeenAt)}`}>
          since {relativeTime(keyView.goneSince)}; last seen {shortDate(keyView.lastSeenAt)}
        </Clip>
      </>
    ) : (
      <>
        {busy ? <span className="pill pill-pending">{busy}</span> : <StatusPill status={keyView.status} detail={keyView.statusDetail} />}
        {heldRevoked ? (
          <Clip className="status-note" title={`It may still authenticate until ${absoluteTime(keyView.holdUntil)}`}>
            may still authenticate until {shortTime(keyView.holdUntil!)}
          </Clip>
        ) : rotation ? (
          <Clip className="status-note muted-note" title={rotation.title}>
            {rotation.text}
          </Clip>
        ) : null}
      </>
    ),
    created: <Clip title={absoluteTime(keyView.createdAt)}>{shortDate(keyView.createdAt)}</Clip>,
    expires: keyView.expiresAt ? (
      <Clip title={absoluteTime(keyView.expiresAt)}>{shortDate(keyView.expiresAt)}</Clip>
    ) : (
      <Clip className="muted" title="Never expires">
        never
      </Clip>
    ),
    masked: (
      <code className="masked" title={keyView.maskedValue ?? 'None shown by the backend'}>
        {keyView.maskedValue ?? '—'}
      </code>
    ),
    actions: <RowActions actions={actions} keyName={displayName} />,
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
        if (event.key === 'Enter') {
          event.preventDefault();
          selectKey({ connectionId: keyView.connectionId, keyId: keyView.id });
          return;
        }
        // Row shortcuts (listed under "?"): edit, rotate, delete — when the row offers them.
        const id = ({ e: 'edit', r: 'rotate', Delete: 'delete' } as const)[event.key as 'e' | 'r' | 'Delete'];
        const action = id ? actions.find((a) => a.id === id) : undefined;
        if (action && action.support.mode !== 'unavailable' && !action.disabled) {
          event.preventDefault();
          action.run();
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
