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
    // What the killed process had received stays hidden for 20 s.
    const child = spawnSwitchyard(['dlq', 'replay', ...flags, '--rate', '10', '--visibility-timeout', '20']);
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const killed = await killMidway(
      child,
      async () => (printed.match(/^replayed {6}/gm)?.length ?? 0) >= 10,
      '10 dead letters replayed',
    );
    expect(killed.signal).toBe('SIGKILL');
    expect(await messagesLeft(client, dlq)).toBeGreaterThan(0);

    const hiddenNow = async (): Promise<number> => {
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: dlq,
          AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
    };
    // Run again at once: what the killed replay held is still hidden, and the replay says so.
    const hiddenAtRerun = await hiddenNow();
    const first = await switchyard('dlq', 'replay', ...flags);
    expect(first.code, first.stderr).toBe(0);
    if (hiddenAtRerun > 0)
      expect(first.stderr).toMatch(
        /note: about \d+ message\(s\) on the dead-letter queue were hidden .* run dlq replay again then/,
      );
    // Once their visibility timeout ran out, run it again.
    await until('nothing hidden on the dead-letter queue', async () => (await hiddenNow()) === 0, 40_000);
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
      `replay killed after ${printed.match(/^replayed {6}/gm)?.length} replayed; duplicates: ${duplicates}; hidden when run again at once: ${hiddenAtRerun}`,
    );
    expect(duplicates).toBeLessThanOrEqual(10);
  });
});
