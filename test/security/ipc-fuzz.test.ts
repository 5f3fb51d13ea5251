// The IPC fuzz of the security suite. Every contract channel gets inputs that are invalid by
// construction (fuzz-inputs.ts: a valid base on real ids with exactly one thing broken) through
// core.dispatch, against a real core: temp data dir, real SQLite, the real keychain, a Rancher
// sandbox connection, synced, and a vault entry. Figures: calls made, crashes (an exception out
// of dispatch, an unhandled rejection, an 'internal' error, a handler.crashed log line), invalid
// inputs accepted, state changed by refused calls (the whole database and this test's keychain
// items, per channel batch and around a random sample of single calls), prototype pollution,
// and echoes of the marker planted in inputs. Then a little fuzz of the web harness's HTTP
// transport. KEYFLEET_FUZZ_SEED=<seed> replays a run; KEYFLEET_STRESS=1 runs the full count.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels, ERROR_KINDS, type AppErrorShape, type ChannelName } from '../../src-preload/contract.ts';
import { createCore, DATABASE_FILE, type Core } from '../../src-main/core.ts';
import { INVALID_INPUT } from '../../src-main/dispatch.ts';
import { connectionAccount, createKeytarSecretStore } from '../../src-main/secrets/secret-store.ts';
import { vaultAccount } from '../../src-main/services/vault/index.ts';
import { inspectItem } from '../../src-main/secrets/vault-items.ts';
import { TEST_KDF } from '../support/vault-service.ts';
import { startRancherSandbox, type RancherSandbox } from '../backends/rancher/server.ts';
import { startHarness } from '../harness/server.ts';
import { tempDir } from '../support/temp.ts';
import { recordFigures, setting, STRESS, type Figure } from './figures.ts';
import { channelCases, createRng, fuzzSeed, specs, unknownChannels, type FuzzCase, type FuzzContext, type Layer } from './fuzz-inputs.ts';

const SEED = fuzzSeed();
const TOTAL_CALLS = setting(1_500, 12_000);
const CALLS_TARGET = STRESS ? 10_000 : 1_000;
/** Share of calls that get their own before/after state comparison. */
const SAMPLE_SHARE = setting(0.04, 0.02);
const MARKER = `kfz${SEED.toString(36)}Q7mW`;
const VAULT_SECRET = `vault-secret-${MARKER}-9fK2`;
const VAULT_PASSPHRASE = `fuzz vault passphrase ${MARKER}`;

const keychain = createKeytarSecretStore();
let sandbox: RancherSandbox | undefined;
let dir: ReturnType<typeof tempDir> | undefined;
let core: Core | undefined;
let ctx: FuzzContext;
let accounts: string[] = [];
const figures = new Map<string, Figure>();
const escaped = { rejections: 0, exceptions: 0 };
const onRejection = () => void escaped.rejections++;
const onException = () => void escaped.exceptions++;

function figure(name: string, value: number, target: string, ok: boolean, detail?: string): void {
  figures.set(name, { figure: name, value, target, ok, ...(detail ? { detail } : {}) });
}

// ---------------------------------------------------------------- state, logs, prototypes

/** Every row of every table, and this test's keychain items, as one hash (nothing is printed). */
async function stateHash(dataDir: string, keychainAccounts: string[]): Promise<string> {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  let tables: Array<[string, string[]]>;
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    tables = names.map((name) => [
      name,
      db
        .prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort(),
    ]);
  } finally {
    db.close();
  }
  const items = await Promise.all(keychainAccounts.map((account) => keychain.get(account)));
  return createHash('sha256').update(JSON.stringify([tables, items])).digest('hex');
}

const state = () => stateHash(dir!.path, accounts);

function crashedLines(dataDir: string): string[] {
  const file = join(dataDir, 'logs', 'keyfleet.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"handler.crashed"'));
}

