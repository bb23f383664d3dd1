import { DEAD_LETTER_ATTRIBUTES, RejectMessage } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { jsonOf, switchyard } from '../support/runSwitchyard.js';
import { sendDeadLetter } from './deadLetters.js';
import { handlerState, order, OrderDaemon, ORDER_MEDIA_TYPE, resetHandler } from './fixtures.js';
import {
  attribute,
  createQueue,
  daemonPerTest,
  elasticMq,
  messagesLeft,
  noElasticMq,
  receiveAll,
  sendRaw,
  sqsClient,
  until,
} from './support.js';

interface Listed {
  count: number;
  groups: Array<{
    reason: string;
    mediaType: string | null;
    source: string | null;
    count: number;
    oldest: string;
    newest: string;
  }>;
  messages?: Array<{ id: string; reason: string; body: string; attributes: Record<string, string> }>;
}

describe.skipIf(noElasticMq)('switchyard dlq on SQS (ElasticMQ)', () => {
  const client = sqsClient(elasticMq);
  const start = daemonPerTest();
  const sqsFlags = (queueUrl: string): string[] => ['--queue-url', queueUrl, '--endpoint-url', elasticMq];

  it('lists what a daemon dead-lettered by reason, shows one, and replays the fixed ones back to the daemon', async () => {
    const source = await createQueue(client, 'ops-orders');
    const dlq = await createQueue(client, 'ops-orders-dlq');
    // The downstream is broken: every order is rejected.
    resetHandler((placed) => {
      throw new RejectMessage(`warehouse refused the order (${placed.group})`);
    });
    const daemon = await start(new OrderDaemon(), elasticMq, source, [
      '--set',
      `sqs.deadLetterQueueUrl=${dlq}`,
    ]);
    for (let index = 0; index < 3; index += 1)
      await sendRaw(client, source, JSON.stringify(order(`o-${index}`)));
    await sendRaw(client, source, 'password=hunter2 is not json');
    await sendRaw(client, source, JSON.stringify({ mediaType: ORDER_MEDIA_TYPE, id: 7 }));
    await until('5 dead letters', async () => (await messagesLeft(client, dlq)) === 5, 20_000);

    const listed = jsonOf<Listed>(await switchyard('dlq', 'list', ...sqsFlags(dlq), '--json', '--messages'));
    expect(listed.count).toBe(5);
    // Three groups, the largest first: the rejected orders, the body that is not JSON, the invalid order.
    expect(listed.groups.map((group) => group.count)).toEqual([3, 1, 1]);
    expect(listed.groups[0]).toMatchObject({
      reason: 'rejected: warehouse refused the order (g)',
      mediaType: ORDER_MEDIA_TYPE,
    });
    expect(listed.groups.map((group) => group.source)).toEqual([source, source, source]);
    const notJson = listed.groups.find((group) => group.reason.includes('not JSON'))!;
    expect(notJson).toMatchObject({ count: 1, mediaType: null, source });
    expect(listed.groups.filter((group) => group.mediaType === ORDER_MEDIA_TYPE).length).toBeGreaterThan(0);
    expect(Date.parse(notJson.oldest)).toBeLessThanOrEqual(Date.parse(notJson.newest));
    // Listing put every message back.
    expect(await messagesLeft(client, dlq)).toBe(5);

    const text = await switchyard('dlq', 'list', ...sqsFlags(dlq));
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^5 dead letters on /);
    expect(text.stdout).toMatch(/COUNT\s+REASON\s+MEDIA TYPE\s+SOURCE\s+OLDEST\s+NEWEST/);
    expect(text.stderr).toMatch(/ApproximateReceiveCount rises by one/);

    const rejected = listed.messages!.find((message) => message.body === JSON.stringify(order('o-1')))!;
    const shown = await switchyard('dlq', 'show', rejected.id, ...sqsFlags(dlq));
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`reason:`);
    expect(shown.stdout).toContain('warehouse refused the order (g)');
    expect(shown.stdout).toContain(`source:     ${source}`);
    expect(shown.stdout).toContain('"id":"o-1"');

    const dry = await switchyard(
      'dlq',
      'replay',
      ...sqsFlags(dlq),
      '--media-type',
      ORDER_MEDIA_TYPE,
      '--reason',
      'warehouse',
      '--dry-run',
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout.match(/^would replay {2}\S+ -> /gm)).toHaveLength(3);
    expect(dry.stdout).toMatch(/^would replay 3; skipped 2 filtered$/m);
    expect(await messagesLeft(client, dlq)).toBe(5);
    expect(handlerState.handled).toHaveLength(3);

    // The warehouse is fixed: replay the orders it refused.
    resetHandler();
    const replay = await switchyard(
      'dlq',
      'replay',
      ...sqsFlags(dlq),
      '--reason',
      'warehouse refused',
      '--actor',
      'alice',
    );
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout.match(/^replayed {6}\S+ -> /gm)).toHaveLength(3);
    expect(replay.stdout).toMatch(/^replayed 3; skipped 2 filtered$/m);
    await until('the replayed orders handled', () => handlerState.handled.length === 3, 20_000);
    expect(handlerState.handled.map(({ order: placed }) => placed.id).sort()).toEqual(['o-0', 'o-1', 'o-2']);
    // The attempt count restarts: each replayed order is on its first attempt.
    expect(handlerState.handled.map(({ attempt }) => attempt)).toEqual([1, 1, 1]);
    await until('the orders deleted', async () => (await messagesLeft(client, source)) === 0, 10_000);
    expect(await messagesLeft(client, dlq)).toBe(2);
    const left = jsonOf<Listed>(await switchyard('dlq', 'list', ...sqsFlags(dlq), '--json'));
    expect(left.groups.map((group) => group.reason).join('|')).not.toContain('warehouse');
    await daemon.stop();
  });

  it('keeps the body and the Binary and Number attributes, drops the dead-letter ones, and records the replay', async () => {
    const source = await createQueue(client, 'ops-keep');
    const dlq = await createQueue(client, 'ops-keep-dlq');
    const target = await createQueue(client, 'ops-keep-target');
    const body = JSON.stringify({ ...order('k-1'), opaqueData: { trace: 'abc' } });
    await sendDeadLetter(
      client,
      dlq,
      body,
      { reason: 'handler failed 5 times', source },
      {
        media_type: { DataType: 'String', StringValue: ORDER_MEDIA_TYPE },
        blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 255]) },
        priority: { DataType: 'Number', StringValue: '7' },
      },
    );
    const run = await switchyard(
      'dlq',
      'replay',
      ...sqsFlags(dlq),
      '--to',
      target,
      '--actor',
      'bob',
      '--json',
    );
    const summary = jsonOf<{ replayed: number; messages: Array<{ kind: string; target: string }> }>(run);
    expect(summary.replayed).toBe(1);
    expect(summary.messages).toEqual([expect.objectContaining({ kind: 'replayed', target })]);
    const [replayed] = await receiveAll(client, target, 1);
    expect(replayed!.Body).toBe(body);
    const attributes = replayed!.MessageAttributes!;
    expect(attributes.blob).toMatchObject({ DataType: 'Binary' });
    expect(Buffer.from(attributes.blob!.BinaryValue!)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(attributes.priority).toMatchObject({ DataType: 'Number', StringValue: '7' });
    expect(attribute(replayed!, 'media_type')).toBe(ORDER_MEDIA_TYPE);
    expect(attribute(replayed!, 'x-replayed-by')).toBe('bob');
    expect(attribute(replayed!, 'x-replayed-from')).toBe(dlq);
    expect(Date.parse(attribute(replayed!, 'x-replayed-at')!)).not.toBeNaN();
    for (const name of Object.values(DEAD_LETTER_ATTRIBUTES)) expect(attributes[name]).toBeUndefined();
    expect(replayed!.Attributes!.ApproximateReceiveCount).toBe('1');
    expect(await messagesLeft(client, dlq)).toBe(0);
    expect(await messagesLeft(client, source)).toBe(0);
  });

  it('replays at most --limit, leaves bounded records and ones without a source, and says why', async () => {
    const source = await createQueue(client, 'ops-limit');
    const dlq = await createQueue(client, 'ops-limit-dlq');
    for (let index = 0; index < 4; index += 1)
      await sendDeadLetter(client, dlq, JSON.stringify(order(`l-${index}`)), { reason: 'timeout', source });
    await sendDeadLetter(
      client,
      dlq,
      'cut',
      { reason: 'too big', source },
      {
        'x-dead-letter-bounded': { DataType: 'String', StringValue: 'the copy is 300000 bytes' },
      },
    );
    await sendRaw(client, dlq, 'no attributes at all');
    const limited = await switchyard(
      'dlq',
      'replay',
      ...sqsFlags(dlq),
      '--reason',
      'timeout',
      '--limit',
      '2',
    );
    expect(limited.code, limited.stderr).toBe(0);
    expect(limited.stdout.match(/^replayed {6}/gm)).toHaveLength(2);
    expect(await messagesLeft(client, source)).toBe(2);
    const rest = await switchyard('dlq', 'replay', ...sqsFlags(dlq));
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.stdout).toMatch(/skipped +\S+: a bounded record/);
    expect(rest.stdout).toMatch(/skipped +\S+: no x-original-source; pass --to/);
    expect(rest.stdout).toMatch(/^replayed 2; skipped (1 bounded, 1 no source|1 no source, 1 bounded)$/m);
    expect(await messagesLeft(client, source)).toBe(4);
    expect(await messagesLeft(client, dlq)).toBe(2);
  });

  it('paces a replay with --rate', async () => {
    const source = await createQueue(client, 'ops-rate');
    const dlq = await createQueue(client, 'ops-rate-dlq');
    for (let index = 0; index < 6; index += 1)
      await sendDeadLetter(client, dlq, JSON.stringify(order(`r-${index}`)), { reason: 'timeout', source });
    const arrivals: number[] = [];
    const replay = switchyard('dlq', 'replay', ...sqsFlags(dlq), '--rate', '2');
    // Counted while it runs: at 2 per second, 6 messages cannot all be there after the first batch.
    let seenPartial = false;
    while (arrivals.length === 0 || arrivals[arrivals.length - 1]! < 6) {
      const count = await messagesLeft(client, source);
      if (count > 0 && count < 6) seenPartial = true;
      arrivals.push(count);
      if (count === 6) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await replay).code).toBe(0);
    expect(seenPartial).toBe(true);
  });
});
