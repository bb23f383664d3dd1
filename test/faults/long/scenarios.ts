// The long fault suite's scenarios, each a loop over real daemon processes (the ledger daemon)
// that asserts and prints its figures: SIGKILL and restart, SIGTERM under load, a server restart.
import { join } from 'node:path';
import { expect } from 'vitest';
import { freePort } from '../../servers/freePort.js';
import {
  faultSeed,
  printFigure,
  progressGauges,
  listening,
  ready,
  Sampler,
  seconds,
  seededRandom,
  signal,
  startLedgerDaemon,
  stopWithin,
  tally,
  waitUntil,
  type DaemonProcess,
  type Ledger,
  type LedgerLine,
} from './support.js';

/** What every scenario runs on. */
export interface Scenario {
  /** Figure name, e.g. `kafka-crash`. */
  readonly name: string;
  /** The test events on the broker: `count` of them over `keys` keys (ids as `eventIds`). */
  readonly count: number;
  readonly keys: number;
  /** Where the ledgers go. */
  readonly dir: string;
  /** The daemon's transport flags; every process of a scenario gets the same (restarts, not new consumers). */
  readonly args: readonly string[];
  /** True once the broker has nothing left for the daemon: committed to the end, or the queue empty. */
  drained(): Promise<boolean>;
}

const CRASHES = 10;
const SIGTERMS = 3;
/** `consumer.shutdownTimeoutMs` of the SIGTERM scenario: each stop must end within it. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** How long an idle daemon may take to exit after SIGTERM before it counts as hung. */
const STOP_LIMIT_MS = 15_000;

/** The run's seed, printed first so that a failure can be replayed. */
function announceSeed(name: string): number {
  const seed = faultSeed();
  console.log(`${name}: seed ${seed} (replay with FAULT_SEED=${seed})`);
  return seed;
}

// ---- SIGKILL ×10

/** How many duplicates one crash may cause: a fixed part plus what was handled shortly before it. */
export interface DuplicateBound {
  /** Messages that may be redone whatever the timing (Kafka: buffered and in flight). */
  readonly base: number;
  /** Messages handled within this long before the kill may be redone too (not yet committed/deleted). */
  readonly windowMs: number;
}

export interface CrashPlan extends Scenario {
  readonly bound: DuplicateBound;
}

interface Run {
  readonly daemon: DaemonProcess;
  /** Finished lines already added to `handled`. */
  counted: number;
  firstAt?: number;
  killedAt?: number;
}

/**
 * SIGKILLs the daemon ten times and restarts it (a new process each time), then lets the last
 * one run until every message is in a ledger and the broker is drained. Kill k comes once the union
 * of the ledgers holds a seeded random share of the messages (sorted, 3–90 %) and a seeded random
 * 0–1 s after the process handled its first message (or sooner, once 5 % more are handled), so each
 * kill lands mid-stream whatever the machine's speed. Asserts nothing lost and each crash's duplicates within the plan's bound;
 * prints the figures.
 */
export async function crashAndRestart(plan: CrashPlan): Promise<void> {
  const seed = announceSeed(plan.name);
  const started = Date.now();
  const random = seededRandom(seed);
  const targets = Array.from({ length: CRASHES }, () => 0.03 + random() * 0.87).sort((a, b) => a - b);
  const handled = new Set<string>();
  const runs: Run[] = [];
  // Counts every finished line once, also those read by someone else's poll (signal() reads the tail).
  const poll = (run: Run): void => {
    const { ledger } = run.daemon;
    ledger.poll();
    for (; run.counted < ledger.finished.length; run.counted += 1)
      handled.add(ledger.finished[run.counted]!.id);
    run.firstAt ??= run.daemon.ledger.finished[0]?.at;
  };
  try {
    for (let index = 0; index <= CRASHES; index += 1) {
      const file = join(plan.dir, `run-${index}.log`);
      const daemon = startLedgerDaemon({ ledgerFile: file, handlerDelayMs: '1', args: plan.args });
      const run: Run = { daemon, counted: 0 };
      runs.push(run);
      const what = `${plan.name} run ${index}`;
      await waitUntil(
        () => (poll(run), run.firstAt !== undefined || handled.size >= plan.count),
        180_000,
        `${what}: a message handled`,
        run.daemon,
      );
      if (run.firstAt === undefined)
        throw new Error(`${what}: every message was handled before this run (FAULT_MESSAGES too small?)`);
      if (index < CRASHES) {
        const target = Math.ceil(targets[index]! * plan.count);
        // The delay spreads kills in time; the 5 % cap keeps a fast run from finishing everything first.
        const delayMs = random() * 1000;
        const cap = target + Math.ceil(0.05 * plan.count);
        await waitUntil(
          () => (
            poll(run),
            handled.size >= target && (Date.now() - run.firstAt! >= delayMs || handled.size >= cap)
          ),
          300_000,
          () => `${what}: ${target} handled (${handled.size})`,
          run.daemon,
        );
        run.killedAt = Date.now();
        await signal(run.daemon, 'SIGKILL');
        poll(run);
      } else {
        await waitUntil(
          () => (poll(run), handled.size >= plan.count),
          600_000,
          () => `${what}: all handled (${handled.size} of ${plan.count})`,
          run.daemon,
        );
        await waitUntil(() => plan.drained(), 120_000, `${what}: broker drained`, run.daemon);
        const exit = await signal(run.daemon, 'SIGTERM');
        poll(run);
        expect(exit.code, run.daemon.output()).toBe(0);
      }
    }
  } finally {
    for (const run of runs) if (run.daemon.child.exitCode === null) run.daemon.child.kill('SIGKILL');
  }
  report(plan, runs, Date.now() - started, seed);
}

