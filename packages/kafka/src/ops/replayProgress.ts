import {
  decodeProgress,
  DEFAULT_METADATA_MAX_BYTES,
  encodeProgress,
  type OffsetRanges,
} from '../commitMetadata.js';
import { kafkaFailure, type OpsKafka } from './opsKafka.js';

/** The replay group's default id (it follows the `service.group` convention). */
export const DEFAULT_REPLAY_GROUP = 'switchyard.dlq-replay';

/**
 * What a dead-letter topic's replay group records per partition. A topic cannot delete a record,
 * so "removed from the dead-letter topic" means: below the group's committed offset, or recorded as
 * finished in its commit metadata (the transport's own format, commitMetadata.ts), which holds the
 * replayed offsets above the first one not replayed (a filtered replay leaves gaps). Only what the
 * brokers acknowledged is ever recorded.
 */
export class PartitionProgress {
  #finished: Array<[number, number]>;

  constructor(
    readonly partition: number,
    /** The first offset not replayed (the committed offset, or the partition's start). */
    public base: number,
    finished: OffsetRanges,
  ) {
    this.#finished = finished.map(([from, to]) => [from, to]);
  }

  replayed(offset: number): boolean {
    return offset < this.base || this.#finished.some(([from, to]) => offset >= from && offset < to);
  }

  /** Replayed offsets at or above `base` and below `end`. */
  replayedAbove(end: number): number {
    return this.#finished.reduce(
      (sum, [from, to]) => sum + Math.max(0, Math.min(to, end) - Math.max(from, this.base)),
      0,
    );
  }

  /** Whether the commit can still record `offset` as replayed (the metadata has a size limit). */
  fits(offset: number): boolean {
    return this.#encode(this.#with(offset)).complete;
  }

  markReplayed(offset: number): void {
    this.#finished = this.#with(offset);
    while (this.#finished[0] !== undefined && this.#finished[0][0] <= this.base) {
      this.base = Math.max(this.base, this.#finished[0][1]);
      this.#finished.shift();
    }
  }

  /** The commit that records this progress. */
  commit(): { offset: string; metadata: string | null } {
    return { offset: String(this.base), metadata: this.#encode(this.#finished).metadata };
  }

  #with(offset: number): Array<[number, number]> {
    const ranges = [
      ...this.#finished.map(([from, to]): [number, number] => [from, to]),
      [offset, offset + 1] as [number, number],
    ];
    ranges.sort(([a], [b]) => a - b);
    const merged: Array<[number, number]> = [];
    for (const [from, to] of ranges) {
      const last = merged[merged.length - 1];
      if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    return merged;
  }

  #encode(finished: OffsetRanges): { metadata: string | null; complete: boolean } {
    return encodeProgress(this.base, { finished, failures: new Map() }, DEFAULT_METADATA_MAX_BYTES);
  }
}

/** The replay group's progress on `topic`, per partition (a partition it never committed starts at `low`). */
export async function readReplayProgress(
  ops: OpsKafka,
  groupId: string,
  topic: string,
  offsets: ReadonlyMap<number, { low: number; high: number }>,
): Promise<Map<number, PartitionProgress>> {
  const committed = new Map<number, { offset: number; metadata: string | null }>();
  try {
    for (const entry of await ops.admin.fetchOffsets({ groupId, topics: [topic] }))
      for (const { partition, offset, metadata } of entry.partitions)
        committed.set(partition, { offset: Number(offset), metadata });
  } catch (error) {
    throw kafkaFailure(error, ops.brokers);
  }
  const progress = new Map<number, PartitionProgress>();
  for (const [partition, { low }] of offsets) {
    const found = committed.get(partition);
    const base = found === undefined || found.offset < 0 ? low : Math.max(found.offset, low);
    const decoded =
      found === undefined || found.offset < 0 ? undefined : decodeProgress(found.offset, found.metadata);
    progress.set(partition, new PartitionProgress(partition, base, decoded?.finished ?? []));
  }
  return progress;
}
