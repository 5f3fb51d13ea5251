// A stand-in for Electron's contextBridge, for the web harness (and its own unit test): what a
// preload exposes with exposeInMainWorld reaches the page the way Electron 45 passes it between
// the isolated world and the main world, so a value that would not survive the real bridge does
// not survive this one either. Every rule below is Electron's, from
//   [doc]  docs/api/context-bridge.md, "API" and "Parameter / Error / Return Type support"
//   [src]  shell/renderer/api/electron_api_context_bridge.cc (PassValueToOtherContextInner,
//          ProxyFunctionWrapper, CreateProxyForAPI, ExposeAPI, DeepFreeze)
// The page and the preload share one JavaScript realm here, which Electron's two worlds do not;
// that is why every crossing copies, and nothing is ever handed over as it is.

const MAX_DEPTH = 1000;
const DEPTH_MESSAGE = 'Electron contextBridge recursion depth exceeded.  Nested objects deeper than 1000 are not supported.';
const THROWN_NON_ERROR =
  'An unknown exception occurred in the isolated context, an error occurred but a valid exception was not thrown.';
const RESOLVED_UNSUPPORTED =
  'An error was thrown while sending a promise result over the context bridge but it was not actually an Error object. This normally means that a promise was resolved with a value that is not supported by the Context Bridge.';
const REJECTED_UNSUPPORTED =
  'An error was thrown while sending a promise rejection over the context bridge but it was not actually an Error object. This normally means that a promise was rejected with a value that is not supported by the Context Bridge.';

type AnyFunction = (...args: unknown[]) => unknown;
type Cache = Map<unknown, unknown>;

/** Proxy → the function it stands for, so a function sent back over the bridge is the original. [src] kOriginalFunctionPrivateKey */
const originals = new WeakMap<AnyFunction, AnyFunction>();

const tag = (value: object) => Object.prototype.toString.call(value);

/** [src] IsPlainObject: any object but these built-ins is copied key by key (class instances too). */
function isPlainObject(value: object): boolean {
  if (Array.isArray(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return false;
  if (value instanceof Date || value instanceof RegExp || value instanceof Map || value instanceof Set) return false;
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise || value instanceof Error) return false;
  if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) return false;
  return !['[object Boolean]', '[object Number]', '[object String]', '[object Symbol]', '[object BigInt]', '[object Arguments]', '[object Generator]', '[object Module]'].includes(tag(value));
}

/** [src] Elements and Blobs are handed over as references to the same DOM object. */
function isDomReference(value: object): boolean {
  const { Element, Blob } = globalThis as unknown as { Element?: abstract new (...args: never[]) => object; Blob?: abstract new (...args: never[]) => object };
  return (Element !== undefined && value instanceof Element) || (Blob !== undefined && value instanceof Blob);
}

function messageOf(thrown: unknown, fallback: string): string {
  if (thrown !== null && typeof thrown === 'object') {
    const { message } = thrown as { message?: unknown };
    if (typeof message === 'string') return message;
  }
  return fallback;
}

/**
 * One value crossing from one world to the other ([src] PassValueToOtherContextInner). `parent`
 * is the object a function was read from: a proxied method is called with it as `this`.
 */
