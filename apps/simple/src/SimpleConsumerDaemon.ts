import { ConsumerDaemon } from '@switchyard/core';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { healthPlugin } from '@switchyard/observability';
import { sqsTransportFactory } from '@switchyard/sqs';
import { SimpleHandler } from './SimpleHandler.js';

export class SimpleConsumerDaemon extends ConsumerDaemon {
  readonly name = 'simple-consumer';
  override readonly handlers = [SimpleHandler];
  // SQS with --queue-url, Kafka with --kafka-brokers, else the embedded in-memory bus.
  override readonly transports = [sqsTransportFactory, kafkaTransportFactory];
  override readonly plugins = [healthPlugin];
}
