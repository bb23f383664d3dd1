import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { handlerModule, projectDir, runProcessor, type RunningProcessor } from '../processor/support.js';
import { createQueue, elasticMq, messagesLeft, noElasticMq, sendRaw, sqsClient, until } from './support.js';

let processor: RunningProcessor | undefined;
afterEach(async () => {
  await processor?.stop();
  processor = undefined;
});

// Exits its worker on 'crash', succeeds otherwise.
const HANDLER = handlerModule(`
  if (data.toString() === 'crash') process.exit(3);
  return 'ok ' + data.toString();
`);

describe.skipIf(noElasticMq)('switchyard process on SQS (ElasticMQ)', () => {
  it('a message that crashes its worker maxWorkerCrashes times is dead-lettered with the reason; the rest go on', async () => {
    const client = sqsClient(elasticMq);
    const source = await createQueue(client, 'proc-in');
    const deadLetters = await createQueue(client, 'proc-dlq');
    const sink = await createQueue(client, 'proc-out');
    for (const body of ['a', 'crash', 'b']) await sendRaw(client, source, body);
    const dir = projectDir(
      `
processor:
  workers: 2
  maxWorkerCrashes: 2
source:
  kind: sqs
  queueUrl: ${source}
  endpoint: ${elasticMq}
  deadLetterQueueUrl: ${deadLetters}
sink:
  kind: sqs
  queueUrl: ${sink}
  endpoint: ${elasticMq}
consumer:
  maxAttempts: 10
  backoffBaseSeconds: 0
`,
      { 'handler.mjs': HANDLER },
    );
    processor = await runProcessor(dir);
    await processor.running.finished(3);
    const kinds = processor.outcomes.map((recorded) => recorded.outcome.kind);
    const count = (kind: string): number => kinds.filter((each) => each === kind).length;
    expect([count('dead-lettered'), count('succeeded')]).toEqual([1, 2]);
    // One crash of its own before the last; with 'b' beside it in a worker (8 at once for this
    // async handler), one more crash that counts against neither, and a failed attempt of 'b'.
    expect(count('failed')).toBeGreaterThanOrEqual(1);
    expect(count('failed')).toBeLessThanOrEqual(3);
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetters,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
        MessageAttributeNames: ['All'],
      }),
    );
    expect(Messages.map((message) => message.Body)).toEqual(['crash']);
    expect(Messages[0]!.MessageAttributes?.['x-dead-letter-reason']?.StringValue).toMatch(
      /^rejected: the worker crashed 2 times on this message \(processor.maxWorkerCrashes 2\); last: /,
    );
    await until('the source queue is empty', async () => (await messagesLeft(client, source)) === 0, 10_000);
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: sink, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
    );
    expect((out.Messages ?? []).map((message) => message.Body).sort()).toEqual(['ok a', 'ok b']);
    client.destroy();
  });
});
