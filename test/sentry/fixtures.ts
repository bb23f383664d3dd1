import 'reflect-metadata';
import {
  ConsumerDaemon,
  FINAL_OUTCOMES,
  handles,
  injectable,
  MemoryBroker,
  MemoryConfig,
  schema,
  type ContainerModule,
  type HandlerContext,
  type MessageHandler,
  type Outcome,
  type RunningDaemon,
} from '@switchyard/core';
import { sentryPlugin } from '@switchyard/sentry';
import { IsOptional, IsString } from 'class-validator';

export const PAYMENT = 'application/vnd.test.payment';

@schema(PAYMENT)
export class Payment {
  @IsString() id!: string;
  @IsOptional() @IsString() note?: string;
}

/** What the handler does with one payment; each test sets it. */
@injectable()
export class PaymentBehaviour {
  run: (payment: Payment, context: HandlerContext) => Promise<void> | void = () => undefined;
}

@handles(Payment)
@injectable()
export class PaymentHandler implements MessageHandler<Payment> {
  constructor(private readonly behaviour: PaymentBehaviour) {}

  async handle(payment: Payment, context: HandlerContext): Promise<void> {
    await this.behaviour.run(payment, context);
  }
}

export class PaymentDaemon extends ConsumerDaemon {
  readonly name = 'payment-daemon';
  override readonly handlers = [PaymentHandler];
  override readonly plugins = [sentryPlugin];
}

/**
 * A payment daemon on the in-memory bus *without* `--testing` (TestDaemon always passes it, and
 * `--testing` wins over `--set daemon.testing=false`), so Sentry really sends.
 */
export class SendingDaemon {
  static readonly ENABLED = (dsn: string): string[] => [
    '--set',
    'sentry.enabled=true',
    '--set',
    `sentry.dsn=${dsn}`,
  ];

  readonly #finals = new Map<string, (outcome: Outcome) => void>();

  private constructor(readonly running: RunningDaemon) {
    running.counter.onRecord(({ messageId, outcome }) => {
      if (FINAL_OUTCOMES.has(outcome.kind)) this.#finals.get(messageId)?.(outcome);
    });
  }

  static async start(options: {
    argv?: string[];
    env?: Record<string, string>;
    modules?: ContainerModule[];
    /** Default `PaymentDaemon`; a subclass with modules of its own, or another daemon. */
    daemon?: ConsumerDaemon;
  }): Promise<SendingDaemon> {
    const running = await (options.daemon ?? new PaymentDaemon()).start({
      argv: [
        '--set',
        'daemon.logLevel=silent',
        '--set',
        'consumer.backoffBaseSeconds=0',
        '--set',
        'memory.waitMs=50',
        ...(options.argv ?? []),
      ],
      env: options.env ?? {},
      modules: options.modules ?? [],
    });
    return new SendingDaemon(running);
  }

  get behaviour(): PaymentBehaviour {
    return this.running.container.get(PaymentBehaviour);
  }

  /** Publishes a payment (or a raw body); resolves with its id once it has its final outcome. */
  async send(
    content: object | string,
    opaqueData: Record<string, string> = {},
  ): Promise<{ id: string; outcome: Outcome }> {
    if (typeof content === 'string') return this.sendRaw(content, { media_type: PAYMENT });
    const message = await this.running.producer.encode(Payment, content, { opaqueData });
    return this.sendRaw(message.body, message.attributes);
  }

  /** Puts a body on the queue the daemon consumes; resolves once it has its final outcome. */
  async sendRaw(
    body: string,
    attributes: Record<string, string> = {},
  ): Promise<{ id: string; outcome: Outcome }> {
    const { container } = this.running;
    const queue = container.get(MemoryBroker).queue(container.get(MemoryConfig).queue || this.running.name);
    const id = queue.send(body, attributes);
    const outcome = await new Promise<Outcome>((resolve) => this.#finals.set(id, resolve));
    return { id, outcome };
  }

  /** Stops the daemon; Sentry's hook flushes on stop, so the ingest has everything afterwards. */
  stop(): Promise<void> {
    return this.running.stop();
  }
}
