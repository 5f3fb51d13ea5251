// What the HTTP module says when a call fails: one sentence per error kind, naming the backend,
// the host and the status — never a header, a body sent, or a query string.
import { AppError, ProviderError, type ProviderErrorKind } from '../errors.ts';

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

export function cancelled(): AppError {
  return new AppError('cancelled', 'Cancelled.');
}

export function tooLarge(backend: string, size: number, cap: number): ProviderError {
  return new ProviderError(
    'bad-response',
    `${backend} sent an answer larger than Keyfleet accepts (${formatBytes(size)} > ${formatBytes(cap)}); it was not read.`,
  );
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

