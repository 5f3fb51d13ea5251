// The web harness's stand-in for Electron's renderer side: the contextBridge passes values between
// worlds as Electron 45 does, the sandboxed preload's require and ipcRenderer behave as Electron's,
// and the harness's JSON wire refuses what Electron's structured clone would deliver differently.
// If the stand-in were lenient, the E2E suite could pass on a design the desktop app breaks.
import { describe, expect, it } from 'vitest';
import { createContextBridge, passValue } from '../electron-stand-in/context-bridge.ts';
import { runSandboxedPreload, type HarnessTransport, type PreloadFunction } from '../electron-stand-in/preload-runtime.ts';
import { cloneDifference } from '../harness/wire.ts';

/** A failed call as a throwing API reports it: an Error subclass with the details the UI needs. */
class TypedError extends Error {
  readonly kind = 'invalid';
  readonly choices = [{ id: 'org-1', label: 'Acme Platform' }];
  readonly fields = { name: 'Required.' };
}

/** What a thrown or rejected value looks like on the page side, custom fields included if they survived. */
type Caught = Error & Partial<Pick<TypedError, 'kind' | 'choices' | 'fields'>>;

/** The page's copy of `api`, which has the same shape as far as types go. */
function expose<T>(api: T): T {
  const mainWorld: { api?: T } = {};
  createContextBridge(mainWorld).exposeInMainWorld('api', api);
  return mainWorld.api!;
}

function caught(fn: () => unknown): Caught {
  try {
    fn();
  } catch (error) {
    return error as Caught;
  }
  throw new Error('did not throw');
}

type Ipc = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (...args: unknown[]) => void): void;
};
const ipcOf = (load: (id: string) => unknown) => (load('electron') as { ipcRenderer: Ipc }).ipcRenderer;

describe('contextBridge stand-in', () => {
  it('reduces a rejected error to a bare Error with its message: kind, fields and choices are lost', async () => {
    const page = expose({ connect: (): Promise<unknown> => Promise.reject(new TypedError('Choose an organization.')) });
    const error = (await page.connect().catch((e: unknown) => e)) as Caught;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypedError);
    expect(error.message).toBe('Choose an organization.');
    expect(error.name).toBe('Error');
    expect(error.kind).toBeUndefined();
    expect(error.choices).toBeUndefined();
    expect(error.fields).toBeUndefined();
  });

  it('does the same to an error thrown synchronously, and to a thrown non-Error', () => {
    const page = expose({
      fail: (): never => {
        throw new TypedError('Nope.');
      },
      throwString: (): never => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless preload might do
        throw 'text';
      },
    });
    const thrown = caught(() => page.fail());
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.message).toBe('Nope.');
    expect(thrown.kind).toBeUndefined();
    expect(caught(() => page.throwString()).message).toMatch(/^An unknown exception occurred in the isolated context/);
  });

  it('carries a resolved plain Result whole, choices and fields included', async () => {
    const result = { ok: false, error: { kind: 'invalid', message: 'Choose.', choices: [{ id: 'org-1', label: 'Acme' }], fields: { name: 'Required.' } } };
    const page = expose({ connect: () => Promise.resolve(result) });
    const answer = await page.connect();
    expect(answer).toEqual(result);
    expect(answer).not.toBe(result);
  });

  it('copies class instances without their prototype, and clones Dates and Maps', async () => {
    class Point {
      readonly x: number;
      constructor(x: number) {
        this.x = x;
      }
      get double() {
        return this.x * 2;
      }
    }
    const page = expose({ point: () => new Point(2), when: () => Promise.resolve({ at: new Date(5), map: new Map([[1, 2]]) }) });
    const point = page.point();
    expect(point).toEqual({ x: 2 });
    expect(Object.getPrototypeOf(point)).toBe(Object.prototype);
    expect(point.double).toBeUndefined();
    const when = await page.when();
    expect(when.at).toEqual(new Date(5));
    expect(when.map.get(1)).toBe(2);
  });

  it('proxies functions: callable both ways, their own properties not carried, a function sent back is the original', () => {
    const calls: unknown[] = [];
    const listener = Object.assign((payload: unknown) => void calls.push(payload), { marker: true });
    let received: ((payload: unknown) => void) | undefined;
    const unsubscribe = Object.assign(() => 'off', { id: 7 });
    const page = expose({
      on: (fn: (payload: unknown) => void) => {
        received = fn;
        return unsubscribe;
      },
      identity: <T>(fn: T): T => fn,
    });
    const off = page.on(listener);
    expect(received).not.toBe(listener);
    expect((received as unknown as { marker?: boolean }).marker).toBeUndefined();
    const payload = { n: 1 };
    received!(payload);
    expect(calls).toEqual([{ n: 1 }]);
    expect(calls[0]).not.toBe(payload);
    expect(off()).toBe('off');
    expect(off.id).toBeUndefined();
    expect(page.identity(listener)).toBe(listener);
  });

  it('deep-freezes what it exposes, sets it read-only, and refuses to overwrite an existing key', () => {
    const mainWorld: { taken: number; api?: { nested: { list: number[] } }; other?: object } = { taken: 1 };
    const bridge = createContextBridge(mainWorld);
    bridge.exposeInMainWorld('api', { nested: { list: [1, 2] }, fn: () => 1 });
    expect(Object.isFrozen(mainWorld.api)).toBe(true);
    expect(Object.isFrozen(mainWorld.api!.nested.list)).toBe(true);
    expect(() => {
      mainWorld.api = { nested: { list: [] } };
    }).toThrow(TypeError);
    expect(() => bridge.exposeInMainWorld('taken', { nested: { list: [] } })).toThrow('Cannot bind an API on top of an existing property on the window object');
  });

  it('keeps "__proto__" a plain key and refuses nesting deeper than 1000', () => {
    const copy = passValue(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 1001; i++) deep = { deep };
    expect(() => passValue(deep)).toThrow('recursion depth exceeded');
  });
});

