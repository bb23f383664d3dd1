import { DEAD_LETTER_ATTRIBUTES, Nack } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { handlerState, order, ORDER_MEDIA_TYPE, OrderDaemon, resetHandler } from './fixtures.js';
import {
  attribute,
  createQueue,
  daemonPerTest,
  finished,
  messagesLeft,
  queueArn,
  receiveAll,
  sendRaw,
  sqsClient,
  sqsServers,
} from './support.js';

for (const server of sqsServers)
  describe.skipIf(server.missing)(`SQS consumer against ${server.name}`, () => {
    const client = sqsClient(server.endpoint);
    const start = daemonPerTest();

    // JSON.stringify drops the undefined mediaType: a body that names no media type.
    const untyped = { ...order('o-1'), mediaType: undefined };
    for (const [where, body, attributes] of [
      ['in the body', order('o-1'), {}],
      ['only in the media_type attribute', untyped, { media_type: ORDER_MEDIA_TYPE }],
    ] as const)
      it(`handles a message and deletes it (media type ${where})`, async () => {
        const queue = await createQueue(client, 'handled');
        await sendRaw(client, queue, JSON.stringify(body), attributes);
        const running = await start(new OrderDaemon(), server.endpoint, queue);
        await finished(running, 1);
        expect(running.counter.get('succeeded')).toBe(1);
        expect(handlerState.handled.map((entry) => entry.order.id)).toEqual(['o-1']);
        await running.stop();
        expect(await messagesLeft(client, queue)).toBe(0);
      });

    it('redelivers a nacked message after its delay, counting the attempt', async () => {
      const queue = await createQueue(client, 'nacked');
      resetHandler((_, context) => {
        if (context.attempt === 1) throw new Nack(2, 'not yet');
      });
      await sendRaw(client, queue, JSON.stringify(order('o-2')));
      const running = await start(new OrderDaemon(), server.endpoint, queue);
      await finished(running, 1);
      const [first, second] = handlerState.handled;
      expect(first?.attempt).toBe(1);
      expect(second?.attempt).toBe(2);
      // The requested delay is a lower bound (ElasticMQ works in whole seconds, allow 100 ms of rounding).
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
      expect(running.counter.get('retried')).toBe(1);
    });

    it('a batch of 10 with one poison message: 9 succeed, 1 is dead-lettered with its reason', async () => {
      const queue = await createQueue(client, 'batch');
      const dlq = await createQueue(client, 'batch-dlq');
      for (let index = 0; index < 10; index += 1) {
        const body = index === 4 ? { ...order('poison'), sequence: 'not a number' } : order(`o-${index}`);
        await sendRaw(client, queue, JSON.stringify(body), { custom: `c-${index}` });
      }
      const running = await start(new OrderDaemon(), server.endpoint, queue, [
        '--set',
        `sqs.deadLetterQueueUrl=${dlq}`,
      ]);
      await finished(running, 10);
      expect(running.counter.get('succeeded')).toBe(9);
      expect(running.counter.get('dead-lettered')).toBe(1);
      const [dead] = await receiveAll(client, dlq, 1);
      expect(JSON.parse(dead!.Body!)).toMatchObject({ id: 'poison' });
      expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.reason)).toMatch(/sequence/);
      expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.source)).toBe(queue);
      expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.attempts)).toBe('1');
      expect(attribute(dead!, 'custom')).toBe('c-4');
      await running.stop();
      expect(await messagesLeft(client, queue)).toBe(0);
    });

    it('dead-letters an exhausted message with its attempt count', async () => {
      const queue = await createQueue(client, 'exhausted');
      const dlq = await createQueue(client, 'exhausted-dlq');
      resetHandler(() => {
        throw new Error('always broken');
      });
      await sendRaw(client, queue, JSON.stringify(order('o-3')));
      const running = await start(new OrderDaemon(), server.endpoint, queue, [
        '--set',
        `sqs.deadLetterQueueUrl=${dlq}`,
        '--set',
        'consumer.maxAttempts=3',
      ]);
      await finished(running, 1);
      expect(handlerState.handled.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
      const [dead] = await receiveAll(client, dlq, 1);
      expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.attempts)).toBe('3');
      expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.reason)).toMatch(/always broken/);
    });

    it("without a framework DLQ, dead-letters to the queue's redrive target", async () => {
      const dlq = await createQueue(client, 'redrive-dlq');
      const redrivePolicy = JSON.stringify({
        deadLetterTargetArn: await queueArn(client, dlq),
        maxReceiveCount: 5,
      });
      const queue = await createQueue(client, 'redrive', { RedrivePolicy: redrivePolicy });
      await sendRaw(client, queue, 'not json at all');
      const running = await start(new OrderDaemon(), server.endpoint, queue);
      await finished(running, 1);
      const [dead] = await receiveAll(client, dlq, 1);
      expect(dead!.Body).toBe('not json at all');
      expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.reason)).toMatch(/JSON/);
    });

    it('the queue redrive policy moves a message the daemon keeps failing', async () => {
      const dlq = await createQueue(client, 'policy-dlq');
      const redrivePolicy = JSON.stringify({
        deadLetterTargetArn: await queueArn(client, dlq),
        maxReceiveCount: 2,
      });
      const queue = await createQueue(client, 'policy', { RedrivePolicy: redrivePolicy });
      resetHandler(() => {
        throw new Nack(0, 'again');
      });
      await sendRaw(client, queue, JSON.stringify(order('o-4')));
      await start(new OrderDaemon(), server.endpoint, queue, ['--set', 'consumer.maxAttempts=10']);
      const moved = await receiveAll(client, dlq, 1, 20_000);
      expect(moved).toHaveLength(1);
      // SQS moved it after its second receive; the daemon never saw a third.
      expect(handlerState.handled.map((entry) => entry.attempt)).toEqual([1, 2]);
    });
  });
