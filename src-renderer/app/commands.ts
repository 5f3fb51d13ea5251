// What the app menu's commands (the `app.command` event) and the matching keys do in the window.
import type { AppCommand } from '../../src-preload/contract.ts';
import { useApp } from '../state/store.ts';

export function focusFilter(): void {
  document.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
}

export function runAppCommand(command: AppCommand): void {
  const state = useApp.getState();
  const review = state.status?.mode === 'review';
  const actions: Record<AppCommand, () => void> = {
    'add-connection': () => {
      if (!review && state.modal.kind === 'none') state.open({ kind: 'add-connection' });
    },
    // The same action as the pane's "Sync all" button, summary included.
    'sync-all': () => void state.syncAll(),
    'lock-vault': () => void state.lockVault(),
    settings: () => state.showSettings(),
    shortcuts: () => {
      if (state.modal.kind === 'none') state.open({ kind: 'shortcuts' });
    },
    filter: () => {
      if (state.view !== 'keys') state.select(state.selection.connectionId, state.selection.scopeId);
      requestAnimationFrame(focusFilter);
    },
  };
  actions[command]();
}
