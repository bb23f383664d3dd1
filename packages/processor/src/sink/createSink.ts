import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { MemoryProducer, type MemoryBroker, type TransportProducer } from '@switchyard/core';
import { createKafkaClient, KafkaConfig, KafkaProducer } from '@switchyard/kafka';
import { NatsClient, NatsConfig, NatsProducer } from '@switchyard/nats';
import { SnsProducer, SqsProducer } from '@switchyard/sqs';
import type { Logger } from 'pino';
import type { SinkConfig } from '../config/ProcessorConfig.js';
import { HttpSink } from './HttpSink.js';

export interface SinkParts {
  readonly daemonName: string;
  readonly logger: Logger;
  /** The daemon's embedded bus, for the memory sink. */
  readonly broker: MemoryBroker;
}

/** The producer the handler's records go to; `undefined` for `kind: none`. */
export function createSink(config: SinkConfig, parts: SinkParts): TransportProducer | undefined {
  switch (config.kind) {
    case 'kafka': {
      // Its own client: the sink's brokers need not be the source's.
      const settings = Object.assign(new KafkaConfig(), { brokers: config.brokers.join(',') });
      const client = createKafkaClient(
        settings,
        `${parts.daemonName}-sink`,
        parts.logger.child({ sink: 'kafka' }),
      );
      return new KafkaProducer(client, { defaultTopic: config.topic, routes: {} });
    }
    case 'sqs': {
      const client = new SQSClient(awsOptions(config));
      return new SqsProducer(client, {}, config.queueUrl, async () => client.destroy());
    }
    case 'sns':
      return new SnsProducer(new SNSClient(awsOptions(config)), {}, config.topicArn);
    case 'nats': {
      // Its own connection: the sink's servers need not be the source's.
      const settings = Object.assign(new NatsConfig(), { servers: config.servers.join(',') });
      const client = new NatsClient(
        settings,
        `${parts.daemonName}-sink`,
        parts.logger.child({ sink: 'nats' }),
      );
      return new NatsProducer(client, {
        defaultSubject: config.subject,
        routes: {},
        publishTimeoutMs: settings.publishTimeoutMs,
      });
    }
    case 'http':
      return new HttpSink(config.url, config.headers, config.timeoutMs);
    case 'memory':
      return new MemoryProducer(parts.broker, config.queue);
    case 'none':
      return undefined;
  }
}

function awsOptions(config: { endpoint: string; region: string }): { endpoint?: string; region?: string } {
  return {
    endpoint: config.endpoint || undefined,
    // A local server accepts any region; the SDK still insists on one.
    region: config.region || (config.endpoint ? 'us-east-1' : undefined),
  };
}
