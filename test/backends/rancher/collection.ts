// Cattle collections (rancher-1x.md §7): filters with modifiers after the last underscore,
// sort/order, limit/marker pagination with `m<offset>` markers, and the collection envelope with
// links.self (no query), pagination.next (the request URL with a new marker), sortLinks and the
// echo of the applied filters.

export type FieldKind = 'string' | 'enum' | 'reference' | 'date';

export interface FieldSpec<T> {
  kind: FieldKind;
  get: (item: T) => string | number | null;
}

export type Fields<T> = Record<string, FieldSpec<T>>;

const MODIFIERS: Record<FieldKind, readonly string[]> = {
  string: ['eq', 'ne', 'prefix', 'like', 'notlike', 'null', 'notnull'],
  enum: ['eq', 'ne', 'null', 'notnull'],
  reference: ['eq', 'ne', 'null', 'notnull'],
  date: ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'null', 'notnull'],
};

export interface Condition {
  field: string;
  modifier: string;
  value: string | null;
}

/** `?name=x`, `?name_ne=x`… Unknown fields or modifiers are silently ignored; repeats are ANDed. */
export function parseConditions<T>(query: URLSearchParams, fields: Fields<T>): Condition[] {
  const conditions: Condition[] = [];
  for (const [key, value] of query) {
    let field = key;
    let modifier = 'eq';
    if (!(key in fields)) {
      const underscore = key.lastIndexOf('_');
      if (underscore <= 0) continue;
      field = key.slice(0, underscore);
      modifier = key.slice(underscore + 1);
    }
    const spec = fields[field];
    if (!spec || !MODIFIERS[spec.kind].includes(modifier)) continue;
    conditions.push({ field, modifier, value: modifier === 'null' || modifier === 'notnull' ? null : value });
  }
  return conditions;
}

const likeCache = new Map<string, RegExp>();

/** SQL LIKE: `%` any run, `_` any one character. */
function likePattern(pattern: string): RegExp {
  let regex = likeCache.get(pattern);
  if (!regex) {
    const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
    regex = new RegExp(`^${body}$`, 's');
    likeCache.set(pattern, regex);
  }
  return regex;
}

function dateValue(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : Date.parse(text);
}

/** SQL semantics: a NULL column matches only `_null` (NULL <> 'x' is not true either). */
export function satisfies<T>(item: T, conditions: readonly Condition[], fields: Fields<T>): boolean {
  for (const { field, modifier, value } of conditions) {
    const spec = fields[field]!;
    const actual = spec.get(item);
    if (modifier === 'null') {
      if (actual !== null) return false;
      continue;
    }
    if (actual === null) return false;
    if (modifier === 'notnull') continue;
    const wanted = value ?? '';
    if (spec.kind === 'date') {
      const a = Math.floor(Number(actual) / 1000) * 1000;
      const w = dateValue(wanted);
      const ok =
        modifier === 'eq' ? a === w : modifier === 'ne' ? a !== w : modifier === 'lt' ? a < w : modifier === 'lte' ? a <= w : modifier === 'gt' ? a > w : a >= w;
      if (!ok) return false;
      continue;
    }
    const text = String(actual);
    const ok =
      modifier === 'eq'
        ? text === wanted
        : modifier === 'ne'
          ? text !== wanted
          : modifier === 'prefix'
            ? text.startsWith(wanted)
            : modifier === 'like'
              ? likePattern(wanted).test(text)
              : !likePattern(wanted).test(text); // notlike
    if (!ok) return false;
  }
  return true;
}

export interface Paging {
  limit: number;
  offset: number;
}

/** `limit` defaults to 100, is clamped to maxLimit, and `limit <= 0` means maxLimit; markers are `m<offset>`. */
export function paging(query: URLSearchParams, maxLimit: number): Paging {
  const raw = query.get('limit');
  const requested = raw === null || raw.trim() === '' ? 100 : Number(raw);
  const limit = !Number.isFinite(requested) ? 100 : requested <= 0 ? maxLimit : Math.min(Math.floor(requested), maxLimit);
  const marker = /^m(\d+)$/.exec(query.get('marker') ?? '');
  return { limit: Math.max(1, limit), offset: marker ? Number(marker[1]) : 0 };
}

