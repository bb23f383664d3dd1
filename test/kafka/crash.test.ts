import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  committedOffsets,
  createTopic,
  events,
  brokerCases,
  kafkaBrokers,
  produceRaw,
  waitFor,
} from './support.js';

const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));
const COUNT = 3000;

interface Line {
  id: string;
  partition: number;
  offset: number;
}

function readLines(file: string): Line[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.split(' ').length === 3)
    .map((line) => {
      const [key, seq, messageId = ''] = line.split(' ');
      const [, partition, offset] = messageId.split('/');
      return { id: `${key}/${seq}`, partition: Number(partition), offset: Number(offset) };
    });
}

/** The real daemon in its own process (so it can be SIGKILLed), recording each handled message. */
function startChild(brokers: string, topic: string, groupId: string, file: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      join(CHILD_DIR, 'register.ts'),
      join(CHILD_DIR, 'recordingDaemon.ts'),
      '--kafka-brokers',
      brokers,
      '--topic',
      topic,
      '--group-id',
      groupId,
      '--from-beginning',
      '--concurrency',
      '16',
    ],
    {
      env: {
        ...process.env,
        RECORD_FILE: file,
        HANDLER_DELAY_MS: '20',
        // The broker's minimum: the killed member's partitions move on after 6 s, not 30.
        KAFKA_CRASH_TEST__KAFKA__SESSION_TIMEOUT_MS: '6000',
        KAFKA_CRASH_TEST__KAFKA__HEARTBEAT_INTERVAL_MS: '1000',
        KAFKA_CRASH_TEST__DAEMON__LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)('Kafka $version: crash', ({ brokers }) => {
  const children: ChildProcess[] = [];
  let dir: string | undefined;
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing when the consumer is killed mid-stream: commits never pass unfinished work', async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-crash-'));
    const topic = await createTopic(brokers, 2);
    const groupId = `kafka-crash-test.${Date.now()}`;
    await produceRaw(brokers, topic, events(COUNT, 64));
    const first = join(dir, 'first.log');
    const victim = startChild(brokers, topic, groupId, first);
    children.push(victim);
    let stderr = '';
    victim.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => readLines(first).length >= COUNT / 3, 60_000, `a third handled (stderr: ${stderr})`);
    let progress = 0;
    while (progress === 0) {
      const offsets = await committedOffsets(brokers, groupId, topic);
      progress = Object.values(offsets).reduce((sum, offset) => sum + Math.max(0, offset), 0);
    }
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    const handledBeforeKill = readLines(first);
    expect(handledBeforeKill.length).toBeLessThan(COUNT);

    // Soundness: every offset below the committed one was handled before the kill.
    const committed = await committedOffsets(brokers, groupId, topic);
    const handledOffsets = new Set(
      handledBeforeKill.map(({ partition, offset }) => `${partition}/${offset}`),
    );
    let covered = 0;
    for (const [partition, offset] of Object.entries(committed)) {
      for (let below = 0; below < offset; below += 1)
        expect(handledOffsets.has(`${partition}/${below}`)).toBe(true);
      covered += Math.max(0, offset);
    }
    expect(covered).toBeGreaterThan(0); // it did commit progress before dying

    const second = join(dir, 'second.log');
    children.push(startChild(brokers, topic, groupId, second));
    const union = (): Set<string> =>
      new Set([...handledBeforeKill, ...readLines(second)].map(({ id }) => id));
    await waitFor(() => union().size >= COUNT, 90_000, `all ${COUNT} handled at least once`);
    expect(union().size).toBe(COUNT);
  });
});
