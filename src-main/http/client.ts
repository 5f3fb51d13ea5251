// The one HTTP module every provider uses (undici): per-request deadline, bounded retries of
// idempotent calls honouring Retry-After, a response-size cap, a custom CA per connection, and
// the mapping of every failure to one ProviderError kind. Messages name the backend, the host
// and the status; they never contain a header, a body we sent, or a query string.
import { rootCertificates } from 'node:tls';
import { Agent, request as undiciRequest } from 'undici';
import { AppError, ProviderError, type ProviderErrorKind } from '../errors.ts';
import { REQUESTS_PER_HOST, withHostSlot } from './host-limit.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ErrorDescription {
  kind?: ProviderErrorKind;
  message?: string;
  fields?: Record<string, string>;
}

export interface HttpClientOptions {
  /** The backend's API root, e.g. https://rancher.example.com. Paths are resolved against it. */
  baseUrl: string;
  /** Shown in messages: "Rancher did not answer…" */
  backendName: string;
  /** Headers sent with every request (the adapter's Authorization lives here). */
  headers?: Record<string, string>;
  /** PEM bundle of a private CA, trusted for this connection in addition to the system roots. */
  ca?: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** Extra attempts for idempotent requests after a retryable failure. */
  retries?: number;
  /** Longest Retry-After honoured inside one call; a longer one fails as rate-limited at once. */
  maxRetryAfterMs?: number;
  /** First backoff delay; doubled on each attempt. */
  backoffMs?: number;
  /** Lets an adapter turn a backend's error body into a clearer kind, message or field errors. */
  describeError?: (status: number, body: unknown, method: HttpMethod) => ErrorDescription | undefined;
}

export type QueryValue = string | number | boolean | undefined | null | string[];

export interface HttpRequest {
  method: HttpMethod;
  /** Relative to baseUrl ("/v2-beta/apikeys"), or an absolute link the backend sent us. */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Whether repeating the call is safe. Defaults to true for GET, PUT and DELETE. */
  idempotent?: boolean;
  /** Aborts the call (a cancelled sync). */
  signal?: AbortSignal;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or null for an empty body. */
  body: T;
}

export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  close(): Promise<void>;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxResponseBytes: 64 * 1024 * 1024,
  retries: 2,
  maxRetryAfterMs: 10_000,
  backoffMs: 250,
};

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name could not be resolved',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
  UND_ERR_SOCKET: 'the connection was closed before the answer was complete',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'the answer was cut short',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer was cut short',
};

