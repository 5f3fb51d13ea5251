// One-time reveal (ARCHITECTURE.md rules 5 and 9). A new secret waits in an in-memory slot until
// the renderer reads it once; a second read fails; an unread slot is wiped after its window.
// Until the user has seen it, the secret is also held in the OS keychain under its operation id,
// so a crash, a quit or a missed window never loses it: it can be shown again, once.
import { randomUUID } from 'node:crypto';
import type { PendingRevealView, RevealView } from '../../src-preload/contract.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { rememberSecret } from '../redact.ts';
import type { IssuedSecret } from '../model.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { Store } from '../store/index.ts';

export const DEFAULT_REVEAL_TTL_MS = 10 * 60 * 1000;
export const AWAITING_REVEAL = 'awaiting-reveal';
export const REVEALED = 'revealed';
const LEGACY_UNRELEASED = 'revealed-not-released';
const UNRELEASED_SETTING = 'reveal.unreleased';

export const heldSecretAccount = (operationId: string) => `operation:${operationId}`;

/** Slots only: the secret lives in memory until read once or until the window passes. */
export function createRevealSlots(options: { ttlMs?: number } = {}) {
  const ttlMs = options.ttlMs ?? DEFAULT_REVEAL_TTL_MS;
  const slots = new Map<string, { secret: IssuedSecret; operationId: string | null; timer: NodeJS.Timeout }>();

  function drop(slotId: string): boolean {
    const slot = slots.get(slotId);
    if (!slot) return false;
    clearTimeout(slot.timer);
    slots.delete(slotId);
    return true;
  }

  return {
    put(secret: IssuedSecret, operationId: string | null = null): string {
      // A backend that later quotes this secret in an error gets it redacted.
      for (const field of secret.fields) if (field.secret) rememberSecret(field.value);
      const slotId = randomUUID();
      const timer = setTimeout(() => drop(slotId), ttlMs);
      timer.unref();
      slots.set(slotId, { secret, operationId, timer });
      return slotId;
    },

    take(slotId: string): { view: RevealView; operationId: string | null } {
      const slot = slots.get(slotId);
      if (!slot) {
        throw new AppError(
          'not-found',
          'This secret can no longer be shown here: it was already revealed once, or its 10-minute window passed (an unseen secret can be opened again from “Unseen secrets”).',
        );
      }
      drop(slotId);
      const view: RevealView = { slotId, ...slot.secret, fields: slot.secret.fields.map((f) => ({ ...f })), clearsAt: Date.now() + ttlMs };
      return { view, operationId: slot.operationId };
    },

    operationOf(slotId: string): string | null {
      return slots.get(slotId)?.operationId ?? null;
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

/**
 * Slots plus custody in the keychain, tied to the operations journal. The keychain keeps a new
 * secret until the user is done with it: closing the reveal after copying (or choosing to close
 * without copying) releases it; a lock, or the window's time running out before it was copied,
 * returns it to "unseen" so it can be shown again, once.
 */
export function createRevealService(deps: { slots: RevealSlots; secrets: SecretStore; store: Store; log: Logger; now: () => number }) {
  const { slots, secrets, store, log, now } = deps;
  /** Taken slots whose secret may still be on screen, by slot id → operation id. */
  const showing = new Map<string, string>();

  // Operations whose held secret was seen (or is on screen) but is not yet released from the
  // keychain; persisted (ids only) so the next start releases what a closed app left behind.
  // The list is shared with other cores on the data dir: read and written under one write lock.
  const unreleased = () => new Set(store.settings.get<string[]>(UNRELEASED_SETTING, []));
  const markUnreleased = (operationId: string, on: boolean) =>
    store.transaction(() => {
      const set = unreleased();
      if (on) set.add(operationId);
      else set.delete(operationId);
      store.settings.set(UNRELEASED_SETTING, [...set]);
    });

  async function forgetHeld(operationId: string): Promise<void> {
    try {
      await secrets.delete(heldSecretAccount(operationId));
      markUnreleased(operationId, false);
    } catch (error) {
      // Still only in the keychain, and already seen; the next start tries again.
      markUnreleased(operationId, true);
      log.error('reveal.release-failed', error, { operationId });
    }
  }

  function backToUnseen(operationId: string): void {
    markUnreleased(operationId, false);
    if (store.journal.get(operationId)?.step === REVEALED) store.journal.setStep(operationId, AWAITING_REVEAL, now());
  }

  return {
    /** A new secret from the backend: held in the keychain first, then offered in a slot. */
    async issue(operationId: string, secret: IssuedSecret): Promise<string> {
      try {
        await secrets.set(heldSecretAccount(operationId), JSON.stringify(secret));
        store.journal.setStep(operationId, AWAITING_REVEAL, now());
      } catch (error) {
        // The keychain refused: the secret stays in memory only, for this one window.
        log.error('reveal.hold-failed', error, { operationId });
      }
      return slots.put(secret, operationId);
    },

    take(slotId: string): RevealView {
      const { view, operationId } = slots.take(slotId);
      if (operationId) {
        // Shown here: another core starting now must not release it while it is on this screen.
        store.journal.adopt(operationId);
        store.journal.setStep(operationId, REVEALED, now());
        showing.set(slotId, operationId);
        markUnreleased(operationId, true);
      }
      return view;
    },

    /** The secret left the screen: `seen` releases it; otherwise it waits, unseen, to be shown again. */
    async done(slotId: string, seen: boolean): Promise<boolean> {
      const operationId = showing.get(slotId);
      if (!operationId) return false;
      showing.delete(slotId);
      if (seen) await forgetHeld(operationId);
      else backToUnseen(operationId);
      return seen;
    },

    /** On lock: whatever was on screen goes back to "unseen". */
    returnShowing(): void {
      for (const operationId of showing.values()) backToUnseen(operationId);
      showing.clear();
    },

    async discard(slotId: string): Promise<boolean> {
      const operationId = slots.operationOf(slotId);
      const dropped = slots.discard(slotId);
      if (operationId) {
        await forgetHeld(operationId);
        store.journal.setStep(operationId, 'discarded', now());
      }
      return dropped;
    },

    /** Secrets issued but never seen (a crash, a quit, a missed window, a lock). */
    pending(): PendingRevealView[] {
      return store.journal.withStep(AWAITING_REVEAL).map((op) => {
        // The key the secret belongs to: a rotation's new key, or the key created.
        const keyId = typeof op.input.newKeyId === 'string' ? op.input.newKeyId : op.keyId;
        const cached = keyId ? store.inventory.getKey(op.connectionId, keyId) : undefined;
        const asked = [op.input.oldKeyName, op.input.name].find((name): name is string => typeof name === 'string' && name !== '');
        return {
          operationId: op.id,
          connectionId: op.connectionId,
          keyId,
          keyName: cached ? (cached.localLabel ?? (cached.name || cached.id)) : (asked ?? keyId),
          kind: op.kind,
          at: op.updatedAt,
        };
      });
    },

    /** Offers a held secret again, once. */
    async reopen(operationId: string): Promise<string> {
      const op = store.journal.get(operationId);
      if (!op || op.step !== AWAITING_REVEAL) throw new AppError('not-found', 'There is no unseen secret for this operation.');
      const held = await secrets.get(heldSecretAccount(operationId));
      if (!held) {
        store.journal.setStep(operationId, 'lost', now());
        throw new AppError('not-found', 'The unseen secret is no longer in the OS keychain; create or rotate the key again.');
      }
      return slots.put(JSON.parse(held) as IssuedSecret, operationId);
    },

    /** At start: release what the previous run left on screen, or failed to release. */
    async sweep(): Promise<void> {
      // Steps written by earlier versions for a failed release.
      for (const op of store.journal.withStep(LEGACY_UNRELEASED)) {
        store.journal.setStep(op.id, REVEALED, now());
        markUnreleased(op.id, true);
      }
      for (const operationId of unreleased()) {
        const op = store.journal.get(operationId);
        // On the screen of another core that runs (the desktop app, while a command line starts).
        if (op && !store.journal.claim(op)) continue;
        if (op?.step === AWAITING_REVEAL) markUnreleased(operationId, false);
        else await forgetHeld(operationId);
      }
    },

    /** Drops a held secret nobody can use any more (its half-made key was deleted by a rollback). */
    forget: (operationId: string) => forgetHeld(operationId),

    wipeAll: () => slots.wipeAll(),
  };
}

export type RevealService = ReturnType<typeof createRevealService>;
