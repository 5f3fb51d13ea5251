// The copy-free schema check (providers/schema-check.ts) must answer exactly as zod does: the same
// success, the same data, the same first issue. Checked on every schema the five adapters read
// answers with, against values made from each schema (valid ones, and ones broken in every way a
// backend might break them), and on the cases zod handles in its own way.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as deepset from '../../src-main/providers/deepset/parse.ts';
import * as envzero from '../../src-main/providers/envzero/parse.ts';
import * as langwatch from '../../src-main/providers/langwatch/parse.ts';
import * as onyx from '../../src-main/providers/onyx/parse.ts';
import * as rancher from '../../src-main/providers/rancher/parse.ts';
import { answerReader, checkOf, safeParseFast } from '../../src-main/providers/schema-check.ts';
import { createRng, type Rng } from '../security/fuzz-inputs.ts';

type AnySchema = z.ZodType;
const isSchema = (value: unknown): value is AnySchema => typeof value === 'object' && value !== null && '_zod' in value;

const modules = { deepset, envzero, langwatch, onyx, rancher } as Record<string, Record<string, unknown>>;
const schemas = Object.entries(modules).flatMap(([backend, exports]) =>
  Object.entries(exports)
    .filter(([, value]) => isSchema(value))
    .map(([name, schema]) => ({ name: `${backend}.${name}`, schema: schema as AnySchema })),
);

const ODD_VALUES: unknown[] = [
  null, undefined, 0, -1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, '', 'x', 'ü'.repeat(3), 'a'.repeat(300),
  true, false, [], [1, 'a'], {}, { a: 1 }, JSON.parse('{"__proto__": {"polluted": 1}, "id": "k"}') as unknown, Object.create(null) as unknown,
];

interface Def {
  type: string;
  innerType?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
  values?: unknown[];
  entries?: Record<string, unknown>;
}
const defOf = (schema: AnySchema) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A value for `schema`: mostly one that fits, sometimes one broken at this level. */
function valueFor(schema: AnySchema, r: Rng, depth = 0): unknown {
  if (r.chance(0.08) || depth > 6) return r.pick(ODD_VALUES);
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return r.pick(['', 'k', 'key-1', 'ü-key', 'a'.repeat(r.int(300)), 'active', 'inactive', 'apiKey', 'error', '2024-05-01T00:00:00Z']);
    case 'number':
      return r.pick([0, 1, -1, 3, 1.5, 1714521600000, 2 ** 53 + 2, -0.5]);
    case 'boolean':
      return r.chance(0.5);
    case 'literal':
      return r.chance(0.8) ? r.pick(def.values ?? [null]) : 'other';
    case 'enum':
      return r.chance(0.8) ? r.pick(Object.values(def.entries ?? {})) : 'other';
    case 'optional':
      return r.chance(0.3) ? undefined : valueFor(def.innerType!, r, depth + 1);
    case 'nullable':
      return r.chance(0.3) ? null : valueFor(def.innerType!, r, depth + 1);
    case 'union':
      return valueFor(r.pick(def.options!), r, depth + 1);
    case 'array':
      return Array.from({ length: r.int(4) }, () => valueFor(def.element!, r, depth + 1));
    case 'record':
      return Object.fromEntries(Array.from({ length: r.int(3) }, (_, i) => [`k${i}`, valueFor(def.valueType!, r, depth + 1)]));
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(def.shape ?? {})) if (r.chance(0.85)) value[name] = valueFor(field, r, depth + 1);
      if (r.chance(0.3)) value[r.pick(['extra', 'secretValue', 'links', 'zzz'])] = r.pick(ODD_VALUES);
      return value;
    }
    default:
      return r.pick(ODD_VALUES);
  }
}

function expectSameAsZod(schema: AnySchema, value: unknown) {
  const fast = safeParseFast(schema, value);
  const slow = schema.safeParse(value);
  expect(fast.success).toBe(slow.success);
  if (slow.success) expect(fast.data).toStrictEqual(slow.data);
  else expect(fast.error?.issues).toEqual(slow.error.issues);
}

describe('the copy-free schema check', () => {
  it('reads the adapters’ schemas exactly as zod does', () => {
    expect(schemas.length).toBeGreaterThan(30);
    const r = createRng(20261205); // seeded: a failure replays
    let accepted = 0;
    let refused = 0;
    for (const { name, schema } of schemas) {
      for (let i = 0; i < 400; i++) {
        const value = valueFor(schema, r);
        try {
          expectSameAsZod(schema, value);
        } catch (error) {
          throw new Error(`${name} with ${JSON.stringify(value)}: ${(error as Error).message}`, { cause: error });
        }
        if (schema.safeParse(value).success) accepted++;
        else refused++;
      }
    }
    // Both sides were exercised, not only one.
    expect(accepted).toBeGreaterThan(schemas.length * 50);
    expect(refused).toBeGreaterThan(schemas.length * 20);
  });

  it('compiles the schemas a key list is read with, so a 100,000-key sync is not copied', () => {
    for (const schema of [rancher.apiKeySchema, rancher.collectionSchema, onyx.apiKeySchema, deepset.tokenSchema, deepset.pageSchema]) {
      expect(checkOf(schema as never)).toBeTypeOf('function');
    }
  });

  it('returns an accepted answer as it is, with the fields zod would keep', () => {
    const answer = JSON.parse('{"id":"1c1","type":"apiKey","state":"active","links":{"self":"https://r/v2-beta/apikeys/1c1"},"extra":{"deep":[1,2]}}') as unknown;
    const result = safeParseFast(rancher.apiKeySchema, answer);
    expect(result.data).toBe(answer);
    expect(result.data).toStrictEqual(rancher.apiKeySchema.parse(answer));
  });

  it('leaves to zod what changes a value or decides otherwise', () => {
    const cases: Array<[AnySchema, unknown]> = [
      [z.string().trim(), '  padded  '],
      [z.string().catch('fallback'), 42],
      [z.object({ id: z.string() }), { id: 'k', dropped: true }],
      [z.strictObject({ id: z.string() }), { id: 'k', refused: true }],
      [z.number().default(3), undefined],
      [z.string().transform((s) => s.length), 'four'],
      [z.string().refine((s) => s.startsWith('sk-')), 'pk-1'],
      [z.coerce.string(), 12],
      [z.xor([z.string(), z.string().min(1)]), 'both'],
      [z.looseObject({ id: z.string() }), JSON.parse('{"id":"k","__proto__":{"admin":true}}')],
      [z.record(z.string(), z.unknown()), [1, 2]],
      [z.number().int(), 2 ** 53 + 2],
      [z.number(), Number.POSITIVE_INFINITY],
      [z.string().regex(/^sk-/), 'pk-1'],
      [z.string().max(3), 'four'],
      [z.array(z.string()).min(1), []],
      [z.enum(['a', 'b']), 'c'],
      [z.literal('error'), 'errors'],
    ];
    for (const [schema, value] of cases) expectSameAsZod(schema, value);
    expect(checkOf(z.string().trim() as never)).toBeNull();
    expect(checkOf(z.object({ id: z.string() }).transform((o) => o.id) as never)).toBeNull();
  });

  it('names the backend and the field that did not fit, never its value', () => {
    const read = answerReader('Rancher');
    const secret = 'sk-live-0123456789';
    let message = '';
    try {
      read(rancher.apiKeySchema, { id: 7, name: secret, secretValue: secret }, 'a key');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('Rancher sent a key Keyfleet could not read (field id).');
    expect(message).not.toContain(secret);
  });
});
