// Onyx's error bodies (langwatch-and-onyx.md §2.9–2.10), as the sandbox sends them: FastAPI's
// {"detail"} for auth, OnyxError's {"error_code","detail"}, the ValueError handler's {"message"}
// (400), and the validation handler's flattened {"status_code":422,"message","data":null}.

export class OnyxHttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export const NOT_AUTHENTICATED = { detail: 'Access denied. User is not authenticated.' };
export const LIMITED = { detail: 'Access denied. User has limited permissions.' };
export const INSUFFICIENT = { error_code: 'INSUFFICIENT_PERMISSIONS', detail: 'You do not have the required permissions for this action.' };

export const notAuthenticated = () => new OnyxHttpError(403, NOT_AUTHENTICATED);
export const limited = () => new OnyxHttpError(403, LIMITED);
export const insufficient = () => new OnyxHttpError(403, INSUFFICIENT);
export const notFound = () => new OnyxHttpError(404, { detail: 'Not Found' });
export const methodNotAllowed = () => new OnyxHttpError(405, { detail: 'Method Not Allowed' });
/** A ValueError raised in the database layer (unknown key id, unknown group ids). */
export const valueError = (message: string) => new OnyxHttpError(400, { message });
export const onyxError = (status: number, code: string, detail: string) => new OnyxHttpError(status, { error_code: code, detail });

/** Bodies for faults injected with a status and no body. */
export function defaultBody(status: number): unknown {
  switch (status) {
    case 400:
      return { message: 'Bad request' };
    case 403:
      return INSUFFICIENT;
    case 404:
      return { detail: 'Not Found' };
    case 429:
      return { error_code: 'RATE_LIMITED', detail: 'Too many requests. Please try again later.' };
    case 500:
      return { detail: 'Internal Server Error' };
    default:
      return { detail: status >= 500 ? 'Service Unavailable' : 'Error' };
  }
}

// ---------------------------------------------------------------- pydantic validation errors

/** Python's repr of JSON-ish values, as str(RequestValidationError) prints them; `{tuple}` is a tuple. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    // Python quotes with '…' unless the text holds a ' and no ".
    const escaped = value.replace(/\\/g, '\\\\');
    return value.includes("'") && !value.includes('"') ? `"${escaped}"` : `'${escaped.replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object' && 'tuple' in value && Array.isArray(value.tuple)) {
    const items = value.tuple.map(pyRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `'${k}': ${pyRepr(v)}`).join(', ')}}`;
}

export interface PydanticError {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** The 422 body: FastAPI's message with newlines flattened, as Onyx's handler sends it. */
export function validationError(errors: PydanticError[]): OnyxHttpError {
  const lines = errors.map((e) => {
    const item: Record<string, unknown> = { type: e.type, loc: { tuple: e.loc }, msg: e.msg, input: e.input };
    if (e.ctx) item.ctx = e.ctx;
    return pyRepr(item);
  });
  const head = `${errors.length} validation error${errors.length === 1 ? '' : 's'}:`;
  const message = [head, ...lines].join(' ');
  return new OnyxHttpError(422, { status_code: 422, message, data: null });
}

export const missing = (loc: Array<string | number>, input: unknown = null): PydanticError => ({ type: 'missing', loc, msg: 'Field required', input });
export const notString = (loc: Array<string | number>, input: unknown): PydanticError => ({ type: 'string_type', loc, msg: 'Input should be a valid string', input });
export const notInt = (loc: Array<string | number>, input: unknown): PydanticError =>
  typeof input === 'string'
    ? { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input }
    : typeof input === 'number'
      ? { type: 'int_from_float', loc, msg: 'Input should be a valid integer, got a number with a fractional part', input }
      : { type: 'int_type', loc, msg: 'Input should be a valid integer', input };
export const notList = (loc: Array<string | number>, input: unknown): PydanticError => ({ type: 'list_type', loc, msg: 'Input should be a valid list', input });
export const notEnum = (loc: Array<string | number>, input: unknown, options: readonly string[]): PydanticError => {
  const quoted = options.map((o) => `'${o}'`);
  const expected = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : (quoted[0] ?? '');
  return { type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
};

/** Lax-mode int (pydantic accepts "3" and 3.0), or the error to report. */
export function laxInt(value: unknown, loc: Array<string | number>): number | PydanticError {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  return notInt(loc, value);
}
