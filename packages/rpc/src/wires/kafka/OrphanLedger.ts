/**
 * Which reply groups have had no member for long enough to count as gone. A sweep reports the
 * groups it saw without members; a group that had members, could not be read or vanished in one
 * sweep starts from zero at the next. So a group is due only once every sweep over at least
 * `graceMs` saw it memberless: a client still starting (its topic created, its consumer joining)
 * or one whose consumer is rejoining shows a member again within seconds and is never due.
 * Times are this process's monotonic clock: no clock of another machine is trusted.
 */
export class OrphanLedger {
  /** Group → when the sweeps began to see it without members (without a break since). */
  readonly #memberlessSince = new Map<string, number>();

  constructor(private readonly graceMs: number) {}

  /** Records one sweep at `now`; returns the groups memberless at every sweep for `graceMs` or more. */
  observe(now: number, memberless: ReadonlySet<string>): string[] {
    for (const group of this.#memberlessSince.keys())
      if (!memberless.has(group)) this.#memberlessSince.delete(group);
    const due: string[] = [];
    for (const group of memberless) {
      const since = this.#memberlessSince.get(group);
      if (since === undefined) this.#memberlessSince.set(group, now);
      else if (now - since >= this.graceMs) due.push(group);
    }
    return due;
  }

  /** How long `group` has been seen memberless, as of `now` (0 when it is not tracked). */
  memberlessFor(group: string, now: number): number {
    const since = this.#memberlessSince.get(group);
    return since === undefined ? 0 : now - since;
  }

  /** A group removed, or found with a member after all: tracked again only if seen memberless again. */
  forget(group: string): void {
    this.#memberlessSince.delete(group);
  }

  /** A removal that failed: due again after another grace, so it is retried (and logged) once per grace. */
  postpone(group: string, now: number): void {
    this.#memberlessSince.set(group, now);
  }
}
