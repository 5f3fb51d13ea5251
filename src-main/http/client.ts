// The one HTTP module every provider uses (undici): per-request deadline, bounded retries of
// idempotent calls honouring Retry-After, a custom CA per connection, requests only to the
// connection's own origin (link.ts), answers bounded in size, nesting and list length
// (answer.ts), and the mapping of every failure to one ProviderError kind (messages.ts). The
// credential in the headers is remembered for redaction, so a backend that echoes it in an error
// never gets it into a message.
import { rootCertificates } from 'node:tls';
import { Agent, request as undiciRequest } from 'undici';
import { AppError, ProviderError, type ProviderErrorKind } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { cleanBody, rememberAuthorization } from '../redact.ts';
import { ANSWER_LIMITS, digestOf, parseBody, readBytes, shapeProblem, textOf } from './answer.ts';
import { REQUESTS_PER_HOST, withHostSlot } from './host-limit.ts';
import { requestUrl, type QueryValue } from './link.ts';
import { defaultMessage, formatMs, NETWORK_CODES, STATUS_KIND, TLS_CODES } from './messages.ts';
import { isPlainHttpRemote, plainHttpRisk } from './plain-http.ts';
import { createWarmSockets } from './warm-sockets.ts';

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
  /** Headers sent with every request (the adapter's Authorization lives here, and is remembered as a secret). */
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
  /** Aborts every request of this client (a verification the user cancelled), as a request's own signal does. */
  signal?: AbortSignal;
  /** The user accepted plain http to a host that is not this machine (see plain-http.ts). */
  allowPlainHttp?: boolean;
  /** Lets an adapter turn a backend's error body into a clearer kind, message or field errors. */
  describeError?: (status: number, body: unknown, method: HttpMethod) => ErrorDescription | undefined;
}

export type { QueryValue } from './link.ts';

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
  /**
   * Asks for the answer's digest (`true`), or gives the digest of an answer read before: an
   * answer of exactly those bytes comes back `unchanged`, its body parsed only if it is read.
   */
  digest?: true | string;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or null for an empty body. */
  body: T;
  /** The answer's digest, when the request asked for it. */
  digest?: string;
  /** The answer is byte for byte the one whose digest the request gave. */
  unchanged?: boolean;
}

