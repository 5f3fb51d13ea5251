// The core's typed event bus: services emit, transports (IPC, SSE) forward to the renderer.
import type { EventName, Events } from '../src-preload/contract.ts';

type Listener<E extends EventName> = (payload: Events[E]) => void;

export class CoreEvents {
  #listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch {
        // One broken subscriber must not stop the others or the service that emitted.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
