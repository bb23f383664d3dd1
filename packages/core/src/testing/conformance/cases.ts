import { performance } from 'node:perf_hooks';
import type { ExpectStatic } from 'vitest';
import { DEAD_LETTER_ATTRIBUTES } from '../../memory/MemoryTransport.js';
import type { Transport, TransportMessage } from '../../transport/Transport.js';
import { bodyText, type ConformanceRun } from './ConformanceRun.js';
import type { TransportUnderTest } from './types.js';

/** One case: the run (a fresh queue), the subject's settings, and vitest's `expect`. */
export type ConformanceCase = (
  run: ConformanceRun,
  subject: TransportUnderTest,
  expect: ExpectStatic,
) => Promise<void>;

/** A test attribute every published message carries, to see attributes survive. */
const MARK = 'x-conformance';

const ack = (transport: Transport) => (message: TransportMessage) => transport.ack(message);

/**
 * After the suite's acks and dead letters: nothing is left on the queue, and a new consumer gets
 * only a sentinel published now, not any of `gone` (a transport whose acks did not stick would hand
 * them out again, ahead of the sentinel on an ordered transport, after their lease on a leasing one).
 */
async function nothingComesBack(
  run: ConformanceRun,
  gone: readonly string[],
  expect: ExpectStatic,
): Promise<void> {
  await run.remainingBecomes(0, 'every message was acked or dead-lettered and the transport closed');
  const transport = await run.open();
  const [sentinel] = run.bodies('sentinel', 1) as [string];
  await run.publish([{ body: sentinel }]);
  const received = await run.receiveUntil(
    transport,
    'the sentinel is received',
    (messages) => messages.some((message) => bodyText(message) === sentinel),
    ack(transport),
  );
  const back = received.map(bodyText).filter((body) => gone.includes(body));
  expect(back, 'messages acked or dead-lettered earlier were delivered again').toEqual([]);
  await run.close(transport);
}

/**
 * A message left unacked by a consumer that is gone is received by a new one (once the old lease
 * ends, on a leasing transport), and is gone once that one acks it.
 */
async function aNewConsumerGetsIt(
  run: ConformanceRun,
  body: string,
  leaseSeconds: number | undefined,
  expect: ExpectStatic,
): Promise<void> {
  const successor = await run.open();
  const again = await run.receiveBody(successor, body, run.timeoutMs + (leaseSeconds ?? 0) * 1000);
  await ackAndCheckGone(run, successor, again, expect);
}

/** Acks the last delivery of `body`, closes the transport, and checks that it is gone for good. */
async function ackAndCheckGone(
  run: ConformanceRun,
  transport: Transport,
  message: TransportMessage,
  expect: ExpectStatic,
): Promise<void> {
  await transport.ack(message);
  await run.close(transport);
  await nothingComesBack(run, [bodyText(message)], expect);
}

/** Publishes one message labelled `label` and opens a transport on the queue. */
async function publishOne(
  run: ConformanceRun,
  label: string,
  attributes?: Record<string, string>,
): Promise<{ body: string; transport: Transport }> {
  const [body] = run.bodies(label, 1) as [string];
  await run.publish([{ body, attributes }]);
  return { body, transport: await run.open() };
}

export const receiveAndAck: ConformanceCase = async (run, _subject, expect) => {
  const { body, transport } = await publishOne(run, 'ack', { [MARK]: 'ack' });
  const message = await run.receiveBody(transport, body);
  expect(message.id, 'a message id').not.toBe('');
  expect(message.source, 'the source (queue or topic)').not.toBe('');
  expect(message.attempt, 'the first delivery is attempt 1').toBe(1);
  expect(message.attributes[MARK], 'the published attribute').toBe('ack');
  await ackAndCheckGone(run, transport, message, expect);
};

