import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { freePorts } from './freePort.js';

const POM_DIR = fileURLToPath(new URL('./kafka/', import.meta.url));
/** Jars are copied here once per version (gitignored); Maven's ~/.m2 makes a fresh copy fast too. */
const CACHE_DIR = fileURLToPath(new URL('../.servers/', import.meta.url));

/** Versions with a pom under test/servers/kafka/: one 3.9.x and one 4.x release. */
export const KAFKA_VERSIONS = ['3.9.1', '4.1.0'] as const;

export interface KafkaBroker {
  readonly version: string;
  /** `127.0.0.1:<port>` */
  readonly brokers: string;
}

export interface RunningKafka extends KafkaBroker {
  /**
   * Stops the broker (SIGTERM), leaves it down `downMs`, and starts it again on the same port and
   * data; resolves once it answers.
   */
  restart(downMs?: number): Promise<void>;
  /** Freezes the broker process (SIGSTOP) for `ms`, then lets it go on (SIGCONT): a hung broker. */
  freeze(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Which versions to start: env KAFKA_VERSIONS ("3.9.1,4.1.0"), else both in CI and the newest locally. */
export function selectedKafkaVersions(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.KAFKA_VERSIONS?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (listed !== undefined && listed.length > 0) return listed;
  return env.CI === 'true' ? [...KAFKA_VERSIONS] : [KAFKA_VERSIONS[KAFKA_VERSIONS.length - 1]!];
}

function ensureJars(version: string): string {
  const jarDir = join(CACHE_DIR, `kafka-${version}`);
  if (existsSync(jarDir) && readdirSync(jarDir).some((name) => name.startsWith(`kafka_2.13-${version}`)))
    return jarDir;
  const pom = join(POM_DIR, `pom-${version}.xml`);
  if (!existsSync(pom))
    throw new Error(`no pom for Kafka ${version}: add test/servers/kafka/pom-${version}.xml`);
  mkdirSync(jarDir, { recursive: true });
  const result = spawnSync(
    'mvn',
    [
      '-q',
      '-f',
      pom,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${jarDir}`,
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`mvn could not fetch Kafka ${version} (exit ${result.status})`);
  return jarDir;
}

function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dataDir, 'logs')}`,
    'num.partitions=1',
    // Topics are created explicitly, as in production; a typo must not create a topic.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/**
 * A KRaft cluster id (16 random bytes, base64url). Like Kafka's own `Uuid.randomUuid`, never one
 * that starts with '-': the storage tool would read it as an option and refuse to format (a 1-in-64
 * chance per start; it failed a CI run).
 */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url').slice(0, 22);
    if (!id.startsWith('-')) return id;
  }
}

/** Formats KRaft storage and starts a single-node broker+controller on free ports; resolves once it answers. */
export async function startKafka(version: string): Promise<RunningKafka> {
  const jarDir = ensureJars(version);
  const classpath = `${jarDir}/*`;
  const dataDir = mkdtempSync(join(tmpdir(), `switchyard-kafka-${version}-`));
  const [port = 0, controllerPort = 0] = await freePorts(2);
  const properties = join(dataDir, 'server.properties');
  writeFileSync(properties, serverProperties(dataDir, port, controllerPort));
  const clusterId = randomClusterId();
  const format = spawnSync(
    'java',
    ['-Xmx256m', '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties],
    { encoding: 'utf8' },
  );
  if (format.status !== 0) throw new Error(`Kafka ${version} storage format failed: ${format.stderr}`);
  let stderr = '';
  const launch = (): ChildProcess => {
    const started = spawn(
      'java',
      ['-Xmx512m', '-Xms128m', '-XX:+UseSerialGC', '-cp', classpath, 'kafka.Kafka', properties],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    started.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    return started;
  };
  let child = launch();
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const brokers = `127.0.0.1:${port}`;
  try {
    await waitUntilAnswers(brokers, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  const restart = async (downMs = 0): Promise<void> => {
    await stopProcess(child);
    await new Promise((resolve) => setTimeout(resolve, downMs));
    child = launch();
    await waitUntilAnswers(brokers, child, () => stderr);
  };
  const freeze = async (ms: number): Promise<void> => {
    child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, ms));
    child.kill('SIGCONT');
  };
  return { version, brokers, restart, freeze, stop };
}

async function waitUntilAnswers(brokers: string, child: ChildProcess, output: () => string): Promise<void> {
  const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Kafka exited (${child.exitCode}): ${output()}`);
    try {
      await admin.connect();
      await admin.listTopics();
      // The group coordinator needs __consumer_offsets; creating it now keeps the first test fast.
      await admin.describeCluster();
      await admin.disconnect();
      return;
    } catch {
      await admin.disconnect().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  throw new Error(`Kafka on ${brokers} did not answer within 120 s: ${output()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
