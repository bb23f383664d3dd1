import { createHash } from 'node:crypto';
import {
  DeleteQueueCommand,
  SendMessageCommand,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DEAD_LETTER_ATTRIBUTES,
  SwitchyardError,
  type DeadLetterResult,
  type TransportMessage,
} from '@switchyard/core';
import {
  MAX_MESSAGE_BYTES,
  SQS_DEAD_LETTER_ATTRIBUTES,
  SqsConfig,
  SqsErrorCodes,
  SqsTransport,
} from '@switchyard/sqs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { OrderDaemon } from './fixtures.js';
import {
  attribute,
  createQueue,
  daemonPerTest,
  messagesLeft,
  queueArn,
  receiveAll,
  sendRaw,
  sqsClient,
  sqsServers,
  until,
} from './support.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly queueUrl?: string;
}

/** A logger that keeps each line, to count what the start says. */
function capturedLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = { write: (line: string) => lines.push(JSON.parse(line) as LogLine) };
  return { logger: pino({ level: 'info' }, stream), lines };
}

const NO_DLQ_WARNING = /no dead-letter queue/;
const WARN = 40;

/** The transport on its own (no daemon), on a client it must not destroy at close. */
function transportFor(
  client: SQSClient,
  queueUrl: string,
  logger: pino.Logger,
  settings: Partial<SqsConfig> = {},
  keptVisibilitySeconds?: number,
): SqsTransport {
  const config = Object.assign(new SqsConfig(), { queueUrl, waitTimeSeconds: 1, ...settings });
  return new SqsTransport(client, config, logger, 10, async () => undefined, keptVisibilitySeconds);
}

/** Receives through the transport until one message arrives (or fails after `timeoutMs`). */
async function receiveOne(transport: SqsTransport, timeoutMs = 10_000): Promise<TransportMessage> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [message] = await transport.receive(1, new AbortController().signal);
    if (message !== undefined) return message;
  }
  throw new Error(`no message within ${timeoutMs} ms`);
}

