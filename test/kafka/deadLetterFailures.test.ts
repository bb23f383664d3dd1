import { createHash } from 'node:crypto';
import { SwitchyardError, type RunningDaemon } from '@switchyard/core';
import {
  KAFKA_DEAD_LETTER_HEADERS,
  KafkaErrorCodes,
  KafkaProducer,
  isRecordTooLarge,
  recordBatchSize,
} from '@switchyard/kafka';
import { CompressionTypes, ConfigResourceTypes, type IHeaders } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EVENT_MEDIA_TYPE,
  brokerCases,
  client,
  committedOffsets,
  createTopic,
  kafkaBrokers,
  produceRaw,
  readAll,
  startDaemon,
  waitFor,
  type RawRecord,
  header,
} from './support.js';

const MAX_BODY_BYTES = 1_048_576;
const media = { media_type: EVENT_MEDIA_TYPE };

const valid = (seq: number): RawRecord => ({
  key: 'k0',
  value: JSON.stringify({ key: 'k0', seq }),
  headers: media,
});

/**
 * Sends records compressed, as a foreign client may: a 1 MiB body then fits a topic with the
 * default `max.message.bytes` (1 MiB + 12), while its uncompressed copy with the dead-letter
 * headers does not.
 */
async function produceCompressed(brokers: string, topic: string, records: RawRecord[]): Promise<void> {
  const producer = client(brokers).producer();
  await producer.connect();
  try {
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: records });
  } finally {
    await producer.disconnect();
  }
}

async function createTopicWith(
  brokers: string,
  topic: string,
  configs: Record<string, string>,
): Promise<void> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: 1,
          configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
        },
      ],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

async function maxMessageBytes(brokers: string, topic: string): Promise<number> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
      includeSynonyms: false,
    });
    return Number(
      resources[0]?.configEntries.find((entry) => entry.configName === 'max.message.bytes')?.configValue,
    );
  } finally {
    await admin.disconnect();
  }
}

function headersOf(record: { headers?: IHeaders }): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(record.headers ?? {}).map(([name, value]) => [name, header(value)]),
  );
}