function report(plan: CrashPlan, runs: Run[], wallMs: number, seed: number): void {
  const ledgers: Ledger[] = runs.map((run) => run.daemon.ledger);
  const perRun = ledgers.map((ledger) => {
    const counts = new Map<string, number>();
    for (const { id } of ledger.finished) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  });
  const all = tally(
    ledgers.flatMap((ledger) => ledger.finished),
    plan.count,
    plan.keys,
  );
  const withinRun = perRun.reduce(
    (sum, counts) => sum + [...counts.values()].reduce((a, c) => a + c - 1, 0),
    0,
  );
  // A crash's duplicates: what its process handled and a later process handled again.
  const crashes = runs.slice(0, -1).map((run, index) => {
    const later = new Set(perRun.slice(index + 1).flatMap((counts) => [...counts.keys()]));
    const duplicates = [...perRun[index]!.keys()].filter((id) => later.has(id)).length;
    const recent = ledgers[index]!.finished.filter((line) => line.at >= run.killedAt! - plan.bound.windowMs);
    return {
      duplicates,
      bound: plan.bound.base + recent.length,
      recoveryMs: runs[index + 1]!.firstAt! - run.killedAt!,
    };
  });
  const recoveries = crashes.map(({ recoveryMs }) => seconds(recoveryMs));
  printFigure(plan.name, {
    messages: plan.count,
    crashes: crashes.length,
    lost: all.lost.length,
    duplicates: all.duplicates,
    within_run_duplicates: withinRun,
    per_crash: crashes.map(({ duplicates, bound }) => `${duplicates}/${bound}`).join(','),
    worst_share_of_bound: Math.max(...crashes.map(({ duplicates, bound }) => duplicates / bound)).toFixed(2),
    recovery_s: recoveries.join(','),
    recovery_max_s: Math.max(...recoveries),
    wall_s: seconds(wallMs),
    seed: seed,
  });
  expect(all.unexpected).toEqual([]);
  expect(all.lost.slice(0, 20), `${all.lost.length} lost (replay: FAULT_SEED=${seed})`).toEqual([]);
  expect(withinRun, 'a message handled twice by one process').toBe(0);
  for (const [index, { duplicates, bound }] of crashes.entries())
    expect(
      duplicates,
      `crash ${index + 1}: duplicates within the bound (FAULT_SEED=${seed})`,
    ).toBeLessThanOrEqual(bound);
}

// ---- SIGTERM under load
export interface SigtermPlan extends Scenario {
  /**
   * After each graceful stop, with every message finished so far (all processes): checks what the
   * broker holds (Kafka: committed offsets cover exactly what finished; SQS: nothing left leased)
   * and returns a figure for the line.
   */
  afterStop(finished: readonly LedgerLine[]): Promise<string | number>;
}

interface Round {
  /** Received by the runner and never started: released at stop (from the summary line). */
  readonly released: number;
  /** Handlers running when the SIGTERM was sent (by the parent's clock). */
  readonly inFlight: number;
  /** Handlers that finished after it. */
  readonly finishedAfter: number;
  readonly stopMs: number;
  /** What `afterStop` reported. */
  readonly broker: string | number;
}

