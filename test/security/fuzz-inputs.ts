// Invalid-by-construction inputs for every contract channel (used by ipc-fuzz.test.ts).
//
// Each channel has a field spec written here by hand from the contract's documented rules (not
// read out of its zod schema, so a schema that drifted from them shows up as an accepted or
// wrongly refused input) and a valid base input built on real ids. Every case changes exactly
// one thing of that base, and says which layer must refuse it:
//   contract: the channel's schema (a 'validation' error naming the channel, before any handler);
//   handler:  a well-formed reference to nothing that exists (path traversal, SQL-ish, NUL…),
//             which only the handler can know is wrong.
import { HEALTH_KINDS, PROVIDER_KINDS, type ChannelName } from '../../src-preload/contract.ts';

// ---------------------------------------------------------------- deterministic randomness

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  hex(chars: number): string;
  shuffle<T>(items: T[]): T[];
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
    hex: (chars) => Array.from({ length: chars }, () => int(16).toString(16)).join(''),
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

/** KEYFLEET_FUZZ_SEED (decimal or 0x…) replays a run; otherwise a fresh seed each run. */
export function fuzzSeed(env: string | undefined = process.env.KEYFLEET_FUZZ_SEED): number {
  if (env !== undefined && env.trim() !== '') {
    const seed = Number(env.trim());
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`KEYFLEET_FUZZ_SEED must be a non-negative integer, not ${JSON.stringify(env)}`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32) >>> 0;
}

// ---------------------------------------------------------------- the field specs

type RefKind = 'key' | 'scope' | 'type' | 'label';

export type Kind =
  | { t: 'uuid' }
  | { t: 'id'; ref?: RefKind }
  | { t: 'str'; min: number; max: number; trim?: boolean; ref?: RefKind }
  | { t: 'url' }
  | { t: 'pem' }
  | { t: 'color' }
  | { t: 'int'; min: number; max: number }
  | { t: 'bool' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'arr'; of: Kind; min: number; max: number }
  | { t: 'obj'; fields: Fields }
  | { t: 'credential' }
  /** A map from a name (/^[A-Za-z][A-Za-z0-9]{0,63}$/, never an Object.prototype name) to values of `of`. */
  | { t: 'rec'; sample: string; of: Kind; maxKeys: number }
  /** One choice (a string ≤ 256) or several (≤ 500 strings of 1–256). */
  | { t: 'choice' };

export interface FieldSpec {
  kind: Kind;
  /** default: the schema fills it in when absent. */
  presence: 'required' | 'optional' | 'default';
  nullable?: boolean;
}
export type Fields = Record<string, FieldSpec>;

const req = (kind: Kind, nullable = false): FieldSpec => ({ kind, presence: 'required', nullable });
const opt = (kind: Kind): FieldSpec => ({ kind, presence: 'optional' });
const dflt = (kind: Kind): FieldSpec => ({ kind, presence: 'default' });

const UUID: Kind = { t: 'uuid' };
const ID: Kind = { t: 'id' };
const KEY_ID: Kind = { t: 'id', ref: 'key' };
const SCOPE_ID: Kind = { t: 'id', ref: 'scope' };
const BOOL: Kind = { t: 'bool' };
const str = (min: number, max: number, trim = false): Kind => ({ t: 'str', min, max, trim });
const int = (min: number, max: number): Kind => ({ t: 'int', min, max });
const oneOf = (...values: string[]): Kind => ({ t: 'enum', values });
const arr = (of: Kind, min: number, max: number): Kind => ({ t: 'arr', of, min, max });
const obj = (fields: Fields): Kind => ({ t: 'obj', fields });

const MAX_TIME = 8_640_000_000_000_000;
const keyRef = (): Fields => ({ connectionId: req(UUID), keyId: req(KEY_ID) });
const vaultFields = arr(obj({ label: req(str(1, 128, true)), value: req(str(1, 16_384)), secret: req(BOOL) }), 1, 8);
const tags = arr(str(1, 64, true), 0, 32);
const SORT_COLUMNS = ['name', 'type', 'status', 'createdAt', 'expiresAt', 'lastUsedAt', 'scope'];
const STATUSES = ['active', 'inactive', 'pending', 'revoked', 'expired'];

/** What the base inputs point at: real things in the test's data dir and sandbox. */
export interface FuzzContext {
  connectionId: string;
  keyId: string;
  scopeId: string;
  keyType: string;
  vaultId: string;
  vaultLabel: string;
  baseUrl: string;
  accessKey: string;
  secretKey: string;
  /** In every string the fuzz makes up; must never come back in an answer. */
  marker: string;
}

export interface ChannelSpec {
  fields: Fields;
  base(ctx: FuzzContext): Record<string, unknown>;
}

const none: ChannelSpec = { fields: {}, base: () => ({}) };
const byConnection: ChannelSpec = { fields: { connectionId: req(UUID) }, base: (c) => ({ connectionId: c.connectionId }) };
const byKey: ChannelSpec = { fields: keyRef(), base: (c) => ({ connectionId: c.connectionId, keyId: c.keyId }) };
const byUuid = (field: string): ChannelSpec => ({ fields: { [field]: req(UUID) }, base: (c) => ({ [field]: uuidFrom(c.marker) }) });
const byVault: ChannelSpec = { fields: { id: req(UUID) }, base: (c) => ({ id: c.vaultId }) };

