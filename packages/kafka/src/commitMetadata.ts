/**
 * What a partition's commit carries besides its offset: which offsets above the committed one have
 * already finished (keyed and unordered modes finish out of order) and how often the unfinished
 * ones above it have failed. The next owner of the partition reads it with the committed offset,
 * skips what finished and continues the attempt counts, so a stop or a crash redoes only what was
 * unfinished, and a poison message is dead-lettered after `maxAttempts` runs whatever the restarts.
 *
 * Format: `S1` (version), one letter for the body's layout, then the body in base64 (no padding):
 * - `r`: run lengths. varint n, then n pairs (offset delta, failed attempts) of the failing offsets
 *   in ascending order (the first delta from the base, each next from the previous offset), then
 *   alternating run lengths starting with an unfinished run: unfinished, finished, unfinished, ….
 * - `b`: bitset. The same failures, then varint window length w, then ⌈w/8⌉ bytes: bit i (byte
 *   i>>3, bit i&7, least significant first) set means offset base+i finished.
 * Varints are unsigned LEB128. Offsets are relative to the committed offset (the base), which is
 * not stored: it comes with the commit. Offsets past the encoded window count as unfinished.
 *
 * The broker refuses a commit whose metadata is longer than `offset.metadata.max.bytes` (4096 by
 * default). The encoder never exceeds the limit it is given: when the whole map does not fit it keeps
 * the failures and the lowest part of the window that fits and says so (`complete: false`). Any cut
 * is sound: an offset left out only runs again; nothing unfinished is ever marked finished.
 */

/** The broker's default `offset.metadata.max.bytes`. */
export const DEFAULT_METADATA_MAX_BYTES = 4096;

const VERSION = 'S1';
const RUNS = 'r';
const BITS = 'b';
const HEADER_CHARS = VERSION.length + 1;

/** Finished offsets as ascending, disjoint, non-adjacent `[from, to)` ranges. */
export type OffsetRanges = ReadonlyArray<readonly [number, number]>;

export interface PartitionProgress {
  /** Finished offsets above the base, as ranges; all at or above the base. */
  readonly finished: OffsetRanges;
  /** Failed attempts per unfinished offset at or above the base (counts ≥ 1). */
  readonly failures: ReadonlyMap<number, number>;
}

export interface EncodedProgress {
  /** The metadata string; null when there is nothing to record. */
  readonly metadata: string | null;
  /** False when the map did not fit and only a part of it was kept. */
  readonly complete: boolean;
}

/** Encodes `progress` relative to the committed offset `base`, in at most `maxChars` characters. */
export function encodeProgress(base: number, progress: PartitionProgress, maxChars: number): EncodedProgress {
  const finished = progress.finished.filter(([from, to]) => to > from && to > base);
  const failures = [...progress.failures]
    .filter(([offset, count]) => offset >= base && count > 0)
    .sort(([a], [b]) => a - b);
  if (finished.length === 0 && failures.length === 0) return { metadata: null, complete: true };
  // base64 without padding: every 3 bytes become 4 characters, a tail of 1 or 2 bytes 2 or 3.
  const budget = maxBytesFor(maxChars - HEADER_CHARS);
  if (budget <= 0) return { metadata: null, complete: false };

  let keptFailures = 0;
  let previous = base;
  const failureBytes = new ByteWriter();
  for (const [offset, count] of failures) {
    const entry = new ByteWriter();
    entry.varint(offset - previous);
    entry.varint(count);
    if (varintSize(keptFailures + 1) + failureBytes.length + entry.length > budget) break;
    failureBytes.append(entry);
    keptFailures += 1;
    previous = offset;
  }
  const prefix = new ByteWriter();
  prefix.varint(keptFailures);
  prefix.append(failureBytes);
  const room = budget - prefix.length;

  const runs = encodeRuns(base, finished, room);
  const bits = encodeBits(base, finished, room);
  // The whole window if either layout holds it (the shorter one), else the one that covers more.
  const chosen =
    runs.complete && bits.complete
      ? runs.bytes.length <= bits.bytes.length
        ? runs
        : bits
      : runs.complete
        ? runs
        : bits.complete
          ? bits
          : runs.covered >= bits.covered
            ? runs
            : bits;
  const body = Buffer.concat([prefix.bytes(), chosen.bytes]);
  const complete = chosen.complete && keptFailures === failures.length;
  if (keptFailures === 0 && chosen.covered === 0) return { metadata: null, complete };
  return { metadata: `${VERSION}${chosen.layout}${body.toString('base64').replace(/=+$/, '')}`, complete };
}

/**
 * Reads what `encodeProgress` wrote for the committed offset `base`. Undefined for no metadata, for
 * metadata of another format or version, and for anything malformed (the partition then starts from
 * the committed offset alone: duplicates, never loss).
 */