/** Every own property of the prototypes an attacker would aim at, by identity. */
function prototypeSnapshot(): Map<string, unknown[]> {
  const snapshot = new Map<string, unknown[]>();
  const protos: Array<[string, object]> = [
    ['Object', Object.prototype],
    ['Array', Array.prototype],
    ['Function', Function.prototype],
    ['String', String.prototype],
  ];
  for (const [name, proto] of protos) {
    for (const key of Reflect.ownKeys(proto)) {
      // Read as plain data: the accessor functions are compared by identity, never called.
      const d = Object.getOwnPropertyDescriptor(proto, key) as { value?: unknown; get?: unknown; set?: unknown };
      snapshot.set(`${name}.prototype.${String(key)}`, [d.value, d.get, d.set]);
    }
  }
  return snapshot;
}

function pollutionSince(before: Map<string, unknown[]>): string[] {
  const after = prototypeSnapshot();
  const found: string[] = [];
  for (const [key, parts] of after) {
    const was = before.get(key);
    if (!was || parts.some((part, i) => part !== was[i])) found.push(`${key} added or changed`);
  }
  for (const key of before.keys()) if (!after.has(key)) found.push(`${key} removed`);
  const plain: Record<string, unknown> = {};
  const list: unknown[] = [];
  for (const probe of ['polluted', 'isAdmin', MARKER]) {
    if (probe in plain) found.push(`{} has ${probe}`);
    if (probe in list) found.push(`[] has ${probe}`);
  }
  return found;
}

// ---------------------------------------------------------------- judging a call

interface Tally {
  calls: number;
  refused: number;
  byContract: number;
  byHandler: number;
}

interface Problems {
  crashes: string[];
  accepted: string[];
  pastContract: string[];
  echoes: string[];
  stateChanges: string[];
}

type Outcome = { threw: string } | { result: unknown };

async function call(channel: unknown, input: unknown): Promise<Outcome> {
  try {
    return { result: await core!.dispatch(channel, input) };
  } catch (error) {
    // The name only: a message could hold what the input planted.
    return { threw: error instanceof Error ? error.name : typeof error };
  }
}

function isResult(value: unknown): value is { ok: true; value: unknown } | { ok: false; error: AppErrorShape } {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as { ok?: unknown; value?: unknown; error?: { kind?: unknown; message?: unknown } };
  if (r.ok === true) return 'value' in r;
  return r.ok === false && typeof r.error === 'object' && r.error !== null && (ERROR_KINDS as readonly unknown[]).includes(r.error.kind) && typeof r.error.message === 'string';
}

function echoes(text: string): boolean {
  return text.includes(MARKER) || text.includes(VAULT_SECRET) || text.includes(ctx.secretKey);
}

/** Sorts one answer into the figures; returns which layer refused it, if any did. */
function judge(where: string, channel: string, layer: Layer | 'unknown-channel', outcome: Outcome, problems: Problems): Layer | null {
  if ('threw' in outcome) {
    problems.crashes.push(`${where}: dispatch threw ${outcome.threw}`);
    return null;
  }
  const result = outcome.result;
  if (!isResult(result)) {
    problems.crashes.push(`${where}: the answer is not a Result`);
    return null;
  }
  let text: string;
  try {
    text = JSON.stringify(result);
  } catch {
    problems.crashes.push(`${where}: the answer cannot be serialized`);
    return null;
  }
  if (echoes(text) || (!result.ok && result.error.message.length > 2_000)) problems.echoes.push(where);
  if (result.ok) {
    problems.accepted.push(where);
    return null;
  }
  if (result.error.kind === 'internal') {
    problems.crashes.push(`${where}: internal error`);
    return null;
  }
  if (layer === 'unknown-channel') {
    if (result.error.kind !== 'validation' || result.error.message !== 'Unknown channel.') problems.pastContract.push(`${where}: ${result.error.kind}`);
    return 'contract';
  }
  const byContract = result.error.kind === 'validation' && result.error.message.startsWith(INVALID_INPUT) && !result.error.message.includes(channel);
  if (layer === 'contract' && !byContract) problems.pastContract.push(`${where}: refused by the handler (${result.error.kind}), not the contract`);
  return byContract ? 'contract' : 'handler';
}