/** A fixed, well-formed v4 uuid that names nothing (operation, slot and plan ids are never guessed). */
function uuidFrom(marker: string): string {
  const hex = Buffer.from(marker).toString('hex').padEnd(32, '0').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const specs: Record<ChannelName, ChannelSpec> = {
  'app.status': none,
  'app.backends': none,
  'app.checkKeychain': none,
  'settings.get': none,
  'settings.set': {
    fields: {
      syncIntervalMinutes: opt(int(0, 1440)),
      autoLockMinutes: opt(int(1, 1440)),
      clipboardClearSeconds: opt(int(5, 600)),
      expiryReminderDays: opt(arr(int(1, 365), 1, 6)),
      welcomeDismissed: opt(BOOL),
      collapsedConnections: opt(arr(UUID, 0, 500)),
      compactSidebar: opt(BOOL),
    },
    base: (c) => ({
      syncIntervalMinutes: 15,
      autoLockMinutes: 5,
      clipboardClearSeconds: 30,
      expiryReminderDays: [60, 30, 7, 1],
      welcomeDismissed: false,
      collapsedConnections: [c.connectionId],
      compactSidebar: false,
    }),
  },
  'connections.list': none,
  'connections.add': {
    fields: {
      kind: req(oneOf(...PROVIDER_KINDS)),
      name: req(str(1, 512, true)),
      baseUrl: req({ t: 'url' }),
      color: opt({ t: 'color' }),
      credential: req({ t: 'credential' }),
      caPem: opt({ t: 'pem' }),
      target: opt(str(1, 256)),
      credentialKind: opt(str(1, 64)),
      options: opt({ t: 'rec', sample: 'onyxHeader', of: BOOL, maxKeys: 16 }),
      acceptPlainHttp: opt(BOOL),
    },
    base: (c) => ({ kind: 'rancher', name: 'fuzz', baseUrl: c.baseUrl, credential: { type: 'key-pair', accessKey: c.accessKey, secretKey: c.secretKey } }),
  },
  'connections.remove': byConnection,
  'scopes.list': byConnection,
  'keys.list': {
    fields: {
      connectionId: opt(UUID),
      scopeId: opt(ID),
      offset: dflt(int(0, 10_000_000)),
      limit: dflt(int(1, 1000)),
      query: opt(str(0, 256)),
      sort: opt(obj({ column: req(oneOf(...SORT_COLUMNS)), direction: req(oneOf('asc', 'desc')) })),
      health: opt(obj({ kind: req(oneOf(...HEALTH_KINDS)), days: opt(int(1, 3650)) })),
    },
    base: (c) => ({ connectionId: c.connectionId }),
  },
  'keys.get': byKey,
  'keys.history': byKey,
  'keys.hide': byKey,
  'keys.createForm': byConnection,
  'keys.create': {
    fields: {
      connectionId: req(UUID),
      scopeId: req(SCOPE_ID),
      type: req({ t: 'str', min: 1, max: 64, ref: 'type' }),
      name: req(str(0, 512, true)),
      description: opt(str(0, 4096)),
      role: opt(str(1, 256)),
      expiresAt: opt(int(0, MAX_TIME)),
      grants: opt(arr(obj({ scopeId: req(ID), role: req(str(1, 256)) }), 0, 100)),
      scopeIds: opt(arr(ID, 0, 500)),
      groupIds: opt(arr(ID, 0, 500)),
      fields: opt({ t: 'rec', sample: 'teamIds', of: { t: 'choice' }, maxKeys: 16 }),
    },
    base: (c) => ({ connectionId: c.connectionId, scopeId: c.scopeId, type: c.keyType, name: 'fuzz' }),
  },
  'rotation.plan': byKey,
  'rotation.start': {
    fields: { ...keyRef(), expiresAt: { kind: int(0, MAX_TIME), presence: 'optional', nullable: true } },
    base: (c) => ({ connectionId: c.connectionId, keyId: c.keyId }),
  },
  'rotation.list': none,
  'rotation.confirmDeployed': byUuid('operationId'),
  'rotation.retire': {
    fields: { operationId: req(UUID), at: opt(int(0, MAX_TIME)) },
    base: (c) => ({ operationId: uuidFrom(c.marker) }),
  },
  'rotation.keepOld': byUuid('operationId'),
  'rotation.cancel': byUuid('operationId'),
  'keys.update': {
    fields: { ...keyRef(), name: req(str(0, 512, true)), description: req(str(0, 4096), true) },
    base: (c) => ({ connectionId: c.connectionId, keyId: c.keyId, name: 'fuzz', description: null }),
  },
  'keys.setActive': {
    fields: { ...keyRef(), active: req(BOOL) },
    base: (c) => ({ connectionId: c.connectionId, keyId: c.keyId, active: false }),
  },
  'keys.delete': byKey,
  'bulk.plan': {
    fields: {
      action: req(oneOf('deactivate', 'activate', 'delete')),
      connectionIds: opt(arr(UUID, 0, 100)),
      scopeId: opt(ID),
      query: opt(str(0, 256)),
      statuses: opt(arr(oneOf(...STATUSES), 0, 5)),
      idleDays: opt(int(1, 36_500)),
    },
    base: () => ({ action: 'deactivate' }),
  },
  'bulk.run': {
    fields: { planId: req(UUID), confirmCount: req(int(0, 1_000_000)) },
    base: (c) => ({ planId: uuidFrom(c.marker), confirmCount: 0 }),
  },
  'sync.run': byConnection,
  'sync.all': none,
  'sync.cancel': byConnection,
  'reveal.take': byUuid('slotId'),
  'reveal.discard': byUuid('slotId'),
  'reveal.done': { fields: { slotId: req(UUID), seen: req(BOOL) }, base: (c) => ({ slotId: uuidFrom(c.marker), seen: true }) },
  'reveal.pending': none,
  'reveal.reopen': byUuid('operationId'),
  'health.summary': { fields: { idleDays: dflt(int(1, 3650)) }, base: () => ({}) },
  'policy.get': byConnection,
  'policy.set': {
    fields: { connectionId: req(UUID), maxLifetimeDays: req(int(1, 36_500), true), requireExpiry: req(BOOL), noAdminKeys: req(BOOL) },
    base: (c) => ({ connectionId: c.connectionId, maxLifetimeDays: null, requireExpiry: false, noAdminKeys: false }),
  },
  'changes.list': {
    fields: { connectionId: opt(UUID), since: req(int(0, MAX_TIME)), offset: dflt(int(0, 10_000_000)), limit: dflt(int(1, 1000)) },
    base: () => ({ since: 0 }),
  },
  'inventory.export': { fields: { connectionId: opt(UUID), format: req(oneOf('csv', 'json')) }, base: () => ({ format: 'json' }) },
  'journal.list': { fields: { offset: dflt(int(0, 10_000_000)), limit: dflt(int(1, 1000)) }, base: () => ({}) },
  'journal.export': { fields: { format: req(oneOf('csv', 'json')) }, base: () => ({ format: 'csv' }) },
  'app.activity': none,
  'vault.status': none,
  'vault.list': none,
  'vault.add': {
    fields: {
      name: req(str(1, 512, true)),
      service: req(str(1, 128, true)),
      url: opt({ t: 'url' }),
      notes: opt(str(0, 4096)),
      expiresAt: opt(int(0, MAX_TIME)),
      tags: opt(tags),
      fields: req(vaultFields),
      link: opt(obj(keyRef())),
    },
    base: (c) => ({
      name: 'fuzz',
      service: 'fuzz',
      fields: [{ label: 'Token', value: 'fuzz-value', secret: true }],
      link: { connectionId: c.connectionId, keyId: c.keyId },
    }),
  },
  'vault.update': {
    fields: {
      id: req(UUID),
      name: req(str(1, 512, true)),
      service: req(str(1, 128, true)),
      url: opt({ t: 'url' }),
      notes: opt(str(0, 4096)),
      expiresAt: opt(int(0, MAX_TIME)),
      tags: opt(tags),
      link: req(obj(keyRef()), true),
      fields: opt(vaultFields),
    },
    base: (c) => ({ id: c.vaultId, name: 'fuzz', service: 'fuzz', link: { connectionId: c.connectionId, keyId: c.keyId } }),
  },
  'vault.remove': byVault,
  'vault.reveal': byVault,
  'vault.copy': { fields: { id: req(UUID), label: req({ t: 'str', min: 1, max: 128, ref: 'label' }) }, base: (c) => ({ id: c.vaultId, label: c.vaultLabel }) },
  'vault.verify': byVault,
  'vault.setup': { fields: { passphrase: req(str(10, 1024)) }, base: () => ({ passphrase: 'fuzz passphrase, long enough' }) },
  'vault.lock': none,
  'vault.unlock': { fields: { passphrase: opt(str(1, 1024)), touchId: opt(BOOL) }, base: () => ({ passphrase: 'not the passphrase' }) },
  'vault.changePassphrase': {
    fields: { current: req(str(1, 1024)), next: req(str(10, 1024)) },
    base: () => ({ current: 'not the passphrase', next: 'fuzz passphrase, long enough' }),
  },
  'vault.setTouchId': { fields: { on: req(BOOL) }, base: () => ({ on: false }) },
  'vault.setAutoLock': { fields: { minutes: req(int(1, 1440)) }, base: () => ({ minutes: 5 }) },
  'vault.parseEnv': { fields: { text: req(str(0, 512 * 1024)) }, base: () => ({ text: 'FUZZ_KEY=fuzz-value' }) },
  'vault.importEnv': {
    fields: {
      text: req(str(0, 512 * 1024)),
      service: req(str(1, 128, true)),
      tags: opt(tags),
      names: req(arr(str(1, 256), 1, 500)),
    },
    base: () => ({ text: 'FUZZ_KEY=fuzz-value', service: 'dotenv', names: ['FUZZ_KEY'] }),
  },
  'vault.exportEnv': { fields: { ids: req(arr(UUID, 1, 500)) }, base: (c) => ({ ids: [c.vaultId] }) },
  'vault.backup': { fields: { passphrase: req(str(10, 1024)) }, base: () => ({ passphrase: 'fuzz passphrase, long enough' }) },
  'vault.restorePreview': { fields: { passphrase: req(str(1, 1024)) }, base: () => ({ passphrase: 'fuzz passphrase' }) },
  'vault.restore': {
    fields: {
      restoreId: req(UUID),
      choices: req(arr(obj({ ref: req(int(0, 9_999)), action: req(oneOf('add', 'skip', 'rename')), name: opt(str(1, 512, true)) }), 0, 10_000)),
    },
    base: (c) => ({ restoreId: uuidFrom(c.marker), choices: [{ ref: 0, action: 'skip' }] }),
  },
  'vault.exportMeta': none,
  'clipboard.writeSecret': { fields: { text: req(str(1, 16_384)) }, base: () => ({ text: 'fuzz' }) },
};

// ---------------------------------------------------------------- values

export const HUGE_LENGTH = 1024 * 1024;

interface Gen {
  rng: Rng;
  ctx: FuzzContext;
}

const hugeCache = new Map<string, string>();
/** A ≥ 1 MB string made of the marker, so that any echo of it, even cut short, is found. */
export function hugeString(marker: string): string {
  let value = hugeCache.get(marker);
  if (!value) {
    const unit = `${marker}|`;
    value = unit.repeat(Math.ceil(HUGE_LENGTH / unit.length));
    hugeCache.set(marker, value);
  }
  return value;
}

/** A string of exactly `length` characters, no whitespace at either end, starting with the marker. */
function longString(marker: string, length: number): string {
  const unit = `${marker}#`;
  return unit.repeat(Math.ceil(length / unit.length) + 1).slice(0, length);
}

const deepCache = new Map<string, unknown>();
const DEPTHS = [5_000, 20_000, 100_000];
/** [[[…]]] or {a:{a:…}}, built without recursion; shared (nothing writes to inputs). */
function deep(shape: 'array' | 'object', depth: number): unknown {
  const cacheKey = `${shape}:${depth}`;
  if (!deepCache.has(cacheKey)) {
    let value: unknown = shape === 'array' ? [] : {};
    for (let i = 0; i < depth; i++) value = shape === 'array' ? [value] : { a: value };
    deepCache.set(cacheKey, value);
  }
  return deepCache.get(cacheKey);
}

/** A JSON-parsed object with `__proto__` (or another key) as an own property, like an attacker's payload. */
function jsonWithOwnKey(key: string, payload: unknown, rest: Record<string, unknown> = {}): Record<string, unknown> {
  const tail = JSON.stringify(rest).slice(1);
  return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(payload)}${tail === '}' ? '}' : `,${tail}`}`) as Record<string, unknown>;
}

function pollution(marker: string): Record<string, unknown> {
  return { polluted: marker, isAdmin: true, toString: marker, prototype: { polluted: marker } };
}

class FuzzThing {
  readonly fuzz = true;
}

type Cls = 'number' | 'string' | 'boolean' | 'array' | 'object' | 'exotic';
interface Value {
  label: string;
  cls: Cls;
  make(g: Gen): unknown;
}

function argumentsObject(..._args: unknown[]): unknown {
  // eslint-disable-next-line prefer-rest-params
  return arguments;
}

/** Values of every type JS has; a kind draws those of the classes it never accepts. */
const POOL: Value[] = [
  { label: 'number 42', cls: 'number', make: () => 42 },
  { label: 'number 0', cls: 'number', make: () => 0 },
  { label: 'number -1', cls: 'number', make: () => -1 },
  { label: 'NaN', cls: 'number', make: () => NaN },
  { label: 'Infinity', cls: 'number', make: () => Infinity },
  { label: '-Infinity', cls: 'number', make: () => -Infinity },
  { label: '-0', cls: 'number', make: () => -0 },
  { label: 'float 1.5', cls: 'number', make: () => 1.5 },
  { label: '1e308', cls: 'number', make: () => 1e308 },
  { label: 'empty string', cls: 'string', make: () => '' },
  { label: 'numeric string', cls: 'string', make: () => '42' },
  { label: 'string "true"', cls: 'string', make: () => 'true' },
  { label: 'marker string', cls: 'string', make: (g) => g.ctx.marker },
  { label: '1 MB string', cls: 'string', make: (g) => hugeString(g.ctx.marker) },
  { label: 'true', cls: 'boolean', make: () => true },
  { label: 'false', cls: 'boolean', make: () => false },
  { label: 'empty array', cls: 'array', make: () => [] },
  { label: 'array of a string', cls: 'array', make: (g) => [g.ctx.marker] },
  { label: 'array of a number', cls: 'array', make: () => [1] },
  { label: 'deeply nested array', cls: 'array', make: (g) => deep('array', g.rng.pick(DEPTHS)) },
  { label: 'empty object', cls: 'object', make: () => ({}) },
  { label: 'object without prototype', cls: 'object', make: () => Object.create(null) as unknown },
  { label: 'object with own __proto__', cls: 'object', make: (g) => jsonWithOwnKey('__proto__', pollution(g.ctx.marker)) },
  { label: 'object with own constructor', cls: 'object', make: (g) => jsonWithOwnKey('constructor', { prototype: pollution(g.ctx.marker) }) },
  { label: 'deeply nested object', cls: 'object', make: (g) => deep('object', g.rng.pick(DEPTHS)) },
  { label: 'Symbol', cls: 'exotic', make: (g) => Symbol(g.ctx.marker) },
  { label: 'function', cls: 'exotic', make: (g) => () => g.ctx.marker },
  { label: 'BigInt', cls: 'exotic', make: () => 2n ** 70n },
  { label: 'Date', cls: 'exotic', make: () => new Date(0) },
  { label: 'invalid Date', cls: 'exotic', make: () => new Date(NaN) },
  { label: 'Map', cls: 'exotic', make: (g) => new Map([[g.ctx.marker, 1]]) },
  { label: 'Set', cls: 'exotic', make: (g) => new Set([g.ctx.marker]) },
  { label: 'WeakMap', cls: 'exotic', make: () => new WeakMap() },
  { label: 'RegExp', cls: 'exotic', make: () => /.*/ },
  { label: 'Error', cls: 'exotic', make: (g) => new Error(g.ctx.marker) },
  { label: 'Promise', cls: 'exotic', make: (g) => Promise.resolve(g.ctx.marker) },
  { label: 'boxed String', cls: 'exotic', make: (g) => new String(g.ctx.marker) },
  { label: 'boxed Number', cls: 'exotic', make: () => new Number(1) },
  { label: 'boxed Boolean', cls: 'exotic', make: () => new Boolean(true) },
  { label: 'Uint8Array', cls: 'exotic', make: () => new Uint8Array(8) },
  { label: 'ArrayBuffer', cls: 'exotic', make: () => new ArrayBuffer(8) },
  { label: 'class instance', cls: 'exotic', make: () => new FuzzThing() },
  { label: 'arguments object', cls: 'exotic', make: (g) => argumentsObject(g.ctx.marker) },
];

/** Values a kind's own class holds, but that break its rules. */
function badOfOwnClass(kind: Kind, g: Gen): Array<[string, unknown]> {
  const { marker } = g.ctx;
  const huge = hugeString(marker);
  const u = uuidFrom(marker);
  switch (kind.t) {
    case 'uuid':
      return [
        ['empty', ''],
        ['not a uuid', `not-a-uuid-${marker}`],
        ['no dashes', u.replaceAll('-', '')],
        ['in braces', `{${u}}`],
        ['urn form', `urn:uuid:${u}`],
        ['trailing newline', `${u}\n`],
        ['NUL byte', `${u}\0`],
        ['leading space', ` ${u}`],
        ['a non-hex digit', `${u.slice(0, -1)}g`],
        ['one digit too many', `${u}0`],
        ['path traversal', '../../etc/passwd'],
        ['SQL-ish', "' OR 1=1 --"],
        ['10k chars', longString(marker, 10_000)],
        ['1 MB', huge],
      ];
    case 'id':
      return [
        ['empty', ''],
        ['257 chars', longString(marker, 257)],
        ['10k chars', longString(marker, 10_000)],
        ['1 MB', huge],
      ];
    case 'str': {
      const out: Array<[string, unknown]> = [];
      if (kind.min >= 1) out.push(['empty', '']);
      if (kind.min >= 1 && kind.trim) out.push(['spaces only', '   '], ['tabs and newlines only', '\t\n\r '], ['unicode spaces only', '\u00a0\u2003\u3000']);
      out.push([`${kind.max + 1} chars`, longString(marker, kind.max + 1)]);
      out.push(['far too long', longString(marker, kind.max + 1 + g.rng.int(kind.max * 3 + 10))]);
      if (kind.max < HUGE_LENGTH) out.push(['1 MB', huge]);
      return out;
    }
    case 'url':
      return [
        ['empty', ''],
        ['not a URL', `not a url ${marker}`],
        ['no scheme', 'example.com/path'],
        ['protocol-relative', '//example.com/'],
        ['javascript:', `javascript:alert('${marker}')`],
        ['file:', 'file:///etc/passwd'],
        ['ftp:', 'ftp://example.com/'],
        ['data:', `data:text/plain,${marker}`],
        ['ws:', 'ws://127.0.0.1/'],
        ['credentials in it', `https://admin:${marker}@127.0.0.1/`],
        ['a user name in it', `https://${marker}@127.0.0.1/`],
        ['a password only', `https://:${marker}@127.0.0.1/`],
        ['unclosed IPv6', 'http://[::1/'],
        ['over 2048 chars', `https://example.com/${longString(marker, 2100)}`],
        ['1 MB', `https://example.com/${huge}`],
      ];
    case 'pem':
      return [
        ['empty', ''],
        ['no certificate', `no certificate here ${marker}`],
        ['a private key', `-----BEGIN PRIVATE KEY-----\n${marker}\n-----END PRIVATE KEY-----\n`],
        ['over 256 KB', `-----BEGIN CERTIFICATE-----\n${longString(marker, 256 * 1024)}\n-----END CERTIFICATE-----\n`],
        ['1 MB', huge],
      ];
    case 'color':
      return [
        ['a colour name', 'red'],
        ['short hex', '#fff'],
        ['non-hex digit', '#12345g'],
        ['seven digits', '#1234567'],
        ['no hash', '3b82f6'],
        ['trailing space', '#3b82f6 '],
        ['NUL byte', '#3b82f6\0'],
        ['rgb()', 'rgb(1, 2, 3)'],
        ['empty', ''],
        ['1 MB', huge],
      ];
    case 'enum': {
      const first = kind.values[0]!;
      const out: Array<[string, unknown]> = [
        ['not an option', `nope-${marker}`],
        ['trailing space', `${first} `],
        ['leading space', ` ${first}`],
        ['NUL byte', `${first}\0`],
        ['empty', ''],
        ['__proto__', '__proto__'],
        ['constructor', 'constructor'],
        ['toString', 'toString'],
        ['all options joined', kind.values.join(',')],
        ['1 MB', huge],
      ];
      if (first.toUpperCase() !== first) out.push(['upper case', first.toUpperCase()]);
      return out;
    }
    case 'int': {
      const out: Array<[string, unknown]> = [
        ['below the minimum', kind.min - 1],
        ['above the maximum', kind.max + 1],
        ['far above the maximum', kind.max * 1000 + 7],
        ['a fraction', kind.min + 0.5],
        ['NaN', NaN],
        ['Infinity', Infinity],
        ['-Infinity', -Infinity],
        ['1e308', 1e308],
        ['not a safe integer', Number.MAX_SAFE_INTEGER + 2],
        ['smallest positive number', Number.MIN_VALUE],
        ['-MAX_VALUE', -Number.MAX_VALUE],
      ];
      if (kind.min >= 0) out.push(['-1', -1]);
      if (kind.min > 0) out.push(['-0', -0], ['0', 0]);
      return out;
    }
    case 'bool':
      return [];
    case 'choice':
      return [
        ['257 chars', longString(marker, 257)],
        ['1 MB', huge],
        ['501 choices', Array.from({ length: 501 }, () => 'f')],
        ['an empty choice', ['']],
        ['a 257-char choice', [longString(marker, 257)]],
        ['a number among the choices', ['f', 42]],
        ['a nested list', [['f']]],
      ];
    default:
      return [];
  }
}

