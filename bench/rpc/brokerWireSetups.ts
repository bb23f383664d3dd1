import { randomUUID } from 'node:crypto';
import { kafkaTransportFactory } from '@switchyard/kafka';
import { kafkaWire } from '@switchyard/rpc/kafka';
import { sqsWire } from '@switchyard/rpc/sqs';
import { sqsTransportFactory } from '@switchyard/sqs';
import { createTopic } from '../../test/kafka/support.js';
import { createQueue, sqsClient } from '../../test/sqs/support.js';
import type { WireSetup } from './switchyardSide.js';

/**
 * switchyard on Kafka: a daemon consuming a main topic of its own (it serves only BenchApi's
 * calls, on the wire's request topic `rpc.bench`), a client wire of its own kafkajs client.
 */
export async function kafkaSetup(brokers: string): Promise<WireSetup> {
  const topic = await createTopic(brokers);
  return {
    argv: [
      ...[
        '--kafka-brokers',
        brokers,
        '--topic',
        topic,
        '--group-id',
        `bench-rpc.${randomUUID().slice(0, 8)}`,
      ],
      // As the Kafka suite runs its RPC daemons: an idle fetch waits 100 ms at most.
      ...['--set', 'kafka.maxWaitTimeMs=100'],
    ],
    transports: [kafkaTransportFactory],
    clientWire: () => kafkaWire({ brokers, clientId: 'bench-rpc-client' }),
  };
}

/**
 * switchyard on SQS (ElasticMQ): a daemon on a main queue of its own, calls on the wire's request
 * queue `rpc-bench`, replies long-polled from the client's reply queue (1 s polls, as the SQS suite).
 */
export async function sqsSetup(endpoint: string): Promise<WireSetup> {
  const main = await createQueue(sqsClient(endpoint), 'bench-rpc-main');
  return {
    argv: [
      ...['--queue-url', main, '--endpoint-url', endpoint, '--set', 'sqs.waitTimeSeconds=1'],
      ...['--set', 'sqs.producer=sqs'],
    ],
    transports: [sqsTransportFactory],
    clientWire: async () => sqsWire({ sqs: { endpointUrl: endpoint, waitTimeSeconds: 1 }, events: 'sqs' }),
  };
}
