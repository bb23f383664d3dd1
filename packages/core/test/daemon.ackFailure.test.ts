import 'reflect-metadata';
import { afterEach, expect, it } from 'vitest';
import {
  ContainerModule,
  MemoryBroker,
  MemoryTransport,
  TOKENS,
  type TransportMessage,
} from '../src/index.js';
import { captureLogs } from './support/captureLogs.js';
import { Order, sleep, startOrderDaemon, stopOrderDaemons } from './support/fixtures.js';

afterEach(stopOrderDaemons);

/** The embedded transport with an ack that fails once, as a network call to a broker can. */
class AckFailsOnce extends MemoryTransport {
  #failures = 1;

  override async ack(message: TransportMessage): Promise<void> {
    if (this.#failures-- > 0) throw new Error('connection reset by broker');
    return super.ack(message);
  }
}

it('a failed ack leaves the message with the transport: it is delivered again, never lost', async () => {
  const flakyAck = new ContainerModule(({ rebind }) => {
    rebind(TOKENS.Transport).toDynamicValue(
      (context) => new AckFailsOnce(context.get(MemoryBroker), 'order-daemon', 50),
    );
  });
  const logs = captureLogs();
  const { daemon, behaviour } = await startOrderDaemon(
    () => undefined,
    ['--set', 'memory.visibilityTimeoutSeconds=1'],
    { modules: [flakyAck], logger: logs.logger },
  );
  expect((await daemon.publishAndWait(Order, { id: 'o-1', quantity: 1 })).kind).toBe('succeeded');
  expect(daemon.queue.size).toBe(1); // still leased, not deleted

  // After the 1 s lease the message comes back; the second ack deletes it.
  const settled = () => behaviour.seen.length >= 2 && daemon.queue.size === 0;
  for (let waited = 0; !settled() && waited < 5000; waited += 50) await sleep(50);
  expect(behaviour.seen.map(({ context }) => context.attempt)).toEqual([1, 2]);
  expect(daemon.queue.size).toBe(0);
  expect(logs.entries()).toContainEqual(
    expect.objectContaining({ action: 'ack', msg: 'could not ack the message; it will be delivered again' }),
  );
});
