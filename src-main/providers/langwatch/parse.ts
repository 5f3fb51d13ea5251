// Reading LangWatch answers defensively (langwatch-and-onyx.md §1.4, §1.9): every field the
// adapter relies on is checked, the rest is kept as raw (minus anything secret) for the detail view.
import { z } from 'zod';
import type { KeyStatus } from '../../../src-preload/contract.ts';
import type { RemoteKey } from '../../model.ts';
import { answerReader } from '../schema-check.ts';
import { namedIn, withoutFields } from '../secret-fields.ts';

const id = z.string().min(1).max(256);
/** Dates arrive as ISO strings (a JS Date through JSON); an epoch number is read too. */
const date = z.union([z.string(), z.number()]).nullish();

export const bindingSchema = z.looseObject({
  id: z.string().nullish(),
  role: z.string().min(1),
  scopeType: z.string().min(1),
  scopeId: z.string().min(1),
});
export type BindingJson = z.infer<typeof bindingSchema>;

/** A list row (ApiKeyInfo) or, on ≥ v3.13, a GET/PATCH answer (ApiKeyDetail) with more fields. */
export const apiKeySchema = z.looseObject({
  id,
  name: z.string(),
  description: z.string().nullish(),
  createdAt: date,
  expiresAt: date,
  lastUsedAt: date,
  revokedAt: date,
  roleBindings: z.array(bindingSchema).nullish(),
  keyType: z.string().nullish(),
  assignedToUserId: z.string().nullish(),
  createdByUserId: z.string().nullish(),
  permissionMode: z.string().nullish(),
  permissions: z.array(z.string()).nullish(),
});
export type ApiKeyJson = z.infer<typeof apiKeySchema>;

export const keyListSchema = z.looseObject({ data: z.array(z.unknown()) });

export const createdSchema = z.looseObject({
  token: z.string().min(1).nullish(),
  apiKey: z.looseObject({ id, name: z.string().nullish(), createdAt: date }),
});

export const pageSchema = z.looseObject({
  data: z.array(z.unknown()),
  pagination: z.looseObject({ page: z.number(), limit: z.number(), total: z.number() }).nullish(),
});

export const teamSchema = z.looseObject({ id, name: z.string().nullish(), slug: z.string().nullish(), organizationId: id });
export type TeamJson = z.infer<typeof teamSchema>;

export const projectSchema = z.looseObject({ id, name: z.string().nullish(), slug: z.string().nullish(), teamId: id });
export type ProjectJson = z.infer<typeof projectSchema>;

export const organizationSchema = z.looseObject({ id, name: z.string().min(1) });

/** Never kept, whatever a server (or a proxy in front of it) adds to a key. */
const isSecret = namedIn(['token', 'lookupId', 'hashedSecret', 'secret', 'apiKey']);

export const parseOrThrow = answerReader('LangWatch');

