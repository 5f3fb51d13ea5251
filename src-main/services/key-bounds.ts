// What a sync keeps of a backend's texts: bounded, as every limit in limits.ts.
import { LIMITS } from '../limits.ts';
import type { RemoteKey } from '../model.ts';

export const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const cutOrNull = (text: string | null, max: number) => (text === null ? null : cut(text, max));

/** A key's texts as the cache keeps them: a backend's megabyte-long name is cut, not stored whole. */
export function boundKey(key: RemoteKey): RemoteKey {
  const { nameChars, descriptionChars } = LIMITS;
  const short = [key.name, key.type, key.role, key.statusDetail, key.maskedValue, key.createdBy].every((t) => t === null || t.length <= nameChars);
  if (short && (key.description === null || key.description.length <= descriptionChars)) return key;
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
