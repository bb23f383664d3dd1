import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { killMidway } from '../support/killMidway.js';
import { spawnSwitchyard, switchyard } from '../support/runSwitchyard.js';
import { sendDeadLetters } from './deadLetters.js';
import {
  createQueue,
  elasticMq,
  messagesLeft,
  noElasticMq,
  receiveAll,
  sqsClient,
  until,
} from './support.js';

const COUNT = 60;

describe.skipIf(noElasticMq)('dlq replay killed with SIGKILL (ElasticMQ)', () => {
  const client = sqsClient(elasticMq);

  it('loses no dead letter: run again, every one reaches its source at least once', async () => {
    const source = await createQueue(client, 'kill-source');
    const dlq = await createQueue(client, 'kill-dlq');
    const bodies = Array.from({ length: COUNT }, (_, seq) => JSON.stringify({ seq }));
    await sendDeadLetters(client, dlq, bodies, { reason: 'timeout', source });
    const flags = ['--queue-url', dlq, '--endpoint-url', elasticMq];
    // A short hold: what the killed process had received comes back to the queue in 2 s.
    const child = spawnSwitchyard(['dlq', 'replay', ...flags, '--rate', '10', '--visibility-timeout', '2']);
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const killed = await killMidway(
      child,
      async () => (printed.match(/^replayed {6}/gm)?.length ?? 0) >= 10,
      '10 dead letters replayed',
    );
    expect(killed.signal).toBe('SIGKILL');
    expect(await messagesLeft(client, dlq)).toBeGreaterThan(0);

    // What the killed replay held is hidden until its visibility timeout runs out; then run again.
    await until(
      'nothing hidden on the dead-letter queue',
      async () => {
        const { Attributes } = await client.send(
          new GetQueueAttributesCommand({
            QueueUrl: dlq,
            AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        return Attributes?.ApproximateNumberOfMessagesNotVisible === '0';
      },
      30_000,
    );
    const rerun = await switchyard('dlq', 'replay', ...flags);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await messagesLeft(client, dlq)).toBe(0);

    const total = await messagesLeft(client, source);
    const arrived = await receiveAll(client, source, total, 30_000);
    expect(arrived).toHaveLength(total);
    const seqs = arrived.map((message) => (JSON.parse(message.Body!) as { seq: number }).seq);
    const unique = new Set(seqs);
    // None lost: every dead letter reached its source.
    expect([...unique].sort((a, b) => a - b)).toEqual(Array.from({ length: COUNT }, (_, seq) => seq));
    // Duplicated at most the one batch (10) sent but not yet deleted when the kill came.
    const duplicates = seqs.length - unique.size;
    console.info(
      `replay killed after ${printed.match(/^replayed {6}/gm)?.length} replayed; duplicates: ${duplicates}`,
    );
    expect(duplicates).toBeLessThanOrEqual(10);
  });
});
