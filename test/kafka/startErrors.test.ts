import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brokerCases, createTopic, kafkaBrokers } from './support.js';

// Issue 17 item 6: a start-up check's failure reaches the daemon's exit line (a real process's
// stderr and exit status), naming the problem and the fix.

const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));

/** Runs the scripted daemon with `args` to its exit; its status and stderr. */
async function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', join(CHILD_DIR, 'register.ts'), join(CHILD_DIR, 'scriptedDaemon.ts'), ...args],
    { env: { ...process.env, RECORD_FILE: '/dev/null' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { status, stderr };
}

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: start-up failures on the exit line',
  ({ brokers }) => {
    it('a missing topic: exit status 1 and one line naming the topic and the fix', async () => {
      const topic = await createTopic(brokers);
      const { status, stderr } = await run([
        '--kafka-brokers',
        brokers,
        '--topic',
        topic,
        '--topic',
        'no-such-topic',
        '--group-id',
        `kafka-scripted-test.e-${Date.now()}`,
      ]);
      expect(status).toBe(1);
      expect(stderr.trim().split('\n').at(-1)).toMatch(
        /^kafka-scripted-test: cannot start: the kafka transport could not start: kafka topic "no-such-topic" does not exist on .*: create it, or fix kafka\.topics \(--topic\)/,
      );
    });

    it('a bad group id: exit status 1 and one line naming kafka.groupId and the fix', async () => {
      const topic = await createTopic(brokers);
      const { status, stderr } = await run([
        '--kafka-brokers',
        brokers,
        '--topic',
        topic,
        '--group-id',
        'Bad',
      ]);
      expect(status).toBe(1);
      expect(stderr.trim().split('\n').at(-1)).toMatch(
        /^kafka-scripted-test: cannot start: kafka\.groupId "Bad" does not follow the group naming convention .* set kafka\.groupId \(--group-id\)/,
      );
    });
  },
);