export const nackWithDelay: ConformanceCase = async (run, subject, expect) => {
  const delaySeconds = subject.nackDelaySeconds ?? 1;
  const { body, transport } = await publishOne(run, 'nack');
  const first = await run.receiveBody(transport, body);
  const nackedAt = performance.now();
  await transport.nack(first, delaySeconds);
  const again = await run.receiveBody(transport, body);
  const afterMs = performance.now() - nackedAt;
  // A lower bound only (the contract: not before the delay); a few ms for timer granularity.
  expect(
    afterMs,
    `redelivered ${Math.round(afterMs)} ms after a nack of ${delaySeconds} s`,
  ).toBeGreaterThanOrEqual(delaySeconds * 1000 - 50);
  expect(again.attempt, 'a nack spends an attempt').toBe(first.attempt + 1);
  await transport.nack(again, 0);
  const third = await run.receiveBody(transport, body);
  expect(third.attempt, 'nack(0) also spends one').toBe(again.attempt + 1);
  await ackAndCheckGone(run, transport, third, expect);
};

export const extendLease: ConformanceCase = async (run, subject, expect) => {
  const { body, transport } = await publishOne(run, 'extend');
  const message = await run.receiveBody(transport, body);
  if (subject.capabilities.leases) {
    const lease = transport.leaseSeconds;
    expect(lease, 'leaseSeconds, known once started').toBeGreaterThan(0);
    await transport.extend(message, lease! * 4);
    // The first lease has long ended by the end of this window; the extended one has not.
    const meanwhile = await run.receiveDuring(transport, lease! * 2000);
    expect(meanwhile.map(bodyText), 'delivered again while its lease was extended').not.toContain(body);
  } else {
    await transport.extend(message, 30);
    const meanwhile = await run.receiveDuring(transport, 1000);
    expect(meanwhile.map(bodyText), 'delivered again while it was in flight').not.toContain(body);
  }
  await ackAndCheckGone(run, transport, message, expect);
};

export const deadLetter: ConformanceCase = async (run, _subject, expect) => {
  const { body, transport } = await publishOne(run, 'dead', { [MARK]: 'dead' });
  const message = await run.receiveBody(transport, body);
  const reason = `conformance: ${body} cannot be handled`;
  const result = await transport.deadLetter(message, { reason, attempts: message.attempt });
  await run.close(transport);
  if (result?.kind === 'kept') {
    // No dead-letter destination: the message must still be there, counted as failed by core.
    expect(result.why, 'a kept result says why').not.toBe('');
    await run.remainingBecomes(1, 'a kept message stays on the queue');
    return;
  }
  const readCopies = run.queue.deadLetters?.bind(run.queue);
  if (readCopies === undefined)
    throw new Error('deadLetter wrote a copy, but the queue has no deadLetters() to read it back: add one');
  const copies = await run.eventually(`the dead-letter copy of "${body}" can be read`, readCopies, (all) =>
    all.some((copy) => copy.body === body),
  );
  const copy = copies.find((candidate) => candidate.body === body)!;
  expect(result?.kind, 'a small message is copied whole, not bounded').toBeUndefined();
  expect(copy.attributes[DEAD_LETTER_ATTRIBUTES.reason], 'the reason on the copy').toBe(reason);
  expect(copy.attributes[DEAD_LETTER_ATTRIBUTES.attempts], 'the attempts on the copy').toBe(
    String(message.attempt),
  );
  expect(copy.attributes[DEAD_LETTER_ATTRIBUTES.source], 'the original source on the copy').toBeTruthy();
  expect(copy.attributes[MARK], "the original's attribute on the copy").toBe('dead');
  await nothingComesBack(run, [body], expect);
};

export const release: ConformanceCase = async (run, subject, expect) => {
  const { body, transport } = await publishOne(run, 'release');
  if (!subject.capabilities.supportsRelease) {
    // The daemon then hands a message back with nack(message, 0), spending an attempt.
    expect(
      'release' in transport && transport.release !== undefined,
      'release is offered, but supportsRelease is false',
    ).toBe(false);
    await run.close(transport);
    return;
  }
  if (transport.release === undefined)
    throw new Error('supportsRelease is true, but the transport has no release()');
  const first = await run.receiveBody(transport, body);
  await transport.release(first);
  const again = await run.receiveBody(transport, body);
  expect(again.attempt, 'a release spends no attempt').toBe(first.attempt);
  await ackAndCheckGone(run, transport, again, expect);
};

export const redeliveryAfterCrash: ConformanceCase = async (run, subject, expect) => {
  const [body] = run.bodies('crash', 1) as [string];
  await run.publish([{ body }]);
  const crashed = await run.open();
  await run.receiveBody(crashed, body);
  await run.crash(crashed);
  await aNewConsumerGetsIt(run, body, crashed.leaseSeconds, expect);
};

