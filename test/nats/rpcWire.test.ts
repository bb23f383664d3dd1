import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger, type RunningDaemon } from '@switchyard/core';
import {
  ApiDaemon,
  createBus,
  RpcErrorCodes,
  RpcRequest,
  RpcTimeoutError,
  type Bus,
  type RpcWire,
} from '@switchyard/rpc';
import { natsWire, RPC_STREAM } from '@switchyard/rpc/nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exampleApis } from '../support/rpcFixtures.js';
import { startNats, type OwnNats } from '../servers/nats.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  natsServerBinary,
  natsServers,
  silentLogger,
  testStream,
} from './support.js';
import { removeRpcLeftovers, startApiDaemon } from './rpcSupport.js';

const MARKER = `nw${randomUUID().slice(0, 6)}`;
const main = testStream('rpcwire');

function serving(apiClass: ReturnType<typeof exampleApis>['ExampleApi']): ApiDaemon {
  return new (class ExampleDaemon extends ApiDaemon {
    readonly name = 'example';
    override readonly apis = [apiClass];
  })();
}

describe('the NATS RPC wire', () => {
  let admin: NatsConnection;
  const daemons: RunningDaemon[] = [];
  const buses: Bus[] = [];
  const wires: RpcWire[] = [];
  let apiName: string;
  let apis: ReturnType<typeof exampleApis>;

  beforeAll(async () => {
    admin = await adminConnection();
    await createStreams(admin, main);
  });
  afterEach(async () => {
    apis?.served.release();
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await Promise.all(daemons.splice(0).map((running) => running.stop()));
    await Promise.all(wires.splice(0).map((wire) => wire.close()));
  });
  afterAll(async () => {
    await removeRpcLeftovers(admin, MARKER);
    await deleteStreams(admin, main);
    await admin.close();
  });

  const fresh = (): void => {
    apiName = `${MARKER}${randomUUID().slice(0, 6)}`;
    apis = exampleApis(apiName);
  };
  const client = async (servers = natsServers): Promise<Bus> => {
    const wire = await natsWire({ servers, logger: silentLogger });
    wires.push(wire);
    const bus = await createBus({ wire });
    buses.push(bus);
    return bus;
  };

  it('round trip: a call from a client-only bus is served by a daemon on NATS', async () => {
    fresh();
    const running = await startApiDaemon(serving(apis.ExampleApi), main);
    daemons.push(running);
    const bus = await client();
    expect(await bus.api(apis.ExampleApi).helloWorld({ name: 'Ada' })).toEqual({ greeting: 'hello Ada' });
    await expect.poll(() => running.counter.get('succeeded')).toBe(1);
  });

  it('a call is stored on rpc.<api> with its media type and its deadline in x-switchyard-deadline', async () => {
    fresh();
    const wire = await natsWire({ servers: natsServers, logger: silentLogger });
    wires.push(wire);
    const deadline = Date.now() + 60_000;
    // Nobody consumes rpc.<api> here: the work queue keeps the call for the test to read.
    await wire.sendCall(apiName, { body: '{"api":"x"}', correlationId: 'c-1', deadline });
    const jsm = await jetstreamManager(admin);
    const stored = await jsm.streams.getMessage(RPC_STREAM, { last_by_subj: `rpc.${apiName}` });
    expect(stored?.string()).toBe('{"api":"x"}');
    expect(stored?.header.get('x-switchyard-deadline')).toBe(String(deadline));
    expect(stored?.header.get('media_type')).toBe(RpcRequest.mediaType);
  });

  it('an API that was never served fails at once with API_UNKNOWN', async () => {
    fresh();
    const bus = await client();
    const error = await bus
      .api(apis.UnservedApi)
      .ping({}, { deadlineMs: 60_000 })
      .catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe(RpcErrorCodes.API_UNKNOWN);
  });

  it('the inbox is a subscription while the bus is open and gone at close: a reply to it then finds no one, and the sender logs it', async () => {
    const logged: string[] = [];
    const serverLogger = createLogger('rpc-wire-test', 'warn', 'json', {
      write: (line: string) => void logged.push(line),
    });
    const wire = await natsWire({ servers: natsServers, logger: silentLogger });
    const serverSide = await natsWire({ servers: natsServers, logger: serverLogger });
    try {
      const replies: string[] = [];
      const inbox = await wire.openInbox(randomUUID(), (body) => replies.push(body));
      expect(inbox.address).toMatch(/^_INBOX\.switchyard\.[0-9a-f-]{36}$/);
      // Sent from another connection, as a serving daemon would.
      expect(await serverSide.sendReply(inbox.address, '{"correlationId":"x"}')).toBe(true);
      await expect.poll(() => replies).toEqual(['{"correlationId":"x"}']);
      await inbox.close();
      // The server holds no subscription on the address any more.
      const probe = await admin.request(inbox.address, 'probe').catch((error: unknown) => error);
      expect(String((probe as Error).message)).toMatch(/no responders/i);
      // A reply sent now is dropped by the server, which tells the sender: it logs that the caller has gone.
      expect(await serverSide.sendReply(inbox.address, '{"correlationId":"y"}')).toBe(true);
      await expect
        .poll(() => logged.map((line) => JSON.parse(line) as { msg: string; replyTo: string }))
        .toEqual([
          expect.objectContaining({
            replyTo: inbox.address,
            msg: expect.stringContaining('the caller has gone'),
          }),
        ]);
      expect(replies).toHaveLength(1);
    } finally {
      await wire.close();
      await serverSide.close();
    }
  });

  it('a reply to a client that has gone resolves false and the daemon goes on serving', async () => {
    fresh();
    const running = await startApiDaemon(serving(apis.ExampleApi), main, ['--concurrency', '2']);
    daemons.push(running);
    const leaving = await client();
    apis.served.closeGate();
    const abandoned = leaving
      .api(apis.ExampleApi)
      .block({}, { deadlineMs: 30_000 })
      .catch((caught: unknown) => caught);
    await expect.poll(() => apis.served.inFlight).toBe(1);
    await leaving.close();
    expect(((await abandoned) as { code?: string }).code).toBe(RpcErrorCodes.BUS_CLOSED);
    apis.served.release();
    // The served call finished (its reply found nobody) and the next caller is answered.
    await expect.poll(() => running.counter.get('succeeded')).toBe(1);
    const staying = await client();
    expect(await staying.api(apis.ExampleApi).helloWorld({ name: 'Bo' })).toEqual({ greeting: 'hello Bo' });
  });

  it('rpc.natsDurableCalls: a call queued while the serving daemon restarts is answered by the new one', async () => {
    fresh();
    const durable = ['--set', 'rpc.natsDurableCalls=true'];
    const first = await startApiDaemon(serving(apis.ExampleApi), main, durable);
    const bus = await client();
    await bus.api(apis.ExampleApi).helloWorld({ name: 'Ada' });
    await first.stop();
    const waiting = bus.api(apis.ExampleApi).helloWorld({ name: 'Cy' }, { deadlineMs: 30_000 });
    const second = await startApiDaemon(serving(apis.ExampleApi), main, durable);
    daemons.push(second);
    expect(await waiting).toEqual({ greeting: 'hello Cy' });
    await expect.poll(() => second.counter.get('succeeded')).toBe(1);
  });

  it("core calls: a call made after the API's only daemon stopped fails at once with API_UNKNOWN, though the client had seen it served", async () => {
    fresh();
    const first = await startApiDaemon(serving(apis.ExampleApi), main);
    const bus = await client();
    await bus.api(apis.ExampleApi).helloWorld({ name: 'Ada' });
    await first.stop();
    const started = Date.now();
    const error = await bus
      .api(apis.ExampleApi)
      .helloWorld({ name: 'Cy' }, { deadlineMs: 30_000 })
      .catch((caught: unknown) => caught);
    expect((error as { code?: string }).code).toBe(RpcErrorCodes.API_UNKNOWN);
    // Answered by the server's "no responders", not by the 30 s deadline.
    expect(Date.now() - started).toBeLessThan(10_000);
    const second = await startApiDaemon(serving(apis.ExampleApi), main);
    daemons.push(second);
    expect(await bus.api(apis.ExampleApi).helloWorld({ name: 'Di' })).toEqual({ greeting: 'hello Di' });
  });

  it('core calls: a daemon answers who serves the API with its methods (a client then refuses another method itself)', async () => {
    fresh();
    daemons.push(await startApiDaemon(serving(apis.ExampleApi), main));
    const wire = await natsWire({ servers: natsServers, logger: silentLogger });
    wires.push(wire);
    const served = await wire.served(apiName);
    expect(served).toMatchObject({ served: true });
    expect([...((served as { methods?: Set<string> }).methods ?? [])]).toContain('helloWorld');
  });

  it('core calls: beyond rpc.natsMaxWaitingCalls a daemon answers OVERLOADED at once; the calls it holds are all answered', async () => {
    fresh();
    const running = await startApiDaemon(serving(apis.ExampleApi), main, [
      ...['--concurrency', '1', '--set', 'rpc.natsMaxWaitingCalls=2'],
    ]);
    daemons.push(running);
    const bus = await client();
    apis.served.closeGate();
    const first = bus.api(apis.ExampleApi).block({}, { deadlineMs: 30_000 });
    await expect.poll(() => apis.served.inFlight).toBe(1);
    const more = Array.from({ length: 4 }, () =>
      bus
        .api(apis.ExampleApi)
        .block({}, { deadlineMs: 30_000 })
        .then(
          () => 'answered',
          (error: unknown) => (error as { code?: string }).code,
        ),
    );
    // Two wait in the daemon; the other two are refused without waiting for the gate.
    const refused = await Promise.race([
      Promise.all(more.slice(2)),
      new Promise((r) => setTimeout(() => r('waited'), 10_000)),
    ]);
    expect(refused).toEqual([RpcErrorCodes.OVERLOADED, RpcErrorCodes.OVERLOADED]);
    apis.served.release();
    await first;
    expect(await Promise.all(more.slice(0, 2))).toEqual(['answered', 'answered']);
  });
});

