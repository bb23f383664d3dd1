import { ConsumerDaemon } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { healthPlugin, tracingPlugin } from '@switchyard/observability';
import { sentryPlugin } from '@switchyard/sentry';
import { sqsTransportFactory } from '@switchyard/sqs';
import { SimpleHandler } from './SimpleHandler.js';

export class SimpleConsumerDaemon extends ConsumerDaemon {
  readonly name = 'simple-consumer';
  override readonly handlers = [SimpleHandler];
  // SQS with --queue-url, Kafka with --kafka-brokers, else the embedded in-memory bus.
  override readonly transports = [sqsTransportFactory, kafkaTransportFactory];
  // Each off until configured: --healthcheck-port, SIMPLE_CONSUMER__SENTRY__ENABLED, an OTel SDK.
  override readonly plugins = [healthPlugin, sentryPlugin, tracingPlugin];
}
