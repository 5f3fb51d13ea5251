// The app menu as Electron's Menu: the template from src-main/app-menu.ts, with Keyfleet's
// commands sent to the renderer.
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../../src-preload/contract.ts';
import { appMenuTemplate, type MenuItem } from '../app-menu.ts';

export function buildMenu(options: { productName: string; development: boolean; run(command: AppCommand): void }): Menu {
  const toElectron = (item: MenuItem): MenuItemConstructorOptions => {
    const { command, submenu, role, ...rest } = item;
    return {
      ...rest,
      ...(role ? { role: role as MenuItemConstructorOptions['role'] } : {}),
      ...(submenu ? { submenu: submenu.map(toElectron) } : {}),
      ...(command ? { click: () => options.run(command) } : {}),
    };
  };
  return Menu.buildFromTemplate(appMenuTemplate(process.platform, options).map(toElectron));
}
