// Reading a backend's answer against its zod schema without copying it. zod builds a new object for
// every object, list and record it reads, and at 100,000 keys those copies were half of everything
// a sync allocated. A schema made only of checks that keep a value as it is (texts with their
// lengths, numbers, booleans, literals, enums, nullish, unions, lists, records, loose objects) is
// compiled here once into a plain check; a value it accepts is returned as it is, the value zod
// would have returned. Anything else — a transform, a default, a catch, a refinement, an object
// that strips keys and has some to strip, a value the check refuses — is left to zod itself, so the
// result and the error are always zod's.
import type { z } from 'zod';
import { ProviderError } from '../errors.ts';

type Check = (value: unknown) => boolean;

// The parts of zod 4's schema definitions (`schema._zod.def`) read here.
interface Def {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  innerType?: Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  keyType?: Schema;
  valueType?: Schema;
  options?: Schema[];
  values?: unknown[];
  entries?: Record<string, unknown>;
  coerce?: boolean;
  inclusive?: boolean;
}
interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
}
interface Schema {
  _zod: { def: Def; traits?: Set<string> };
}

const compiled = new WeakMap<object, Check | null>();

/** zod's `safeParse`, returning a value the compiled check accepts without zod's copy of it. */
export function safeParseFast<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
  const check = checkOf(schema);
  if (check?.(value)) return { success: true, data: value as T };
  return schema.safeParse(value);
}

/** The compiled check of `schema`, or null where only zod can say what it returns. */
export function checkOf(schema: Schema): Check | null {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

/**
 * An object as JSON.parse makes them, which zod's copy equals: a plain prototype (zod's copy of a
 * prototype-less object has one) and no own `__proto__` field (zod's copy would take it as the
 * prototype). Anything else goes to zod.
 */
const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && !Object.hasOwn(value, '__proto__');

function compile(schema: Schema): Check | null {
  const def = schema._zod?.def;
  // A coercing schema changes the value; an exclusive union (xor) and an exact optional decide differently.
  if (!def || def.coerce || def.inclusive === false || schema._zod.traits?.has('$ZodExactOptional')) return null;
  switch (def.type) {
    case 'unknown':
    case 'any':
      return () => true;
    case 'string':
      return withChecks(def, (value) => typeof value === 'string', (value) => (value as string).length);
    case 'number':
      return withChecks(def, (value) => typeof value === 'number' && Number.isFinite(value), null);
    case 'boolean':
      return (value) => typeof value === 'boolean';
    case 'null':
      return (value) => value === null;
    case 'literal': {
      const values = def.values ?? [];
      return (value) => values.includes(value);
    }
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      // A numeric TypeScript enum's entries hold its reverse mapping too, which zod leaves out.
      if (values.some((value) => typeof value !== 'string')) return null;
      return (value) => values.includes(value);
    }
    case 'optional':
    case 'nullable': {
      const inner = def.innerType && checkOf(def.innerType);
      if (!inner) return null;
      return def.type === 'optional' ? (value) => value === undefined || inner(value) : (value) => value === null || inner(value);
    }
    case 'union': {
      const options = (def.options ?? []).map(checkOf);
      if (options.length === 0 || options.some((option) => option === null)) return null;
      return (value) => {
        for (const option of options) if (option!(value)) return true;
        return false;
      };
    }
    case 'array': {
      const element = def.element && checkOf(def.element);
      if (!element) return null;
      const each = (value: unknown) => {
        if (!Array.isArray(value)) return false;
        for (const item of value) if (!element(item)) return false;
        return true;
      };
      return withChecks(def, each, (value) => (value as unknown[]).length);
    }
    case 'record': {
      const key = def.keyType && checkOf(def.keyType);
      const item = def.valueType && checkOf(def.valueType);
      if (!key || !item) return null;
      return (value) => {
        if (!isJsonObject(value)) return false;
        for (const field in value) if (!key(field) || !item(value[field])) return false;
        return true;
      };
    }
    case 'object':
      return compileObject(def);
    default:
      return null;
  }
}

/** An object: every field of its shape checked; extra fields kept only by a loose object (catchall unknown). */
function compileObject(def: Def): Check | null {
  const fields = Object.entries(def.shape ?? {}).map(([name, field]) => [name, checkOf(field)] as const);
  if (fields.some(([, check]) => check === null)) return null;
  const loose = def.catchall?._zod.def.type === 'unknown';
  if (def.catchall && !loose) return null;
  const known = new Set(fields.map(([name]) => name));
  return (value) => {
    if (!isJsonObject(value)) return false;
    for (const [name, check] of fields) if (!check!(value[name])) return false;
    if (!loose) for (const field in value) if (!known.has(field)) return false;
    return true;
  };
}

/** `type` with the size and format checks zod ran after it; null if one of them is not understood here. */
function withChecks(def: Def, type: Check, sizeOf: ((value: unknown) => number) | null): Check | null {
  const checks: Check[] = [];
  for (const { _zod } of def.checks ?? []) {
    const check = _zod.def;
    const limit = check.minimum ?? check.maximum ?? check.length ?? check.value;
    switch (check.check) {
      case 'min_length':
      case 'max_length':
      case 'length_equals': {
        if (!sizeOf || typeof limit !== 'number') return null;
        const kind = check.check;
        checks.push((value) => {
          const size = sizeOf(value);
          return kind === 'min_length' ? size >= limit : kind === 'max_length' ? size <= limit : size === limit;
        });
        break;
      }
      case 'greater_than':
      case 'less_than': {
        if (sizeOf || typeof limit !== 'number') return null;
        const above = check.check === 'greater_than';
        const inclusive = check.inclusive === true;
        checks.push((value) => {
          const n = value as number;
          return above ? (inclusive ? n >= limit : n > limit) : inclusive ? n <= limit : n < limit;
        });
        break;
      }
      case 'number_format':
        if (check.format !== 'safeint') return null;
        checks.push((value) => Number.isSafeInteger(value));
        break;
      case 'string_format': {
        const pattern = check.format === 'regex' ? check.pattern : undefined;
        if (!pattern || pattern.global || pattern.sticky) return null;
        checks.push((value) => pattern.test(value as string));
        break;
      }
      default:
        return null;
    }
  }
  if (checks.length === 0) return type;
  return (value) => {
    if (!type(value)) return false;
    for (const check of checks) if (!check(value)) return false;
    return true;
  };
}

/**
 * A backend's `parseOrThrow`: `value` read against `schema`, or a ProviderError that names the
 * backend, what it sent and the first field that did not fit (never the field's value).
 */
export function answerReader(backend: string) {
  return function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
    const result = safeParseFast(schema, value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? ` (field ${issue.path.join('.')})` : '';
      throw new ProviderError('bad-response', `${backend} sent ${what} Keyfleet could not read${where}.`);
    }
    return result.data;
  };
}
