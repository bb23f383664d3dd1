import type { EachBatchPayload, IHeaders } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { ConsumerSession } from '../src/ConsumerSession.js';
import { KAFKA_DEAD_LETTER_HEADERS, recordBatchSize } from '../src/deadLetterHeaders.js';
import type { KafkaDelivery } from '../src/KafkaDelivery.js';
import type { KafkaMode } from '../src/KafkaConfig.js';
import { KafkaProduceError } from '../src/KafkaProduceError.js';
import type { KafkaProducer } from '../src/KafkaProducer.js';
import { KafkaTransport } from '../src/KafkaTransport.js';

type SendRaw = KafkaProducer['sendRaw'];
interface Sent {
  topic: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: IHeaders;
}

function setup(mode: KafkaMode, deadLetterMaxBytes = new Map<string, number>()) {
  const sent: Sent[] = [];
  const sendRaw = vi.fn<SendRaw>(async (topic, key, value, headers) => {
    sent.push({ topic, key, value, headers });
    return `${topic}/0/${sent.length - 1}`;
  });
  const session = {
    state: { kind: 'ready' },
    assigned: [{ topic: 't', partition: 0 }],
    start: async () => undefined,
    stop: async () => undefined,
    commit: async () => undefined,
    pause: () => undefined,
    resume: () => undefined,
  } as unknown as ConsumerSession;
  const transport = new KafkaTransport(
    () => session,
    { sendRaw } as unknown as KafkaProducer,
    {
      mode,
      maxBuffered: 100,
      commitIntervalMs: 60_000,
      deadLetterTopicFor: (topic) => `${topic}.dlt`,
      waitMs: 50,
      preflight: async () => ({ deadLetterMaxBytes }),
    },
    pino({ level: 'silent' }),
  );
  const feed = async (records: Array<{ key: string; value: string | Buffer }>): Promise<void> => {
    const messages = records.map(({ key, value }, offset) => ({
      offset: String(offset),
      key: Buffer.from(key),
      value: Buffer.from(value),
      headers: { media_type: 'application/vnd.test' },
      timestamp: '0',
      attributes: 0,
    }));
    await transport.onBatch({
      batch: { topic: 't', partition: 0, highWatermark: String(messages.length), messages },
    } as unknown as EachBatchPayload);
  };
  const receive = (max = 10): Promise<KafkaDelivery[]> =>
    transport.receive(max, new AbortController().signal) as Promise<KafkaDelivery[]>;
  return { transport, sendRaw, sent, feed, receive };
}

const tooLarge = (): KafkaProduceError =>
  new KafkaProduceError(
    't.dlt',
    false,
    Object.assign(new Error('The request included a message larger than the max message size'), {
      cause: Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE', code: 10 }),
    }),
  );

