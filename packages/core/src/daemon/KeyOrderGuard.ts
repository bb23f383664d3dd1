interface KeyState {
  /** Messages of the key the daemon holds (running or waiting behind each other). */
  held: number;
  /** Sequence number of the newest held message of the key. */
  newest: number;
  /** Held messages up to this sequence number are released unrun (0: none). */
  releaseThrough: number;
}

/**
 * Keeps a key's order across retries. When a message of a key is nacked, the messages of that key
 * the daemon already holds would overtake its redelivery; they are released unrun instead, so the
 * transport delivers them again after it. Messages received later (the redeliveries) run.
 */
export class KeyOrderGuard {
  readonly #keys = new Map<string, KeyState>();
  #sequence = 0;

  /** A message of `key` is now held; returns its sequence number. */
  hold(key: string): number {
    const sequence = ++this.#sequence;
    const state = this.#keys.get(key);
    if (state === undefined) this.#keys.set(key, { held: 1, newest: sequence, releaseThrough: 0 });
    else {
      state.held += 1;
      state.newest = sequence;
    }
    return sequence;
  }

  /** Whether the message must be released unrun: an earlier message of its key was nacked. */
  mustRelease(key: string, sequence: number): boolean {
    return sequence <= (this.#keys.get(key)?.releaseThrough ?? 0);
  }

  /** A message of `key` was nacked: every message of the key held so far is released. */
  nacked(key: string): void {
    const state = this.#keys.get(key);
    if (state !== undefined) state.releaseThrough = state.newest;
  }

  /** A held message of `key` is done; when none is left the key starts afresh. */
  done(key: string): void {
    const state = this.#keys.get(key);
    if (state === undefined) return;
    state.held -= 1;
    if (state.held <= 0) this.#keys.delete(key);
  }
}