export function passValue(value: unknown, cache: Cache = new Map(), parent?: unknown, depth = 0): unknown {
  if (depth >= MAX_DEPTH) throw new TypeError(DEPTH_MESSAGE);
  // Primitives pass through as they are.
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  if (cache.has(value)) return cache.get(value);

  if (typeof value === 'function') {
    const fn = value as AnyFunction;
    // A proxy sent back to the world it came from is the original function again.
    const original = originals.get(fn);
    if (original) return original;
    const proxy = proxyFunction(fn, parent);
    cache.set(value, proxy);
    return proxy;
  }

  if (value instanceof Promise) {
    // A new promise on the other side; its result crosses when it settles. A rejection crosses
    // like any value (an Error becomes a bare Error with its message).
    const proxied = new Promise((resolve, reject) => {
      value.then(
        (result: unknown) => {
          try {
            resolve(passValue(result));
          } catch (error) {
            reject(new Error(messageOf(error, RESOLVED_UNSUPPORTED)));
          }
        },
        (reason: unknown) => {
          try {
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the reason crosses as it is, Error or not
            reject(passValue(reason));
          } catch (error) {
            reject(new Error(messageOf(error, REJECTED_UNSUPPORTED)));
          }
        },
      );
    });
    cache.set(value, proxied);
    return proxied;
  }

  // [doc] "any custom properties on the Error object will be lost": a new Error with the message.
  if (value instanceof Error || tag(value) === '[object Error]') {
    return new Error(messageOf(value, Object.prototype.toString.call(value)));
  }

  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    cache.set(value, copy);
    for (let i = 0; i < value.length; i++) copy.push(passValue(value[i], cache, value, depth + 1));
    return copy;
  }

  if (isDomReference(value)) return value;

  if (isPlainObject(value)) {
    // [src] CreateProxyForAPI: a fresh object with the own enumerable string keys, read through
    // their getters, written as data properties (so "__proto__" is a key, not a prototype).
    const copy: Record<string, unknown> = {};
    cache.set(value, copy);
    for (const key of Object.keys(value)) {
      const passed = passValue((value as Record<string, unknown>)[key], cache, value, depth + 1);
      Object.defineProperty(copy, key, { value: passed, writable: true, enumerable: true, configurable: true });
    }
    return copy;
  }

  // Everything else crosses through the structured clone algorithm ([doc] "Cloneable Types"),
  // which throws for what cannot be cloned.
  const cloned = structuredClone(value);
  cache.set(value, cloned);
  return cloned;
}

/**
 * [src] ProxyFunctionWrapper: arguments cross into the function's world, the result crosses back;
 * whatever the function throws reaches the caller as a bare Error with only its message. The
 * proxy is a new function: properties set on the original do not come along ([doc] "Function").
 */
function proxyFunction(fn: AnyFunction, receiver: unknown): AnyFunction {
  const proxy = function (this: unknown, ...args: unknown[]): unknown {
    const argCache: Cache = new Map();
    const passedArgs = args.map((arg) => passValue(arg, argCache));
    let result: unknown;
    // No `cause` on the errors below: Electron's carries nothing but the message across.
    try {
      result = fn.apply(receiver, passedArgs);
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error
      throw new Error(messageOf(error, THROWN_NON_ERROR));
    }
    try {
      return passValue(result);
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error
      throw new Error(messageOf(error, THROWN_NON_ERROR));
    }
  };
  originals.set(proxy, fn);
  return proxy;
}

/** [src] DeepFreeze: every object reachable from the exposed value is frozen (typed arrays excepted). */
function deepFreeze(value: object, seen = new Set<object>()): void {
  if (seen.has(value)) return;
  seen.add(value);
  for (const key of Object.getOwnPropertyNames(value)) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && (typeof child === 'object' || typeof child === 'function') && !ArrayBuffer.isView(child)) deepFreeze(child, seen);
  }
  Object.freeze(value);
}

export interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

/**
 * contextBridge for a preload whose main world is `mainWorld` (the page's window): the API is
 * copied across, deep-frozen and set read-only and non-configurable ([src] ExposeAPI).
 */
export function createContextBridge(mainWorld: object): ContextBridge {
  return {
    exposeInMainWorld(apiKey: string, api: unknown): void {
      if (apiKey in mainWorld) throw new Error('Cannot bind an API on top of an existing property on the window object');
      const proxy = passValue(api, new Map(), globalThis);
      if (proxy !== null && (typeof proxy === 'object' || typeof proxy === 'function') && !ArrayBuffer.isView(proxy)) deepFreeze(proxy);
      Object.defineProperty(mainWorld, apiKey, { value: proxy, writable: false, enumerable: true, configurable: false });
    },
  };
}
