// Every fact about deepset's HTTP API the adapter relies on, in one place, each marked as
// VERIFIED (public API reference, SDK or client source) or GUESS (inferred; see
// ../shared/providers/envzero-and-deepset.md, Part 2). A wrong guess must end in a clear
// "this server does not support …" (see unsupported()), never in a crash or a misleading error.
import { AppError, ProviderError } from '../../errors.ts';

const segment = (value: string) => encodeURIComponent(value);

export const PATHS = {
  /** GUESS (order): the 2023 SDK reads /api/v1/me, the 2025 MCP docs /api/v1/users/me. Tried in turn. */
  me: ['/api/v1/me', '/api/v1/users/me'],
  /** VERIFIED (2023 SDK): `{name}` of the caller's organization. The fallback when no "me" route answers. */
  organization: '/api/v1/organization',
  /** VERIFIED (SDK, MCP client): a bare array of workspaces. */
  workspaces: '/api/v1/workspaces',
  /** VERIFIED: one workspace, addressed by name. */
  workspace: (name: string) => `/api/v1/workspaces/${segment(name)}`,
  /** VERIFIED: list (paged) and create. The list holds every key of the organization. */
  tokens: '/api/v1/token',
  /** VERIFIED: retrieve and delete one key. GUESS: the same path deletes workspace-scoped keys. */
  token: (id: string) => `/api/v1/token/${segment(id)}`,
  /**
   * VERIFIED: the keys scoped exclusively to one workspace (paged like the organization list). Only
   * this list is documented here: no public source shows a create under a workspace, so Keyfleet
   * creates an organization key limited to the workspace instead (the documented `workspaces`).
   */
  workspaceTokens: (name: string) => `/api/v1/workspaces/${segment(name)}/token`,
  /** VERIFIED (API reference "Get Roles"): the organization's roles, paged like the key lists. */
  roles: (organizationId: string) => `/api/v1/organization/${segment(organizationId)}/roles`,
};

/** VERIFIED: page-based paging with `limit` (max 100) and `page_number`; GUESS: pages count from 1 (docs example). */
export const PAGING = { limit: 100, firstPage: 1, maxPages: 10_000 };

/** GUESS: deepset's longest key name (the generic contract's 100). */
export const NAME_MAX_LENGTH = 100;

/** VERIFIED (2023 SDK): "API token with the prefix `api_`". A user access token is a plain JWT. */
export const API_KEY_PREFIX = 'api_';

/** GUESS: a role in the roles list names its id `role_id` (deepset's `<thing>_id`) or `id`; both are read. */
export const ROLE_ID_FIELDS = ['role_id', 'id'] as const;

/** GUESS: an organization key's chosen workspaces travel by name in the create body (ids are the alternative). */
export function workspaceReference(workspace: { name: string }): string {
  return workspace.name;
}

/** GUESS: the create answer names the secret `api_token` (2023 SDK); newer servers may add the key's id. */
export const CREATED_SECRET_FIELDS = ['api_token', 'token'] as const;
export const CREATED_ID_FIELDS = ['api_token_id', 'id'] as const;

/**
 * VERIFIED: masked_token shows the first and last 4 characters. Used to find a key the create answer
 * did not identify: a key whose mask matches the new secret's ends is that key.
 */
export function maskMatches(masked: string | null | undefined, secret: string): boolean {
  if (!masked || secret.length < 9) return false;
  return masked.startsWith(secret.slice(0, 4)) && masked.endsWith(secret.slice(-4));
}

/** The same non-secret form deepset itself shows, for a new key not listed yet. */
export function maskOf(secret: string): string {
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

/** A 404 or 405 from a path we guessed: the server has no such route (or no such method on it). */
export function routeMissing(error: unknown): error is ProviderError {
  return error instanceof ProviderError && (error.status === 404 || error.status === 405);
}

/** What a wrong guess turns into: a plain statement of what this server does not offer. */
export function unsupported(what: string, tried: string, advice?: string): AppError {
  return new AppError(
    'unsupported',
    `This deepset server does not support ${what} (${tried} is not part of its API).${advice ? ` ${advice}` : ''}`,
  );
}
