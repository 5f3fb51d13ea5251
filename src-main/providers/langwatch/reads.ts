// The reads every LangWatch operation starts from: the key list (whose absence means the address
// is not LangWatch), every page of a paged listing, and the probe that tells the API era apart.
import type { z } from 'zod';
import { ProviderError } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { checkListing } from '../paging.ts';
import type { Era } from './form.ts';
import { apiKeySchema, keyListSchema, pageSchema, parseOrThrow, type ApiKeyJson } from './parse.ts';

const PAGE_SIZE = 100;
const MAX_PAGES = 10_000;
/** An id no key has (nanoids are 21 characters): era B answers api_key_not_found, era A's router 404. */
const PROBE_ID = 'keyfleet-era-probe';

export function createReads(http: HttpClient) {
  async function listKeyJson(signal?: AbortSignal): Promise<ApiKeyJson[]> {
    let body: unknown;
    try {
      body = (await http.request({ method: 'GET', path: '/api/api-keys', signal })).body;
    } catch (error) {
      // The list itself missing means the address is not (this) LangWatch, never a missing key.
      if (error instanceof ProviderError && (error.kind === 'unsupported' || error.kind === 'not-found')) {
        throw new ProviderError('not-found', 'This address does not offer LangWatch’s API-key API (/api/api-keys). Check the URL: it should be your LangWatch address, e.g. https://app.langwatch.ai.', { status: error.status });
      }
      throw error;
    }
    return parseOrThrow(keyListSchema, body, 'a list of API keys').data.map((item) => parseOrThrow(apiKeySchema, item, 'an API key'));
  }

  /** Every page of a paged listing (teams, projects), stopping when LangWatch says it has no more. */
  async function allPages<T extends { id: string }>(path: string, schema: z.ZodType<T>, what: string, signal?: AbortSignal): Promise<T[]> {
    const items = new Map<string, T>();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await http.request({ method: 'GET', path, query: { page, limit: PAGE_SIZE }, signal });
      const body = parseOrThrow(pageSchema, res.body, `a page of ${what}`);
      const before = items.size;
      for (const item of body.data) {
        const parsed = parseOrThrow(schema, item, `one of the ${what}`);
        items.set(parsed.id, parsed);
      }
      checkListing(items.size, 'LangWatch', what);
      const { pagination } = body;
      if (!pagination || body.data.length < pagination.limit || items.size >= pagination.total) return [...items.values()];
      if (items.size === before) throw new ProviderError('bad-response', `LangWatch’s pagination of ${what} repeats itself; stopped reading.`);
    }
    throw new ProviderError('bad-response', `LangWatch’s pagination of ${what} does not end; stopped reading.`);
  }

  async function probeEra(): Promise<Era> {
    try {
      await http.request({ method: 'GET', path: `/api/api-keys/${PROBE_ID}` });
      return 'B';
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'unsupported') return 'A';
      if (error instanceof ProviderError && error.kind === 'not-found') return 'B';
      throw error;
    }
  }

  return { listKeyJson, allPages, probeEra };
}
