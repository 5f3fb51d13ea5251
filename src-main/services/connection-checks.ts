// What a connection's address and credential are checked for before anything is stored: that the
// address answers like the backend's API, that a new credential reaches the organization the
// connection already manages, and that the user can stop a verification of a host that does not
// answer (its requests are aborted, not left running).
import { AppError } from '../errors.ts';
import type { ConnectionRecord, RemoteKey } from '../model.ts';
import type { Identity, Provider } from '../providers/types.ts';
import type { Store } from '../store/index.ts';

/** Verifications in flight, by the attempt id the renderer gave, so a Cancel can abort them. */
export function createVerifyAttempts() {
  const running = new Map<string, AbortController>();
  // A Cancel may overtake its own verification on the way in (two requests over HTTP); remember it.
  const cancelledEarly = new Set<string>();

  return {
    begin(attemptId: string | undefined): { signal: AbortSignal; end(): void } {
      const controller = new AbortController();
      if (attemptId !== undefined) {
        if (running.has(attemptId)) throw new AppError('conflict', 'This verification is already running.');
        if (cancelledEarly.delete(attemptId)) controller.abort();
        running.set(attemptId, controller);
      }
      return {
        signal: controller.signal,
        end: () => {
          if (attemptId !== undefined) running.delete(attemptId);
        },
      };
    },

    cancel(attemptId: string): boolean {
      const controller = running.get(attemptId);
      if (controller) {
        controller.abort();
        return true;
      }
      cancelledEarly.add(attemptId);
      if (cancelledEarly.size > 100) cancelledEarly.delete(cancelledEarly.values().next().value!);
      return false;
    },
  };
}

const article = (name: string) => (/^[aeiou]/i.test(name) ? 'an' : 'a');

/**
 * A verification that failed because the address is not the backend's API (a 404 or 405 on its
 * first calls, an answer that is not its JSON, a route it does not have) says so, per backend,
 * instead of "no longer knows this item".
 */
export function asAddressProblem(error: unknown, displayName: string): unknown {
  if (!(error instanceof AppError)) return error;
  const status = (error as { status?: number }).status;
  const wrongPlace =
    error.kind === 'not-found' || error.kind === 'bad-response' || error.kind === 'unsupported' || (error.kind === 'invalid' && status === 405);
  if (!wrongPlace) return error;
  const answered = status === undefined ? '' : status >= 200 && status < 300 ? ' (it answered, but not with the API’s JSON)' : ` (it answered HTTP ${status})`;
  const message = `This address does not answer like ${article(displayName)} ${displayName} API — check the URL${answered}.`;
  return new AppError(error.kind, message, { fields: { baseUrl: 'Check the URL: it does not answer like this backend’s API.' } });
}

export function cancelledVerification(error: unknown): unknown {
  return error instanceof AppError && error.kind === 'cancelled' ? new AppError('cancelled', 'Verification cancelled; nothing was stored.') : error;
}

/** "Acme Platform": the organization or account the backend reported, else the backend and its host. */
export function defaultName(identity: Identity, displayName: string, baseUrl: string, taken: ReadonlySet<string>): string {
  const host = new URL(baseUrl).host;
  const reported = identity.organization?.name?.trim();
  const name = reported || `${displayName} · ${host}`;
  return taken.has(name) && reported ? `${name} · ${host}` : name;
}

const originOf = (url: string) => new URL(url).origin;

/**
 * A new credential (or address) must reach the organization the connection already manages.
 * The backend's organization ids decide where both are known on the same server; otherwise (a
 * backend that names none, or another server, whose ids may be the same numbers) the new
 * credential must see keys this connection knows, matched by id and masked value.
 */
export async function checkSameOrganization(
  store: Store,
  record: ConnectionRecord,
  identity: Identity,
  provider: Provider,
  baseUrl: string,
): Promise<void> {
  const known = record.organizationId;
  const found = identity.organization?.id;
  const theirs = identity.organization?.name ?? identity.accountName;
  const ours = record.organizationName ?? record.name;
  if (known && found && known !== found) {
    throw new AppError('conflict', `This credential belongs to “${theirs}”, not to “${ours}”, which this connection manages. Use a credential of “${ours}”, or add “${theirs}” as a new connection.`, {
      fields: { credential: `This credential belongs to “${theirs}”.` },
    });
  }
  if (known && found && originOf(baseUrl) === originOf(record.baseUrl)) return;

  const cached = new Map<string, string | null>();
  const scopes = new Set<string>();
  for (const key of store.inventory.liveMarks(record.id)) {
    cached.set(key.id, key.maskedValue);
    scopes.add(key.scopeId);
  }
  if (cached.size === 0) return; // nothing cached that could be mixed with another organization's
  for (const scope of store.inventory.listScopes(record.id)) {
    if (!scopes.has(scope.id)) continue;
    let listed: RemoteKey[];
    try {
      listed = await provider.listKeys(scope);
    } catch (error) {
      // Another server may not know this scope at all: that is an answer, not a failure.
      if (error instanceof AppError && ['not-found', 'forbidden'].includes(error.kind)) continue;
      throw error;
    }
    if (listed.some((k) => cached.has(k.id) && (cached.get(k.id) === null || cached.get(k.id) === k.maskedValue))) return;
  }
  throw new AppError(
    'conflict',
    `This credential does not see any of the ${cached.size} keys this connection knows: it belongs to another organization or server than “${ours}”. Use a credential of “${ours}”, or add it as a new connection.`,
    { fields: { credential: 'This credential reaches another organization.' } },
  );
}
