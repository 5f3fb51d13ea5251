// Known secrets, and text made safe to keep. Every credential Keyfleet sends and every secret a
// backend issues is remembered here for as long as the app runs, and cut out of any text before
// that text reaches a message, the log, the journal, SQLite or the renderer. What is remembered is
// a pair of keyed rolling hashes (Rabin–Karp) of each secret, never the secret: a secret wiped
// from its reveal slot or its dialog is not kept alive here.
import { randomInt } from 'node:crypto';
import { LIMITS } from './limits.ts';

/** Shorter values are not secrets worth the name, and would cut ordinary words out of messages. */
const MIN_SECRET_CHARS = 8;
/** Primes below 2^26: every product the rolling hash makes stays exact in a double. */
const P1 = 67_108_859;
const P2 = 67_108_837;
/** Random per process, so a backend cannot craft text that collides on purpose. */
const B1 = randomInt(65_537, P1 - 1);
const B2 = randomInt(65_537, P2 - 1);
const MARK = '[redacted]';

interface Bucket {
  /** Fingerprints of the secrets of this length. */
  prints: Set<number>;
  /** B^(length-1) mod P, to roll the oldest character out of the window. */
  drop1: number;
  drop2: number;
}

const buckets = new Map<number, Bucket>();
let longest = 0;

const power = (base: number, exponent: number, prime: number) => {
  let result = 1;
  for (let i = 0; i < exponent; i++) result = (result * base) % prime;
  return result;
};

function fingerprint(text: string, from: number, length: number): number {
  let h1 = 0;
  let h2 = 0;
  for (let i = from; i < from + length; i++) {
    const c = text.charCodeAt(i);
    h1 = (h1 * B1 + c) % P1;
    h2 = (h2 * B2 + c) % P2;
  }
  return h1 * P2 + h2;
}

/** Remembers a secret, in the forms it travels in: as is, URL-encoded and JSON-escaped. */
export function rememberSecret(value: string): void {
  const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), value.replaceAll('/', '\\/')]);
  for (const form of forms) {
    if (form.length < MIN_SECRET_CHARS) continue;
    let bucket = buckets.get(form.length);
    if (!bucket) {
      bucket = { prints: new Set(), drop1: power(B1, form.length - 1, P1), drop2: power(B2, form.length - 1, P2) };
      buckets.set(form.length, bucket);
      longest = Math.max(longest, form.length);
    }
    bucket.prints.add(fingerprint(form, 0, form.length));
  }
}

/**
 * Remembers the credential inside an Authorization header in every form it is sent: the whole
 * value, a Bearer token, and a Basic credential's base64 and its decoded secret part.
 */
export function rememberAuthorization(header: string): void {
  rememberSecret(header);
  const [scheme, credential] = header.trim().split(/\s+/, 2) as [string, string | undefined];
  if (!credential) return;
  rememberSecret(credential);
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    rememberSecret(decoded);
    const colon = decoded.indexOf(':');
    if (colon >= 0) rememberSecret(decoded.slice(colon + 1));
  }
}

/** Where remembered secrets sit in `text`: [start, end) ranges, in any order. */
function findSecrets(text: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const [length, { prints, drop1, drop2 }] of buckets) {
    if (length > text.length) continue;
    let h1 = 0;
    let h2 = 0;
    for (let i = 0; i < text.length; i++) {
      if (i >= length) {
        const out = text.charCodeAt(i - length);
        h1 = (h1 - ((out * drop1) % P1) + P1) % P1;
        h2 = (h2 - ((out * drop2) % P2) + P2) % P2;
      }
      const c = text.charCodeAt(i);
      h1 = (h1 * B1 + c) % P1;
      h2 = (h2 * B2 + c) % P2;
      if (i >= length - 1 && prints.has(h1 * P2 + h2)) found.push([i - length + 1, i + 1]);
    }
  }
  return found;
}

/**
 * Credentials that were never remembered (a header a gateway echoes before Keyfleet knew the
 * secret) still have a recognisable shape: the value of an Authorization or API-key field, and a
 * Basic or Bearer credential (a token with a digit or a symbol in it, so that prose stays prose).
 */
const SHAPES: Array<[RegExp, string]> = [
  [/\b(authorization|proxy-authorization|x-api-key|x-auth-token|api[_-]?key)(["']?\s*[:=]\s*["']?)((?:Basic|Bearer|Token)\s+)?[^\s"',;}]+/gi, `$1$2$3${MARK}`],
  [/\b(Basic|Bearer)(\s+)(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/g, `$1$2${MARK}`],
];

/** `text` with every remembered secret, and every credential-shaped value, replaced by a mark. */
export function redact(text: string): string {
  let out = text;
  const found = findSecrets(out);
  if (found.length > 0) {
    found.sort((a, b) => a[0] - b[0]);
    const parts: string[] = [];
    let at = 0;
    for (const [start, end] of found) {
      if (end <= at) continue;
      if (start > at) parts.push(out.slice(at, start));
      if (start >= at) parts.push(MARK);
      at = end;
    }
    parts.push(out.slice(at));
    out = parts.join('');
  }
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out;
}

// C0 and C1 controls but tab and line breaks: nothing a person needs to read, and terminal
// escapes in a log viewer.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Backend text made fit to keep or show: secrets redacted, control characters dropped, at most
 * `maxChars` long. Redaction runs before the cut, over enough text that no secret straddling the
 * cut leaves its first characters behind.
 */
export function cleanText(text: string, maxChars: number = LIMITS.messageChars): string {
  const reach = maxChars + longest + 64;
  let out = redact((text.length > reach ? text.slice(0, reach) : text).replace(CONTROLS, ''));
  if (out.length > maxChars) {
    out = out.slice(0, maxChars - 1);
    // Never end on half of a surrogate pair.
    if (/[\uD800-\uDBFF]$/.test(out)) out = out.slice(0, -1);
    out += '…';
  }
  return out;
}

/**
 * An error body made safe before an adapter reads it: every text in it cleaned (in place for
 * objects and arrays, iteratively). An adapter that shortens a backend's sentence then cuts
 * "[redacted]", never a secret's first characters.
 */
export function cleanBody(body: unknown, maxChars: number): unknown {
  if (typeof body === 'string') return cleanText(body, maxChars);
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (typeof child === 'string') record[key] = cleanText(child, maxChars);
      else if (typeof child === 'object' && child !== null) pending.push(child);
    }
  }
  return body;
}
