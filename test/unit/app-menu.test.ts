// The app menu: standard roles where people expect them, Keyfleet's commands with unique
// shortcuts, developer tools only in development.
import { describe, expect, it } from 'vitest';
import { APP_COMMANDS } from '../../src-preload/contract.ts';
import { appMenuTemplate, type MenuItem } from '../../src-main/app-menu.ts';

const flat = (items: MenuItem[]): MenuItem[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);

describe.each(['linux', 'win32', 'darwin'] as const)('app menu on %s', (platform) => {
  const production = flat(appMenuTemplate(platform, { productName: 'Keyfleet', development: false }));
  const roles = production.map((i) => i.role).filter(Boolean);

  it('has the standard edit, view, window and quit roles', () => {
    for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'quit', 'zoomIn', 'zoomOut', 'resetZoom', 'togglefullscreen', 'windowMenu']) {
      expect(roles, role).toContain(role);
    }
    expect(roles.filter((r) => r === 'quit')).toHaveLength(1);
  });

  it('gives every own item a command, and every shortcut once', () => {
    const own = production.filter((i) => i.label && !i.role && !i.submenu);
    // Every command the renderer knows is reachable from the menu, once.
    expect(own.map((i) => i.command).sort()).toEqual([...APP_COMMANDS].sort());
    for (const item of own) expect(item.command, item.label).toBeTruthy();
    const accelerators = production.map((i) => i.accelerator).filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it('keeps reload and developer tools out of the packaged app', () => {
    expect(roles).not.toContain('toggleDevTools');
    expect(roles).not.toContain('reload');
    const development = flat(appMenuTemplate(platform, { productName: 'Keyfleet', development: true })).map((i) => i.role);
    expect(development).toContain('toggleDevTools');
  });
});

it('puts the application menu first on macOS only', () => {
  expect(appMenuTemplate('darwin', { productName: 'Keyfleet', development: false })[0]!.label).toBe('Keyfleet');
  expect(appMenuTemplate('linux', { productName: 'Keyfleet', development: false })[0]!.label).toBe('&File');
});
