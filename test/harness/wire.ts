// The harness carries the core's answers and events as JSON; Electron's IPC carries them through
// the structured clone algorithm (docs/api/ipc-main.md and ipc-renderer.md: "serialized with the
// Structured Clone Algorithm ... Sending Functions, Promises, Symbols, WeakMaps, or WeakSets will
// throw"). For plain data the two deliver the same thing. cloneDifference finds where they would not.

/** Where and how JSON would deliver `value` differently from structured clone, or undefined. */
export function cloneDifference(value: unknown, path = '', seen = new Set<object>()): string | undefined {
  const at = (what: string) => `at ${path || '(top)'}: ${what}`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : at(`${value} (JSON sends null)`);
    case 'bigint':
      return at('a bigint (JSON cannot carry it)');
    case 'undefined':
      return undefined;
    case 'function':
    case 'symbol':
      return at(`a ${typeof value} (Electron's IPC throws on it)`);
  }
  if (value === null) return undefined;
  const object = value as object;
  if (seen.has(object)) return at('a cycle (JSON cannot carry it)');
  if ('toJSON' in object && typeof object.toJSON === 'function') return at(`${describe(object)} (JSON sends its toJSON())`);
  if (object instanceof Map || object instanceof Set || object instanceof RegExp || object instanceof Error || ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    return at(`${describe(object)} (JSON sends {} or a string)`);
  }
  if (object instanceof Promise || object instanceof WeakMap || object instanceof WeakSet) return at(`${describe(object)} (Electron's IPC throws on it)`);
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        if (object[i] === undefined) return at(`[${i}] is undefined (JSON sends null)`);
        const inner = cloneDifference(object[i], `${path}[${i}]`, seen);
        if (inner) return inner;
      }
      return undefined;
    }
    for (const [key, inner] of Object.entries(object)) {
      const difference = cloneDifference(inner, `${path}.${key}`, seen);
      if (difference) return difference;
    }
    return undefined;
  } finally {
    seen.delete(object);
  }
}

function describe(object: object): string {
  return `a ${object.constructor?.name ?? 'null-prototype object'}`;
}