async function startFailure(start: Promise<unknown>): Promise<Error> {
  try {
    await start;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the start succeeded');
}

for (const server of sqsServers)
  describe.skipIf(server.missing)(`dead-letter destinations are checked, against ${server.name}`, () => {
    const client = sqsClient(server.endpoint);
    const start = daemonPerTest();

    describe('no dead-letter queue at all (none configured, no redrive policy)', () => {
      it('the start warns once naming the queue; deadLetter keeps the message, which comes back', async () => {
        const { logger, lines } = capturedLogger();
        const queue = await createQueue(client, 'no-dlq', { VisibilityTimeout: '1' });
        await sendRaw(client, queue, 'not json');
        const transport = transportFor(client, queue, logger, {}, 1);
        try {
          await transport.start();
          const warnings = lines.filter((line) => NO_DLQ_WARNING.test(line.msg));
          expect(warnings).toHaveLength(1);
          expect(warnings[0]!.level).toBe(WARN);
          expect(JSON.stringify(warnings[0])).toContain(queue);
          expect(warnings[0]!.msg).toMatch(/sqs\.deadLetterQueueUrl/);
          expect(warnings[0]!.msg).toMatch(/redrive policy/);

          const first = await receiveOne(transport);
          const result: DeadLetterResult | void = await transport.deadLetter(first, {
            reason: 'not JSON',
            attempts: first.attempt,
          });
          expect(result).toEqual({ kind: 'kept', why: expect.stringMatching(/^no dead-letter queue: /) });
          // Left on the queue, hidden for the bounded visibility (1 s here), then delivered again.
          const keptAt = Date.now();
          const again = await receiveOne(transport);
          expect(again.id).toBe(first.id);
          expect(again.attempt).toBe(first.attempt + 1);
          expect(Date.now() - keptAt).toBeLessThan(8_000);
          expect(await transport.deadLetter(again, { reason: 'not JSON', attempts: 2 })).toMatchObject({
            kind: 'kept',
          });
          // Said once at start, not once per message.
          expect(lines.filter((line) => NO_DLQ_WARNING.test(line.msg))).toHaveLength(1);
        } finally {
          await transport.close();
        }
      });

      it('the daemon counts an invalid message as failed, not dead-lettered, and it stays on the queue', async () => {
        const { logger, lines } = capturedLogger();
        const queue = await createQueue(client, 'no-dlq-daemon', { VisibilityTimeout: '1' });
        await sendRaw(client, queue, 'not json');
        const running = await start(
          new OrderDaemon(),
          server.endpoint,
          queue,
          ['--set', 'consumer.backoffMaxSeconds=1', '--set', 'daemon.logLevel=info'],
          { logger },
        );
        await until('the invalid message was given up on', () => running.counter.get('failed') >= 1);
        expect(running.counter.get('dead-lettered')).toBe(0);
        expect(running.counter.summaryLine()).toMatch(/dead-lettered=0/);
        expect(lines.filter((line) => NO_DLQ_WARNING.test(line.msg))).toHaveLength(1);
        await running.stop();
        const [back] = await receiveAll(client, queue, 1, 10_000);
        expect(back?.Body).toBe('not json');
      });
    });

    it('a configured sqs.deadLetterQueueUrl that does not exist stops the start, naming it', async () => {
      const queue = await createQueue(client, 'missing-dlq');
      const missing = `${queue}-no-such-dlq`;
      const error = await startFailure(
        start(new OrderDaemon(), server.endpoint, queue, ['--set', `sqs.deadLetterQueueUrl=${missing}`]),
      );
      expect(error.message).toContain(missing);
      expect(error.message).toMatch(/does not exist/);
      expect(error.message).toMatch(/sqs\.deadLetterQueueUrl/);
      expect(SwitchyardError.isCode(error.cause, SqsErrorCodes.DEAD_LETTER_QUEUE_NOT_FOUND)).toBe(true);
    });

    it("a deleted redrive target stops the start, naming it and the queue's redrive policy", async () => {
      const dlq = await createQueue(client, 'deleted-target');
      const arn = await queueArn(client, dlq);
      const queue = await createQueue(client, 'orphaned', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 }),
      });
      await client.send(new DeleteQueueCommand({ QueueUrl: dlq }));
      const error = await startFailure(start(new OrderDaemon(), server.endpoint, queue));
      expect(error.message).toContain(arn);
      expect(error.message).toContain(queue);
      expect(error.message).toMatch(/does not exist/);
      expect(error.message).toMatch(/redrive policy/i);
      expect(SwitchyardError.isCode(error.cause, SqsErrorCodes.REDRIVE_TARGET_NOT_FOUND)).toBe(true);
    });

    it('queues deleted while running: errors name the queue; the original stays for a retry', async () => {
      const { logger } = capturedLogger();
      const queue = await createQueue(client, 'deleted-later', { VisibilityTimeout: '1' });
      const dlq = await createQueue(client, 'deleted-later-dlq');
      await sendRaw(client, queue, 'not json');
      const transport = transportFor(client, queue, logger, { deadLetterQueueUrl: dlq });
      try {
        await transport.start();
        const message = await receiveOne(transport);
        await client.send(new DeleteQueueCommand({ QueueUrl: dlq }));
        const failure = await startFailure(
          transport.deadLetter(message, { reason: 'not JSON', attempts: 1 }),
        );
        expect(failure.message).toContain(dlq);
        expect(failure.message).toMatch(/does not exist/);
        expect(SwitchyardError.isCode(failure, SqsErrorCodes.DEAD_LETTER_QUEUE_NOT_FOUND)).toBe(true);
        // Nothing was deleted: the message comes back after its visibility timeout.
        const again = await receiveOne(transport);
        expect(again.id).toBe(message.id);

        await client.send(new DeleteQueueCommand({ QueueUrl: queue }));
        const gone = await startFailure(
          (async () => {
            for (;;) await transport.receive(1, new AbortController().signal);
          })(),
        );
        expect(gone.message).toContain(queue);
        expect(gone.message).toMatch(/does not exist/);
      } finally {
        await transport.close();
      }
    });

    it('binary (and number) message attributes are kept on the dead-letter copy', async () => {
      const queue = await createQueue(client, 'binary-attributes');
      const dlq = await createQueue(client, 'binary-attributes-dlq');
      const blob = Uint8Array.from([0, 1, 2, 250, 255]);
      await client.send(
        new SendMessageCommand({
          QueueUrl: queue,
          MessageBody: 'not json',
          MessageAttributes: {
            blob: { DataType: 'Binary', BinaryValue: blob },
            count: { DataType: 'Number', StringValue: '42' },
            case: { DataType: 'String', StringValue: 'binary' },
          },
        }),
      );
      const running = await start(new OrderDaemon(), server.endpoint, queue, [
        '--set',
        `sqs.deadLetterQueueUrl=${dlq}`,
      ]);
      await until('dead-lettered', () => running.counter.get('dead-lettered') === 1);
      const [dead] = await receiveAll(client, dlq, 1);
      const attributes: Record<string, MessageAttributeValue> = dead!.MessageAttributes ?? {};
      expect(attributes.blob?.DataType).toBe('Binary');
      expect(Buffer.from(attributes.blob!.BinaryValue!)).toEqual(Buffer.from(blob));
      expect(attributes.count).toMatchObject({ DataType: 'Number', StringValue: '42' });
      expect(attribute(dead!, 'case')).toBe('binary');
      expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.reason)).toMatch(/JSON/);
    });

    it('a copy over the SQS limit becomes a bounded record; a huge reason is cut', async () => {
      const { logger } = capturedLogger();
      const queue = await createQueue(client, 'oversize');
      // SQS's limit, said explicitly: fauxqs defaults to AWS's newer 1 MiB (and enforces it).
      const dlq = await createQueue(client, 'oversize-dlq', {
        MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      });
      // Body and its attribute together exactly at the limit: the copy's own attributes push it over.
      const caseAttribute = { case: 'oversize' };
      const body = 'x'.repeat(MAX_MESSAGE_BYTES - 'case'.length - 'String'.length - 'oversize'.length);
      await sendRaw(client, queue, body, caseAttribute);
      const transport = transportFor(client, queue, logger, { deadLetterQueueUrl: dlq });
      try {
        await transport.start();
        const message = await receiveOne(transport);
        const result = await transport.deadLetter(message, {
          reason: `not JSON: ${'why '.repeat(150_000)}`,
          attempts: 1,
        });
        expect(result).toEqual({ kind: 'bounded', why: expect.stringMatching(/bytes/) });
        await transport.close();
        await until('the original was deleted', async () => (await messagesLeft(client, queue)) === 0);

        const [dead] = await receiveAll(client, dlq, 1);
        expect(dead).toBeDefined();
        expect(attribute(dead!, SQS_DEAD_LETTER_ATTRIBUTES.bounded)).toBeDefined();
        expect(attribute(dead!, SQS_DEAD_LETTER_ATTRIBUTES.messageId)).toBe(message.id);
        expect(dead!.MessageAttributes?.[SQS_DEAD_LETTER_ATTRIBUTES.size]?.StringValue).toBe(
          String(Buffer.byteLength(body)),
        );
        expect(attribute(dead!, SQS_DEAD_LETTER_ATTRIBUTES.sha256)).toBe(
          createHash('sha256').update(body).digest('hex'),
        );
        expect(attribute(dead!, DEAD_LETTER_ATTRIBUTES.source)).toBe(queue);
        const reason = attribute(dead!, DEAD_LETTER_ATTRIBUTES.reason)!;
        expect(reason).toMatch(/^not JSON: why why/);
        expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(1024);
        // The body is cut to what fits, from its start.
        expect(dead!.Body!.length).toBeLessThan(body.length);
        expect(dead!.Body!.length).toBeGreaterThan(body.length / 2);
        expect(body.startsWith(dead!.Body!.replace(/[^x]+$/, ''))).toBe(true);
      } finally {
        await transport.close();
      }
    });
  });