function excludedClasses(kind: Kind): Cls[] {
  switch (kind.t) {
    case 'int':
      return ['number'];
    case 'bool':
      return ['boolean'];
    case 'arr':
      return ['array'];
    case 'obj':
    case 'credential':
    case 'rec':
      return [];
    case 'choice':
      return ['string', 'array'];
    default:
      return ['string'];
  }
}

function hasRequired(fields: Fields): boolean {
  return Object.values(fields).some((f) => f.presence === 'required');
}

/** Wrong-type values for a kind (every class it never accepts). */
function wrongTypes(kind: Kind): Value[] {
  const excluded = excludedClasses(kind);
  return POOL.filter((v) => {
    if (excluded.includes(v.cls)) return false;
    // A nested object with no required field would accept {} (and, as zod reads it, a Map); so would a record.
    const acceptsEmpty = (kind.t === 'obj' && !hasRequired(kind.fields)) || kind.t === 'rec';
    if (acceptsEmpty && (v.cls === 'exotic' || v.label === 'empty object' || v.label === 'object without prototype')) return false;
    return true;
  });
}

/** A valid value of a kind (for parents a nested case needs, and for array elements). */
export function validValue(kind: Kind, g: Gen): unknown {
  switch (kind.t) {
    case 'uuid':
      return `${g.rng.hex(8)}-${g.rng.hex(4)}-4${g.rng.hex(3)}-${g.rng.pick(['8', '9', 'a', 'b'])}${g.rng.hex(3)}-${g.rng.hex(12)}`;
    case 'id':
      return `fuzz-${g.rng.hex(6)}`;
    case 'str':
      return 'f'.repeat(Math.max(kind.min, Math.min(4, kind.max)));
    case 'url':
      return 'https://example.com/';
    case 'pem':
      return '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    case 'color':
      return '#3b82f6';
    case 'int':
      return kind.min;
    case 'bool':
      return true;
    case 'enum':
      return kind.values[0];
    case 'arr':
      return Array.from({ length: Math.max(1, kind.min) }, () => validValue(kind.of, g));
    case 'obj':
      return Object.fromEntries(
        Object.entries(kind.fields)
          .filter(([, f]) => f.presence === 'required')
          .map(([name, f]) => [name, validValue(f.kind, g)]),
      );
    case 'credential':
      return { type: 'token', token: 'fuzz-token' };
    case 'rec':
      return {};
    case 'choice':
      return 'f';
  }
}

