// What a sync keeps of a backend's texts: bounded, as every limit in limits.ts.
import { LIMITS } from '../limits.ts';
import type { RemoteKey } from '../model.ts';

export const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const cutOrNull = (text: string | null, max: number) => (text === null ? null : cut(text, max));
const within = (text: string | null, max: number) => text === null || text.length <= max;

/** A key's texts as the cache keeps them: a backend's megabyte-long name is cut, not stored whole. */
export function boundKey(key: RemoteKey): RemoteKey {
  const { nameChars, descriptionChars } = LIMITS;
  // Called for every key of every sync: tested field by field, with no list or closure to allocate.
  const short =
    within(key.name, nameChars) &&
    within(key.type, nameChars) &&
    within(key.role, nameChars) &&
    within(key.statusDetail, nameChars) &&
    within(key.maskedValue, nameChars) &&
    within(key.createdBy, nameChars);
  if (short && within(key.description, descriptionChars)) return key;
  return {
    ...key,
    name: cut(key.name, nameChars),
    description: cutOrNull(key.description, descriptionChars),
    type: cut(key.type, nameChars),
    role: cutOrNull(key.role, nameChars),
    statusDetail: cutOrNull(key.statusDetail, nameChars),
    maskedValue: cutOrNull(key.maskedValue, nameChars),
    createdBy: cutOrNull(key.createdBy, nameChars),
  };
}
