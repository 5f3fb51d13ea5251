// createBridge(transport): the one way to build what `window.keyfleet` is. The preload passes an
// IPC transport, the core an in-process one (and the web harness runs the built preload itself).
// Every call resolves to the core's Result, never throws, and carries only plain data: that is all
// Electron's contextBridge lets through intact.
import { channelNames, type ChannelName, type KeyfleetBridge, type Result, type Transport } from './contract.ts';

export { ApiError } from './typed-api.ts';

/** A transport that failed instead of answering (in Electron: no handler, or one that threw). */
const unanswered =
  (channel: ChannelName) =>
  (): Result<never> => ({ ok: false, error: { kind: 'internal', message: `Keyfleet's core did not answer ${channel}.` } });

export function createBridge(transport: Transport): KeyfleetBridge {
  const bridge: Record<string, Record<string, (input?: unknown) => Promise<Result<unknown>>>> = {};
  for (const channel of channelNames) {
    const [namespace, method] = channel.split('.') as [string, string];
    const target = (bridge[namespace] ??= {});
    target[method] = (input?: unknown) => transport.invoke(channel, input ?? {}).catch(unanswered(channel));
  }
  const on = (event: Parameters<Transport['subscribe']>[0], listener: (payload: unknown) => void) => transport.subscribe(event, listener);
  return Object.freeze({ ...bridge, on }) as unknown as KeyfleetBridge;
}

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && (channelNames as string[]).includes(value);
}
