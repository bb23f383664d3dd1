import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
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
import { createSnsClient, createSqsClient } from './clients.js';
import { SnsProducer } from './SnsProducer.js';
import { SqsConfig } from './SqsConfig.js';
import { SqsProducer } from './SqsProducer.js';
import { SharedClient } from './SharedClient.js';
import { SqsTransport } from './SqsTransport.js';

/** Which producer `produce` uses: `auto` means SNS once a topic is configured, else SQS. */
export function producerKind(config: SqsConfig): 'sns' | 'sqs' {
  if (config.producer !== 'auto') return config.producer;
  return config.topicArn !== '' || Object.keys(config.topicArns).length > 0 ? 'sns' : 'sqs';
}

/**
 * SQS consumer with SNS or SQS producer. List it in the daemon: `readonly transports =
 * [sqsTransportFactory]`; it is used when `sqs.queueUrl` is set (`--queue-url`). The SDK clients
 * are bound as `SQSClient` and `SNSClient`, so a test can rebind them.
 */
export const sqsTransportFactory: TransportFactory = {
  name: 'sqs',
  configSections: [SqsConfig],
  flags: [
    {
      flags: '--queue-url <url>',
      description: 'SQS queue to consume',
      configKey: 'sqs.queueUrl',
      aliases: ['--sqs-queue-url <url>'],
    },
    {
      flags: '--endpoint-url <url>',
      description: 'SQS/SNS endpoint of a compatible server (ElasticMQ, fauxqs); default AWS',
      configKey: 'sqs.endpointUrl',
    },
    { flags: '--region <region>', description: 'AWS region', configKey: 'sqs.region' },
  ],
  isSelected: (config: LoadedConfig) => config.get(SqsConfig).queueUrl !== '',
  // A daemon consuming elsewhere publishes here (`sqs:queue-name`) once SQS/SNS settings are given.
  producerModule: (config: LoadedConfig) =>
    canPublish(config.get(SqsConfig))
      ? new ContainerModule((options) => {
          bindProducer(options, config.get(SqsConfig));
          options.bind(transportProducerToken('sqs')).toService(SQS_PRODUCER);
        })
      : undefined,
  module: (config: LoadedConfig) =>
    new ContainerModule((options) => {
      const { bind } = options;
      const settings = config.get(SqsConfig);
      bindProducer(options, settings);
      bind(TOKENS.TransportProducer).toService(SQS_PRODUCER);
      bind(TOKENS.Transport).toDynamicValue(
        (context) =>
          new SqsTransport(
            context.get(SQSClient),
            settings,
            context.get<Logger>(TOKENS.Logger).child({ transport: 'sqs' }),
            context.get(ConsumerConfig).batchSize,
            context.get<SharedClient>(SQS_CLIENT_USERS).use(),
            context.get(ConsumerConfig).backoffMaxSeconds,
          ),
      );
    }),
};

const SQS_PRODUCER = Symbol.for('switchyard.sqs.Producer');
// Count the transport and producer on each SDK client, which the last of them to close destroys.
const SQS_CLIENT_USERS = Symbol.for('switchyard.sqs.SqsClientUsers');
const SNS_CLIENT_USERS = Symbol.for('switchyard.sqs.SnsClientUsers');

function canPublish(settings: SqsConfig): boolean {
  return settings.endpointUrl !== '' || settings.region !== '' || settings.producer !== 'auto';
}

/** The SDK clients and the SNS or SQS producer on them. */
function bindProducer({ bind }: ContainerModuleLoadOptions, settings: SqsConfig): void {
  bind(SQSClient).toDynamicValue(() => createSqsClient(settings));
  bind(SNSClient).toDynamicValue(() => createSnsClient(settings));
  bind(SQS_CLIENT_USERS).toDynamicValue((context) => new SharedClient(context.get(SQSClient)));
  bind(SNS_CLIENT_USERS).toDynamicValue((context) => new SharedClient(context.get(SNSClient)));
  bind(SQS_PRODUCER).toDynamicValue((context) =>
    producerKind(settings) === 'sns'
      ? new SnsProducer(
          context.get(SNSClient),
          settings.topicArns,
          settings.topicArn,
          context.get<SharedClient>(SNS_CLIENT_USERS).use(),
        )
      : new SqsProducer(
          context.get(SQSClient),
          settings.queueUrls,
          settings.producerQueueUrl || settings.queueUrl,
          context.get<SharedClient>(SQS_CLIENT_USERS).use(),
        ),
  );
}
