import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { healthPlugin } from '@switchyard/observability';
import { describe, expect, it } from 'vitest';
import { freePort } from '../servers/freePort.js';
import { capturedLogger, MAX_PROBE_MS, probing } from '../support/hostileInput.js';
import { handlerState, order, ORDER_MEDIA_TYPE, OrderDaemon } from './fixtures.js';
import {
  attribute,
  createQueue,
  daemonPerTest,
  finished,
  messagesLeft,
  receiveAll,
  sendRaw,
  sqsClient,
  sqsServers,
  until,
} from './support.js';

// Issue 12 on real SQS servers: hostile inputs sent with the AWS SDK, as a foreign client would,
// each with the outcome the fix gives it. The memory bus runs the same corpus in
// test/faults/badInput.test.ts, Kafka in test/kafka/hostileInput.test.ts.

const SECRET = 'password=hunter2secret';
// Bodies up to the default consumer.maxBodyBytes (1 MiB) need queues that take them: SQS and
// fauxqs allow 1 MiB, ElasticMQ 1.6 refuses more than 256 KiB whatever the queue says.
const LARGE = { MaximumMessageSize: '1048576' };
const MAX_SEND_BYTES: Record<string, number> = { ElasticMQ: 262_144, fauxqs: 1_048_576 };

class ProbedDaemon extends OrderDaemon {
  override readonly plugins = [healthPlugin];
}

const handledIds = (): string[] => handlerState.handled.map((entry) => entry.order.id);

