// Onyx's PATCH replaces the whole key: what it leaves out resets (the role to basic, the groups to
// none). So every change is a full APIKeyArgs: the key as Onyx has it now, one field replaced.
import { ProviderError } from '../../errors.ts';
import type { ApiKeyJson } from './parse.ts';

/** What one PATCH changes; everything else is sent as Onyx has it now. */
export interface KeyPatch {
  name?: string | null;
  role?: string;
  groupIds?: string[];
}

/** A full APIKeyArgs: Onyx resets whatever a PATCH leaves out (role to basic, groups to none). */
export function fullBody(current: ApiKeyJson, change: KeyPatch): Record<string, unknown> {
  const name = change.name !== undefined ? change.name : (current.api_key_name ?? null);
  if (current.api_key_role !== undefined) {
    if (change.groupIds !== undefined) throw new ProviderError('invalid', 'This Onyx server gives keys a role, not groups.', { fields: { groupIds: 'Choose a role instead.' } });
    return { name, role: change.role ?? current.api_key_role };
  }
  if (current.groups !== undefined) {
    if (change.role !== undefined) throw new ProviderError('invalid', 'This Onyx server gives keys groups, not a role.', { fields: { role: 'Choose groups instead.' } });
    const groupIds = change.groupIds !== undefined ? change.groupIds.map(groupNumber) : current.groups.map((g) => g.id);
    return { name, group_ids: groupIds };
  }
  throw new ProviderError(
    'bad-response',
    'Onyx listed this key without its role or groups. Keyfleet does not change it, because Onyx would reset what a change leaves out.',
  );
}


export function groupNumber(id: string): number {
  const n = Number(id);
  if (!Number.isInteger(n)) throw new ProviderError('invalid', `“${id}” is not an Onyx group id.`, { fields: { groupIds: 'Choose groups from the list.' } });
  return n;
}
