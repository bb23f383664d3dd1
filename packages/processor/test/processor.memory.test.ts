import { describe, expect, it } from 'vitest';
import { MEMORY_CONFIG, processorPerTest, projectDir } from './support.js';

const startProcessor = processorPerTest();

const HANDLER = `
export function initContext(context) {
  context.prefix = 'seen by ' + context.env.GREETING;
}
export async function handleEvent(context, data) {
  const text = data.toString();
  if (text === 'none') return undefined;
  if (text === 'null') return null;
  if (text === 'object') return { text, worker: typeof context.workerId };
  if (text === 'record') return { key: 'k-1', value: 'with key', headers: { 'content-type': 'text/plain' } };
  if (text === 'many') return ['one', Buffer.from('two')];
  if (text === 'skip') { const error = new Error('not for us'); error.name = 'SkipMessage'; throw error; }
  if (text === 'reject') { const error = new Error('never valid'); error.name = 'RejectMessage'; throw error; }
  if (text === 'throw') throw new Error('handler failed on purpose');
  return context.prefix + ': ' + text + ' (key ' + context.key + ', attempt ' + context.attempt + ')';
}
`;

describe('switchyard process on the embedded bus', () => {
  it('routes each kind of return value to the sink and acks only after the sink confirmed', async () => {
    const dir = projectDir(MEMORY_CONFIG('workers: 2\nenv:\n  - name: GREETING\n    value: hello'), {
      'handler.mjs': HANDLER,
    });
    const started = await startProcessor(dir);
    const input = started.broker.queue('in');
    for (const body of ['plain', 'none', 'null', 'object', 'record', 'many'])
      input.send(body, {}, { key: 'k' });
    await started.running.finished(6);
    const out = started.broker.queue('processor-out').peekAll();
    const texts = started.texts('processor-out');
    expect(texts).toContain('seen by hello: plain (key k, attempt 1)');
    expect(texts).toContain(JSON.stringify({ text: 'object', worker: 'number' }));
    expect(texts).toContain('with key');
    expect(texts).toEqual(expect.arrayContaining(['one', 'two']));
    // undefined and null publish nothing: 1 + 1 + 1 + 2 records.
    expect(out).toHaveLength(5);
    const delivered = await started.broker.queue('processor-out').receive(10, 1);
    const keys = Object.fromEntries(
      delivered.map((message) => [Buffer.from(message.body as Uint8Array).toString(), message.key]),
    );
    // A record's own key wins; records without one keep the source message's.
    expect(keys).toMatchObject({ 'with key': 'k-1', one: 'k', two: 'k' });
    expect(started.outcomes.map((recorded) => recorded.outcome.kind)).toEqual(Array(6).fill('succeeded'));
    expect(input.size).toBe(0);
  });

  it('gives SkipMessage, RejectMessage and a throw their usual outcomes', async () => {
    const dir = projectDir(MEMORY_CONFIG('workers: 1', 'kind: none'), { 'handler.mjs': HANDLER });
    const started = await startProcessor(dir, { sets: ['consumer.maxAttempts=2'] });
    const input = started.broker.queue('in');
    input.send('skip');
    input.send('reject');
    input.send('throw');
    await started.running.finished(3);
    const kinds = Object.fromEntries(
      started.outcomes
        .filter((recorded) => recorded.outcome.kind !== 'failed')
        .map((recorded) => [recorded.outcome.reason, recorded.outcome.kind]),
    );
    expect(kinds['not for us']).toBe('skipped');
    expect(kinds['rejected: never valid']).toBe('dead-lettered');
    expect(started.outcomes.filter((recorded) => recorded.outcome.kind === 'failed')).toHaveLength(1);
    const letters = started.deadLetters('in');
    expect(letters.map((letter) => letter.reason).sort()).toEqual([
      'gave up after 2 attempts: handleEvent threw Error: handler failed on purpose',
      'rejected: never valid',
    ]);
  });

  it('runs several messages at once in a worker, each seeing its own key and attempt', async () => {
    // Waits a different time per message, so their handlers overlap and finish out of turn.
    const handler = `export async function initContext(context) { context.calls = 0; }
export async function handleEvent(context, data) {
  context.calls += 1;
  await new Promise((resolve) => setTimeout(resolve, 40 - 4 * Number(data.toString())));
  return { body: data.toString(), key: context.key, attempt: context.attempt, calls: context.calls };
}
`;
    const dir = projectDir(MEMORY_CONFIG('workers: 1'), { 'handler.mjs': handler });
    const started = await startProcessor(dir);
    // Auto: an async handleEvent gets 8 messages at once per worker, and a queue to match.
    expect(started.pool.concurrency).toBe(8);
    expect(started.config.processor.queueSize).toBe(16);
    const input = started.broker.queue('in');
    for (let index = 0; index < 8; index++) input.send(String(index), {}, { key: `key-${index}` });
    await started.running.finished(8);
    const outputs = started
      .texts('processor-out')
      .map((text) => JSON.parse(text) as { body: string; key: string; attempt: number; calls: number });
    expect(outputs).toHaveLength(8);
    for (const output of outputs) expect(output).toMatchObject({ key: `key-${output.body}`, attempt: 1 });
    // What the handler stores on context is the worker's, shared by the messages it runs.
    expect(Math.max(...outputs.map((output) => output.calls))).toBe(8);
  });

  it('loads a .ts handler (Node strips its types)', async () => {
    const dir = projectDir(MEMORY_CONFIG('moduleName: transform'), {
      'transform.ts': `export function handleEvent(context: { workerId: number }, data: Buffer): string {\n  return data.toString().toUpperCase();\n}\n`,
    });
    const started = await startProcessor(dir);
    started.broker.queue('in').send('shout');
    await started.running.finished(1);
    expect(started.texts('processor-out')).toEqual(['SHOUT']);
  });
});
