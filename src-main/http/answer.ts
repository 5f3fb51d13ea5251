// Reading a backend's answer without trusting its sizes: the body up to a byte cap (a claimed
// length past it is refused unread), JSON parsed, then one iterative walk that refuses nesting,
// lists and texts past Keyfleet's limits — before any adapter, schema or JSON.stringify recurses
// into it or spreads one of its lists into a call.
import { createHash } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';
import { ProviderError } from '../errors.ts';
import { formatCount, LIMITS } from '../limits.ts';
import { formatBytes } from './messages.ts';

export type Parsed = { kind: 'ok'; value: unknown } | { kind: 'invalid'; reason: string };

/**
 * The body's bytes as they arrived, in chunks (never copied into one buffer: an unchanged page of
 * a re-sync is only hashed, and a page to parse is decoded chunk by chunk); refused (and the socket
 * dropped) once they grow past `maxBytes`.
 */
export async function readBytes(res: Dispatcher.ResponseData, headers: Record<string, string>, maxBytes: number, backend: string): Promise<Buffer[]> {
  const claimed = Number(headers['content-length'] ?? NaN);
  if (Number.isFinite(claimed) && claimed > maxBytes) {
    res.body.destroy();
    throw tooLarge(backend, claimed, maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.body.destroy();
      throw tooLarge(backend, size, maxBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return chunks;
}

/** What tells two answers apart: the SHA-256 of their bytes (a sync's unchanged pages, page-memo.ts). */
export function digestOf(chunks: readonly Buffer[]): string {
  const digest = createHash('sha256');
  for (const chunk of chunks) digest.update(chunk);
  return digest.digest('base64');
}

/** The body as text (UTF-8; a character split between two chunks is joined, a malformed one replaced). */
export function textOf(chunks: readonly Buffer[]): string {
  if (chunks.length === 1) return chunks[0]!.toString('utf8');
  const decoder = new StringDecoder('utf8');
  let text = '';
  for (const chunk of chunks) text += decoder.write(chunk);
  return text + decoder.end();
}

function tooLarge(backend: string, size: number, cap: number): ProviderError {
  return new ProviderError('bad-response', `${backend} sent an answer larger than Keyfleet accepts (${formatBytes(size)} > ${formatBytes(cap)}); it was not read.`);
}

export function parseBody(text: string, contentType: string | undefined): Parsed {
  if (text.trim() === '') return { kind: 'ok', value: null };
  try {
    return { kind: 'ok', value: JSON.parse(text) };
  } catch {
    const isJson = !contentType || /json/i.test(contentType);
    return { kind: 'invalid', reason: isJson ? 'malformed JSON' : `not JSON but ${contentType.split(';')[0]}` };
  }
}

export interface ShapeLimits {
  depth: number;
  items: number;
  textChars: number;
}

export const ANSWER_LIMITS: ShapeLimits = { depth: LIMITS.depth, items: LIMITS.itemsPerAnswer, textChars: LIMITS.textChars };

/**
 * What in `value` goes past `limits`, as the end of a sentence ("a list of 200,000 items, more than
 * the 100,000 …"), or undefined. Iterative: a value nested 200,000 deep is measured, not recursed.
 */
export function shapeProblem(value: unknown, limits: ShapeLimits): string | undefined {
  const tooLong = (text: string) => `a text of ${formatCount(text.length)} characters, more than the ${formatCount(limits.textChars)} Keyfleet reads in one field`;
  const tooMany = (count: number) => `a list of ${formatCount(count)} items, more than the ${formatCount(limits.items)} Keyfleet reads in one answer`;
  if (typeof value === 'string') return value.length > limits.textChars ? tooLong(value) : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  // Objects and arrays still to look into, each with its depth; texts are checked where they sit.
  const pending: object[] = [value];
  const depths: number[] = [1];
  let problem: string | undefined;
  const visit = (child: unknown, depth: number): boolean => {
    if (typeof child === 'object' && child !== null) {
      pending.push(child);
      depths.push(depth + 1);
    } else if (typeof child === 'string' && child.length > limits.textChars) {
      problem = tooLong(child);
      return false;
    }
    return true;
  };
  while (pending.length > 0) {
    const current = pending.pop()!;
    const depth = depths.pop()!;
    if (depth > limits.depth) return `fields nested more than ${formatCount(limits.depth)} levels deep, deeper than Keyfleet reads`;
    if (Array.isArray(current)) {
      if (current.length > limits.items) return tooMany(current.length);
      for (let i = 0; i < current.length; i++) if (!visit(current[i], depth)) return problem;
    } else {
      let count = 0;
      for (const key in current) {
        if (++count > limits.items) return tooMany(Object.keys(current).length);
        if (!visit((current as Record<string, unknown>)[key], depth)) return problem;
      }
    }
  }
  return undefined;
}
