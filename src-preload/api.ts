// createApi(transport): the one way to build `window.keyfleet`. The preload passes an IPC
// transport, the test harness an HTTP one, the core an in-process one; the object is the same.
import {
  channelNames,
  type AppErrorShape,
  type ChannelName,
  type ErrorKind,
  type EventName,
  type Events,
  type KeyfleetApi,
  type Transport,
} from './contract.ts';

/** A failed call, as the renderer sees it: a kind it can branch on and a message it can show. */
export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly fields: Record<string, string> | undefined;
  readonly retryAfterMs: number | undefined;
  readonly choices: AppErrorShape['choices'];

  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.kind = shape.kind;
    this.fields = shape.fields;
    this.retryAfterMs = shape.retryAfterMs;
    this.choices = shape.choices;
  }
}

export function createApi(transport: Transport): KeyfleetApi {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const channel of channelNames) {
    const [namespace, method] = channel.split('.') as [string, string];
    const target = (api[namespace] ??= {});
    target[method] = async (input?: unknown) => {
      const result = await transport.invoke(channel, input ?? {});
      if (!result.ok) throw new ApiError(result.error);
      return result.value;
    };
  }
  const on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void) =>
    transport.subscribe(event, listener as (payload: unknown) => void);
  return Object.freeze({ ...api, on }) as unknown as KeyfleetApi;
}

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && (channelNames as string[]).includes(value);
}
