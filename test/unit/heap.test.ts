// The core keeps V8's young generation at its starting size (src-main/heap.ts): flags V8 no longer
// knows are ignored without a word, so this checks the effect, in this process's V8.
import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { keepHeapSmall } from '../../src-main/heap.ts';

const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.space_size;

describe("the core's heap", () => {
  it('keeps the young generation from growing while objects are made fast and some survive', () => {
    keepHeapSmall();
    let kept: Array<{ id: number; name: string; scopes: number[] }> = [];
    let largest = 0;
    for (let i = 0; i < 1_500_000; i++) {
      kept.push({ id: i, name: `key-${i}`, scopes: [i] });
      if (kept.length > 200_000) kept = kept.slice(100_000);
      if (i % 10_000 === 0) largest = Math.max(largest, newSpace());
    }
    expect(kept.length).toBeGreaterThan(0);
    // V8's default on this machine doubles it up to 128 MB (two 64 MB semi-spaces).
    expect(largest).toBeLessThan(48 * 1024 * 1024);
  });
});
