// The window: sidebar of connections, the selected connection's keys, banners and dialogs.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Banner } from '../components/banner.tsx';
import { Name } from '../components/name.tsx';
import { useApp, type Modal } from '../state/store.ts';
import { api } from './bridge.ts';
import { runAppCommand } from './commands.ts';
import { BulkDialog } from '../views/bulk-dialog.tsx';
import { ShortcutsDialog, useShortcuts } from './shortcuts.tsx';
import { AddConnectionDialog, RemoveConnectionDialog } from '../views/connection-dialogs.tsx';
import { CreateKeyDialog } from '../views/create-key-dialog.tsx';
import { DeleteKeyDialog, EditKeyDialog } from '../views/key-dialogs.tsx';
import { RotationWizard } from '../views/rotation-wizard.tsx';
import { ChangesView } from '../views/changes-view.tsx';
import { HealthBoard } from '../views/health-board.tsx';
import { PolicyDialog } from '../views/policy-dialog.tsx';
import { VaultDeleteDialog, VaultEntryDialog, VaultImportDialog, VaultUnlockDialog } from '../views/vault-dialogs.tsx';
import { VaultBackupDialog, VaultExportEnvDialog, VaultRestoreDialog } from '../views/vault-files-dialogs.tsx';
import { VaultView } from '../views/vault-view.tsx';
import { JournalView } from '../views/journal-view.tsx';
import { KeyPane } from '../views/key-pane.tsx';
import { RevealDialog } from '../views/reveal-dialog.tsx';
import { Sidebar } from '../views/sidebar.tsx';
import { SettingsView } from '../views/settings-view.tsx';
import { NoConnections, Welcome } from '../views/welcome.tsx';
import './app.css';

export function App() {
  const { ready, status, connections, selection, banners, modal, pendingReveals, rotations, view, welcome } = useApp(
    useShallow((s) => ({
      // First run: nothing connected, nothing in the vault, and the welcome not put away.
      welcome: s.status?.mode === 'normal' && s.connections.length === 0 && (s.vault?.entries ?? 0) === 0 && s.settings?.values.welcomeDismissed === false,
      rotations: s.rotations,
      view: s.view,
      pendingReveals: s.pendingReveals,
      ready: s.ready,
      status: s.status,
      connections: s.connections,
      selection: s.selection,
      banners: s.banners,
      modal: s.modal,
    })),
  );
  const init = useApp((s) => s.init);
  const dismiss = useApp((s) => s.dismiss);
  const showPendingReveal = useApp((s) => s.showPendingReveal);
  const open = useApp((s) => s.open);
  // Unseen secrets of unfinished rotations are offered by the rotation itself.
  const rotating = new Set(rotations.map((r) => r.operationId));
  const unseen = pendingReveals.filter((p) => !rotating.has(p.operationId));

  useEffect(() => {
    void init();
  }, [init]);
  // The app menu's commands, carried out in this window.
  useEffect(() => api.on('app.command', ({ command }) => runAppCommand(command)), []);
  useShortcuts();

  const connection = connections.find((c) => c.id === selection.connectionId);

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          // Moves the focus, not the URL: the window never navigates.
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to main content
      </a>
      <Sidebar />
      <main className="main" id="main" tabIndex={-1} aria-busy={!ready}>
        <div className="banners">
          {status?.mode === 'review' ? (
            <Banner tone="info" title="Reviewing a copy, read-only">
              {status.dataDir}: nothing can be changed, synced or revealed here, and no credential is used.
            </Banner>
          ) : null}
          {status && status.mode === 'normal' && !status.keychain.available && !welcome ? (
            <Banner tone="warning" title="The OS keychain is not reachable">
              {status.keychain.message} Connections cannot be added until it is.
            </Banner>
          ) : null}
          {rotations.length > 0 ? (
            <Banner tone="warning" title={`${rotations.length === 1 ? 'A rotation is' : `${rotations.length} rotations are`} not finished`}>
              {rotations.map((rotation) => (
                <button key={rotation.operationId} type="button" className="link-button" onClick={() => open({ kind: 'resume-rotation', rotation })}>
                  Continue rotating “<Name>{rotation.oldKeyName}</Name>”
                  {rotation.step === 'retire-scheduled' && rotation.retireAt ? ` (old key retires ${new Date(rotation.retireAt).toLocaleString()})` : ''}
                </button>
              ))}
            </Banner>
          ) : null}
          {unseen.length > 0 ? (
            <Banner tone="warning" title={`${unseen.length === 1 ? 'A new secret has' : `${unseen.length} new secrets have`} not been seen yet`}>
              Keyfleet kept {unseen.length === 1 ? 'it' : 'them'} in the OS keychain until you see {unseen.length === 1 ? 'it' : 'them'}, once.{' '}
              {unseen.map((pending) => (
                <button key={pending.operationId} type="button" className="link-button" onClick={() => void showPendingReveal(pending)}>
                  Show the {pending.kind === 'rotate' ? 'rotated' : 'new'} secret of{' '}
                  {pending.keyName ? (
                    <>
                      “<Name>{pending.keyName}</Name>”
                    </>
                  ) : (
                    'a key'
                  )}{' '}
                  in <Name>{connections.find((c) => c.id === pending.connectionId)?.name ?? 'a removed connection'}</Name>
                </button>
              ))}
            </Banner>
          ) : null}
          {banners
            .filter((banner) => banner.view === null || banner.view === view)
            .map((banner) => (
              <Banner key={banner.id} tone={banner.tone} title={banner.title} onDismiss={() => dismiss(banner.id)}>
                {banner.message}
                {banner.items ? (
                  <ul className="banner-items">
                    {banner.items.map((item) => (
                      <li key={item}>{item}</li>
                    ))}
                  </ul>
                ) : null}
              </Banner>
            ))}
        </div>
        {!ready ? null : view === 'settings' ? (
          <SettingsView />
        ) : view === 'journal' ? (
          <JournalView />
        ) : view === 'vault' ? (
          <VaultView />
        ) : connections.length === 0 ? (
          welcome ? (
            <Welcome />
          ) : (
            <NoConnections />
          )
        ) : view === 'health' ? (
          <HealthBoard />
        ) : view === 'changes' ? (
          <ChangesView />
        ) : (
          <KeyPane connection={connection ?? null} />
        )}
      </main>
      <Dialogs modal={modal} />
    </div>
  );
}

