import { DeleteQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Transport } from '@switchyard/core';
import { transportConformance, type DeadLetterCopy } from '@switchyard/core/testing';
import { SqsConfig, SqsProducer, SqsTransport } from '@switchyard/sqs';
import { pino } from 'pino';
import { describe, it } from 'vitest';
import { createQueue, messagesLeft, sendRaw, sqsClient, sqsServers, type SqsServer } from './support.js';

const silent = pino({ level: 'silent' });

/**
 * SQS transport settings for the suite: a 3 s lease (the crash and extend cases wait for one), a
 * 20 s long poll with `waitForPollsAtStop` off (so the close case fails if close waited for its poll
 * to end; the default, waiting, is test/sqs/stopPolls.test.ts's), and one poller, so a receive that
 * returned leaves no poll in flight that could lease the message again behind the test's back.
 */
function settings(queueUrl: string, server: SqsServer, deadLetterQueueUrl: string): SqsConfig {
  return Object.assign(new SqsConfig(), {
    queueUrl,
    endpointUrl: server.endpoint,
    waitTimeSeconds: 20,
    waitForPollsAtStop: false,
    visibilityTimeoutSeconds: 3,
    pollers: 1,
    deadLetterQueueUrl,
  });
}

/** Reads the dead-letter queue, keeping what earlier calls read (a read hides a copy for a minute). */
function deadLetterReader(client: SQSClient, queueUrl: string): () => Promise<DeadLetterCopy[]> {
  const copies: DeadLetterCopy[] = [];
  return async () => {
    const response = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of response.Messages ?? [])
      copies.push({
        body: message.Body ?? '',
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            value.StringValue ?? '',
          ]),
        ),
      });
    return copies;
  };
}

/**
 * A standard queue promises no order; a FIFO queue promises it per message group (the key). SQS
 * cannot hand a message back without counting a receive, so neither has release (the daemon nacks
 * with 0 instead).
 */
const kinds = [
  { kind: 'standard', suffix: '', ordersByKey: false },
  { kind: 'FIFO', suffix: '.fifo', ordersByKey: true },
] as const;

for (const server of sqsServers)
  for (const { kind, suffix, ordersByKey } of kinds) {
    const name = `SQS ${kind} queue on ${server.name}`;
    if (server.missing) {
      describe.skip(`transport conformance: ${name} (not started: java or mvn missing)`, () => {
        it('needs the server', () => undefined);
      });
      continue;
    }
    await transportConformance({
      name,
      capabilities: { ordersByKey, supportsRelease: false, leases: true, redeliversAfterCrash: true },
      createQueue: async () => {
        const admin = sqsClient(server.endpoint);
        const queueUrl = await createQueue(admin, `conformance${suffix}`);
        const deadLetterQueueUrl = await createQueue(admin, `conformance-dlq${suffix}`);
        const clients = new Map<Transport, SQSClient>();
        return {
          transport: () => {
            // Its own client, so a crash can cut its connections; closing the transport destroys it.
            const client = sqsClient(server.endpoint);
            const transport = new SqsTransport(
              client,
              settings(queueUrl, server, deadLetterQueueUrl),
              silent,
            );
            clients.set(transport, client);
            return transport;
          },
          producer: () => {
            const client = sqsClient(server.endpoint);
            return new SqsProducer(client, {}, queueUrl, async () => client.destroy());
          },
          publish: async (messages) => {
            for (const { body, key, attributes } of messages)
              await sendRaw(
                admin,
                queueUrl,
                body,
                attributes,
                suffix ? { MessageGroupId: key ?? 'conformance' } : {},
              );
          },
          remaining: () => messagesLeft(admin, queueUrl),
          deadLetters: deadLetterReader(admin, deadLetterQueueUrl),
          crash: async (transport) => clients.get(transport)?.destroy(),
          dispose: async () => {
            for (const url of [queueUrl, deadLetterQueueUrl])
              await admin.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => undefined);
            admin.destroy();
          },
        };
      },
    });
  }
