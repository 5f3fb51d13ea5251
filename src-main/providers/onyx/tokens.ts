// Personal access tokens: what the connecting user may do with them (create at all; an admin's
// unscoped token is as powerful as the admin), the create body with its scopes and whole days, a
// rotation's twin that keeps the scopes, and a refusal worded for tokens.
import { ProviderError } from '../../errors.ts';
import type { RemoteKey } from '../../model.ts';
import type { CreateKeySpec, KeyFact, TwinPlan } from '../types.ts';
import type { MeJson } from './parse.ts';

const DAY = 24 * 60 * 60 * 1000;

/** Onyx counts a PAT's life in whole days ending 23:59:59 UTC; pick the day nearest the chosen time. */
export function expirationDays(expiresAt: number, now = Date.now()): number {
  const today = new Date(now);
  const endOfToday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 23, 59, 59, 999);
  return Math.max(1, Math.round((expiresAt - endOfToday) / DAY));
}

/**
 * What /api/me says the user may do. ≤ v4.6 names a role (any non-limited user creates tokens);
 * main lists effective permissions, where `admin` is every permission and creating tokens needs
 * `create:user_api_keys` from one of the user's groups.
 */
export function powersOf(me: MeJson): { admin: boolean; tokens: boolean } {
  if (me.role !== undefined) return { admin: me.role === 'admin', tokens: me.role !== 'limited' };
  const granted = new Set(me.effective_permissions ?? []);
  return { admin: granted.has('admin'), tokens: granted.has('admin') || granted.has('create:user_api_keys') };
}

/** The scopes a spec asks for: none (null) means the user's full access. */
export function scopesOf(spec: Pick<CreateKeySpec, 'fields'>): string[] | null {
  const value = spec.fields?.scopes;
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.length > 0 ? list : null;
}

export function tokenBody(spec: CreateKeySpec, now = Date.now()): Record<string, unknown> {
  return { name: spec.name, expiration_days: spec.expiresAt === undefined ? null : expirationDays(spec.expiresAt, now), scopes: scopesOf(spec) };
}

/** A 403 on creating a token is about tokens, not service-account keys. */
export function tokenRefusal(error: unknown): unknown {
  if (!(error instanceof ProviderError) || error.kind !== 'forbidden') return error;
  return new ProviderError(
    'forbidden',
    'Onyx refused to create a personal access token (HTTP 403): your Onyx groups do not grant “Create User Access Token”, or the connection’s own token is scoped. An Onyx admin can grant it to one of your groups.',
    { status: error.status },
  );
}

function scopesIn(key: RemoteKey): string[] | null {
  return Array.isArray(key.raw.scopes) && key.raw.scopes.length > 0 ? key.raw.scopes.filter((s): s is string => typeof s === 'string') : null;
}

const describeScopes = (scopes: string[] | null) => (scopes ? scopes.join(', ') : 'none: all of your permissions');

/** A token's twin is a token with the same scopes. */
export function tokenTwinPlan(key: RemoteKey): TwinPlan {
  const scopes = scopesIn(key);
  return { fields: { scopes: scopes ?? [] }, keeps: [`Scopes: ${describeScopes(scopes)}`] };
}

export function describeToken(key: RemoteKey): KeyFact[] {
  return key.type === 'pat' ? [{ label: 'Scopes', value: describeScopes(scopesIn(key)) }] : [];
}
