// What a sandboxed preload finds around it in Electron 45, rebuilt for the web harness: the
// `require` that knows only 'electron' (and a few Node polyfills), an ipcRenderer whose calls go
// over a harness transport, and the contextBridge stand-in. The harness runs the real built
// preload (out/preload/index.cjs) inside this, so the page gets exactly what the desktop app's
// page gets. Sources:
//   [sandbox]  docs/tutorial/sandbox.md, "Preload scripts"; lib/sandboxed_renderer/init.ts and
//              preload.ts (loadedModules, preloadRequire, the preload's parameters)
//   [ipc]      docs/api/ipc-renderer.md (Structured Clone for arguments, invoke, on); and
//              lib/renderer/api/ipc-renderer.ts (invoke's error message)
import { createContextBridge } from './context-bridge.ts';

/** How the harness reaches the core: one request per invoke, one stream of events. */
export interface HarnessTransport {
  /** Resolves with the handler's answer; rejects with the reason a handler failure would give. */
  invoke(channel: string, arg: unknown): Promise<unknown>;
  /** Every event frame the core sends, as (channel, payload). */
  listen(listener: (channel: string, payload: unknown) => void): void;
}

type IpcListener = (event: { sender: unknown; ports: unknown[] }, ...args: unknown[]) => void;

/** The part of ipcRenderer a sandboxed preload can reach, over the harness transport. */
function createIpcRenderer(transport: HarnessTransport) {
  const listeners = new Map<string, IpcListener[]>();
  const ipcRenderer = {
    /** [ipc] Arguments are structured-cloned (a function, a promise or a symbol throws), and a failed handler rejects with "Error invoking remote method". */
    async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const [arg] = structuredClone(args);
      try {
        return await transport.invoke(channel, arg);
      } catch (error) {
        // eslint-disable-next-line preserve-caught-error -- Electron's message is all the preload gets
        throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
      }
    },
    on(channel: string, listener: IpcListener) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    removeListener(channel: string, listener: IpcListener) {
      const remaining = (listeners.get(channel) ?? []).filter((l) => l !== listener);
      if (remaining.length > 0) listeners.set(channel, remaining);
      else listeners.delete(channel);
      return ipcRenderer;
    },
    off(channel: string, listener: IpcListener) {
      return ipcRenderer.removeListener(channel, listener);
    },
  };
  transport.listen((channel, payload) => {
    const event = { sender: ipcRenderer, ports: [] };
    for (const listener of listeners.get(channel) ?? []) listener(event, structuredClone(payload));
  });
  return ipcRenderer;
}

/** The preload's parameters, in Electron's order: require, process, exports, module, then the exposed globals. [sandbox] */
export type PreloadFunction = (
  require: (id: string) => unknown,
  process: object,
  exports: object,
  module: { exports: object },
  Buffer: undefined,
  global: typeof globalThis,
  setImmediate: (fn: () => void) => unknown,
  clearImmediate: (handle: unknown) => void,
) => void;

/**
 * Runs a preload the way Electron runs a sandboxed one: its `require` resolves 'electron' (and
 * 'electron/common', 'electron/renderer') to the renderer modules, and nothing else the harness
 * does not provide. A preload that throws is reported as Electron reports it, on the console.
 */
export function runSandboxedPreload(preload: PreloadFunction, options: { mainWorld: object; transport: HarnessTransport; filePath: string }): void {
  const electron = { contextBridge: createContextBridge(options.mainWorld), ipcRenderer: createIpcRenderer(options.transport) };
  const modules = new Map<string, unknown>([
    ['electron', electron],
    ['electron/common', electron],
    ['electron/renderer', electron],
  ]);
  const require = (id: string): unknown => {
    if (modules.has(id)) return modules.get(id);
    // Electron also offers events, timers and url; the harness adds them when a preload needs one.
    throw new Error(`module not found: ${id}`);
  };
  const exports = {};
  const later = (fn: () => void) => setTimeout(fn, 0);
  try {
    // Buffer is a polyfill the harness does not carry; Keyfleet's preload does not use it.
    preload(require, {}, exports, { exports }, undefined, globalThis, later, (handle) => clearTimeout(handle as number));
  } catch (error) {
    console.error(`Unable to load preload script: ${options.filePath}`);
    console.error(error);
  }
}