/** Well-formed references to nothing: only the handler can tell, and it must refuse them. */
function danglingRefs(kind: Kind, g: Gen): Array<[string, string]> {
  if ((kind.t !== 'id' && kind.t !== 'str') || !kind.ref) return [];
  const { ctx } = g;
  const real = { key: ctx.keyId, scope: ctx.scopeId, type: ctx.keyType, label: ctx.vaultLabel }[kind.ref];
  // vault.copy names the label it did not find (a field label, never a secret; ≤ 128 chars by
  // the schema), so the marker stays out of labels.
  const tag = kind.ref === 'label' ? 'fuzz' : ctx.marker;
  const candidates: Array<[string, string]> = [
    ['path traversal', '../../etc/passwd'],
    ['dot-dot', '..'],
    ['traversal after the real id', `${real}/../../${tag}`],
    ['SQL-ish', "' OR 1=1 --"],
    ['SQL-ish after the real id', `${real}' OR '1'='1`],
    ['SQL wildcard %', '%'],
    ['SQL wildcard _ (as long as the real id)', '_'.repeat(real.length)],
    ['glob *', '*'],
    ['NUL byte after the real id', `${real}\0`],
    ['NUL byte before the real id', `\0${real}`],
    ['trailing space', `${real} `],
    ['leading space', ` ${real}`],
    ['trailing newline', `${real}\n`],
    ['right-to-left override', `\u202e${real}`],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['made up', `${tag}-nothing`],
  ];
  if (real.toUpperCase() !== real) candidates.push(['upper case', real.toUpperCase()]);
  if (real.toLowerCase() !== real) candidates.push(['lower case', real.toLowerCase()]);
  const max = kind.t === 'id' ? 256 : kind.max;
  candidates.push(['as long as allowed', longString(tag, max)]);
  return candidates.filter(([, v]) => v !== real && v.length >= 1 && v.length <= max);
}

