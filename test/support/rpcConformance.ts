import { randomUUID } from 'node:crypto';
import { schemaMediaType, SwitchyardError, type RunningDaemon } from '@switchyard/core';
import {
  ApiDaemon,
  RemoteError,
  RpcErrorCodes,
  RpcTimeoutError,
  type ApiClass,
  type Bus,
} from '@switchyard/rpc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleApis, Greeting, UserRegistered } from './rpcFixtures.js';

/** What the RPC conformance suite needs of a transport. */
export interface RpcEnvironment {
  /**
   * Starts `daemon` on the transport, quiet (daemon.logLevel=silent), consuming a main queue/topic
   * of its own, with `argv` added (e.g. `--concurrency 1`, `--set consumer.maxAttempts=2`).
   */
  start(daemon: ApiDaemon, argv?: readonly string[]): Promise<RunningDaemon>;
  /** A client-only bus on the transport (createBus with the transport's wire and these options). */
  client(options?: { readonly resendIntervalMs?: number }): Promise<Bus>;
  /**
   * The dead letters of the lane at `address` (wireAddresses.<transport>.requests or .listener):
   * each one's reason. Omit where the transport cannot list them cheaply.
   */
  deadLetterReasons?(address: string): Promise<string[]>;
  /** The lane addresses the wire uses (wireAddresses.<transport>). */
  readonly addresses: {
    requests(api: string): string;
    listener(api: string, event: string, listenerName: string): string;
  };
}

const code = (error: unknown): string | undefined => (SwitchyardError.is(error) ? error.code : undefined);

/** The first outcome of `kind` that `running` records from now on. */
function nextOutcome(running: RunningDaemon, kind: string): Promise<{ reason?: string; mediaType?: string }> {
  return new Promise((resolve) => {
    const stop = running.counter.onRecord(({ outcome, mediaType }) => {
      if (outcome.kind !== kind) return;
      stop();
      resolve({ reason: outcome.reason, mediaType });
    });
  });
}

function countOutcomes(running: RunningDaemon, kind: string, mediaType: string): { count: number } {
  const seen = { count: 0 };
  running.counter.onRecord((record) => {
    if (record.outcome.kind === kind && record.mediaType === mediaType) seen.count += 1;
  });
  return seen;
}

/**
 * The RPC and events behaviour every wire must have (issue 15's list), run against a real transport
 * by `environment`. Each test uses an API of its own name, so a shared broker carries no state from
 * one test to the next.
 */
