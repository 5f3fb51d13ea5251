import { describe, expect, it } from 'vitest';
import { ANSWER_LIMITS, shapeProblem, digestOf, textOf } from '../../src-main/http/answer.ts';

const deep = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown;

describe('the shape of an answer', () => {
  it('takes what real backends send', () => {
    expect(shapeProblem({ data: Array.from({ length: 1000 }, (_, i) => ({ id: `k${i}`, links: { self: 'x' } })), pagination: null }, ANSWER_LIMITS)).toBeUndefined();
    expect(shapeProblem(deep(64), ANSWER_LIMITS)).toBeUndefined();
    expect(shapeProblem(null, ANSWER_LIMITS)).toBeUndefined();
  });

  it('names the limit a list, an object, a nesting or a text goes past, without recursing', () => {
    expect(shapeProblem({ data: new Array(200_000).fill(0) }, ANSWER_LIMITS)).toBe('a list of 200,000 items, more than the 100,000 Keyfleet reads in one answer');
    expect(shapeProblem(Object.fromEntries(Array.from({ length: 100_001 }, (_, i) => [`k${i}`, i])), ANSWER_LIMITS)).toBe('a list of 100,001 items, more than the 100,000 Keyfleet reads in one answer');
    expect(shapeProblem(deep(65), ANSWER_LIMITS)).toBe('fields nested more than 64 levels deep, deeper than Keyfleet reads');
    expect(shapeProblem(deep(200_000), ANSWER_LIMITS)).toBe('fields nested more than 64 levels deep, deeper than Keyfleet reads');
    expect(shapeProblem([{ detail: 'x'.repeat(300_000) }], ANSWER_LIMITS)).toBe('a text of 300,000 characters, more than the 262,144 Keyfleet reads in one field');
  });
});

describe('an answer read in chunks', () => {
  const whole = Buffer.from(JSON.stringify({ name: 'clé de déploiement 🔑', note: 'Ünïcode'.repeat(50) }), 'utf8');
  /** The bytes cut at every position, so some cut falls inside every multi-byte character. */
  const everyCut = () => Array.from({ length: whole.length - 1 }, (_, at) => [whole.subarray(0, at + 1), whole.subarray(at + 1)]);

  it('decodes to the same text wherever the chunks split a character', () => {
    for (const chunks of everyCut()) expect(textOf(chunks)).toBe(whole.toString('utf8'));
    expect(textOf([whole.subarray(0, 3), whole.subarray(3, 9), whole.subarray(9)])).toBe(whole.toString('utf8'));
    // A malformed byte is replaced, as one buffer's decoding replaces it.
    const broken = Buffer.concat([whole.subarray(0, 10), Buffer.from([0xff]), whole.subarray(10)]);
    expect(textOf([broken.subarray(0, 11), broken.subarray(11)])).toBe(broken.toString('utf8'));
  });

  it('has the digest of its bytes, however they were split', () => {
    const digest = digestOf([whole]);
    for (const chunks of everyCut().slice(0, 40)) expect(digestOf(chunks)).toBe(digest);
    expect(digestOf([Buffer.concat([whole, Buffer.from(' ')])])).not.toBe(digest);
  });
});