function summary(list: string[]): { count: number; first: string[] } {
  return { count: list.length, first: list.slice(0, 25) };
}

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  console.log(`ipc-fuzz: seed ${SEED} (replay with KEYFLEET_FUZZ_SEED=${SEED}), ${STRESS ? `every case at least once, ≥ ${TOTAL_CALLS} calls` : `${TOTAL_CALLS} calls`}`);
  sandbox = await startRancherSandbox({ settleMs: 5 });
  dir = tempDir('keyfleet-fuzz-');
  core = createCore({
    dataDir: dir.path,
    http: { timeoutMs: 3000, retries: 0 },
    // Nothing may change the data dir on its own while the fuzz compares it.
    syncIntervalMs: 0,
    reconnectIntervalMs: 3_600_000,
    schedulerIntervalMs: 3_600_000,
    idleCheckMs: 3_600_000,
    vaultKdf: TEST_KDF,
  });
  await core.ready;
  await core.api.vault.setup({ passphrase: VAULT_PASSPHRASE });
  const connection = await core.api.connections.add({
    kind: 'rancher',
    name: 'Fuzz',
    baseUrl: sandbox.url,
    credential: { type: 'key-pair', ...sandbox.credentials.user },
  });
  expect((await core.api.sync.run({ connectionId: connection.id })).result).toBe('ok');
  const { rows } = await core.api.keys.list({ connectionId: connection.id, limit: 1000 });
  const key = rows.find((k) => k.scopeId === sandbox!.ids.user && k.status === 'active') ?? rows[0]!;
  const entry = await core.api.vault.add({
    name: 'fuzz vault entry',
    service: 'rancher',
    fields: [{ label: 'Secret key', value: VAULT_SECRET, secret: true }],
    link: { connectionId: connection.id, keyId: key.id },
  });
  ctx = {
    connectionId: connection.id,
    keyId: key.id,
    scopeId: key.scopeId,
    keyType: key.type,
    vaultId: entry.id,
    vaultLabel: 'Secret key',
    baseUrl: sandbox.url,
    accessKey: sandbox.credentials.user.accessKey,
    secretKey: sandbox.credentials.user.secretKey,
    marker: MARKER,
  };
  accounts = [connectionAccount(connection.id), vaultAccount(entry.id)];
  expect(await keychain.get(accounts[0]!)).not.toBeNull();
  // Sealed: the keychain holds ciphertext only.
  expect(inspectItem((await keychain.get(accounts[1]!))!).kind).toBe('sealed');
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
  if (figures.size > 0) recordFigures('ipc-fuzz', [...figures.values()]);
  try {
    if (core) {
      for (const entry of await core.api.vault.list()) await core.api.vault.remove({ id: entry.id });
      for (const connection of await core.api.connections.list()) await core.api.connections.remove({ connectionId: connection.id });
      for (const account of accounts) expect(await keychain.get(account)).toBeNull();
    }
  } finally {
    await core?.close();
    await sandbox?.close();
    dir?.cleanup();
  }
}, 60_000);

// ---------------------------------------------------------------- the fuzz

