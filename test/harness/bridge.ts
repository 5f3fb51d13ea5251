// Runs in the page before the renderer, and plays Electron's part: the real built preload
// (out/preload/index.cjs, appended to this bundle by build-bridge.ts) runs inside a stand-in of
// the sandboxed preload's world, whose ipcRenderer reaches the core over HTTP (calls) and
// server-sent events (events), and whose contextBridge passes values to the page as Electron's
// does (test/electron-stand-in/). The page gets what the desktop app's page gets, nothing more.
import { runSandboxedPreload, type HarnessTransport, type PreloadFunction } from '../electron-stand-in/preload-runtime.ts';

const token = document.querySelector<HTMLMetaElement>('meta[name="keyfleet-harness-token"]')?.content ?? '';

const transport: HarnessTransport = {
  async invoke(channel, arg) {
    const response = await fetch(`/__harness/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(arg),
    });
    // What a handler that threw looks like to ipcRenderer.invoke: a rejection.
    if (!response.ok) throw new Error(`The harness answered HTTP ${response.status}.`);
    return (await response.json()) as unknown;
  },
  listen(listener) {
    const source = new EventSource(`/__harness/events?token=${encodeURIComponent(token)}`);
    source.onmessage = (message: MessageEvent<string>) => {
      const { channel, payload } = JSON.parse(message.data) as { channel: string; payload: unknown };
      listener(channel, payload);
    };
  },
};

/** Called by the bundle's tail with the preload's code as a function of Electron's preload parameters. */
export function start(preload: PreloadFunction): void {
  runSandboxedPreload(preload, { mainWorld: window, transport, filePath: 'out/preload/index.cjs' });
}