export function timeOf(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export const withoutSecrets = (json: Record<string, unknown>) => withoutFields(json, isSecret);

export type KeyType = 'personal' | 'service';

/**
 * Facts only GET /api/api-keys/{id} tells (≥ v3.13), kept per key: its type and owner never change;
 * its permission mode and permissions change with its bindings, so new bindings mean a new read.
 */
export interface KeyFacts {
  keyType: KeyType;
  /** Unknown for a key Keyfleet just created: LangWatch's create answer does not say. */
  assignedToUserId?: string | null;
  createdByUserId?: string | null;
  permissionMode?: string;
  permissions?: string[];
  /** The bindings the facts were read with. */
  bindings?: string;
}

/** A key's bindings as one comparable string. */
export function bindingsKey(bindings: Array<Pick<BindingJson, 'role' | 'scopeType' | 'scopeId'>> | null | undefined): string {
  return (bindings ?? []).map((b) => `${b.role}/${b.scopeType}/${b.scopeId}`).sort().join(' ');
}

export function factsOf(json: ApiKeyJson): KeyFacts | undefined {
  if (json.keyType !== 'personal' && json.keyType !== 'service') return undefined;
  return {
    keyType: json.keyType,
    assignedToUserId: json.assignedToUserId ?? null,
    createdByUserId: json.createdByUserId ?? null,
    permissionMode: json.permissionMode ?? 'all',
    permissions: json.permissions ?? [],
    bindings: bindingsKey(json.roleBindings),
  };
}

/**
 * ≤ v3.12 never says whether a key is personal or service. Bindings that are all ADMIN on
 * projects are what a service key's projectIds make; anything else is taken for personal.
 */
export function guessType(bindings: BindingJson[]): KeyType {
  return bindings.length > 0 && bindings.every((b) => b.role === 'ADMIN' && b.scopeType === 'PROJECT') ? 'service' : 'personal';
}

const ROLE_WORDS: Record<string, string> = { ADMIN: 'Admin', MEMBER: 'Member', VIEWER: 'Viewer', CUSTOM: 'Custom' };

/** "Admin · Chatbot, Search; Viewer · Platform (team)": what a key may do, and where. */
export function describeBindings(bindings: BindingJson[], names: ReadonlyMap<string, string>): string | null {
  if (bindings.length === 0) return null;
  const byRole = new Map<string, BindingJson[]>();
  for (const b of bindings) byRole.set(b.role, [...(byRole.get(b.role) ?? []), b]);
  const parts: string[] = [];
  for (const [role, list] of byRole) {
    const word = ROLE_WORDS[role] ?? role;
    const where =
      list.length > 3
        ? countWhere(list)
        : list
            .map((b) => {
              if (b.scopeType === 'ORGANIZATION') return 'organization';
              const name = names.get(b.scopeId) ?? b.scopeId;
              return b.scopeType === 'TEAM' ? `${name} (team)` : name;
            })
            .join(', ');
    parts.push(`${word} · ${where}`);
  }
  return parts.join('; ');
}

function countWhere(list: BindingJson[]): string {
  const counts = new Map<string, number>();
  for (const b of list) counts.set(b.scopeType, (counts.get(b.scopeType) ?? 0) + 1);
  return [...counts]
    .map(([type, n]) => (type === 'ORGANIZATION' ? 'organization' : `${n} ${type === 'TEAM' ? 'teams' : 'projects'}`))
    .join(', ');
}

export function statusOf(json: Pick<ApiKeyJson, 'revokedAt' | 'expiresAt'>, now: number): KeyStatus {
  if (timeOf(json.revokedAt) !== null) return 'revoked';
  const expires = timeOf(json.expiresAt);
  return expires !== null && expires <= now ? 'expired' : 'active';
}

export interface KeyContext {
  organizationId: string;
  /** Scope names, for describing bindings. */
  names: ReadonlyMap<string, string>;
  /** Member names by user id, where LangWatch tells them. */
  people?: ReadonlyMap<string, string>;
  facts: KeyFacts | undefined;
  now: number;
}

export function toRemoteKey(json: ApiKeyJson, ctx: KeyContext): RemoteKey {
  const bindings = json.roleBindings ?? [];
  const facts = ctx.facts ?? factsOf(json);
  const type = facts?.keyType ?? guessType(bindings);
  const raw = withoutSecrets(json);
  let createdBy: string | null = null;
  if (!facts) raw.keyTypeGuessed = true;
  else {
    raw.keyType = facts.keyType;
    if (facts.assignedToUserId !== undefined) raw.assignedToUserId = facts.assignedToUserId;
    if (facts.createdByUserId !== undefined) raw.createdByUserId = facts.createdByUserId;
    if (facts.permissionMode !== undefined) raw.permissionMode = facts.permissionMode;
    if (facts.permissions !== undefined) raw.permissions = facts.permissions;
    const owner = facts.assignedToUserId ? ctx.people?.get(facts.assignedToUserId) : undefined;
    const creator = facts.createdByUserId ? ctx.people?.get(facts.createdByUserId) : undefined;
    if (owner) raw.ownerName = owner;
    if (creator) raw.creatorName = creator;
    // LangWatch records no creator when a service key made the key.
    if (facts.createdByUserId !== undefined) createdBy = creator ?? (facts.createdByUserId ? `member ${facts.createdByUserId}` : 'a service key');
  }
  return {
    id: json.id,
    scopeId: ctx.organizationId,
    name: json.name,
    description: json.description ?? null,
    type,
    category: type,
    role: describeBindings(bindings, ctx.names),
    status: statusOf(json, ctx.now),
    statusDetail: null,
    maskedValue: null,
    createdAt: timeOf(json.createdAt),
    createdBy,
    expiresAt: timeOf(json.expiresAt),
    lastUsedAt: timeOf(json.lastUsedAt),
    raw,
  };
}

/** The role bindings a key's raw fields hold (list rows and details alike). */
export function bindingsIn(raw: Record<string, unknown>): BindingJson[] {
  const parsed = z.array(bindingSchema).safeParse(raw.roleBindings);
  return parsed.success ? parsed.data : [];
}

const TOKEN = /^(sk-lw-|pat-lw-|ik-lw-)([^_]*)_/;

/**
 * What Keyfleet keeps to recognise a key LangWatch will never show again: its prefix and the
 * first four characters of its lookup id, never any of the secret after the '_'.
 */
export function hintOf(token: string): string {
  const match = TOKEN.exec(token);
  if (!match) return `${token.slice(0, Math.min(6, token.indexOf('_') >= 0 ? token.indexOf('_') : 6))}…`;
  return `${match[1]}${match[2]!.slice(0, 4)}…`;
}
