import { createHash } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { NATS_DEAD_LETTER_HEADERS } from '@switchyard/nats';
import { describe, expect, it } from 'vitest';
// Internal: the test sends one copy twice, as a redelivery after a crash between copy and term would.
import { DeadLetterPublisher } from '../../packages/nats/src/DeadLetterPublisher.js';
import { until } from '../support/until.js';
import {
  daemonTests,
  EVENT_MEDIA_TYPE,
  natsServers,
  publishRaw,
  startDaemon,
  storedMessages,
  unfinished,
} from './support.js';

describe.skipIf(natsServers === '')('NATS dead letters', () => {
  const suite = daemonTests();

  it('a copy sent again for the same delivery (a crash before the term) is stored once', async () => {
    const names = await suite.fresh('dlqdedup', { durable: 'nats-test' });
    await publishRaw(suite.admin, names.subject, [{ body: 'poison', headers: { case: 'dup' } }]);
    const js = jetstream(suite.admin);
    const consumer = await js.consumers.get(names.stream, 'nats-test');
    const message = await consumer.next({ expires: 5000 });
    expect(message).not.toBeNull();
    const publisher = new DeadLetterPublisher(() => js, names.deadLetterSubject, 1_000_000, 5000);
    await publisher.send(message!, { reason: 'first copy', attempts: 1 });
    await publisher.send(message!, { reason: 'second copy', attempts: 1 });
    message!.term();
    const copies = await storedMessages(suite.admin, names.deadLetterStream);
    expect(copies.map((copy) => copy.headers[DEAD_LETTER_ATTRIBUTES.reason])).toEqual(['first copy']);
    expect(copies[0]!.headers.case).toBe('dup');
  });

  it('a message too large for the dead-letter stream becomes a bounded record: reason, size and SHA-256 kept', async () => {
    const names = await suite.fresh('bounded', { durable: 'nats-test', deadLetters: false });
    await (
      await jetstreamManager(suite.admin)
    ).streams.add({ name: names.deadLetterStream, subjects: [names.deadLetterSubject], max_msg_size: 1024 });
    const body = JSON.stringify({ key: 'big', seq: 0, padding: 'x'.repeat(4000) });
    await publishRaw(suite.admin, names.subject, [{ body, headers: { media_type: EVENT_MEDIA_TYPE } }]);
    suite.daemon = await startDaemon(
      () => {
        throw new Error('cannot handle the big one');
      },
      { names, env: { NATS_TEST__CONSUMER__MAX_ATTEMPTS: '1' } },
    );
    await until('dead-lettered', () => suite.daemon!.counter.get('dead-lettered') >= 1, 30_000);
    const [copy, ...more] = await storedMessages(suite.admin, names.deadLetterStream);
    expect(more).toEqual([]);
    expect(copy!.headers[NATS_DEAD_LETTER_HEADERS.bounded]).toBe('true');
    expect(copy!.headers[NATS_DEAD_LETTER_HEADERS.boundedReason]).toMatch(/over the 1024/);
    expect(copy!.headers[NATS_DEAD_LETTER_HEADERS.size]).toBe(String(Buffer.byteLength(body)));
    expect(copy!.headers[NATS_DEAD_LETTER_HEADERS.sha256]).toBe(
      createHash('sha256').update(body).digest('hex'),
    );
    expect(copy!.headers[DEAD_LETTER_ATTRIBUTES.reason]).toContain('cannot handle the big one');
    expect(body.startsWith(copy!.body.toString())).toBe(true);
    await suite.daemon.stop();
    suite.daemon = undefined;
    expect(await unfinished(suite.admin, names.stream, 'nats-test')).toBe(0);
  });
});
