import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEAD_LETTER_ATTRIBUTES } from '@switchyard/core';
import { createTopic } from '../processor/kafkaTopics.js';
import { projectDir, runProcessor, type RunningProcessor } from '../processor/support.js';
import { brokerCases, committedOffsets, header, produceRaw, readAll } from './support.js';

let processor: RunningProcessor | undefined;
afterEach(async () => {
  await processor?.stop();
  processor = undefined;
});

// Logs each start and each successful end to a file (worker threads share it), holds its key a
// while so the key's later messages wait behind it, and exits its worker on CRASH_ON: on the first
// attempt only (CRASH_MODE=once) or on every attempt (always).
const HANDLER = `import { appendFileSync } from 'node:fs';
const log = (line) => appendFileSync(process.env.ORDER_LOG, line + '\\n');
export async function handleEvent(context, data) {
  const text = data.toString();
  log('start ' + text + ' ' + context.attempt);
  await new Promise((resolve) => setTimeout(resolve, 30));
  if (text === process.env.CRASH_ON && (process.env.CRASH_MODE === 'always' || context.attempt === 1))
    process.exit(9);
  log('end ' + text + ' ' + context.attempt);
  return text;
}
`;

const KEYS = ['K', 'A', 'B'];
const PER_KEY = 8;
const CRASH_ON = 'K:3';

interface LogEvent {
  readonly kind: 'start' | 'end';
  readonly key: string;
  readonly seq: number;
  readonly attempt: number;
}

function readLog(file: string): LogEvent[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [kind, text, attempt] = line.split(' ');
      const [key, seq] = text!.split(':');
      return { kind: kind as LogEvent['kind'], key: key!, seq: Number(seq), attempt: Number(attempt) };
    });
}

/**
 * Per key: a message starts only once the one before it ended (or was dead-lettered, `skipped`),
 * or again (a retry) while it has not ended; every message ends, except a dead-lettered one.
 * Returns the problems, empty when the order held.
 */
function orderProblems(events: readonly LogEvent[], key: string, skipped: ReadonlySet<number>): string[] {
  const problems: string[] = [];
  let current = -1;
  let ended = true;
  for (const event of events.filter((each) => each.key === key)) {
    const text = `${event.kind} ${key}:${event.seq} attempt ${event.attempt}`;
    if (event.kind === 'end') {
      if (event.seq !== current || ended) problems.push(`${text}: not the running message`);
      ended = true;
    } else if (event.seq === current && !ended) {
      // a retry of the running message
    } else if (event.seq === current + 1 && (ended || skipped.has(current))) {
      current = event.seq;
      ended = false;
    } else problems.push(`${text} while ${key}:${current} ${ended ? 'had ended' : 'had not ended'}`);
  }
  if (current !== PER_KEY - 1 || !(ended || skipped.has(current)))
    problems.push(`${key} stopped at ${current} (ended: ${ended})`);
  return problems;
}

