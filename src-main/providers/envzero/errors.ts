// env zero's failures have no stable envelope: validation errors are plain-text AJV messages,
// the AWS API Gateway in front answers unknown routes with a 403 whose message echoes the
// Authorization header (so it is never shown), and the rate limit is 1,000 requests per minute
// for each path. Each becomes a clear message without any credential in it.
import { ProviderError } from '../../errors.ts';
import type { ErrorDescription, HttpMethod } from '../../http/client.ts';

const MAX_DETAIL = 300;

/** The text of an error body: plain text, or the gateway's {"message"} / {"Message"}. */
function textOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object') {
    const { message, Message } = body as Record<string, unknown>;
    if (typeof message === 'string') return message;
    if (typeof Message === 'string') return Message;
  }
  return undefined;
}

/** Backend text is shown to the user, so anything that could carry a credential is cut out first. */
export function sanitize(text: string): string {
  const cleaned = text
    .replace(/Authorization\s*[=:]\s*\S.*$/i, '')
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/gi, '$1 …')
    .replace(/\b[A-Za-z0-9+_]{32,}={0,2}/g, '…')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.\s]+$/, '');
  return cleaned.length > MAX_DETAIL ? `${cleaned.slice(0, MAX_DETAIL)}…` : cleaned;
}

function isGateway(text: string | undefined): boolean {
  return text !== undefined && (/Authorization header requires/i.test(text) || /^Missing Authentication Token$/i.test(text.trim()));
}

/** AJV lines name the offending part of the body; put each on the form field it concerns. */
function fieldsOf(detail: string): Record<string, string> | undefined {
  const fields: Record<string, string> = {};
  for (const line of detail.split(/,\s+(?=\/)/)) {
    const sentence = `${line.charAt(0).toUpperCase()}${line.slice(1)}.`;
    if (/\/body\/name\b|'name'/.test(line)) fields.name ??= sentence;
    else if (/organizationRole|^Role\b/.test(line)) fields.role ??= sentence;
    else if (/projects?Permissions|^Project\b/.test(line)) fields.grants ??= sentence;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** Turns an env zero error body into a kind and message; `secrets` are cut from any echoed text. */
export function describeEnvZeroError(status: number, body: unknown, _method: HttpMethod, secrets: string[] = []): ErrorDescription | undefined {
  let text = textOf(body);
  for (const secret of secrets) if (secret && text) text = text.split(secret).join('…');
  if (isGateway(text)) {
    return {
      kind: 'not-found',
      message: `env zero's API gateway did not recognise the request (HTTP ${status}, “Missing Authentication Token”). Check that the server URL is the env zero API itself (https://api.env0.com, with no path after it); if it is, the item may no longer exist.`,
    };
  }
  switch (status) {
    case 400: {
      const detail = text ? sanitize(text) : '';
      return {
        kind: 'invalid',
        message: detail ? `env zero rejected the request (HTTP 400): ${detail}.` : 'env zero rejected the request as invalid (HTTP 400).',
        fields: detail ? fieldsOf(detail) : undefined,
      };
    }
    case 401:
      return {
        kind: 'auth',
        message:
          "env zero rejected the connection's API key (HTTP 401). It may have been deleted, mistyped, or used from outside the organization's IP allowlist; reconnect with a valid API key ID and secret.",
      };
    case 403:
      return {
        kind: 'forbidden',
        message:
          "env zero refused this for the connection's API key (HTTP 403). Listing, creating and deleting API keys needs an organization Admin API key, or the personal API key of an organization admin.",
      };
    case 404:
      return { kind: 'not-found', message: 'env zero does not know this item (HTTP 404); it may have been deleted elsewhere. Sync to refresh.' };
    default:
      return undefined;
  }
}

function wait(ms: number): string {
  if (ms < 1000) return 'a moment';
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** The shared client says "rate-limited"; say what env zero's limit is and when to try again. */
export function explainRateLimit(error: ProviderError): ProviderError {
  const retryAfterMs = error.retryAfterMs ?? 60_000;
  return new ProviderError(
    'rate-limited',
    `env zero is rate-limiting requests (HTTP 429): it accepts at most 1,000 requests a minute for each API path. Try again in ${wait(retryAfterMs)}.`,
    { status: error.status, retryAfterMs },
  );
}
