// deepset runs FastAPI: validation failures are 422 {"detail":[{loc, msg, type}]}, other errors
// most likely {"detail":"…"} (some clients also read "message"). This turns them into clear
// messages, and FastAPI's field locations into the create form's field names.
import { z } from 'zod';
import type { ErrorDescription, HttpMethod } from '../../http/client.ts';

const issueSchema = z.looseObject({
  loc: z.array(z.union([z.string(), z.number()])).nullish(),
  msg: z.string().nullish(),
  type: z.string().nullish(),
});
const bodySchema = z.looseObject({
  detail: z.union([z.string(), z.array(z.unknown())]).nullish(),
  message: z.string().nullish(),
});

/** FastAPI body field → the create form's field, and how to name it in a sentence. */
const FIELDS: Record<string, { field?: string; label: string }> = {
  name: { field: 'name', label: 'name' },
  expires: { field: 'expiresAt', label: 'expiry' },
  expires_at: { field: 'expiresAt', label: 'expiry date' },
  organization_role: { field: 'role', label: 'organization role' },
  personal: { field: 'type', label: 'key type' },
  workspaces: { field: 'scopeIds', label: 'workspaces' },
  all_workspaces: { field: 'scopeIds', label: 'workspaces' },
  role_id: { label: 'workspace role' },
};

export const CANNOT_MANAGE = 'this credential may list keys but not manage them';
export const SESSION_EXPIRED = 'session expired — reconnect with a fresh user access token';

/** Server text is shown, but short, on one line, and never with our credential in it. */
export function serverText(value: string, credential: string): string {
  let clean = value.replace(/\s+/g, ' ').trim();
  if (credential && clean.includes(credential)) clean = clean.split(credential).join('[credential]');
  return clean.length > 200 ? `${clean.slice(0, 199)}…` : clean;
}

function tidy(msg: string): string {
  const plain = msg.replace(/^Value error, /, '').trim();
  const sentence = plain.charAt(0).toUpperCase() + plain.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/** A 422 `detail` list as field errors and one sentence. */
export function validationFailure(issues: unknown[], credential: string): ErrorDescription {
  const fields: Record<string, string> = {};
  const parts: string[] = [];
  for (const raw of issues) {
    const issue = issueSchema.safeParse(raw);
    if (!issue.success) continue;
    const loc = issue.data.loc ?? [];
    const msg = tidy(serverText(issue.data.msg ?? 'is not valid', credential));
    const inBody = loc[0] === 'body';
    const name = inBody ? loc.find((part, i) => i > 0 && typeof part === 'string' && part in FIELDS) : undefined;
    const known = typeof name === 'string' ? FIELDS[name] : undefined;
    if (known?.field && !(known.field in fields)) fields[known.field] = msg;
    const where = known?.label ?? (loc.length > 0 ? loc.filter((p) => p !== 'body').join('.') : 'request');
    parts.push(`${where.charAt(0).toUpperCase()}${where.slice(1)}: ${msg}`);
  }
  if (parts.length === 0) return { kind: 'invalid', message: 'deepset rejected the request as invalid (HTTP 422).' };
  return { kind: 'invalid', message: `deepset rejected the request. ${parts.join(' ')}`, fields: Object.keys(fields).length > 0 ? fields : undefined };
}

export interface ErrorContext {
  readOnly: () => boolean;
  credential: string;
}

/** The http client's describeError for deepset. Managing calls are refined further by the adapter. */
export function describeDeepsetError(ctx: ErrorContext) {
  return (status: number, body: unknown, method: HttpMethod): ErrorDescription | undefined => {
    const parsed = bodySchema.safeParse(body);
    const detail = parsed.success ? parsed.data.detail : undefined;
    if (Array.isArray(detail) && (status === 422 || status === 400)) return validationFailure(detail, ctx.credential);
    const said = typeof detail === 'string' ? detail : parsed.success ? (parsed.data.message ?? undefined) : undefined;
    const quoted = said ? ` deepset said: “${serverText(said, ctx.credential)}”` : '';
    const reading = method === 'GET';
    if (status === 401 && reading) {
      return ctx.readOnly()
        ? { kind: 'auth', message: `deepset rejected the API key (HTTP 401): it may have expired or been deleted. Reconnect with a valid key.${quoted}` }
        : { kind: 'auth', message: `deepset rejected the user access token (HTTP 401): ${SESSION_EXPIRED}.${quoted}` };
    }
    if (status === 403 && reading) {
      return {
        kind: 'forbidden',
        message: `deepset refused this to the connection's credential (HTTP 403). Listing API keys needs the organization Admin role.${quoted}`,
      };
    }
    if (status === 404 && said && said !== 'Not Found') return { kind: 'not-found', message: `deepset does not know this item (HTTP 404).${quoted}` };
    if ((status === 400 || status === 409) && said) {
      return { kind: status === 409 ? 'conflict' : 'invalid', message: `deepset rejected the request (HTTP ${status}).${quoted}` };
    }
    return undefined;
  };
}