describe('sandboxed preload runtime stand-in', () => {
  function run(body: PreloadFunction, transport: Partial<HarnessTransport> = {}) {
    const mainWorld = {};
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      runSandboxedPreload(body, {
        mainWorld,
        filePath: 'preload.cjs',
        transport: { invoke: () => Promise.resolve({ ok: true, value: 1 }), listen: () => undefined, ...transport },
      });
    } finally {
      console.error = original;
    }
    return { mainWorld, errors };
  }

  it('requires only electron; anything else fails the way Electron reports a preload error', () => {
    const { errors } = run((load) => {
      expect(load('electron')).toHaveProperty('contextBridge');
      expect(load('electron/renderer')).toBe(load('electron'));
      load('node:fs');
    });
    expect(String(errors[0]?.[0])).toBe('Unable to load preload script: preload.cjs');
    expect(String(errors[1]?.[0])).toContain('module not found: node:fs');
  });

  it("structured-clones invoke's argument (a function throws) and rejects a failed handler as ipcRenderer does", async () => {
    const seen: unknown[] = [];
    let ipc: Ipc | undefined;
    run(
      (load) => {
        ipc = ipcOf(load);
      },
      {
        invoke: (_channel, arg) => {
          seen.push(arg);
          return arg === 'fail' ? Promise.reject(new Error('boom')) : Promise.resolve({ ok: true, value: arg });
        },
      },
    );
    const input = { a: [1] };
    await ipc!.invoke('x.y', input);
    expect(seen[0]).toEqual(input);
    expect(seen[0]).not.toBe(input);
    await expect(ipc!.invoke('x.y', { f: () => 1 })).rejects.toThrow(/could not be cloned/);
    await expect(ipc!.invoke('x.y', 'fail')).rejects.toThrow("Error invoking remote method 'x.y': Error: boom");
  });

  it('delivers events to ipcRenderer listeners with an event object first, until removed', () => {
    let emit: (channel: string, payload: unknown) => void = () => undefined;
    let ipc: Ipc | undefined;
    run(
      (load) => {
        ipc = ipcOf(load);
      },
      { listen: (listener) => (emit = listener) },
    );
    const received: unknown[][] = [];
    const listener = (...args: unknown[]) => received.push(args);
    ipc!.on('event:x', listener);
    emit('event:x', { n: 1 });
    ipc!.removeListener('event:x', listener);
    emit('event:x', { n: 2 });
    expect(received).toHaveLength(1);
    expect(received[0]![1]).toEqual({ n: 1 });
    expect(received[0]![0]).toHaveProperty('sender', ipc);
  });
});

describe('harness wire', () => {
  it('accepts plain data and names what JSON would deliver differently from structured clone', () => {
    expect(cloneDifference({ ok: true, value: { rows: [{ a: 'x', b: null, c: undefined, d: 1.5 }] } })).toBeUndefined();
    expect(cloneDifference({ at: new Date() })).toMatch(/^at \.at: a Date/);
    expect(cloneDifference({ rows: [1, undefined] })).toMatch(/\[1\] is undefined/);
    expect(cloneDifference({ n: Number.NaN })).toMatch(/NaN/);
    expect(cloneDifference({ m: new Map() })).toMatch(/a Map/);
    expect(cloneDifference({ f: () => 1 })).toMatch(/a function/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(cloneDifference(cycle)).toMatch(/a cycle/);
  });
});