describe('KafkaTransport.deadLetter', () => {
  it.each<KafkaMode>(['keyed', 'in-order', 'unordered'])(
    '%s: a dead letter that failed leaves the offset unfinished, and a nack redelivers it',
    async (mode) => {
      const { transport, sendRaw, feed, receive } = setup(mode);
      await transport.start();
      await feed([
        { key: 'k', value: 'bad' },
        { key: 'k', value: '{"ok":1}' },
      ]);
      const [first, second] = await receive();
      expect(first?.offset).toBe(0);
      sendRaw.mockRejectedValueOnce(new KafkaProduceError('t.dlt', true, new Error('broker down')));
      await expect(transport.deadLetter(first!, { reason: 'not JSON', attempts: 1 })).rejects.toThrow(
        /broker down/,
      );
      expect(transport.finishedThrough('t', 0, 0)).toBe(false);
      // What the runner does next: retry it with backoff, and hand back its successor unstarted.
      await transport.nack(first!, 0.05);
      if (second !== undefined) await transport.release(second);
      const again: KafkaDelivery[] = [];
      const deadline = Date.now() + 2000;
      while (!again.some((delivery) => delivery.offset === 0) && Date.now() < deadline)
        again.push(...(await receive()));
      const retried = again.find((delivery) => delivery.offset === 0);
      expect(retried?.attempt).toBe(2);
      if (mode !== 'unordered') expect(again[0]?.offset).toBe(0); // its successor stays behind it
      expect(await transport.deadLetter(retried!, { reason: 'not JSON', attempts: 2 })).toBeUndefined();
      expect(transport.finishedThrough('t', 0, 0)).toBe(true);
      await transport.close();
    },
  );

  it('cuts a long reason in the dead-letter header', async () => {
    const { transport, sent, feed, receive } = setup('keyed');
    await transport.start();
    await feed([{ key: 'k', value: 'bad' }]);
    const [delivery] = await receive();
    await transport.deadLetter(delivery!, {
      reason: `"${'x'.repeat(550_000)}" is not a media type`,
      attempts: 1,
    });
    const reason = String(sent[0]!.headers[KAFKA_DEAD_LETTER_HEADERS.error]);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(4096);
    expect(reason).toMatch(/^"x+ … \(\d+ bytes cut\)$/);
    expect(sent[0]!.headers[KAFKA_DEAD_LETTER_HEADERS.bounded]).toBeUndefined();
  });

  it('writes a bounded record when the broker refuses the copy as too large, and finishes the offset', async () => {
    const { transport, sendRaw, sent, feed, receive } = setup('keyed');
    await transport.start();
    const body = 'z'.repeat(200_000);
    await feed([{ key: 'k', value: body }]);
    const [delivery] = await receive();
    sendRaw.mockRejectedValueOnce(tooLarge());
    const result = await transport.deadLetter(delivery!, { reason: 'not JSON', attempts: 1 });
    expect(result).toMatchObject({ kind: 'bounded', why: expect.stringMatching(/too large/) });
    expect(sendRaw).toHaveBeenCalledTimes(2);
    const [bounded] = sent;
    expect(bounded!.topic).toBe('t.dlt');
    expect(String(bounded!.key)).toBe('k');
    expect(bounded!.headers[KAFKA_DEAD_LETTER_HEADERS.bounded]).toBe('true');
    expect(bounded!.headers[KAFKA_DEAD_LETTER_HEADERS.originalSize]).toBe('200000');
    expect(bounded!.headers[KAFKA_DEAD_LETTER_HEADERS.bodySha256]).toMatch(/^[0-9a-f]{64}$/);
    expect(bounded!.headers.media_type).toBe('application/vnd.test');
    expect((bounded!.value as Buffer).length).toBe(65_536);
    expect(transport.finishedThrough('t', 0, 0)).toBe(true);
  });

  it('bounds at once, to the known limit, a copy over the dead-letter topic max.message.bytes', async () => {
    const { transport, sendRaw, sent, feed, receive } = setup('keyed', new Map([['t.dlt', 20_000]]));
    await transport.start();
    await feed([{ key: 'k', value: 'z'.repeat(30_000) }]);
    const [delivery] = await receive();
    const result = await transport.deadLetter(delivery!, { reason: 'not JSON', attempts: 1 });
    expect(result).toMatchObject({
      kind: 'bounded',
      why: expect.stringMatching(/over the max.message.bytes/),
    });
    expect(sendRaw).toHaveBeenCalledTimes(1);
    const [bounded] = sent;
    const size = recordBatchSize(bounded!.key as Buffer, bounded!.value as Buffer, bounded!.headers);
    expect(size).toBeLessThanOrEqual(20_000);
    expect(size).toBeGreaterThan(18_000);
  });

  it('drops the body when even the bounded record is refused, and throws if that is refused too', async () => {
    const { transport, sendRaw, sent, feed, receive } = setup('keyed');
    await transport.start();
    await feed([
      { key: 'k', value: 'z'.repeat(100_000) },
      { key: 'j', value: 'z'.repeat(100_000) },
    ]);
    const [first, second] = await receive();
    sendRaw.mockRejectedValueOnce(tooLarge()).mockRejectedValueOnce(tooLarge());
    expect(await transport.deadLetter(first!, { reason: 'r', attempts: 1 })).toMatchObject({
      kind: 'bounded',
    });
    expect((sent[0]!.value as Buffer).length).toBe(0);
    sendRaw
      .mockRejectedValueOnce(tooLarge())
      .mockRejectedValueOnce(tooLarge())
      .mockRejectedValueOnce(tooLarge());
    await expect(transport.deadLetter(second!, { reason: 'r', attempts: 1 })).rejects.toThrow();
    expect(transport.finishedThrough('t', 0, 0)).toBe(true);
    expect(transport.finishedThrough('t', 0, 1)).toBe(false);
  });
});
