import {
  ContainerModule,
  TOKENS,
  transportProducerToken,
  type ContainerModuleLoadOptions,
  type LoadedConfig,
  type TransportFactory,
} from '@switchyard/core';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { ConsumerSession } from './ConsumerSession.js';
import { createKafkaClient } from './kafkaClient.js';
import { KafkaConfig } from './KafkaConfig.js';
import { instanceAssigner } from './instanceIdentity.js';
import { KafkaError, KafkaErrorCodes } from './errors.js';
import { KafkaProducer } from './KafkaProducer.js';
import { KafkaTransport } from './KafkaTransport.js';
import { checkTopics, resolveGroupId } from './preflight.js';

/** The daemon's one kafkajs client (bound so tests can reach it). */
export const KAFKA_CLIENT = Symbol.for('switchyard.kafka.Client');

/** Kafka: selected when `kafka.brokers` is set; binds the transport, the producer and a start-up hook. */
export const kafkaTransportFactory: TransportFactory = {
  name: 'kafka',
  configSections: [KafkaConfig],
  flags: [
    {
      flags: '--kafka-brokers <list>',
      description: 'Kafka brokers, host:port,…',
      configKey: 'kafka.brokers',
    },
    {
      flags: '--topic <topic>',
      description: 'topic to consume',
      configKey: 'kafka.topics',
      repeatable: true,
    },
    { flags: '--group-id <id>', description: 'consumer group (service.group)', configKey: 'kafka.groupId' },
    { flags: '--mode <mode>', description: 'keyed | in-order | unordered', configKey: 'kafka.mode' },
    {
      flags: '--from-beginning',
      description: 'a new group starts at the earliest offset',
      configKey: 'kafka.fromBeginning',
    },
  ],
  isSelected: (config: LoadedConfig) => config.get(KafkaConfig).brokers !== '',
  // A daemon consuming elsewhere publishes here (`kafka:topic`) when it has brokers.
  producerModule: (config: LoadedConfig) =>
    config.get(KafkaConfig).brokers === ''
      ? undefined
      : new ContainerModule((options) => {
          bindProducer(options, config.get(KafkaConfig));
          options.bind(transportProducerToken('kafka')).toService(KafkaProducer);
        }),
  module: (config: LoadedConfig) =>
    new ContainerModule((options) => {
      const { bind } = options;
      const settings = config.get(KafkaConfig);
      const deadLetterTopicFor = (topic: string): string => settings.deadLetterTopic || `${topic}.dlt`;
      bindProducer(options, settings);
      bind(TOKENS.TransportProducer).toService(KafkaProducer);
      bind(KafkaTransport).toDynamicValue((context) => {
        const kafka = context.get<Kafka>(KAFKA_CLIENT);
        const logger = context.get<Logger>(TOKENS.Logger).child({ transport: 'kafka' });
        const groupId = resolveGroupId(
          settings.groupId,
          settings.groupNamePattern,
          context.get(TOKENS.DaemonName),
        );
        return new KafkaTransport(
          (listener) =>
            new ConsumerSession(
              kafka,
              {
                topics: settings.topics,
                fromBeginning: settings.fromBeginning,
                stallTimeoutMs: settings.stallTimeoutMs,
                revokeDrainMs: settings.effectiveRevokeDrainMs,
                instanceId: settings.instanceId,
                consumer: {
                  groupId,
                  sessionTimeout: settings.sessionTimeoutMs,
                  heartbeatInterval: settings.heartbeatIntervalMs,
                  maxWaitTimeInMs: settings.maxWaitTimeMs,
                  maxBytesPerPartition: settings.maxBytesPerPartition,
                  retry: { retries: 8 },
                  ...(settings.instanceId === ''
                    ? {}
                    : { partitionAssigners: [instanceAssigner(settings.instanceId)] }),
                },
              },
              listener,
              logger,
            ),
          context.get(KafkaProducer),
          {
            mode: settings.mode,
            maxBuffered: settings.maxBuffered,
            maxBufferedBytes: settings.maxBufferedBytes,
            maxBytesPerPartition: settings.maxBytesPerPartition,
            commitIntervalMs: settings.commitIntervalMs,
            commitDelayMs: settings.commitDelayMs,
            deadLetterTopicFor,
            preflight: () =>
              checkTopics(
                kafka,
                { topics: settings.topics, deadLetterTopic: settings.deadLetterTopic, deadLetterTopicFor },
                logger,
                settings.brokers.split(',')[0]?.trim(),
              ),
          },
          logger,
        );
      });
      // Core awaits the transport's start() (topic and group checks) and closes the producer at stop.
      bind(TOKENS.Transport).toService(KafkaTransport);
    }),
};

/** The kafkajs client and the producer on it. */
function bindProducer({ bind }: ContainerModuleLoadOptions, settings: KafkaConfig): void {
  bind(KAFKA_CLIENT).toDynamicValue((context) =>
    createKafkaClient(
      settings,
      settings.clientId || context.get<string>(TOKENS.DaemonName),
      context.get<Logger>(TOKENS.Logger),
    ),
  );
  bind(KafkaProducer).toDynamicValue(
    (context) =>
      new KafkaProducer(context.get<Kafka>(KAFKA_CLIENT), {
        defaultTopic: settings.produceTopic || settings.topics[0] || '',
        routes: parseRoutes(settings.topicRoutes),
      }),
  );
}

function parseRoutes(pairs: readonly string[]): Record<string, string> {
  const routes: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.lastIndexOf('=');
    if (equals <= 0)
      throw new KafkaError(
        KafkaErrorCodes.TOPIC_ROUTE_INVALID,
        `kafka.topicRoutes entry "${pair}" is not media/type=topic: write it as e.g. "application/vnd.order+json=orders"`,
      );
    routes[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return routes;
}
