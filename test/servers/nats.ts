import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from './freePort.js';
import { requireTool } from './requireTool.js';

/** The machine's own server, used when it answers with JetStream. */
export const LOCAL_NATS = '127.0.0.1:4222';
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? 'nats-server';

export interface RunningNats {
  /** `host:port`, as `--nats-servers` takes it. */
  readonly servers: string;
  /** Whether this process started it (false: the machine's own server, left running). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface OwnNats extends RunningNats {
  /**
   * Stops the server (SIGTERM, or SIGKILL with `kill`), waits `downMs`, and starts it again on the
   * same port with the same store directory; resolves once it answers with JetStream again.
   */
  restart(options?: { downMs?: number; kill?: boolean }): Promise<void>;
  /** Stops it without starting again (a test that needs the server down). */
  down(): Promise<void>;
  /** Starts it again after `down`. */
  up(): Promise<void>;
}

/** Whether a NATS server answers at `servers` (and, with `jetStream`, has JetStream enabled). */
export async function hasJetStream(servers: string, jetStream = true): Promise<boolean> {
  let connection;
  try {
    connection = await connect({ servers, timeout: 1000, maxReconnectAttempts: 0 });
  } catch {
    return false;
  }
  try {
    if (jetStream) await (await jetstreamManager(connection)).getAccountInfo();
    return true;
  } catch {
    return false;
  } finally {
    await connection.close();
  }
}

/** Whether `nats-server` can run here; skips loudly (laptop) or throws (CI=true) when it cannot. */
export function haveNatsServer(suite: string): boolean {
  return requireTool(NATS_SERVER, ['--version'], suite);
}

/**
 * The NATS server a suite uses: the machine's own on 127.0.0.1:4222 when it answers with JetStream,
 * else one started here (`nats-server -js` on a free port, store in a temporary directory) and
 * stopped afterwards. Undefined (skip, loudly) when neither is possible; under CI=true that throws.
 */
export async function useNats(suite: string): Promise<RunningNats | undefined> {
  if (await hasJetStream(LOCAL_NATS))
    return { servers: LOCAL_NATS, owned: false, stop: () => Promise.resolve() };
  if (!haveNatsServer(suite)) return undefined;
  return startNats();
}

/**
 * A nats-server of this process's own on a free port, with JetStream and its own store directory
 * (`jetStream: false`: a server without it, for the start-up check that names the missing `-js`).
 */
export async function startNats({ jetStream = true }: { jetStream?: boolean } = {}): Promise<OwnNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'switchyard-nats-'));
  const servers = `127.0.0.1:${port}`;
  let output = '';
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const args = ['-a', '127.0.0.1', '-p', String(port), ...(jetStream ? ['-js', '-sd', storeDir] : [])];
    const started = spawn(NATS_SERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child = started;
    const deadline = Date.now() + 30_000;
    while (!(await hasJetStream(servers, jetStream))) {
      if (started.exitCode !== null)
        throw new Error(`nats-server exited (${started.exitCode}) on port ${port}: ${output}`);
      if (Date.now() > deadline) {
        await stopProcess(started, 'SIGKILL');
        throw new Error(`nats-server did not answer with JetStream on ${servers} within 30 s: ${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const down = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (child !== undefined) await stopProcess(child, signal);
    child = undefined;
  };
  await launch();
  return {
    servers,
    owned: true,
    restart: async ({ downMs = 0, kill = false } = {}) => {
      await down(kill ? 'SIGKILL' : 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch();
    },
    down: () => down(),
    up: () => launch(),
    stop: async () => {
      await down();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}
