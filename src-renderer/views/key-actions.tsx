// What the user may do with one key, honest about what its backend can do: the same actions in
// the table's row (icons) and in the detail pane (labelled buttons), from one description.
import type { ActionName, ActionSupport, ConnectionView, KeyView } from '../../src-preload/contract.ts';
import { Icon, type IconName } from '../components/icons.tsx';
import { isolate } from '../components/name.tsx';
import { keyRef, useApp } from '../state/store.ts';
import type { Modal } from '../state/types.ts';

/**
 * What the user may do with a key of this connection now: the backend's actions, narrowed by the
 * key's type, and none that need the backend while it cannot be reached (a local label still can)
 * or while its scope refuses changes (`locked`: why, e.g. a deactivated Rancher environment).
 */
export function effectiveActions(connection: ConnectionView, typed?: Partial<Record<ActionName, ActionSupport>>, locked?: string | null): Record<ActionName, ActionSupport> {
  const actions = { ...connection.capabilities.actions, ...typed };
  if (connection.reachability !== 'offline' && !locked) return actions;
  const note = locked ?? `${isolate(connection.name)} cannot be reached right now; this needs the backend. Keyfleet reconnects by itself.`;
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

export function displayNameOf(key: Pick<KeyView, 'localLabel' | 'name' | 'id'>): string {
  return key.localLabel ?? (key.name || key.id);
}

/** The label of a key's type as its backend names it, without a trailing "API key". */
export function typeLabelOf(connection: ConnectionView, key: KeyView): string {
  return (connection.capabilities.createForm.types.find((t) => t.id === key.type)?.label ?? key.type).replace(/ (API )?key$/, '');
}

export interface KeyAction {
  id: 'edit' | 'activate' | 'deactivate' | 'rotate' | 'delete' | 'hide';
  icon: IconName;
  /** The button's text in the detail pane; the row's icon says it with the key's name. */
  label: string;
  /** The detail pane's text, where it differs. */
  paneLabel?: string;
  support: ActionSupport;
  disabled: boolean;
  /** Why it is disabled for this key (beyond what the backend says), for the tooltip. */
  reason?: string;
  danger?: boolean;
  run: () => void;
}

/** The actions of one key, in the order the row and the detail pane show them. */
export function useKeyActions(keyView: KeyView, connection: ConnectionView): KeyAction[] {
  const busy = useApp((s) => s.busyKeys[keyRef(keyView)]);
  const open = useApp((s) => s.open);
  const setKeyActive = useApp((s) => s.setKeyActive);
  const hideKey = useApp((s) => s.hideKey);
  const keyType = connection.capabilities.createForm.types.find((t) => t.id === keyView.type);
  const scope = useApp((s) => s.scopes[keyView.connectionId]?.find((x) => x.id === keyView.scopeId));
  // A key type may narrow what the backend offers (a token that cannot be renamed, say).
  const actions = effectiveActions(connection, keyType?.actions, scope?.inactive ?? scope?.readOnly);
  const settled = keyView.status === 'active' || keyView.status === 'inactive';
  const working = busy ? `Busy: ${busy}` : undefined;
  const opening = (modal: Modal) => () => open(modal);

  if (keyView.goneSince !== null) {
    const gone: ActionSupport = { mode: 'native', note: 'The key is gone from the backend; this hides its row.' };
    return [{ id: 'hide', icon: 'eyeOff', label: 'Hide', paneLabel: 'Hide this row', support: gone, disabled: false, run: () => void hideKey(keyView) }];
  }
  const local = actions.rename.mode === 'composed';
  return [
    { id: 'edit', icon: 'pencil', label: local ? 'Label' : 'Edit', support: actions.rename, disabled: Boolean(busy), reason: working, run: opening({ kind: 'edit-key', key: keyView }) },
    keyView.status === 'active'
      ? { id: 'deactivate', icon: 'pause', label: 'Deactivate', support: actions.deactivate, disabled: Boolean(busy), reason: working, run: () => void setKeyActive(keyView, false) }
      : {
          id: 'activate',
          icon: 'play',
          label: 'Activate',
          support: actions.activate,
          disabled: Boolean(busy) || !settled,
          reason: working ?? (settled ? undefined : `It is ${keyView.status}.`),
          run: () => void setKeyActive(keyView, true),
        },
    {
      id: 'rotate',
      icon: 'sync',
      label: actions.rotate.mode === 'native' ? 'Regenerate' : 'Rotate',
      support: actions.rotate,
      disabled: Boolean(busy) || keyView.status === 'revoked' || keyView.status === 'pending',
      reason: working ?? (keyView.status === 'revoked' || keyView.status === 'pending' ? `It is ${keyView.status}.` : undefined),
      run: opening({ kind: 'rotate', key: keyView }),
    },
    {
      id: 'delete',
      icon: 'trash',
      label: 'Delete',
      support: actions.delete,
      disabled: Boolean(busy) || keyView.status === 'revoked',
      reason: working ?? (keyView.status === 'revoked' ? 'It is already revoked.' : undefined),
      danger: true,
      run: opening({ kind: 'delete-key', key: keyView }),
    },
  ];
}

/** A tooltip that says what the action does, and why it is unavailable when it is. */
export function actionTitle(label: string, action: Pick<KeyAction, 'support' | 'reason'>): string {
  const { support } = action;
  if (support.mode === 'unavailable') return `${label}: not available — ${support.note ?? 'this backend does not offer it'}`;
  if (action.reason) return `${label}: not now — ${action.reason}`;
  return support.note ? `${label} (${support.mode}): ${support.note}` : label;
}

const unavailable = (action: KeyAction) => action.support.mode === 'unavailable' || action.disabled;

/** The row's actions: icon buttons named with the key's name. */
export function RowActions({ actions, keyName }: { actions: KeyAction[]; keyName: string }) {
  return (
    <div className="row-actions">
      {actions.map((action) => {
        const label = `${action.label} ${keyName}`;
        return (
          <button
            key={action.id}
            type="button"
            className={`icon-button${action.danger ? ' danger' : ''}`}
            aria-label={label}
            title={actionTitle(`${action.label} ${isolate(keyName)}`, action)}
            disabled={unavailable(action)}
            onClick={(event) => {
              event.stopPropagation();
              action.run();
            }}
          >
            <Icon name={action.icon} />
          </button>
        );
      })}
    </div>
  );
}

/** The detail pane's actions: labelled buttons, unavailable ones disabled with their reason. */
export function PaneActions({ actions, keyName }: { actions: KeyAction[]; keyName: string }) {
  return (
    <div className="detail-actions" role="group" aria-label={`Actions for ${keyName}`}>
      {actions.map((action) => (
        <button
          key={action.id}
          type="button"
          className={`button small${action.danger ? ' danger-outline' : ''}`}
          title={actionTitle(`${action.label} ${isolate(keyName)}`, action)}
          disabled={unavailable(action)}
          onClick={action.run}
        >
          <Icon name={action.icon} size={14} /> {action.paneLabel ?? action.label}
        </button>
      ))}
    </div>
  );
}
