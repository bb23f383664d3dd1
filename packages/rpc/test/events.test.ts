import { MemoryBroker, SwitchyardError, type RunningDaemon } from '@switchyard/core';
import { ApiDaemon, createBus, memoryWire, RpcErrorCodes, type Bus } from '@switchyard/rpc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExampleApi } from './fixtures/exampleApi.js';
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
