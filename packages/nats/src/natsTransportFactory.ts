import {
  ConsumerConfig,
  ContainerModule,
  TOKENS,
  transportProducerToken,
  type ContainerModuleLoadOptions,
  type LoadedConfig,
  type TransportFactory,
} from '@switchyard/core';
import type { Logger } from 'pino';
import { NatsClient } from './NatsClient.js';
import { NatsConfig } from './NatsConfig.js';
import { NatsProducer } from './NatsProducer.js';
import { NatsTransport } from './NatsTransport.js';
import { durableFor } from './names.js';

/** The daemon's one NATS connection, shared by the transport and the producer (bound so tests can reach it). */
export const NATS_CLIENT = Symbol.for('switchyard.nats.Client');
const NATS_PRODUCER = Symbol.for('switchyard.nats.Producer');

/**
 * NATS JetStream: selected when `nats.servers` is set (`--nats-servers`); binds the transport (a
 * durable pull consumer, checked at start) and the producer (publish acks, Nats-Msg-Id).
 */
export const natsTransportFactory: TransportFactory = {
  name: 'nats',
  configSections: [NatsConfig],
  flags: [
    {
      flags: '--nats-servers <list>',
      description: 'NATS servers, host:port,…',
      configKey: 'nats.servers',
    },
    { flags: '--stream <name>', description: 'JetStream stream to consume', configKey: 'nats.stream' },
    {
      flags: '--subject <subject>',
      description: "the consumer's filter subject; the producer's default",
      configKey: 'nats.subject',
    },
    {
      flags: '--durable <name>',
      description: 'durable pull consumer (default: the daemon name)',
      configKey: 'nats.durable',
    },
    { flags: '--nats-mode <mode>', description: 'keyed | in-order | unordered', configKey: 'nats.mode' },
  ],
  isSelected: (config: LoadedConfig) => config.get(NatsConfig).servers !== '',
  // A daemon consuming elsewhere publishes here (`nats:subject`) when it has servers.
  producerModule: (config: LoadedConfig) =>
    config.get(NatsConfig).servers === ''
      ? undefined
      : new ContainerModule((options) => {
          bindProducer(options, config.get(NatsConfig));
          options.bind(transportProducerToken('nats')).toService(NATS_PRODUCER);
        }),
  module: (config: LoadedConfig) =>
    new ContainerModule((options) => {
      const { bind } = options;
      const settings = config.get(NatsConfig);
      bindProducer(options, settings);
      bind(TOKENS.TransportProducer).toService(NATS_PRODUCER);
      bind(TOKENS.Transport).toDynamicValue((context) => {
        const consumer = context.get(ConsumerConfig);
        const client = context.get<NatsClient>(NATS_CLIENT);
        return new NatsTransport(
          client,
          settings,
          {
            durable: settings.durable || durableFor(context.get<string>(TOKENS.DaemonName)),
            maxAttempts: consumer.maxAttempts,
            prefetch: Math.min(consumer.concurrency, 1024),
            releaseClient: client.use(),
          },
          context.get<Logger>(TOKENS.Logger).child({ transport: 'nats' }),
        );
      });
    }),
};

/** The shared connection and the producer on it. */
function bindProducer({ bind }: ContainerModuleLoadOptions, settings: NatsConfig): void {
  bind(NATS_CLIENT).toDynamicValue(
    (context) =>
      new NatsClient(
        settings,
        context.get<string>(TOKENS.DaemonName),
        context.get<Logger>(TOKENS.Logger).child({ transport: 'nats' }),
      ),
  );
  bind(NATS_PRODUCER).toDynamicValue((context) => {
    return new NatsProducer(context.get<NatsClient>(NATS_CLIENT), {
      defaultSubject: settings.produceSubject || (/[*>]/.test(settings.subject) ? '' : settings.subject),
      routes: parseRoutes(settings.subjectRoutes),
      publishTimeoutMs: settings.publishTimeoutMs,
    });
  });
}

function parseRoutes(pairs: readonly string[]): Record<string, string> {
  const routes: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.lastIndexOf('=');
    if (equals <= 0) throw new Error(`nats.subjectRoutes: "${pair}" is not media/type=subject`);
    routes[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return routes;
}
