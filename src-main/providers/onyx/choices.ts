// What the create form offers from the server: the groups a key may join (the group list, or on
// Community servers the groups keys already use) and the scopes a token may be limited to.
import type { Choice } from '../../../src-preload/contract.ts';
import { ProviderError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { listSchema, parseOrThrow, patScopeSchema, userGroupSchema } from './parse.ts';

export function createChoices(http: HttpClient, seenGroups: ReadonlyMap<number, string>) {
  async function groupChoices(): Promise<Choice[]> {
    try {
      const res = await http.request({ method: 'GET', path: 'manage/admin/user-group', query: { include_default: true } });
      const groups = parseOrThrow(listSchema, res.body, 'a list of groups').map((g) => parseOrThrow(userGroupSchema, g, 'a group'));
      return groups.map((g) => ({ id: String(g.id), label: g.name, hint: g.is_default ? 'Default group' : undefined }));
    } catch (error) {
      // Community servers have no group list: offer the groups their keys already use.
      if (!(error instanceof ProviderError) || !['not-found', 'forbidden'].includes(error.kind)) throw error;
      return [...seenGroups].sort(([a], [b]) => a - b).map(([id, name]) => ({ id: String(id), label: name }));
    }
  }

  /** The scopes a token may be limited to, as this server offers them. */
  async function scopeChoices(): Promise<Choice[]> {
    const res = await http.request({ method: 'GET', path: 'user/pats/scopes' });
    return parseOrThrow(listSchema, res.body, 'the token scopes').map((item) => {
      const option = parseOrThrow(patScopeSchema, item, 'a token scope');
      return { id: option.scope, label: [option.group_label, option.label].filter(Boolean).join(': ') || option.scope, hint: option.description ?? undefined };
    });
  }

  return { groupChoices, scopeChoices };
}
