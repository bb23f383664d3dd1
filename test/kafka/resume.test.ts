import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { brokerCases, createTopic, events, kafkaBrokers, produceRaw, waitFor } from './support.js';

// Issue 17 item 4: where a restart after a SIGKILL spends its time, and that a process with the
// crashed one's kafka.instanceId resumes without waiting for the dead member's session timeout.
// Each daemon is its own process (the scripted daemon); phases are measured on this side:
// kill → the new process's "starting" log → its "joined the kafka group" log (joinMs: JoinGroup
// to SyncGroup) → its first handled message.

const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));

interface Daemon {
  readonly child: ChildProcess;
  /** Parent-side arrival time of the first stdout line containing `text`, if any yet. */
  seen(text: string): { at: number; line: string } | undefined;
  readonly exited: Promise<void>;
}

function startDaemon(
  brokers: string,
  topic: string,
  groupId: string,
  file: string,
  env: Record<string, string>,
): Daemon {
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(CHILD_DIR, 'register.ts'),
      join(CHILD_DIR, 'scriptedDaemon.ts'),
      ...['--kafka-brokers', brokers, '--topic', topic, '--group-id', groupId, '--from-beginning'],
    ],
    {
      env: { ...process.env, RECORD_FILE: file, KAFKA_SCRIPTED_TEST__DAEMON__LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: Array<{ at: number; line: string }> = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    for (const line of parts) lines.push({ at: Date.now(), line });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited, seen: (text) => lines.find(({ line }) => line.includes(text)) };
}

const recorded = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

describe.skipIf(kafkaBrokers.length === 0).each(brokerCases)(
  'Kafka $version: resume after a SIGKILL',
  ({ brokers }) => {
    let dir = '';
    const daemons: Daemon[] = [];
    afterEach(async () => {
      for (const daemon of daemons.splice(0)) {
        daemon.child.kill('SIGKILL');
        await daemon.exited;
      }
      rmSync(dir, { recursive: true, force: true });
    });

    /** Kills a daemon mid-stream and starts the next; the phases of the next one, in ms after the kill. */
    async function crashAndResume(label: string, env: Record<string, string>, sessionTimeoutMs: number) {
      dir = mkdtempSync(join(tmpdir(), 'switchyard-resume-'));
      const topic = await createTopic(brokers, 2);
      await produceRaw(brokers, topic, events(200, 8));
      const groupId = `kafka-scripted-test.resume-${Date.now()}`;
      const settings = {
        KAFKA_SCRIPTED_TEST__KAFKA__SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
        KAFKA_SCRIPTED_TEST__KAFKA__HEARTBEAT_INTERVAL_MS: '1000',
        // Seq 20 of each key never finishes in the first process: it is killed with work in flight.
        BLOCK_SEQS: '20',
        ...env,
      };
      const first = join(dir, 'first.log');
      const crashed = startDaemon(brokers, topic, groupId, first, settings);
      daemons.push(crashed);
      await waitFor(
        () => recorded(first).filter((line) => line.startsWith('start 20 ')).length >= 2,
        60_000,
        'seq 20 running',
      );
      crashed.child.kill('SIGKILL');
      const killedAt = Date.now();
      await crashed.exited;
      const second = join(dir, 'second.log');
      const next = startDaemon(brokers, topic, groupId, second, { ...settings, BLOCK_SEQS: '' });
      daemons.push(next);
      await waitFor(() => recorded(second).length > 0, 60_000, 'the next process handling');
      const firstHandledMs = Date.now() - killedAt;
      await waitFor(() => next.seen('joined the kafka group') !== undefined, 5000, 'the join log');
      const joined = next.seen('joined the kafka group')!;
      const phases = {
        started_ms: next.seen('"msg":"starting"')!.at - killedAt,
        joined_ms: joined.at - killedAt,
        join_request_ms: (JSON.parse(joined.line) as { joinMs: number }).joinMs,
        first_handled_ms: firstHandledMs,
      };
      console.log(
        `FIGURE kafka-resume-${label}: session_timeout_ms=${sessionTimeoutMs} ${Object.entries(phases)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')}`,
      );
      return { next, phases, second };
    }

    it('without an instance id the next process resumes once the dead member has gone: the phases', async () => {
      const { next, second } = await crashAndResume('dynamic', {}, 6000);
      // What the killed process had in flight (seq 20 of two keys at least) runs again: nothing lost.
      await waitFor(
        () => recorded(second).filter((line) => line.startsWith('done 20 ')).length >= 2,
        30_000,
        'seq 20 again',
      );
      expect(next.seen('removed the crashed predecessor')).toBeUndefined();
    });

    it('with kafka.instanceId the next process removes its crashed predecessor and resumes within the session timeout', async () => {
      const env = { KAFKA_SCRIPTED_TEST__KAFKA__INSTANCE_ID: 'resume-test-0' };
      // A 30 s session (the default): the test's 25 s limit would pass only if the predecessor went early.
      const { next, second } = await crashAndResume('instance-id', env, 30_000);
      expect(next.seen('removed the crashed predecessor of this instance from the group')).toBeDefined();
      await waitFor(
        () => recorded(second).filter((line) => line.startsWith('done 20 ')).length >= 2,
        10_000,
        'seq 20 again',
      );
    }, 25_000);
  },
);