describe('IPC fuzz', () => {
  it('has a spec for every channel that matches its schema, with a valid base input', () => {
    expect(Object.keys(specs).sort()).toEqual([...channelNames].sort());
    for (const channel of channelNames) {
      const schema = channels[channel].input as unknown as z.ZodObject;
      const spec = specs[channel];
      expect(Object.keys(schema.shape).sort(), channel).toEqual(Object.keys(spec.fields).sort());
      // Extra fields count as invalid only because every schema is strict; a loose one fails here.
      const catchall = (schema.def as { catchall?: { def: { type: string } } }).catchall;
      expect(catchall?.def.type, `${channel} is a strict object`).toBe('never');
      for (const [name, field] of Object.entries(spec.fields)) {
        const fieldSchema = schema.shape[name] as z.ZodType;
        expect(fieldSchema.safeParse(undefined).success, `${channel}.${name} may be absent`).toBe(field.presence !== 'required');
        expect(fieldSchema.safeParse(null).success, `${channel}.${name} may be null`).toBe(field.nullable === true);
      }
      expect(schema.safeParse(spec.base(ctx)).success, `${channel}: the base input is valid`).toBe(true);
      expect(channelCases(channel, ctx).length, `${channel}: cases`).toBeGreaterThanOrEqual(40);
    }
  });

  it(
    'refuses every invalid input on every channel, survives, and changes nothing',
    async () => {
      const rng = createRng(SEED);
      const problems: Problems = { crashes: [], accepted: [], pastContract: [], echoes: [], stateChanges: [] };
      const tallies = new Map<string, Tally>();
      const prototypes = prototypeSnapshot();
      const crashedBefore = crashedLines(dir!.path).length;
      let calls = 0;
      let sampled = 0;

      const run = async (channel: ChannelName | '(unknown)', label: string, layer: Layer | 'unknown-channel', name: unknown, input: unknown) => {
        const where = `${channel} ← ${label}`;
        const checkThis = rng.chance(SAMPLE_SHARE);
        const before = checkThis ? await state() : '';
        const outcome = await call(name, input);
        calls++;
        const refusedBy = judge(where, channel, layer, outcome, problems);
        const tally = tallies.get(channel) ?? { calls: 0, refused: 0, byContract: 0, byHandler: 0 };
        tally.calls++;
        if (refusedBy) {
          tally.refused++;
          if (refusedBy === 'contract') tally.byContract++;
          else tally.byHandler++;
        }
        tallies.set(channel, tally);
        if (checkThis) {
          sampled++;
          if ((await state()) !== before) problems.stateChanges.push(`${where}: changed the state`);
        }
      };

      const perChannel = Math.ceil((TOTAL_CALLS * 0.97) / channelNames.length);
      for (const channel of channelNames) {
        const cases: FuzzCase[] = rng.shuffle(channelCases(channel, ctx));
        const batchBefore = await state();
        const crashedBeforeBatch = crashedLines(dir!.path).length;
        // The fast run samples the catalogue; the full run goes through all of it at least once.
        const count = STRESS ? Math.max(perChannel, cases.length) : perChannel;
        for (let i = 0; i < count; i++) {
          const c = cases[i % cases.length]!;
          await run(channel, c.label, c.layer, channel, c.make(rng));
        }
        if ((await state()) !== batchBefore) problems.stateChanges.push(`${channel}: the batch changed the state`);
        const crashed = crashedLines(dir!.path).length - crashedBeforeBatch;
        if (crashed > 0) problems.crashes.push(`${channel}: ${crashed} handler.crashed log lines`);
      }

      const names = unknownChannels(ctx);
      const unknownBefore = await state();
      for (let i = 0; calls < TOTAL_CALLS || i < names.length; i++) {
        const { label, channel } = names[i % names.length]!;
        const real = rng.pick(channelNames);
        await run('(unknown)', `${label}, with a valid ${real} input`, 'unknown-channel', channel(), specs[real].base(ctx));
      }
      if ((await state()) !== unknownBefore) problems.stateChanges.push('unknown channels: the batch changed the state');

      // Let anything a handler left running settle before counting what escaped.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const crashedTotal = crashedLines(dir!.path).length - crashedBefore;
      if (escaped.rejections > 0) problems.crashes.push(`${escaped.rejections} unhandled rejections`);
      if (escaped.exceptions > 0) problems.crashes.push(`${escaped.exceptions} uncaught exceptions`);
      const pollution = pollutionSince(prototypes);

      const lines = [...tallies].map(
        ([channel, t]) => `${channel.padEnd(24)} ${String(t.calls).padStart(6)} ${String(t.refused).padStart(8)} ${String(t.byContract).padStart(9)} ${String(t.byHandler).padStart(8)}`,
      );
      console.log(
        [
          `ipc-fuzz: ${calls} calls, seed ${SEED}, ${sampled} single calls state-checked, ${crashedTotal} handler.crashed lines`,
          `${'channel'.padEnd(24)} ${'calls'.padStart(6)} ${'refused'.padStart(8)} ${'contract'.padStart(9)} ${'handler'.padStart(8)}`,
          ...lines,
        ].join('\n'),
      );

      figure('calls', calls, `≥ ${CALLS_TARGET}`, calls >= CALLS_TARGET, `seed ${SEED}, ${channelNames.length} channels + unknown names`);
      figure('crashes', problems.crashes.length, '0', problems.crashes.length === 0);
      figure('accepted invalid inputs', problems.accepted.length, '0', problems.accepted.length === 0);
      figure('invalid inputs past the contract', problems.pastContract.length, '0', problems.pastContract.length === 0, 'schema-invalid inputs a handler had to refuse');
      figure('state changes from refused calls', problems.stateChanges.length, '0', problems.stateChanges.length === 0, `per channel batch + ${sampled} single calls`);
      figure('prototype pollution', pollution.length, '0', pollution.length === 0);
      figure('echoed markers or secrets', problems.echoes.length, '0', problems.echoes.length === 0);

      expect(calls).toBeGreaterThanOrEqual(CALLS_TARGET);
      const none = { count: 0, first: [] };
      expect({
        crashes: summary(problems.crashes),
        accepted: summary(problems.accepted),
        pastContract: summary(problems.pastContract),
        stateChanges: summary(problems.stateChanges),
        echoes: summary(problems.echoes),
        pollution,
      }).toEqual({ crashes: none, accepted: none, pastContract: none, stateChanges: none, echoes: none, pollution: [] });
      // Every channel was reached, and its calls were all refused.
      for (const channel of channelNames) expect(tallies.get(channel), channel).toMatchObject({ refused: tallies.get(channel)!.calls });
    },
    setting(60_000, 600_000),
  );

  it('sees a real change and a planted pollution (the detectors can fail)', async () => {
    const before = await state();
    expect(await core!.dispatch('vault.setAutoLock', specs['vault.setAutoLock'].base(ctx))).toMatchObject({ ok: true });
    expect(await state()).not.toBe(before);
    const prototypes = prototypeSnapshot();
    Object.defineProperty(Object.prototype, MARKER, { value: 1, configurable: true });
    try {
      expect(pollutionSince(prototypes)).toContain(`Object.prototype.${MARKER} added or changed`);
    } finally {
      delete (Object.prototype as Record<string, unknown>)[MARKER];
    }
    expect(pollutionSince(prototypes)).toEqual([]);
  });

  it('the web harness refuses malformed requests, accepts none, and stays up', async () => {
    const data = tempDir('keyfleet-fuzz-harness-');
    const harness = await startHarness({ dataDir: data.path, syncIntervalMs: 0, idleCheckMs: 3_600_000, schedulerIntervalMs: 3_600_000 });
    const port = Number(new URL(harness.url).port);
    const host = `127.0.0.1:${port}`;
    const bearer = `Bearer ${harness.token}`;
    const prototypes = prototypeSnapshot();
    const before = await stateHash(data.path, []);
    const accepted: string[] = [];
    const crashes: string[] = [];
    const unexpected: string[] = [];
    const serverErrors: string[] = [];
    let requests = 0;

    interface Req {
      method?: string;
      path: string;
      host?: string | null;
      auth?: string | null;
      body?: string;
    }
    const send = (req: Req): Promise<{ status: number; body: string } | { error: string }> =>
      new Promise((resolve) => {
        const headers: Record<string, string> = {};
        if (req.host !== null) headers.host = req.host ?? host;
        if (req.auth !== null) headers.authorization = req.auth ?? bearer;
        if (req.body !== undefined) headers['content-type'] = 'application/json';
        const r = httpRequest({ host: '127.0.0.1', port, method: req.method ?? 'POST', path: req.path, headers, setHost: false, agent: false, timeout: 15_000 }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.name }));
        });
        r.on('timeout', () => r.destroy(Object.assign(new Error('no answer'), { code: 'TIMEOUT' })));
        r.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.name }));
        r.end(req.body);
      });

    const invoke = (channel: string) => `/__harness/invoke/${channel}`;
    /** One request that must be refused with one of `statuses` (or, where allowed, a dropped connection). */
    const probe = async (label: string, req: Req, statuses: number[], dropOk = false) => {
      requests++;
      const answer = await send(req);
      if ('error' in answer) {
        if (!dropOk) crashes.push(`${label}: ${answer.error}`);
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.body);
      } catch {
        parsed = undefined;
      }
      if (answer.status === 200 && isResult(parsed) && parsed.ok) accepted.push(label);
      if (isResult(parsed) && !parsed.ok && parsed.error.kind === 'internal') crashes.push(`${label}: internal error`);
      if (answer.body.includes(MARKER)) unexpected.push(`${label}: echoes the marker`);
      if (answer.status >= 500) serverErrors.push(`${label}: HTTP ${answer.status}`);
      else if (!statuses.includes(answer.status)) unexpected.push(`${label}: HTTP ${answer.status}`);
      else if (answer.status === 200 && (!isResult(parsed) || parsed.ok)) unexpected.push(`${label}: not a refusal`);
    };
    const alive = async (after: string) => {
      const answer = await send({ path: invoke('connections.list'), body: '{}' });
      if ('error' in answer || answer.status !== 200 || answer.body !== '{"ok":true,"value":[]}') crashes.push(`the harness stopped answering after ${after}`);
    };

    try {
      const valid = { path: invoke('connections.list'), body: '{}' };
      for (const wrongHost of [`localhost:${port}`, 'evil.example', '127.0.0.1', `127.0.0.1:${port}.evil.example`, `127.0.0.1:${port + 1}`, `[::1]:${port}`, '']) {
        await probe(`Host ${JSON.stringify(wrongHost)}`, { ...valid, host: wrongHost }, [400, 421]);
      }
      await probe('no Host header', { ...valid, host: null }, [400, 421]);
      await alive('wrong Host headers');

      const token = harness.token;
      const flipped = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
      const wrongAuth: Array<[string, string | null]> = [
        ['no Authorization', null],
        ['"Bearer"', 'Bearer'],
        ['"Bearer "', 'Bearer '],
        ['a wrong token', `Bearer ${MARKER}`],
        ['the token with its last digit changed', `Bearer ${flipped}`],
        ['the token upper-cased', `Bearer ${token.toUpperCase()}`],
        ['the token cut short', `Bearer ${token.slice(0, 24)}`],
        ['the token and one more character', `Bearer ${token}x`],
        ['two spaces after Bearer', `Bearer  ${token}`],
        ['lower-case bearer', `bearer ${token}`],
        ['Basic with the token', `Basic ${token}`],
        ['as many Latin-1 letters as the token', `Bearer ${'é'.repeat(token.length)}`],
      ];
      for (const [label, auth] of wrongAuth) await probe(`Authorization: ${label}`, { ...valid, auth }, [401]);
      await alive('wrong tokens');

      const badJson = [
        '{',
        '{"limit":',
        "{'limit':1}",
        'undefined',
        'NaN',
        '[1,]',
        '{"limit":1,}',
        '\u0000',
        '\ufeff{}',
        '{"limit": 01}',
        '{"query":"\\x41"}',
        '--',
        `"${MARKER}`,
        '['.repeat(100_000),
        `{"query":"${MARKER}`,
      ];
      for (const body of badJson) await probe(`bad JSON (${body.length} chars)`, { path: invoke('keys.list'), body }, [400]);
      await probe('a body over 1 MB', { path: invoke('keys.list'), body: `{"query":"${'x'.repeat(1024 * 1024 + 16)}"}` }, [400, 413], true);
      await probe('a body of 5 MB', { path: invoke('vault.add'), body: `{"name":"${MARKER.repeat(Math.ceil((5 * 1024 * 1024) / MARKER.length))}"}` }, [400, 413], true);
      await alive('bad and oversize bodies');

      const invalidJson = [
        '',
        '[]',
        'null',
        '42',
        `"${MARKER}"`,
        `{"__proto__":{"polluted":"${MARKER}","isAdmin":true}}`,
        `{"constructor":{"prototype":{"polluted":"${MARKER}"}}}`,
        `{"${MARKER}":1}`,
      ];
      for (const channel of channelNames) {
        for (const body of invalidJson) await probe(`${channel} ← ${body ? JSON.stringify(body.slice(0, 40)) : 'no body'}`, { path: invoke(channel), body }, [200]);
      }
      const keysList: Array<[string, string]> = [
        ['limit 1e400', '{"limit":1e400}'],
        ['limit -0', '{"limit":-0}'],
        ['offset -1', '{"offset":-1}'],
        ['query of 300 chars', `{"query":"${MARKER.repeat(40).slice(0, 300)}"}`],
        ['100k-deep array', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
        ['50k-deep object', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`],
        ['50k-deep value of a field', `{"sort":${'{"column":'.repeat(50_000)}1${'}'.repeat(50_000)}}`],
      ];
      for (const [label, body] of keysList) await probe(`keys.list ← ${label}`, { path: invoke('keys.list'), body }, [200]);
      await alive('invalid inputs');

      const unknown = ['__proto__', 'constructor', 'toString', 'keys.list%20', '%20keys.list', '%2e%2e%2fapp.status', 'keys.list%00', '', 'KEYS.LIST', MARKER, 'keys.list/extra'];
      for (const name of unknown) await probe(`channel ${JSON.stringify(name)}`, { path: invoke(name), body: '{}' }, [200]);
      for (const name of ['%E0%A4%A', '%', 'keys.%ZZlist']) await probe(`malformed percent-encoding ${JSON.stringify(name)}`, { path: invoke(name), body: '{}' }, [400, 404]);
      for (const method of ['PUT', 'DELETE', 'PATCH']) await probe(`${method} on invoke`, { ...valid, method }, [405]);
      await probe('GET on invoke', { path: invoke('connections.list'), method: 'GET' }, [404, 405]);
      await alive('unknown channels and methods');

      await new Promise((resolve) => setTimeout(resolve, 50));
      const crashed = crashedLines(data.path).length;
      if (crashed > 0) crashes.push(`${crashed} handler.crashed log lines`);
      const pollution = pollutionSince(prototypes);
      const changed = (await stateHash(data.path, [])) !== before;

      if (serverErrors.length > 0) console.log(`ipc-fuzz harness: HTTP 5xx answers (test/harness/server.ts):\n  ${serverErrors.join('\n  ')}`);
      console.log(`ipc-fuzz harness: ${requests} requests, ${accepted.length} accepted, ${crashes.length} crashes, ${serverErrors.length} HTTP 5xx`);
      figure('harness requests', requests, '≥ 400', requests >= 400);
      figure('harness crashes', crashes.length, '0', crashes.length === 0);
      figure('harness HTTP 5xx answers', serverErrors.length, '0', serverErrors.length === 0);
      figure('harness accepted invalid requests', accepted.length, '0', accepted.length === 0);

      expect(requests).toBeGreaterThanOrEqual(400);
      expect({ crashes, accepted, unexpected, serverErrors, pollution, changed }).toEqual({ crashes: [], accepted: [], unexpected: [], serverErrors: [], pollution: [], changed: false });
    } finally {
      await harness.close();
      data.cleanup();
    }
  }, 60_000);
});