// ---------------------------------------------------------------- cases

export type Layer = 'contract' | 'handler';

export interface FuzzCase {
  label: string;
  layer: Layer;
  make(rng: Rng): unknown;
}

const ANY = Symbol('any index');
interface Step {
  key: string | number | typeof ANY;
  kind: Kind;
}
const DELETE = Symbol('delete');

function pathLabel(steps: Step[]): string {
  if (steps.length === 0) return '(input)';
  return steps.map((s) => (typeof s.key === 'string' ? `.${s.key}` : `[${s.key === ANY ? '*' : s.key}]`)).join('').replace(/^\./, '');
}

/** The base with one value replaced (or removed), creating any parent the path needs. */
function setAt(base: Record<string, unknown>, steps: Step[], value: unknown, g: Gen): unknown {
  if (steps.length === 0) return value;
  const root = structuredClone(base);
  let container: Record<string | number, unknown> = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const key = step.key === ANY ? g.rng.int((container as unknown as unknown[]).length) : step.key;
    if (i === steps.length - 1) {
      if (value === DELETE) delete container[key];
      else container[key] = value;
      break;
    }
    if (container[key] === undefined || container[key] === null) container[key] = validValue(step.kind, g);
    container = container[key] as Record<string | number, unknown>;
  }
  return root;
}

