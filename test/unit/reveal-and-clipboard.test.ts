import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src-main/errors.ts';
import { createMemoryClipboard, createSecretClipboard } from '../../src-main/services/clipboard.ts';
import { createRevealSlots } from '../../src-main/services/reveal.ts';

const secret = {
  title: 'Account API key',
  fields: [
    { label: 'Access key', value: 'AK', secret: false },
    { label: 'Secret key', value: 'the-secret', secret: true },
  ],
  note: 'once',
};

describe('reveal slots', () => {
  it('hands out a secret exactly once', () => {
    const slots = createRevealSlots();
    const id = slots.put(secret);
    expect(slots.take(id).view.fields[1]!.value).toBe('the-secret');
    expect(() => slots.take(id)).toThrow(AppError);
    expect(() => slots.take(id)).toThrow(/already revealed once/);
    expect(slots.size).toBe(0);
  });

  it('wipes an unread slot when its time is up', () => {
    vi.useFakeTimers();
    try {
      const slots = createRevealSlots({ ttlMs: 1000 });
      const id = slots.put(secret);
      vi.advanceTimersByTime(999);
      expect(slots.size).toBe(1);
      vi.advanceTimersByTime(2);
      expect(slots.size).toBe(0);
      expect(() => slots.take(id)).toThrow(/window passed/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('can be discarded unread', () => {
    const slots = createRevealSlots();
    const id = slots.put(secret);
    expect(slots.discard(id)).toBe(true);
    expect(slots.discard(id)).toBe(false);
  });
});

describe('secret clipboard', () => {
  it('clears the clipboard after the delay when it still holds our secret', async () => {
    vi.useFakeTimers();
    try {
      const port = createMemoryClipboard();
      const cleared: number[] = [];
      const clipboard = createSecretClipboard({ port, clearAfterMs: 30_000, now: () => 5, onCleared: (at) => cleared.push(at) });
      expect(await clipboard.writeSecret('s3cret')).toEqual({ clearsAt: 30_005 });
      expect(await port.readText()).toBe('s3cret');
      await vi.advanceTimersByTimeAsync(30_001);
      expect(await port.readText()).toBe('');
      expect(cleared).toEqual([5]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    vi.useFakeTimers();
    try {
      const port = createMemoryClipboard();
      const cleared: number[] = [];
      const clipboard = createSecretClipboard({ port, clearAfterMs: 1000, now: () => 1, onCleared: (at) => cleared.push(at) });
      await clipboard.writeSecret('s3cret');
      await port.writeText('a recipe');
      await vi.advanceTimersByTimeAsync(1001);
      expect(await port.readText()).toBe('a recipe');
      expect(cleared).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
