import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import { it } from 'vitest';
import { ConsumerDaemon, handles, MemoryBroker, MemoryConfig, schema } from '@switchyard/core';
import { runScenario, type RoundResult } from './harness.js';

const MESSAGES = 50_000;
const MEDIA_TYPE = 'application/vnd.bench.event';

@schema(MEDIA_TYPE)
class BenchEvent {
  @IsString() id!: string;
  @IsInt() sequence!: number;
}

let handled = 0;
const noop = handles(BenchEvent)(() => {
  handled += 1;
});

class BenchDaemon extends ConsumerDaemon {
  readonly name = 'bench';
  override readonly handlers = [noop];
}

const bodies = Array.from({ length: MESSAGES }, (_, sequence) =>
  JSON.stringify({ mediaType: MEDIA_TYPE, id: `e-${sequence}`, sequence }),
);

/** The least any consumer does: parse each message and call a function. */
async function bareLoop(): Promise<RoundResult> {
  let calls = 0;
  const handler = (message: unknown): void => {
    if (message !== undefined) calls += 1;
  };
  const started = performance.now();
  for (const body of bodies) handler(JSON.parse(body));
  return { messages: calls, seconds: (performance.now() - started) / 1000 };
}

/** The full path on the embedded bus: receive, decode, validate, dispatch, ack. */
async function switchyard(): Promise<RoundResult> {
  const running = await new BenchDaemon().start({
    argv: [
      '--concurrency',
      '64',
      '--set',
      'consumer.batchSize=64',
      '--set',
      'daemon.logLevel=silent',
      '--set',
      'memory.waitMs=5',
    ],
    env: {},
  });
  const queue = running.container
    .get(MemoryBroker)
    .queue(running.container.get(MemoryConfig).queue || running.name);
  handled = 0;
  const started = performance.now();
  for (const body of bodies) queue.send(body);
  await running.finished(MESSAGES);
  const seconds = (performance.now() - started) / 1000;
  await running.stop();
  if (handled !== MESSAGES) throw new Error(`handled ${handled} of ${MESSAGES}`);
  return { messages: MESSAGES, seconds };
}

it('in-memory: decode + validate + dispatch + ack vs a bare JSON.parse + call loop', async () => {
  await runScenario({
    name: 'memory-noop',
    settings: {
      messages: MESSAGES,
      concurrency: 64,
      batchSize: 64,
      handler: 'no-op',
      validation: 'class-validator (2 fields)',
    },
    rounds: 5,
    warmupRounds: 1,
    reference: { label: 'JSON.parse + call', run: bareLoop },
    switchyard: { label: 'switchyard', run: switchyard },
  });
});
