import type { ProcessorConfig } from '../config/ProcessorConfig.js';

/**
 * The daemon settings (`section.key=value`, as `--set` takes them) that make the configured source
 * the daemon's transport, and size the daemon for the pool. The daemon validates them as it
 * validates any daemon's config; `--set` given on the command line comes after and wins.
 */
export function daemonSettings(config: ProcessorConfig): string[] {
  const { processor, source } = config;
  const settings: string[] = [];
  switch (source.kind) {
    case 'kafka':
      settings.push(
        'daemon.transport=kafka',
        `kafka.brokers=${source.brokers.join(',')}`,
        `kafka.topics=${source.topics.join(',')}`,
        `kafka.groupId=${source.consumerGroup || `${config.name}.processor`}`,
        // A processor's group is the config's (bruco's names like my-consumer-group), not a service's.
        'kafka.groupNamePattern=^.+$',
        `kafka.fromBeginning=${source.offset === 'earliest'}`,
        `kafka.mode=${processor.mode}`,
      );
      if (source.deadLetterTopic !== '') settings.push(`kafka.deadLetterTopic=${source.deadLetterTopic}`);
      break;
    case 'sqs':
      settings.push('daemon.transport=sqs', `sqs.queueUrl=${source.queueUrl}`);
      if (source.endpoint !== '') settings.push(`sqs.endpointUrl=${source.endpoint}`);
      if (source.region !== '') settings.push(`sqs.region=${source.region}`);
      if (source.deadLetterQueueUrl !== '')
        settings.push(`sqs.deadLetterQueueUrl=${source.deadLetterQueueUrl}`);
      break;
    case 'nats':
      settings.push(
        'daemon.transport=nats',
        `nats.servers=${source.servers.join(',')}`,
        `nats.stream=${source.stream}`,
        `nats.mode=${processor.mode}`,
        `nats.createStream=${source.createStream}`,
        `nats.createConsumer=${source.createConsumer}`,
      );
      if (source.subject !== '') settings.push(`nats.subject=${source.subject}`);
      if (source.durable !== '') settings.push(`nats.durable=${source.durable}`);
      break;
    case 'http':
      settings.push('daemon.transport=http');
      break;
    case 'memory':
      settings.push('daemon.transport=memory', `memory.queue=${source.queue}`);
      break;
  }
  // The bounded queue between source and pool: the daemon holds at most this many messages, and
  // every one of them is either in a worker or waiting for one.
  settings.push(`consumer.concurrency=${processor.queueSize}`);
  // The pool's timeout stops a stuck worker first; the daemon's covers the sink's publish as well.
  settings.push(`consumer.handlerTimeoutMs=${processor.timeoutMs + 60_000}`);
  for (const [key, value] of Object.entries(config.consumer))
    settings.push(`consumer.${key}=${String(value)}`);
  return settings;
}
