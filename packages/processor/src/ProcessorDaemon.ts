import {
  ConsumerDaemon,
  ContainerModule,
  MemoryBroker,
  rawHandlerModule,
  TOKENS,
  type LifecycleHook,
  type TransportFactory,
  type TransportProducer,
} from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { natsTransportFactory } from '@switchyard/nats';
import { HEALTH_CHECK, healthPlugin, type HealthCheck } from '@switchyard/observability';
import { sentryPlugin } from '@switchyard/sentry';
import { sqsTransportFactory } from '@switchyard/sqs';
import type { Logger } from 'pino';
import type { ProcessorConfig } from './config/ProcessorConfig.js';
import { CrashLedger } from './handler/CrashLedger.js';
import { PoolHandler } from './handler/PoolHandler.js';
import { ReplyBook } from './handler/ReplyBook.js';
import { HttpSource } from './http/HttpSource.js';
import { httpSourceFactory } from './http/httpSourceFactory.js';
import { poolProgressCheck } from './pool/poolProgressCheck.js';
import type { WorkerPool } from './pool/WorkerPool.js';
import { createSink } from './sink/createSink.js';

const SINK = Symbol.for('switchyard.processor.Sink');

/**
 * `switchyard process`: a ConsumerDaemon whose one handler is the worker pool. The source is the
 * daemon's transport (Kafka, SQS, NATS JetStream, HTTP or the embedded bus), the sink a transport producer; outcomes,
 * retries, dead letters, health, metrics, Sentry and shutdown are the daemon's. The pool and the
 * sink are closed after the daemon has drained.
 */
export class ProcessorDaemon extends ConsumerDaemon {
  readonly name: string;
  override readonly transports: readonly TransportFactory[];
  override readonly plugins = [healthPlugin, sentryPlugin];
  override readonly modules: readonly ContainerModule[];
  /** Set for `source.kind: http`. */
  readonly httpSource: HttpSource | undefined;

  constructor(
    readonly config: ProcessorConfig,
    readonly pool: WorkerPool,
  ) {
    super();
    this.name = config.name;
    const { source, sink, processor } = config;
    const replies = source.kind === 'http' ? new ReplyBook() : undefined;
    this.httpSource =
      source.kind === 'http'
        ? new HttpSource(
            {
              port: source.port,
              host: source.host,
              path: source.path,
              capacity: processor.queueSize,
            },
            replies!,
          )
        : undefined;
    this.transports = [
      kafkaTransportFactory,
      sqsTransportFactory,
      natsTransportFactory,
      ...(this.httpSource === undefined ? [] : [httpSourceFactory(this.httpSource)]),
    ];
    const processorModule = new ContainerModule(({ bind }) => {
      bind(SINK).toDynamicValue((context) =>
        createSink(sink, {
          daemonName: config.name,
          logger: context.get<Logger>(TOKENS.Logger),
          broker: context.get(MemoryBroker),
        }),
      );
      bind<HealthCheck>(HEALTH_CHECK).toConstantValue(poolProgressCheck(pool, processor.timeoutMs));
      bind<LifecycleHook>(TOKENS.LifecycleHook).toDynamicValue((context) =>
        closeAfterDrain(pool, context.get(SINK)),
      );
    });
    const handlerModule = rawHandlerModule(`${config.processor.moduleName} (worker pool)`, (context) => {
      const handler = new PoolHandler({
        pool,
        sink: context.get<TransportProducer | undefined>(SINK),
        crashes: new CrashLedger(),
        maxWorkerCrashes: processor.maxWorkerCrashes,
        replies,
        dropKeys: sink.kind === 'kafka' && sink.partitioner === 'random',
      });
      return handler.handle;
    });
    this.modules = [processorModule, handlerModule];
  }
}

/** Stopped after the daemon has drained: every message has its outcome, so nothing is in a worker. */
function closeAfterDrain(pool: WorkerPool, sink: TransportProducer | undefined): LifecycleHook {
  return {
    name: 'worker-pool',
    start: () => undefined,
    stop: async () => {
      await pool.close();
      await sink?.close();
    },
  };
}