function valueCases(base: Record<string, unknown>, steps: Step[], spec: FieldSpec, ctx: FuzzContext): FuzzCase[] {
  const where = pathLabel(steps);
  const kind = spec.kind;
  const cases: FuzzCase[] = [];
  const at = (label: string, layer: Layer, make: (g: Gen) => unknown) =>
    cases.push({ label: `${where}: ${label}`, layer, make: (rng) => setAt(base, steps, make({ rng, ctx }), { rng, ctx }) });

  if (spec.presence === 'required' && typeof steps[steps.length - 1]!.key === 'string') {
    at('missing', 'contract', () => DELETE);
    at('undefined', 'contract', () => undefined);
  }
  if (!spec.nullable) at('null', 'contract', () => null);
  for (const value of wrongTypes(kind)) at(value.label, 'contract', (g) => value.make(g));
  for (const [label] of badOfOwnClass(kind, { rng: createRng(0), ctx })) {
    at(label, 'contract', (g) => badOfOwnClass(kind, g).find(([l]) => l === label)![1]);
  }
  for (const [label] of danglingRefs(kind, { rng: createRng(0), ctx })) {
    at(`dangling reference, ${label}`, 'handler', (g) => danglingRefs(kind, g).find(([l]) => l === label)![1]);
  }

  if (kind.t === 'arr') {
    const element: FieldSpec = { kind: kind.of, presence: 'required' };
    at(`${kind.max + 1} elements`, 'contract', (g) => Array.from({ length: kind.max + 1 }, () => validValue(kind.of, g)));
    at('100k elements', 'contract', (g) => new Array<unknown>(100_000).fill(validValue(kind.of, g)));
    if (kind.min >= 1) at('no element', 'contract', () => []);
    at('array-like object', 'contract', (g) => ({ length: 1, 0: validValue(kind.of, g) }));
    at('a hole', 'contract', (g) => {
      const holed = new Array<unknown>(2);
      holed[1] = validValue(kind.of, g);
      return holed;
    });
    cases.push(...valueCases(base, [...steps, { key: ANY, kind: kind.of }], element, ctx));
  }
  if (kind.t === 'obj') cases.push(...objectCases(base, steps, kind.fields, ctx));
  if (kind.t === 'credential') cases.push(...credentialCases(base, steps, ctx));
  if (kind.t === 'rec') cases.push(...recordCases(base, steps, kind, ctx));
  return cases;
}