async function startFailure(start: Promise<RunningDaemon>): Promise<Error> {
  const error = await start.then(
    async (daemon) => {
      await daemon.stop();
      return undefined;
    },
    (failure: unknown) => failure as Error,
  );
  expect(error, 'the start should have failed').toBeInstanceOf(Error);
  return error!;
}

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: dead letters that cannot be written as they are',
  ({ brokers }) => {
    let daemon: RunningDaemon | undefined;
    afterEach(async () => {
      await daemon?.stop();
      daemon = undefined;
    });

    it('creates the dead-letter topic large enough for a 1 MiB invalid body, commits, and goes on', async () => {
      const topic = await createTopic(brokers);
      const groupId = `kafka-test.dlt-size-${Date.now()}`;
      const body = 'x'.repeat(MAX_BODY_BYTES);
      await produceRaw(brokers, topic, [valid(0)]);
      await produceCompressed(brokers, topic, [{ key: 'k0', value: body, headers: media }]);
      await produceRaw(brokers, topic, [valid(1), valid(2), valid(3)]);
      const seen: number[] = [];
      daemon = await startDaemon((event) => void seen.push(event.seq), { brokers, topic, groupId });
      await waitFor(() => daemon!.counter.finished >= 5, 60_000, '5 outcomes');
      expect(seen).toEqual([0, 1, 2, 3]);
      const [dead] = await readAll(brokers, `${topic}.dlt`, 1);
      expect(String(dead!.value)).toBe(body);
      const headers = headersOf(dead!);
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.offset]).toBe('1');
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.bounded]).toBeUndefined();
      expect(await maxMessageBytes(brokers, `${topic}.dlt`)).toBeGreaterThan(
        await maxMessageBytes(brokers, topic),
      );
      await daemon.stop();
      daemon = undefined;
      expect(await committedOffsets(brokers, groupId, topic)).toEqual({ 0: 5 });
    });

    it('writes a bounded dead letter when the copy can never fit, commits, and handles the records behind it', async () => {
      const topic = await createTopic(brokers);
      // Same limit as the source (the start accepts it), but the uncompressed copy is larger.
      await createTopic(brokers, 1, `${topic}.dlt`);
      const groupId = `kafka-test.dlt-bounded-${Date.now()}`;
      const body = 'x'.repeat(MAX_BODY_BYTES);
      await produceRaw(brokers, topic, [valid(0)]);
      await produceCompressed(brokers, topic, [{ key: 'k0', value: body, headers: media }]);
      await produceRaw(brokers, topic, [valid(1), valid(2), valid(3)]);
      const seen: number[] = [];
      daemon = await startDaemon((event) => void seen.push(event.seq), {
        brokers,
        topic,
        groupId,
        mode: 'in-order',
      });
      await waitFor(() => daemon!.counter.finished >= 5, 60_000, '5 outcomes');
      expect(seen).toEqual([0, 1, 2, 3]);
      const [dead] = await readAll(brokers, `${topic}.dlt`, 1);
      const headers = headersOf(dead!);
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.bounded]).toBe('true');
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.topic]).toBe(topic);
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.partition]).toBe('0');
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.offset]).toBe('1');
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.originalSize]).toBe(String(MAX_BODY_BYTES));
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.bodySha256]).toBe(
        createHash('sha256').update(body).digest('hex'),
      );
      expect(headers[KAFKA_DEAD_LETTER_HEADERS.error]).toMatch(/JSON/);
      const value = dead!.value!;
      expect(value.length).toBeGreaterThan(0);
      expect(value.length).toBeLessThan(MAX_BODY_BYTES);
      expect(body.startsWith(value.toString())).toBe(true);
      expect(String(dead!.key)).toBe('k0');
      await daemon.stop();
      daemon = undefined;
      expect(await committedOffsets(brokers, groupId, topic)).toEqual({ 0: 5 });
    });

    it('refuses to start when the existing dead-letter topic holds less than the source topic', async () => {
      const topic = await createTopic(brokers);
      await createTopicWith(brokers, `${topic}.dlt`, { 'max.message.bytes': '100000' });
      const sourceLimit = await maxMessageBytes(brokers, topic);
      const error = await startFailure(startDaemon(() => undefined, { brokers, topic }));
      expect(error.message).toContain(`"${topic}.dlt"`);
      expect(error.message).toContain('100000');
      expect(error.message).toContain(`"${topic}"`);
      expect(error.message).toContain(String(sourceLimit));
      expect(error.message).toMatch(/kafka-configs .*--alter.*max\.message\.bytes=\d+/);
      expect(SwitchyardError.isCode(error.cause, KafkaErrorCodes.DEAD_LETTER_TOPIC_TOO_SMALL)).toBe(true);
    });

    it('refuses an invalid dead-letter topic name at start, naming it and its config key', async () => {
      const topic = await createTopic(brokers);
      const error = await startFailure(
        startDaemon(() => undefined, {
          brokers,
          topic,
          extraArgs: ['--set', 'kafka.deadLetterTopic=bad topic!'],
        }),
      );
      expect(error.message).toContain('"bad topic!"');
      expect(error.message).toContain('kafka.deadLetterTopic');
      expect(error.message).not.toContain('Topic creation errors');
      expect(SwitchyardError.isCode(error.cause, KafkaErrorCodes.TOPIC_NAME_INVALID)).toBe(true);
    });

    it('sizes a record as the broker does, recognises its too-large refusal, and the producer goes on', async () => {
      const topic = `t-limit-${Date.now()}`;
      await createTopicWith(brokers, topic, { 'max.message.bytes': '10000' });
      const producer = new KafkaProducer(client(brokers), { defaultTopic: topic, routes: {} });
      try {
        const key = Buffer.from('k0');
        const headers = { media_type: EVENT_MEDIA_TYPE, 'x-dead-letter-reason': 'é'.repeat(300) };
        const overhead = recordBatchSize(key, Buffer.alloc(0), headers);
        let length = 10_000 - overhead;
        while (recordBatchSize(key, Buffer.alloc(length), headers) > 10_000) length -= 1;
        const exact = Buffer.alloc(length, 'y');
        expect(recordBatchSize(key, exact, headers)).toBe(10_000);
        await producer.sendRaw(topic, key, exact, headers);
        const over = Buffer.alloc(exact.length + 1, 'y');
        const refusal = await producer.sendRaw(topic, key, over, headers).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refusal, 'one byte over the limit is refused').toBeInstanceOf(Error);
        expect(isRecordTooLarge(refusal)).toBe(true);
        // The idempotent producer's sequence is intact: the next record is accepted.
        await producer.sendRaw(topic, key, Buffer.from('after'), headers);
        const values = (await readAll(brokers, topic, 2)).map((record) => record.value!.length);
        expect(values).toEqual([exact.length, 5]);
      } finally {
        await producer.close();
      }
    });

    it('bounds the reason header of a dead letter whose media type is ~550 KB of junk', async () => {
      const topic = await createTopic(brokers);
      const junk = 'x'.repeat(550_000);
      await produceRaw(brokers, topic, [
        { key: 'k0', value: JSON.stringify({ key: 'k0', seq: 0 }), headers: { media_type: junk } },
        valid(1),
      ]);
      const seen: number[] = [];
      daemon = await startDaemon((event) => void seen.push(event.seq), { brokers, topic });
      await waitFor(() => daemon!.counter.finished >= 2, 60_000, '2 outcomes');
      expect(seen).toEqual([1]);
      const [dead] = await readAll(brokers, `${topic}.dlt`, 1);
      const reason = headersOf(dead!)[KAFKA_DEAD_LETTER_HEADERS.error] ?? '';
      expect(reason).toMatch(/media type/);
      expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(8192);
      expect(reason).toMatch(/… \(\d+ bytes cut\)/);
    });
  },
);
