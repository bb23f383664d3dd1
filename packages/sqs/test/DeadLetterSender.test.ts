import type { SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { DeadLetterSender, SQS_DEAD_LETTER_ATTRIBUTES } from '../src/DeadLetterSender.js';
import type { SqsMessage } from '../src/toTransportMessage.js';

const DLQ = 'http://sqs.local/000000000000/orders-dlq';
const SOURCE = 'http://sqs.local/000000000000/orders';

/** A client that records each SendMessage input and answers with `answer` (throwing what it throws). */
function recordingClient(answer: (input: SendMessageCommandInput, call: number) => void): {
  client: SQSClient;
  sent: SendMessageCommandInput[];
} {
  const sent: SendMessageCommandInput[] = [];
  const client = {
    send: async (command: { input: SendMessageCommandInput }) => {
      sent.push(command.input);
      answer(command.input, sent.length);
      return {};
    },
  } as unknown as SQSClient;
  return { client, sent };
}

function message(body: string, attributes: SqsMessage['rawMessageAttributes'] = {}): SqsMessage {
  return {
    id: 'm-1',
    receiptHandle: 'r-1',
    body,
    rawBody: body,
    attributes: {},
    rawAttributes: {},
    rawMessageAttributes: attributes,
    attempt: 1,
    source: SOURCE,
  };
}

function bytesOf(input: SendMessageCommandInput): number {
  let bytes = Buffer.byteLength(input.MessageBody ?? '');
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {}))
    bytes +=
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType ?? '') +
      (value.BinaryValue?.byteLength ?? Buffer.byteLength(value.StringValue ?? ''));
  return bytes;
}

describe('DeadLetterSender', () => {
  it('sends the whole copy when it fits, Binary attributes and a bounded reason included', async () => {
    const { client, sent } = recordingClient(() => undefined);
    const sender = new DeadLetterSender(client, { url: DLQ, maxMessageBytes: 262_144 }, SOURCE, true);
    const blob = Uint8Array.from([1, 2, 3]);
    const result = await sender.send(
      message('not json', { blob: { DataType: 'Binary', BinaryValue: blob } }),
      {
        reason: 'é'.repeat(5000),
        attempts: 2,
      },
    );
    expect(result).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.MessageBody).toBe('not json');
    expect(sent[0]!.MessageAttributes!.blob).toEqual({ DataType: 'Binary', BinaryValue: blob });
    const reason = sent[0]!.MessageAttributes![DEAD_LETTER_ATTRIBUTES.reason]!.StringValue!;
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(1024);
    expect(reason).toMatch(/bytes cut\)$/);
  });

  it('writes a bounded record, never the whole copy, when it is over the limit', async () => {
    const { client, sent } = recordingClient(() => undefined);
    const sender = new DeadLetterSender(client, { url: DLQ, maxMessageBytes: 4096 }, SOURCE, true);
    const result = await sender.send(message('ü'.repeat(4000)), { reason: 'not JSON', attempts: 1 });
    expect(result).toEqual({
      kind: 'bounded',
      why: expect.stringMatching(/over the dead-letter queue's limit of 4096/),
    });
    expect(sent).toHaveLength(1);
    expect(bytesOf(sent[0]!)).toBeLessThanOrEqual(4096);
    const attributes = sent[0]!.MessageAttributes!;
    expect(attributes[SQS_DEAD_LETTER_ATTRIBUTES.size]).toEqual({ DataType: 'Number', StringValue: '8000' });
    expect(attributes[SQS_DEAD_LETTER_ATTRIBUTES.messageId]!.StringValue).toBe('m-1');
    expect(sent[0]!.MessageBody).toMatch(/^ü+ … \(\d+ bytes cut\)$/);
  });

  it('falls back to a bounded record when SQS refuses the copy as too long', async () => {
    const { client, sent } = recordingClient((_, call) => {
      if (call === 1)
        throw Object.assign(
          new Error('One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.'),
          {
            name: 'InvalidParameterValue',
          },
        );
    });
    const sender = new DeadLetterSender(client, { url: DLQ, maxMessageBytes: 262_144 }, SOURCE, true);
    const result = await sender.send(message('{"a":1'), { reason: 'not JSON', attempts: 1 });
    expect(result).toMatchObject({ kind: 'bounded', why: expect.stringMatching(/refused .* as too large/) });
    expect(sent).toHaveLength(2);
    expect(sent[1]!.MessageAttributes![SQS_DEAD_LETTER_ATTRIBUTES.bounded]).toBeDefined();
  });

  it('names the dead-letter queue when it does not exist, and writes nothing else', async () => {
    const { client, sent } = recordingClient(() => {
      throw Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist' });
    });
    const sender = new DeadLetterSender(client, { url: DLQ, maxMessageBytes: 262_144 }, SOURCE, true);
    await expect(sender.send(message('x'), { reason: 'r', attempts: 1 })).rejects.toThrow(
      new RegExp(`${DLQ} \\(sqs.deadLetterQueueUrl\\) does not exist`),
    );
    expect(sent).toHaveLength(1);
  });
});
