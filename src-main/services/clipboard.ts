// Copying a secret: it is cleared from the clipboard after a while, but only if the clipboard
// still holds our value (the user may have copied something else since).
export interface ClipboardPort {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
  /** Writes text marked as a password, so clipboard histories that honour the mark skip it. */
  writeConcealed?(text: string): Promise<void>;
}

export const DEFAULT_CLIPBOARD_CLEAR_MS = 30_000;

/** Used where no system clipboard is wired in (tests, the web harness). Remembers the mark. */
export function createMemoryClipboard(): ClipboardPort & { concealed: boolean } {
  let text = '';
  const clipboard = {
    concealed: false,
    readText: () => Promise.resolve(text),
    writeText: (value: string) => {
      text = value;
      clipboard.concealed = false;
      return Promise.resolve();
    },
    writeConcealed: (value: string) => {
      text = value;
      clipboard.concealed = true;
      return Promise.resolve();
    },
  };
  return clipboard;
}

export function createSecretClipboard(options: {
  port: ClipboardPort;
  /** A fixed time, or the user's setting read at every copy. */
  clearAfterMs?: number | (() => number);
  now: () => number;
  onCleared: (at: number) => void;
}) {
  const { clearAfterMs: setting = DEFAULT_CLIPBOARD_CLEAR_MS } = options;
  const clearAfter = typeof setting === 'function' ? setting : () => setting;
  let pending: { text: string; timer: NodeJS.Timeout } | undefined;

  async function clearIfOurs(): Promise<void> {
    if (!pending) return;
    const { text, timer } = pending;
    clearTimeout(timer);
    pending = undefined;
    if ((await options.port.readText()) === text) {
      await options.port.writeText('');
      options.onCleared(options.now());
    }
  }

  return {
    async writeSecret(text: string): Promise<{ clearsAt: number }> {
      await clearIfOurs();
      if (options.port.writeConcealed) {
        await options.port.writeConcealed(text).catch(() => options.port.writeText(text));
      } else {
        await options.port.writeText(text);
      }
      const clearAfterMs = clearAfter();
      const timer = setTimeout(() => void clearIfOurs().catch(() => undefined), clearAfterMs);
      timer.unref();
      pending = { text, timer };
      return { clearsAt: options.now() + clearAfterMs };
    },
    /** On quit or lock: do not leave our secret behind. */
    clearNow: clearIfOurs,
  };
}

export type SecretClipboard = ReturnType<typeof createSecretClipboard>;
