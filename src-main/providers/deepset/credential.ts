// What kind of credential a deepset connection holds decides what it may do: API keys cannot
// create, modify or delete keys (deepset's docs), so managing keys needs a user access token
// (the web session's JWT), which expires with the session.
import { API_KEY_PREFIX } from './api.ts';

export type CredentialKind = 'user-token' | 'api-key';

export const READ_ONLY_NOTE =
  'This connection uses a deepset API key: it may list keys but not manage them. Reconnect with a user access token to manage keys.';

/** An API key as deepset issues it ("api_" + JWT). A user access token is a bare JWT. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

/**
 * The expiry (`exp`, seconds) a JWT claims, in ms; undefined when the token is not a readable JWT.
 * Only the payload's exp is read; the token itself goes nowhere.
 */
export function jwtExpiry(token: string): number | undefined {
  const body = looksLikeApiKey(token) ? token.slice(API_KEY_PREFIX.length) : token;
  const parts = body.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    const exp = payload && typeof payload === 'object' ? (payload as { exp?: unknown }).exp : undefined;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The user's choice wins when it is the stricter one; an API key's shape overrides "user token". */
export function readOnlyFor(token: string, chosen: string | undefined): boolean {
  return chosen === 'api-key' || looksLikeApiKey(token);
}
