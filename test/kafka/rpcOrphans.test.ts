import { randomUUID } from 'node:crypto';
import { createKafkaClient, KafkaConfig, KafkaProducer } from '@switchyard/kafka';
import { createBus, wireAddresses, type Bus, type RpcWire } from '@switchyard/rpc';
import { createKafkaWire, KAFKA_WIRE_DEFAULTS, kafkaWire } from '@switchyard/rpc/kafka';
import { KafkaJSProtocolError, type Kafka } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  recordingLogger,
  replyGroup,
  startReplyClient,
  topicsAndGroups,
  type ReplyClient,
} from './rpcSupport.js';
import { brokerCases, client as kafkaClient, createTopic, kafkaBrokers, silentLogger } from './support.js';

/**
 * A grace short enough for a test (the default is 10 min; sweeps come every half grace), and long
 * enough that the clients other suites start on the same broker meanwhile have joined their
 * groups well within it.
 */
const GRACE_MS = 3000;

const exists = async (brokers: string, name: string): Promise<{ topic: boolean; group: boolean }> => {
  const { topics, groups } = await topicsAndGroups(brokers);
  return { topic: topics.includes(name), group: groups.includes(name) };
};

/** How many sweeps `records` tell of (the sweeper's debug line after each). */
const sweeps = (records: ReadonlyArray<Record<string, unknown>>): number =>
  records.filter((record) => record.msg === 'swept the reply topics and groups of other clients').length;

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'RPC on Kafka $version: reply topics of clients that have gone',
  ({ brokers }) => {
    const buses: Bus[] = [];
    const wires: RpcWire[] = [];
    const children: ReplyClient[] = [];
    const handMade: string[] = [];

    afterEach(async () => {
      await Promise.all(children.splice(0).map((child) => child.kill()));
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
      await Promise.all(wires.splice(0).map((wire) => wire.close()));
      const admin = kafkaClient(brokers).admin();
      await admin.connect();
      const { topics, groups } = await topicsAndGroups(brokers);
      const made = handMade.splice(0);
      await admin.deleteTopics({ topics: made.filter((name) => topics.includes(name)) });
      await admin.deleteGroups(made.filter((name) => groups.includes(name))).catch(() => undefined);
      await admin.disconnect();
    });

    const bus = async (options: Parameters<typeof kafkaWire>[0]): Promise<Bus> => {
      const wire = await kafkaWire(options);
      wires.push(wire);
      const opened = await createBus({ wire });
      buses.push(opened);
      return opened;
    };

    it("a SIGKILLed client's reply topic and group (its offsets too) are removed by the next client once the group has been empty for the grace; not with the sweep off", async () => {
      const crashed = await startReplyClient(brokers);
      children.push(crashed);
      const address = crashed.address;
      // A reply read and committed: the group holds offsets, as a client's group does after a call.
      const sender = await kafkaWire({ brokers, logger: silentLogger, replyOrphanGraceMs: 0 });
      wires.push(sender);
      expect(await sender.sendReply(address, '{"correlationId":"r-1"}')).toBe(true);
      await expect.poll(() => crashed.replies, { timeout: 20_000 }).toEqual(['{"correlationId":"r-1"}']);
      await expect
        .poll(async () => (await replyGroup(brokers, address)).committed, { timeout: 20_000 })
        .toBe('1');
      await crashed.kill();

      // With the sweep off nothing is removed, however long the group has been empty.
      await bus({ brokers, logger: silentLogger, replyOrphanGraceMs: 0 });
      await expect
        .poll(async () => (await replyGroup(brokers, address)).members, { timeout: 30_000 })
        .toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 2 * GRACE_MS));
      expect(await exists(brokers, address)).toEqual({ topic: true, group: true });

      const { logger, records } = recordingLogger();
      await bus({ brokers, logger, replyOrphanGraceMs: GRACE_MS });
      await expect
        .poll(() => exists(brokers, address), { timeout: 30_000, interval: 200 })
        .toEqual({ topic: false, group: false });
      expect((await replyGroup(brokers, address)).committed ?? '-1').toBe('-1');
      const removals = records.filter((record) => record.topic === address);
      expect(removals).toEqual([
        expect.objectContaining({
          level: 30,
          topicRemoved: true,
          groupRemoved: true,
          msg: expect.stringContaining('removed the reply topic and group of a client that has gone'),
        }),
      ]);
      expect(removals[0]?.memberlessForMs).toBeGreaterThanOrEqual(GRACE_MS);
    }, 120_000);

    it("a live client's reply topic, and one whose client is still starting (topic created, consumer not yet joined), are never removed", async () => {
      const liveWire = await kafkaWire({ brokers, logger: silentLogger, replyOrphanGraceMs: 0 });
      wires.push(liveWire);
      const received: string[] = [];
      const live = await liveWire.openInbox(randomUUID(), (body) => void received.push(body));
      // A client that has created its reply topic and not yet joined its group.
      const starting = await createTopic(brokers, 1, wireAddresses.kafka.replies(randomUUID()));
      handMade.push(starting);
      const { logger, records } = recordingLogger('debug');
      await bus({ brokers, logger, replyOrphanGraceMs: 2 * GRACE_MS });
      await expect.poll(() => sweeps(records), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      // It joins within the grace, as a starting client does.
      const consumer = kafkaClient(brokers).consumer({ groupId: starting, maxWaitTimeInMs: 100 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [starting], fromBeginning: true });
        await consumer.run({ eachMessage: async () => undefined });
        const joinedAt = sweeps(records);
        // Sweeps over more than twice the grace since.
        await expect.poll(() => sweeps(records), { timeout: 60_000 }).toBeGreaterThanOrEqual(joinedAt + 5);
        const { topics } = await topicsAndGroups(brokers);
        expect(topics).toContain(starting);
        expect(topics).toContain(live.address);
        expect(records.filter((record) => String(record.msg).startsWith('removed'))).toEqual([]);
      } finally {
        await consumer.disconnect();
      }
      // The live client still gets its replies.
      expect(await liveWire.sendReply(live.address, '{"correlationId":"still"}')).toBe(true);
      await expect.poll(() => received).toEqual(['{"correlationId":"still"}']);
      await live.close();
    }, 90_000);

    it('a reply topic deleted under an open client (by hand, or by a sweep while its process was paused) is created again, and replies reach it again', async () => {
      const { logger, records } = recordingLogger();
      const wire = await kafkaWire({ brokers, logger, replyOrphanGraceMs: 0 });
      wires.push(wire);
      const sender = await kafkaWire({ brokers, logger: silentLogger, replyOrphanGraceMs: 0 });
      wires.push(sender);
      const received: string[] = [];
      const inbox = await wire.openInbox(randomUUID(), (body) => void received.push(body));
      // One reply read and committed first: the group's offset is past the end of the new topic.
      expect(await sender.sendReply(inbox.address, '{"correlationId":"before"}')).toBe(true);
      await expect.poll(() => received, { timeout: 20_000 }).toEqual(['{"correlationId":"before"}']);
      await expect
        .poll(async () => (await replyGroup(brokers, inbox.address)).committed, { timeout: 20_000 })
        .toBe('1');
      const admin = kafkaClient(brokers).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [inbox.address] });
      await admin.disconnect();
      const restored = (): boolean =>
        records.some(
          (record) =>
            record.level === 40 &&
            record.topic === inbox.address &&
            String(record.msg).includes('deleted under it; created it again'),
        );
      await expect.poll(restored, { timeout: 60_000, interval: 200 }).toBe(true);
      expect((await exists(brokers, inbox.address)).topic).toBe(true);
      expect(await sender.sendReply(inbox.address, '{"correlationId":"after"}')).toBe(true);
      await expect.poll(() => received, { timeout: 60_000 }).toContain('{"correlationId":"after"}');
      await inbox.close();
    }, 120_000);

    it('a removal the broker refuses is logged and tried again after another grace; the client goes on working', async () => {
      const orphan = await createTopic(brokers, 1, wireAddresses.kafka.replies(randomUUID()));
      handMade.push(orphan);
      const { logger, records } = recordingLogger();
      const wire = refusingWire(brokers, orphan, logger);
      wires.push(wire);
      const received: string[] = [];
      const inbox = await wire.openInbox(randomUUID(), (body) => void received.push(body));
      const refusals = (): Array<Record<string, unknown>> =>
        records.filter((record) => record.topic === orphan && record.level === 40);
      await expect.poll(() => refusals().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      expect(refusals()[0]).toMatchObject({
        err: expect.objectContaining({ message: 'Topic deletion is disabled.' }),
        msg: expect.stringContaining('could not remove the reply topic and group of a client that has gone'),
      });
      expect((await exists(brokers, orphan)).topic).toBe(true);
      expect(await wire.sendReply(inbox.address, '{"correlationId":"after"}')).toBe(true);
      await expect.poll(() => received).toEqual(['{"correlationId":"after"}']);
      await inbox.close();
    }, 60_000);
  },
);

