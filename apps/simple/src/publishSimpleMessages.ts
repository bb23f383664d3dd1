import type { Producer } from '@switchyard/core';
import { SimpleMessage } from './SimpleMessage.js';

/**
 * The publisher: `count` messages as fast as the bus takes them, or (without a count) ten a second
 * until `signal` aborts.
 */
export async function publishSimpleMessages(
  producer: Producer,
  count: number | undefined,
  signal: AbortSignal,
): Promise<number> {
  let published = 0;
  while (!signal.aborted && (count === undefined || published < count)) {
    const message = Object.assign(new SimpleMessage(), {
      message: `message ${published + 1}`,
      timestamp: Date.now(),
    });
    await producer.produce(SimpleMessage, message);
    published += 1;
    if (count === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return published;
}
