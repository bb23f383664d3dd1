import {
  ConsumerConfig,
  ConsumerRunner,
  DaemonStatus,
  HandlerRegistry,
  MessageCodec,
  OutcomeCounter,
  Producer,
  SchemaRegistry,
  TOKENS,
  buildPipeline,
  type BoundHandler,
  type Container,
  type LifecycleHook,
  type Middleware,
  type SchemaClass,
  type Transport,
} from '@switchyard/core';
import { ApiCodec } from '../api/ApiCodec.js';
import type { ApiClass } from '../api/decorators.js';
import { Bus } from '../bus/Bus.js';
import type { LaneHost } from '../bus/LaneHost.js';
import { RpcConfig } from '../config/RpcConfig.js';
import { RpcErrorCodes, rpcError } from '../errors.js';
import type { IdempotencyStore } from '../idempotency/IdempotencyStore.js';
import { MemoryIdempotencyStore } from '../idempotency/MemoryIdempotencyStore.js';
import { RedisIdempotencyStore } from '../idempotency/RedisIdempotencyStore.js';
import { daemonWire } from '../wire/daemonWire.js';
import type { Lane, RpcWire } from '../wire/RpcWire.js';
import { serveApi, type ServeOptions } from './serveApi.js';

export interface ApiLanesOptions extends ServeOptions {
  readonly apis: readonly ApiClass[];
  readonly defaultDeadlineMs: number;
}

type Logger = ConstructorParameters<typeof ConsumerRunner>[3];

/**
 * The extra queues an API daemon consumes, each through a pipeline like the daemon's own (the same
 * middleware, config, outcome counter and producer): one per served API, one per listener. Started
 * as a lifecycle hook, so they run once the daemon runs and stop after it has drained.
 */
export class ApiLanes implements LifecycleHook, LaneHost {
  readonly name = 'rpc';
  readonly #runners: ConsumerRunner[] = [];
  readonly #withdrawals: Array<() => Promise<void>> = [];
  #container: Container | undefined;
  #wire: RpcWire | undefined;
  #bus: Bus | undefined;
  #store: IdempotencyStore | undefined;

  constructor(private readonly options: ApiLanesOptions) {}

  get bus(): Bus {
    if (this.#bus === undefined)
      throw rpcError(
        RpcErrorCodes.USAGE,
        "the daemon's bus exists once it has started (use it in onReady or later)",
      );
    return this.#bus;
  }

  async start(container: Container): Promise<void> {
    const transport = container.get<Transport>(TOKENS.Transport);
    this.#container = container;
    const wire = await daemonWire(transport.name, container);
    this.#wire = wire;
    this.#bus = await Bus.open({
      wire,
      defaultDeadlineMs: this.options.defaultDeadlineMs,
      serves: this.options.apis,
      lanes: this,
    });
    // Served methods inject the daemon's bus to call other APIs (nested calls inherit the deadline).
    container.bind(Bus).toConstantValue(this.#bus);
    const config = container.get(RpcConfig);
    const store = await openStore(config);
    this.#store = store;
    const runOnce = { store, claimLeaseMs: config.claimLeaseMs, idempotencyTtlMs: config.idempotencyTtlMs };
    for (const apiClass of this.options.apis) {
      const codec = ApiCodec.of(apiClass);
      if (!container.isBound(apiClass)) container.bind(apiClass).toSelf().inSingletonScope();
      const instance = container.get<object>(apiClass);
      const lane = await wire.serve(codec.name, [...codec.metadata.methods.keys()]);
      this.#withdrawals.push(() => lane.withdraw());
      await this.openLane(lane, codec.schemas, serveApi(codec, instance, wire, this.options, runOnce));
    }
  }

  async openLane(lane: Lane, schemas: readonly SchemaClass[], handler: BoundHandler): Promise<void> {
    const container = this.#container;
    if (container === undefined)
      throw rpcError(RpcErrorCodes.USAGE, 'the daemon has not started its bus yet');
    const config = container.get(ConsumerConfig);
    const pipeline = buildPipeline({
      config,
      codec: new MessageCodec(new SchemaRegistry(schemas)),
      handlers: new HandlerRegistry([handler]),
      producer: container.get(Producer),
      middleware: container.getAll<Middleware>(TOKENS.Middleware, { optional: true }),
    });
    const logger = container.get<Logger>(TOKENS.Logger).child({ lane: lane.address });
    const runner = new ConsumerRunner(
      lane.transport,
      pipeline,
      config,
      logger,
      container.get(OutcomeCounter),
      new DaemonStatus(),
    );
    runner.start();
    this.#runners.push(runner);
    logger.info(
      { queue: lane.address, handler: handler.name },
      `consuming ${lane.address} with ${handler.name}`,
    );
  }

  async stop(): Promise<void> {
    // Withdraw first: a wire that records who serves stops naming this daemon before its lanes drain.
    await Promise.all(this.#withdrawals.splice(0).map((withdraw) => withdraw()));
    await Promise.all(this.#runners.splice(0).map((runner) => runner.stop()));
    await this.#bus?.close();
    await this.#wire?.close();
    await this.#store?.close();
  }
}

function openStore(config: RpcConfig): Promise<IdempotencyStore> {
  if (config.idempotencyStore === 'redis')
    return RedisIdempotencyStore.connect(config.redisUrl, config.redisKeyPrefix);
  return Promise.resolve(new MemoryIdempotencyStore(config.memoryStoreMaxEntries));
}
