import { describe, expect, it } from 'vitest';
import { MEMORY_CONFIG, processorPerTest, projectDir } from './support.js';

const startProcessor = processorPerTest();

// Each way to die, on the first attempt only for "once-…", on every attempt for "always-…".
const HANDLER = `
const hoard = [];
function die(how) {
  if (how === 'throw') setTimeout(() => { throw new Error('thrown at top level'); }, 0);
  if (how === 'exit') process.exit(7);
  if (how === 'loop') for (;;) {}
  if (how === 'leak') for (;;) hoard.push(new Array(100000).fill(Math.random()));
  return new Promise(() => {});
}
export async function handleEvent(context, data) {
  const [when, how] = data.toString().split('-');
  if (when === 'sleep') await new Promise((resolve) => setTimeout(resolve, Number(how)));
  if (when === 'always' || (when === 'once' && context.attempt === 1)) await die(how);
  return 'survived ' + data.toString() + ' on attempt ' + context.attempt;
}
`;

for (const runtime of ['threads', 'processes'] as const) {
  describe(`a worker that crashes (${runtime})`, () => {
    // Generous: a child process takes a while to start on a busy machine, and its clock runs from
    // when the worker takes the message.
    const timeoutMs = 4000;
    // One message per worker: each crash here is that message's own.
    const config = MEMORY_CONFIG(
      `workers: 2\nconcurrency: 1\nruntime: ${runtime}\ntimeoutMs: ${timeoutMs}\nmaxWorkerCrashes: 2\nmaxMemoryMb: 64`,
    );

    it('is replaced, and its message is retried until it succeeds', async () => {
      const started = await startProcessor(projectDir(config, { 'handler.mjs': HANDLER }));
      const input = started.broker.queue('in');
      for (const how of ['throw', 'exit', 'loop', 'leak']) input.send(`once-${how}`);
      await started.running.finished(4);
      expect(started.texts('processor-out').sort()).toEqual([
        'survived once-exit on attempt 2',
        'survived once-leak on attempt 2',
        'survived once-loop on attempt 2',
        'survived once-throw on attempt 2',
      ]);
      const failures = started.outcomes.filter((recorded) => recorded.outcome.kind === 'failed');
      expect(failures).toHaveLength(4);
      const reasons = failures.map((recorded) => recorded.outcome.reason ?? '').join('\n');
      expect(reasons).toContain(`processor.timeoutMs (${timeoutMs} ms)`);
      expect(reasons).toContain('crash 1 of processor.maxWorkerCrashes 2 on this message');
      if (runtime === 'processes') expect(reasons).toContain('the worker process exited');
      if (runtime === 'threads') {
        expect(reasons).toContain('out of memory');
        expect(reasons).toContain('the handler called process.exit(7)');
        expect(reasons).toContain('thrown at top level');
      }
      // The pool still has its workers: a plain message goes through.
      input.send('never-mind');
      await started.running.finished(5);
      expect(started.texts('processor-out')).toContain('survived never-mind on attempt 1');
    }, 60_000);

    it('dead-letters a message that crashed its worker maxWorkerCrashes times, with the reason', async () => {
      const started = await startProcessor(projectDir(config, { 'handler.mjs': HANDLER }), {
        sets: ['consumer.maxAttempts=10'],
      });
      started.broker.queue('in').send('always-exit');
      started.broker.queue('in').send('always-loop');
      await started.running.finished(2);
      const letters = started.deadLetters('in');
      expect(letters.map((letter) => letter.body).sort()).toEqual(['always-exit', 'always-loop']);
      for (const letter of letters)
        expect(letter.reason).toMatch(
          /^rejected: the worker crashed 2 times on this message \(processor.maxWorkerCrashes 2\); last: /,
        );
      expect(letters.find((letter) => letter.body === 'always-loop')?.reason).toContain(
        'processor.timeoutMs',
      );
    }, 60_000);
  });
}

describe('a worker running several messages at once that crashes', () => {
  it('counts the crash against none of them: each retries alone, only its own crashes count', async () => {
    const config = MEMORY_CONFIG('workers: 1\nconcurrency: 4\ntimeoutMs: 4000\nmaxWorkerCrashes: 2');
    const started = await startProcessor(projectDir(config, { 'handler.mjs': HANDLER }), {
      sets: ['consumer.maxAttempts=10'],
    });
    expect(started.pool.concurrency).toBe(4);
    const input = started.broker.queue('in');
    // The first message holds the one worker, so the next four wait and go to it as one batch.
    for (const body of ['sleep-500', 'ok-1', 'always-exit', 'ok-2', 'ok-3']) input.send(body);
    await started.running.finished(5);
    expect(started.texts('processor-out').sort()).toEqual([
      'survived ok-1 on attempt 2',
      'survived ok-2 on attempt 2',
      'survived ok-3 on attempt 2',
      'survived sleep-500 on attempt 1',
    ]);
    const failures = started.outcomes.filter((recorded) => recorded.outcome.kind === 'failed');
    const shared = failures.filter((recorded) =>
      recorded.outcome.reason?.includes('while it ran 4 messages at once (not counted'),
    );
    expect(shared).toHaveLength(4);
    // always-exit: the shared crash, then 2 of its own, alone; then dead-lettered with the reason.
    const letters = started.deadLetters('in');
    expect(letters.map((letter) => letter.body)).toEqual(['always-exit']);
    expect(letters[0]!.reason).toMatch(
      /^rejected: the worker crashed 2 times on this message \(processor.maxWorkerCrashes 2\); last: the handler called process.exit\(7\)/,
    );
    expect(failures.map((recorded) => recorded.outcome.reason)).toContain(
      'the handler called process.exit(7); the worker was replaced (crash 1 of processor.maxWorkerCrashes 2 on this message)',
    );
  }, 60_000);
});
