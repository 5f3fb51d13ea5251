// Keyboard shortcuts for the whole window, and the "?" sheet that lists them. Single-key
// shortcuts never fire while the user types in a field or a dialog is open.
import { useEffect } from 'react';
import { Modal } from '../components/modal.tsx';
import { useApp } from '../state/store.ts';
import { focusFilter } from './commands.ts';
import './shortcuts.css';

export const SHORTCUTS: Array<[string, string]> = [
  ['/', 'Filter keys'],
  ['n', 'Create a key in the selected connection'],
  ['s', 'Sync the selected connection'],
  ['↑ ↓  PgUp PgDn  Home End', 'Move between keys'],
  ['Enter', 'Show the key’s details'],
  ['e', 'Edit or label the key'],
  ['r', 'Rotate the key'],
  ['Delete', 'Delete the key'],
  ['Esc', 'Close a dialog or the details'],
  ['l', 'Lock the vault'],
  [',', 'Open the settings'],
  ['?', 'Show this list'],
];

function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return element !== null && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName));
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const state = useApp.getState();
      if (event.ctrlKey || event.metaKey || event.altKey || state.modal.kind !== 'none' || typing(event.target)) return;
      const connection = state.connections.find((c) => c.id === state.selection.connectionId);
      const handlers: Record<string, () => void> = {
        '/': focusFilter,
        '?': () => state.open({ kind: 'shortcuts' }),
        n: () => {
          if (connection && connection.capabilities.actions.create.mode !== 'unavailable' && (state.scopes[connection.id]?.length ?? 0) > 0) {
            state.open({ kind: 'create-key', connectionId: connection.id, scopeId: state.selection.scopeId });
          }
        },
        s: () => {
          if (connection && !connection.syncing && state.status?.mode !== 'review') void state.sync(connection.id);
        },
        Escape: () => state.selectKey(null),
        l: () => void state.lockVault(),
        ',': () => state.showSettings(),
      };
      const handler = handlers[event.key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function ShortcutsDialog() {
  const close = useApp((s) => s.close);
  return (
    <Modal title="Keyboard shortcuts" onRequestClose={close}>
      <dl className="shortcut-list">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys} className="shortcut">
            <dt>
              {keys.split('  ').map((k) => (
                <kbd key={k}>{k}</kbd>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
