import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { brokerCases, committedOffsets, events, kafkaBrokers, produceRaw } from '../../kafka/support.js';
import { elasticMq, noElasticMq } from '../../sqs/support.js';
import { stopUnderLoad } from './scenarios.js';
import { eventIds, scratchDir, type LedgerLine } from './support.js';
import { committedTotal, kafkaTarget, sqsTarget } from './transports.js';

const KEYS = 32;

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: SIGTERM under load',
  ({ brokers }) => {
    const dir = scratchDir('kafka-sigterm');

    // in-order: one handler at a time per partition, the rest held by the runner and released at
    // stop; the commit at stop is each partition's contiguous finished prefix, so after a graceful
    // stop the committed offsets are exactly what finished and a restart redoes nothing.
    it('in-order: in-flight handlers finish, the rest is released, commits match what finished, nothing redone', async () => {
      const count = 1200;
      const target = await kafkaTarget({ brokers, partitions: 4, count, mode: 'in-order', concurrency: 16 });
      const { topic, groupId } = target;
      await produceRaw(brokers, topic, events(count, KEYS));
      /** Each partition's finished offsets must be exactly 0 … committed − 1. */
      const committedMatchesFinished = async (finished: readonly LedgerLine[]): Promise<number> => {
        const committed = await committedOffsets(brokers, groupId, topic);
        const done = new Map<number, number[]>();
        for (const { messageId } of finished) {
          const [, partition, offset] = messageId.split('/').map(Number);
          done.set(partition!, [...(done.get(partition!) ?? []), offset!]);
        }
        for (const [partition, offsets] of done) {
          const prefix = Array.from(
            { length: Math.max(0, committed[partition] ?? 0) },
            (_, offset) => offset,
          );
          expect(
            offsets.sort((a, b) => a - b),
            `partition ${partition}: committed = what finished`,
          ).toEqual(prefix);
        }
        return committedTotal(brokers, groupId, topic);
      };
      await stopUnderLoad({
        ...target,
        name: 'kafka-sigterm-in-order',
        count,
        keys: KEYS,
        dir: dir(),
        afterStop: committedMatchesFinished,
      });
    });
  },
);

describe.skipIf(noElasticMq)('ElasticMQ: SIGTERM under load', () => {
  const dir = scratchDir('sqs-sigterm');
  const pollers = 2;

  // Finished messages are deleted (the delete batch is flushed at close), received but unstarted
  // ones are released with visibility 0 (those that polls bring after the stop began as they arrive,
  // not after the drain): after the stop nothing should still be leased except what a poll cut off at
  // close just after the server answered received (at most pollers × 10), and a restart redoes nothing.
  it('in-flight handlers finish, finished are deleted, unstarted released, nothing redone', async () => {
    const count = 2000;
    const target = await sqsTarget({
      endpoint: elasticMq,
      visibilityTimeoutSeconds: 30,
      concurrency: 16,
      settings: { 'sqs.pollers': pollers },
    });
    await target.send(eventIds(count, KEYS));
    const stillLeased = async (): Promise<number> => {
      const response = await target.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: target.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const leased = Number(response.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
      expect(leased, 'still leased after a graceful stop').toBeLessThanOrEqual(pollers * 10);
      return leased;
    };
    await stopUnderLoad({
      ...target,
      name: 'sqs-sigterm',
      count,
      keys: KEYS,
      dir: dir(),
      afterStop: stillLeased,
    });
  });
});
