import { SQSClient, type Message, type ReceiveMessageCommandOutput } from '@aws-sdk/client-sqs';
import { ContainerModule, DEAD_LETTER_ATTRIBUTES, type RunningDaemon } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlerState, order, OrderDaemon, resetHandler } from './fixtures.js';
import {
  attribute,
  createQueue,
  finished,
  messagesLeft,
  receiveAll,
  sendRaw,
  sqsClient,
  sqsServers,
  startDaemon,
} from './support.js';

const CORRUPT_MARKER = 'corrupt-in-transit';

/**
 * The daemon's own SQS client, with a middleware that damages MD5OfBody of marked messages after
 * the real server answered: a body corrupted in transit, as the transport sees it.
 */
function corruptingClient(endpoint: string): SQSClient {
  const damaged = new SQSClient({ endpoint, region: 'us-east-1', md5: false });
  damaged.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as Partial<ReceiveMessageCommandOutput>;
      for (const message of output.Messages ?? [])
        if (message.Body?.includes(CORRUPT_MARKER)) message.MD5OfBody = '0'.repeat(32);
      return result;
    },
    { step: 'initialize', name: 'corruptMd5ForTest' },
  );
  return damaged;
}

const snsEnvelope = (message: unknown, attributes: Record<string, unknown> = {}): string =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: 'sns-1',
    TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders',
    Message: message,
    MessageAttributes: attributes,
  });

for (const server of sqsServers)
  describe.skipIf(server.missing)(
    `bad input against ${server.name}: each gets its outcome, the daemon keeps running`,
    () => {
      const client = sqsClient(server.endpoint);
      let running: RunningDaemon;
      let queue: string;
      let dlq: string;
      const deadByCase = new Map<string, Message>();

      beforeAll(async () => {
        resetHandler();
        queue = await createQueue(client, 'bad-input');
        dlq = await createQueue(client, 'bad-input-dlq');
        const send = (
          body: string,
          testCase: string,
          attributes: Record<string, string> = {},
        ): Promise<void> => sendRaw(client, queue, body, { case: testCase, ...attributes });
        await send('{not json', 'not-json');
        await send(snsEnvelope(JSON.stringify(order('md5')) + CORRUPT_MARKER), 'wrong-md5');
        await send(snsEnvelope(42), 'corrupt-envelope');
        await send(JSON.stringify({ mediaType: 'application/vnd.switchyard.test.unknown' }), 'unknown-type');
        await send(JSON.stringify({ ...order('bad'), group: 7 }), 'schema-violation');
        await send(JSON.stringify({ ...order('big'), padding: 'x'.repeat(3000) }), 'oversized');
        await send(JSON.stringify({ id: 'x', group: 'g', sequence: 1 }), 'no-media-type');
        await send(JSON.stringify(order('good-after-all')), 'good');
        const overrides = new ContainerModule(({ rebind }) => {
          rebind(SQSClient).toConstantValue(corruptingClient(server.endpoint));
        });
        running = await startDaemon(
          new OrderDaemon(),
          server.endpoint,
          queue,
          ['--set', `sqs.deadLetterQueueUrl=${dlq}`, '--set', 'consumer.maxBodyBytes=2000'],
          { modules: [overrides] },
        );
        // All eight reach core: the transport flags the MD5 mismatch and the corrupt envelope.
        await finished(running, 8);
        for (const message of await receiveAll(client, dlq, 6))
          deadByCase.set(attribute(message, 'case')!, message);
      });
      afterAll(async () => {
        await running?.stop();
      });

      const reasonOf = (testCase: string): string | undefined =>
        attribute(deadByCase.get(testCase) ?? {}, DEAD_LETTER_ATTRIBUTES.reason);

      it('a body that is not JSON is dead-lettered as such', () => {
        expect(reasonOf('not-json')).toMatch(/JSON/);
        expect(deadByCase.get('not-json')?.Body).toBe('{not json');
      });

      it('an SNS envelope whose MD5 does not match is dead-lettered whole, never handled', () => {
        expect(reasonOf('wrong-md5')).toMatch(/MD5/);
        expect(deadByCase.get('wrong-md5')?.Body).toContain('"Type":"Notification"');
        expect(handlerState.handled.map((entry) => entry.order.id)).not.toContain('md5');
      });

      it('a corrupt SNS envelope is dead-lettered with what is wrong', () => {
        expect(reasonOf('corrupt-envelope')).toMatch(/corrupt SNS envelope: Message/);
      });

      it('an unknown media type is ignored (acked, not dead-lettered)', () => {
        expect(running.counter.get('ignored')).toBe(1);
        expect(deadByCase.has('unknown-type')).toBe(false);
      });

      it('a schema violation is dead-lettered naming the field', () => {
        expect(reasonOf('schema-violation')).toMatch(/group/);
      });

      it('an oversized body is dead-lettered unread', () => {
        expect(reasonOf('oversized')).toMatch(/bytes, above the limit/);
      });

      it('a message with no media type attribute or field is dead-lettered', () => {
        expect(reasonOf('no-media-type')).toMatch(/no media type/);
      });

      it('the daemon kept running: the good message succeeded and the queue is empty', async () => {
        expect(handlerState.handled.map((entry) => entry.order.id)).toEqual(['good-after-all']);
        // All six, the MD5 mismatch and the corrupt envelope included, reach core and are counted.
        expect(running.counter.get('dead-lettered')).toBe(6);
        expect(deadByCase.size).toBe(6);
        expect(running.status.ready).toBe(true);
        await running.stop();
        expect(await messagesLeft(client, queue)).toBe(0);
      });
    },
  );
