import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';

type Attributes = Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;

export interface DeadLetterFields {
  readonly reason: string;
  readonly source: string;
  readonly attempts?: number;
}

function deadLetterAttributes(dead: DeadLetterFields, attributes: Attributes): Attributes {
  return {
    [DEAD_LETTER_ATTRIBUTES.reason]: { DataType: 'String', StringValue: dead.reason },
    [DEAD_LETTER_ATTRIBUTES.source]: { DataType: 'String', StringValue: dead.source },
    [DEAD_LETTER_ATTRIBUTES.attempts]: { DataType: 'Number', StringValue: String(dead.attempts ?? 5) },
    ...attributes,
  };
}

/** A dead letter as the SQS transport writes it (DeadLetterSender), for cases a daemon cannot make quickly. */
export async function sendDeadLetter(
  client: SQSClient,
  dlq: string,
  body: string,
  dead: DeadLetterFields,
  attributes: Attributes = {},
): Promise<void> {
  await client.send(
    new SendMessageCommand({
      QueueUrl: dlq,
      MessageBody: body,
      MessageAttributes: deadLetterAttributes(dead, attributes),
    }),
  );
}

/** Many dead letters, ten per SendMessageBatch. */
export async function sendDeadLetters(
  client: SQSClient,
  dlq: string,
  bodies: readonly string[],
  dead: DeadLetterFields,
): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10)
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: dlq,
        Entries: bodies.slice(start, start + 10).map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          MessageAttributes: deadLetterAttributes(dead, {}),
        })),
      }),
    );
}