describe.skipIf(!natsServerBinary)('the NATS RPC wire: nats-server restarts mid-call', () => {
  let server: OwnNats | undefined;
  let running: RunningDaemon | undefined;
  let bus: Bus | undefined;
  let wire: RpcWire | undefined;
  afterEach(async () => {
    await bus?.close();
    await wire?.close();
    await running?.stop();
    await server?.stop();
  });

  it('a stream of its own on rpc.* stops the serving daemon at start, naming the stream and the fix', async () => {
    server = await startNats();
    const own = testStream('rpcclash');
    const admin = await adminConnection(server.servers);
    await createStreams(admin, own);
    await (await jetstreamManager(admin)).streams.add({ name: 'USER_RPC', subjects: ['rpc.*'] });
    await admin.close();
    const apis = exampleApis(`clash${randomUUID().slice(0, 6)}`);
    const started = await startApiDaemon(serving(apis.ExampleApi), own, [], server.servers).catch(
      (error: unknown) => error,
    );
    expect((started as Error).message).toMatch(
      /could not create the JetStream stream SWITCHYARD_RPC on rpc\.>: .*move it off them, or create SWITCHYARD_RPC yourself/,
    );
  });

  it('the caller gets RpcTimeoutError, never a hang, and calls work again after the restart', async () => {
    server = await startNats();
    const own = testStream('rpcrestart');
    const admin = await adminConnection(server.servers);
    await createStreams(admin, own);
    await admin.close();
    const apis = exampleApis(`restart${randomUUID().slice(0, 6)}`);
    running = await startApiDaemon(serving(apis.ExampleApi), own, [], server.servers);
    // A publish waits at most 1 s for its ack, under the 2 s deadline of the calls made after the
    // restart: a call sent while the server is still down fails before its deadline.
    wire = await natsWire({ servers: server.servers, logger: silentLogger, publishTimeoutMs: 1000 });
    bus = await createBus({ wire });
    await bus.api(apis.ExampleApi).helloWorld({ name: 'Ada' });
    apis.served.closeGate();
    const inFlight = bus
      .api(apis.ExampleApi)
      .block({}, { deadlineMs: 3000 })
      .catch((caught: unknown) => caught);
    await expect.poll(() => apis.served.inFlight).toBe(1);
    // Down longer than the call's deadline: its reply cannot reach the caller in time.
    await server.restart({ downMs: 3500 });
    expect(await inFlight).toBeInstanceOf(RpcTimeoutError);
    apis.served.release();
    await expect
      .poll(
        () =>
          bus!
            .api(apis.ExampleApi)
            .helloWorld({ name: 'Bo' }, { deadlineMs: 2000 })
            .catch(() => undefined),
        {
          timeout: 30_000,
        },
      )
      .toEqual({ greeting: 'hello Bo' });
  });
});