export function decodeProgress(
  base: number,
  metadata: string | null | undefined,
): PartitionProgress | undefined {
  if (metadata === null || metadata === undefined || !metadata.startsWith(VERSION)) return undefined;
  const layout = metadata[VERSION.length];
  const text = metadata.slice(HEADER_CHARS);
  if ((layout !== RUNS && layout !== BITS) || !/^[A-Za-z0-9+/]*$/.test(text)) return undefined;
  try {
    const reader = new ByteReader(Buffer.from(text, 'base64'));
    const failures = new Map<number, number>();
    let offset = base;
    for (let count = reader.varint(); count > 0; count -= 1) {
      offset += reader.varint();
      failures.set(offset, reader.varint());
    }
    const finished: Array<[number, number]> = [];
    const add = (from: number, to: number): void => {
      const last = finished[finished.length - 1];
      if (last !== undefined && last[1] === from) last[1] = to;
      else finished.push([from, to]);
    };
    if (layout === RUNS) {
      let at = base;
      for (let unfinished = true; !reader.done; unfinished = !unfinished) {
        const length = reader.varint();
        if (!unfinished && length > 0) add(at, at + length);
        at += length;
      }
    } else {
      const window = reader.varint();
      const bytes = reader.rest();
      if (bytes.length !== Math.ceil(window / 8)) return undefined;
      for (let index = 0; index < window; index += 1)
        if ((bytes[index >> 3]! >> (index & 7)) & 1) add(base + index, base + index + 1);
    }
    return { finished, failures };
  } catch {
    return undefined;
  }
}

interface Layout {
  readonly layout: string;
  readonly bytes: Buffer;
  /** Offsets from the base that the body describes. */
  readonly covered: number;
  readonly complete: boolean;
}

/** Alternating runs (unfinished first) up to the last finished offset, cut to `room` bytes. */
function encodeRuns(base: number, finished: OffsetRanges, room: number): Layout {
  const writer = new ByteWriter();
  let at = base;
  let covered = 0;
  for (const [rawFrom, to] of finished) {
    const from = Math.max(rawFrom, base);
    const pair = new ByteWriter();
    pair.varint(from - at);
    pair.varint(to - from);
    if (writer.length + pair.length > room)
      return { layout: RUNS, bytes: writer.bytes(), covered, complete: false };
    writer.append(pair);
    at = to;
    covered = to - base;
  }
  return { layout: RUNS, bytes: writer.bytes(), covered, complete: true };
}

/** One bit per offset of the window, cut to the bits that fit `room` bytes. */
function encodeBits(base: number, finished: OffsetRanges, room: number): Layout {
  const end = finished.length === 0 ? base : finished[finished.length - 1]![1];
  const full = end - base;
  let window = full;
  const bitBytes = (bits: number): number => varintSize(bits) + Math.ceil(bits / 8);
  if (bitBytes(window) > room) {
    window = Math.max(0, (room - varintSize(window)) * 8);
    while (window > 0 && bitBytes(window) > room) window -= 8;
    // End on a finished offset: trailing unfinished bits say nothing.
    window = lastFinishedBelow(base, finished, base + window) - base;
  }
  const bits = Buffer.alloc(Math.ceil(window / 8));
  for (const [rawFrom, to] of finished) {
    for (let offset = Math.max(rawFrom, base); offset < Math.min(to, base + window); offset += 1) {
      const index = offset - base;
      bits[index >> 3]! |= 1 << (index & 7);
    }
  }
  const writer = new ByteWriter();
  writer.varint(window);
  writer.appendBytes(bits);
  return { layout: BITS, bytes: writer.bytes(), covered: window, complete: window === full };
}

/** One past the highest finished offset below `limit` (the base if none). */
function lastFinishedBelow(base: number, finished: OffsetRanges, limit: number): number {
  let best = base;
  for (const [from, to] of finished) {
    if (from >= limit) break;
    best = Math.min(to, limit);
  }
  return best;
}

/** The most bytes whose unpadded base64 fits in `chars` characters. */
function maxBytesFor(chars: number): number {
  if (chars <= 0) return 0;
  const whole = Math.floor(chars / 4) * 3;
  const tail = chars % 4;
  return whole + (tail === 3 ? 2 : tail === 2 ? 1 : 0);
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) size += 1;
  return size;
}

class ByteWriter {
  readonly #bytes: number[] = [];
  readonly #chunks: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Unsigned LEB128; exact for every safe integer (no 32-bit bit operations). */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
    let rest = value;
    while (rest >= 128) {
      this.#push((rest % 128) | 128);
      rest = Math.floor(rest / 128);
    }
    this.#push(rest);
  }

  append(other: ByteWriter): void {
    this.appendBytes(other.bytes());
  }

  appendBytes(bytes: Buffer): void {
    this.#flush();
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }

  bytes(): Buffer {
    this.#flush();
    return Buffer.concat(this.#chunks);
  }

  #push(byte: number): void {
    this.#bytes.push(byte);
    this.#length += 1;
  }

  #flush(): void {
    if (this.#bytes.length === 0) return;
    this.#chunks.push(Buffer.from(this.#bytes));
    this.#bytes.length = 0;
  }
}

class ByteReader {
  #at = 0;

  constructor(private readonly buffer: Buffer) {}

  get done(): boolean {
    return this.#at >= this.buffer.length;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.#at >= this.buffer.length) throw new RangeError('truncated varint');
      const byte = this.buffer[this.#at++]!;
      value += (byte & 127) * scale;
      if (!Number.isSafeInteger(value)) throw new RangeError('varint too large');
      if (byte < 128) return value;
      scale *= 128;
    }
  }

  rest(): Buffer {
    const rest = this.buffer.subarray(this.#at);
    this.#at = this.buffer.length;
    return rest;
  }
}
