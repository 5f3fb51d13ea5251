// The OS file dialogs as the core's FilePicker: where a vault backup or a .env export goes, which
// backup to restore. Attached to the main window when there is one (a sheet on macOS).
import { join } from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import type { FilePicker } from '../services/files.ts';

export function osFilePicker(currentWindow: () => BrowserWindow | undefined): FilePicker {
  return {
    async chooseSave({ title, defaultName, filters }) {
      const options = { title, defaultPath: join(app.getPath('documents'), defaultName), filters, properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const] };
      const window = currentWindow();
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async chooseOpen({ title, filters }) {
      const options = { title, filters: [...filters, { name: 'All files', extensions: ['*'] }], properties: ['openFile' as const] };
      const window = currentWindow();
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
