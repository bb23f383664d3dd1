import type { RunningDaemon } from '@switchyard/core';
import { KafkaTransport } from '@switchyard/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import {
  brokerCases,
  client,
  committedOffsets,
  createTopic,
  events,
  kafkaBrokers,
  produceRaw,
  startDaemon,
  waitFor,
} from './support.js';

const PARTITIONS = 4;
const COUNT = 4000;
/** A header that makes each record about 450 bytes, so a few hundred fill the bound. */
const PAD = 'x'.repeat(400);
const FETCH_BYTES = 16_384;
/** Room for two partitions' fetches at a time out of four. */
const MAX_BUFFERED_BYTES = 2 * FETCH_BYTES + 8192;

// kafka.maxBufferedBytes holds while a backlog drains: what is fetched and not finished never
// passes it, because partitions pause before a fetch could take intake past it. Checked with the
// transport's own count (its peak) and, independently, with the messages it holds times the
// largest record's size. Both the held-batch intake (the default) and revokeDrainMs=0, where
// kafkajs fetches again as soon as a batch is handed over (a bound kept only after each fetch
// would be passed there by a whole fetch).
describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: the byte bound on intake',
  ({ brokers }) => {
    let daemon: RunningDaemon | undefined;
    afterEach(async () => {
      await daemon?.stop();
      daemon = undefined;
    });

    for (const revokeDrainMs of [-1, 0])
      it(`fetched, unfinished bytes stay within kafka.maxBufferedBytes (revokeDrainMs ${revokeDrainMs})`, async () => {
        const topic = await createTopic(brokers, PARTITIONS);
        const records = events(COUNT, 16).map((record) => ({
          ...record,
          headers: { ...record.headers, pad: PAD },
        }));
        const recordBytes = Math.max(
          ...records.map(
            ({ key, value, headers }) =>
              String(key).length +
              String(value).length +
              Object.entries(headers).reduce(
                (sum, [name, text]) => sum + name.length + String(text).length,
                0,
              ),
          ),
        );
        // 10 records a request: record batches far below a fetch, so no batch is sent whole beyond it.
        await produceRaw(brokers, topic, records, 10);
        const groupId = `kafka-test.bytes-${Date.now()}`;
        let handled = 0;
        daemon = await startDaemon(
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            handled += 1;
          },
          {
            brokers,
            topic,
            groupId,
            concurrency: 8,
            extraArgs: [
              ...['--set', 'kafka.maxBuffered=100000'],
              ...['--set', `kafka.maxBytesPerPartition=${FETCH_BYTES}`],
              ...['--set', `kafka.maxBufferedBytes=${MAX_BUFFERED_BYTES}`],
              ...['--set', `kafka.revokeDrainMs=${revokeDrainMs}`],
            ],
          },
        );
        const transport = daemon.container.get(KafkaTransport);
        let mostMessagesHeld = 0;
        const sampler = setInterval(() => {
          const { buffered, inFlight } = transport.stats;
          mostMessagesHeld = Math.max(mostMessagesHeld, buffered + inFlight);
        }, 2);
        try {
          await waitFor(() => handled >= COUNT, 120_000, `${COUNT} handled`);
        } finally {
          clearInterval(sampler);
        }
        const { peakBufferedBytes, bufferedBytes, pauses } = transport.stats;
        expect(peakBufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES);
        expect(mostMessagesHeld * recordBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES);
        // The bound was reached, not merely never approached: more than one fetch was held at
        // once, and partitions paused to keep it.
        expect(peakBufferedBytes).toBeGreaterThan(FETCH_BYTES);
        expect(pauses).toBeGreaterThan(0);
        expect(bufferedBytes).toBe(0);
        await waitFor(() => transport.stats.buffered === 0, 10_000, 'nothing buffered');
        await daemon.stop();
        daemon = undefined;
        // Committed to the end of every partition (a producer retry may have written a record twice).
        const admin = client(brokers).admin();
        await admin.connect();
        const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
        expect(await committedOffsets(brokers, groupId, topic)).toEqual(
          Object.fromEntries(ends.map(({ partition, high }) => [partition, Number(high)])),
        );
      });
  },
);
