import type { Producer } from '@switchyard/core';
import { AccountRecord, STATES, TYPES } from './AccountRecord.js';
import { ACCOUNTS, accountId } from './demoData.js';

/** A client: `count` records as fast as the bus takes them, or `rate` a second until `signal` aborts. */
export async function push(
  producer: Producer,
  count: number | undefined,
  rate: number,
  signal: AbortSignal,
  onPushed: (pushed: number) => void = () => undefined,
): Promise<number> {
  let pushed = 0;
  while (!signal.aborted && (count === undefined || pushed < count)) {
    const index = (pushed * 7919) % ACCOUNTS; // a fixed walk over the accounts
    const record = Object.assign(new AccountRecord(), {
      account: accountId(index),
      state: STATES[index % STATES.length],
      type: TYPES[index % TYPES.length],
      amountCents: (index * 37) % 100_000,
    });
    await producer.produce(AccountRecord, record, { key: record.account });
    pushed += 1;
    onPushed(pushed);
    if (count === undefined) await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
  }
  return pushed;
}
