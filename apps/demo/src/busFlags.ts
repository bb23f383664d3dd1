import { ensureTopics } from './kafkaTopics.js';
import { ensureQueues } from './sqsQueues.js';

/** Where the stops run: the embedded bus, Kafka (a topic and a group per stop), or SQS (a queue per stop). */
export type DemoBus =
  { kind: 'memory' } | { kind: 'kafka'; brokers: string } | { kind: 'sqs'; endpointUrl?: string };

/** Each stop's transport flags; the demo creates the topics or queues it needs first. */
export async function flagsPerStop(bus: DemoBus, stops: readonly string[]): Promise<Map<string, string[]>> {
  if (bus.kind === 'memory') return new Map();
  if (bus.kind === 'kafka') {
    await ensureTopics(bus.brokers, stops);
    const kafka = (stop: string): string[] => [
      ...['--kafka-brokers', bus.brokers, '--topic', stop, '--group-id', `demo.${stop}`, '--from-beginning'],
    ];
    return new Map(stops.map((stop) => [stop, kafka(stop)]));
  }
  const queues = await ensureQueues(stops, bus.endpointUrl);
  const endpoint = bus.endpointUrl === undefined ? [] : ['--endpoint-url', bus.endpointUrl];
  // Forwarding names the next stop; the SQS producer resolves that queue name to its URL.
  const sqs = (queueUrl: string, deadLetterQueueUrl: string): string[] => [
    ...['--queue-url', queueUrl, ...endpoint, '--set', `sqs.deadLetterQueueUrl=${deadLetterQueueUrl}`],
    ...['--set', 'sqs.producer=sqs'],
  ];
  return new Map([...queues].map(([stop, urls]) => [stop, sqs(urls.queueUrl, urls.deadLetterQueueUrl)]));
}