describe.each(brokerCases)(
  'switchyard process, a worker crash and key order, on Kafka $version',
  ({ brokers }) => {
    async function start(concurrency: number, crashMode: 'once' | 'always') {
      const topic = await createTopic(brokers, 2);
      await createTopic(brokers, 1, `${topic}.dlt`);
      const out = await createTopic(brokers, 2);
      // Every message is on the topic before the processor starts: K's later ones wait behind K:3.
      const records = Array.from({ length: PER_KEY }, (_, seq) =>
        KEYS.map((key) => ({ key, value: `${key}:${seq}` })),
      ).flat();
      await produceRaw(brokers, topic, records);
      const dir = projectDir(
        `
processor:
  workers: 2
  concurrency: ${concurrency}
  mode: keyed
  timeoutMs: 10000
  maxWorkerCrashes: 2
  env:
    - { name: CRASH_ON, value: "${CRASH_ON}" }
    - { name: CRASH_MODE, value: ${crashMode} }
source:
  kind: kafka
  brokers: [${brokers}]
  topics: [${topic}]
  offset: earliest
  consumerGroup: order-${topic}
sink:
  kind: kafka
  brokers: [${brokers}]
  topic: ${out}
consumer:
  maxAttempts: 10
  backoffBaseSeconds: 0.1
  backoffMaxSeconds: 0.5
`,
        { 'handler.mjs': HANDLER },
      );
      const log = join(dir, 'order.log');
      processor = await runProcessor(dir, { env: { ORDER_LOG: log } });
      expect(processor.pool.concurrency).toBe(concurrency);
      await processor.running.finished(records.length);
      return { topic, out, log, records, running: processor };
    }

    /** The sink's values of one key, in the order they were written. */
    async function sinkValues(out: string, expected: number): Promise<Map<string, string[]>> {
      const byKey = new Map<string, string[]>();
      for (const record of await readAll(brokers, out, expected)) {
        const key = String(record.key);
        byKey.set(key, [...(byKey.get(key) ?? []), String(record.value)]);
      }
      return byKey;
    }

    /** Stops the processor (it drains and commits) and sums the group's committed offsets. */
    async function stopAndCountCommitted(topic: string): Promise<number> {
      await processor?.stop();
      processor = undefined;
      const committed = await committedOffsets(brokers, `order-${topic}`, topic);
      // -1: a partition none of the keys hashed to has no commit.
      return Object.values(committed).reduce((sum, offset) => sum + Math.max(0, offset), 0);
    }

    const seqs = (key: string, skip?: number): string[] =>
      Array.from({ length: PER_KEY }, (_, seq) => seq)
        .filter((seq) => seq !== skip)
        .map((seq) => `${key}:${seq}`);

    for (const concurrency of [1, 4])
      it.skipIf(brokers === '')(
        `concurrency ${concurrency}: the crashed message runs again first, then its key's later ones in order; other keys go on`,
        async () => {
          const { topic, out, log, records, running } = await start(concurrency, 'once');
          const events = readLog(log);
          for (const key of KEYS) expect(orderProblems(events, key, new Set()), key).toEqual([]);
          // K:3 ran twice, and K:4 started only after its second run ended.
          const k = events.filter((event) => event.key === 'K').map((e) => `${e.kind} ${e.seq} ${e.attempt}`);
          expect(k.slice(k.indexOf('start 3 1'), k.indexOf('start 4 1') + 1)).toEqual([
            'start 3 1',
            'start 3 2',
            'end 3 2',
            'start 4 1',
          ]);
          const failed = running.outcomes.filter((recorded) => recorded.outcome.kind === 'failed');
          for (const recorded of failed)
            expect(recorded.outcome.reason).toContain('the handler called process.exit(9)');
          if (concurrency === 1) {
            // Alone on its worker: the crash is K:3's, and no other message ran twice.
            expect(failed.map((recorded) => recorded.outcome.reason)).toEqual([
              'the handler called process.exit(9); the worker was replaced (crash 1 of processor.maxWorkerCrashes 2 on this message)',
            ]);
            expect(events.filter((event) => event.attempt > 1).map((e) => `${e.key}:${e.seq}`)).toEqual([
              CRASH_ON,
              CRASH_ON,
            ]);
          } else {
            // A crash beside others counts against none of them; each ran again, alone, and got through.
            for (const recorded of failed)
              expect(recorded.outcome.reason).toMatch(
                /crash 1 of processor.maxWorkerCrashes 2 on this message|messages at once \(not counted/,
              );
            const reruns = events.filter((event) => event.kind === 'start' && event.attempt > 1);
            expect(reruns.every((event) => event.attempt === 2)).toBe(true);
          }
          expect(running.outcomes.some((recorded) => recorded.outcome.kind === 'dead-lettered')).toBe(false);
          // Each message ended once, and reached the sink once, in its key's order.
          expect(events.filter((event) => event.kind === 'end')).toHaveLength(records.length);
          const sink = await sinkValues(out, records.length);
          for (const key of KEYS) expect(sink.get(key), key).toEqual(seqs(key));
          expect(await stopAndCountCommitted(topic)).toBe(records.length);
        },
        120_000,
      );

    it.skipIf(brokers === '')(
      'a message that crashes its worker maxWorkerCrashes times is dead-lettered with the reason, then its key goes on in order',
      async () => {
        const { topic, out, log, records, running } = await start(4, 'always');
        const events = readLog(log);
        expect(orderProblems(events, 'K', new Set([3])), 'K').toEqual([]);
        for (const key of ['A', 'B']) expect(orderProblems(events, key, new Set()), key).toEqual([]);
        // Its two crashes of its own, alone (and one beside others before them, if it shared).
        const k3 = events.filter((event) => event.key === 'K' && event.seq === 3);
        expect(k3.every((event) => event.kind === 'start')).toBe(true);
        expect(k3.length === 2 || k3.length === 3, `K:3 ran ${k3.length} times`).toBe(true);
        const dead = running.outcomes.filter((recorded) => recorded.outcome.kind === 'dead-lettered');
        expect(dead).toHaveLength(1);
        const [letter] = await readAll(brokers, `${topic}.dlt`, 1);
        expect(String(letter!.value)).toBe(CRASH_ON);
        expect(header(letter!.headers?.[DEAD_LETTER_ATTRIBUTES.reason])).toMatch(
          /^rejected: the worker crashed 2 times on this message \(processor.maxWorkerCrashes 2\); last: the handler called process.exit\(9\)/,
        );
        const sink = await sinkValues(out, records.length - 1);
        expect(sink.get('K')).toEqual(seqs('K', 3));
        for (const key of ['A', 'B']) expect(sink.get(key), key).toEqual(seqs(key));
        expect(await stopAndCountCommitted(topic)).toBe(records.length);
      },
      120_000,
    );
  },
);
