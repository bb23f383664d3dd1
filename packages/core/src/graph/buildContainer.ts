import { Container, ContainerModule, type Newable } from 'inversify';
import type { Logger } from 'pino';
import { ConsumerConfig } from '../config/ConsumerConfig.js';
import type { LoadedConfig } from '../config/loadConfig.js';
import { ConsumerRunner } from '../daemon/ConsumerRunner.js';
import { DaemonStatus } from '../daemon/DaemonStatus.js';
import { OutcomeCounter } from '../daemon/OutcomeCounter.js';
import { bindHandlers, schemasOf, type HandlerTarget } from '../handlers/bindHandlers.js';
import { HandlerRegistry } from '../handlers/HandlerRegistry.js';
import { MessageCodec } from '../messages/MessageCodec.js';
import type { SchemaClass } from '../messages/schema.js';
import { SchemaRegistry } from '../messages/SchemaRegistry.js';
import { buildPipeline } from '../pipeline/buildPipeline.js';
import { MessagePipeline } from '../pipeline/MessagePipeline.js';
import type { Middleware } from '../pipeline/Middleware.js';
import { DestinationRouter } from '../producer/DestinationRouter.js';
import { Producer, type OutgoingAttributeSource } from '../producer/Producer.js';
import type { Transport, TransportProducer } from '../transport/Transport.js';
import type { DaemonPlugin } from '../plugins/DaemonPlugin.js';
import { transportProducerToken, type TransportFactory } from '../transport/TransportFactory.js';
import { TOKENS } from './tokens.js';

export interface GraphParts {
  readonly daemonName: string;
  readonly config: LoadedConfig;
  readonly logger: Logger;
  readonly handlers: readonly HandlerTarget[];
  readonly schemas: readonly SchemaClass[];
  readonly middleware: readonly Newable<Middleware>[];
  readonly transport: TransportFactory;
  /** The daemon's other transports: it may publish to them (`kafka:topic`) but consumes from `transport`. */
  readonly otherTransports: readonly TransportFactory[];
  /** Plugins' modules load after the transport's and before the daemon's own. */
  readonly plugins: readonly DaemonPlugin[];
  /** The daemon's modules, then overrides (tests): later modules `rebind` what earlier ones bound. */
  readonly modules: readonly ContainerModule[];
}

/**
 * The object graph of one daemon. Everything is a singleton, and an `@injectable()` class needs no
 * explicit binding (autobind); each piece can be replaced by a
 * module that `rebind`s its identifier.
 */
export function buildContainer(parts: GraphParts): Container {
  const container = new Container({ defaultScope: 'Singleton', autobind: true });
  container.load(coreModule(parts), parts.transport.module(parts.config));
  for (const other of parts.otherTransports) {
    const producerOnly = other.producerModule?.(parts.config);
    if (producerOnly !== undefined) container.load(producerOnly);
  }
  container.load(...parts.plugins.map((plugin) => plugin.module(parts.config)));
  container.load(...parts.modules);
  return container;
}

function coreModule(parts: GraphParts): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.DaemonName).toConstantValue(parts.daemonName);
    bind(TOKENS.Logger).toConstantValue(parts.logger);
    for (const [sectionClass, values] of parts.config.sections) bind(sectionClass).toConstantValue(values);
    // Bound by class too, so the daemon can resolve each one by name at start (see resolveOrExplain).
    for (const middleware of parts.middleware) {
      bind(middleware).toSelf();
      bind(TOKENS.Middleware).toService(middleware);
    }
    bind(OutcomeCounter).toSelf();
    bind(DaemonStatus).toSelf();
    bind(SchemaRegistry).toDynamicValue(
      () => new SchemaRegistry([...parts.schemas, ...schemasOf(parts.handlers)]),
    );
    bind(MessageCodec).toDynamicValue((context) => new MessageCodec(context.get(SchemaRegistry)));
    bind(DestinationRouter).toDynamicValue((context) => {
      const others = parts.otherTransports.map(({ name }) => {
        const token = transportProducerToken(name);
        return [name, () => context.get<TransportProducer | undefined>(token, { optional: true })] as const;
      });
      return new DestinationRouter(
        parts.transport.name,
        context.get<TransportProducer>(TOKENS.TransportProducer),
        new Map(others),
      );
    });
    bind(Producer).toDynamicValue(
      (context) =>
        new Producer(
          context.get(DestinationRouter),
          context.get(MessageCodec),
          context.get(ConsumerConfig).initialTtl,
          context.getAll<OutgoingAttributeSource>(TOKENS.OutgoingAttributes, { optional: true }),
        ),
    );
    bind(HandlerRegistry).toDynamicValue(() => new HandlerRegistry([]));
    bind(MessagePipeline).toDynamicValue((context) =>
      buildPipeline({
        config: context.get(ConsumerConfig),
        codec: context.get(MessageCodec),
        handlers: context.get(HandlerRegistry),
        producer: context.get(Producer),
        middleware: context.getAll<Middleware>(TOKENS.Middleware, { optional: true }),
      }),
    );
    bind(ConsumerRunner).toDynamicValue(
      (context) =>
        new ConsumerRunner(
          context.get<Transport>(TOKENS.Transport),
          context.get(MessagePipeline),
          context.get(ConsumerConfig),
          context.get<Logger>(TOKENS.Logger),
          context.get(OutcomeCounter),
          context.get(DaemonStatus),
        ),
    );
  });
}

/** Handlers are resolved after every module is loaded, so their collaborators may come from any module. */
export function bindHandlerRegistry(container: Container, handlers: readonly HandlerTarget[]): void {
  const registry = new HandlerRegistry(bindHandlers(container, handlers));
  container.unbind(HandlerRegistry);
  container.bind(HandlerRegistry).toConstantValue(registry);
}
