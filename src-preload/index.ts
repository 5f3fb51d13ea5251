// The preload: exposes `window.keyfleet` (createBridge over ipcRenderer) and nothing else. No raw
// ipcRenderer reaches the page, and every call resolves to its Result: Electron's contextBridge
// copies values and reduces a thrown error to its message, so failures cross as plain data.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './api.ts';
import type { Result, Transport } from './contract.ts';

const transport: Transport = {
  invoke: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Result<unknown>>,
  subscribe(event, listener) {
    const handler = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(`event:${event}`, handler);
    return () => {
      ipcRenderer.removeListener(`event:${event}`, handler);
    };
  },
};

contextBridge.exposeInMainWorld('keyfleet', createBridge(transport));
