import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { SwitchyardError, type RunningDaemon } from '@switchyard/core';
import {
  MEDIA_TYPE_HEADER,
  MSG_ID_HEADER,
  NATS_KEY_HEADER,
  NatsClient,
  NatsConfig,
  NatsErrorCodes,
  NatsProducer,
} from '@switchyard/nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  EVENT_MEDIA_TYPE,
  events,
  natsServers,
  publishRaw,
  silentLogger,
  startDaemon,
  storedMessages,
  testStream,
  TestEvent,
  type TestStream,
} from './support.js';

describe.skipIf(natsServers === '')('the NATS producer', () => {
  let admin: NatsConnection;
  let daemon: RunningDaemon | undefined;
  const streams: TestStream[] = [];
  const producers: NatsProducer[] = [];
  const fresh = async (label: string, durable?: string): Promise<TestStream> => {
    const names = testStream(label);
    streams.push(names);
    await createStreams(admin, names, durable === undefined ? {} : { durable });
    return names;
  };
  const producer = (defaultSubject: string, publishTimeoutMs = 5000): NatsProducer => {
    const settings = Object.assign(new NatsConfig(), { servers: natsServers });
    const created = new NatsProducer(new NatsClient(settings, 'producer-test', silentLogger), {
      defaultSubject,
      routes: {},
      publishTimeoutMs,
    });
    producers.push(created);
    return created;
  };

  beforeAll(async () => {
    admin = await adminConnection();
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    for (const created of producers.splice(0)) await created.close();
    for (const names of streams.splice(0)) await deleteStreams(admin, names);
  });
  afterAll(async () => {
    await admin?.close();
  });

  it('resolves with stream/sequence once stored, with the media type, key and attributes as headers', async () => {
    const names = await fresh('send');
    const sending = producer(names.subject);
    const id = await sending.send({
      mediaType: EVENT_MEDIA_TYPE,
      body: '{"key":"a","seq":0}',
      attributes: { 'x-trace': 'abc' },
      key: 'a',
    });
    expect(id).toBe(`${names.stream}/1`);
    const [stored] = await storedMessages(admin, names.stream);
    expect(stored!.body.toString()).toBe('{"key":"a","seq":0}');
    expect(stored!.headers).toMatchObject({
      [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE,
      [NATS_KEY_HEADER]: 'a',
      'x-trace': 'abc',
    });
    expect(stored!.headers[MSG_ID_HEADER], 'a message id even when the sender gave none').toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it('a resend with the same Nats-Msg-Id is stored once (the stream dedups it) and answers the same id', async () => {
    const names = await fresh('dedup');
    const sending = producer(names.subject);
    const message = {
      mediaType: EVENT_MEDIA_TYPE,
      body: '{"key":"a","seq":0}',
      attributes: { [MSG_ID_HEADER]: 'order-42' },
    };
    const first = await sending.send(message);
    const second = await sending.send(message);
    const other = await sending.send({ ...message, attributes: { [MSG_ID_HEADER]: 'order-43' } });
    expect(second).toBe(first);
    expect(other).not.toBe(first);
    const stored = await storedMessages(admin, names.stream);
    expect(stored.map((entry) => entry.headers[MSG_ID_HEADER])).toEqual(['order-42', 'order-43']);
  });

  it('a subject no stream captures fails with PUBLISH_FAILED naming the subject', async () => {
    const sending = producer('nowhere.at.all', 1000);
    const error = await sending
      .send({ mediaType: EVENT_MEDIA_TYPE, body: '{}', attributes: {} })
      .catch((failure: unknown) => failure);
    expect(SwitchyardError.is(error) && error.code).toBe(NatsErrorCodes.PUBLISH_FAILED);
    expect((error as Error).message).toContain('"nowhere.at.all"');
  });

  it('no subject at all fails with NO_SUBJECT naming the settings to use', async () => {
    const error = await producer('')
      .send({ mediaType: EVENT_MEDIA_TYPE, body: '{}', attributes: {} })
      .catch((failure: unknown) => failure);
    expect(SwitchyardError.is(error) && error.code).toBe(NatsErrorCodes.NO_SUBJECT);
    expect((error as Error).message).toMatch(/nats\.subjectRoutes.*nats\.produceSubject/);
  });

  it("a handler's publishes go out once it succeeded, confirmed before its message is acked", async () => {
    const names = await fresh('forward', 'nats-test');
    const out = testStream('forward_out');
    streams.push(out);
    await (await jetstreamManager(admin)).streams.add({ name: out.stream, subjects: [out.subject] });
    await publishRaw(admin, names.subject, events(20, 2));
    daemon = await startDaemon(
      async (event, context) => {
        await context.producer.produce(
          TestEvent,
          { key: event.key, seq: event.seq + 100 },
          { destination: out.subject },
        );
        // The first try of seq 0 fails after publishing: its publish must not go out.
        if (event.key === 'k0' && event.seq === 0 && context.attempt === 1)
          throw new Error('first try fails');
      },
      { names },
    );
    await until('20 succeeded', () => daemon!.counter.get('succeeded') >= 20, 30_000);
    const forwarded = await storedMessages(admin, out.stream);
    expect(
      forwarded.map((entry) => (JSON.parse(entry.body.toString()) as TestEvent).seq).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 10 }, (_, seq) => [seq + 100, seq + 100]).flat());
    expect(forwarded.every((entry) => entry.headers[MEDIA_TYPE_HEADER] === EVENT_MEDIA_TYPE)).toBe(true);
  });
});