export interface Sort {
  field: string;
  desc: boolean;
}

export function sortOf<T>(query: URLSearchParams, fields: Fields<T>): Sort | null {
  const field = query.get('sort');
  if (!field || !(field in fields)) return null;
  return { field, desc: query.get('order')?.toLowerCase() === 'desc' };
}

/**
 * One page of the items that pass `accept` and the conditions, in source order (id ascending) or
 * by `sort`. Without a sort it stops reading once it knows whether another page exists.
 */
export function pageOf<T>(
  source: Iterable<T>,
  accept: (item: T) => boolean,
  conditions: readonly Condition[],
  fields: Fields<T>,
  sort: Sort | null,
  { limit, offset }: Paging,
  idNumber: (item: T) => number,
): { page: T[]; more: boolean } {
  const keep = (item: T) => accept(item) && satisfies(item, conditions, fields);
  if (!sort) {
    const page: T[] = [];
    let seen = 0;
    for (const item of source) {
      if (!keep(item)) continue;
      if (seen >= offset + limit) return { page, more: true };
      if (seen >= offset) page.push(item);
      seen++;
    }
    return { page, more: false };
  }
  const all: T[] = [];
  for (const item of source) if (keep(item)) all.push(item);
  const get = fields[sort.field]!.get;
  const sign = sort.desc ? -1 : 1;
  all.sort((a, b) => {
    const x = get(a);
    const y = get(b);
    // MySQL puts NULLs first in ascending order.
    const c = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
    return c * sign || idNumber(a) - idNumber(b);
  });
  return { page: all.slice(offset, offset + limit), more: all.length > offset + limit };
}

/** The raw query string without the named parameters, keeping the client's order and encoding. */
export function queryWithout(rawQuery: string, ...names: string[]): string {
  return rawQuery
    .split('&')
    .filter((part) => {
      if (!part) return false;
      const key = part.split('=')[0] ?? '';
      let decoded = key;
      try {
        decoded = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // keep undecodable parameters as they are
      }
      return !names.includes(decoded);
    })
    .join('&');
}

function withParam(self: string, query: string, param: string): string {
  return `${self}?${query ? `${query}&` : ''}${param}`;
}

export interface CollectionInput<T> {
  resourceType: string;
  /** Absolute request URL without the query string. */
  self: string;
  /** The request's raw query string, without '?'. */
  rawQuery: string;
  data: unknown[];
  /** null for unpaged collections (projects). */
  pagination: (Paging & { more: boolean }) | null;
  conditions: readonly Condition[];
  fields: Fields<T>;
  sort: Sort | null;
}

export function collectionBody<T>(input: CollectionInput<T>): Record<string, unknown> {
  const { self, rawQuery, fields } = input;
  const filters: Record<string, unknown> = {};
  const sortLinks: Record<string, string> = {};
  const sortBase = queryWithout(rawQuery, 'marker', 'sort', 'order');
  for (const field of Object.keys(fields).sort()) {
    const applied = input.conditions.filter((c) => c.field === field);
    filters[field] = applied.length ? applied.map(({ modifier, value }) => ({ modifier, value })) : null;
    sortLinks[field] = withParam(self, sortBase, `sort=${field}`);
  }
  let pagination: Record<string, unknown> | null = null;
  if (input.pagination) {
    const { limit, offset, more } = input.pagination;
    const next = more ? withParam(self, queryWithout(rawQuery, 'marker'), `marker=m${offset + limit}`) : null;
    pagination = { first: null, previous: null, next, limit, total: null, partial: more };
  }
  const sort = input.sort
    ? {
        name: input.sort.field,
        order: input.sort.desc ? 'desc' : 'asc',
        reverse: withParam(self, queryWithout(rawQuery, 'marker', 'order'), `order=${input.sort.desc ? 'asc' : 'desc'}`),
      }
    : null;
  return {
    type: 'collection',
    resourceType: input.resourceType,
    links: { self },
    createTypes: {},
    actions: {},
    data: input.data,
    sortLinks,
    pagination,
    sort,
    filters,
    createDefaults: {},
  };
}
