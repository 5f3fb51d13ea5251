// Runs in the page before the renderer: builds `window.keyfleet` with the same createApi the
// preload uses, over HTTP for calls and server-sent events for events.
import { createApi } from '../../src-preload/api.ts';
import type { EventName, Result, Transport } from '../../src-preload/contract.ts';

const token = document.querySelector<HTMLMetaElement>('meta[name="keyfleet-harness-token"]')?.content ?? '';
const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

const source = new EventSource(`/__harness/events?token=${encodeURIComponent(token)}`);
source.onmessage = (message: MessageEvent<string>) => {
  const { event, payload } = JSON.parse(message.data) as { event: EventName; payload: unknown };
  for (const listener of listeners.get(event) ?? []) listener(payload);
};

const transport: Transport = {
  async invoke(channel, input) {
    const response = await fetch(`/__harness/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    if (!response.ok) {
      return { ok: false, error: { kind: 'internal', message: `The harness answered HTTP ${response.status}.` } };
    }
    return (await response.json()) as Result<unknown>;
  },
  subscribe(event, listener) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
};

(window as unknown as { keyfleet: unknown }).keyfleet = createApi(transport);
