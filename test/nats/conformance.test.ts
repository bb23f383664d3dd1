import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { Transport } from '@switchyard/core';
import { transportConformance, type DeadLetterCopy } from '@switchyard/core/testing';
import { NATS_KEY_HEADER, NatsClient, NatsProducer, NatsTransport } from '@switchyard/nats';
import { describe, it } from 'vitest';
import {
  adminConnection,
  createStreams,
  deleteStreams,
  natsServers,
  natsSettings,
  publishRaw,
  silentLogger,
  storedMessages,
  testStream,
  unfinished,
} from './support.js';

const DURABLE = 'conformance';

if (natsServers === '')
  describe.skip('transport conformance: NATS JetStream (no server: nats-server missing)', () => {
    it('needs the server', () => undefined);
  });
else
  await transportConformance({
    name: `NATS JetStream on ${natsServers}`,
    // One pull consumer hands messages out in stream order, so a key's messages arrive in publish
    // order. A release is a nak the attempts bucket records first, so it spends no attempt.
    capabilities: { ordersByKey: true, supportsRelease: true, leases: true, redeliversAfterCrash: true },
    createQueue: async () => {
      const names = testStream('conf');
      const admin: NatsConnection = await adminConnection();
      // A 3 s ack_wait: the crash and extend cases wait for a lease to run out.
      await createStreams(admin, names, { durable: DURABLE, consumer: { ack_wait: nanos(3000) } });
      // A 20 s idle wait, so the close case fails if an aborted receive waited for it to end.
      const settings = natsSettings(names, { receiveWaitMs: 20_000 });
      const clients = new Map<Transport, NatsClient>();
      return {
        transport: () => {
          // Its own connection, so a crash can cut it without acking anything.
          const client = new NatsClient(settings, 'conformance', silentLogger);
          const transport = new NatsTransport(
            client,
            settings,
            { durable: DURABLE, maxAttempts: 5, prefetch: 10, releaseClient: client.use() },
            silentLogger,
          );
          clients.set(transport, client);
          return transport;
        },
        producer: () => {
          const client = new NatsClient(settings, 'conformance-producer', silentLogger);
          return new NatsProducer(client, {
            defaultSubject: names.subject,
            routes: {},
            publishTimeoutMs: 5000,
          });
        },
        publish: (messages) =>
          publishRaw(
            admin,
            names.subject,
            messages.map(({ body, key, attributes }) => ({
              body,
              headers: { ...attributes, ...(key === undefined ? {} : { [NATS_KEY_HEADER]: key }) },
            })),
          ),
        remaining: () => unfinished(admin, names.stream, DURABLE),
        deadLetters: async (): Promise<DeadLetterCopy[]> =>
          (await storedMessages(admin, names.deadLetterStream)).map(({ body, headers }) => ({
            body: body.toString('utf8'),
            attributes: headers,
          })),
        // As a killed process: the connection closes with nothing acked, flushed or drained.
        crash: async (transport) => {
          await (await clients.get(transport)?.connection())?.close();
        },
        dispose: async () => {
          await deleteStreams(admin, names);
          await admin.close();
        },
      };
    },
  });
