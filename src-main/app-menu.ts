// The application menu: the platform's standard roles (so copy, paste, undo, zoom, full screen and
// window handling behave as everywhere else) plus Keyfleet's own commands, which the renderer
// carries out. Pure data: the Electron glue turns it into a Menu.
import type { AppCommand } from '../src-preload/contract.ts';

/** The shape of Electron's MenuItemConstructorOptions this menu uses. */
export interface MenuItem {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu';
  accelerator?: string;
  submenu?: MenuItem[];
  command?: AppCommand;
}

export function appMenuTemplate(platform: NodeJS.Platform, options: { productName: string; development: boolean }): MenuItem[] {
  const mac = platform === 'darwin';
  const separator: MenuItem = { type: 'separator' };
  const settings: MenuItem = { label: mac ? 'Settings…' : 'Settings', accelerator: 'CmdOrCtrl+,', command: 'settings' };
  return [
    ...(mac
      ? [
          {
            label: options.productName,
            submenu: [{ role: 'about' }, separator, settings, separator, { role: 'services' }, separator, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, separator, { role: 'quit' }],
          },
        ]
      : []),
    {
      label: '&File',
      submenu: [
        { label: 'Add Connection…', accelerator: 'CmdOrCtrl+Shift+N', command: 'add-connection' },
        { label: 'Sync All Connections', accelerator: 'CmdOrCtrl+Shift+S', command: 'sync-all' },
        separator,
        { label: 'Lock Vault', accelerator: 'CmdOrCtrl+Shift+L', command: 'lock-vault' },
        ...(mac ? [] : [separator, settings, separator, { role: 'quit' }]),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        separator,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        separator,
        { label: 'Find Keys', accelerator: 'CmdOrCtrl+F', command: 'filter' },
      ],
    },
    {
      label: '&View',
      submenu: [
        ...(options.development ? [{ role: 'reload' }, { role: 'toggleDevTools' }, separator] : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        separator,
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Window', role: 'windowMenu' },
    {
      label: '&Help',
      role: 'help',
      submenu: [
        { label: 'Keyboard Shortcuts', accelerator: 'F1', command: 'shortcuts' },
      ],
    },
  ];
}
