import 'reflect-metadata';
import { IsString } from 'class-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerModule, injectable, MemoryBroker, schema, type RunningDaemon } from '@switchyard/core';
import {
  busdriver,
  routingDaemon,
  stop,
  StopStats,
  type BusDriver,
  type PlannedRoute,
  type Stop,
  type StopContext,
} from '../src/index.js';

@schema('application/vnd.test.signup')
class Signup {
  @IsString() account!: string;
  @IsString() plan!: string;
}

interface Seen {
  stop: string;
  payload: Record<string, unknown>;
  key?: string;
  history: string[];
  originalRoute: readonly string[];
}
const seen: Seen[] = [];
const visit = (name: string, payload: Record<string, unknown>, context: StopContext): Seen => ({
  stop: name,
  payload,
  key: context.message.key,
  history: context.history.map((entry) => entry.stop),
  originalRoute: context.originalRoute,
});

@busdriver('test-source', Signup)
@injectable()
class Driver implements BusDriver<Signup> {
  route(message: Signup): PlannedRoute | undefined {
    if (message.plan === 'spam') return undefined;
    if (message.plan === 'loop') return { route: ['test-a', 'test-loop'], payload: { ...message } };
    return { route: ['test-a', 'test-b', 'test-sink'], payload: { ...message } };
  }
}

@stop('test-a')
@injectable()
class AddEmail implements Stop {
  handle(payload: Record<string, unknown>, context: StopContext): Record<string, unknown> | undefined {
    seen.push(visit('test-a', payload, context));
    if (payload.account === 'unknown') return undefined;
    if (payload.plan === 'vip') context.route.insertNext('test-vip');
    if (payload.plan === 'short') context.route.end();
    return { ...payload, email: `${String(payload.account)}@example.test` };
  }
}

const recorder = (name: string) => {
  @stop(name)
  @injectable()
  class Recorder implements Stop {
    handle(payload: Record<string, unknown>, context: StopContext): Record<string, unknown> {
      seen.push(visit(name, payload, context));
      return payload;
    }
  }
  return Recorder;
};

@stop('test-loop')
@injectable()
class Loop implements Stop {
  handle(payload: Record<string, unknown>, context: StopContext): Record<string, unknown> {
    context.route.insertNext('test-loop');
    return payload;
  }
}

let running: RunningDaemon[] = [];
let broker: MemoryBroker;

async function startPipeline(): Promise<void> {
  broker = new MemoryBroker({ visibilityTimeoutSeconds: 30 });
  const shared = new ContainerModule(({ rebind }) => {
    rebind(MemoryBroker).toConstantValue(broker);
  });
  const stops = [Driver, AddEmail, recorder('test-b'), recorder('test-vip'), recorder('test-sink'), Loop];
  const argv = [
    '--testing',
    '--set',
    'daemon.logLevel=silent',
    '--set',
    'memory.waitMs=20',
    '--set',
    'routing.maxHops=5',
  ];
  running = await Promise.all(
    stops.map((stopClass) => routingDaemon(stopClass, { modules: [shared] }).start({ argv, env: {} })),
  );
}

const byName = (name: string): RunningDaemon => running.find((daemon) => daemon.name === name)!;

async function push(content: Signup, key?: string): Promise<void> {
  const source = byName('test-source');
  const message = await source.producer.encode(Signup, content, { key });
  broker.queue('test-source').send(message.body, message.attributes, { key });
}

async function settle(): Promise<void> {
  const queues = ['test-source', 'test-a', 'test-b', 'test-vip', 'test-sink', 'test-loop'];
  for (let tries = 0; tries < 400; tries += 1) {
    if (queues.every((name) => broker.queue(name).size === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the pipeline did not settle');
}

afterEach(async () => {
  await Promise.all(running.map((daemon) => daemon.stop()));
  seen.length = 0;
});

describe('routing slip on the in-memory bus', () => {
  it('carries the payload along the busdriver’s route, recording history, keeping the key', async () => {
    await startPipeline();
    await push({ account: 'acc-1', plan: 'basic' }, 'key-1');
    await settle();
    expect(seen.map((entry) => entry.stop)).toEqual(['test-a', 'test-b', 'test-sink']);
    expect(seen.map((entry) => entry.key)).toEqual(['key-1', 'key-1', 'key-1']);
    expect(seen[2]?.payload).toEqual({ account: 'acc-1', plan: 'basic', email: 'acc-1@example.test' });
    const stats = byName('test-sink').container.get(StopStats);
    expect(stats.snapshot()).toEqual({ received: 1, forwarded: 0, ended: 1, dropped: 0 });
    expect(byName('test-a').container.get(StopStats).snapshot()).toMatchObject({ received: 1, forwarded: 1 });
  });

  it('a stop that returns nothing drops the message: acked, counted, not forwarded', async () => {
    await startPipeline();
    await push({ account: 'unknown', plan: 'basic' });
    await settle();
    expect(seen.map((entry) => entry.stop)).toEqual(['test-a']);
    expect(byName('test-a').container.get(StopStats).dropped).toBe(1);
    expect(byName('test-a').counter.get('skipped')).toBe(1);
  });

  it('the busdriver may drop a client message', async () => {
    await startPipeline();
    await push({ account: 'acc-2', plan: 'spam' });
    await settle();
    expect(seen).toEqual([]);
    expect(byName('test-source').container.get(StopStats).dropped).toBe(1);
  });

  it('a stop may insert the next stop or end the route', async () => {
    await startPipeline();
    await push({ account: 'acc-3', plan: 'vip' });
    await push({ account: 'acc-4', plan: 'short' });
    await settle();
    const stopsOf = (account: string): string[] =>
      seen.filter((entry) => entry.payload.account === account).map((entry) => entry.stop);
    expect(stopsOf('acc-3')).toEqual(['test-a', 'test-vip', 'test-b', 'test-sink']);
    expect(stopsOf('acc-4')).toEqual(['test-a']);
    expect(byName('test-a').container.get(StopStats).ended).toBe(1);
  });

  it('a looping route hits the hop limit and is dead-lettered with the route in the reason', async () => {
    await startPipeline();
    await push({ account: 'acc-5', plan: 'loop' });
    await settle();
    const letters = broker.deadLetterQueue('test-loop').peekAll();
    expect(letters).toHaveLength(1);
    expect(letters[0]?.attributes['x-dead-letter-reason']).toMatch(
      /hop limit 5 reached at test-loop; the route loops: test-source → test-a → test-loop → test-loop → test-loop/,
    );
  });

  it('records the whole history and the original route', async () => {
    await startPipeline();
    await push({ account: 'acc-6', plan: 'vip' });
    await settle();
    const last = seen.at(-1);
    expect(last?.stop).toBe('test-sink');
    expect(last?.history).toEqual(['test-source', 'test-a', 'test-vip', 'test-b']);
    expect(last?.originalRoute).toEqual(['test-a', 'test-b', 'test-sink']);
  });
});
