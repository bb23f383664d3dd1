// Keyed mode keeps a key's order across retries: a failing message is retried in place and its
// key's later messages wait behind it (KeyLanes), on the real server.
import { nanos } from '@nats-io/transport-node';
import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import {
  daemonTests,
  events,
  natsServers,
  publishRaw,
  startDaemon,
  storedMessages,
  unfinished,
} from './support.js';

const DURABLE = 'nats-test';
const KEYS = 4;
const PER_KEY = 15;

/** For each key, the seqs in the order their handlers first succeeded. */
function firstSuccesses(succeeded: readonly string[], key: string): number[] {
  const seqs = succeeded.filter((id) => id.startsWith(`${key}/`)).map((id) => Number(id.split('/')[1]));
  return [...new Set(seqs)];
}

const inOrder = Array.from({ length: PER_KEY }, (_, seq) => seq);

describe.skipIf(natsServers === '')('NATS keyed mode: order per key across retries', () => {
  const suite = daemonTests();

  it('a sink down for 3 s: every message fails and is retried, none runs before an earlier one of its key, none is lost', async () => {
    const names = await suite.fresh('keyeddown', { durable: DURABLE });
    const succeeded: string[] = [];
    let failures = 0;
    const downUntil = Date.now() + 3000;
    suite.daemon = await startDaemon(
      (event) => {
        if (Date.now() < downUntil) {
          failures += 1;
          throw new Error('the sink is down');
        }
        succeeded.push(`${event.key}/${event.seq}`);
      },
      { names, env: { NATS_TEST__CONSUMER__MAX_ATTEMPTS: '1000' } },
    );
    await publishRaw(suite.admin, names.subject, events(KEYS * PER_KEY, KEYS));
    await until('every message succeeded', () => new Set(succeeded).size === KEYS * PER_KEY, 60_000);
    expect(failures).toBeGreaterThan(KEYS);
    for (let key = 0; key < KEYS; key += 1)
      expect(firstSuccesses(succeeded, `k${key}`), `order of key k${key}`).toEqual(inOrder);
    await suite.daemon.stop();
    suite.daemon = undefined;
    expect(await unfinished(suite.admin, names.stream, DURABLE)).toBe(0);
    expect(await storedMessages(suite.admin, names.deadLetterStream)).toEqual([]);
  });

  it('stopped while retries wait in their lanes: the next daemon gets every message, each key in order, the failed runs counted', async () => {
    // A 3 s ack_wait: a message the server was sending to the stopping pull is dropped by the
    // client, and comes back after it (one delivery more, not a run).
    const names = await suite.fresh('keyedstop', { durable: DURABLE, consumer: { ack_wait: nanos(3000) } });
    const failedAttempts = new Map<string, number>();
    const env = {
      NATS_TEST__CONSUMER__MAX_ATTEMPTS: '1000',
      // Retries 2 s apart: the stop finds them parked.
      NATS_TEST__CONSUMER__BACKOFF_BASE_SECONDS: '2',
      NATS_TEST__CONSUMER__BACKOFF_MAX_SECONDS: '2',
    };
    suite.daemon = await startDaemon(
      (event, context) => {
        failedAttempts.set(`${event.key}/${event.seq}`, context.attempt);
        throw new Error('the sink is down');
      },
      { names, env },
    );
    await publishRaw(suite.admin, names.subject, events(KEYS * PER_KEY, KEYS));
    // The first message of each key failed once; the rest wait behind it.
    await until('each key failed once', () => failedAttempts.size >= KEYS, 30_000);
    await suite.daemon.stop();
    const succeeded: string[] = [];
    const attempts = new Map<string, number>();
    suite.daemon = await startDaemon(
      (event, context) => {
        const id = `${event.key}/${event.seq}`;
        attempts.set(id, context.attempt);
        succeeded.push(id);
      },
      { names, env },
    );
    await until('every message succeeded', () => new Set(succeeded).size === KEYS * PER_KEY, 60_000);
    for (let key = 0; key < KEYS; key += 1)
      expect(firstSuccesses(succeeded, `k${key}`), `order of key k${key}`).toEqual(inOrder);
    // A message that failed once runs as attempt 2; one that only waited behind it, as attempt 1.
    for (const [id, attempt] of failedAttempts) expect(attempts.get(id), id).toBe(attempt + 1);
    const waited = [...attempts].filter(([id]) => !failedAttempts.has(id));
    expect(waited.filter(([, attempt]) => attempt === 1).length).toBeGreaterThan((KEYS * PER_KEY) / 2);
    expect(waited.filter(([, attempt]) => attempt > 2)).toEqual([]);
    await suite.daemon.stop();
    suite.daemon = undefined;
    expect(await unfinished(suite.admin, names.stream, DURABLE)).toBe(0);
  });

  it('a poison message: retried in place with its attempts counted, dead-lettered after max attempts, then its key goes on in order', async () => {
    const names = await suite.fresh('keyedpoison', { durable: DURABLE });
    const succeeded: string[] = [];
    const attempts: number[] = [];
    suite.daemon = await startDaemon(
      (event, context) => {
        if (event.key === 'k0' && event.seq === 2) {
          attempts.push(context.attempt);
          succeeded.push('poison');
          throw new Error('poison');
        }
        succeeded.push(`${event.key}/${event.seq}`);
      },
      { names, env: { NATS_TEST__CONSUMER__MAX_ATTEMPTS: '4' } },
    );
    await publishRaw(suite.admin, names.subject, events(KEYS * PER_KEY, KEYS));
    await until('every message finished', () => suite.daemon!.counter.finished >= KEYS * PER_KEY, 60_000);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(firstSuccesses(succeeded, 'k0')).toEqual(inOrder.filter((seq) => seq !== 2));
    // Its key's later messages waited for its last attempt (the dead letter), not for its first.
    expect(succeeded.indexOf('k0/3')).toBeGreaterThan(succeeded.lastIndexOf('poison'));
    for (let key = 1; key < KEYS; key += 1) expect(firstSuccesses(succeeded, `k${key}`)).toEqual(inOrder);
    await suite.daemon.stop();
    suite.daemon = undefined;
    const [copy, ...more] = await storedMessages(suite.admin, names.deadLetterStream);
    expect(more).toEqual([]);
    expect(copy!.headers[DEAD_LETTER_ATTRIBUTES.attempts]).toBe('4');
    expect(await unfinished(suite.admin, names.stream, DURABLE)).toBe(0);
  });
});
