import { describe, expect, it } from 'vitest';
import { MEMORY_CONFIG, processorPerTest, projectDir, type StartedProcessor } from './support.js';

const startProcessor = processorPerTest();

// A sync handleEvent: `sleep-N` blocks its worker N ms (no CPU), `always-exit` kills it every time,
// `always-loop` never ends.
const HANDLER = `
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
export function handleEvent(context, data) {
  const [when, what] = data.toString().split('-');
  if (when === 'sleep') pause(Number(what));
  if (when === 'always' && what === 'exit') process.exit(7);
  if (when === 'always' && what === 'loop') for (;;) {}
  return 'survived ' + data.toString() + ' on attempt ' + context.attempt;
}
`;

const failures = (processor: StartedProcessor): string[] =>
  processor.outcomes
    .filter((recorded) => recorded.outcome.kind === 'failed')
    .map((recorded) => recorded.outcome.reason ?? '');

describe('a sync handleEvent on worker threads: batches run in turn, each message answered as it ends', () => {
  it('hands 8 messages to a worker by default; each message has its own timeoutMs clock', async () => {
    // Four messages of 800 ms in one batch: 3.2 s in all, each well within the 2 s timeout.
    const config = MEMORY_CONFIG('workers: 1\ntimeoutMs: 2000');
    const started = await startProcessor(projectDir(config, { 'handler.mjs': HANDLER }));
    expect(started.pool.inTurn).toBe(true);
    expect(started.pool.concurrency).toBe(8);
    const input = started.broker.queue('in');
    // The first holds the worker, so the next four wait and go to it as one batch.
    for (const body of ['sleep-200', 'sleep-800', 'sleep-801', 'sleep-802', 'sleep-803']) input.send(body);
    await started.running.finished(5);
    expect(failures(started)).toEqual([]);
    expect(started.texts('processor-out').sort()).toEqual([
      'survived sleep-200 on attempt 1',
      'survived sleep-800 on attempt 1',
      'survived sleep-801 on attempt 1',
      'survived sleep-802 on attempt 1',
      'survived sleep-803 on attempt 1',
    ]);
  }, 60_000);

  it('counts a crash against the running message alone; those after it run again without a failure', async () => {
    const config = MEMORY_CONFIG('workers: 1\ntimeoutMs: 4000\nmaxWorkerCrashes: 2');
    const started = await startProcessor(projectDir(config, { 'handler.mjs': HANDLER }), {
      sets: ['consumer.maxAttempts=10'],
    });
    const input = started.broker.queue('in');
    for (const body of ['sleep-300', 'ok-1', 'always-exit', 'ok-2', 'ok-3']) input.send(body);
    await started.running.finished(5);
    // ok-1 was answered before the crash; ok-2 and ok-3 never started, and ran once, afterwards.
    expect(started.texts('processor-out').sort()).toEqual([
      'survived ok-1 on attempt 1',
      'survived ok-2 on attempt 1',
      'survived ok-3 on attempt 1',
      'survived sleep-300 on attempt 1',
    ]);
    expect(failures(started)).toEqual([
      'the handler called process.exit(7); the worker was replaced (crash 1 of processor.maxWorkerCrashes 2 on this message)',
    ]);
    const letters = started.deadLetters('in');
    expect(letters.map((letter) => letter.body)).toEqual(['always-exit']);
    expect(letters[0]!.reason).toMatch(
      /^rejected: the worker crashed 2 times on this message \(processor.maxWorkerCrashes 2\); last: the handler called process.exit\(7\)/,
    );
  }, 60_000);

  it('stops a message past timeoutMs as its own crash; those after it run once, afterwards', async () => {
    const config = MEMORY_CONFIG('workers: 1\ntimeoutMs: 1500\nmaxWorkerCrashes: 1');
    const started = await startProcessor(projectDir(config, { 'handler.mjs': HANDLER }));
    const input = started.broker.queue('in');
    for (const body of ['sleep-300', 'ok-1', 'always-loop', 'ok-2']) input.send(body);
    await started.running.finished(4);
    expect(started.texts('processor-out').sort()).toEqual([
      'survived ok-1 on attempt 1',
      'survived ok-2 on attempt 1',
      'survived sleep-300 on attempt 1',
    ]);
    expect(failures(started)).toEqual([]);
    expect(started.deadLetters('in')).toEqual([
      {
        body: 'always-loop',
        reason:
          'rejected: the worker crashed 1 times on this message (processor.maxWorkerCrashes 1); last: the handler ran past processor.timeoutMs (1500 ms); the worker was stopped and replaced',
      },
    ]);
  }, 60_000);

  it('stays one message per task on child processes (no port to answer each on)', async () => {
    const config = MEMORY_CONFIG('workers: 1\nruntime: processes');
    const started = await startProcessor(projectDir(config, { 'handler.mjs': HANDLER }));
    expect(started.pool.inTurn).toBe(false);
    expect(started.pool.concurrency).toBe(1);
  }, 60_000);
});
