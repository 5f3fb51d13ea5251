// Reading Rancher 1.x (API v2-beta) answers defensively: every field the adapter relies on is
// checked, everything else is kept as raw (minus secrets) for the detail view.
import { z } from 'zod';
import type { KeyStatus } from '../../../src-preload/contract.ts';
import type { RemoteKey } from '../../model.ts';
import { answerReader } from '../schema-check.ts';
import { namedIn, withoutFields } from '../secret-fields.ts';

const links = z.record(z.string(), z.unknown()).nullish();

export const apiKeySchema = z.looseObject({
  id: z.string().min(1).max(256),
  type: z.string().nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  state: z.string().nullish(),
  transitioning: z.string().nullish(),
  accountId: z.string().nullish(),
  publicValue: z.string().nullish(),
  secretValue: z.string().nullish(),
  created: z.string().nullish(),
  createdTS: z.number().nullish(),
  links,
  actions: links,
});
export type ApiKeyJson = z.infer<typeof apiKeySchema>;

export const projectSchema = z.looseObject({
  id: z.string().min(1).max(256),
  type: z.string().nullish(),
  name: z.string().nullish(),
  state: z.string().nullish(),
  links,
});
export type ProjectJson = z.infer<typeof projectSchema>;

export const accountSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  kind: z.string().nullish(),
});

/** A schema as the caller's role sees it: which methods its collection allows. */
export const schemaSchema = z.looseObject({
  id: z.string().nullish(),
  collectionMethods: z.array(z.string()).nullish(),
  resourceMethods: z.array(z.string()).nullish(),
});

export const collectionSchema = z.looseObject({
  type: z.string().nullish(),
  data: z.array(z.unknown()),
  pagination: z.looseObject({ next: z.string().nullish(), partial: z.boolean().nullish() }).nullish(),
});

export type CollectionJson = z.infer<typeof collectionSchema>;

export const errorBodySchema = z.looseObject({
  type: z.literal('error'),
  status: z.number().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  detail: z.string().nullish(),
  fieldName: z.string().nullish(),
});

/** Fields that hold a secret (or, in action answers, possibly its stored hash). Never kept. */
const isSecret = namedIn(['secretValue']);

export const parseOrThrow = answerReader('Rancher');

export function statusOf(state: string | null | undefined): { status: KeyStatus; detail: string | null } {
  switch (state) {
    case 'active':
      return { status: 'active', detail: null };
    case 'inactive':
      return { status: 'inactive', detail: null };
    case 'removing':
    case 'removed':
    case 'purging':
    case 'purged':
      return { status: 'revoked', detail: state };
    case 'requested':
    case 'registering':
    case 'activating':
    case 'deactivating':
    case 'updating-active':
    case 'updating-inactive':
    case 'restoring':
      return { status: 'pending', detail: state };
    default:
      return { status: 'pending', detail: state ?? 'unknown' };
  }
}

/** A copy of `json` without its secret fields, built field by field (an object a field was deleted from serializes several times slower). */
export const withoutSecrets = (json: Record<string, unknown>) => withoutFields(json, isSecret);

export type RancherKeyType = 'account' | 'environment';

/** How a key shows in the inventory: its access key (public), never its secret. */
export const maskedPublicValue = (publicValue: string) => `${publicValue}:••••`;

export const READ_ONLY_NOTE =
  'Your role in this Rancher environment is read-only: Rancher shows you its keys but refuses to create, change or delete any. An owner of the environment can make you a member.';

/** `privileged`: an admin account's key, which reaches every account and environment. */
export function toRemoteKey(json: ApiKeyJson, scopeId: string, type: RancherKeyType, privileged = false): RemoteKey {
  const { status, detail } = statusOf(json.state);
  const created = json.createdTS ?? (json.created ? Date.parse(json.created) : NaN);
  return {
    id: json.id,
    scopeId,
    name: json.name ?? '',
    description: json.description ?? null,
    type,
    category: type === 'account' ? 'personal' : 'service',
    role: null,
    status,
    statusDetail: detail,
    maskedValue: json.publicValue ? maskedPublicValue(json.publicValue) : null,
    createdAt: Number.isFinite(created) ? created : null,
    createdBy: null,
    expiresAt: null,
    lastUsedAt: null,
    raw: withoutSecrets(json),
    privileged,
  };
}

export function selfLink(json: { links?: Record<string, unknown> | null }): string | undefined {
  const self = json.links?.self;
  return typeof self === 'string' ? self : undefined;
}

export function actionLink(json: ApiKeyJson, action: string): string | undefined {
  const link = json.actions?.[action];
  return typeof link === 'string' ? link : undefined;
}

const VALIDATION_TEXT: Record<string, string> = {
  MaxLengthExceeded: 'is too long',
  MinLengthExceeded: 'is too short',
  MissingRequired: 'is required',
  NotNullable: 'must not be empty',
  NotUnique: 'is already in use',
  InvalidCharacters: 'contains characters Rancher does not accept',
  InvalidFormat: 'has a format Rancher does not accept',
  InvalidOption: 'is not one of the allowed values',
  InvalidReference: 'refers to something Rancher does not know',
  InvalidDateFormat: 'is not a date Rancher accepts',
  MaxLimitExceeded: 'is too large',
  MinLimitExceeded: 'is too small',
};

/** Turns a Rancher error body into a clearer message, kind or field errors. */
export function describeRancherError(status: number, body: unknown, method: string) {
  const parsed = errorBodySchema.safeParse(body);
  const code = parsed.success ? (parsed.data.code ?? '') : '';
  const field = parsed.success ? (parsed.data.fieldName ?? undefined) : undefined;
  if (status === 422) {
    if (code === 'ActionNotAvailable' || code === 'InvalidAction') {
      return {
        kind: 'conflict' as const,
        message: `Rancher does not allow this in the key's current state (${code}). Sync to see its current state.`,
      };
    }
    if (field) {
      const text = VALIDATION_TEXT[code] ?? `was rejected (${code || 'invalid'})`;
      return { message: `Rancher rejected the ${field}: it ${text}.`, fields: { [field]: `${capitalise(text)}.` } };
    }
  }
  // Only an active key of an active account authenticates (AuthDaoImpl.getAccountByKeys): an
  // environment key stops with its environment, an account key with its user.
  if (status === 401) {
    return {
      message:
        "Rancher rejected the connection's credential (HTTP 401). The key may be mistyped, deactivated or removed, or its environment or user account deactivated; reconnect with a valid one.",
    };
  }
  // A read-only member's schema allows only GET (ValidationHandler.validateMethod): 405 on create and edit.
  if (status === 405 && (method === 'POST' || method === 'PUT')) {
    return { kind: 'forbidden' as const, message: `${READ_ONLY_NOTE} (HTTP 405 Method not allowed)` };
  }
  if (status === 405 && method === 'DELETE') {
    return {
      kind: 'conflict' as const,
      message: 'Rancher refuses to delete an active key (HTTP 405 Method not allowed). Deactivate it first, then delete it.',
    };
  }
  if (status === 400 && code === 'InvalidBodyContent') {
    return { message: 'Rancher could not read the request Keyfleet sent (InvalidBodyContent).' };
  }
  if (status === 403 && code === 'InvalidCSRFToken') {
    return { message: 'Rancher refused the request as a cross-site request (InvalidCSRFToken).' };
  }
  if (status === 409) {
    return {
      message:
        code === 'MultipleKeys'
          ? 'Rancher found two active credentials with this access key (MultipleKeys); fix this in Rancher.'
          : 'Rancher is busy with this key right now (HTTP 409 Conflict); try again in a moment.',
    };
  }
  return undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