export const orderPerKey: ConformanceCase = async (run, _subject, expect) => {
  const keys = ['a', 'b', 'c'];
  const perKey = 5;
  const published = keys.flatMap((key) => run.bodies(`order-${key}`, perKey).map((body) => ({ body, key })));
  // Interleaved: a0 b0 c0 a1 b1 c1 …
  const interleaved = Array.from({ length: perKey }, (_, index) =>
    keys.map((_key, k) => published[k * perKey + index]!),
  ).flat();
  await run.publish(interleaved);
  const transport = await run.open();
  const received = await run.receiveUntil(
    transport,
    `all ${interleaved.length} keyed messages are received`,
    (messages) => new Set(messages.map(bodyText)).size >= interleaved.length,
    ack(transport),
  );
  for (const key of keys) {
    const expected = published.filter((message) => message.key === key).map((message) => message.body);
    const got = received.filter((message) => message.key === key).map(bodyText);
    expect(got, `key ${key}: receive order (and the message's key)`).toEqual(expected);
  }
  expect(
    received.every((message) => message.orderingKey !== undefined),
    'every keyed message has an ordering key',
  ).toBe(true);
  await run.close(transport);
  await nothingComesBack(
    run,
    interleaved.map((message) => message.body),
    expect,
  );
};

export const closeWhileReceiving: ConformanceCase = async (run, subject, expect) => {
  const promptMs = subject.promptMs ?? 5000;
  const [body] = run.bodies('closing', 1) as [string];
  const transport = await run.open();
  const stop = new AbortController();
  const waiting = transport.receive(10, stop.signal);
  // Not a timing check: lets the receive reach its wait (an SQS long poll reach the server).
  await new Promise((resolve) => setTimeout(resolve, 250));
  // As the daemon stops: the receive's signal aborts, then the transport closes.
  stop.abort();
  const closing = run.close(transport);
  const returned = await run.within(waiting, 'the waiting receive resolving after abort and close', promptMs);
  // Published while the transport may still be closing (a long poll may still take it): not to be lost.
  await run.publish([{ body }]);
  await run.within(closing, 'close resolving while a receive waited', promptMs);
  // Whatever that receive returned was never acked: it must come back to the next consumer too.
  await aNewConsumerGetsIt(run, body, transport.leaseSeconds, expect);
  expect(returned.length, 'the aborted receive returned at most the one message').toBeLessThanOrEqual(1);
};

export const burst: ConformanceCase = async (run, subject, expect) => {
  const bodies = run.bodies('burst', subject.burstSize ?? 50);
  await run.publish(bodies.map((body) => ({ body })));
  const transport = await run.open();
  const received = await run.receiveUntil(
    transport,
    `all ${bodies.length} messages are received`,
    (messages) => new Set(messages.map(bodyText)).size >= bodies.length,
    ack(transport),
  );
  const counts = new Map<string, number>();
  for (const body of received.map(bodyText)) counts.set(body, (counts.get(body) ?? 0) + 1);
  expect([...counts.keys()].sort(), 'the bodies received').toEqual([...bodies].sort());
  expect(
    [...counts].filter(([, count]) => count > 1),
    'received more than once although acked',
  ).toEqual([]);
  await run.close(transport);
  await nothingComesBack(run, bodies, expect);
};

export const producerSends: ConformanceCase = async (run, subject, expect) => {
  const producer = await run.queue.producer();
  const [body] = run.bodies('produced', 1) as [string];
  try {
    const id = await producer.send({
      mediaType: 'application/vnd.switchyard.conformance',
      body,
      attributes: { [MARK]: 'produced' },
      key: 'produced-key',
    });
    expect(id, 'send resolves with the message id').not.toBe('');
  } finally {
    await producer.close();
  }
  const transport = await run.open();
  const message = await run.receiveBody(transport, body);
  expect(message.attributes.media_type, 'the media type travels as media_type').toBe(
    'application/vnd.switchyard.conformance',
  );
  expect(message.attributes[MARK], 'the attributes travel').toBe('produced');
  if (subject.capabilities.ordersByKey) expect(message.key, 'the key travels').toBe('produced-key');
  await ackAndCheckGone(run, transport, message, expect);
};
