import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from './freePort.js';

const POM_DIR = fileURLToPath(new URL('./elasticmq/', import.meta.url));
/** Jars are copied here once (gitignored); Maven's own ~/.m2 cache makes a fresh copy fast too. */
const CACHE_DIR = fileURLToPath(new URL('../.servers/elasticmq/', import.meta.url));
const JAR_DIR = `${CACHE_DIR}lib`;

export interface RunningElasticMq {
  readonly endpoint: string;
  /**
   * Stops ElasticMQ (SIGTERM), waits `downMs`, and starts it again on the same port; resolves once
   * it answers. Without `dataDir` the queues and messages are gone afterwards (memory only).
   */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ElasticMqOptions {
  /**
   * Keep queues (`queues.conf`) and messages (an H2 database, `elasticmq.mv.db`) in this directory,
   * so a restart loses nothing: ElasticMQ's `queues-storage` and `messages-storage`. The H2 driver
   * comes with elasticmq-server (through elasticmq-persistence-sql).
   */
  readonly dataDir?: string;
  /** JVM heap in MiB (default 256): 100k messages held in memory need more. */
  readonly heapMb?: number;
}

/** Copies the ElasticMQ server jars from Maven Central into the cache, unless they are there. */
function ensureJars(): void {
  if (existsSync(JAR_DIR) && readdirSync(JAR_DIR).some((name) => name.startsWith('elasticmq-server'))) return;
  mkdirSync(CACHE_DIR, { recursive: true });
  const result = spawnSync(
    'mvn',
    ['-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${JAR_DIR}`],
    { cwd: POM_DIR, stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error(`mvn could not fetch the ElasticMQ jars (exit ${result.status})`);
}

function configFile(port: number, dataDir?: string): string {
  const path = `${CACHE_DIR}elasticmq-${port}.conf`;
  const persistence =
    dataDir === undefined
      ? []
      : [
          `queues-storage { enabled = true, path = "${dataDir}/queues.conf" }`,
          `messages-storage { enabled = true, uri = "jdbc:h2:${dataDir}/elasticmq" }`,
        ];
  // Queues are created by the tests through the SQS API, like a user's infrastructure code would.
  writeFileSync(
    path,
    [
      'include classpath("application.conf")',
      `node-address { protocol = http, host = "127.0.0.1", port = ${port}, context-path = "" }`,
      `rest-sqs { enabled = true, bind-port = ${port}, bind-hostname = "127.0.0.1", sqs-limits = strict }`,
      'rest-stats { enabled = false }',
      ...persistence,
      '',
    ].join('\n'),
  );
  return path;
}

/** Starts ElasticMQ on a free port with a small heap and resolves once its port answers. */
export async function startElasticMq(options: ElasticMqOptions = {}): Promise<RunningElasticMq> {
  ensureJars();
  const port = await freePort();
  const config = configFile(port, options.dataDir);
  let stderr = '';
  const launch = (): ChildProcess => {
    const started = spawn(
      'java',
      [
        `-Xmx${options.heapMb ?? 256}m`,
        '-XX:+UseSerialGC',
        `-Dconfig.file=${config}`,
        '-cp',
        `${JAR_DIR}/*`,
        'org.elasticmq.server.Main',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    started.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    return started;
  };
  let child = launch();
  await waitForPort(port, child, () => stderr);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    restart: async (downMs = 0) => {
      await stopProcess(child);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      child = launch();
      await waitForPort(port, child, () => stderr);
    },
    stop: () => stopProcess(child).finally(() => rmSync(config, { force: true })),
  };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ElasticMQ exited (${child.exitCode}): ${output()}`);
    if (await answers(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopProcess(child);
  throw new Error(`ElasticMQ did not open port ${port} within 120 s: ${output()}`);
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
