import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { Order, sleep, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';

afterEach(stopOrderDaemons);
const start = startOrderDaemon;

const orderBody = (id: string): string =>
  JSON.stringify({ mediaType: 'application/vnd.test.order', id, quantity: 1 });

describe('concurrency and backpressure', () => {
  it('never runs or holds more than consumer.concurrency messages', async () => {
    let running = 0;
    let maxRunning = 0;
    let maxHeld = 0;
    const { daemon } = await start(async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      maxHeld = Math.max(maxHeld, daemon.running.status.inFlight);
      await sleep(10);
      running -= 1;
    }, ['--concurrency', '4']);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, index) => daemon.sendRawAndWait(orderBody(`c-${index}`))),
    );
    expect(outcomes.every((outcome) => outcome.kind === 'succeeded')).toBe(true);
    expect(maxRunning).toBe(4);
    expect(maxHeld).toBeLessThanOrEqual(4);
  });

  it('runs messages with one ordering key one at a time, in order, while other keys run beside them', async () => {
    const log: string[] = [];
    let activeA = 0;
    let overlapA = false;
    const { daemon } = await start(
      async (order) => {
        const isA = order.id.startsWith('A');
        if (isA && ++activeA > 1) overlapA = true;
        await sleep(isA ? 15 - Number(order.id.slice(1)) : 1); // earlier A messages are slower
        log.push(order.id);
        if (isA) activeA -= 1;
      },
      ['--concurrency', '8'],
    );
    const sends = ['A0', 'A1', 'B0', 'A2', 'B1', 'A3'].map((id) =>
      daemon.sendRawAndWait(orderBody(id), {}, id.startsWith('A') ? 'key-A' : undefined),
    );
    await Promise.all(sends);
    expect(log.filter((id) => id.startsWith('A'))).toEqual(['A0', 'A1', 'A2', 'A3']);
    expect(overlapA).toBe(false);
    expect(log.indexOf('B0')).toBeLessThan(log.indexOf('A1')); // B did not wait behind A
  });
});

describe('graceful shutdown', () => {
  it('lets in-flight messages finish and releases the unstarted ones for redelivery', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { daemon, behaviour } = await start(async (order) => {
      if (order.id === 'first') await gate;
    });
    void daemon.sendRawAndWait(orderBody('first'), {}, 'k');
    void daemon.sendRawAndWait(orderBody('second'), {}, 'k');
    void daemon.sendRawAndWait(orderBody('third'), {}, 'k');
    while (behaviour.seen.length === 0) await sleep(5);
    const stopped = daemon.stop();
    await sleep(20);
    release();
    await stopped;
    expect(behaviour.seen.map((seen) => seen.order.id)).toEqual(['first']);
    expect(daemon.running.counter.get('succeeded')).toBe(1);
    // The two unstarted messages are back on the queue, visible at once for another consumer.
    const redelivered = await daemon.queue.receive(10, 0);
    expect(redelivered.map((message) => (JSON.parse(String(message.body)) as { id: string }).id)).toEqual([
      'second',
      'third',
    ]);
  });

  it('aborts handlers still running at the deadline and releases their messages without spending an attempt', async () => {
    const { daemon } = await start(async () => {
      await new Promise(() => undefined); // ignores its abort signal on purpose
    }, ['--set', 'consumer.shutdownTimeoutMs=100', '--set', 'consumer.maxAttempts=1']);
    void daemon.sendRawAndWait(orderBody('stuck'));
    while (daemon.running.status.inFlight === 0) await sleep(5);
    await daemon.stop();
    expect(daemon.running.counter.get('retried')).toBe(1);
    expect(daemon.deadLetters()).toEqual([]);
    expect((await daemon.queue.receive(10, 0)).map((message) => message.receiveCount)).toEqual([2]);
  });

  it('fail() drains like a stop but records the first fatal reason; a clean stop records none', async () => {
    const { daemon: failing } = await start(async () => {
      await sleep(200);
    });
    const inFlight = failing.sendRawAndWait(orderBody('in-flight'));
    while (failing.running.status.inFlight === 0) await sleep(5);
    await failing.running.fail('publisher failed', new Error('broker gone'));
    await failing.running.fail('later', new Error('ignored'));
    expect(failing.running.failure).toBe('publisher failed: broker gone');
    expect((await inFlight).kind).toBe('succeeded');
    const { daemon: clean } = await start(() => undefined);
    await clean.stop();
    expect(clean.running.failure).toBeUndefined();
  });

  it('extends the lease of a handler that outlives the visibility timeout, so it is delivered once', async () => {
    const { daemon, behaviour } = await start(async () => {
      await sleep(2500);
    }, ['--set', 'memory.visibilityTimeoutSeconds=1']);
    expect((await daemon.sendRawAndWait(orderBody('slow'))).kind).toBe('succeeded');
    expect(behaviour.seen).toHaveLength(1);
    expect(daemon.running.counter.received).toBe(1);
  });
});

describe('TTL across hops', () => {
  it('stops a publish loop when the hop count runs out', async () => {
    const { daemon } = await start(async (order, context) => {
      await context.producer.produce(Order, { id: `${order.id}+`, quantity: 1 });
    });
    const outcome = await daemon.publishAndWait(
      Order,
      { id: 'loop', quantity: 1 },
      { opaqueData: { 'x-request-ttl': '1' } },
    );
    expect(outcome.kind).toBe('succeeded');
    const [child] = daemon.published();
    expect(child?.content.opaqueData).toEqual({ 'x-request-ttl': '0' });
    expect((await daemon.sendRawAndWait(JSON.stringify(child?.content))).kind).toBe('expired');
  });
});

describe('ordering keys and retries', () => {
  it('keeps per-key order across a retry: later messages of the key are released and come after it', async () => {
    const handled: string[] = [];
    const { daemon } = await start((order, context) => {
      if (order.id === 'k1' && context.attempt === 1) throw new Error('transient');
      handled.push(order.id);
    });
    // Sent before the daemon receives, so all three are held at once behind the first.
    const outcomes = await Promise.all(
      ['k1', 'k2', 'k3'].map((id) => daemon.sendRawAndWait(orderBody(id), {}, 'key')),
    );
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(handled).toEqual(['k1', 'k2', 'k3']);
  });
});