for (const server of sqsServers)
  describe.skipIf(server.missing)(`hostile input against ${server.name} (issue 12)`, () => {
    const client = sqsClient(server.endpoint);
    const start = daemonPerTest();

    /** A queue and its dead-letter queue (sqs.deadLetterQueueUrl), both taking 1 MiB. */
    async function queues(name: string): Promise<{ queue: string; dlq: string; argv: string[] }> {
      const queue = await createQueue(client, name, LARGE);
      const dlq = await createQueue(client, `${name}-dlq`, LARGE);
      return { queue, dlq, argv: ['--set', `sqs.deadLetterQueueUrl=${dlq}`] };
    }

    it('handles messages with a generic content-type attribute, never reading it as a media type', async () => {
      const { queue, dlq, argv } = await queues('content-type');
      const body = (id: string): string => JSON.stringify(order(id));
      await sendRaw(client, queue, body('json'), { 'content-type': 'application/json' });
      await sendRaw(client, queue, body('json-charset'), {
        'content-type': 'Application/JSON; charset=utf-8',
      });
      await sendRaw(client, queue, body('text'), { 'content-type': 'text/plain' });
      // media_type beside it: the attribute names the type, content-type is ignored.
      const fields: Record<string, unknown> = order('attribute');
      delete fields.mediaType;
      await sendRaw(client, queue, JSON.stringify(fields), {
        media_type: ORDER_MEDIA_TYPE,
        'content-type': 'application/json',
      });
      const running = await start(new OrderDaemon(), server.endpoint, queue, argv);
      await finished(running, 4);
      expect(running.counter.snapshot()).toMatchObject({ succeeded: 4 });
      expect(running.counter.get('dead-lettered')).toBe(0);
      expect(handledIds().sort()).toEqual(['attribute', 'json', 'json-charset', 'text']);
      await until('all deleted', async () => (await messagesLeft(client, queue)) === 0);
      expect(await messagesLeft(client, dlq)).toBe(0);
    });

    it('handles a body that starts with a UTF-8 BOM, as the Kafka transport does', async () => {
      const { queue, dlq, argv } = await queues('bom');
      await sendRaw(client, queue, `\uFEFF${JSON.stringify(order('bom'))}`);
      await sendRaw(client, queue, JSON.stringify(order('after')));
      const running = await start(new OrderDaemon(), server.endpoint, queue, argv);
      await finished(running, 2);
      expect(running.counter.get('dead-lettered')).toBe(0);
      expect(handledIds().sort()).toEqual(['after', 'bom']);
      expect(await messagesLeft(client, dlq)).toBe(0);
    });

    it('dead-letters a body that is not JSON with a reason naming a position, quoting none of it, in the log too', async () => {
      const { queue, dlq, argv } = await queues('not-json');
      await sendRaw(client, queue, SECRET, { case: 'long' });
      // Short enough that Node's JSON.parse message quoted it whole.
      await sendRaw(client, queue, 'hunter2secret', { case: 'short' });
      await sendRaw(client, queue, JSON.stringify(order('after')));
      const { logger, raw, lines } = capturedLogger();
      const running = await start(new OrderDaemon(), server.endpoint, queue, argv, { logger });
      await finished(running, 3);
      expect(handledIds()).toEqual(['after']);
      expect(running.counter.get('dead-lettered')).toBe(2);
      const dead = await receiveAll(client, dlq, 2);
      expect(dead).toHaveLength(2);
      const bodies = new Map(dead.map((message) => [attribute(message, 'case'), message.Body]));
      // The copy carries the body as it was (that is what a dead letter is for)…
      expect(bodies).toEqual(
        new Map([
          ['long', SECRET],
          ['short', 'hunter2secret'],
        ]),
      );
      for (const message of dead) {
        // …but the reason says where the body fails, never what it holds.
        const reason = attribute(message, DEAD_LETTER_ATTRIBUTES.reason) ?? '';
        expect(reason).toMatch(/not JSON \(at position \d+/);
        expect(reason).not.toMatch(/hunter|password/);
      }
      const outcomes = lines().filter((line) => line.outcome === 'dead-lettered');
      expect(outcomes).toHaveLength(2);
      for (const line of outcomes) expect(line.reason).toMatch(/at position \d+/);
      expect(raw.filter((line) => /hunter|password/.test(line))).toEqual([]);
    });

    const maxSendBytes = MAX_SEND_BYTES[server.name] ?? 262_144;
    // 100,000 keys take 1 MB (just under the default maxBodyBytes); on a server that takes less,
    // 100,000 array items (200 KB), which count the same.
    const manyNodes =
      maxSendBytes >= 1_048_576
        ? { what: 'keys', fill: Array.from({ length: 100_000 }, (_, index) => `"k${index.toString(36)}":0`) }
        : { what: 'array items', fill: [`"x":[${'0,'.repeat(99_999)}0]`] };

    it(`dead-letters a body of 100,000 ${manyNodes.what} at once (consumer.maxKeys) while /health/live keeps answering`, async () => {
      const { queue, dlq, argv } = await queues('many-keys');
      const body = `{${JSON.stringify(order('many')).slice(1, -1)},${manyNodes.fill.join(',')}}`;
      expect(Buffer.byteLength(body)).toBeLessThan(Math.min(maxSendBytes, 1_048_576)); // under maxBodyBytes
      await sendRaw(client, queue, body);
      await sendRaw(client, queue, JSON.stringify(order('after-1')));
      await sendRaw(client, queue, JSON.stringify(order('after-2')));
      const { logger, lines } = capturedLogger();
      const port = await freePort();
      const prober = probing(`http://127.0.0.1:${port}/health/live`);
      try {
        const running = await start(
          new ProbedDaemon(),
          server.endpoint,
          queue,
          [...argv, '--healthcheck-port', String(port), '--set', 'health.host=127.0.0.1'],
          { logger },
        );
        await finished(running, 3);
        // One more probe after the outcomes.
        const count = prober.probes.length;
        await until('a probe after the outcomes', () => prober.probes.length > count + 1, 10_000);
      } finally {
        await prober.stop();
      }
      expect(handledIds().sort()).toEqual(['after-1', 'after-2']);
      const [outcome] = lines().filter((line) => line.outcome === 'dead-lettered');
      expect(outcome?.reason).toMatch(/more than \d+ keys and items \(consumer\.maxKeys\)/);
      // Before the bound this one body took seconds of CPU.
      expect(outcome?.durationMs).toBeLessThan(500);
      // Probes sent before the health server listened get no answer; once it answers, each does, fast.
      const first = prober.probes.findIndex((probe) => probe.status === 200);
      expect(first).toBeGreaterThanOrEqual(0);
      const after = prober.probes.slice(first);
      expect(after.filter((probe) => probe.status !== 200)).toEqual([]);
      expect(Math.max(...after.map((probe) => probe.ms))).toBeLessThan(MAX_PROBE_MS);
      const [dead] = await receiveAll(client, dlq, 1);
      expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.reason)).toMatch(/consumer\.maxKeys/);
      expect(dead!.Body).toBe(body);
    });

    // 550 KB where the server takes it; else as much as fits (the reason was a copy of it).
    const junkBytes = Math.min(550_000, maxSendBytes - 1_000);
    it(`dead-letters a body whose mediaType is ${Math.round(junkBytes / 1000)} KB of junk with a bounded reason, and goes on`, async () => {
      const { queue, dlq, argv } = await queues('long-media-type');
      const junk = 'x'.repeat(junkBytes);
      const body = JSON.stringify({ ...order('junk'), mediaType: junk });
      await sendRaw(client, queue, body);
      await sendRaw(client, queue, JSON.stringify(order('after')));
      const { logger, raw } = capturedLogger();
      const running = await start(new OrderDaemon(), server.endpoint, queue, argv, { logger });
      await finished(running, 2);
      expect(handledIds()).toEqual(['after']);
      expect(running.counter.get('dead-lettered')).toBe(1);
      const [dead] = await receiveAll(client, dlq, 1);
      const reason = attribute(dead!, DEAD_LETTER_ATTRIBUTES.reason) ?? '';
      expect(reason).toMatch(/is not a media type/);
      expect(reason).toMatch(/… \(\d+ bytes cut\)/);
      expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(1024);
      // The whole body is kept in the copy; the log line is bounded.
      expect(dead!.Body).toBe(body);
      expect(Math.max(...raw.map((line) => Buffer.byteLength(line)))).toBeLessThan(8192);
      await until('all deleted', async () => (await messagesLeft(client, queue)) === 0);
    });
  });
