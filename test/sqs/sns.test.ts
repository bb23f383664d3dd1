import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { RejectMessage, SwitchyardError, type RunningDaemon } from '@switchyard/core';
import { produceBatch, SnsProducer, SqsErrorCodes } from '@switchyard/sqs';
import { startFaultyProxy } from '../servers/faultyProxy.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  handlerState,
  Order,
  order,
  ORDER_MEDIA_TYPE,
  OrderDaemon,
  Receipt,
  RECEIPT_MEDIA_TYPE,
  resetHandler,
} from './fixtures.js';
import {
  attribute,
  createQueue,
  fauxqs,
  finished,
  messagesLeft,
  queueArn,
  receiveAll,
  sqsClient,
  startDaemon,
  until,
} from './support.js';

const sqs = sqsClient(fauxqs);
const sns = new SNSClient({ endpoint: fauxqs, region: 'us-east-1' });
let topicCounter = 0;

/** A topic with a fresh queue subscribed to it (envelope or raw delivery). */
async function subscribedQueue(name: string, raw = false): Promise<{ topicArn: string; queueUrl: string }> {
  const fifo = name.endsWith('.fifo');
  const topicName = `${name.replace(/\.fifo$/, '')}-${process.pid}-${++topicCounter}${fifo ? '.fifo' : ''}`;
  const topic = await sns.send(
    new CreateTopicCommand({
      Name: topicName,
      Attributes: fifo ? { FifoTopic: 'true', ContentBasedDeduplication: 'true' } : {},
    }),
  );
  const queueUrl = await createQueue(sqs, name);
  await sns.send(
    new SubscribeCommand({
      TopicArn: topic.TopicArn!,
      Protocol: 'sqs',
      Endpoint: await queueArn(sqs, queueUrl),
      Attributes: raw ? { RawMessageDelivery: 'true' } : {},
    }),
  );
  return { topicArn: topic.TopicArn!, queueUrl };
}

const content = (id: string, group = 'g', sequence = 0): Record<string, unknown> => ({ id, group, sequence });

describe('SNS producer and SNS → SQS consumption against fauxqs', () => {
  let running: RunningDaemon | undefined;
  beforeEach(() => resetHandler());
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  for (const raw of [false, true]) {
    it(`publishes by media type, unwraps the ${raw ? 'raw' : 'SNS-enveloped'} delivery, handles and deletes`, async () => {
      const { topicArn, queueUrl } = await subscribedQueue('sns-orders', raw);
      running = await startDaemon(new OrderDaemon(), fauxqs, queueUrl, [
        '--set',
        `sqs.topicArns=${JSON.stringify({ [ORDER_MEDIA_TYPE]: topicArn })}`,
      ]);
      const messageId = await running.producer.produce(Order, content('sns-1'));
      expect(messageId).not.toBe('');
      await finished(running, 1);
      expect(handlerState.handled.map((entry) => entry.order.id)).toEqual(['sns-1']);
      await running.stop();
      expect(await messagesLeft(sqs, queueUrl)).toBe(0);
    });
  }

  // A publisher that is not switchyard may name the media type only in the message attribute.
  for (const raw of [false, true]) {
    it(`takes the media type from the media_type attribute alone (${raw ? 'raw' : 'SNS envelope'})`, async () => {
      const { topicArn, queueUrl } = await subscribedQueue('attribute-typed', raw);
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(content('typed-by-attribute')),
          MessageAttributes: { media_type: { DataType: 'String', StringValue: ORDER_MEDIA_TYPE } },
        }),
      );
      running = await startDaemon(new OrderDaemon(), fauxqs, queueUrl);
      await finished(running, 1);
      expect(handlerState.handled.map((entry) => entry.order.id)).toEqual(['typed-by-attribute']);
      await running.stop();
      expect(await messagesLeft(sqs, queueUrl)).toBe(0);
    });
  }

  it('takes the media type → topic map from the environment (<DAEMON>__SQS__TOPIC_ARNS)', async () => {
    const { topicArn, queueUrl } = await subscribedQueue('env-topics');
    // The daemon consumes elsewhere: without the map its SQS producer would send to that queue.
    const home = await createQueue(sqs, 'env-home');
    running = await startDaemon(new OrderDaemon(), fauxqs, home, [], {
      env: { ORDER_CONSUMER__SQS__TOPIC_ARNS: JSON.stringify({ [ORDER_MEDIA_TYPE]: topicArn }) },
    });
    await running.producer.produce(Order, content('routed-by-env'));
    const [delivered] = await receiveAll(sqs, queueUrl, 1);
    expect(JSON.parse(delivered!.Body!)).toMatchObject({ Type: 'Notification', TopicArn: topicArn });
    expect(delivered!.Body).toContain('routed-by-env');
  });

  it('deferred produce: a handler publishes only when it succeeds', async () => {
    const orders = await subscribedQueue('deferred-orders');
    const receipts = await subscribedQueue('deferred-receipts', true);
    resetHandler(async (incoming, context) => {
      await context.producer.produce(Receipt, { orderId: incoming.id });
      if (incoming.id === 'rejected') throw new RejectMessage('refused after producing');
    });
    running = await startDaemon(new OrderDaemon(), fauxqs, orders.queueUrl, [
      '--set',
      `sqs.topicArn=${orders.topicArn}`,
      '--set',
      `sqs.topicArns=${JSON.stringify({ [RECEIPT_MEDIA_TYPE]: receipts.topicArn })}`,
      '--set',
      `sqs.deadLetterQueueUrl=${await createQueue(sqs, 'deferred-dlq')}`,
    ]);
    await running.producer.produce(Order, content('rejected'));
    await running.producer.produce(Order, content('accepted'));
    await finished(running, 2);
    expect(running.counter.get('dead-lettered')).toBe(1);
    // Ask for more than should be there: a receipt of the rejected order would show up here.
    const published = await receiveAll(sqs, receipts.queueUrl, 2, 3000);
    expect(published.map((message) => (JSON.parse(message.Body!) as { orderId: string }).orderId)).toEqual([
      'accepted',
    ]);
    expect(attribute(published[0]!, 'media_type')).toBe(RECEIPT_MEDIA_TYPE);
  });

  it('produceBatch publishes through PublishBatch, ids in order', async () => {
    const { topicArn, queueUrl } = await subscribedQueue('batch-orders');
    running = await startDaemon(new OrderDaemon(), fauxqs, queueUrl, ['--set', `sqs.topicArn=${topicArn}`]);
    const items = Array.from({ length: 12 }, (_, index) => ({ type: Order, content: content(`b-${index}`) }));
    const ids = await produceBatch(running, items);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    await finished(running, 12);
    expect(handlerState.handled.map((entry) => entry.order.id).sort()).toEqual(
      items.map((item) => item.content.id as string).sort(),
    );
  });

  it('FIFO topic: group ids from the key keep each group in order', async () => {
    const { topicArn, queueUrl } = await subscribedQueue('fifo-orders.fifo', true);
    running = await startDaemon(new OrderDaemon(), fauxqs, queueUrl, [
      '--set',
      `sqs.topicArn=${topicArn}`,
      '--concurrency',
      '8',
    ]);
    for (let sequence = 0; sequence < 5; sequence += 1)
      for (const group of ['x', 'y'])
        await running.producer.produce(Order, content(`${group}-${sequence}`, group, sequence), {
          key: group,
        });
    await finished(running, 10);
    for (const group of ['x', 'y'])
      expect(
        handlerState.handled
          .filter((entry) => entry.order.group === group)
          .map((entry) => entry.order.sequence),
      ).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses an oversized message and an unrouted media type with typed errors', async () => {
    const { topicArn, queueUrl } = await subscribedQueue('errors');
    running = await startDaemon(new OrderDaemon(), fauxqs, queueUrl, [
      '--set',
      `sqs.topicArns=${JSON.stringify({ [ORDER_MEDIA_TYPE]: topicArn })}`,
    ]);
    const tooBig = running.producer.produce(Order, { ...content('big'), id: 'x'.repeat(300_000) });
    await expect(tooBig).rejects.toSatisfy(
      (error) => SwitchyardError.is(error) && error.code === SqsErrorCodes.MESSAGE_TOO_LARGE,
    );
    await expect(tooBig).rejects.toThrow(/256 KiB/);
    const unrouted = running.producer.produce(Receipt, { orderId: 'o' });
    await expect(unrouted).rejects.toSatisfy(
      (error) => SwitchyardError.is(error) && error.code === SqsErrorCodes.NO_DESTINATION,
    );
  });
});

