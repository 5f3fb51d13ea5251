// What finds a key by its connection: the connection's name and the words a person knows its
// backend by ("deepset" finds every deepset key, "env zero" and "env0" every env zero key). The
// key filter matches them besides a key's own fields: in memory once per connection (key-list.ts),
// and by LIKE on the key's row when SQL answers.
import type { ProviderKind } from '../../src-preload/contract.ts';

const BACKEND_WORDS: Record<ProviderKind, string> = {
  rancher: 'rancher Rancher 1.x',
  envzero: 'envzero env zero env0',
  langwatch: 'langwatch LangWatch',
  onyx: 'onyx Onyx',
  deepset: 'deepset deepset AI Platform',
};

/** A connection's searchable words as SQL over a `connections` row aliased `c`: its name, then its backend's words. */
const WORDS_OF_C = `c.name || char(31) || CASE c.kind ${Object.entries(BACKEND_WORDS)
  .map(([kind, words]) => `WHEN '${kind}' THEN '${words}'`)
  .join(' ')} ELSE c.kind END`;

/** Every connection's words, folded as LIKE folds them: `SELECT id, words`. */
export const CONNECTION_WORDS_SQL = `SELECT c.id, lower(${WORDS_OF_C}) FROM connections c`;

/** The same words for the connection of a `keys` row, for a LIKE over the key's row. */
export const KEY_CONNECTION_WORDS = `(SELECT ${WORDS_OF_C} FROM connections c WHERE c.id = keys.connection_id)`;