/** Cases on a record: names that are not field names (prototype ones included), too many, and its values. */
function recordCases(base: Record<string, unknown>, steps: Step[], kind: Extract<Kind, { t: 'rec' }>, ctx: FuzzContext): FuzzCase[] {
  const where = pathLabel(steps);
  const valid = (g: Gen) => validValue(kind.of, g);
  const variants: Array<[string, (g: Gen) => unknown]> = [
    ['a name with a dash', (g) => ({ 'not-a-field': valid(g) })],
    ['a name starting with a digit', (g) => ({ '1field': valid(g) })],
    ['an empty name', (g) => ({ '': valid(g) })],
    ['a 65-char name', (g) => ({ [`f${'x'.repeat(64)}`]: valid(g) })],
    ['a 1 MB name', (g) => ({ [hugeString(g.ctx.marker).replace(/[^A-Za-z0-9]/g, 'x')]: valid(g) })],
    ['own __proto__', (g) => jsonWithOwnKey('__proto__', valid(g))],
    ['constructor', (g) => jsonWithOwnKey('constructor', valid(g))],
    ['toString', (g) => ({ toString: valid(g) })],
    ['hasOwnProperty', (g) => ({ hasOwnProperty: valid(g) })],
    ['prototype', (g) => ({ prototype: valid(g) })],
    [`${kind.maxKeys + 1} names`, (g) => Object.fromEntries(Array.from({ length: kind.maxKeys + 1 }, (_, i) => [`field${i}`, valid(g)]))],
  ];
  return [
    ...variants.map(([label, make]): FuzzCase => ({ label: `${where}: ${label}`, layer: 'contract', make: (rng) => setAt(base, steps, make({ rng, ctx }), { rng, ctx }) })),
    ...valueCases(base, [...steps, { key: kind.sample, kind: kind.of }], { kind: kind.of, presence: 'optional' }, ctx),
  ];
}

/** Cases on an object (the input itself when steps is empty, or a nested strict object). */
function objectCases(base: Record<string, unknown>, steps: Step[], fields: Fields, ctx: FuzzContext): FuzzCase[] {
  const where = pathLabel(steps);
  const cases: FuzzCase[] = [];
  /** The object at `steps` in a fresh copy of the base, made valid if absent, changed by `change`. */
  const edit = (label: string, change: (target: Record<string, unknown>, g: Gen) => unknown) =>
    cases.push({
      label: `${where}: ${label}`,
      layer: 'contract',
      make: (rng) => {
        const g = { rng, ctx };
        return setAt(base, steps, change(readAt(base, steps, g) as Record<string, unknown>, g), g);
      },
    });

  edit('an unknown field', (t, g) => ({ ...t, [`${g.ctx.marker}_${g.rng.hex(4)}`]: g.rng.pick([1, 'x', true, null, {}]) }));
  edit('an unknown field named ""', (t) => ({ ...t, '': 1 }));
  edit('an unknown field named "0"', (t) => ({ ...t, 0: 1 }));
  edit('an unknown field named toString', (t) => ({ ...t, toString: 'x' }));
  edit('an unknown field with a 1 MB name', (t, g) => ({ ...t, [hugeString(g.ctx.marker)]: 1 }));
  edit('10k unknown fields', (t, g) => {
    const wide: Record<string, unknown> = { ...t };
    for (let i = 0; i < 10_000; i++) wide[`${g.ctx.marker}${i}`] = i;
    return wide;
  });
  edit('an unknown field holding a deeply nested object', (t, g) => ({ ...t, nested: deep('object', g.rng.pick(DEPTHS)) }));
  edit('own __proto__ (as JSON.parse makes it)', (t, g) => jsonWithOwnKey('__proto__', pollution(g.ctx.marker), t));
  edit('own __proto__ carrying the fields', (t) => jsonWithOwnKey('__proto__', t, {}));
  edit('own constructor.prototype', (t, g) => jsonWithOwnKey('constructor', { prototype: pollution(g.ctx.marker) }, t));
  edit('own prototype', (t, g) => jsonWithOwnKey('prototype', pollution(g.ctx.marker), t));
  edit('own constructor (defineProperty)', (t, g) =>
    Object.defineProperty({ ...t }, 'constructor', { value: { prototype: pollution(g.ctx.marker) }, enumerable: true, configurable: true, writable: true }),
  );
  const required = Object.entries(fields).find(([, f]) => f.presence === 'required');
  const anyField = required ?? Object.entries(fields)[0];
  if (anyField) {
    edit(`a getter on ${anyField[0]} that throws`, (t, g) =>
      Object.defineProperty({ ...t }, anyField[0], {
        enumerable: true,
        get() {
          throw new Error(`getter ${g.ctx.marker}`);
        },
      }),
    );
  }
  edit('a Proxy whose traps throw', (t, g) => {
    const trap = () => {
      throw new Error(`proxy ${g.ctx.marker}`);
    };
    return new Proxy(t, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, has: trap });
  });
  if (Object.keys(base).length > 0 || steps.length > 0) {
    edit('the fields inherited, none own', (t) => Object.create(t) as unknown);
    edit('a class instance with the fields', (t) => Object.assign(new FuzzThing(), t));
    edit('a Map of the fields', (t) => new Map(Object.entries(t)));
  }
  if (steps.length === 0) {
    cases.push(
      ...[...POOL, { label: 'null', cls: 'object' as Cls, make: () => null }, { label: 'undefined', cls: 'object' as Cls, make: () => undefined }]
        .filter((v) => hasRequired(fields) || (v.label !== 'empty object' && v.label !== 'object without prototype'))
        .map((v): FuzzCase => ({ label: `(input): ${v.label}`, layer: 'contract', make: (rng) => v.make({ rng, ctx }) })),
      { label: '(input): an array holding the input', layer: 'contract', make: () => [structuredClone(base)] },
      { label: '(input): the input as a JSON string', layer: 'contract', make: () => JSON.stringify(base) },
      { label: '(input): the input wrapped in { input }', layer: 'contract', make: () => ({ input: structuredClone(base) }) },
    );
  }

  for (const [name, spec] of Object.entries(fields)) {
    cases.push(...valueCases(base, [...steps, { key: name, kind: spec.kind }], spec, ctx));
  }
  return cases;
}

