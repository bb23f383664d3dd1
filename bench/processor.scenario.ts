import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { it } from 'vitest';
import { ConsumerDaemon, MemoryBroker, rawHandlerModule } from '@switchyard/core';
import { prepareProcessor } from '@switchyard/processor';
import { projectDir } from '../test/processor/support.js';
import { runScenario, type RoundResult } from './harness.js';
import { setting } from './support.js';

// The processor on the embedded bus (memory source, no sink): what the worker pool costs against
// the same handler run in the daemon's own thread, and what a second worker gives a CPU-bound one.
const NOOP_MESSAGES = setting('BENCH_PROCESSOR_MESSAGES', 5000);
const CPU_MESSAGES = setting('BENCH_PROCESSOR_CPU_MESSAGES', 2000);
// ≈1 ms of sha256 on these machines (chained, so it cannot be skipped).
const HASH_ROUNDS = 1000;
const QUEUE = 64;
const rounds = { rounds: setting('BENCH_ROUNDS', 3), warmupRounds: Number(process.env.BENCH_WARMUP ?? 1) };

const NOOP_HANDLER = 'export function handleEvent() { return undefined; }\n';
const CPU_HANDLER = `import { createHash } from 'node:crypto';
export function handleEvent(context, data) {
  let digest = data;
  for (let round = 0; round < ${HASH_ROUNDS}; round++) digest = createHash('sha256').update(digest).digest();
  return undefined;
}
`;

const bodies = (count: number): string[] => Array.from({ length: count }, (_, index) => `event ${index}`);

/** One round of `switchyard process` on a memory source with `workers` workers. */
function processor(workers: number, handler: string, count: number): () => Promise<RoundResult> {
  const dir = projectDir(
    `processor:\n  workers: ${workers}\n  queueSize: ${QUEUE}\nsource:\n  kind: memory\n  queue: in\nsink:\n  kind: none\n`,
    { 'handler.mjs': handler },
  );
  const messages = bodies(count);
  return async () => {
    const prepared = await prepareProcessor(join(dir, 'config.yaml'), { env: {} });
    const running = await prepared.daemon.start({
      argv: [...prepared.argv, '--set', 'daemon.logLevel=silent', '--set', 'memory.waitMs=5'],
      env: {},
    });
    const queue = running.container.get(MemoryBroker).queue('in');
    const started = performance.now();
    for (const body of messages) queue.send(body);
    await running.finished(count);
    const seconds = (performance.now() - started) / 1000;
    await running.stop();
    await prepared.pool.close();
    return { messages: count, seconds };
  };
}

/** The same no-op as a raw handler in a plain daemon's own thread: no pool, no copy to a worker. */
function plainDaemon(count: number): () => Promise<RoundResult> {
  let handled = 0;
  class PlainDaemon extends ConsumerDaemon {
    readonly name = 'bench-plain';
    override readonly modules = [rawHandlerModule('noop', () => () => void (handled += 1))];
  }
  const messages = bodies(count);
  return async () => {
    handled = 0;
    const running = await new PlainDaemon().start({
      argv: [
        '--set',
        `consumer.concurrency=${QUEUE}`,
        '--set',
        'memory.queue=in',
        '--set',
        'daemon.logLevel=silent',
        '--set',
        'memory.waitMs=5',
      ],
      env: {},
    });
    const queue = running.container.get(MemoryBroker).queue('in');
    const started = performance.now();
    for (const body of messages) queue.send(body);
    await running.finished(count);
    const seconds = (performance.now() - started) / 1000;
    await running.stop();
    if (handled !== count) throw new Error(`handled ${handled} of ${count}`);
    return { messages: count, seconds };
  };
}

for (const workers of [1, 2, 4])
  it(`processor, no-op handler, ${workers} worker(s) vs the same handler in a plain daemon`, async () => {
    await runScenario({
      name: `processor-noop-${workers}w`,
      settings: { messages: NOOP_MESSAGES, workers, queueSize: QUEUE, source: 'memory', sink: 'none' },
      ...rounds,
      reference: { label: 'plain daemon, raw handler', run: plainDaemon(NOOP_MESSAGES) },
      switchyard: {
        label: `processor, ${workers} worker(s)`,
        run: processor(workers, NOOP_HANDLER, NOOP_MESSAGES),
      },
    });
  });

it('processor, CPU-bound handler (≈1 ms of sha256): 2 workers vs 1', async () => {
  // The handler's cost here, for the record (the workers run the same loop).
  const started = performance.now();
  let digest: Buffer = Buffer.from('calibrate');
  for (let round = 0; round < HASH_ROUNDS; round++) digest = createHash('sha256').update(digest).digest();
  const handlerMs = performance.now() - started;
  await runScenario({
    name: 'processor-cpu-2w-vs-1w',
    settings: {
      messages: CPU_MESSAGES,
      hashRounds: HASH_ROUNDS,
      handlerMs: Number(handlerMs.toFixed(2)),
      queueSize: QUEUE,
    },
    ...rounds,
    reference: { label: 'processor, 1 worker', run: processor(1, CPU_HANDLER, CPU_MESSAGES) },
    switchyard: { label: 'processor, 2 workers', run: processor(2, CPU_HANDLER, CPU_MESSAGES) },
  });
});
