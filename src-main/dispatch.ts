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

/** What a person calls the fields they fill in; the rest are named after their path, in words. */
const FIELD_WORDS: Record<string, string> = {
  baseUrl: 'server URL',
  caPem: 'CA certificate',
  'credential.accessKey': 'key id',
  'credential.secretKey': 'secret',
  'credential.token': 'token',
  expiresAt: 'expiry',
};

function fieldWords(path: string): string {
  return FIELD_WORDS[path] ?? path.replace(/\./g, ' ').replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`);
}

/**
 * A step of an issue's path as a message may repeat it: an index, or a name shaped like the
 * contract's field names. A record's key is part of the value (a pasted secret, a megabyte long)
 * and is not repeated.
 */
function pathSegment(part: PropertyKey): string {
  if (typeof part === 'number') return String(part);
  return typeof part === 'string' && /^[A-Za-z][A-Za-z0-9]{0,31}$/.test(part) ? part : '(name)';
}

/**
 * The contract refused an input. The message is for a person: it names what to fix, never the
 * internal channel, and (coming from the schema) never repeats the value.
 */
export function validationError(issues: ReadonlyArray<{ path: PropertyKey[]; message: string; code?: string }>): AppError {
  const fields: Record<string, string> = {};
  for (const issue of issues.slice(0, 20)) {
    const path = issue.path.map(pathSegment).join('.') || '(input)';
    // zod's message names the unknown keys, and a key is part of the value (it can be anything,
    // a pasted secret or a megabyte long), so it is not repeated.
    fields[path] ??= issue.code === 'unrecognized_keys' ? 'has a field the contract does not know' : issue.message;
  }
  const summary = Object.entries(fields)
    .slice(0, 3)
    .map(([path, message]) => (path === '(input)' ? message : `the ${fieldWords(path)} ${message}`))
    .join('; ');
  return new AppError('validation', `${INVALID_INPUT} ${summary}.`, { fields });
}

/** How every refusal by the contract begins (the IPC fuzz tells them apart from a handler's by it). */
export const INVALID_INPUT = 'Invalid input:';

export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (channel, input) => {
    if (!isChannelName(channel)) {
      return { ok: false, error: { kind: 'validation', message: 'Unknown channel.' } };
    }
    let parsed;
    try {
      parsed = channels[channel].input.safeParse(input);
      if (parsed.success && !isPlainData(input)) {
        // zod takes a Map, a Date or a class instance for an object and reads inherited fields;
        // every input is plain data (what JSON.parse and a structured clone make), so these are not.
        return { ok: false, error: validationError([{ path: [], message: 'must be plain data (no class instances or inherited fields)' }]).toShape() };
      }
    } catch {
      // A getter or a proxy that throws (only an in-process caller can send one) is a bad input too.
      return { ok: false, error: validationError([{ path: [], message: 'could not be read' }]).toShape() };
    }
    if (!parsed.success) {
      return { ok: false, error: validationError(parsed.error.issues).toShape() };
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

/**
 * Only plain objects (Object.prototype or none) and arrays, all the way down. Walked after the
 * schema accepted the input, so its size and depth are the schema's; iterative all the same.
 */
function isPlainData(input: unknown): boolean {
  const pending: unknown[] = [input];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    const proto: unknown = Object.getPrototypeOf(value);
    if (Array.isArray(value) ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) return false;
    for (const item of Object.values(value as Record<string, unknown>)) pending.push(item);
  }
  return true;
}
