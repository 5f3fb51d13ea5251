// The key a connection itself signs in with: recognising it among the connection's keys (where the
// backend lets Keyfleet tell), what acting on it ends, and how the connection's credential is shown.
import type { ActionSupport, Capabilities, CredentialView, ProviderKind } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { ConnectionRecord, KeyRecord } from '../model.ts';

export { findOwnKey, matchesCredential } from '../own-key-match.ts';

/** Why Keyfleet may not find its own key, per backend, in the user's words. */
const NOT_RECOGNISED: Record<ProviderKind, string> = {
  rancher: 'Its access key is not among the keys this connection lists (an admin’s key of another account, say).',
  envzero: 'A personal API key is not listed among the organization’s keys; an organization API key is.',
  langwatch: 'LangWatch never shows a key again, not even masked: Keyfleet recognises only keys it created itself (for instance by rotating its credential once).',
  onyx: 'Its masked form is not among the keys and tokens this connection lists.',
  deepset: 'A user access token belongs to the web session and is not a key in the list; reconnect with a fresh one when it expires.',
};

export function notRecognisedNote(kind: ProviderKind): string {
  return NOT_RECOGNISED[kind];
}

/** What the user reads before an action that ends the connection's own credential, and after it. */
export function endsCredential(connection: Pick<ConnectionRecord, 'name'>, key: Pick<KeyRecord, 'name' | 'id' | 'localLabel'>, doing: string): string {
  return `“${key.localLabel ?? (key.name || key.id)}” is the key Keyfleet signs in to “${connection.name}” with: ${doing} it ends Keyfleet’s access, and the connection will need a new credential (Reconnect).`;
}

/** Why the connection needs a new credential, once an action ended it. */
export function endedBy(key: Pick<KeyRecord, 'name' | 'id' | 'localLabel'>, done: string): string {
  return `“${key.localLabel ?? (key.name || key.id)}”, the key Keyfleet signed in with, was ${done} in Keyfleet`;
}

/** Refuses an action that ends the connection's own credential unless the user confirmed it knowingly. */
export function requireConfirmation(connection: ConnectionRecord, key: KeyRecord, doing: string, confirmed: boolean | undefined): boolean {
  const own = connection.ownKeyId === key.id;
  if (own && confirmed !== true) {
    throw new AppError('conflict', `${endsCredential(connection, key, doing)} Confirm it to go ahead, or rotate Keyfleet’s credential instead.`);
  }
  return own;
}

export function credentialView(
  connection: ConnectionRecord,
  ownKey: KeyRecord | undefined,
  rotation: ActionSupport,
  rotating: CredentialView['rotating'],
): CredentialView {
  return {
    storedAt: connection.credentialSetAt,
    ownKey: ownKey ? { id: ownKey.id, name: ownKey.localLabel ?? (ownKey.name || ownKey.id), createdAt: ownKey.createdAt } : null,
    rotation,
    rotating,
    ended: connection.credentialEnded,
  };
}

const unavailable = (note: string): ActionSupport => ({ mode: 'unavailable', note });

/** Whether the connection's own credential can be replaced in one step, and how. */
export function rotationSupport(connection: ConnectionRecord, ownKey: KeyRecord | undefined, capabilities: Capabilities): ActionSupport {
  if (connection.credentialEnded) return unavailable('This credential no longer works: reconnect with a new one.');
  if (!ownKey) return unavailable(`Keyfleet has not found the key it signs in with among this connection’s keys. ${notRecognisedNote(connection.kind)}`);
  const type = capabilities.createForm.types.find((t) => t.id === ownKey.type);
  const create = type?.actions?.create ?? capabilities.actions.create;
  if (!type || create.mode === 'unavailable') return unavailable(create.note ?? 'Keyfleet cannot create a key of this type here.');
  const actions = { ...capabilities.actions, ...type.actions };
  const retire = actions.deactivate.mode !== 'unavailable' ? 'deactivates' : actions.delete.mode !== 'unavailable' ? 'deletes' : null;
  if (!retire) return unavailable('This backend can neither deactivate nor delete the old key, so it cannot be retired after a rotation.');
  return {
    mode: 'composed',
    note: `Keyfleet creates a twin of “${ownKey.localLabel ?? (ownKey.name || ownKey.id)}”, signs in with it, stores it in the OS keychain in place of the old one, then ${retire} the old key. Nothing to deploy: only Keyfleet uses it.`,
  };
}
