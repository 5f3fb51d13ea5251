// The five backends as a hostile server presents them: each real sandbox behind the hostile proxy
// (test/support/hostile-proxy.ts), with what it takes to connect through the proxy, where its key
// list is, its own error-body shape to echo text in, how to swap its key list for other items, and
// — for backends that page — an answer that pages forever. Shared by the hostile-backend tests.
import type { Core } from '../../src-main/core.ts';
import { startDeepsetSandbox } from '../backends/deepset/server.ts';
import { startEnvZeroSandbox } from '../backends/envzero/server.ts';
import { startLangwatchSandbox } from '../backends/langwatch/server.ts';
import { startOnyxSandbox } from '../backends/onyx/server.ts';
import { startRancherSandbox } from '../backends/rancher/server.ts';
import type { Exchange, Rewrite, Tamper } from '../support/hostile-proxy.ts';
import { sandboxNeedles, type SandboxSecrets } from '../support/leaks.ts';

export type AddInput = Parameters<Core['api']['connections']['add']>[0];
export type CreateInput = Parameters<Core['api']['keys']['create']>[0];

export interface Sandbox extends SandboxSecrets {
  url: string;
  close(): Promise<void>;
}

export interface HostileBackend {
  name: string;
  start(): Promise<Sandbox>;
  /** A connection to the backend at `url` (the proxy). */
  connection(url: string, sandbox: Sandbox): AddInput;
  /** The GET of the key list (path and query). */
  keyList: RegExp;
  /** An error answer in the backend's own shape whose text is `text`. */
  echo(text: string): Rewrite;
  /** The keys in a key list answer, and the answer with its keys replaced by `items`. */
  keysOf(answer: unknown): unknown[];
  withKeys(answer: unknown, items: unknown[]): unknown;
  /** The field holding a key's id (a number for Onyx). */
  idField: string;
  /** A listing that never ends (each answer a new page of fresh items), for backends that page. */
  endless?: { what: string; tamper(served: { items: number }): Tamper };
  createInput(sandbox: Sandbox, connectionId: string): CreateInput;
}

const PAGE = 10_000;
const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');
const dataOf = (answer: unknown) => (answer as { data: unknown[] }).data;
const swapData = (answer: unknown, items: unknown[]) => ({ ...(answer as Record<string, unknown>), data: items });
const fresh = (served: { items: number }, make: (n: number) => unknown) => Array.from({ length: PAGE }, () => make(served.items++));
const isGet = (x: Exchange, path: RegExp) => x.method === 'GET' && path.test(x.path);

