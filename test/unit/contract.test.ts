// One contract: every channel has a handler and every handler a channel; every channel refuses
// input that does not match its schema with a clear validation error, before any handler runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels, eventNames, type ChannelName } from '../../src-preload/contract.ts';
import { createBridge } from '../../src-preload/api.ts';
import { ApiError, typedApi } from '../../src-preload/typed-api.ts';
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

  it('exposes every channel as a method of the bridge and of the typed API, and nothing else but on()', () => {
    const bridge = createBridge({ invoke: () => Promise.resolve({ ok: true, value: null }), subscribe: () => () => undefined });
    const methodsOf = (api: object) =>
      Object.entries(api)
        .flatMap(([ns, value]) => (typeof value === 'function' ? [ns] : Object.keys(value as object).map((m) => `${ns}.${m}`)))
        .sort();
    expect(methodsOf(bridge)).toEqual([...channelNames, 'on'].sort());
    expect(methodsOf(typedApi(bridge))).toEqual([...channelNames, 'on'].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(typedApi(bridge))).toBe(true);
  });

  it('bridge calls resolve to Results, never throw; the typed API returns values and throws ApiError with what the form needs', async () => {
    const failure = { kind: 'invalid' as const, message: 'Choose one.', choices: [{ id: 'o1', label: 'Acme' }], fields: { name: 'Required.' } };
    const bridge = createBridge({
      invoke: (channel) =>
        channel === 'app.status'
          ? Promise.resolve({ ok: true, value: 'status' })
          : channel === 'connections.add'
            ? Promise.resolve({ ok: false, error: failure })
            : Promise.reject(new Error('Error invoking remote method: no handler')),
      subscribe: () => () => undefined,
    });
    expect(await bridge.connections.add({ kind: 'rancher', name: 'x', baseUrl: 'https://x', credential: { type: 'key-pair', accessKey: 'a', secretKey: 'b' } })).toEqual({ ok: false, error: failure });
    // A transport that fails (no handler, a handler that threw) is a Result too, without its internals.
    expect(await bridge.connections.list()).toEqual({ ok: false, error: { kind: 'internal', message: "Keyfleet's core did not answer connections.list." } });
    const api = typedApi(bridge);
    expect(await api.app.status()).toBe('status');
    const error = await api.connections.add({ kind: 'rancher', name: 'x', baseUrl: 'https://x', credential: { type: 'key-pair', accessKey: 'a', secretKey: 'b' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject(failure);
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

  it('never echoes a name the input gave a field, however it is shaped', async () => {
    const pasted = `sk${'Q7mW'.repeat(12)}`;
    for (const name of [pasted, `${pasted}${'x'.repeat(2_000)}`, 'with space', '__proto__x']) {
      const result = await core.dispatch('connections.add', {
        kind: 'rancher',
        name: 'x',
        baseUrl: 'https://rancher.example.com',
        credential: { type: 'key-pair', accessKey: 'ak', secretKey: 'sk' },
        options: { [name]: true },
      });
      expect(result).toMatchObject({ ok: false, error: { kind: 'validation' } });
      expect(JSON.stringify(result)).not.toContain(name.slice(0, 40));
    }
  });

  it('runs a valid call through to its handler', async () => {
    const result = await core.api.connections.list();
    expect(result).toEqual([]);
  });
});
