import type { OutgoingMessage } from '@switchyard/core';
import { SqsErrorCodes } from '@switchyard/sqs';
import { describe, expect, it } from 'vitest';
import { publishInBatches, type BatchCall, type BatchResponse } from '../src/batchPublish.js';

const NO_WAIT = { tries: 3, baseSeconds: 0, maxSeconds: 0 };
const message = (body = '{}'): OutgoingMessage => ({
  mediaType: 'application/vnd.acme.order',
  body,
  attributes: {},
});

/**
 * A batch call that records what it was asked and answers each entry from `answer` (by call number
 * and entry index): a message id, or a failure.
 */
function recordingCall(answer: (call: number, index: number) => 'ok' | 'throttled' | 'refused' = () => 'ok') {
  const calls: Array<{ destination: string; indexes: number[] }> = [];
  const call: BatchCall = async (destination, entries) => {
    calls.push({ destination, indexes: entries.map((entry) => Number(entry.id)) });
    const response: Required<BatchResponse> = { Successful: [], Failed: [] };
    for (const { id } of entries) {
      const outcome = answer(calls.length, Number(id));
      if (outcome === 'ok') (response.Successful as object[]).push({ Id: id, MessageId: `m-${id}` });
      else
        (response.Failed as object[]).push({
          Id: id,
          Code: outcome === 'throttled' ? 'Throttling' : 'InvalidParameterValue',
          Message: outcome,
          SenderFault: outcome === 'refused',
        });
    }
    return response;
  };
  return { call, calls };
}

describe('publishInBatches (no server)', () => {
  it('groups by destination in calls of at most 10, ids in input order', async () => {
    // Every third message goes to b.
    const messages = Array.from({ length: 33 }, (_, index) => ({
      ...message(),
      destination: index % 3 === 2 ? 'b' : 'a',
    }));
    const { call, calls } = recordingCall();
    const ids = await publishInBatches(messages, (sent) => sent.destination!, call, NO_WAIT);
    expect(ids).toEqual(messages.map((_, index) => `m-${index}`));
    expect(calls.map((entry) => `${entry.destination}:${entry.indexes.length}`)).toEqual([
      'a:10',
      'a:10',
      'a:2',
      'b:10',
      'b:1',
    ]);
  });

  it('keeps each call within 256 KiB in all', async () => {
    const messages = Array.from({ length: 3 }, () => message('x'.repeat(100 * 1024)));
    const { call, calls } = recordingCall();
    await publishInBatches(messages, () => 'q', call, NO_WAIT);
    expect(calls.map((entry) => entry.indexes)).toEqual([[0, 1], [2]]);
  });

  it('sends entries the server failed again, and only those', async () => {
    const { call, calls } = recordingCall((number, index) =>
      number === 1 && index % 2 === 0 ? 'throttled' : 'ok',
    );
    const ids = await publishInBatches(
      [message(), message(), message(), message()],
      () => 'q',
      call,
      NO_WAIT,
    );
    expect(calls.map((entry) => entry.indexes)).toEqual([
      [0, 1, 2, 3],
      [0, 2],
    ]);
    expect(ids).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
  });

  it('gives up on throttling after its tries, saying how many were published', async () => {
    const { call, calls } = recordingCall((_, index) => (index === 1 ? 'throttled' : 'ok'));
    const failed = publishInBatches([message(), message()], () => 'q', call, NO_WAIT);
    await expect(failed).rejects.toMatchObject({ code: SqsErrorCodes.PUBLISH_FAILED });
    await expect(failed).rejects.toThrow(/to q: Error: Throttling: throttled \(1 of 2 published\)/);
    expect(calls).toHaveLength(3);
  });

  it('does not retry an entry refused as the sender’s fault', async () => {
    const { call, calls } = recordingCall((_, index) => (index === 0 ? 'refused' : 'ok'));
    await expect(publishInBatches([message(), message()], () => 'q', call, NO_WAIT)).rejects.toThrow(
      /InvalidParameterValue/,
    );
    expect(calls).toHaveLength(1);
  });

  it('sends nothing when one message is over 256 KiB', async () => {
    const { call, calls } = recordingCall();
    const batch = [message(), message('x'.repeat(256 * 1024))];
    await expect(publishInBatches(batch, () => 'q', call, NO_WAIT)).rejects.toMatchObject({
      code: SqsErrorCodes.MESSAGE_TOO_LARGE,
    });
    expect(calls).toHaveLength(0);
  });
});