export const HOSTILE_BACKENDS: HostileBackend[] = [
  {
    name: 'Rancher',
    start: () => startRancherSandbox({ settleMs: 5 }),
    connection: (url, s: any) => ({ kind: 'rancher', name: 'Rancher', baseUrl: url, credential: { type: 'key-pair', ...s.credentials.user } }),
    keyList: /\/apikeys\?/,
    echo: (text) => ({ status: 422, json: { type: 'error', status: 422, code: 'InvalidCharacters', fieldName: text } }),
    keysOf: dataOf,
    withKeys: swapData,
    idField: 'id',
    endless: {
      what: 'keys (next links)',
      tamper: (served) => (x) => {
        if (!isGet(x, /\/v2-beta\/apikeys\?/)) return undefined;
        const next = new URL(x.path, `http://${String(x.headers.host)}`);
        next.searchParams.set('marker', `m${served.items}`);
        return { status: 200, json: { type: 'collection', data: fresh(served, (n) => ({ id: `1c${n}`, type: 'apiKey' })), pagination: { next: next.href } } };
      },
    },
    createInput: (s: any, connectionId) => ({ connectionId, scopeId: s.ids.user, type: 'account', name: 'hostile' }),
  },
  {
    name: 'env zero',
    start: () => startEnvZeroSandbox({ listLagMs: 0 }),
    connection: (url, s: any) => ({
      kind: 'envzero',
      name: 'env zero',
      baseUrl: `${url}/`,
      credential: { type: 'key-pair', accessKey: s.credentials.admin.apiKeyId, secretKey: s.credentials.admin.apiKeySecret },
    }),
    keyList: /^\/api-keys\?/,
    echo: (text) => ({ status: 400, json: { message: text } }),
    keysOf: (answer) => answer as unknown[],
    withKeys: (_answer, items) => items,
    idField: 'id',
    endless: {
      what: 'teams (next page keys)',
      tamper: (served) => (x) => (isGet(x, /^\/teams\/organizations\//) ? { status: 200, json: { teams: fresh(served, (n) => ({ id: `t${n}`, name: `t${n}` })), nextPageKey: `p${served.items}` } } : undefined),
    },
    createInput: (s: any, connectionId) => ({ connectionId, scopeId: s.ids.orgs.platform, type: 'organization', name: 'hostile', role: 'Admin' }),
  },
  {
    name: 'LangWatch',
    start: () => startLangwatchSandbox({ era: 'B' }),
    connection: (url, s: any) => ({ kind: 'langwatch', name: 'LangWatch', baseUrl: url, credential: { type: 'token', token: s.credentials.admin } }),
    keyList: /^\/api\/api-keys$/,
    echo: (text) => ({ status: 403, json: { error: 'Forbidden', message: text } }),
    keysOf: dataOf,
    withKeys: swapData,
    idField: 'id',
    endless: {
      what: 'projects (pages)',
      tamper: (served) => (x) => {
        if (!isGet(x, /^\/api\/projects\?/)) return undefined;
        const page = Number(new URL(x.path, 'http://x').searchParams.get('page') ?? 1);
        return { status: 200, json: { data: fresh(served, (n) => ({ id: `p${n}`, name: `p${n}`, teamId: 'team' })), pagination: { page, limit: 100, total: 1e12 } } };
      },
    },
    createInput: (s: any, connectionId) => ({ connectionId, scopeId: s.ids.organization, type: 'service', name: 'hostile' }),
  },
  {
    name: 'Onyx',
    start: () => startOnyxSandbox({ variant: 'groups' }),
    connection: (url, s: any) => ({ kind: 'onyx', name: 'Onyx', baseUrl: `${url}/api/`, credential: { type: 'token', token: s.credentials.adminPat } }),
    keyList: /^\/api\/admin\/api-key$/,
    echo: (text) => ({ status: 400, json: { detail: text } }),
    keysOf: (answer) => answer as unknown[],
    withKeys: (_answer, items) => items,
    idField: 'api_key_id',
    createInput: (_s, connectionId) => ({ connectionId, scopeId: 'service-accounts', type: 'api-key', name: 'hostile', groupIds: [] }),
  },
  {
    name: 'deepset',
    start: () => startDeepsetSandbox(),
    connection: (url, s: any) => ({ kind: 'deepset', name: 'deepset', baseUrl: url, credential: { type: 'token', token: s.credentials.admin }, credentialKind: 'user-token' }),
    keyList: /\/api\/v1\/token\?/,
    echo: (text) => ({ status: 409, json: { detail: text } }),
    keysOf: dataOf,
    withKeys: swapData,
    idField: 'api_token_id',
    endless: {
      what: 'keys (has_more)',
      tamper: (served) => (x) => (isGet(x, /^\/api\/v1\/token\?/) ? { status: 200, json: { data: fresh(served, (n) => ({ api_token_id: `k${n}`, name: `k${n}` })), has_more: true, total: 1e12 } } : undefined),
    },
    createInput: (s: any, connectionId) => ({ connectionId, scopeId: s.ids.organization, type: 'service', name: 'hostile', role: 'MEMBER' }),
  },
];

/** `count` small keys, each with its own id of the kind the answer's first key has. */
export function manyKeys(backend: HostileBackend, answer: unknown, count: number): unknown[] {
  const numeric = typeof (backend.keysOf(answer)[0] as Record<string, unknown>)[backend.idField] === 'number';
  return Array.from({ length: count }, (_, n) => ({ [backend.idField]: numeric ? 900_000 + n : `x${n}`, name: `k${n}` }));
}

/** The connection's credential in every form it travels in, and every secret the sandbox issued. */
export function secretNeedles(sandbox: Sandbox, input: AddInput): string[] {
  const { credential } = input;
  const forms = credential.type === 'key-pair' ? [credential.secretKey, basic(credential.accessKey, credential.secretKey)] : [credential.token];
  return [...new Set([...forms, ...sandboxNeedles(sandbox)])];
}

/** Whether `text` holds any 16-character run of a secret. */
export function leaks(text: string, secrets: string[]): boolean {
  return secrets.some((secret) => {
    if (secret.length <= 16) return text.includes(secret);
    for (let i = 0; i + 16 <= secret.length; i++) if (text.includes(secret.slice(i, i + 16))) return true;
    return false;
  });
}
