// keyfleet:// links, which any web page or program can open. Only a few exact forms are known,
// each naming something the user could also do from the menu and none carrying data (never a key,
// a URL to connect to, or a credential); everything else is ignored without a word.
import type { AppCommand } from '../src-preload/contract.ts';

export const DEEP_LINK_SCHEME = 'keyfleet';

const KNOWN: Record<string, AppCommand | null> = {
  // Bring Keyfleet forward, nothing more.
  open: null,
  // Open the add-connection form (the user fills it in).
  'add-connection': 'add-connection',
  // Lock the vault (a lock is always safe).
  'lock-vault': 'lock-vault',
};

export type DeepLink = { command: AppCommand | null };

/** The link's meaning, or undefined if it is not exactly one of the known forms. */
export function parseDeepLink(raw: unknown): DeepLink | undefined {
  if (typeof raw !== 'string' || raw.length > 64) return undefined;
  const match = /^keyfleet:\/\/([a-z-]+)\/?$/.exec(raw);
  if (!match || !Object.hasOwn(KNOWN, match[1]!)) return undefined;
  return { command: KNOWN[match[1]!]! };
}

/** The first keyfleet:// link among a second launch's arguments (how Windows and Linux pass it). */
export function deepLinkInArgs(argv: readonly string[]): DeepLink | undefined {
  const arg = argv.find((a) => a.startsWith(`${DEEP_LINK_SCHEME}:`));
  return arg === undefined ? undefined : parseDeepLink(arg);
}
