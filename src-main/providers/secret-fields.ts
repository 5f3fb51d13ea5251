// What an adapter keeps of a backend's key as `raw` (the detail view's fields): everything but the
// fields that hold a secret, which never reach the cache.

/**
 * A copy of `json` without the fields `isSecret` names. Built field by field: a copy that fields
 * were deleted from turns into a slow dictionary object, which serializes several times slower
 * (every key of every sync is serialized once). A field named `__proto__` is left out too:
 * assigned, it would set the copy's prototype, and what the adapter reads from raw would come from
 * the backend's object.
 */
export function withoutFields(json: Record<string, unknown>, isSecret: (field: string) => boolean): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const field of Object.keys(json)) if (field !== '__proto__' && !isSecret(field)) copy[field] = json[field];
  return copy;
}

/** A test for the fields named in `fields`. */
export const namedIn = (fields: readonly string[]) => (field: string) => fields.includes(field);
