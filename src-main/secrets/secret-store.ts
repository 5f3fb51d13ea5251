// Every secret Keyfleet keeps (connection credentials, later vault entries) goes through this
// interface to the OS keychain. There is no fallback: if the keychain cannot be reached, storing
// fails with a 'keychain' error and nothing is written anywhere else.
import { randomBytes } from 'node:crypto';
import type { KeychainCheck } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';

export interface SecretStore {
  /** Whether the keychain answers right now, and if not, what the user can do about it. */
  probe(): Promise<{ available: boolean; message: string | null }>;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'keyfleet';
const PROBE_ACCOUNT = 'keyfleet-probe';

export function keychainHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'linux') {
    return 'On Linux, Keyfleet needs a Secret Service: install and unlock gnome-keyring or KWallet (or KeePassXC with its Secret Service integration) in a desktop session with a D-Bus session bus.';
  }
  if (platform === 'darwin') return 'Check that the login keychain exists and is unlocked (Keychain Access).';
  return 'Check that Windows Credential Manager is available for your account.';
}

export interface KeytarSecretStoreOptions {
  service?: string;
  /** Longest wait for the keychain; a Secret Service can hang on an unanswered unlock prompt. */
  timeoutMs?: number;
  /** For tests: the keytar module to use. */
  keytar?: KeytarLike;
}

export function createKeytarSecretStore(options: KeytarSecretStoreOptions = {}): SecretStore {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const timeoutMs = options.timeoutMs ?? 15_000;
  let keytarPromise: Promise<KeytarLike> | undefined;

  const load = () =>
    (keytarPromise ??= options.keytar
      ? Promise.resolve(options.keytar)
      : import('@github/keytar').then((m) => ((m as { default?: KeytarLike }).default ?? (m as unknown as KeytarLike))));

  async function call<T>(what: string, fn: (k: KeytarLike) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const keytar = await load();
      return await Promise.race([
        fn(keytar),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      throw new AppError(
        'keychain',
        `The OS keychain could not ${what} (${describe(error)}). Keyfleet keeps secrets only in the keychain, so nothing was stored elsewhere. ${keychainHint()}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async probe() {
      try {
        await call('be reached', (k) => k.getPassword(service, PROBE_ACCOUNT));
        return { available: true, message: null };
      } catch (error) {
        return { available: false, message: (error as Error).message };
      }
    },
    get: (account) => call('read a secret', (k) => k.getPassword(service, account)),
    set: (account, secret) => call('store a secret', (k) => k.setPassword(service, account, secret)),
    delete: (account) => call('delete a secret', (k) => k.deletePassword(service, account)),
  };
}

/** keytar's errors are short library messages (no secret is ever part of them); keep one line. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 200);
}

export const connectionAccount = (connectionId: string) => `connection:${connectionId}`;

/** What usually makes the keychain reachable, step by step, on one platform. */
export function keychainFix(platform: string = process.platform): string[] {
  if (platform === 'linux') {
    return [
      'Install a Secret Service provider: gnome-keyring (e.g. apt install gnome-keyring) or, on KDE, KWallet with its Secret Service enabled; KeePassXC with Secret Service integration works too.',
      'Unlock it: log in to a desktop session that unlocks the login keyring, or open Passwords and Keys / KWallet Manager and unlock the "login" collection.',
      'It is reached over D-Bus: start Keyfleet from your desktop session (DBUS_SESSION_BUS_ADDRESS must be set), or without one run it under dbus-run-session.',
    ];
  }
  if (platform === 'darwin') return ['Open Keychain Access and check that the login keychain exists and is unlocked.'];
  if (platform === 'win32') return ['Check that Windows Credential Manager is available for your account (Control Panel → Credential Manager).'];
  return [keychainHint(platform as NodeJS.Platform)];
}

/**
 * A real round trip through the keychain, as Keyfleet will use it: a throwaway item (random bytes,
 * not a secret of anyone's) is written, read back and deleted. A read-only probe can pass on a
 * keychain that is locked for writing; this cannot.
 */
export async function checkKeychain(secrets: SecretStore, now: () => number = Date.now, platform: string = process.platform): Promise<KeychainCheck> {
  const value = randomBytes(18).toString('base64url');
  const failed = (message: string): KeychainCheck => ({ available: false, message, fix: keychainFix(platform), platform, checkedAt: now() });
  try {
    await secrets.set(PROBE_ACCOUNT, value);
    const read = await secrets.get(PROBE_ACCOUNT);
    const deleted = await secrets.delete(PROBE_ACCOUNT);
    if (read !== value) return failed('The OS keychain accepted a test item but gave a different value back.');
    if (!deleted) return failed('The OS keychain kept a test item it was asked to delete.');
    return { available: true, message: null, fix: [], platform, checkedAt: now() };
  } catch (error) {
    await secrets.delete(PROBE_ACCOUNT).catch(() => false);
    // The steps come with the answer, so the one-line hint inside the error is not repeated.
    const message = error instanceof Error ? error.message.replace(` ${keychainHint(platform as NodeJS.Platform)}`, '') : 'The OS keychain could not be reached.';
    return failed(message);
  }
}
