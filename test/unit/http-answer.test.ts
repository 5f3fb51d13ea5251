import { describe, expect, it } from 'vitest';
import { ANSWER_LIMITS, shapeProblem } from '../../src-main/http/answer.ts';

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