const STATUS_KIND: Record<number, ProviderErrorKind> = {
  400: 'invalid',
  401: 'auth',
  403: 'forbidden',
  404: 'not-found',
  405: 'invalid',
  409: 'conflict',
  410: 'not-found',
  413: 'invalid',
  422: 'invalid',
  429: 'rate-limited',
};

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const host = base.host;
  const agent = new Agent({
    connect: { ca: options.ca ? [...rootCertificates, options.ca] : undefined, rejectUnauthorized: true },
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    keepAliveTimeout: 10_000,
    // No more sockets than requests in flight per host: idle ones are reused, not multiplied.
    connections: REQUESTS_PER_HOST,
  });

  function resolve(path: string, query: HttpRequest['query']): URL {
    let url: URL;
    if (/^https?:\/\//i.test(path)) {
      // A link the backend sent. Only its path and query are used: credentials never go to
      // another origin, even if a proxy made the backend build links with an internal host.
      const link = new URL(path);
      url = new URL(link.pathname + link.search, base.origin);
    } else {
      url = new URL(path.replace(/^\//, ''), base);
    }
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
      else url.searchParams.set(key, String(value));
    }
    return url;
  }

  function describe(req: HttpRequest, url: URL): string {
    return `${req.method} ${url.pathname}`;
  }

  async function attempt<T>(req: HttpRequest, url: URL): Promise<HttpResponse<T>> {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), settings.timeoutMs);
    const cancel = () => controller.abort();
    req.signal?.addEventListener('abort', cancel);
    try {
      if (req.signal?.aborted) throw cancelled();
      const headers: Record<string, string> = {
        accept: 'application/json',
        'user-agent': 'Keyfleet/0.1 (desktop key manager)',
        ...options.headers,
        ...req.headers,
      };
      let body: string | undefined;
      if (req.body !== undefined) {
        body = JSON.stringify(req.body);
        headers['content-type'] = 'application/json';
      }
      const res = await undiciRequest(url, {
        method: req.method,
        headers,
        body,
        dispatcher: agent,
        signal: controller.signal,
      });
      const responseHeaders = flattenHeaders(res.headers);
      const claimed = Number(responseHeaders['content-length'] ?? NaN);
      if (Number.isFinite(claimed) && claimed > settings.maxResponseBytes) {
        res.body.destroy();
        throw tooLarge(options.backendName, claimed, settings.maxResponseBytes);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > settings.maxResponseBytes) {
          res.body.destroy();
          throw tooLarge(options.backendName, size, settings.maxResponseBytes);
        }
        chunks.push(chunk as Buffer);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const parsed = parseBody(text, responseHeaders['content-type']);

      if (res.statusCode >= 200 && res.statusCode < 300) {
        if (parsed.kind === 'invalid') {
          throw new ProviderError(
            'bad-response',
            `${options.backendName} sent an answer Keyfleet could not read (${parsed.reason}) for ${describe(req, url)}.`,
            { status: res.statusCode },
          );
        }
        return { status: res.statusCode, headers: responseHeaders, body: parsed.value as T };
      }
      throw statusError(req, url, res.statusCode, parsed.kind === 'ok' ? parsed.value : text, responseHeaders);
    } catch (error) {
      if (error instanceof ProviderError || error instanceof AppError) throw error;
      if (req.signal?.aborted) throw cancelled();
      if (controller.signal.aborted) {
        throw new ProviderError(
          'timeout',
          `${options.backendName} at ${host} did not answer within ${formatMs(settings.timeoutMs)} (${describe(req, url)}).`,
        );
      }
      throw transportError(error, req, url);
    } finally {
      clearTimeout(deadline);
      req.signal?.removeEventListener('abort', cancel);
    }
  }

  function statusError(
    req: HttpRequest,
    url: URL,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): ProviderError {
    const kind: ProviderErrorKind = STATUS_KIND[status] ?? (status >= 500 ? 'unavailable' : 'bad-response');
    const custom = options.describeError?.(status, body, req.method);
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers['retry-after']) : undefined;
    const finalKind = custom?.kind ?? kind;
    const message = custom?.message ?? defaultMessage(finalKind, options.backendName, host, status, retryAfterMs);
    return new ProviderError(finalKind, message, {
      status,
      fields: custom?.fields,
      retryAfterMs: finalKind === 'rate-limited' ? (retryAfterMs ?? 60_000) : retryAfterMs,
    });
  }

  function transportError(error: unknown, req: HttpRequest, url: URL): ProviderError {
    const code = errorCode(error);
    if (code && (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
      return new ProviderError(
        'tls',
        `The TLS certificate of ${host} could not be verified (${code}). If this server uses a private certificate authority, add its CA certificate to the connection.`,
      );
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
      return new ProviderError(
        'timeout',
        `${options.backendName} at ${host} did not answer within ${formatMs(settings.timeoutMs)} (${describe(req, url)}).`,
      );
    }
    const reason = (code && NETWORK_CODES[code]) ?? 'the connection failed';
    return new ProviderError('network', `Could not reach ${options.backendName} at ${host}: ${reason}.`);
  }

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = resolve(req.path, req.query);
    const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE');
    for (let attemptNo = 0; ; attemptNo++) {
      try {
        return await withHostSlot(base.origin, () => attempt<T>(req, url));
      } catch (error) {
        const retryIn = idempotent && attemptNo < settings.retries ? retryDelay(error, attemptNo) : undefined;
        if (retryIn === undefined) throw error;
        await sleep(retryIn);
      }
    }
  }

  function retryDelay(error: unknown, attemptNo: number): number | undefined {
    if (!(error instanceof ProviderError)) return undefined;
    const backoff = settings.backoffMs * 2 ** attemptNo;
    if (error.status !== undefined && RETRYABLE_STATUS.has(error.status)) {
      if (error.retryAfterMs !== undefined) {
        return error.retryAfterMs <= settings.maxRetryAfterMs ? error.retryAfterMs : undefined;
      }
      return backoff;
    }
    // A dropped or reset connection is worth one more try; a refused one, a TLS failure or a
    // timeout is not going to change in a few hundred milliseconds.
    if (error.kind === 'network' && !/refused|resolved|unreachable/.test(error.message)) return backoff;
    return undefined;
  }

  return {
    request,
    close: () => agent.close(),
  };
}

function defaultMessage(
  kind: ProviderErrorKind,
  backend: string,
  host: string,
  status: number,
  retryAfterMs: number | undefined,
): string {
  switch (kind) {
    case 'auth':
      return `${backend} rejected the connection's credential (HTTP ${status}). It may have been deactivated, revoked or mistyped; reconnect with a valid one.`;
    case 'forbidden':
      return `${backend} refused this for the connection's credential (HTTP ${status}): it lacks the permission.`;
    case 'not-found':
      return `${backend} no longer knows this item (HTTP ${status}); it may have been deleted elsewhere. Sync to refresh.`;
    case 'conflict':
      return `${backend} reported a conflict (HTTP ${status}); the item is busy or changed meanwhile. Try again in a moment.`;
    case 'invalid':
      return `${backend} rejected the request as invalid (HTTP ${status}).`;
    case 'rate-limited':
      return `${backend} is rate-limiting requests (HTTP 429); try again in ${formatMs(retryAfterMs ?? 60_000)}.`;
    case 'unavailable':
      return `${backend} at ${host} is unavailable (HTTP ${status}). The cached inventory is unchanged; try again later.`;
    default:
      return `${backend} at ${host} answered with an unexpected HTTP ${status}.`;
  }
}

function cancelled(): AppError {
  return new AppError('cancelled', 'Cancelled.');
}

function tooLarge(backend: string, size: number, cap: number): ProviderError {
  return new ProviderError(
    'bad-response',
    `${backend} sent an answer larger than Keyfleet accepts (${formatBytes(size)} > ${formatBytes(cap)}); it was not read.`,
  );
}

type Parsed = { kind: 'ok'; value: unknown } | { kind: 'invalid'; reason: string };

function parseBody(text: string, contentType: string | undefined): Parsed {
  if (text.trim() === '') return { kind: 'ok', value: null };
  try {
    return { kind: 'ok', value: JSON.parse(text) };
  } catch {
    const isJson = !contentType || /json/i.test(contentType);
    return { kind: 'invalid', reason: isJson ? 'malformed JSON' : `not JSON but ${contentType.split(';')[0]}` };
  }
}

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
