// The words of the HTTP module's failures: which error codes mean what, and the message each
// kind gets when the adapter has nothing clearer to say. Messages name the backend, the host and
// the status; they never contain a header, a body we sent, or a query string.
import type { ProviderErrorKind } from '../errors.ts';

export const TLS_CODES = new Set([
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

export const NETWORK_CODES: Record<string, string> = {
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

export const STATUS_KIND: Record<number, ProviderErrorKind> = {
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

export function defaultMessage(
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

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}
