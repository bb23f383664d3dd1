import { SwitchyardError } from '@switchyard/core';
import { produceBatch, SqsErrorCodes } from '@switchyard/sqs';
import { describe, expect, it } from 'vitest';
import { Order, ORDER_MEDIA_TYPE, OrderDaemon } from './fixtures.js';
import {
  attribute,
  createQueue,
  daemonPerTest,
  observedClient,
  proxyPerTest,
  receiveAll,
  sqsClient,
  sqsServers,
  until,
  useClient,
} from './support.js';

const order = (id: string) => ({ type: Order, content: { id, group: 'g', sequence: 0 } });
const idOf = (body: string | undefined): string => (JSON.parse(body ?? '{}') as { id: string }).id;

for (const server of sqsServers)
  describe.skipIf(server.missing)(`SQS producer batches against ${server.name}`, () => {
    const client = sqsClient(server.endpoint);
    const start = daemonPerTest();

    /** A daemon whose SQS producer sends to `target`, counting its SendMessageBatch calls. */
    async function producingTo(target: string) {
      const batches = { calls: 0 };
      const counting = observedClient(server.endpoint, (command) => {
        if (command === 'SendMessageBatchCommand') batches.calls += 1;
      });
      const consumed = await createQueue(client, 'producer-home');
      const running = await start(
        new OrderDaemon(),
        server.endpoint,
        consumed,
        ['--set', `sqs.producerQueueUrl=${target}`],
        { modules: [useClient(counting)] },
      );
      return { running, batches };
    }

    it('sends a batch through SendMessageBatch: ids in input order, media type attribute on each', async () => {
      const target = await createQueue(client, 'batch-target');
      const { running, batches } = await producingTo(target);
      const items = Array.from({ length: 12 }, (_, index) => order(`s-${index}`));
      const ids = await produceBatch(running, items);
      expect(batches.calls).toBe(2);
      const received = await receiveAll(client, target, 12);
      const idByOrder = new Map(received.map((message) => [idOf(message.Body), message.MessageId]));
      expect(ids).toEqual(items.map((item) => idByOrder.get(item.content.id)));
      expect(received.every((message) => attribute(message, 'media_type') === ORDER_MEDIA_TYPE)).toBe(true);
    });

    it('splits a batch so no call is over 256 KiB in all', async () => {
      const target = await createQueue(client, 'large-target');
      const { running, batches } = await producingTo(target);
      const large = ['a', 'b', 'c'].map((name) => order(name.repeat(100 * 1024)));
      expect(await produceBatch(running, large)).toHaveLength(3);
      expect(batches.calls).toBe(2);
      expect(await receiveAll(client, target, 3)).toHaveLength(3);
    });

    it('FIFO without content-based deduplication: the caller’s deduplication id decides', async () => {
      const target = await createQueue(client, 'dedup.fifo', { ContentBasedDeduplication: 'false' });
      const { running } = await producingTo(target);
      // One group per message (fauxqs hands out one message per group at a time), but the duplicate's.
      const inGroup = (item: ReturnType<typeof order>, group: string) => ({
        ...item,
        options: { key: group },
      });
      await produceBatch(running, [
        { ...inGroup(order('first'), 'g1'), deduplicationId: 'same' },
        { ...inGroup(order('duplicate'), 'g1'), deduplicationId: 'same' },
        { ...inGroup(order('other'), 'g2'), deduplicationId: 'other' },
        inGroup(order('no-id-1'), 'g3'),
        inGroup(order('no-id-2'), 'g4'),
      ]);
      // Ask for more than should arrive: the duplicate would show up here.
      const received = await receiveAll(client, target, 5, 3000);
      expect(received.map((message) => idOf(message.Body)).sort()).toEqual([
        'first',
        'no-id-1',
        'no-id-2',
        'other',
      ]);
    });

    it('a daemon that does not publish through SNS or SQS gets a typed error, not a TypeError', async () => {
      // No queue URL and no SQS settings: the daemon runs on the embedded bus.
      const running = await new OrderDaemon().start({ argv: ['--set', 'daemon.logLevel=silent'], env: {} });
      try {
        const refused = produceBatch(running, [order('nowhere')]);
        await expect(refused).rejects.toSatisfy((error) =>
          SwitchyardError.isCode(error, SqsErrorCodes.BATCH_UNSUPPORTED),
        );
        await expect(refused).rejects.toThrow(
          /order-consumer has no SNS\/SQS producer \(it publishes with \w+\)/,
        );
      } finally {
        await running.stop();
      }
    });
  });

for (const server of sqsServers)
  describe.skipIf(server.missing)(`SQS producer at stop against ${server.name}`, () => {
    const client = sqsClient(server.endpoint);
    const proxy = proxyPerTest(server.endpoint);
    const start = daemonPerTest();

    // The transport closes before the producer, and used to destroy the client they share: the SDK
    // then retried the send cut off in flight on a new socket, and the queue got the message twice.
    it('a send in flight when the daemon stops finishes before the client closes: the queue gets it once', async () => {
      const consumed = await createQueue(client, 'stop-home');
      const target = await createQueue(client, 'stop-target');
      const running = await start(new OrderDaemon(), proxy().endpoint, consumed, [
        '--set',
        `sqs.producerQueueUrl=${target}`,
      ]);
      proxy().answerDelay = { action: 'SendMessage', ms: 1500 };
      const sent = running.producer.produce(Order, { id: 'late', group: 'g', sequence: 0 });
      await until('the server took the send; its answer is held back', () => proxy().delayed === 1, 5000);
      await running.stop();
      await expect(sent).resolves.toBeDefined();
      // Ask for more than should arrive: a duplicate would show up here.
      const received = await receiveAll(client, target, 2, 3000);
      expect(received.map((message) => idOf(message.Body))).toEqual(['late']);
    });
  });
