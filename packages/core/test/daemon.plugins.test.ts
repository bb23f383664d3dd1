import 'reflect-metadata';
import { IsString } from 'class-validator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  configSection,
  ContainerModule,
  injectable,
  TOKENS,
  type DaemonPlugin,
  type LifecycleHook,
  type MessageContext,
  type Middleware,
  type Outcome,
} from '../src/index.js';
import { TestDaemon } from '../src/testing/index.js';
import { Order, OrderDaemon } from './support/fixtures.js';

@configSection('stamp')
class StampConfig {
  @IsString() label = 'default';
}

const events: string[] = [];

@injectable()
class StampMiddleware implements Middleware {
  readonly name = 'stamp';
  constructor(private readonly config: StampConfig) {}
  async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
    const outcome = await next();
    events.push(`${this.config.label}: ${outcome.kind}`);
    return outcome;
  }
}

const hook = (name: string, failOnStart = false): LifecycleHook => ({
  name,
  start: () => {
    if (failOnStart) throw new Error('port in use');
    events.push(`start ${name}`);
  },
  stop: () => void events.push(`stop ${name}`),
});

function stampPlugin(hooks: LifecycleHook[]): DaemonPlugin {
  return {
    name: 'stamp',
    configSections: [StampConfig],
    flags: [{ flags: '--stamp-label <text>', description: 'label', configKey: 'stamp.label' }],
    module: () =>
      new ContainerModule(({ bind }) => {
        bind(TOKENS.Middleware).to(StampMiddleware);
        for (const each of hooks) bind(TOKENS.LifecycleHook).toConstantValue(each);
      }),
  };
}

let daemon: TestDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  events.length = 0;
});

describe('plugins', () => {
  it('add config sections, flags, middleware and lifecycle hooks (started in order, stopped in reverse)', async () => {
    class Stamped extends OrderDaemon {
      override readonly plugins = [stampPlugin([hook('first'), hook('second')])];
    }
    daemon = await TestDaemon.start(new Stamped(), { argv: ['--stamp-label', 'from the flag'] });
    await daemon.publishAndWait(Order, { id: 'o', quantity: 1 });
    await daemon.stop();
    expect(events).toEqual([
      'start first',
      'start second',
      'from the flag: succeeded',
      'stop second',
      'stop first',
    ]);
  });

  it('a hook that cannot start stops the daemon and names the hook', async () => {
    class Broken extends OrderDaemon {
      override readonly plugins = [stampPlugin([hook('first'), hook('health server', true)])];
    }
    await expect(TestDaemon.start(new Broken())).rejects.toThrow(
      'health server could not start: port in use',
    );
    expect(events).toEqual(['start first', 'stop first']);
  });
});
