// Turns handed out by priority (concurrency.ts createTurns): what lets the earliest sync of a
// "Sync all" finish first, so its swap overlaps the others' work.
import { describe, expect, it } from 'vitest';
import { createTurns } from '../../src-main/concurrency.ts';

describe('turns by priority', () => {
  it('serves the lowest priority first, equal ones in the order asked, one per turn of the event loop', async () => {
    const turns = createTurns();
    const order: string[] = [];
    // Turns of the event loop, counted by an immediate that queues itself again each turn.
    let loops = 0;
    let counting = true;
    const count = () => {
      loops++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const at: number[] = [];
    const job = async (name: string, priority: number, pieces: number) => {
      for (let i = 0; i < pieces; i++) {
        await turns.turn(priority);
        order.push(`${name}${i}`);
        at.push(loops);
      }
    };
    await Promise.all([job('late', 2, 2), job('early', 1, 3), job('same', 1, 1)]);
    counting = false;
    expect(order).toEqual(['early0', 'same0', 'early1', 'early2', 'late0', 'late1']);
    // Each piece on a turn of its own, not several in one (a microtask queue would run them all at once).
    expect(new Set(at).size).toBe(at.length);
  });

  it('lets a later job run while the earlier one waits for something else', async () => {
    const turns = createTurns();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const early = (async () => {
      await turns.turn(1);
      order.push('early: first page');
      await gate; // its next page is still on the network
      await turns.turn(1);
      order.push('early: second page');
    })();
    const late = (async () => {
      for (let i = 0; i < 2; i++) {
        await turns.turn(2);
        order.push(`late ${i}`);
      }
      release();
    })();
    await Promise.all([early, late]);
    expect(order).toEqual(['early: first page', 'late 0', 'late 1', 'early: second page']);
  });
});