/**
 * A Kafka wire whose brokers refuse to delete `refused` (as with delete.topic.enable=false or an
 * ACL): the test brokers cannot be started so, so the refusal is the one thing put in front of
 * the real client; everything else reaches the broker.
 */
function refusingWire(
  brokers: string,
  refused: string,
  logger: ReturnType<typeof recordingLogger>['logger'],
): RpcWire {
  const config = Object.assign(new KafkaConfig(), { brokers });
  const real = createKafkaClient(config, 'switchyard-rpc-test', silentLogger);
  const kafka = new Proxy(real, {
    get(target, property, receiver) {
      if (property !== 'admin') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<Kafka['admin']>) => {
        const admin = target.admin(...args);
        const deleteTopics = admin.deleteTopics.bind(admin);
        admin.deleteTopics = async (request) => {
          if (request.topics.includes(refused))
            throw new KafkaJSProtocolError({
              name: 'KafkaJSProtocolError',
              message: 'Topic deletion is disabled.',
              type: 'TOPIC_DELETION_DISABLED',
              code: 73,
              retriable: false,
            } as unknown as Error);
          return deleteTopics(request);
        };
        return admin;
      };
    },
  });
  return createKafkaWire({
    ...KAFKA_WIRE_DEFAULTS,
    replyOrphanGraceMs: GRACE_MS,
    kafka,
    config,
    producer: new KafkaProducer(kafka, { defaultTopic: '', routes: {} }),
    ownsProducer: true,
    logger,
  });
}
