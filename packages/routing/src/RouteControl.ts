/**
 * A stop's say over the rest of the route: insert a stop right after itself or at the end (both
 * explicit, unlike metrobus's push_stop), or end the route here.
 */
export class RouteControl {
  readonly #remaining: string[];
  #ended = false;

  constructor(remaining: readonly string[]) {
    this.#remaining = [...remaining];
  }

  /** The stops still to visit, next first. */
  get remaining(): readonly string[] {
    return this.#ended ? [] : this.#remaining;
  }

  get ended(): boolean {
    return this.#ended;
  }

  insertNext(stop: string): void {
    this.#remaining.unshift(stop);
  }

  insertLast(stop: string): void {
    this.#remaining.push(stop);
  }

  /** Nothing is forwarded: the message's journey ends at this stop (a normal outcome). */
  end(): void {
    this.#ended = true;
  }
}
