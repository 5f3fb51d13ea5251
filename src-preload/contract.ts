// The one contract between the renderer and the core: every channel (name, zod input schema,
// output type) and every event (name, payload type), one file per domain under contract/ and
// joined here. The renderer imports only types from it; the main side validates every input
// against these schemas before a handler sees it.
import type { z } from 'zod';
import { appChannels } from './contract/app.ts';
import type { Out, Result } from './contract/common.ts';
import { connectionChannels } from './contract/connections.ts';
import type { EventName, Events } from './contract/events.ts';
import { inventoryChannels } from './contract/inventory.ts';
import { keyChannels } from './contract/keys.ts';
import { operationChannels } from './contract/operations.ts';
import { vaultChannels } from './contract/vault.ts';

export { PROVIDER_KINDS, ERROR_KINDS } from './contract/common.ts';
export type { AppErrorShape, Choice, ErrorKind, ProviderKind, Result } from './contract/common.ts';
export type * from './contract/capabilities.ts';
export { settingsFields } from './contract/app.ts';
export type * from './contract/app.ts';
export { credentialSchema } from './contract/connections.ts';
export type * from './contract/connections.ts';
export { sortColumns } from './contract/keys.ts';
export type * from './contract/keys.ts';
export type * from './contract/operations.ts';
export { HEALTH_KINDS } from './contract/inventory.ts';
export type * from './contract/inventory.ts';
export type * from './contract/vault.ts';
export { APP_COMMANDS, eventNames } from './contract/events.ts';
export type * from './contract/events.ts';

export const channels = {
  ...appChannels,
  ...connectionChannels,
  ...keyChannels,
  ...operationChannels,
  ...inventoryChannels,
  ...vaultChannels,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ParsedInput<C extends ChannelName> = z.output<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> =
  Channels[C]['output'] extends Out<infer T> ? T : never;

export const channelNames = Object.keys(channels) as ChannelName[];

// ---------------------------------------------------------------- the API object's two forms

type Namespaces = ChannelName extends `${infer N}.${string}` ? N : never;
/** One method per channel of namespace N, resolving to its Result ('result') or to its value ('value'). */
type MethodsOf<N extends string, Form extends 'result' | 'value'> = {
  [C in ChannelName as C extends `${N}.${infer M}` ? M : never]: (
    ...input: Record<never, never> extends ChannelInput<C> ? [input?: ChannelInput<C>] : [input: ChannelInput<C>]
  ) => Promise<Form extends 'result' ? Result<ChannelOutput<C>> : ChannelOutput<C>>;
};
interface Subscribe {
  /** Listens to a core event; returns the function that stops listening. */
  on: <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => () => void;
}

/**
 * What the preload exposes as `window.keyfleet` (createBridge). Electron's contextBridge copies
 * every value between worlds and reduces a thrown error to its message, so every call resolves to
 * its Result, plain data, and never throws.
 */
export type KeyfleetBridge = { [N in Namespaces]: MethodsOf<N, 'result'> } & Subscribe;

/**
 * The same calls, resolving to the value and throwing ApiError (kind, fields, choices,
 * retryAfterMs) on failure: the renderer's `api` and `createCore().api`, built from a bridge by
 * typedApi() in src-preload/typed-api.ts.
 */
export type KeyfleetApi = { [N in Namespaces]: MethodsOf<N, 'value'> } & Subscribe;

/** How createBridge reaches the core: ipcRenderer in the desktop app, the core itself in process. */
export interface Transport {
  invoke(channel: ChannelName, input: unknown): Promise<Result<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}