/**
 * SIGTERMs the daemon `rounds` times while handlers run (a seeded 1–3 s after its first handler
 * started), restarting it each time, then lets a last process finish the rest. Each stop: exit 0
 * within the shutdown deadline, every handler that started finished (an F line for each S line),
 * then the plan's broker check. At the end: nothing lost, no message handled twice. Prints figures.
 */
export async function stopUnderLoad(plan: SigtermPlan): Promise<void> {
  const seed = announceSeed(plan.name);
  const started = Date.now();
  const random = seededRandom(seed);
  const finished: LedgerLine[] = [];
  const rounds: Round[] = [];
  const processes: DaemonProcess[] = [];
  try {
    for (let index = 0; index <= SIGTERMS; index += 1) {
      const last = index === SIGTERMS;
      // Slow handlers (50–200 ms) while a SIGTERM is coming, fast ones for the last process.
      const daemon = startLedgerDaemon({
        ledgerFile: join(plan.dir, `run-${index}.log`),
        recordStarts: true,
        handlerDelayMs: last ? '1' : '50-200',
        args: [...plan.args, '--set', `consumer.shutdownTimeoutMs=${SHUTDOWN_TIMEOUT_MS}`],
      });
      processes.push(daemon);
      const { ledger } = daemon;
      const what = `${plan.name} run ${index}`;
      if (last) {
        const handled = (): number => new Set([...finished, ...ledger.finished].map(({ id }) => id)).size;
        await waitUntil(
          () => (ledger.poll(), handled() >= plan.count),
          300_000,
          `${what}: all handled`,
          daemon,
        );
        await waitUntil(() => plan.drained(), 120_000, `${what}: broker drained`, daemon);
      } else {
        await waitUntil(() => (ledger.poll(), ledger.lines.length > 0), 180_000, `${what}: a start`, daemon);
        const delayMs = 1000 + random() * 2000;
        const firstAt = ledger.lines[0]!.at;
        await waitUntil(
          () => (ledger.poll(), Date.now() - firstAt >= delayMs && ledger.unfinished().length > 0),
          60_000,
          `${what}: handlers in flight`,
          daemon,
        );
      }
      const signalAt = Date.now();
      const exit = await signal(daemon, 'SIGTERM');
      expect(exit, `${what}: exits 0 on SIGTERM; ${daemon.output()}`).toMatchObject({
        code: 0,
        signal: null,
      });
      expect(ledger.unfinished(), `${what}: every handler that started finished`).toEqual([]);
      finished.push(...ledger.finished);
      if (last) break;
      const stopMs = exit.at - signalAt;
      expect(stopMs, `${what}: stopped within the shutdown deadline`).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      const startedBefore = ledger.lines.filter((line) => line.kind === 'S' && line.at <= signalAt);
      const doneBefore = new Set(
        ledger.finished.filter((line) => line.at <= signalAt).map((line) => line.messageId),
      );
      rounds.push({
        released: released(daemon.output()),
        inFlight: startedBefore.filter((line) => !doneBefore.has(line.messageId)).length,
        finishedAfter: ledger.finished.filter((line) => line.at > signalAt).length,
        stopMs,
        broker: await plan.afterStop(finished),
      });
    }
  } finally {
    for (const daemon of processes) if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  }
  const { lost, duplicates: twice } = tally(finished, plan.count, plan.keys);
  printFigure(plan.name, {
    messages: plan.count,
    sigterms: rounds.length,
    in_flight_at_signal: rounds.map(({ inFlight }) => inFlight).join(','),
    finished_after_signal: rounds.map(({ finishedAfter }) => finishedAfter).join(','),
    released_unstarted: rounds.map(({ released }) => released).join(','),
    unfinished: 0,
    stop_s: rounds.map(({ stopMs }) => seconds(stopMs)).join(','),
    deadline_s: seconds(SHUTDOWN_TIMEOUT_MS),
    broker_after_stop: rounds.map(({ broker }) => broker).join(','),
    lost: lost.length,
    duplicates: twice,
    wall_s: seconds(Date.now() - started),
    seed: seed,
  });
  expect(lost.slice(0, 20), `${lost.length} lost (FAULT_SEED=${seed})`).toEqual([]);
  expect(twice, `messages handled twice (FAULT_SEED=${seed})`).toBe(0);
}

/**
 * Messages the runner received but never started (released at stop), from the summary line the
 * daemon prints at exit: received minus every outcome. Messages a transport held without handing
 * them to the runner (SQS's poller buffer) are released too but not counted here.
 */
