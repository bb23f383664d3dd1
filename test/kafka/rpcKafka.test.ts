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
import {
  brokerCases,
  client as kafkaClient,
  createTopic,
  header,
  readAll,
  silentLogger,
  waitFor,
} from './support.js';

const listening = (): ApiDaemon =>
  new (class AuditDaemon extends ApiDaemon {
    readonly name = 'audit';
  })();

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
    const start = async (
      argv: readonly string[] = [],
      daemon: ApiDaemon = serving(apis.ExampleApi),
    ): Promise<RunningDaemon> => {
      const running = await startApiDaemon(daemon, brokers, argv);
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
        // A replyTo that is not a reply topic (another API's calls, the dead letters of an API
        // named reply, under the reply prefix) gets nothing.
        expect(await wire.sendReply(wireAddresses.kafka.requests(apiName), '{}')).toBe(false);
        const replyApiDeadLetters = `${wireAddresses.kafka.requests('reply')}.dlt`;
        if (!(await topicsAndGroups(brokers)).topics.includes(replyApiDeadLetters))
          await createTopic(brokers, 1, replyApiDeadLetters);
        expect(await wire.sendReply(replyApiDeadLetters, '{}')).toBe(false);
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

    it('a call is a record keyed by its correlation id with its media type and deadline in headers', async () => {
      const wire = await kafkaWire({ brokers, logger: silentLogger });
      try {
        const lane = await wire.serve(apiName, ['helloWorld']);
        expect(lane.address).toBe(wireAddresses.kafka.requests(apiName));
        const deadline = Date.now() + 60_000;
        await wire.sendCall(apiName, { body: '{"api":"x"}', correlationId: 'c-1', deadline });
        const [record] = await readAll(brokers, lane.address, 1);
        expect(record?.key?.toString()).toBe('c-1');
        expect(record?.value?.toString()).toBe('{"api":"x"}');
        expect(header(record?.headers?.['media_type'])).toBe('application/vnd.switchyard.rpc.request');
        expect(header(record?.headers?.['x-switchyard-deadline'])).toBe(String(deadline));
      } finally {
        await wire.close();
      }
    }, 60_000);

    it('concurrent calls share produce requests, and each arrives once', async () => {
      const wire = await kafkaWire({ brokers, logger: silentLogger });
      try {
        const lane = await wire.serve(apiName, []);
        const deadline = Date.now() + 60_000;
        await Promise.all(
          Array.from({ length: 200 }, (_, index) =>
            wire.sendCall(apiName, { body: `{"n":${index}}`, correlationId: `c-${index}`, deadline }),
          ),
        );
        const records = await readRecords(brokers, lane.address, 200);
        expect(new Set(records.map((record) => record.key)).size).toBe(200);
        // Kafka stores the records one produce request brings to a partition as one record batch:
        // 200 one-record requests would leave 200 batches.
        const batches = new Set(records.map((record) => `${record.partition}/${record.batchOffset}`));
        expect(batches.size).toBeLessThan(20);
      } finally {
        await wire.close();
      }
    }, 60_000);

    it("a new listener gets the events fired from its first listen on, not the topic's history", async () => {
      const example = serving(apis.ExampleApi);
      await start([], example);
      await example.bus.api(apis.ExampleApi).userRegistered.fire({ userId: 'before' });
      const audit = listening();
      await start([], audit);
      const received: string[] = [];
      await audit.bus
        .api(apis.ExampleApi)
        .userRegistered.listen((payload) => void received.push(payload.userId), { listenerName: 'late' });
      await example.bus.api(apis.ExampleApi).userRegistered.fire({ userId: 'after' });
      await expect.poll(() => received, { timeout: 30_000 }).toEqual(['after']);
    }, 60_000);
  });
}

/** Every record of `topic` with its partition and the first offset of the record batch it came in. */
async function readRecords(
  brokers: string,
  topic: string,
  expected: number,
): Promise<Array<{ key: string | undefined; partition: number; batchOffset: string }>> {
  const consumer = kafkaClient(brokers).consumer({ groupId: `reader.${randomUUID()}`, maxWaitTimeInMs: 100 });
  const records: Array<{ key: string | undefined; partition: number; batchOffset: string }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        // kafkajs keeps each record's batch header on it, untyped.
        const { batchContext } = message as unknown as { batchContext: { firstOffset: string } };
        records.push({ key: message.key?.toString(), partition, batchOffset: batchContext.firstOffset });
      },
    });
    await waitFor(() => records.length >= expected, 30_000, `${expected} records on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return records;
}
