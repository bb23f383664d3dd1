import 'reflect-metadata';
import { IsString } from 'class-validator';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsumerDaemon,
  ContainerModule,
  ErrorCodes,
  handles,
  inject,
  injectable,
  schema,
  SwitchyardError,
  TOKENS,
  type HandlerContext,
  type HandlerTarget,
  type Middleware,
  type MessageContext,
  type Outcome,
} from '../src/index.js';
import { TestDaemon } from '../src/testing/index.js';
import { Order, OrderBehaviour, OrderDaemon, OrderHandler, ORDER } from './support/fixtures.js';

let daemon: TestDaemon | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

const order = { id: 'o-1', quantity: 1 };

/** Starting a daemon with these handlers fails, and the error says `message`. */
async function expectStartToFail(handlers: HandlerTarget[], message: string): Promise<void> {
  class Daemon extends ConsumerDaemon {
    readonly name = 'failing';
    override readonly handlers = handlers;
  }
  await expect(TestDaemon.start(new Daemon())).rejects.toThrow(message);
}

describe('object graph', () => {
  it('lets a test override any binding with rebind', async () => {
    const replacement = new OrderBehaviour();
    replacement.run = () => {
      throw new Error('from the replacement');
    };
    const override = new ContainerModule(({ bind }) => {
      bind(OrderBehaviour).toConstantValue(replacement);
    });
    daemon = await TestDaemon.start(new OrderDaemon(), {
      modules: [override],
      argv: ['--set', 'consumer.maxAttempts=1'],
    });
    expect((await daemon.publishAndWait(Order, order)).reason).toContain('from the replacement');
    expect(replacement.seen).toHaveLength(1);
  });

  it('names the missing binding and who asked for it', async () => {
    const MISSING = Symbol.for('test.PaymentClient');
    @handles(Order)
    @injectable()
    class NeedsPayments {
      constructor(@inject(MISSING) readonly payments: unknown) {}
      handle(): void {}
    }
    class BrokenDaemon extends ConsumerDaemon {
      readonly name = 'broken';
      override readonly handlers = [NeedsPayments];
    }
    const failure = TestDaemon.start(new BrokenDaemon());
    await expect(failure).rejects.toThrow(/cannot build NeedsPayments .*test\.PaymentClient/);
    await expect(failure).rejects.toSatisfy((error) =>
      SwitchyardError.isCode(error, ErrorCodes.GRAPH_RESOLUTION),
    );
  });

  it('names the missing binding and the class that needs it at the end of a deeper chain', async () => {
    @injectable()
    class PaymentGateway {
      constructor(@inject(Symbol.for('PaymentClient')) readonly client: unknown) {}
    }
    @injectable()
    class Billing {
      constructor(readonly gateway: PaymentGateway) {}
    }
    @handles(Order)
    @injectable()
    class BillsOrders {
      constructor(readonly billing: Billing) {}
      handle(): void {}
    }
    await expectStartToFail(
      [BillsOrders],
      "cannot build BillsOrders for the daemon (handlers): PaymentGateway needs Symbol(PaymentClient), which nothing binds — bind it in one of the daemon's modules (or mark the class @injectable())",
    );
  });

  it('names a middleware whose dependency is missing, not the runner built on it', async () => {
    @injectable()
    class NeedsMetrics implements Middleware {
      readonly name = 'needs-metrics';
      constructor(@inject(Symbol.for('MetricsClient')) readonly metrics: unknown) {}
      handle(_: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
        return next();
      }
    }
    class MeteredDaemon extends OrderDaemon {
      override readonly middleware = [NeedsMetrics];
    }
    await expect(TestDaemon.start(new MeteredDaemon())).rejects.toThrow(
      'cannot build NeedsMetrics for the daemon (middleware): NeedsMetrics needs Symbol(MetricsClient), which nothing binds',
    );
  });

  it('a config check thrown while the graph is built keeps its own message, without the binding hint', async () => {
    // As the Kafka transport's factory rejects a group id: the error names the key and the fix.
    const problem = new SwitchyardError(
      ErrorCodes.CONFIG_INVALID,
      'group id "Bad Group" does not follow /^[a-z]+$/; set orders.groupId (--group-id)',
    );
    const GROUP = Symbol.for('test.GroupId');
    @handles(Order)
    @injectable()
    class NeedsGroup {
      constructor(@inject(GROUP) readonly group: string) {}
      handle(): void {}
    }
    class GroupDaemon extends ConsumerDaemon {
      readonly name = 'grouped';
      override readonly handlers = [NeedsGroup];
      override readonly modules = [
        new ContainerModule(({ bind }) => {
          bind(GROUP).toDynamicValue(() => {
            throw problem;
          });
        }),
      ];
    }
    const error: unknown = await TestDaemon.start(new GroupDaemon()).catch((caught: unknown) => caught);
    expect(error).toBe(problem);
    expect((error as Error).message).not.toContain('bind it');
  });

  it('gives the binding hint only for a missing binding, not for another inversify error', async () => {
    class NotInjectable {
      constructor(readonly needed: string) {}
    }
    @handles(Order)
    @injectable()
    class NeedsUndecorated {
      constructor(readonly dependency: NotInjectable) {}
      handle(): void {}
    }
    class UndecoratedDaemon extends ConsumerDaemon {
      readonly name = 'undecorated';
      override readonly handlers = [NeedsUndecorated];
    }
    const failure: unknown = await TestDaemon.start(new UndecoratedDaemon()).catch(
      (caught: unknown) => caught,
    );
    expect((failure as Error).message).toContain('cannot build NeedsUndecorated for the daemon (handlers)');
    expect(SwitchyardError.isCode(failure, ErrorCodes.GRAPH_RESOLUTION)).toBe(true);
    expect((failure as Error).message).not.toContain('bind it in one of');
  });

  it('refuses two handlers for one media type at start, naming both', async () => {
    @handles(Order)
    @injectable()
    class SecondOrderHandler {
      handle(): void {}
    }
    await expectStartToFail(
      [OrderHandler, SecondOrderHandler],
      `media type "${ORDER}" has two handlers: OrderHandler and SecondOrderHandler`,
    );
  });

  it('refuses a listed handler without @handles', async () => {
    class Undecorated {
      handle(): void {}
    }
    await expectStartToFail([Undecorated], 'Undecorated is listed as a handler but has no @handles');
  });
});

