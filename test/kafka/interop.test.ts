import { spawnSync } from 'node:child_process';
import { SwitchyardError, type RunningDaemon } from '@switchyard/core';
import { KafkaErrorCodes } from '@switchyard/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import { requireTool } from '../servers/requireTool.js';
import {
  EVENT_MEDIA_TYPE,
  TestEvent,
  createTopic,
  kafkaBrokers,
  startDaemon,
  waitFor,
  brokerCases,
} from './support.js';

const hasKcat = kafkaBrokers.length > 0 && requireTool('kcat', ['-V'], 'kafka interop');

function kcat(args: string[], input?: string): string {
  const result = spawnSync('kcat', args, { input, encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`kcat ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe.skipIf(!hasKcat).each(brokerCases)(
  'Kafka $version: interop with kcat (librdkafka)',
  ({ brokers }) => {
    let daemon: RunningDaemon | undefined;
    afterEach(async () => {
      await daemon?.stop();
      daemon = undefined;
    });

    it('handles what kcat produces, and kcat reads what the daemon produces, headers intact', async () => {
      const input = await createTopic(brokers, 2);
      const output = await createTopic(brokers);
      const routed = await createTopic(brokers);
      const lines = Array.from(
        { length: 20 },
        (_, seq) => `k${seq % 3}:${JSON.stringify({ key: `k${seq % 3}`, seq })}`,
      );
      kcat(
        ['-b', brokers, '-t', input, '-P', '-K:', '-H', `media_type=${EVENT_MEDIA_TYPE}`],
        `${lines.join('\n')}\n`,
      );
      const seen: string[] = [];
      daemon = await startDaemon(
        async (event, context) => {
          seen.push(`${event.key}/${event.seq}`);
          // Deferred: goes out once this handler succeeded, to the topic routed for the media type.
          if (event.seq === 7)
            await context.producer.produce(TestEvent, { key: 'echo', seq: 7 }, { key: 'echo' });
        },
        {
          brokers,
          topic: input,
          extraArgs: [
            '--set',
            `kafka.produceTopic=${output}`,
            '--set',
            `kafka.topicRoutes=${EVENT_MEDIA_TYPE}=${routed}`,
          ],
        },
      );
      await waitFor(() => seen.length >= 20, 30_000, '20 kcat messages handled');
      expect(new Set(seen).size).toBe(20);

      await daemon.producer.produce(
        TestEvent,
        { key: 'direct', seq: 1 },
        { key: 'direct', destination: output },
      );
      const format = ['-f', '%k|%h|%s\\n'];
      const fromOutput = kcat(['-b', brokers, '-t', output, '-C', '-e', '-o', 'beginning', ...format])
        .trim()
        .split('\n');
      expect(fromOutput).toHaveLength(1);
      const [key, headers, body] = fromOutput[0]!.split('|');
      expect(key).toBe('direct');
      expect(headers).toContain(`media_type=${EVENT_MEDIA_TYPE}`);
      expect(JSON.parse(body!)).toMatchObject({ key: 'direct', seq: 1 });
      const fromRoute = kcat(['-b', brokers, '-t', routed, '-C', '-e', '-o', 'beginning', ...format])
        .trim()
        .split('\n');
      expect(fromRoute).toHaveLength(1);
      expect(fromRoute[0]).toMatch(
        new RegExp(`^echo\\|.*media_type=${EVENT_MEDIA_TYPE.replace(/\./g, '\\.')}.*\\|`),
      );
      expect(JSON.parse(fromRoute[0]!.split('|')[2]!)).toMatchObject({ key: 'echo', seq: 7 });
    });
  },
);

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: start-up checks',
  ({ brokers }) => {
    it('refuses to start on a missing topic, naming it, with its code', async () => {
      const topic = await createTopic(brokers);
      const error = await startDaemon(() => undefined, {
        brokers,
        topic,
        extraArgs: ['--topic', 'no-such-topic'],
      }).catch((failure: unknown) => failure);
      expect(String(error)).toMatch(/"no-such-topic" does not exist.*create it, or fix kafka\.topics/);
      expect(SwitchyardError.isCode((error as Error).cause, KafkaErrorCodes.TOPIC_NOT_FOUND)).toBe(true);
    });

    it('refuses a group id that breaks the service.group convention, naming the key and the fix', async () => {
      const topic = await createTopic(brokers);
      const error = await startDaemon(() => undefined, { brokers, topic, groupId: 'NoDotHere' }).catch(
        (failure: unknown) => failure,
      );
      // The config error itself, not a graph-resolution error around it.
      expect(SwitchyardError.isCode(error, KafkaErrorCodes.GROUP_ID_INVALID)).toBe(true);
      expect((error as Error).message).toMatch(
        /^kafka\.groupId "NoDotHere" does not follow the group naming convention .*: set kafka\.groupId \(--group-id\)/,
      );
    });
  },
);
