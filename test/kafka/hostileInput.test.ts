import { spawnSync } from 'node:child_process';
import type { RunningDaemon } from '@switchyard/core';
import { KAFKA_DEAD_LETTER_HEADERS } from '@switchyard/kafka';
import { healthPlugin } from '@switchyard/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../servers/freePort.js';
import { capturedLogger, MAX_PROBE_MS, probing } from '../support/hostileInput.js';
import { requireTool } from '../servers/requireTool.js';
import {
  EVENT_MEDIA_TYPE,
  brokerCases,
  createTopic,
  kafkaBrokers,
  produceRaw,
  readAll,
  startDaemon,
  waitFor,
  type RawRecord,
  header,
} from './support.js';

// Issue 12 on a real broker: hostile inputs from foreign clients (kcat, kafkajs), each with the
// outcome the fix gives it. The memory bus runs the same corpus in test/faults/badInput.test.ts.

const hasKcat = kafkaBrokers.length > 0 && requireTool('kcat', ['-V'], 'kafka hostile input');
const media = { media_type: EVENT_MEDIA_TYPE };
const SECRET = 'password=hunter2secret';

function kcat(args: string[], input?: string): string {
  const result = spawnSync('kcat', args, { input, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`kcat ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const valid = (seq: number): RawRecord => ({
  key: 'k0',
  value: JSON.stringify({ key: 'k0', seq }),
  headers: media,
});

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: hostile input (issue 12)',
  ({ brokers }) => {
    let daemon: RunningDaemon | undefined;
    afterEach(async () => {
      await daemon?.stop();
      daemon = undefined;
    });

    it.skipIf(!hasKcat)(
      'handles records kcat sends with a generic content-type header, never reading it as a media type',
      async () => {
        const topic = await createTopic(brokers);
        const line = (seq: number, withMediaType = true): string =>
          `k0:${JSON.stringify(withMediaType ? { mediaType: EVENT_MEDIA_TYPE, key: 'k0', seq } : { key: 'k0', seq })}`;
        const produce = (headers: string[], lines: string[]): void =>
          void kcat(
            ['-b', brokers, '-t', topic, '-P', '-K:', ...headers.flatMap((h) => ['-H', h])],
            `${lines.join('\n')}\n`,
          );
        // The media type in the body, content-type: application/json (as many producers set).
        produce(['content-type=application/json'], [line(0), line(1)]);
        // With parameters and in capitals, and text/plain: generic all the same.
        produce(['content-type=Application/JSON; charset=utf-8'], [line(2)]);
        produce(['content-type=text/plain'], [line(3)]);
        // The media type in a media_type header and content-type beside it: the header wins.
        produce([`media_type=${EVENT_MEDIA_TYPE}`, 'content-type=application/json'], [line(4, false)]);
        const seen: number[] = [];
        daemon = await startDaemon((event) => void seen.push(event.seq), { brokers, topic });
        await waitFor(() => daemon!.counter.finished >= 5, 30_000, '5 outcomes');
        expect(daemon.counter.snapshot()).toMatchObject({ succeeded: 5 });
        expect(daemon.counter.get('dead-lettered')).toBe(0);
        expect(seen).toEqual([0, 1, 2, 3, 4]);
      },
    );

    it('handles a body that starts with a UTF-8 BOM, as the SQS transport does', async () => {
      const topic = await createTopic(brokers);
      const bom = Buffer.from([0xef, 0xbb, 0xbf]);
      await produceRaw(brokers, topic, [
        {
          key: 'k0',
          value: Buffer.concat([bom, Buffer.from(JSON.stringify({ key: 'k0', seq: 0 }))]),
          headers: media,
        },
        {
          key: 'k0',
          value: Buffer.concat([
            bom,
            Buffer.from(JSON.stringify({ mediaType: EVENT_MEDIA_TYPE, key: 'k0', seq: 1 })),
          ]),
        },
        valid(2),
      ]);
      const seen: number[] = [];
      daemon = await startDaemon((event) => void seen.push(event.seq), { brokers, topic });
      await waitFor(() => daemon!.counter.finished >= 3, 30_000, '3 outcomes');
      expect(daemon.counter.get('dead-lettered')).toBe(0);
      expect(seen).toEqual([0, 1, 2]);
    });

    it('dead-letters a body that is not JSON with a reason naming a position, quoting none of it, in the log too', async () => {
      const topic = await createTopic(brokers);
      await produceRaw(brokers, topic, [
        { key: 'k0', value: SECRET, headers: media },
        // Short enough that Node's JSON.parse message quoted it whole.
        { key: 'k0', value: 'hunter2secret', headers: media },
        valid(2),
      ]);
      const { logger, raw, lines } = capturedLogger();
      const seen: number[] = [];
      daemon = await startDaemon((event) => void seen.push(event.seq), { brokers, topic, logger });
      await waitFor(() => daemon!.counter.finished >= 3, 30_000, '3 outcomes');
      expect(seen).toEqual([2]);
      expect(daemon.counter.get('dead-lettered')).toBe(2);
      const dead = await readAll(brokers, `${topic}.dlt`, 2);
      // The copy carries the body as it was (that is what a dead letter is for)…
      expect(dead.map((record) => String(record.value))).toEqual([SECRET, 'hunter2secret']);
      for (const record of dead) {
        // …but the reason says where the body fails, never what it holds.
        const reason = header(record.headers?.[KAFKA_DEAD_LETTER_HEADERS.error]) ?? '';
        expect(reason).toMatch(/not JSON \(at position \d+/);
        expect(reason).not.toMatch(/hunter|password/);
      }
      const outcomes = lines().filter((line) => line.outcome === 'dead-lettered');
      expect(outcomes).toHaveLength(2);
      for (const line of outcomes) expect(line.reason).toMatch(/at position \d+/);
      expect(raw.filter((line) => /hunter|password/.test(line))).toEqual([]);
    });

    it('dead-letters a body of 100,000 keys at once (consumer.maxKeys) while /health/live keeps answering', async () => {
      const topic = await createTopic(brokers);
      const keys = Array.from({ length: 100_000 }, (_, index) => `"k${index.toString(36)}":0`).join(',');
      const body = `{"key":"k0","seq":0,${keys}}`;
      expect(Buffer.byteLength(body)).toBeLessThan(1_048_576); // under the default maxBodyBytes
      await produceRaw(brokers, topic, [{ key: 'k0', value: body, headers: media }, valid(1), valid(2)]);
      const { logger, lines } = capturedLogger();
      const port = await freePort();
      const prober = probing(`http://127.0.0.1:${port}/health/live`);
      const seen: number[] = [];
      try {
        daemon = await startDaemon((event) => void seen.push(event.seq), {
          brokers,
          topic,
          logger,
          plugins: [healthPlugin],
          extraArgs: ['--healthcheck-port', String(port), '--set', 'health.host=127.0.0.1'],
        });
        await waitFor(() => daemon!.counter.finished >= 3, 30_000, '3 outcomes');
        // One more probe after the outcomes.
        const count = prober.probes.length;
        await waitFor(() => prober.probes.length > count + 1, 10_000, 'a probe after the outcomes');
      } finally {
        await prober.stop();
      }
      expect(seen).toEqual([1, 2]);
      const [outcome] = lines().filter((line) => line.outcome === 'dead-lettered');
      expect(outcome?.reason).toMatch(/more than \d+ keys and items \(consumer\.maxKeys\)/);
      // Before the bound this one body took seconds of CPU.
      expect(outcome?.durationMs).toBeLessThan(500);
      const answered = prober.probes.filter((probe) => probe.status === 200);
      expect(answered.length).toBeGreaterThan(0);
      // Probes sent before the health server listened get no answer; once it answers, each does, fast.
      const first = prober.probes.findIndex((probe) => probe.status === 200);
      const after = prober.probes.slice(first);
      expect(after.filter((probe) => probe.status !== 200)).toEqual([]);
      expect(Math.max(...after.map((probe) => probe.ms))).toBeLessThan(MAX_PROBE_MS);
      const [dead] = await readAll(brokers, `${topic}.dlt`, 1);
      expect(header(dead!.headers?.[KAFKA_DEAD_LETTER_HEADERS.error])).toMatch(/consumer\.maxKeys/);
    });
  },
);