function released(output: string): number {
  const line = /fault-test summary: ([^\n]*)/.exec(output)?.[1] ?? '';
  const counts = [...line.matchAll(/([\w-]+)=(\d+)/g)].map(([, kind, count]) => ({
    kind,
    count: Number(count),
  }));
  const received = counts.find(({ kind }) => kind === 'received')?.count ?? 0;
  return (
    received - counts.filter(({ kind }) => kind !== 'received').reduce((sum, { count }) => sum + count, 0)
  );
}

// ---- A server restart under a running daemon

export interface RestartCase extends Scenario {
  /** The server's port on 127.0.0.1: sampled to time the outage. */
  readonly serverPort: number;
  /** Stops the server and starts it again (same port, same data); resolves once it answers. */
  restart(): Promise<void>;
  /** Sends messages [from, to) of the events. */
  send(from: number, to: number): Promise<void>;
}

/**
 * Half the messages are sent, the daemon starts and handles some, the server restarts under it, the
 * other half is sent. The daemon must get through by itself: readiness (GET /health/ready) false
 * while the server is away and true again after, every message handled, the server drained. The
 * outage is timed by sampling the server's port (closed → open), readiness by sampling the daemon.
 */
export async function restartUnderDaemon(test: RestartCase): Promise<void> {
  const started = Date.now();
  await test.send(0, test.count / 2);
  const port = await freePort();
  const daemon = startLedgerDaemon({
    ledgerFile: join(test.dir, `${test.name}.log`),
    handlerDelayMs: '2',
    args: [...test.args, '--healthcheck-port', String(port)],
  });
  const readiness = new Sampler(() => ready(port));
  const server = new Sampler(() => listening(test.serverPort));
  const { ledger } = daemon;
  const handled = (): number => new Set(ledger.finished.map(({ id }) => id)).size;
  try {
    await waitUntil(
      () => (ledger.poll(), handled() >= test.count / 8 && readiness.latest === true),
      180_000,
      `${test.name}: ready and an eighth handled`,
      daemon,
    );
    const restartAt = Date.now();
    await test.restart();
    const restartMs = Date.now() - restartAt;
    await test.send(test.count / 2, test.count);
    await waitUntil(
      () => (ledger.poll(), handled() >= test.count),
      300_000,
      () => `${test.name}: all handled (${handled()} of ${test.count})`,
      daemon,
    );
    let gauges = '';
    await waitUntil(
      async () => (await test.drained()) || ((gauges = await progressGauges(port)), false),
      120_000,
      () => `${test.name}: drained (daemon gauges: ${gauges})`,
      daemon,
    );
    await waitUntil(() => readiness.latest === true, 60_000, `${test.name}: ready at the end`, daemon);
    await Promise.all([readiness.stop(), server.stop()]);
    // Nothing is in flight any more: a stop takes a second. One still running after STOP_LIMIT_MS has
    // hung (as it did after some broker restarts before 6eb8f5b, docs/faults.md): killed, and failed.
    const signalAt = Date.now();
    const exit = await stopWithin(daemon, STOP_LIMIT_MS);
    if (exit === undefined)
      console.warn(`${test.name}: the daemon did not exit within ${STOP_LIMIT_MS} ms of SIGTERM`);
    const down = server.outage(restartAt);
    const notReady = readiness.outage(down.downAt ?? restartAt);
    const span = (from?: number, to?: number): string | number =>
      from === undefined || to === undefined ? 'n/a' : seconds(to - from);
    const { lost, duplicates } = tally(ledger.finished, test.count, test.keys);
    printFigure(test.name, {
      messages: test.count,
      lost: lost.length,
      duplicates,
      restart_call_s: seconds(restartMs),
      server_down_s: span(down.downAt, down.upAt),
      not_ready_after_s: notReady.downAt === undefined ? 'never' : span(down.downAt, notReady.downAt),
      not_ready_s: span(notReady.downAt, notReady.upAt),
      recovery_s: span(down.upAt, notReady.upAt),
      stop_s: exit === undefined ? 'hung' : seconds(exit.at - signalAt),
      wall_s: seconds(Date.now() - started),
    });
    expect(lost.slice(0, 20), `${lost.length} lost`).toEqual([]);
    expect(down.downAt, 'the server was away').toBeDefined();
    expect(notReady.downAt, 'readiness went false while the server was away').toBeDefined();
    expect(notReady.upAt, 'readiness true again after the server came back').toBeDefined();
    expect(exit, `exits within ${STOP_LIMIT_MS} ms of SIGTERM`).toMatchObject({ code: 0 });
  } finally {
    await Promise.all([readiness.stop(), server.stop()]);
    if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  }
}
