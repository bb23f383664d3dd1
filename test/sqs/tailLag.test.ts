import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { jsonOf, switchyard } from '../support/runSwitchyard.js';
import {
  createQueue,
  elasticMq,
  messagesLeft,
  noElasticMq,
  queueArn,
  receiveAll,
  sendRaw,
  sqsClient,
} from './support.js';

describe.skipIf(noElasticMq)('switchyard tail and lag on SQS (ElasticMQ)', () => {
  const client = sqsClient(elasticMq);
  const endpoint = ['--endpoint-url', elasticMq];

  it('tails by peeking: says the receive count rises, filters, leaves every message on the queue', async () => {
    const queue = await createQueue(client, 'tail');
    await sendRaw(client, queue, JSON.stringify({ id: 1 }), { media_type: 'application/vnd.a' });
    await sendRaw(client, queue, JSON.stringify({ id: 2, note: 'needle' }), {
      media_type: 'application/vnd.b',
    });
    const run = await switchyard('tail', '--queue-url', queue, ...endpoint, '--json', '--limit', '2');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/ApproximateReceiveCount \(the daemon's attempt number\) rises by one/);
    const shown = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { mediaType: string; body: string });
    expect(shown.map(({ mediaType }) => mediaType).sort()).toEqual([
      'application/vnd.a',
      'application/vnd.b',
    ]);
    const grep = await switchyard(
      'tail',
      '--queue-url',
      queue,
      ...endpoint,
      '--grep',
      'need+le',
      '--limit',
      '1',
    );
    expect(grep.code, grep.stderr).toBe(0);
    expect(grep.stdout).toContain('media type: application/vnd.b');
    expect(grep.stdout).not.toContain('application/vnd.a');
    // Nothing consumed: both still there, each received once per peek that returned it.
    expect(await messagesLeft(client, queue)).toBe(2);
    const after = await receiveAll(client, queue, 2);
    expect(after.every((message) => Number(message.Attributes!.ApproximateReceiveCount) >= 2)).toBe(true);
  });

  it('refuses to tail a queue with a redrive policy unless --force', async () => {
    const dlq = await createQueue(client, 'tail-redrive-dlq');
    const queue = await createQueue(client, 'tail-redrive', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await queueArn(client, dlq), maxReceiveCount: 3 }),
    });
    await sendRaw(client, queue, '{"id":1}');
    const refused = await switchyard('tail', '--queue-url', queue, ...endpoint, '--limit', '1');
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/has a redrive policy \(maxReceiveCount 3\).*pass --force/);
    const forced = await switchyard('tail', '--queue-url', queue, ...endpoint, '--limit', '1', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('{"id":1}');
  });

  it('lag: visible, in flight and delayed per queue; the oldest age with --peek', async () => {
    const queue = await createQueue(client, 'lag');
    const other = await createQueue(client, 'lag-other');
    for (let index = 0; index < 3; index += 1) await sendRaw(client, queue, `{"n":${index}}`);
    // One in flight: received, not deleted.
    await client.send(
      new ReceiveMessageCommand({ QueueUrl: queue, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }),
    );
    const once = jsonOf<{
      queues: Array<{
        queueUrl: string;
        visible: number;
        inFlight: number;
        delayed: number;
        oldestAgeSeconds: number | null;
      }>;
    }>(await switchyard('lag', '--queue-url', queue, '--queue-url', other, ...endpoint, '--json'));
    expect(once.queues).toEqual([
      { queueUrl: queue, visible: 2, inFlight: 1, delayed: 0, oldestAgeSeconds: null },
      { queueUrl: other, visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: null },
    ]);
    const text = await switchyard('lag', '--queue-url', queue, ...endpoint, '--peek');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/QUEUE\s+VISIBLE\s+IN FLIGHT\s+DELAYED\s+OLDEST AGE/);
    expect(text.stdout).toMatch(/\s2\s+1\s+0\s+\d+s$/m);
    const noPeek = await switchyard('lag', '--queue-url', queue, ...endpoint);
    expect(noPeek.stderr).toMatch(/OLDEST AGE needs --peek/);
  });

  it('a queue that does not exist: one line naming it, exit 1, for every command', async () => {
    const missing = `${elasticMq}/000000000000/no-such-queue`;
    for (const args of [['dlq', 'list'], ['dlq', 'show', 'some-id'], ['dlq', 'replay'], ['tail'], ['lag']]) {
      const run = await switchyard(...args, '--queue-url', missing, ...endpoint);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr, args.join(' ')).toMatch(/no-such-queue does not exist .*check the URL/);
    }
    const target = await createQueue(client, 'replay-missing-target');
    const dlq = await createQueue(client, 'replay-missing-dlq');
    await sendRaw(client, dlq, '{}', { 'x-dead-letter-reason': 'x', 'x-original-source': target });
    const run = await switchyard('dlq', 'replay', '--queue-url', dlq, ...endpoint, '--to', missing);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^switchyard: cannot replay \S+ to \S+no-such-queue: .*does not exist.*pass --to/m,
    );
    expect(await messagesLeft(client, dlq)).toBe(1);
  });
});
