import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';

/** The stream behind a KV bucket (the `nats kv` tools read it as a bucket). */
export const bucketStream = (bucket: string): string => `KV_${bucket}`;

/** What the ledger holds for one message of one consumer. */
interface Entry {
  /** `created` of the consumer that wrote it: an entry of a deleted and recreated consumer is stale. */
  readonly consumer: string;
  /** Runs that ended in a nack (a failure, a handler's Nack, a shutdown abort). */
  readonly runs: number;
  /** Deliveries handed back unrun (`release`, and what the client had fetched at close). */
  readonly released: number;
}

/** The entry as a delivery found it, and its revision (the stream sequence; 0 when there is none). */
export interface Known {
  readonly runs: number;
  readonly released: number;
  readonly revision: number;
}

/** A first delivery: nothing to read, nothing known (the no-op path never touches the ledger). */
export const FIRST: Known = { runs: 0, released: 0, revision: 0 };

// Tries of a compare-and-set write when another process wrote the same entry in between.
const WRITE_TRIES = 5;

/**
 * Makes a message's attempt count its runs, not JetStream's deliveries. JetStream counts every
 * delivery (`num_delivered`), also one the daemon hands back unrun at shutdown or behind a retried
 * message of its key; so before such a nak the transport records the release here, in a KV bucket
 * keyed by stream, consumer and stream sequence, and a later delivery subtracts it. A run that ends
 * in a nack is recorded too, so a delivery the server forgets does not hand a message that ran
 * back as a first attempt (nats-server 2.9 rolls a delivery back when the pull request it was for
 * has no one listening, e.g. a stopped daemon's: the message then comes back as delivery 1).
 *
 * Only redeliveries read it, and first deliveries of the sequences that had an entry when the
 * consumer started (`load`, one request) or that this process wrote since: the common path
 * costs a set lookup. The entry is removed once the message is acked or dead-lettered, and the
 * bucket's max age drops what is left behind.
 *
 * attempt = max(runs + 1, deliveries − released): a run that crashed its process (SIGKILL, out of
 * memory) was never recorded as a run, and still counts, as a delivery.
 */
export class AttemptLedger {
  constructor(
    private readonly js: () => JetStreamClient,
    private readonly jsm: () => Promise<JetStreamManager>,
    private readonly bucket: string,
    /** The consumer's `created` timestamp, which tells its entries from a former consumer's. */
    private readonly consumerCreated: string,
    private readonly timeoutMs: number,
  ) {}

  /** Stream sequences that have (or had) an entry for this consumer, as far as this process knows. */
  readonly #sequences = new Set<number>();

  /** Learns which messages of the consumer have entries: their first deliveries read the ledger too. */
  async load(stream: string, durable: string): Promise<void> {
    const prefix = `$KV.${this.bucket}.${stream}.${durable}.`;
    const info = await (
      await this.jsm()
    ).streams.info(bucketStream(this.bucket), {
      subjects_filter: `${prefix}>`,
    });
    for (const subject of Object.keys(info.state.subjects ?? {}))
      this.#sequences.add(Number(subject.slice(prefix.length)));
  }

  /** Whether this delivery must read its entry: a redelivery, or a sequence known to have one. */
  mustRead(message: JsMsg): boolean {
    return message.info.deliveryCount > 1 || this.#sequences.has(message.info.streamSequence);
  }

  /** The attempt this delivery is, from what the ledger knew. */
  static attempt(message: JsMsg, known: Known): number {
    return Math.max(1, known.runs + 1, message.info.deliveryCount - known.released);
  }

  /** What the ledger holds for the message (nothing: zeros and revision 0). */
  async read(message: JsMsg): Promise<Known> {
    const stored = await (
      await this.jsm()
    ).streams.getMessage(bucketStream(this.bucket), {
      last_by_subj: this.#subject(message),
    });
    if (stored === null) return FIRST;
    const entry = parse(stored.string());
    if (entry === undefined || entry.consumer !== this.consumerCreated)
      return { runs: 0, released: 0, revision: stored.seq };
    return { runs: entry.runs, released: entry.released, revision: stored.seq };
  }

  /**
   * Adds one run or one release to the message's entry, confirmed by JetStream, before the nak that
   * follows. Compare-and-set on the revision `known` had (re-read when another write came first).
   * Returns what the entry now holds, for a delivery that stays in this process (a retry in place).
   */
  async record(message: JsMsg, known: Known | undefined, what: 'run' | 'release'): Promise<Known> {
    let current = known;
    for (let tries = 1; ; tries++) {
      current ??= await this.read(message);
      const next: Entry = {
        consumer: this.consumerCreated,
        runs: current.runs + (what === 'run' ? 1 : 0),
        released: current.released + (what === 'release' ? 1 : 0),
      };
      try {
        this.#sequences.add(message.info.streamSequence);
        const stored = await this.js().publish(this.#subject(message), JSON.stringify(next), {
          expect: { lastSubjectSequence: current.revision },
          timeout: this.timeoutMs,
        });
        return { runs: next.runs, released: next.released, revision: stored.seq };
      } catch (error) {
        if (!isWrongRevision(error) || tries >= WRITE_TRIES) throw error;
        current = undefined;
      }
    }
  }

  /** Removes the message's entry (it is finished); nothing to do when it had none. */
  async forget(message: JsMsg, known: Known): Promise<void> {
    if (known.revision === 0) return;
    await (await this.jsm()).streams.purge(bucketStream(this.bucket), { filter: this.#subject(message) });
    this.#sequences.delete(message.info.streamSequence);
  }

  // Stream and durable names hold no ".", "*", ">" or whitespace: each is one subject token.
  #subject(message: JsMsg): string {
    const { stream, consumer, streamSequence } = message.info;
    return `$KV.${this.bucket}.${stream}.${consumer}.${streamSequence}`;
  }
}

function parse(text: string): Entry | undefined {
  try {
    const value = JSON.parse(text) as Partial<Entry>;
    if (typeof value.consumer !== 'string') return undefined;
    const count = (n: unknown): number => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0);
    return { consumer: value.consumer, runs: count(value.runs), released: count(value.released) };
  } catch {
    // Not ours (someone wrote to the bucket by hand): treated as no entry, overwritten by the next write.
    return undefined;
  }
}

/** JetStream refused the write: the entry's revision is no longer the one it was compared with. */
function isWrongRevision(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence;
}
