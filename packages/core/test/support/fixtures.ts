import 'reflect-metadata';
import { IsInt, IsString, Min } from 'class-validator';
import { TestDaemon } from '../../src/testing/index.js';
import {
  ConsumerDaemon,
  handles,
  injectable,
  schema,
  type HandlerContext,
  type MessageHandler,
  type StartOptions,
} from '../../src/index.js';

export const ORDER = 'application/vnd.test.order';
export const RECEIPT = 'application/vnd.test.receipt';

@schema(ORDER)
export class Order {
  @IsString() id!: string;
  @IsInt() @Min(1) quantity!: number;
}

@schema(RECEIPT)
export class Receipt {
  @IsString() orderId!: string;
}

/** What an order handler does for one message, chosen per test through the injected behaviour. */
export type Behaviour = (order: Order, context: HandlerContext) => Promise<void> | void;

/** A collaborator tests rebind to steer the handler. */
@injectable()
export class OrderBehaviour {
  run: Behaviour = () => undefined;
  readonly seen: Array<{ order: Order; context: HandlerContext }> = [];
}

@handles(Order)
@injectable()
export class OrderHandler implements MessageHandler<Order> {
  constructor(private readonly behaviour: OrderBehaviour) {}

  async handle(order: Order, context: HandlerContext): Promise<void> {
    this.behaviour.seen.push({ order, context });
    await this.behaviour.run(order, context);
  }
}

export class OrderDaemon extends ConsumerDaemon {
  readonly name = 'order-daemon';
  override readonly handlers = [OrderHandler];
  override readonly schemas = [Receipt];
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Test daemons started by `startOrderDaemon`, stopped by `stopOrderDaemons` (call it in afterEach).
 */
const started: TestDaemon[] = [];

/** An OrderDaemon on its own in-memory bus whose handler runs `run`. */
export async function startOrderDaemon(
  run: Behaviour,
  argv: string[] = [],
  options: Omit<StartOptions, 'argv'> = {},
): Promise<{ daemon: TestDaemon; behaviour: OrderBehaviour }> {
  const daemon = await TestDaemon.start(new OrderDaemon(), { ...options, argv });
  started.push(daemon);
  const behaviour = daemon.running.container.get(OrderBehaviour);
  behaviour.run = run;
  return { daemon, behaviour };
}

export async function stopOrderDaemons(): Promise<void> {
  await Promise.all(started.splice(0).map((daemon) => daemon.stop()));
}
