import { Nack, type RunningDaemon } from '@switchyard/core';
import { KAFKA_DEAD_LETTER_HEADERS, KafkaTransport } from '@switchyard/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EVENT_MEDIA_TYPE,
  committedOffsets,
  createTopic,
  events,
  kafkaBrokers,
  produceRaw,
  readAll,
  startDaemon,
  waitFor,
  brokerCases,
  header,
} from './support.js';

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)('Kafka $version: outcomes', ({ brokers }) => {
  let daemon: RunningDaemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  it("retries a failing message in place, keeps its key's order, and lets other keys run meanwhile", async () => {
    const topic = await createTopic(brokers);
    await produceRaw(brokers, topic, events(40, 4));
    const seen: string[] = [];
    const attempts = new Map<string, number>();
    daemon = await startDaemon(
      (event, context) => {
        const id = `${event.key}/${event.seq}`;
        attempts.set(id, context.attempt);
        if (id === 'k0/0' && context.attempt < 3) throw new Error('transient');
        seen.push(id);
      },
      { brokers, topic, mode: 'keyed' },
    );
    await waitFor(() => seen.length >= 40, 30_000, 'all 40 handled');
    expect(attempts.get('k0/0')).toBe(3);
    const k0 = seen.filter((id) => id.startsWith('k0/'));
    expect(k0).toEqual(Array.from({ length: 10 }, (_, seq) => `k0/${seq}`));
    // While k0/0 waited for its retries, another key had already finished.
    expect(seen.indexOf('k1/9')).toBeLessThan(seen.indexOf('k0/0'));
    expect(daemon.counter.snapshot()).toMatchObject({ succeeded: 40, failed: 2 });
  });

  it('dead-letters after max attempts with the original record and headers, commits, and goes on', async () => {
    const topic = await createTopic(brokers);
    const groupId = `kafka-test.dlt-${Date.now()}`;
    await produceRaw(brokers, topic, events(10, 1));
    const seen: number[] = [];
    daemon = await startDaemon(
      (event) => {
        if (event.seq === 3) throw new Error('poison: cannot handle seq 3');
        seen.push(event.seq);
      },
      { brokers, topic, groupId, env: { KAFKA_TEST__CONSUMER__MAX_ATTEMPTS: '3' } },
    );
    await waitFor(() => daemon!.counter.finished >= 10, 30_000, '10 outcomes');
    expect(seen).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    const [dead] = await readAll(brokers, `${topic}.dlt`, 1);
    expect(JSON.parse(String(dead!.value))).toEqual({ key: 'k0', seq: 3 });
    expect(String(dead!.key)).toBe('k0');
    const headers = dead!.headers ?? {};
    expect(header(headers[KAFKA_DEAD_LETTER_HEADERS.topic])).toBe(topic);
    expect(header(headers[KAFKA_DEAD_LETTER_HEADERS.partition])).toBe('0');
    expect(header(headers[KAFKA_DEAD_LETTER_HEADERS.offset])).toBe('3');
    expect(header(headers[KAFKA_DEAD_LETTER_HEADERS.attempts])).toBe('3');
    expect(header(headers[KAFKA_DEAD_LETTER_HEADERS.error])).toContain('poison: cannot handle seq 3');
    expect(header(headers.media_type)).toBe(EVENT_MEDIA_TYPE);
    await daemon.stop();
    daemon = undefined;
    expect(await committedOffsets(brokers, groupId, topic)).toEqual({ 0: 10 });
  });

  it('Nack(0) (retry at once) spends an attempt like any failure: dead-lettered after max attempts', async () => {
    const topic = await createTopic(brokers);
    await produceRaw(brokers, topic, events(3, 1));
    let tries = 0;
    daemon = await startDaemon(
      (event) => {
        if (event.seq !== 1) return;
        tries += 1;
        throw new Nack(0, 'not yet');
      },
      { brokers, topic, env: { KAFKA_TEST__CONSUMER__MAX_ATTEMPTS: '3' } },
    );
    await waitFor(() => daemon!.counter.finished >= 3, 30_000, '3 outcomes');
    expect(tries).toBe(3);
    expect(daemon.counter.get('dead-lettered')).toBe(1);
    expect((await readAll(brokers, `${topic}.dlt`, 1)).map((record) => String(record.value))).toEqual([
      JSON.stringify({ key: 'k0', seq: 1 }),
    ]);
  });

  it('gives each kind of bad input its outcome and keeps consuming', async () => {
    const topic = await createTopic(brokers);
    const media = { media_type: EVENT_MEDIA_TYPE };
    await produceRaw(brokers, topic, [
      { key: 'a', value: 'not json {', headers: media },
      { key: 'b', value: JSON.stringify({ key: 'b', seq: 1 }) },
      {
        key: 'c',
        value: JSON.stringify({ key: 'c', seq: 1 }),
        headers: { media_type: 'application/vnd.nobody.handles-this' },
      },
      { key: 'd', value: JSON.stringify({ key: 'd', seq: -5 }), headers: media },
      { key: 'e', value: null, headers: media },
      { key: 'f', value: JSON.stringify({ key: 'f', seq: 1, padding: 'x'.repeat(5000) }), headers: media },
      { key: 'g', value: JSON.stringify({ key: 'g', seq: 1 }), headers: media },
    ]);
    const handled: string[] = [];
    daemon = await startDaemon((event) => void handled.push(event.key), {
      brokers,
      topic,
      env: { KAFKA_TEST__CONSUMER__MAX_BODY_BYTES: '2000' },
    });
    await waitFor(() => daemon!.counter.finished >= 7, 30_000, '7 outcomes');
    expect(handled).toEqual(['g']);
    expect(daemon.counter.snapshot()).toMatchObject({
      succeeded: 1,
      ignored: 1,
      skipped: 1,
      'dead-lettered': 4,
    });
    const dead = await readAll(brokers, `${topic}.dlt`, 4);
    const reasons = new Map(
      dead.map((record) => [
        String(record.key),
        header(record.headers?.[KAFKA_DEAD_LETTER_HEADERS.error]) ?? '',
      ]),
    );
    expect([...reasons.keys()].sort()).toEqual(['a', 'b', 'd', 'f']);
    expect(reasons.get('b')).toMatch(/media type/);
  });

  it('pauses intake at the buffer bound under a slow handler and resumes as it drains', async () => {
    const topic = await createTopic(brokers);
    await produceRaw(brokers, topic, events(300, 8), 10);
    let maxHeld = 0;
    let handled = 0;
    daemon = await startDaemon(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        handled += 1;
      },
      {
        brokers,
        topic,
        concurrency: 2,
        extraArgs: ['--set', 'kafka.maxBuffered=20', '--set', 'kafka.maxBytesPerPartition=2048'],
      },
    );
    const transport = daemon.container.get(KafkaTransport);
    const sampler = setInterval(() => {
      const { buffered, inFlight } = transport.stats;
      maxHeld = Math.max(maxHeld, buffered + inFlight);
    }, 2);
    await waitFor(() => handled >= 300, 60_000, '300 handled');
    clearInterval(sampler);
    const { pauses, paused } = transport.stats;
    expect(pauses).toBeGreaterThan(1); // paused, resumed, and paused again
    expect(paused).toBe(false);
    // Bounded: at most the bound plus one fetch (2 KB: about three 10-record batches) beyond it.
    expect(maxHeld).toBeLessThanOrEqual(20 + 40);
  });
});
