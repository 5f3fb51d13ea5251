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

// ---------------------------------------------------------------- the API object's shape

type Namespaces = ChannelName extends `${infer N}.${string}` ? N : never;
type MethodsOf<N extends string> = {
  [C in ChannelName as C extends `${N}.${infer M}` ? M : never]: Record<never, never> extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<ChannelOutput<C>>
    : (input: ChannelInput<C>) => Promise<ChannelOutput<C>>;
};

/** What `window.keyfleet` is, and what `createCore().api` is. */
export type KeyfleetApi = { [N in Namespaces]: MethodsOf<N> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** How createApi reaches the core: ipcRenderer in the desktop app, HTTP+SSE in the harness. */
export interface Transport {
  invoke(channel: ChannelName, input: unknown): Promise<Result<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}
