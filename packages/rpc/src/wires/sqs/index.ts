import { ConsumerConfig, TOKENS, type Container } from '@switchyard/core';
import { producerKind, SqsConfig } from '@switchyard/sqs';
import type { RpcWire } from '../../wire/RpcWire.js';
import { sqsWire, type SqsWireLogger } from './sqsWire.js';

export { sqsWire, METHODS_TAG, type SqsWireLogger, type SqsWireOptions } from './sqsWire.js';
export { deadLetterQueueName } from './names.js';

/**
 * The wire of a daemon on SQS, from its `sqs` config section (endpoint, region, polling) and its
 * logger. Events go through SNS when the daemon's producer is SNS (`sqs.producer=sns`, or a topic
 * configured), else straight to the listener queues.
 */
export async function daemonWire(container: Container): Promise<RpcWire> {
  const settings = container.get(SqsConfig);
  const consumer = container.get(ConsumerConfig);
  return sqsWire({
    sqs: settings,
    events: producerKind(settings),
    logger: container.get<SqsWireLogger>(TOKENS.Logger).child({ wire: 'sqs' }),
    batchSize: consumer.batchSize,
    keptVisibilitySeconds: consumer.backoffMaxSeconds,
  });
}
