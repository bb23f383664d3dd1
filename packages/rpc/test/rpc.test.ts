import {
  ContainerModule,
  MemoryBroker,
  TOKENS,
  type TransportFactory,
  SwitchyardError,
  type MessageContext,
  type Middleware,
  type Outcome,
  type RunningDaemon,
} from '@switchyard/core';
import { ApiDaemon, createBus, memoryWire, RpcErrorCodes, RpcRequest, type Bus } from '@switchyard/rpc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExampleApi, ExampleApiOtherVersion, Greeting, served, UnservedApi } from './fixtures/exampleApi.js';
import { nextOutcome, startOn } from './support.js';

const seen: Array<{ mediaType?: string; outcome: string }> = [];

class RecordingMiddleware implements Middleware {
  readonly name = 'recording';
  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const outcome = await next();
    seen.push({ mediaType: context.mediaType, outcome: outcome.kind });
    return outcome;
  }
}

class ExampleDaemon extends ApiDaemon {
  readonly name = 'example';
  override readonly apis = [ExampleApi];
  override readonly middleware = [RecordingMiddleware];
}

const code = (error: unknown): string | undefined => (SwitchyardError.is(error) ? error.code : undefined);

describe('RPC on the embedded bus', () => {
  let broker: MemoryBroker;
  let running: RunningDaemon;
  let bus: Bus;

  const start = async (argv: string[] = []): Promise<void> => {
    running = await startOn(broker, new ExampleDaemon(), argv);
  };

  beforeEach(async () => {
    broker = new MemoryBroker();
    bus = await createBus({ wire: memoryWire(broker, 20) });
    seen.length = 0;
  });

  afterEach(async () => {
    served.release();
    await bus.close();
    await running?.stop();
  });

  it('round trip: a typed call returns the validated result, through the daemon pipeline', async () => {
    await start();
    const greeting = await bus.api(ExampleApi).helloWorld({ name: 'Ada' });
    expect(greeting).toBeInstanceOf(Greeting);
    expect(greeting).toEqual({ greeting: 'hello Ada' });
    // The reply goes out from inside the handler: the outcome is recorded just after.
    await expect.poll(() => seen).toEqual([{ mediaType: RpcRequest.mediaType, outcome: 'succeeded' }]);
    expect(running.counter.get('succeeded')).toBe(1);
  });

  it('an unknown API, a method that is not @rpc, and a method the server lacks fail fast', async () => {
    await start();
    expect(
      code(
        await bus
          .api(UnservedApi)
          .ping({})
          .catch((e: unknown) => e),
      ),
    ).toBe(RpcErrorCodes.API_UNKNOWN);
    // toString exists on every class but is not @rpc: the client refuses it by name.
    const untyped = bus.api(ExampleApi) as unknown as { toString(params: object): Promise<unknown> };
    const usage = await untyped.toString({}).catch((e: unknown) => e);
    expect(code(usage)).toBe(RpcErrorCodes.USAGE);
    expect((usage as Error).message).toContain(
      'ExampleApi.toString is not an @rpc method of the example API',
    );
    const lacking = await bus
      .api(ExampleApiOtherVersion)
      .newer({})
      .catch((e: unknown) => e);
    expect(code(lacking)).toBe(RpcErrorCodes.METHOD_UNKNOWN);
    expect((lacking as Error).message).toContain('has no method newer');
    expect(running.counter.finished).toBe(0);
  });

  it('schema mismatch on the client: invalid parameters are refused before anything is sent', async () => {
    await start();
    const error = await bus
      .api(ExampleApi)
      .helloWorld({ name: '' })
      .catch((e: unknown) => e);
    expect(code(error)).toBe(RpcErrorCodes.SCHEMA_MISMATCH);
    expect((error as Error).message).toMatch(
      /^example\.helloWorld: parameters: HelloParams is invalid: name/,
    );
    expect(broker.queue('rpc.example').size).toBe(0);
  });

  it('a malformed call envelope is dead-lettered by the pipeline with the reason', async () => {
    await start();
    const deadLettered = nextOutcome(running, 'dead-lettered');
    broker.queue('rpc.example').send(JSON.stringify({ mediaType: RpcRequest.mediaType, api: 'example' }), {});
    expect((await deadLettered).reason).toContain('invalid message');
  });

  it('a bad deadline is refused with a clear error', async () => {
    await start();
    const error = await bus
      .api(ExampleApi)
      .helloWorld({ name: 'Ada' }, { deadlineMs: -1 })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'deadlineMs must be a whole number of milliseconds above 0, got -1',
    );
  });
});

describe('an ApiDaemon on a transport without an RPC wire', () => {
  const fakeTransport: TransportFactory = {
    name: 'fake',
    configSections: [],
    flags: [],
    isSelected: () => true,
    module: () =>
      new ContainerModule(({ bind }) => {
        bind(TOKENS.Transport).toConstantValue({
          name: 'fake',
          receive: () => Promise.resolve([]),
          ack: () => Promise.resolve(),
          nack: () => Promise.resolve(),
          extend: () => Promise.resolve(),
          deadLetter: () => Promise.resolve(),
          close: () => Promise.resolve(),
        });
        bind(TOKENS.TransportProducer).toConstantValue({
          send: () => Promise.resolve('id'),
          close: () => Promise.resolve(),
        });
      }),
  };

  class FakeDaemon extends ApiDaemon {
    readonly name = 'example-on-fake';
    override readonly apis = [ExampleApi];
    override readonly transports = [fakeTransport];
  }

  it('refuses to start, naming the transports that have a wire', async () => {
    await expect(
      new FakeDaemon().start({ argv: ['--testing', '--set', 'daemon.logLevel=silent'], env: {} }),
    ).rejects.toThrow(
      'rpc could not start: @switchyard/rpc has no wire for the fake transport (it has: memory',
    );
  });
});
