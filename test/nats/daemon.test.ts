import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { MEDIA_TYPE_HEADER, NATS_DEAD_LETTER_HEADERS } from '@switchyard/nats';
import { describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import {
  daemonTests,
  EVENT_MEDIA_TYPE,
  events,
  natsServers,
  publishRaw,
  startDaemon,
  storedMessages,
  unfinished,
} from './support.js';

describe.skipIf(natsServers === '')('a daemon on NATS JetStream', () => {
  const suite = daemonTests();

  it('handles every message once, each key in publish order, and acks them all', async () => {
    const names = await suite.fresh('e2e', { durable: 'nats-test' });
    await publishRaw(suite.admin, names.subject, events(200, 8));
    const seen: string[] = [];
    suite.daemon = await startDaemon((event) => void seen.push(`${event.key}/${event.seq}`), { names });
    await until('200 handled', () => suite.daemon!.counter.finished >= 200, 30_000);
    expect(new Set(seen).size).toBe(200);
    expect(seen).toHaveLength(200);
    for (let key = 0; key < 8; key += 1)
      expect(seen.filter((id) => id.startsWith(`k${key}/`))).toEqual(
        Array.from({ length: 25 }, (_, seq) => `k${key}/${seq}`),
      );
    await suite.daemon.stop();
    suite.daemon = undefined;
    // The acks reached the server before the stop returned: nothing is pending or out.
    expect(await unfinished(suite.admin, names.stream, 'nats-test')).toBe(0);
  });

  it('retries a failing message, then dead-letters it with the reason headers after max attempts', async () => {
    const names = await suite.fresh('dlq', { durable: 'nats-test' });
    await publishRaw(suite.admin, names.subject, events(10, 1));
    const seen: number[] = [];
    const attempts: number[] = [];
    suite.daemon = await startDaemon(
      (event, context) => {
        if (event.seq === 3) {
          attempts.push(context.attempt);
          throw new Error('poison: cannot handle seq 3');
        }
        seen.push(event.seq);
      },
      { names, env: { NATS_TEST__CONSUMER__MAX_ATTEMPTS: '3' } },
    );
    await until('10 outcomes', () => suite.daemon!.counter.finished >= 10, 30_000);
    expect(seen).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
    // The server's delivery count is the attempt: 1, 2, 3, then the dead letter.
    expect(attempts).toEqual([1, 2, 3]);
    expect(suite.daemon.counter.snapshot()).toMatchObject({ succeeded: 9, 'dead-lettered': 1 });
    const [dead, ...more] = await storedMessages(suite.admin, names.deadLetterStream);
    expect(more).toEqual([]);
    expect(dead!.subject).toBe(names.deadLetterSubject);
    expect(JSON.parse(dead!.body.toString())).toEqual({ key: 'k0', seq: 3 });
    expect(dead!.headers[DEAD_LETTER_ATTRIBUTES.reason]).toContain('poison: cannot handle seq 3');
    expect(dead!.headers[DEAD_LETTER_ATTRIBUTES.attempts]).toBe('3');
    expect(dead!.headers[DEAD_LETTER_ATTRIBUTES.source]).toBe(names.subject);
    expect(dead!.headers[NATS_DEAD_LETTER_HEADERS.stream]).toBe(names.stream);
    expect(dead!.headers[NATS_DEAD_LETTER_HEADERS.sequence]).toBe('4');
    expect(dead!.headers[MEDIA_TYPE_HEADER]).toBe(EVENT_MEDIA_TYPE);
    await suite.daemon.stop();
    suite.daemon = undefined;
    // The original was terminated once its copy was stored: the consumer has nothing left.
    expect(await unfinished(suite.admin, names.stream, 'nats-test')).toBe(0);
  });

  it('bad input gets its defined outcome and the daemon keeps running', async () => {
    const names = await suite.fresh('bad', { durable: 'nats-test' });
    const typed = { [MEDIA_TYPE_HEADER]: EVENT_MEDIA_TYPE };
    await publishRaw(suite.admin, names.subject, [
      { body: Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x7b]), headers: { ...typed, case: 'garbage' } },
      { body: '{not json', headers: { ...typed, case: 'not-json' } },
      { body: '{"key":"k","seq":-1}', headers: { ...typed, case: 'schema' } },
      {
        body: '{"anything":1}',
        headers: { [MEDIA_TYPE_HEADER]: 'application/vnd.switchyard.unknown', case: 'unknown-type' },
      },
      { body: '{"key":"k","seq":1}', headers: { case: 'no-media-type' } },
      { body: '', headers: { ...typed, case: 'empty' } },
      { body: '{"key":"good","seq":0}', headers: { ...typed, case: 'good' } },
    ]);
    const handled: string[] = [];
    suite.daemon = await startDaemon((event) => void handled.push(event.key), { names });
    await until('7 outcomes', () => suite.daemon!.counter.finished >= 7, 30_000);
    expect(handled).toEqual(['good']);
    expect(suite.daemon.counter.snapshot()).toMatchObject({ succeeded: 1, ignored: 1, 'dead-lettered': 5 });
    const dead = new Map(
      (await storedMessages(suite.admin, names.deadLetterStream)).map((message) => [
        message.headers.case,
        message,
      ]),
    );
    const reason = (testCase: string): string | undefined =>
      dead.get(testCase)?.headers[DEAD_LETTER_ATTRIBUTES.reason];
    expect(reason('garbage')).toMatch(/not valid UTF-8/);
    expect(dead.get('garbage')?.body).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x7b]));
    expect(reason('not-json')).toMatch(/JSON/);
    expect(reason('schema')).toMatch(/seq/);
    expect(reason('no-media-type')).toMatch(/no media type/);
    expect(reason('empty')).toBeTruthy();
    expect(dead.has('unknown-type')).toBe(false);
    expect(suite.daemon.status.ready).toBe(true);
    await suite.daemon.stop();
    suite.daemon = undefined;
    expect(await unfinished(suite.admin, names.stream, 'nats-test')).toBe(0);
  });
});
