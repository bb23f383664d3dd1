import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { DEAD_LETTER_ATTRIBUTES, type RunningDaemon } from '@switchyard/core';
import { natsTransportFactory } from '@switchyard/nats';
import type { ApiDaemon } from '@switchyard/rpc';
import {
  EVENTS_DEAD_LETTER_STREAM,
  EVENTS_STREAM,
  natsDeadLetterSubject,
  RPC_DEAD_LETTER_STREAM,
  RPC_STREAM,
} from '@switchyard/rpc/nats';
import { natsServers, type TestStream } from './support.js';

/**
 * Starts an API daemon on NATS, quiet, consuming `main` (the test file's stream) with a durable of
 * its own. The daemon classes of the RPC suites name no transport, so NATS is put in here.
 */
export function startApiDaemon(
  daemon: ApiDaemon,
  main: TestStream,
  argv: readonly string[] = [],
  servers = natsServers,
): Promise<RunningDaemon> {
  Object.defineProperty(daemon, 'transports', { value: [natsTransportFactory] });
  return daemon.start({
    argv: [
      '--nats-servers',
      servers,
      '--stream',
      main.stream,
      '--subject',
      main.subject,
      '--durable',
      `main-${randomUUID().slice(0, 8)}`,
      '--set',
      'nats.createStream=true',
      '--set',
      'nats.createConsumer=true',
      '--set',
      'daemon.logLevel=silent',
      // A short idle wait, so a stopping daemon's lanes let go quickly.
      '--set',
      'nats.receiveWaitMs=500',
      ...argv,
    ],
    env: {
      EXAMPLE__CONSUMER__BACKOFF_BASE_SECONDS: '0.05',
      EXAMPLE__CONSUMER__BACKOFF_MAX_SECONDS: '0.2',
      AUDIT__CONSUMER__BACKOFF_BASE_SECONDS: '0.05',
      AUDIT__CONSUMER__BACKOFF_MAX_SECONDS: '0.2',
    },
  });
}

/** The reasons of the dead letters of the lane at `address` (a request subject or a listener durable). */
export async function deadLetterReasons(connection: NatsConnection, address: string): Promise<string[]> {
  const subject = natsDeadLetterSubject(address);
  const stream = subject.startsWith('dead-letter.rpc.') ? RPC_DEAD_LETTER_STREAM : EVENTS_DEAD_LETTER_STREAM;
  const jsm = await jetstreamManager(connection);
  const info = await jsm.streams.info(stream, { subjects_filter: subject }).catch(() => undefined);
  const count = info?.state.subjects?.[subject] ?? 0;
  if (count === 0) return [];
  const consumer = await jetstream(connection).consumers.get(stream, { filter_subjects: subject });
  const reasons: string[] = [];
  try {
    while (reasons.length < count) {
      const messages = await consumer.fetch({ max_messages: count - reasons.length, expires: 2000 });
      let received = 0;
      for await (const message of messages) {
        received += 1;
        reasons.push(message.headers?.get(DEAD_LETTER_ATTRIBUTES.reason) ?? '');
      }
      if (received === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return reasons;
}

/**
 * Removes what a test file's APIs left on the shared server: their durables, and their calls and
 * dead letters still stored (names and subjects containing `marker`).
 */
export async function removeRpcLeftovers(connection: NatsConnection, marker: string): Promise<void> {
  const jsm = await jetstreamManager(connection);
  for (const stream of [RPC_STREAM, EVENTS_STREAM]) {
    const names: string[] = [];
    try {
      for await (const consumer of jsm.consumers.list(stream)) names.push(consumer.name);
    } catch {
      continue;
    }
    for (const name of names.filter((candidate) => candidate.includes(marker)))
      await jsm.consumers.delete(stream, name).catch(() => undefined);
  }
  for (const stream of [RPC_STREAM, EVENTS_STREAM, RPC_DEAD_LETTER_STREAM, EVENTS_DEAD_LETTER_STREAM]) {
    const info = await jsm.streams.info(stream, { subjects_filter: '>' }).catch(() => undefined);
    for (const subject of Object.keys(info?.state.subjects ?? {}).filter((name) => name.includes(marker)))
      await jsm.streams.purge(stream, { filter: subject }).catch(() => undefined);
  }
}
