import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerCases, createTopic, EVENT_MEDIA_TYPE, kafkaBrokers, produceRaw, waitFor } from './support.js';

// Issue 17 item 7: a Kafka daemon's start printed three warnings on every run — Node's
// TimeoutNegativeWarning (kafkajs's request queue), kafkajs's partitioner notice and its
// idempotent-producer notice. Checked in a real daemon process: its stderr (Node's warnings) and
// its stdout (the daemon's log, where kafkajs's own log lines go), at the info level.

const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));
const WARNINGS = [/TimeoutNegativeWarning/, /partitioner/i, /Limiting retries for the idempotent producer/];

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: start warnings',
  ({ brokers }) => {
    let dir = '';
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('a daemon that starts, consumes, produces a dead letter and stops prints none of them', async () => {
      dir = mkdtempSync(join(tmpdir(), 'switchyard-warnings-'));
      const file = join(dir, 'runs.log');
      const topic = await createTopic(brokers);
      await produceRaw(
        brokers,
        topic,
        [0, 1, 2].map((seq) => ({
          key: `k${seq}`,
          value: JSON.stringify({ key: `k${seq}`, seq }),
          headers: { media_type: EVENT_MEDIA_TYPE },
        })),
      );
      const child = spawn(
        process.execPath,
        [
          '--import',
          join(CHILD_DIR, 'register.ts'),
          join(CHILD_DIR, 'scriptedDaemon.ts'),
          ...[
            '--kafka-brokers',
            brokers,
            '--topic',
            topic,
            '--group-id',
            `kafka-scripted-test.w-${Date.now()}`,
          ],
          '--from-beginning',
        ],
        {
          env: {
            ...process.env,
            RECORD_FILE: file,
            FAIL_SEQS: '1',
            KAFKA_SCRIPTED_TEST__CONSUMER__MAX_ATTEMPTS: '1',
            KAFKA_SCRIPTED_TEST__DAEMON__LOG_LEVEL: 'info',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await waitFor(
          () => existsSync(file) && readFileSync(file, 'utf8').split('\n').filter(Boolean).length >= 4,
          60_000,
          'three messages handled (one dead-lettered)',
        );
        await waitFor(() => stdout.includes('dead-lettered'), 10_000, 'the dead letter produced');
        // Idle for a while: kafkajs's request queue warned after the first request it had answered.
        await new Promise((resolve) => setTimeout(resolve, 2000));
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
      expect(stdout).toContain('"msg":"starting"');
      const lines = `${stderr}\n${stdout}`.split('\n');
      expect(lines.filter((line) => WARNINGS.some((warning) => warning.test(line)))).toEqual([]);
      expect(stderr.trim()).toBe('');
    });
  },
);
