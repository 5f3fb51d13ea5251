// Who is who in a LangWatch organization, as far as an organization API key can tell: the members
// (GET /api/organization/members, Enterprise plan only), and who the connection's key acts as. A
// personal credential lists only its own user's personal keys, so the one owner among them is the
// connection's user; a service credential lists everybody's (or nobody's) and acts as no one.
import type { Choice, KeyField } from '../../../src-preload/contract.ts';
import { ProviderError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { parseOrThrow, type KeyFacts } from './parse.ts';
import { z } from 'zod';

const PAGE = 200;
const MAX_PAGES = 100;

const membersPageSchema = z.looseObject({
  members: z.array(
    z.looseObject({
      userId: z.string().min(1),
      role: z.string().nullish(),
      disabled: z.boolean().nullish(),
      user: z.looseObject({ name: z.string().nullish(), email: z.string().nullish() }).nullish(),
    }),
  ),
  totalCount: z.number().nullish(),
});

export interface Member {
  id: string;
  name: string;
  admin: boolean;
}

/** The owner field of a personal key's create form. */
export interface OwnerChoice {
  options: Choice[];
  /** The connection's user, when there is one. */
  default?: string;
  /** A service credential acts as no one: the owner must be chosen, or the key would be owner-less. */
  required: boolean;
}

export function createPeople(http: HttpClient) {
  let members: Member[] | undefined;

  return {
    /** Reads the members where the plan allows it; elsewhere Keyfleet knows only the owners it sees. */
    async read(signal?: AbortSignal): Promise<Member[] | undefined> {
      const found: Member[] = [];
      try {
        for (let page = 0; page < MAX_PAGES; page++) {
          const res = await http.request({ method: 'GET', path: '/api/organization/members', query: { offset: page * PAGE, limit: PAGE }, signal });
          const body = parseOrThrow(membersPageSchema, res.body, 'the organization’s members');
          for (const m of body.members) {
            if (!m.disabled) found.push({ id: m.userId, name: m.user?.name || m.user?.email || m.userId, admin: m.role === 'ADMIN' });
          }
          if (body.members.length < PAGE || found.length >= (body.totalCount ?? 0)) break;
        }
      } catch (error) {
        // 402: not on the Enterprise plan; 403: no organization:view; 404: a server before v3.13.
        if (error instanceof ProviderError && (error.status === 402 || error.status === 403 || error.status === 404)) return (members = undefined);
        throw error;
      }
      return (members = found);
    },

    names(): ReadonlyMap<string, string> {
      return new Map((members ?? []).map((m) => [m.id, m.name]));
    },

    /** The owner choices of a personal key, from the keys' facts (and the members, where known). */
    ownerChoice(facts: Iterable<KeyFacts>): OwnerChoice {
      const owners = new Set<string>();
      for (const f of facts) if (f.keyType === 'personal' && f.assignedToUserId) owners.add(f.assignedToUserId);
      const caller = owners.size === 1 ? [...owners][0] : undefined;
      const names = new Map((members ?? []).map((m) => [m.id, m.name]));
      const label = (id: string) => names.get(id) ?? `member ${id}`;
      // Only an organization admin may make a key for someone else; LangWatch refuses it otherwise.
      const me = members?.find((m) => m.id === caller);
      const ids = me && !me.admin ? [me.id] : members ? members.map((m) => m.id) : [...owners];
      const options = ids.map((id) => ({ id, label: label(id), hint: id === caller ? 'The connection’s user' : undefined }));
      return caller ? { options, default: caller, required: false } : { options, required: true };
    },
  };
}

export type People = ReturnType<typeof createPeople>;

/** A personal key's owner, as the create form offers it. */
export function ownerField(choice: OwnerChoice): KeyField {
  return {
    id: 'owner',
    label: 'Owner',
    multiple: false,
    options: choice.options,
    ...(choice.default ? { default: choice.default } : {}),
    required: choice.required,
    hint: choice.required
      ? 'This connection’s key belongs to no member: choose who the key is for, or LangWatch would make a key no one owns.'
      : 'The member the key acts as, capped by their access. Another member than the connection’s user needs an organization admin.',
  };
}
