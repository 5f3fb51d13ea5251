// The single choke point between a transport and the core's handlers: the channel must exist,
// the input must match the contract's schema, and whatever happens comes back as a Result.
import {
  channels,
  type ChannelName,
  type ChannelOutput,
  type ParsedInput,
  type Result,
} from '../src-preload/contract.ts';
import { isChannelName } from '../src-preload/api.ts';
import { AppError, toErrorShape } from './errors.ts';
import type { Logger } from './log.ts';

export type Handlers = { [C in ChannelName]: (input: ParsedInput<C>) => Promise<ChannelOutput<C>> | ChannelOutput<C> };

export type Dispatch = (channel: unknown, input: unknown) => Promise<Result<unknown>>;

export function validationError(channel: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): AppError {
  const fields: Record<string, string> = {};
  for (const issue of issues.slice(0, 20)) {
    const path = issue.path.map(String).join('.') || '(input)';
    fields[path] ??= issue.message;
  }
  const summary = Object.entries(fields)
    .slice(0, 3)
    .map(([path, message]) => `${path}: ${message}`)
    .join('; ');
  // Messages come from the schema, never from the value, so a mistyped secret is not echoed.
  return new AppError('validation', `Invalid input for ${channel}: ${summary}`, { fields });
}

export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (channel, input) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { kind: 'validation', message: 'Unknown channel.' } };
    }
    const parsed = channels[channel].input.safeParse(input);
    if (!parsed.success) {
      return { ok: false, error: validationError(channel, parsed.error.issues).toShape() };
    }
    try {
      const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      if (!(error instanceof AppError)) log.error('handler.crashed', error, { channel });
      return { ok: false, error: toErrorShape(error) };
    }
  };
}
