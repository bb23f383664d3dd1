import 'reflect-metadata';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsumerDaemon,
  DEAD_LETTER_ATTRIBUTES,
  MemoryBroker,
  rawHandlerModule,
  type RawMessage,
  type RecordedOutcome,
  type RunningDaemon,
} from '../src/index.js';

let running: RunningDaemon | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** A daemon whose one handler is `handler`, on the embedded bus's queue `in`. */
async function start(
  handler: (message: RawMessage) => void | Promise<void>,
  sets: string[] = [],
): Promise<{ broker: MemoryBroker; outcomes: RecordedOutcome[] }> {
  class RawDaemon extends ConsumerDaemon {
    readonly name = 'raw-test';
    override readonly modules = [rawHandlerModule('raw', () => handler)];
  }
  running = await new RawDaemon().start({
    argv: [
      '--set',
      'memory.queue=in',
      '--set',
      'consumer.backoffBaseSeconds=0',
      ...sets.flatMap((set) => ['--set', set]),
    ],
    env: {},
    logger: pino({ level: 'silent' }),
  });
  const outcomes: RecordedOutcome[] = [];
  running.counter.onRecord((recorded) => outcomes.push(recorded));
  return { broker: running.container.get(MemoryBroker), outcomes };
}

describe('rawHandlerModule: one handler for every message, as bytes', () => {
  it('hands over any body as a Buffer with its media type, attributes and key; nothing is parsed', async () => {
    const seen: RawMessage[] = [];
    const { broker } = await start((message) => void seen.push(message));
    const input = broker.queue('in');
    input.send('not json at all', {}, { key: 'k1' });
    input.send(JSON.stringify({ mediaType: 'application/vnd.unknown', x: 1 }), {
      media_type: 'Application/Vnd.Unknown',
    });
    input.send(new Uint8Array([0, 255, 1]), { media_type: 'no-slash' });
    await running!.finished(3);
    const byText = (text: string) => seen.find((message) => message.body.toString('latin1') === text);
    expect(byText('not json at all')).toMatchObject({ mediaType: 'application/octet-stream', key: 'k1' });
    expect(byText('not json at all')!.body).toBeInstanceOf(Buffer);
    // A usable media type attribute is normalized; one that is not a media type is not used.
    expect(seen.find((message) => message.body.toString().includes('vnd.unknown'))?.mediaType).toBe(
      'application/vnd.unknown',
    );
    expect(byText('\u0000\u00ff\u0001')).toMatchObject({ mediaType: 'application/octet-stream' });
    expect(running!.counter.summaryLine()).toContain('succeeded=3');
  });

  it('a throw fails with backoff, then dead-letters with the reason (the usual outcome rules)', async () => {
    const { broker, outcomes } = await start(() => {
      throw new Error('raw handler failed');
    }, ['consumer.maxAttempts=2']);
    broker.queue('in').send('x');
    await running!.finished(1);
    expect(outcomes.map((recorded) => recorded.outcome.kind)).toEqual(['failed', 'dead-lettered']);
    const [letter] = broker.deadLetterQueue('in').peekAll();
    expect(letter?.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toBe(
      'gave up after 2 attempts: raw handler failed',
    );
  });

  it('dead-letters a body above consumer.maxBodyBytes without calling the handler', async () => {
    let calls = 0;
    const { broker } = await start(() => void calls++, ['consumer.maxBodyBytes=10']);
    broker.queue('in').send('x'.repeat(11));
    await running!.finished(1);
    expect(calls).toBe(0);
    const [letter] = broker.deadLetterQueue('in').peekAll();
    expect(letter?.attributes[DEAD_LETTER_ATTRIBUTES.reason]).toContain(
      'body is 11 bytes, above consumer.maxBodyBytes (10)',
    );
  });
});