describe('SNS producer against a faulty fauxqs', () => {
  it('retries throttling with backoff, then publishes; a lasting fault is a typed error', async () => {
    const { topicArn } = await subscribedQueue('throttled');
    const proxy = await startFaultyProxy(fauxqs);
    try {
      const producer = new SnsProducer(
        new SNSClient({ endpoint: proxy.endpoint, region: 'us-east-1', maxAttempts: 4 }),
        {},
        topicArn,
      );
      const message = { mediaType: ORDER_MEDIA_TYPE, body: JSON.stringify(order('t')), attributes: {} };
      proxy.fault = { status: 400, type: 'Throttling' };
      proxy.faultsLeft = 2;
      expect(await producer.send(message)).not.toBe('');
      expect(proxy.requests).toBe(3);
      proxy.fault = { status: 503, type: 'ServiceUnavailable' };
      const failed = producer.send(message);
      await expect(failed).rejects.toMatchObject({ code: SqsErrorCodes.PUBLISH_FAILED });
      await expect(failed).rejects.toThrow(
        /could not publish application\/vnd.switchyard.test.order to arn:/,
      );
      expect(proxy.requests).toBe(3 + 4);
    } finally {
      await proxy.stop();
    }
  });
});

describe('SNS producer at stop against fauxqs', () => {
  // Closing the SNS client under a publish in flight made the SDK retry it on a new socket: the
  // topic got the message twice. The producer's close now lets it finish first.
  it('a publish in flight when the daemon stops finishes before the client closes: delivered once', async () => {
    const proxy = await startFaultyProxy(fauxqs);
    const { topicArn, queueUrl: subscribed } = await subscribedQueue('sns-at-stop', true);
    const consumed = await createQueue(sqs, 'sns-at-stop-home');
    const running = await startDaemon(new OrderDaemon(), proxy.endpoint, consumed, [
      '--set',
      `sqs.topicArn=${topicArn}`,
    ]);
    try {
      proxy.answerDelay = { action: 'Publish', ms: 1500 };
      const sent = running.producer.produce(Order, content('late'));
      await until('the server took the publish; its answer is held back', () => proxy.delayed === 1, 5000);
      await running.stop();
      await expect(sent).resolves.toBeDefined();
      // Ask for more than should arrive: a duplicate would show up here.
      const received = await receiveAll(sqs, subscribed, 2, 3000);
      expect(received.map((message) => (JSON.parse(message.Body!) as { id: string }).id)).toEqual(['late']);
    } finally {
      await running.stop();
      await proxy.stop();
    }
  });
});