describe('handlers', () => {
  @schema('application/vnd.test.audit.login')
  class Login {
    @IsString() user!: string;
  }

  it('dispatches wildcard media types, exact handlers first, and plain function handlers', async () => {
    const calls: string[] = [];
    const audit = handles('application/vnd.test.*')((_message: object, context: HandlerContext) => {
      calls.push(`audit ${context.mediaType}`);
    });
    class MixedDaemon extends ConsumerDaemon {
      readonly name = 'mixed';
      override readonly handlers = [OrderHandler, audit];
      override readonly schemas = [Login];
    }
    daemon = await TestDaemon.start(new MixedDaemon());
    await daemon.publishAndWait(Order, order);
    await daemon.publishAndWait(Login, { user: 'ada' });
    expect(calls).toEqual(['audit application/vnd.test.audit.login']);
    expect(daemon.running.container.get(OrderBehaviour).seen).toHaveLength(1);
  });

  it('validates wildcard-dispatched messages against their own schema', async () => {
    const audit = handles('application/vnd.test.*')(() => undefined);
    class AuditDaemon extends ConsumerDaemon {
      readonly name = 'audit';
      override readonly handlers = [audit];
      override readonly schemas = [Login];
    }
    daemon = await TestDaemon.start(new AuditDaemon());
    const outcome = await daemon.sendRawAndWait(
      JSON.stringify({ mediaType: 'application/vnd.test.audit.login', user: 3 }),
    );
    expect(outcome).toMatchObject({
      kind: 'dead-lettered',
      reason: expect.stringContaining('user') as string,
    });
  });
});

describe('middleware', () => {
  const seen: string[] = [];

  @injectable()
  class Observe implements Middleware {
    readonly name = 'observe';
    async handle(context: MessageContext, next: () => Promise<Outcome>): Promise<Outcome> {
      seen.push('before');
      const outcome = await next();
      seen.push(`after ${outcome.kind} ${context.mediaType} ${context.handler?.name}`);
      return outcome;
    }
  }

  @injectable()
  class Broken implements Middleware {
    readonly name = 'broken';
    handle(): Promise<Outcome> {
      throw new Error('middleware bug');
    }
  }

  it('runs user middleware around the handler, seeing media type, handler and outcome', async () => {
    class Observed extends OrderDaemon {
      override readonly middleware = [Observe];
    }
    daemon = await TestDaemon.start(new Observed());
    await daemon.publishAndWait(Order, order);
    expect(seen).toEqual(['before', `after succeeded ${ORDER} OrderHandler`]);
    expect(daemon.running.container.get(TOKENS.Logger)).toBeDefined();
  });

  it('turns a throwing middleware into a retry, never a crash or a lost message', async () => {
    class WithBrokenMiddleware extends OrderDaemon {
      override readonly middleware = [Broken];
    }
    daemon = await TestDaemon.start(new WithBrokenMiddleware(), {
      argv: ['--set', 'consumer.maxAttempts=2'],
    });
    const outcome = await daemon.publishAndWait(Order, order);
    expect(outcome).toMatchObject({
      kind: 'dead-lettered',
      reason: 'gave up after 2 attempts: middleware bug',
    });
    expect(daemon.running.counter.get('failed')).toBe(1);
  });
});

describe('handler typing', () => {
  it('accepts typed function handlers in a daemon handler list', async () => {
    const seen: string[] = [];
    const typed = handles(Order)((order: Order) => {
      seen.push(order.id);
    });
    class TypedDaemon extends ConsumerDaemon {
      readonly name = 'typed';
      override readonly handlers = [typed];
    }
    daemon = await TestDaemon.start(new TypedDaemon());
    await daemon.publishAndWait(Order, order);
    expect(seen).toEqual(['o-1']);
  });
});