export function rpcConformance(transport: string, environment: RpcEnvironment): void {
  describe(`RPC conformance on ${transport}`, () => {
    let apis: ReturnType<typeof exampleApis>;
    let apiName: string;
    let client: Bus;
    const daemons: RunningDaemon[] = [];

    const serving = (apiClass: ApiClass): ApiDaemon =>
      new (class ExampleDaemon extends ApiDaemon {
        readonly name = 'example';
        override readonly apis = [apiClass];
      })();
    const listening = (): ApiDaemon =>
      new (class AuditDaemon extends ApiDaemon {
        readonly name = 'audit';
      })();
    const start = async (daemon: ApiDaemon, argv: readonly string[] = []): Promise<RunningDaemon> => {
      const running = await environment.start(daemon, argv);
      daemons.push(running);
      return running;
    };

    beforeEach(async () => {
      apiName = `conf${randomUUID().slice(0, 8)}`;
      apis = exampleApis(apiName);
      client = await environment.client();
    });

    afterEach(async () => {
      apis.served.release();
      await client.close();
      await Promise.all(daemons.splice(0).map((running) => running.stop()));
    });

    it('round trip: a typed call returns the validated result, through the daemon pipeline', async () => {
      const running = await start(serving(apis.ExampleApi));
      const greeting = await client.api(apis.ExampleApi).helloWorld({ name: 'Ada' });
      expect(greeting).toBeInstanceOf(Greeting);
      expect(greeting).toEqual({ greeting: 'hello Ada' });
      await expect.poll(() => running.counter.get('succeeded')).toBe(1);
    });

    it('200 concurrent calls each get their own reply', async () => {
      const running = await start(serving(apis.ExampleApi), ['--concurrency', '64']);
      const names = Array.from({ length: 200 }, (_, index) => `user-${index}`);
      const replies = await Promise.all(
        names.map((name) => client.api(apis.ExampleApi).helloWorld({ name }, { deadlineMs: 30_000 })),
      );
      expect(replies.map((reply) => reply.greeting)).toEqual(names.map((name) => `hello ${name}`));
      await expect.poll(() => running.counter.get('succeeded')).toBe(200);
    });

    it('a remote exception arrives as RemoteError (name, message, code, no stack); the call is dead-lettered with the reason', async () => {
      const running = await start(serving(apis.ExampleApi));
      const deadLettered = nextOutcome(running, 'dead-lettered');
      const error = await client
        .api(apis.ExampleApi)
        .fail({})
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RemoteError);
      expect(error).toMatchObject({
        remoteName: 'TypeError',
        remoteMessage: 'the printer is on fire',
        code: 'E_PRINTER',
      });
      expect((error as RemoteError).remoteStack).toBeUndefined();
      expect((await deadLettered).reason).toContain(
        `${apiName}.fail threw TypeError: the printer is on fire`,
      );
      if (environment.deadLetterReasons !== undefined) {
        const address = environment.addresses.requests(apiName);
        await expect
          .poll(() => environment.deadLetterReasons!(address), { timeout: 15_000 })
          .toEqual([expect.stringContaining(`${apiName}.fail threw TypeError`)]);
      }
    });

    it('the caller times out with RpcTimeoutError, and a call whose deadline passed is never started', async () => {
      const running = await start(serving(apis.ExampleApi), ['--concurrency', '1']);
      apis.served.closeGate();
      const blocking = client.api(apis.ExampleApi).block({}, { deadlineMs: 30_000 });
      await expect.poll(() => apis.served.inFlight).toBe(1);
      const late = client.api(apis.ExampleApi).count({}, { deadlineMs: 100 });
      const error = await late.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RpcTimeoutError);
      expect(code(error)).toBe(RpcErrorCodes.TIMEOUT);
      const skipped = nextOutcome(running, 'skipped');
      apis.served.release();
      await blocking;
      expect((await skipped).reason).toMatch(
        new RegExp(`${apiName}\\.count: its deadline passed \\d+ ms ago; not started`),
      );
      expect(apis.served.counted).toBe(0);
    });

    // 4 s is below the bus default (5 s): the inner call, naming no deadline, gets the parent's.
    it('a nested call inherits the remaining time of the call it runs in', async () => {
      await start(serving(apis.ExampleApi));
      const seen = await client.api(apis.ExampleApi).nested({}, { deadlineMs: 4000 });
      expect(seen.parentDeadline).toBeGreaterThan(0);
      expect(seen.deadline).toBe(seen.parentDeadline);
    });

    it('served calls run at most --concurrency at once', async () => {
      await start(serving(apis.ExampleApi), ['--concurrency', '3']);
      apis.served.closeGate();
      const calls = Array.from({ length: 10 }, () =>
        client.api(apis.ExampleApi).block({}, { deadlineMs: 30_000 }),
      );
      await expect.poll(() => apis.served.inFlight).toBe(3);
      apis.served.release();
      await Promise.all(calls);
      expect(apis.served.maxInFlight).toBe(3);
    });

    it('an unknown API and a method the server lacks fail with their codes, not by timeout', async () => {
      const running = await start(serving(apis.ExampleApi));
      // Served first, so the wire has seen the API (a cache of "who serves" is warm).
      await client.api(apis.ExampleApi).helloWorld({ name: 'Ada' });
      const unknownApi = await client
        .api(apis.UnservedApi)
        .ping({}, { deadlineMs: 20_000 })
        .catch((e: unknown) => e);
      expect(code(unknownApi)).toBe(RpcErrorCodes.API_UNKNOWN);
      const lacking = await client
        .api(apis.ExampleApiOtherVersion)
        .newer({}, { deadlineMs: 20_000 })
        .catch((e: unknown) => e);
      expect(code(lacking)).toBe(RpcErrorCodes.METHOD_UNKNOWN);
      expect(running.counter.get('succeeded')).toBe(1);
    });

    it('schema mismatch on the client: invalid parameters are refused before anything is sent', async () => {
      const running = await start(serving(apis.ExampleApi));
      const error = await client
        .api(apis.ExampleApi)
        .helloWorld({ name: '' })
        .catch((e: unknown) => e);
      expect(code(error)).toBe(RpcErrorCodes.SCHEMA_MISMATCH);
      expect((error as Error).message).toMatch(
        new RegExp(`^${apiName}\\.helloWorld: parameters: HelloParams is invalid: name`),
      );
      // A valid call after it is the only one the daemon ever sees.
      await client.api(apis.ExampleApi).helloWorld({ name: 'Ada' });
      await expect.poll(() => running.counter.get('succeeded')).toBe(1);
      expect(running.counter.finished).toBe(1);
    });

    it('schema mismatch on the server: parameters it refuses, and a result that breaks its own schema', async () => {
      await start(serving(apis.ExampleApi));
      const refused = await client
        .api(apis.ExampleApiOtherVersion)
        .helloWorld({ name: 'a name far longer than twenty characters' })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RemoteError);
      expect(code(refused)).toBe(RpcErrorCodes.SCHEMA_MISMATCH);
      expect((refused as RemoteError).remoteMessage).toContain('HelloParams is invalid: name');
      const badResult = await client
        .api(apis.ExampleApi)
        .badResult({})
        .catch((e: unknown) => e);
      expect(badResult).toBeInstanceOf(RemoteError);
      expect(code(badResult)).toBe(RpcErrorCodes.SCHEMA_MISMATCH);
      expect((badResult as RemoteError).remoteMessage).toContain(
        `${apiName}.badResult: result: Greeting is invalid: greeting`,
      );
    });

    it('events fan out to each listener name; a failing listener is retried then dead-lettered, the other unaffected', async () => {
      const example = serving(apis.ExampleApi);
      const audit = listening();
      await start(example);
      const auditRunning = await start(audit, ['--set', 'consumer.maxAttempts=2']);
      const deadLettered = countOutcomes(auditRunning, 'dead-lettered', schemaMediaType(UserRegistered)!);
      const audited: string[] = [];
      const attempts: number[] = [];
      await audit.bus
        .api(apis.ExampleApi)
        .userRegistered.listen((payload: UserRegistered) => void audited.push(payload.userId), {
          listenerName: 'audit-log',
        });
      await audit.bus.api(apis.ExampleApi).userRegistered.listen(
        (_payload, context) => {
          attempts.push(context.attempt);
          throw new Error('mail server down');
        },
        { listenerName: 'mailer' },
      );
      await example.bus.api(apis.ExampleApi).userRegistered.fire({ userId: 'u1' });
      await example.bus.api(apis.ExampleApi).userRegistered.fire({ userId: 'u2' });
      await expect.poll(() => audited.toSorted(), { timeout: 30_000 }).toEqual(['u1', 'u2']);
      await expect.poll(() => deadLettered.count, { timeout: 60_000 }).toBe(2);
      expect(attempts.toSorted()).toEqual([1, 1, 2, 2]);
      if (environment.deadLetterReasons !== undefined) {
        const mailer = environment.addresses.listener(apiName, 'userRegistered', 'mailer');
        const auditLog = environment.addresses.listener(apiName, 'userRegistered', 'audit-log');
        await expect
          .poll(() => environment.deadLetterReasons!(mailer), { timeout: 15_000 })
          .toEqual([
            'gave up after 2 attempts: mail server down',
            'gave up after 2 attempts: mail server down',
          ]);
        expect(await environment.deadLetterReasons(auditLog)).toEqual([]);
      }
      expect(audited).toHaveLength(2);
    });

    it('an event fired while a listener daemon is down waits for it (durable)', async () => {
      const example = serving(apis.ExampleApi);
      await start(example);
      const first = listening();
      const firstRunning = await environment.start(first);
      await first.bus
        .api(apis.ExampleApi)
        .userRegistered.listen(() => undefined, { listenerName: 'audit-log' });
      await firstRunning.stop();
      await example.bus.api(apis.ExampleApi).userRegistered.fire({ userId: 'u3' });
      const again = listening();
      await start(again);
      const received: string[] = [];
      await again.bus
        .api(apis.ExampleApi)
        .userRegistered.listen((payload) => void received.push(payload.userId), {
          listenerName: 'audit-log',
        });
      await expect.poll(() => received, { timeout: 30_000 }).toEqual(['u3']);
    });

    it('an idempotent call is sent again while it runs, and runs once', async () => {
      const running = await start(serving(apis.ExampleApi));
      const resending = await environment.client({ resendIntervalMs: 100 });
      try {
        apis.served.closeGate();
        const answer = resending.api(apis.ExampleApi).tally({}, { deadlineMs: 20_000 });
        await expect.poll(() => apis.served.tallied).toBe(1);
        // Copies arrive while the first run holds the claim: each is skipped, not run.
        await expect
          .poll(() => running.counter.get('skipped'), { timeout: 15_000 })
          .toBeGreaterThanOrEqual(2);
        apis.served.release();
        expect(await answer).toEqual({ greeting: 'run 1' });
        expect(apis.served.tallied).toBe(1);
      } finally {
        await resending.close();
      }
    });

    it("a call made again with the same idempotency key gets the first run's answer", async () => {
      const running = await start(serving(apis.ExampleApi));
      const first = await client.api(apis.ExampleApi).tally({}, { idempotencyKey: 'order-7' });
      const again = await client.api(apis.ExampleApi).tally({}, { idempotencyKey: 'order-7' });
      const other = await client.api(apis.ExampleApi).tally({}, { idempotencyKey: 'order-8' });
      expect([first, again, other]).toEqual([
        { greeting: 'run 1' },
        { greeting: 'run 1' },
        { greeting: 'run 2' },
      ]);
      expect(apis.served.tallied).toBe(2);
      await expect.poll(() => running.counter.get('skipped')).toBe(1);
    });

    it('closing the bus rejects the calls still waiting, and later calls, with BUS_CLOSED', async () => {
      await start(serving(apis.ExampleApi));
      apis.served.closeGate();
      // Caught at once: a wire whose close takes round trips would leave the rejection unhandled meanwhile.
      const waiting = client
        .api(apis.ExampleApi)
        .block({}, { deadlineMs: 30_000 })
        .catch((e: unknown) => e);
      await expect.poll(() => apis.served.inFlight).toBe(1);
      await client.close();
      expect(code(await waiting)).toBe(RpcErrorCodes.BUS_CLOSED);
      expect(
        code(
          await client
            .api(apis.ExampleApi)
            .count({})
            .catch((e: unknown) => e),
        ),
      ).toBe(RpcErrorCodes.BUS_CLOSED);
    });
  });
}
