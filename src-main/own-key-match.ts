// Recognising the key a connection signs in with among its keys, by what identifies it without
// its secret. Plain functions of data, shared by the main thread and the sync's writer thread.
import type { CredentialMatch } from './providers/types.ts';

export interface Marks {
  maskedValue: string | null;
  localHint: string | null;
}

export function matchesCredential(match: CredentialMatch, key: Marks): boolean {
  if ('localHint' in match) return key.localHint !== null && key.localHint === match.localHint;
  if ('maskedValue' in match) return key.maskedValue !== null && key.maskedValue === match.maskedValue;
  const masked = key.maskedValue;
  return masked !== null && masked.length >= match.maskedPrefix.length + match.maskedSuffix.length && masked.startsWith(match.maskedPrefix) && masked.endsWith(match.maskedSuffix);
}

/** The id of the first key that is the credential, or null when none is (or it cannot be told). */
export function findOwnKey(match: CredentialMatch | undefined, keys: Iterable<Marks & { id: string }>): string | null {
  if (!match) return null;
  for (const key of keys) if (matchesCredential(match, key)) return key.id;
  return null;
}