/** A copy of the value at `steps` in the base (a valid one when absent). */
function readAt(base: Record<string, unknown>, steps: Step[], g: Gen): unknown {
  let container: unknown = base;
  for (const step of steps) {
    const record = container as Record<string | number, unknown> | undefined;
    const key = step.key === ANY ? 0 : step.key;
    const next = record?.[key];
    container = next === undefined || next === null ? validValue(step.kind, g) : next;
  }
  return structuredClone(container);
}

function credentialCases(base: Record<string, unknown>, steps: Step[], ctx: FuzzContext): FuzzCase[] {
  const where = pathLabel(steps);
  const pair = { type: 'key-pair', accessKey: ctx.accessKey, secretKey: ctx.secretKey };
  const token = { type: 'token', token: ctx.secretKey };
  const huge = hugeString(ctx.marker);
  const variants: Array<[string, (g: Gen) => unknown]> = [
    ['key pair with an unknown field', (g) => ({ ...pair, [`${g.ctx.marker}_x`]: 1 })],
    ['key pair typed as a token', () => ({ ...pair, type: 'token' })],
    ['token typed as a key pair', () => ({ ...token, type: 'key-pair' })],
    ['both shapes at once', () => ({ ...pair, token: ctx.secretKey })],
    ['an unknown type', () => ({ ...pair, type: 'password' })],
    ['type in an array', () => ({ ...pair, type: ['key-pair'] })],
    ['no type', () => ({ accessKey: ctx.accessKey, secretKey: ctx.secretKey })],
    ['no secret key', () => ({ type: 'key-pair', accessKey: ctx.accessKey })],
    ['blank access key', () => ({ ...pair, accessKey: '  \t ' })],
    ['empty secret key', () => ({ ...pair, secretKey: '' })],
    ['secret key of 4097 chars', () => ({ ...pair, secretKey: longString(ctx.marker, 4097) })],
    ['access key of 513 chars', () => ({ ...pair, accessKey: longString(ctx.marker, 513) })],
    ['1 MB secret key', () => ({ ...pair, secretKey: huge })],
    ['blank token', () => ({ type: 'token', token: '   ' })],
    ['token of 8193 chars', () => ({ type: 'token', token: longString(ctx.marker, 8193) })],
    ['secret key as a number', () => ({ ...pair, secretKey: 12345 })],
    ['secret key nested', () => ({ ...pair, secretKey: { value: ctx.secretKey } })],
    ['own __proto__', (g) => jsonWithOwnKey('__proto__', pollution(g.ctx.marker), pair)],
    ['own constructor', (g) => jsonWithOwnKey('constructor', { prototype: pollution(g.ctx.marker) }, pair)],
  ];
  return variants.map(([label, make]): FuzzCase => ({ label: `${where}: ${label}`, layer: 'contract', make: (rng) => setAt(base, steps, make({ rng, ctx }), { rng, ctx }) }));
}

/** Every case for one channel, in a fixed order (the caller samples them with its Rng). */
export function channelCases(channel: ChannelName, ctx: FuzzContext): FuzzCase[] {
  const spec = specs[channel];
  return objectCases(spec.base(ctx), [], spec.fields, ctx);
}

/** Channel names that are not channels, each with a valid input of some real channel. */
export function unknownChannels(ctx: FuzzContext): Array<{ label: string; channel: () => unknown }> {
  const names: Array<[string, () => unknown]> = [
    ['__proto__', () => '__proto__'],
    ['constructor', () => 'constructor'],
    ['toString', () => 'toString'],
    ['hasOwnProperty', () => 'hasOwnProperty'],
    ['valueOf', () => 'valueOf'],
    ['"keys.list " (trailing space)', () => 'keys.list '],
    ['" keys.list" (leading space)', () => ' keys.list'],
    ['KEYS.LIST', () => 'KEYS.LIST'],
    ['keys.list with a NUL byte', () => 'keys.list\0'],
    ['keys..list', () => 'keys..list'],
    ['keys/list', () => 'keys/list'],
    ['keys (a namespace)', () => 'keys'],
    ['keys.list.extra', () => 'keys.list.extra'],
    ['keys.list with a Cyrillic e', () => 'k\u0435ys.list'],
    ['keys.on (the API object’s on)', () => 'on'],
    ['empty', () => ''],
    ['1 MB name', () => hugeString(ctx.marker)],
    ['marker name', () => `${ctx.marker}.list`],
    ['../app.status', () => '../app.status'],
    ['a number', () => 42],
    ['null', () => null],
    ['undefined', () => undefined],
    ['a Symbol', () => Symbol('keys.list')],
    ['an array holding a channel name', () => ['keys.list']],
    ['a boxed String of a channel name', () => new String('keys.list')],
    ['an object whose toString names a channel', () => ({ toString: () => 'keys.list' })],
    ['a function', () => () => 'keys.list'],
  ];
  return names.map(([label, channel]) => ({ label, channel }));
}
