// The session's restart and drain decisions, over a fake kafkajs consumer that emits the events a
// real one would at the moments that are hard to hit against a broker (test/kafka covers the rest).
import { EventEmitter } from 'node:events';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { until } from '../../../test/support/until.js';
import { ConsumerSession, type SessionListener } from '../src/ConsumerSession.js';

const EVENTS = {
  FETCH_START: 'fetch_start',
  HEARTBEAT: 'heartbeat',
  FETCH: 'fetch',
  REBALANCING: 'rebalancing',
  GROUP_JOIN: 'group_join',
  CRASH: 'crash',
};

/** One kafkajs consumer as the session sees it; `onRun` plays what happens inside run(). */
class FakeConsumer extends EventEmitter {
  readonly events = EVENTS;
  eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;

  constructor(private readonly onRun: (consumer: FakeConsumer) => void) {
    super();
  }

  connect = async (): Promise<void> => {};
  subscribe = async (): Promise<void> => {};
  pause = (): void => {};
  resume = (): void => {};
  disconnect = async (): Promise<void> => {};
  commitOffsets = async (): Promise<void> => {};

  async run(config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }): Promise<void> {
    this.eachBatch = config.eachBatch;
    this.onRun(this);
  }

  join(memberId: string): void {
    this.emit(EVENTS.GROUP_JOIN, { payload: { memberId, memberAssignment: { orders: [0] } } });
  }

  crash(restart: boolean): void {
    this.emit(EVENTS.CRASH, { payload: { error: new Error('Failed to find group coordinator'), restart } });
  }
}

function listener(): SessionListener & { drains: number } {
  const spy = {
    drains: 0,
    onBatch: vi.fn(),
    onFetchStart: vi.fn(),
    onRebalancing: vi.fn(),
    onAssigned: vi.fn(),
    onLost: vi.fn(),
    finishedThrough: () => false,
    whenFinishedThrough: () => new Promise<void>(() => undefined),
    drainForRevoke: async () => {
      spy.drains += 1;
    },
  };
  return spy;
}

/** A session whose consumers run `scripts` in turn (the last one repeats). */
function session(scripts: Array<(consumer: FakeConsumer) => void>, revokeDrainMs = 0) {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: () => {
      const consumer = new FakeConsumer(scripts[Math.min(consumers.length, scripts.length - 1)]!);
      consumers.push(consumer);
      return consumer;
    },
  } as unknown as Kafka;
  const events = listener();
  const options = {
    topics: ['orders'],
    fromBeginning: true,
    consumer: { groupId: 'g', heartbeatInterval: 100 },
    stallTimeoutMs: 60_000,
    revokeDrainMs,
  };
  return {
    session: new ConsumerSession(kafka, options, events, pino({ level: 'silent' })),
    consumers,
    events,
  };
}

/** A batch of offset 0 whose heartbeats the test settles one by one. */
function heldBatch() {
  const heartbeats: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  const payload = {
    batch: { topic: 'orders', partition: 0, messages: [], lastOffset: () => '0', highWatermark: '1' },
    resolveOffset: () => {},
    isRunning: () => true,
    isStale: () => false,
    heartbeat: () => new Promise<void>((resolve, reject) => heartbeats.push({ resolve, reject })),
  } as unknown as EachBatchPayload;
  return { payload, heartbeats };
}

const rebalanceInProgress = Object.assign(new Error('The group is rebalancing'), {
  type: 'REBALANCE_IN_PROGRESS',
});

describe('ConsumerSession', () => {
  it('restarts again when the restarted consumer crashes for good while joining', async () => {
    const { session: s, consumers } = session([
      (consumer) => consumer.join('m1'),
      // kafkajs reports a join failure through CRASH before run() resolves, and gives up on it.
      (consumer) => consumer.crash(false),
      (consumer) => consumer.join('m3'),
    ]);
    await s.start();
    expect(s.failure).toBeUndefined();
    consumers[0]!.crash(false);
    expect(s.failure).toMatch(/consumer crashed/);
    // Restarts back off (core's full jitter) up to 500 ms, then up to 1 s.
    await until('a third consumer joined', () => consumers.length === 3 && s.failure === undefined, 5000);
    await s.stop();
  });

  it('leaves a consumer alone when kafkajs says it restarts it itself', async () => {
    const { session: s, consumers } = session([(consumer) => consumer.join('m1')]);
    await s.start();
    consumers[0]!.crash(true);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(consumers).toHaveLength(1);
    await s.stop();
  });

  it('a held batch drains before a rebalance of its own assignment', async () => {
    const { session: s, consumers, events } = session([(consumer) => consumer.join('m1')], 1000);
    await s.start();
    const { payload, heartbeats } = heldBatch();
    const held = consumers[0]!.eachBatch!(payload);
    await until('a heartbeat', () => heartbeats.length === 1, 1000);
    heartbeats[0]!.reject(rebalanceInProgress);
    await expect(held).rejects.toBe(rebalanceInProgress);
    expect(events.drains).toBe(1);
    await s.stop();
  });

  it('a held batch of an earlier assignment does not drain the current one', async () => {
    const { session: s, consumers, events } = session([(consumer) => consumer.join('m1')], 1000);
    await s.start();
    const { payload, heartbeats } = heldBatch();
    const held = consumers[0]!.eachBatch!(payload);
    await until('a heartbeat', () => heartbeats.length === 1, 1000);
    // The group settled on a new assignment while the old batch's heartbeat was on its way.
    consumers[0]!.join('m1');
    heartbeats[0]!.reject(rebalanceInProgress);
    await expect(held).rejects.toBe(rebalanceInProgress);
    expect(events.drains).toBe(0);
    await s.stop();
  });
});
