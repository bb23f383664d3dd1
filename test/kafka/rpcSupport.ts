import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEAD_LETTER_ATTRIBUTES, type RunningDaemon } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import type { ApiDaemon } from '@switchyard/rpc';
import { pino, type Logger } from 'pino';
import { header, client, createTopic, silentLogger, waitFor } from './support.js';

/**
 * Starts an API daemon on Kafka, quiet, consuming a main topic of its own with a group of its own.
 * The daemon classes of the RPC suites name no transport, so Kafka is put in here.
 */
export async function startApiDaemon(
  daemon: ApiDaemon,
  brokers: string,
  argv: readonly string[] = [],
): Promise<RunningDaemon> {
  Object.defineProperty(daemon, 'transports', { value: [kafkaTransportFactory] });
  const topic = await createTopic(brokers);
  return daemon.start({
    argv: [
      '--kafka-brokers',
      brokers,
      '--topic',
      topic,
      '--group-id',
      `${daemon.name}.${randomUUID().slice(0, 8)}`,
      // Short session and heartbeats, so a rebalance after a member leaves or dies is quick.
      '--set',
      'kafka.sessionTimeoutMs=6000',
      '--set',
      'kafka.heartbeatIntervalMs=500',
      '--set',
      'kafka.maxWaitTimeMs=100',
      ...argv,
    ],
    // Quick retries for the suites' daemons (example, audit), so dead letters come within seconds.
    env: Object.fromEntries(
      ['EXAMPLE', 'AUDIT'].flatMap((name) => [
        [`${name}__CONSUMER__BACKOFF_BASE_SECONDS`, '0.05'],
        [`${name}__CONSUMER__BACKOFF_MAX_SECONDS`, '0.2'],
      ]),
    ),
    logger: silentLogger,
  });
}

/** The reasons of the dead letters in `<address>.dlt` (every record there, read from the start). */
export async function deadLetterReasons(brokers: string, address: string): Promise<string[]> {
  const topic = `${address}.dlt`;
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  let count = 0;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    for (const { high, low } of await admin.fetchTopicOffsets(topic)) count += Number(high) - Number(low);
  } finally {
    await admin.disconnect();
  }
  if (count === 0) return [];
  const consumer = kafka.consumer({ groupId: `reader.${randomUUID()}`, maxWaitTimeInMs: 100 });
  const reasons: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void reasons.push(header(message.headers?.[DEAD_LETTER_ATTRIBUTES.reason]) ?? ''),
    });
    await waitFor(() => reasons.length >= count, 15_000, `${count} dead letters on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return reasons;
}

/** The topics and consumer groups on the broker. */
export async function topicsAndGroups(brokers: string): Promise<{ topics: string[]; groups: string[] }> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    const { groups } = await admin.listGroups();
    return { topics, groups: groups.map((group) => group.groupId) };
  } finally {
    await admin.disconnect();
  }
}

/** A reply group as its coordinator describes it: its state and how many members it has. */
export async function replyGroup(
  brokers: string,
  group: string,
): Promise<{ state: string; members: number; committed: string | undefined }> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const {
      groups: [described],
    } = await admin.describeGroups([group]);
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [group] }).catch(() => []);
    return {
      state: described?.state ?? 'Dead',
      members: described?.members.length ?? 0,
      committed: offsets?.partitions[0]?.offset,
    };
  } finally {
    await admin.disconnect();
  }
}

/** A logger whose records (parsed JSON lines) the test reads. */
export function recordingLogger(level = 'info'): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level },
    { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, records };
}

const REGISTER = fileURLToPath(new URL('./child/register.ts', import.meta.url));
const KAFKA_WIRE = new URL('../../packages/rpc/src/wires/kafka/index.ts', import.meta.url).href;

export interface ReplyClient {
  /** Its reply topic (and group), `rpc.reply.<uuid>`. */
  readonly address: string;
  /** The replies it has read. */
  readonly replies: readonly string[];
  /** SIGKILL: the process dies without closing, as after an OOM kill. */
  kill(): Promise<void>;
}

/**
 * A client of the Kafka wire in a process of its own (so it can be SIGKILLed): it opens its reply
 * inbox, with a 6 s group session (the broker's minimum: its group is empty 6 s after the kill),
 * prints the inbox's address and each reply it reads. It sweeps nobody's reply topics.
 */
export async function startReplyClient(brokers: string): Promise<ReplyClient> {
  const source = `
    import { randomUUID } from 'node:crypto';
    import { pino } from 'pino';
    import { kafkaWire } from ${JSON.stringify(KAFKA_WIRE)};
    const wire = await kafkaWire({
      brokers: ${JSON.stringify(brokers)},
      logger: pino({ level: 'silent' }),
      replyOrphanGraceMs: 0,
      kafka: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000 },
    });
    const inbox = await wire.openInbox(randomUUID(), (body) => console.log('reply ' + body));
    console.log('open ' + inbox.address);
  `;
  const child = spawn(process.execPath, ['--import', REGISTER, '--input-type=module', '-e', source], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const replies: string[] = [];
  let address: string | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('open ')) address = line.slice('open '.length);
    if (line.startsWith('reply ')) replies.push(line.slice('reply '.length));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null)
          throw new Error(`the reply client exited (${child.exitCode}): ${stderr}`);
        return address !== undefined;
      },
      60_000,
      'the reply client has opened its inbox',
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    address: address!,
    replies,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
