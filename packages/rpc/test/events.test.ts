import { MemoryBroker, SwitchyardError, type RunningDaemon } from '@switchyard/core';
import { ApiDaemon, createBus, memoryWire, RpcErrorCodes, type Bus } from '@switchyard/rpc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExampleApi, type UserRegistered } from './fixtures/exampleApi.js';
import { startOn } from './support.js';

class ExampleDaemon extends ApiDaemon {
  readonly name = 'example';
  override readonly apis = [ExampleApi];
}

/** Serves nothing; only listens. */
class AuditDaemon extends ApiDaemon {
  readonly name = 'audit';
}

const code = (error: unknown): string | undefined => (SwitchyardError.is(error) ? error.code : undefined);

describe('events on the embedded bus', () => {
  let broker: MemoryBroker;
  let daemons: RunningDaemon[];
  let client: Bus;

  beforeEach(async () => {
    broker = new MemoryBroker();
    daemons = [];
    client = await createBus({ wire: memoryWire(broker, 20) });
  });

  afterEach(async () => {
    await client.close();
    await Promise.all(daemons.map((running) => running.stop()));
  });

  it('fans out to each listener name; a failing listener is retried then dead-lettered, the other is unaffected', async () => {
    const example = new ExampleDaemon();
    const audit = new AuditDaemon();
    daemons.push(
      await startOn(broker, example),
      await startOn(broker, audit, ['--set', 'consumer.maxAttempts=2']),
    );
    const audited: string[] = [];
    const attempts: number[] = [];
    await audit.bus
      .api(ExampleApi)
      .userRegistered.listen((payload: UserRegistered) => void audited.push(payload.userId), {
        listenerName: 'audit-log',
      });
    await audit.bus.api(ExampleApi).userRegistered.listen(
      (_payload, context) => {
        attempts.push(context.attempt);
        throw new Error('mail server down');
      },
      { listenerName: 'mailer' },
    );
    await example.bus.api(ExampleApi).userRegistered.fire({ userId: 'u1' });
    await example.bus.api(ExampleApi).userRegistered.fire({ userId: 'u2' });
    await expect.poll(() => audited).toEqual(['u1', 'u2']);
    const mailerDeadLetters = broker.deadLetterQueue('event.example.userRegistered.mailer');
    await expect.poll(() => mailerDeadLetters.size).toBe(2);
    expect(mailerDeadLetters.peekAll()[0]!.attributes['x-dead-letter-reason']).toBe(
      'gave up after 2 attempts: mail server down',
    );
    expect(attempts.toSorted()).toEqual([1, 1, 2, 2]);
    expect(broker.deadLetterQueue('event.example.userRegistered.audit-log').size).toBe(0);
    // Nothing left behind: the audit listener's queue is empty, every event acked once.
    expect(broker.queue('event.example.userRegistered.audit-log').size).toBe(0);
  });

  it('an event fired while a listener daemon is down waits on its queue (durable)', async () => {
    const example = new ExampleDaemon();
    daemons.push(await startOn(broker, example));
    const first = new AuditDaemon();
    const firstRunning = await startOn(broker, first);
    await first.bus.api(ExampleApi).userRegistered.listen(() => undefined, { listenerName: 'audit-log' });
    await firstRunning.stop();
    await example.bus.api(ExampleApi).userRegistered.fire({ userId: 'u3' });
    const again = new AuditDaemon();
    daemons.push(await startOn(broker, again));
    const received: string[] = [];
    await again.bus.api(ExampleApi).userRegistered.listen((payload) => void received.push(payload.userId), {
      listenerName: 'audit-log',
    });
    await expect.poll(() => received).toEqual(['u3']);
  });

  it('only the daemon that serves the API fires its events, and payloads are validated', async () => {
    const example = new ExampleDaemon();
    const audit = new AuditDaemon();
    daemons.push(await startOn(broker, example), await startOn(broker, audit));
    const fromClient = await client
      .api(ExampleApi)
      .userRegistered.fire({ userId: 'u1' })
      .catch((e: unknown) => e);
    expect(code(fromClient)).toBe(RpcErrorCodes.EVENT_NOT_OWNED);
    expect((fromClient as Error).message).toBe(
      'cannot fire example.userRegistered: only a daemon that lists ExampleApi in its apis fires its events',
    );
    expect(
      code(
        await audit.bus
          .api(ExampleApi)
          .userRegistered.fire({ userId: 'u1' })
          .catch((e: unknown) => e),
      ),
    ).toBe(RpcErrorCodes.EVENT_NOT_OWNED);
    const invalid = await example.bus
      .api(ExampleApi)
      .userRegistered.fire({ userId: '' })
      .catch((e: unknown) => e);
    expect(code(invalid)).toBe(RpcErrorCodes.SCHEMA_MISMATCH);
    expect((invalid as Error).message).toMatch(
      /^example\.userRegistered: payload: UserRegistered is invalid: userId/,
    );
  });

  it('listen needs a daemon and a valid, unique listener name', async () => {
    const audit = new AuditDaemon();
    daemons.push(await startOn(broker, audit));
    const onClient = await client
      .api(ExampleApi)
      .userRegistered.listen(() => undefined, { listenerName: 'x' })
      .catch((e: unknown) => e);
    expect((onClient as Error).message).toContain("listeners run in a daemon's pipeline");
    const badName = await audit.bus
      .api(ExampleApi)
      .userRegistered.listen(() => undefined, { listenerName: 'Audit Log' })
      .catch((e: unknown) => e);
    expect((badName as Error).message).toContain('listenerName must be lower case letters');
    await audit.bus.api(ExampleApi).userRegistered.listen(() => undefined, { listenerName: 'once' });
    const twice = await audit.bus
      .api(ExampleApi)
      .userRegistered.listen(() => undefined, { listenerName: 'once' })
      .catch((e: unknown) => e);
    expect((twice as Error).message).toContain('already has a listener named once');
  });
});
