import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { RejectMessage } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { jsonOf, switchyard } from '../support/runSwitchyard.js';
import { handlerState, OrderDaemon, ORDER_MEDIA_TYPE, resetHandler } from './fixtures.js';
import { createQueue, daemonPerTest, fauxqs, messagesLeft, queueArn, sqsClient, until } from './support.js';

// The operator commands on the SNS path (fauxqs): messages that reached the daemon's queue through
// an SNS subscription, in SNS's envelope, are dead-lettered, listed by the media type the envelope
// carries, tailed unwrapped, and replayed to the queue, where the daemon handles them again.

interface Listed {
  count: number;
  groups: Array<{ reason: string; mediaType: string | null; source: string | null; count: number }>;
}

const sqs = sqsClient(fauxqs);
const sns = new SNSClient({ endpoint: fauxqs, region: 'us-east-1' });

describe('switchyard dlq and tail on the SNS path (fauxqs)', () => {
  const start = daemonPerTest();
  const flags = (queueUrl: string): string[] => ['--queue-url', queueUrl, '--endpoint-url', fauxqs];

  it('lists SNS-enveloped dead letters by their media type, tails them unwrapped, and replays them to the daemon', async () => {
    const topic = await sns.send(new CreateTopicCommand({ Name: `ops-sns-${process.pid}-${Date.now()}` }));
    const source = await createQueue(sqs, 'ops-sns-orders');
    const dlq = await createQueue(sqs, 'ops-sns-orders-dlq');
    await sns.send(
      new SubscribeCommand({
        TopicArn: topic.TopicArn!,
        Protocol: 'sqs',
        Endpoint: await queueArn(sqs, source),
      }),
    );
    const publish = (id: string) =>
      sns.send(
        new PublishCommand({
          TopicArn: topic.TopicArn!,
          Message: JSON.stringify({ id, group: 'g', sequence: 0 }),
          MessageAttributes: { media_type: { DataType: 'String', StringValue: ORDER_MEDIA_TYPE } },
        }),
      );

    // tail on the source queue before the daemon runs: the envelope unwrapped, its media type read.
    await publish('peeked');
    const tailed = await switchyard('tail', ...flags(source), '--limit', '1', '--json');
    expect(tailed.code, tailed.stderr).toBe(0);
    const [line] = tailed.stdout.trim().split('\n');
    const record = JSON.parse(line!) as { body: string; mediaType: string | null };
    expect(JSON.parse(record.body)).toMatchObject({ id: 'peeked' });
    expect(record.mediaType).toBe(ORDER_MEDIA_TYPE); // from the envelope's MessageAttributes

    resetHandler((placed) => {
      throw new RejectMessage(`warehouse refused ${placed.id}`);
    });
    const daemon = await start(new OrderDaemon(), fauxqs, source, ['--set', `sqs.deadLetterQueueUrl=${dlq}`]);
    await publish('o-1');
    await publish('o-2');
    await until('3 dead letters', async () => (await messagesLeft(sqs, dlq)) === 3, 30_000);

    const listed = jsonOf<Listed>(await switchyard('dlq', 'list', ...flags(dlq), '--json'));
    expect(listed.count).toBe(3);
    expect(listed.groups.every((group) => group.mediaType === ORDER_MEDIA_TYPE)).toBe(true);
    expect(listed.groups.every((group) => group.source === source)).toBe(true);

    resetHandler();
    const replay = await switchyard('dlq', 'replay', ...flags(dlq), '--actor', 'alice');
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toMatch(/^replayed 3\b/m);
    await until('the replayed orders handled', () => handlerState.handled.length === 3, 30_000);
    expect(handlerState.handled.map(({ order }) => order.id).sort()).toEqual(['o-1', 'o-2', 'peeked']);
    expect(handlerState.handled.map(({ attempt }) => attempt)).toEqual([1, 1, 1]);
    await until('the dead-letter queue empty', async () => (await messagesLeft(sqs, dlq)) === 0, 10_000);
    await daemon.stop();
  }, 120_000);
});
