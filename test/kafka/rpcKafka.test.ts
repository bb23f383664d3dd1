import { randomUUID } from 'node:crypto';
import type { RunningDaemon } from '@switchyard/core';
import {
  ApiDaemon,
  createBus,
  RpcTimeoutError,
  wireAddresses,
  type ApiClass,
  type Bus,
} from '@switchyard/rpc';
import { kafkaWire } from '@switchyard/rpc/kafka';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleApis } from '../support/rpcFixtures.js';
import { startApiDaemon, topicsAndGroups } from './rpcSupport.js';
import { brokerCases, silentLogger } from './support.js';

const serving = (apiClass: ApiClass): ApiDaemon =>
  new (class ExampleDaemon extends ApiDaemon {
    readonly name = 'example';
    override readonly apis = [apiClass];
  })();

for (const { version, brokers } of brokerCases) {
  describe(`RPC on Kafka ${version}: rebalances, restarts, reply topics`, () => {
    let apis: ReturnType<typeof exampleApis>;
    let apiName: string;
    let client: Bus;
    const daemons = new Set<RunningDaemon>();
    const start = async (argv: readonly string[] = []): Promise<RunningDaemon> => {
      const running = await startApiDaemon(serving(apis.ExampleApi), brokers, argv);
      daemons.add(running);
      return running;
    };
    const stop = async (running: RunningDaemon): Promise<void> => {
      daemons.delete(running);
      await running.stop();
    };

    beforeEach(async () => {
      apiName = `kw${randomUUID().slice(0, 8)}`;
      apis = exampleApis(apiName);
      client = await createBus({ wire: await kafkaWire({ brokers, logger: silentLogger }) });
    });

    afterEach(async () => {
      apis.served.release();
      await client.close();
      await Promise.all([...daemons].map((running) => running.stop()));
      daemons.clear();
    });

    it('a second serving daemon joins and the first leaves while calls flow: every call is answered, with its own result', async () => {
      const first = await start(['--concurrency', '16']);
      const results = new Map<number, string>();
      let next = 0;
      let flowing = true;
      // 8 callers in a closed loop until told to stop: calls are in flight at every rebalance.
      const caller = async (): Promise<void> => {
        while (flowing) {
          const index = next++;
          const reply = await client
            .api(apis.ExampleApi)
            .helloWorld({ name: `c${index}` }, { deadlineMs: 30_000 });
          results.set(index, reply.greeting);
        }
      };
      const callers = Array.from({ length: 8 }, caller);
      await expect.poll(() => results.size, { timeout: 20_000 }).toBeGreaterThanOrEqual(50);
      const second = await start(['--concurrency', '16']);
      // The group has rebalanced once the second daemon has answered calls of its own.
      await expect.poll(() => second.counter.get('succeeded'), { timeout: 30_000 }).toBeGreaterThan(10);
      const beforeLeaving = results.size;
      await stop(first);
      const firstRuns = first.counter.get('succeeded');
      // Calls go on after the first daemon left: the second now has every partition.
      await expect.poll(() => results.size, { timeout: 30_000 }).toBeGreaterThan(beforeLeaving + 100);
      flowing = false;
      await Promise.all(callers);
      expect(results.size).toBe(next);
      for (const [index, greeting] of results) expect(greeting).toBe(`hello c${index}`);
      const runs = firstRuns + second.counter.get('succeeded');
      // Calls in flight when a partition moved may run on both daemons (their first reply counts).
      expect(runs).toBeGreaterThanOrEqual(next);
      console.info(
        `Kafka ${version} rebalance: ${next} calls answered, ${runs} runs (${runs - next} ran twice), first daemon ${firstRuns}`,
      );
    }, 120_000);

    it('a call whose server stops mid-call times out (never hangs); a call sent while no server runs is answered after the restart', async () => {
      const first = await start(['--set', 'consumer.shutdownTimeoutMs=0']);
      apis.served.closeGate();
      const abandoned = client
        .api(apis.ExampleApi)
        .block({}, { deadlineMs: 4000 })
        .catch((error: unknown) => error);
      await expect.poll(() => apis.served.inFlight).toBe(1);
      await stop(first);
      // Sent while nothing serves: it waits in the request topic.
      const waiting = client.api(apis.ExampleApi).helloWorld({ name: 'Ada' }, { deadlineMs: 60_000 });
      const second = await start();
      expect(await waiting).toEqual({ greeting: 'hello Ada' });
      expect(await abandoned).toBeInstanceOf(RpcTimeoutError);
      apis.served.release();
      expect(second.counter.get('succeeded')).toBeGreaterThanOrEqual(1);
    }, 90_000);

    it("a client's reply topic and group exist while its bus is open and are removed when it closes", async () => {
      const replyPrefix = wireAddresses.kafka.replies('');
      const before = await topicsAndGroups(brokers);
      const other = await createBus({ wire: await kafkaWire({ brokers, logger: silentLogger }) });
      const during = await topicsAndGroups(brokers);
      const added = during.topics.filter(
        (topic) => topic.startsWith(replyPrefix) && !before.topics.includes(topic),
      );
      expect(added).toHaveLength(1);
      const [replyTopic] = added;
      expect(during.groups).toContain(replyTopic);
      await other.close();
      await expect
        .poll(async () => {
          const after = await topicsAndGroups(brokers);
          return { topic: after.topics.includes(replyTopic!), group: after.groups.includes(replyTopic!) };
        })
        .toEqual({ topic: false, group: false });
    }, 60_000);

    it('a reply to a client that has gone resolves false and leaves replies to other clients working', async () => {
      const wire = await kafkaWire({ brokers, logger: silentLogger });
      const received: string[] = [];
      try {
        const gone = await wire.openInbox(`gone-${randomUUID()}`, () => undefined);
        expect(await wire.sendReply(gone.address, '{"correlationId":"x"}')).toBe(true);
        await gone.close();
        expect(await wire.sendReply(gone.address, '{"correlationId":"y"}')).toBe(false);
        // A kafkajs producer that sent to a deleted topic fails its next metadata refresh: the
        // first reply to a new topic after the deletion is where that showed.
        const live = await wire.openInbox(`live-${randomUUID()}`, (body) => void received.push(body));
        expect(await wire.sendReply(live.address, '{"correlationId":"z"}')).toBe(true);
        await expect.poll(() => received).toEqual(['{"correlationId":"z"}']);
        // A replyTo that is not a reply topic (another API's calls) gets nothing.
        expect(await wire.sendReply(wireAddresses.kafka.requests(apiName), '{}')).toBe(false);
        await live.close();
      } finally {
        await wire.close();
      }
    }, 60_000);

    it('a daemon whose caller has gone drops the reply and goes on serving', async () => {
      const running = await start();
      const leaving = await createBus({ wire: await kafkaWire({ brokers, logger: silentLogger }) });
      apis.served.closeGate();
      const orphan = leaving
        .api(apis.ExampleApi)
        .block({}, { deadlineMs: 30_000 })
        .catch((error: unknown) => error);
      await expect.poll(() => apis.served.inFlight).toBe(1);
      await leaving.close();
      await orphan;
      apis.served.release();
      await expect.poll(() => running.counter.get('succeeded')).toBe(1);
      expect(await client.api(apis.ExampleApi).helloWorld({ name: 'Bo' })).toEqual({ greeting: 'hello Bo' });
    }, 60_000);
  });
}
