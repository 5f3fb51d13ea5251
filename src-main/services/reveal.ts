// One-time reveal slots (ARCHITECTURE.md rule 5): a new secret waits here, in memory only, until
// the renderer reads it once. A second read fails; an unread slot is wiped when it expires.
import { randomUUID } from 'node:crypto';
import type { RevealView } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { IssuedSecret } from '../model.ts';

export const DEFAULT_REVEAL_TTL_MS = 10 * 60 * 1000;

export function createRevealSlots(options: { ttlMs?: number } = {}) {
  const ttlMs = options.ttlMs ?? DEFAULT_REVEAL_TTL_MS;
  const slots = new Map<string, { secret: IssuedSecret; timer: NodeJS.Timeout }>();

  function drop(slotId: string): boolean {
    const slot = slots.get(slotId);
    if (!slot) return false;
    clearTimeout(slot.timer);
    slots.delete(slotId);
    return true;
  }

  return {
    put(secret: IssuedSecret): string {
      const slotId = randomUUID();
      const timer = setTimeout(() => drop(slotId), ttlMs);
      timer.unref();
      slots.set(slotId, { secret, timer });
      return slotId;
    },

    take(slotId: string): RevealView {
      const slot = slots.get(slotId);
      if (!slot) {
        throw new AppError(
          'not-found',
          'This secret can no longer be shown: it was already revealed once, or its 10-minute window passed. Keyfleet does not keep it.',
        );
      }
      drop(slotId);
      return { slotId, ...slot.secret, fields: slot.secret.fields.map((f) => ({ ...f })) };
    },

    discard: drop,

    get size(): number {
      return slots.size;
    },

    wipeAll(): void {
      for (const id of [...slots.keys()]) drop(id);
    },
  };
}

export type RevealSlots = ReturnType<typeof createRevealSlots>;
