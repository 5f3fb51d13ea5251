// The preload: builds `window.keyfleet` from the contract over IPC and exposes nothing else.
// No raw ipcRenderer reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createApi } from './api.ts';
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

contextBridge.exposeInMainWorld('keyfleet', createApi(transport));
