// The attempt ledger's arithmetic, on a bucket kept in memory: which attempt a delivery is, from the
// server's delivery count and the runs and releases recorded before each nak. The real bucket is
// exercised by test/nats/releases.test.ts; here only the sums.
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { AttemptLedger, FIRST, type Known } from '../src/AttemptLedger.js';

const CONSUMER = '2026-12-03T10:00:00Z';

/** The delivery `deliveryCount` of stream sequence `sequence` (only what the ledger reads). */
function delivery(deliveryCount: number, sequence = 7): JsMsg {
  return {
    info: { stream: 'ORDERS', consumer: 'orders', streamSequence: sequence, deliveryCount },
  } as unknown as JsMsg;
}

/** A KV stream in memory: the last value per subject and its revision, compare-and-set on publish. */
class MemoryBucket {
  readonly values = new Map<string, { text: string; seq: number }>();
  #seq = 0;

  put(subject: string, text: string): number {
    this.#seq += 1;
    this.values.set(subject, { text, seq: this.#seq });
    return this.#seq;
  }

  ledger(consumer = CONSUMER): AttemptLedger {
    const js = {
      publish: async (
        subject: string,
        data: string,
        options: { expect: { lastSubjectSequence: number } },
      ) => {
        if ((this.values.get(subject)?.seq ?? 0) !== options.expect.lastSubjectSequence)
          throw new JetStreamApiError({
            code: 400,
            err_code: JetStreamApiCodes.StreamWrongLastSequence,
            description: 'wrong last sequence',
          });
        return { seq: this.put(subject, data) };
      },
    } as unknown as JetStreamClient;
    const jsm = {
      streams: {
        getMessage: async (_stream: string, query: { last_by_subj: string }) => {
          const value = this.values.get(query.last_by_subj);
          return value === undefined ? null : { seq: value.seq, string: () => value.text };
        },
      },
    } as unknown as JetStreamManager;
    return new AttemptLedger(
      () => js,
      async () => jsm,
      'attempts',
      consumer,
      1000,
    );
  }
}

const SUBJECT = '$KV.attempts.ORDERS.orders.7';

describe('AttemptLedger.attempt: max(runs + 1, deliveries − released)', () => {
  const known = (runs: number, released: number): Known => ({ runs, released, revision: 1 });
  it.each([
    // [deliveries, runs, released, attempt, why]
    [1, 0, 0, 1, 'a first delivery'],
    [3, 0, 0, 3, 'two runs that crashed their process (never recorded): each delivery counts'],
    [6, 0, 5, 1, 'released five times, never run'],
    [4, 2, 1, 3, 'two failed runs and one release'],
    [1, 2, 0, 3, 'the server reset the delivery count to 1 after two recorded runs'],
    [5, 1, 1, 4, 'one recorded run, one release, two crashed runs'],
    [2, 0, 3, 1, 'more releases than deliveries (an entry written twice): never below 1'],
  ])('%i deliveries, %i runs, %i released → attempt %i (%s)', (deliveries, runs, released, attempt) => {
    expect(AttemptLedger.attempt(delivery(deliveries), known(runs, released))).toBe(attempt);
  });

  it('a first delivery known to have no entry is attempt 1, whatever is in the bucket', () => {
    expect(AttemptLedger.attempt(delivery(1), FIRST)).toBe(1);
  });
});

describe('AttemptLedger.record and read', () => {
  it('adds one run or one release per record, and the next delivery subtracts the releases', async () => {
    const bucket = new MemoryBucket();
    const ledger = bucket.ledger();
    // Delivery 1 released (shutdown), delivery 2 released, delivery 3 runs and fails.
    await ledger.record(delivery(1), FIRST, 'release');
    await ledger.record(delivery(2), await ledger.read(delivery(2)), 'release');
    expect(AttemptLedger.attempt(delivery(3), await ledger.read(delivery(3)))).toBe(1);
    const known = await ledger.record(delivery(3), await ledger.read(delivery(3)), 'run');
    expect(known).toEqual({ runs: 1, released: 2, revision: bucket.values.get(SUBJECT)!.seq });
    expect(await ledger.read(delivery(4))).toEqual(known);
    expect(AttemptLedger.attempt(delivery(4), known)).toBe(2);
  });

  it('a run retried in place (no new delivery) is the next attempt from the returned entry', async () => {
    const ledger = new MemoryBucket().ledger();
    let known = FIRST;
    for (let run = 1; run <= 3; run++) known = await ledger.record(delivery(1), known, 'run');
    expect(known.runs).toBe(3);
    expect(AttemptLedger.attempt(delivery(1), known)).toBe(4);
  });

  it('another process writing the entry in between: re-read and both counts kept', async () => {
    const bucket = new MemoryBucket();
    const ours = bucket.ledger();
    const theirs = bucket.ledger();
    const seen = await ours.read(delivery(2));
    // Theirs lands first: ours then finds a newer revision than it read, reads again and adds to it.
    await theirs.record(delivery(2), seen, 'release');
    const known = await ours.record(delivery(2), seen, 'run');
    expect(known).toMatchObject({ runs: 1, released: 1 });
  });

  it('an entry of a former consumer (deleted and created again) counts nothing', async () => {
    const bucket = new MemoryBucket();
    await bucket.ledger('2026-01-01T00:00:00Z').record(delivery(1), FIRST, 'run');
    const known = await bucket.ledger().read(delivery(1));
    expect(known).toMatchObject({ runs: 0, released: 0 });
    expect(known.revision).toBeGreaterThan(0);
  });

  it('a value that is not the ledger’s (written by hand) counts nothing and is overwritten', async () => {
    const bucket = new MemoryBucket();
    bucket.put(SUBJECT, 'not json');
    const ledger = bucket.ledger();
    const known = await ledger.read(delivery(2));
    expect(known).toMatchObject({ runs: 0, released: 0 });
    expect(await ledger.record(delivery(2), known, 'release')).toMatchObject({ runs: 0, released: 1 });
  });

  it('mustRead: redeliveries, and first deliveries of sequences it wrote', async () => {
    const ledger = new MemoryBucket().ledger();
    expect(ledger.mustRead(delivery(1, 9))).toBe(false);
    expect(ledger.mustRead(delivery(2, 9))).toBe(true);
    await ledger.record(delivery(1, 9), FIRST, 'release');
    expect(ledger.mustRead(delivery(1, 9))).toBe(true);
  });
});
