// Where a request goes. An adapter's own path ("/v2-beta/apikeys") sits under the connection's
// base URL; a link a backend sent (a page's `next`, a key's `self` link or `actions`) is read by
// the WHATWG URL parser against the base, exactly as the parser reads it — a leading space, a
// tab, `///host`, `\\host` or `http:\\host` included. Either way the result must be on the
// connection's own origin (scheme, host and port), with no user name or password in it: the
// credential in the request's headers goes nowhere else, and never over plain http when the
// connection is https. Anything else is refused before a byte is sent.
import { ProviderError } from '../errors.ts';

export type QueryValue = string | number | boolean | undefined | null | string[];

/** One slash and then not a second one (nor a backslash, which an http URL reads as a slash). */
const OWN_PATH = /^\/(?![/\\])/;

export function requestUrl(base: URL, path: string, query: Record<string, QueryValue> | undefined, backendName: string): URL {
  // The parser's own first steps: surrounding spaces and controls go, and tabs and line breaks
  // anywhere, so "/\t/host" is read as the "//host" it becomes.
  // eslint-disable-next-line no-control-regex -- the parser's own set of characters to strip
  const text = path.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  let url: URL;
  try {
    url = OWN_PATH.test(text) ? new URL(text.slice(1), base) : new URL(text, base);
  } catch {
    throw new ProviderError('bad-response', `${backendName} sent a link Keyfleet could not read as an address; it was not followed.`);
  }
  if (url.origin !== base.origin || url.username !== '' || url.password !== '') throw foreignLink(backendName, base, url);
  url.hash = '';
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
    else url.searchParams.set(key, String(value));
  }
  return url;
}

function foreignLink(backendName: string, base: URL, url: URL): ProviderError {
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  const where = web ? url.origin : `a ${url.protocol} address`;
  let what: string;
  if (web && url.host === base.host && url.protocol === 'http:' && base.protocol === 'https:') {
    what = `a plain http link to its own address (${where}), which would carry the credential unencrypted`;
  } else if (url.origin === base.origin) {
    what = 'a link with a user name or password in it';
  } else {
    what = `a link to another address (${where})`;
  }
  return new ProviderError(
    'bad-response',
    `${backendName} sent ${what}. Keyfleet sends the connection’s credential only to ${base.origin}, so it did not follow the link. If ${backendName} sits behind a proxy, make the proxy pass on the address users reach it at.`,
  );
}