export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  /** Opens the host's sockets ahead of a burst of requests (a sync's start; warm-sockets.ts). */
  warm(): void;
  close(): Promise<void>;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxResponseBytes: LIMITS.answerBytes,
  retries: 2,
  maxRetryAfterMs: 10_000,
  backoffMs: 250,
};

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** How long an idle socket stays open for the next request. */
const KEEP_ALIVE_MS = 10_000;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const host = base.host;
  let uncarriable: string | undefined;
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (/^(proxy-)?authorization$|api-?key|token/i.test(name)) rememberAuthorization(value);
    // A header is Latin-1 without control characters; undici would refuse it on every attempt.
    if (!/^[\t\u0020-\u007e\u0080-\u00ff]*$/.test(value)) uncarriable ??= name;
  }
  const sockets = createWarmSockets({ ca: options.ca ? [...rootCertificates, options.ca] : undefined, rejectUnauthorized: true }, REQUESTS_PER_HOST, KEEP_ALIVE_MS);
  const agent = new Agent({
    connect: sockets.connector,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    keepAliveTimeout: KEEP_ALIVE_MS,
    // No more sockets than requests in flight per host: idle ones are reused, not multiplied.
    connections: REQUESTS_PER_HOST,
  });

  function describe(req: HttpRequest, url: URL): string {
    return `${req.method} ${url.pathname}`;
  }

  /** The request's own signal and the client's, as one: either aborts the call. */
  function signalOf(req: HttpRequest): AbortSignal | undefined {
    if (req.signal && options.signal) return AbortSignal.any([req.signal, options.signal]);
    return req.signal ?? options.signal;
  }

  async function attempt<T>(req: HttpRequest, url: URL, signal: AbortSignal | undefined): Promise<HttpResponse<T>> {
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), settings.timeoutMs);
    const cancel = () => controller.abort();
    signal?.addEventListener('abort', cancel);
    try {
      if (signal?.aborted) throw cancelled();
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
      const bytes = await readBytes(res, responseHeaders, settings.maxResponseBytes, options.backendName);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const digest = ok && req.digest !== undefined ? digestOf(bytes) : undefined;
      if (digest !== undefined && digest === req.digest) {
        // The answer read before, again: read only if the caller still needs its body.
        let body: { value: T } | undefined;
        const read = () => (body ??= { value: okBody<T>(req, url, res.statusCode, bytes, responseHeaders) }).value;
        return Object.defineProperty({ status: res.statusCode, headers: responseHeaders, digest, unchanged: true }, 'body', { get: read, enumerable: true }) as HttpResponse<T>;
      }
      if (ok) return { status: res.statusCode, headers: responseHeaders, body: okBody<T>(req, url, res.statusCode, bytes, responseHeaders), ...(digest ? { digest } : {}) };
      const text = textOf(bytes);
      const parsed = parseBody(text, responseHeaders['content-type']);
      // An error body's long text is cut when the error is made; its nesting and lists are bounded all the same.
      const problem = parsed.kind === 'ok' ? shapeProblem(parsed.value, { ...ANSWER_LIMITS, textChars: Infinity }) : undefined;
      // An error body past the limits is described by its status alone; within them, what the
      // adapter makes of it is cleaned (redacted, cut short) when the error is made (errors.ts).
      const answer = problem ? null : parsed.kind === 'ok' ? parsed.value : text;
      throw statusError(req, url, res.statusCode, answer, responseHeaders);
    } catch (error) {
      if (error instanceof ProviderError || error instanceof AppError) throw error;
      if (signal?.aborted) throw cancelled();
      if (controller.signal.aborted) {
        throw new ProviderError(
          'timeout',
          `${options.backendName} at ${host} did not answer within ${formatMs(settings.timeoutMs)} (${describe(req, url)}).`,
        );
      }
      throw transportError(error, req, url);
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** A successful answer's JSON, within Keyfleet's limits. */
  function okBody<T>(req: HttpRequest, url: URL, status: number, bytes: Buffer[], headers: Record<string, string>): T {
    const parsed = parseBody(textOf(bytes), headers['content-type']);
    if (parsed.kind === 'invalid') {
      throw new ProviderError('bad-response', `${options.backendName} sent an answer Keyfleet could not read (${parsed.reason}) for ${describe(req, url)}.`, { status });
    }
    const problem = shapeProblem(parsed.value, ANSWER_LIMITS);
    if (problem) throw new ProviderError('bad-response', `${options.backendName} sent ${problem} (${describe(req, url)}); it was not read.`, { status });
    return parsed.value as T;
  }

  function statusError(
    req: HttpRequest,
    url: URL,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): ProviderError {
    const kind: ProviderErrorKind = STATUS_KIND[status] ?? (status >= 500 ? 'unavailable' : 'bad-response');
    const custom = options.describeError?.(status, cleanBody(body, LIMITS.errorTextChars), req.method);
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
    if (uncarriable) {
      // The contract refuses such a credential on the form; this holds for one stored before it did.
      throw new AppError('validation', `The connection’s credential holds a character HTTP cannot carry (a line break, a control character, or one like “…” outside Latin-1), so it was not sent to ${options.backendName}. Paste the whole credential again.`, {
        fields: { credential: 'Holds a character HTTP cannot carry.' },
      });
    }
    if (isPlainHttpRemote(base) && !options.allowPlainHttp) {
      // The connection form asks first; this holds for any other way a client could be made.
      throw new AppError('validation', `${plainHttpRisk(host)}. Use https, or accept this risk for the connection.`, { fields: { baseUrl: 'Plain http to another machine needs the risk accepted.' } });
    }
    const url = requestUrl(base, req.path, req.query, options.backendName);
    const idempotent = req.idempotent ?? (req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE');
    const signal = signalOf(req);
    for (let attemptNo = 0; ; attemptNo++) {
      try {
        return await withHostSlot(base.origin, () => attempt<T>(req, url, signal));
      } catch (error) {
        const retryIn = idempotent && attemptNo < settings.retries ? retryDelay(error, attemptNo) : undefined;
        if (retryIn === undefined) throw error;
        await sleep(retryIn, signal);
        if (signal?.aborted) throw cancelled();
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
    // Only where a request would go: never to a plain-http host whose risk was not accepted.
    warm: () => {
      if (!isPlainHttpRemote(base) || options.allowPlainHttp) sockets.warm(base);
    },
    close: () => {
      sockets.close();
      return agent.close();
    },
  };
}

function cancelled(): AppError {
  return new AppError('cancelled', 'Cancelled.');
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

/** Waits between retries; a cancel ends the wait at once. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