function Dialogs({ modal }: { modal: Modal }) {
  const connections = useApp((s) => s.connections);
  switch (modal.kind) {
    case 'none':
      return null;
    case 'add-connection':
      return <AddConnectionDialog backend={modal.backend} />;
    case 'bulk':
      return <BulkDialog />;
    case 'shortcuts':
      return <ShortcutsDialog />;
    case 'policy':
      return <PolicyDialog connection={modal.connection} />;
    case 'vault-entry':
      return <VaultEntryDialog entry={modal.entry} />;
    case 'vault-delete':
      return <VaultDeleteDialog entry={modal.entry} />;
    case 'vault-import':
      return <VaultImportDialog />;
    case 'vault-unlock':
      return <VaultUnlockDialog />;
    case 'vault-export-env':
      return <VaultExportEnvDialog />;
    case 'vault-backup':
      return <VaultBackupDialog />;
    case 'vault-restore':
      return <VaultRestoreDialog />;
    case 'remove-connection':
      return <RemoveConnectionDialog connection={modal.connection} />;
    case 'reveal':
      return <RevealDialog slotId={modal.slotId} keyLabel={modal.keyLabel} />;
    case 'resume-rotation': {
      const connection = connections.find((c) => c.id === modal.rotation.connectionId);
      return connection ? <RotationWizard connection={connection} resume={modal.rotation} /> : null;
    }
    default: {
      const connectionId = modal.kind === 'create-key' ? modal.connectionId : modal.key.connectionId;
      const connection = connections.find((c) => c.id === connectionId);
      if (!connection) return null;
      if (modal.kind === 'create-key') return <CreateKeyDialog connection={connection} initialScopeId={modal.scopeId} />;
      if (modal.kind === 'edit-key') return <EditKeyDialog keyView={modal.key} connection={connection} />;
      if (modal.kind === 'rotate') return <RotationWizard keyView={modal.key} connection={connection} />;
      return <DeleteKeyDialog keyView={modal.key} connection={connection} />;
    }
  }
}
