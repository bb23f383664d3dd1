import { ReceiptBatcher, SqsErrorCodes, type BatchFailure } from '@switchyard/sqs';
import { describe, expect, it } from 'vitest';

type Calls = string[][];

function recordingSend(failuresFor: (values: readonly string[], call: number) => BatchFailure[]) {
  const calls: Calls = [];
  const send = async (entries: ReadonlyArray<{ id: string; value: string }>): Promise<BatchFailure[]> => {
    const values = entries.map((entry) => entry.value);
    calls.push(values);
    return failuresFor(values, calls.length);
  };
  return { calls, send };
}

describe('ReceiptBatcher', () => {
  it('sends 10 at once without waiting for the timer, the rest on flush', async () => {
    const { calls, send } = recordingSend(() => []);
    const batcher = new ReceiptBatcher(send, 60_000);
    const acks = Array.from({ length: 12 }, (_, index) => batcher.submit(`r${index}`));
    await Promise.all(acks.slice(0, 10));
    expect(calls).toEqual([['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']]);
    await batcher.flush();
    await Promise.all(acks);
    expect(calls[1]).toEqual(['r10', 'r11']);
  });

  it('sends a partial batch after flushMs', async () => {
    const { calls, send } = recordingSend(() => []);
    const batcher = new ReceiptBatcher(send, 5);
    await batcher.submit('only');
    expect(calls).toEqual([['only']]);
  });

  it('retries the entries a batch call failed for a server reason; the others resolve at once', async () => {
    const { calls, send } = recordingSend((values, call) =>
      call === 1 ? [{ id: String(values.indexOf('b')), message: 'InternalError', senderFault: false }] : [],
    );
    const batcher = new ReceiptBatcher(send, 1);
    await Promise.all(['a', 'b', 'c'].map((value) => batcher.submit(value)));
    expect(calls).toEqual([['a', 'b', 'c'], ['b']]);
  });

  it('rejects a sender fault without retrying, and gives up after maxTries', async () => {
    const { calls, send } = recordingSend((values) =>
      values.map((value, index) => ({ id: String(index), message: value, senderFault: value === 'expired' })),
    );
    const batcher = new ReceiptBatcher(send, 1, 3);
    const expired = batcher.submit('expired');
    const flaky = batcher.submit('flaky');
    await expect(expired).rejects.toMatchObject({ code: SqsErrorCodes.BATCH_ENTRY_FAILED });
    await expect(flaky).rejects.toThrow(/flaky/);
    expect(calls.flat().filter((value) => value === 'expired')).toHaveLength(1);
    expect(calls.flat().filter((value) => value === 'flaky')).toHaveLength(3);
  });

  it('retries every entry when the whole call throws', async () => {
    let failed = false;
    const calls: Calls = [];
    const batcher = new ReceiptBatcher<string>(async (entries) => {
      calls.push(entries.map((entry) => entry.value));
      if (!failed) {
        failed = true;
        throw new Error('ECONNRESET');
      }
      return [];
    }, 1);
    await Promise.all([batcher.submit('x'), batcher.submit('y')]);
    expect(calls).toEqual([
      ['x', 'y'],
      ['x', 'y'],
    ]);
  });
});
