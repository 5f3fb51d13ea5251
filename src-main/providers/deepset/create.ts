// Creating a key: the request body from Keyfleet's spec, the one-time secret from the answer, and
// the new key itself — read back by id when the answer names it, else found in the list by its
// masked form (deepset shows the first and last 4 characters), else described locally. Every key
// is created the documented way, in the organization: a key asked for in a workspace is an
// organization key limited to that workspace.
import { randomUUID } from 'node:crypto';
import { ProviderError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import type { IssuedSecret, RemoteKey, RemoteScope } from '../../model.ts';
import type { CreateKeySpec } from '../types.ts';
import { CREATED_ID_FIELDS, CREATED_SECRET_FIELDS, maskMatches, maskOf, PATHS, workspaceReference } from './api.ts';
import { parseOrThrow, toRemoteKey, tokenSchema, type DeepsetKeyType, type TokenJson } from './parse.ts';

/** Ids Keyfleet gives a new key deepset has not listed yet; the next sync replaces the row. */
export const UNLISTED_PREFIX = 'unlisted:';

export function keyTypeOf(spec: CreateKeySpec): DeepsetKeyType {
  if (spec.type === 'service' || spec.type === 'personal') return spec.type;
  throw new ProviderError('invalid', `deepset has no “${spec.type}” keys; choose a service or a personal key.`, {
    fields: { type: 'Choose a service or a personal key.' },
  });
}

/** The workspace role a spec asks for, if any (the form's `workspaceRole` field). */
export function workspaceRoleOf(spec: CreateKeySpec): string | undefined {
  const value = spec.fields?.workspaceRole;
  return typeof value === 'string' && value ? value : undefined;
}

/** The create request's FastAPI body: an organization key, for every workspace or the chosen ones. */
export function createBody(spec: CreateKeySpec, scope: RemoteScope): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: spec.name || null,
    personal: keyTypeOf(spec) === 'personal',
    organization_role: spec.role ?? 'MEMBER',
    // deepset defaults `expires` to true: always say which.
    expires: spec.expiresAt !== undefined,
    expires_at: spec.expiresAt !== undefined ? new Date(spec.expiresAt).toISOString() : null,
  };
  // Without a role_id deepset gives the key its creator's own workspace role.
  const roleId = workspaceRoleOf(spec);
  if (roleId) body.role_id = roleId;
  if (scope.kind === 'workspace') {
    if ((spec.scopes ?? []).some((s) => s.id !== scope.id)) {
      throw new ProviderError('invalid', 'A key created in a workspace reaches only that workspace.', {
        fields: { scopeIds: 'Leave this empty for a workspace key, or create the key in the organization.' },
      });
    }
    body.workspaces = [workspaceReference(scope)];
    return body;
  }
  if (scope.kind === 'organization') {
    // No list means every workspace (deepset's default), including ones created later.
    if (spec.scopes && spec.scopes.length > 0) body.workspaces = spec.scopes.map(workspaceReference);
    return body;
  }
  throw new ProviderError('invalid', `deepset keys live in the organization or a workspace, not in a ${scope.kind}.`, {
    fields: { scopeId: 'Choose the organization or a workspace.' },
  });
}

function field(body: unknown, names: readonly string[]): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  for (const name of names) {
    const value = (body as Record<string, unknown>)[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

export function secretOf(body: unknown): string {
  const secret = typeof body === 'string' && body.length > 0 ? body : field(body, CREATED_SECRET_FIELDS);
  if (!secret) {
    throw new ProviderError(
      'bad-response',
      'deepset answered the create without the new key. If a key appeared in deepset, delete it there and create another.',
    );
  }
  return secret;
}

export function issuedSecret(spec: CreateKeySpec, secret: string): IssuedSecret {
  const kind = keyTypeOf(spec) === 'service' ? 'Service key' : 'Personal key';
  return {
    title: `${kind}${spec.name ? ` “${spec.name}”` : ''}`,
    fields: [{ label: 'API key', value: secret, secret: true }],
    note: 'deepset shows a new API key only this once; afterwards it stays masked. Send it as a Bearer token.',
  };
}

/** The new key as Keyfleet knows it from the request, when deepset cannot be asked yet. */
function describedLocally(id: string, spec: CreateKeySpec, organizationId: string, limitedTo: string[], secret: string): RemoteKey {
  const type = keyTypeOf(spec);
  const unlisted = id.startsWith(UNLISTED_PREFIX);
  return {
    id,
    scopeId: organizationId,
    name: spec.name || (unlisted ? '' : id),
    description: null,
    type,
    category: type,
    role: spec.role ?? 'MEMBER',
    status: 'active',
    statusDetail: unlisted ? 'not listed yet' : null,
    maskedValue: maskOf(secret),
    createdAt: null,
    createdBy: null,
    expiresAt: spec.expiresAt ?? null,
    lastUsedAt: null,
    raw: {
      api_token_id: unlisted ? null : id,
      name: spec.name || null,
      personal: type === 'personal',
      organization_role: spec.role ?? 'MEMBER',
      expires: spec.expiresAt !== undefined,
      expires_at: spec.expiresAt !== undefined ? new Date(spec.expiresAt).toISOString() : null,
      workspaces: limitedTo,
      all_workspaces: limitedTo.length === 0,
      role_id: workspaceRoleOf(spec) ?? null,
    },
  };
}

/** Finds the new key (in the organization, where every create puts it); never throws, since the secret is already in hand and must reach the user. */
export async function identifyCreated(
  http: HttpClient,
  listed: () => Promise<TokenJson[]>,
  answer: unknown,
  secret: string,
  spec: CreateKeySpec,
  organizationId: string,
  limitedTo: string[],
): Promise<RemoteKey> {
  const id = field(answer, CREATED_ID_FIELDS);
  try {
    if (id) {
      const res = await http.request({ method: 'GET', path: PATHS.token(id) });
      return toRemoteKey(parseOrThrow(tokenSchema, res.body, 'the new key'), organizationId);
    }
    const found = (await listed()).find((key) => maskMatches(key.masked_token, secret) && (!spec.name || key.name === spec.name));
    if (found) return toRemoteKey(found, organizationId);
  } catch {
    // Fall through: the key exists; the next sync reads it.
  }
  return describedLocally(id ?? `${UNLISTED_PREFIX}${randomUUID()}`, spec, organizationId, limitedTo, secret);
}
