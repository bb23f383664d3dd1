import 'reflect-metadata';
import { IsInt, IsString } from 'class-validator';
import { it } from 'vitest';
import {
  ConsumerDaemon,
  handles,
  MemoryBroker,
  MemoryConfig,
  schema,
  type DaemonPlugin,
  type RunningDaemon,
} from '@switchyard/core';
import { healthPlugin, tracingPlugin } from '@switchyard/observability';
import { sentryPlugin } from '@switchyard/sentry';
import { freePorts } from '../test/servers/freePort.js';
import { runScenario, type RoundResult } from './harness.js';
import { OrderPlaced, realisticBody } from './realisticSchema.js';

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
const realisticNoop = handles(OrderPlaced)(() => {
  handled += 1;
});

class BenchDaemon extends ConsumerDaemon {
  readonly name = 'bench';
  override readonly handlers = [noop, realisticNoop];
}

class PluginsDaemon extends BenchDaemon {
  override readonly plugins: readonly DaemonPlugin[] = [healthPlugin, sentryPlugin, tracingPlugin];
}

const simpleBodies = Array.from({ length: MESSAGES }, (_, sequence) =>
  JSON.stringify({ mediaType: MEDIA_TYPE, id: `e-${sequence}`, sequence }),
);
const realisticBodies = Array.from({ length: MESSAGES }, (_, sequence) => realisticBody(sequence));

/** The least any consumer does: parse each message and call a function. */
function bareLoop(bodies: readonly string[]): () => Promise<RoundResult> {
  return async () => {
    let calls = 0;
    const handler = (message: unknown): void => {
      if (message !== undefined) calls += 1;
    };
    const started = performance.now();
    for (const body of bodies) handler(JSON.parse(body));
    return { messages: calls, seconds: (performance.now() - started) / 1000 };
  };
}

const ARGV = [
  '--concurrency',
  '64',
  '--set',
  'consumer.batchSize=64',
  '--set',
  'daemon.logLevel=silent',
  '--set',
  'memory.waitMs=5',
];

/** The full path on the embedded bus: receive, decode, validate, dispatch, ack. */
function switchyard(
  bodies: readonly string[],
  start: () => Promise<RunningDaemon> = () => new BenchDaemon().start({ argv: ARGV, env: {} }),
): () => Promise<RoundResult> {
  return async () => {
    const running = await start();
    const queue = running.container
      .get(MemoryBroker)
      .queue(running.container.get(MemoryConfig).queue || running.name);
    handled = 0;
    const started = performance.now();
    for (const body of bodies) queue.send(body);
    await running.finished(bodies.length);
    const seconds = (performance.now() - started) / 1000;
    await running.stop();
    if (handled !== bodies.length) throw new Error(`handled ${handled} of ${bodies.length}`);
    return { messages: bodies.length, seconds };
  };
}

/** Health server with /metrics, Sentry enabled (to a DSN nobody answers: no event is sent), tracing without an SDK. */
async function startWithPlugins(): Promise<RunningDaemon> {
  const [healthPort, sentryPort] = await freePorts(2);
  return new PluginsDaemon().start({
    argv: [...ARGV, '--healthcheck-port', String(healthPort)],
    env: {
      BENCH__SENTRY__ENABLED: 'true',
      BENCH__SENTRY__DSN: `http://public@127.0.0.1:${sentryPort}/1`,
    },
  });
}

const rounds = { rounds: 5, warmupRounds: 1 };
const settings = { messages: MESSAGES, concurrency: 64, batchSize: 64, handler: 'no-op' };

it('in-memory: decode + validate + dispatch + ack vs a bare JSON.parse + call loop', async () => {
  await runScenario({
    name: 'memory-noop',
    settings: { ...settings, validation: 'class-validator (2 fields)' },
    ...rounds,
    reference: { label: 'JSON.parse + call', run: bareLoop(simpleBodies) },
    switchyard: { label: 'switchyard', run: switchyard(simpleBodies) },
  });
});

it('in-memory, a realistic schema (10 fields, nested lines): the same comparison', async () => {
  await runScenario({
    name: 'memory-noop-realistic',
    settings: {
      ...settings,
      validation: 'class-validator (10 fields: email, uuid, enum, ISO date, nested @Type array, 20 numbers)',
    },
    ...rounds,
    reference: { label: 'JSON.parse + call', run: bareLoop(realisticBodies) },
    switchyard: { label: 'switchyard', run: switchyard(realisticBodies) },
  });
});

it('in-memory with the health, metrics, Sentry and tracing (no SDK) plugins on, vs the same daemon without', async () => {
  await runScenario({
    name: 'memory-noop-plugins',
    settings: {
      ...settings,
      validation: 'class-validator (2 fields)',
      plugins: 'health + metrics, sentry, tracing (no SDK)',
    },
    ...rounds,
    reference: { label: 'switchyard without plugins', run: switchyard(simpleBodies) },
    switchyard: { label: 'switchyard with plugins', run: switchyard(simpleBodies, startWithPlugins) },
  });
});
