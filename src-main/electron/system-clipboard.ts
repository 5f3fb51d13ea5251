// The system clipboard as the core's ClipboardPort: a copied secret is written with the marks
// that keep it out of clipboard histories on each platform.
import { clipboard, ClipboardItem } from 'electron';
import type { ClipboardPort } from '../services/clipboard.ts';

/**
 * Platform marks that keep a copied secret out of clipboard histories: macOS's concealed type
 * (honoured by clipboard managers), Windows' history and cloud-clipboard exclusions, and KDE's
 * password-manager hint (Klipper). Written as raw platform formats next to the text.
 */
function concealedFormats(platform: NodeJS.Platform): Record<string, string> {
  const raw = (format: string) => `electron application/osclipboard;format="${format}"`;
  if (platform === 'darwin') return { [raw('org.nspasteboard.ConcealedType')]: '' };
  if (platform === 'win32') {
    return { [raw('ExcludeClipboardContentFromMonitorProcessing')]: '', [raw('CanIncludeInClipboardHistory')]: '\0\0\0\0' };
  }
  return { 'x-kde-passwordManagerHint': 'secret' };
}

export function systemClipboard(platform: NodeJS.Platform): ClipboardPort {
  return {
    readText: () => Promise.resolve(clipboard.readText()),
    writeText: (text) => Promise.resolve(clipboard.writeText(text)),
    writeConcealed: (text) => clipboard.write([new ClipboardItem({ 'text/plain': text, ...concealedFormats(platform) })]),
  };
}
