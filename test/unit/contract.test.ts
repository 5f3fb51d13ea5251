// One contract: every channel has a handler and every handler a channel; every channel refuses
// input that does not match its schema with a clear validation error, before any handler runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels, eventNames, type ChannelName } from '../../src-preload/contract.ts';
import { createApi } from '../../src-preload/api.ts';
import { createCore, type Core } from '../../src-main/core.ts';
import { tempDir } from '../support/temp.ts';

const dir = tempDir();
let core: Core;

beforeAll(() => {
  core = createCore({ dataDir: dir.path });
});
afterAll(async () => {
  await core.close();
  dir.cleanup();
});

/** Inputs that no channel may accept. */
const invalidInputs: Array<[string, unknown]> = [
  ['a number', 42],
  ['a string', 'connections'],
  ['an array', []],
  ['null', null],
  ['an unknown field', { __proto__: null, unexpected: true }],
];

describe('contract', () => {
  it('binds exactly one handler to every channel', () => {
    expect(Object.keys(core.handlers).sort()).toEqual([...channelNames].sort());
    expect(channelNames.length).toBeGreaterThanOrEqual(15);
  });

  it('exposes every channel as a method of the API object, and nothing else but on()', () => {
    const api = createApi({ invoke: () => Promise.resolve({ ok: true, value: null }), subscribe: () => () => undefined });
    const methods = Object.entries(api).flatMap(([ns, value]) =>
      typeof value === 'function' ? [ns] : Object.keys(value as object).map((m) => `${ns}.${m}`),
    );
    expect(methods.sort()).toEqual([...channelNames, 'on'].sort());
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('names every event once', () => {
    expect(new Set(eventNames).size).toBe(eventNames.length);
  });

  it('rejects an unknown channel', async () => {
    const result = await core.dispatch('keys.exfiltrate', {});
    expect(result).toEqual({ ok: false, error: { kind: 'validation', message: 'Unknown channel.' } });
  });

  describe.each(channelNames.map((name) => [name] as [ChannelName]))('%s', (name) => {
    it.each(invalidInputs)('rejects %s with a validation error for a person, never naming the channel', async (_label, input) => {
      const result = await core.dispatch(name, input);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.kind).toBe('validation');
      expect(result.error.message.startsWith('Invalid input:')).toBe(true);
      expect(result.error.message).not.toContain(name);
    });

    it('accepts no extra field beside a valid shape', () => {
      const schema = channels[name].input;
      expect(schema.safeParse({ sneaky: 1 }).success).toBe(false);
    });
  });

  it('never echoes the rejected value in the error', async () => {
    const secret = 'hunter2-never-echo-me';
    const result = await core.dispatch('connections.add', {
      kind: 'rancher',
      name: 'x',
      baseUrl: `https://user:${secret}@example.com`,
      credential: { type: 'key-pair', accessKey: 'ak', secretKey: { nested: secret } },
    });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('runs a valid call through to its handler', async () => {
    const result = await core.api.connections.list();
    expect(result).toEqual([]);
  });
});
