import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { ContainerModule, createLogger, MemoryBroker, type RunningDaemon } from '@switchyard/core';
import { createKafkaClient, KafkaConfig, kafkaTransportFactory } from '@switchyard/kafka';
import { natsTransportFactory } from '@switchyard/nats';
import { createBus, memoryWire, type ApiDaemon, type Bus, type RpcWire } from '@switchyard/rpc';
import { kafkaWire } from '@switchyard/rpc/kafka';
import { natsWire } from '@switchyard/rpc/nats';
import { sqsWire } from '@switchyard/rpc/sqs';
import { createSqsClient, SqsConfig, sqsTransportFactory } from '@switchyard/sqs';
import type { ServiceOptions } from './services.js';

/** Where the services run and how a client reaches them. */
export interface Placement {
  readonly label: string;
  /** What each service needs to run there (its transports). */
  readonly services: ServiceOptions;
  /** Starts a service there, with `argv` added to its flags. */
  start(service: ApiDaemon, argv: readonly string[]): Promise<RunningDaemon>;
  /** A client-only bus there (a script, a web server); `close` closes it and its wire. */
  client(): Promise<Client>;
}

export interface Client {
  readonly bus: Bus;
  close(): Promise<void>;
}

/** A bus on `wire`; closing it closes the wire too (the bus closes only its reply channel). */
async function clientOn(wire: RpcWire): Promise<Client> {
  const bus = await createBus({ wire });
  return {
    bus,
    close: async () => {
      await bus.close();
      await wire.close();
    },
  };
}

/** How loud the client's wire and the placement's own setup calls log. */
export interface PlacementOptions {
  /** A pino level (default `warn`; `silent` in the tests). */
  readonly logLevel?: string;
}

const loggerOf = ({ logLevel = 'warn' }: PlacementOptions) => createLogger('rpc-example', logLevel, 'json');

/** How long an idle receive waits on the embedded bus (a send wakes it at once). */
const MEMORY_WAIT_MS = 50;

/** Both services and the client in this process, on one embedded bus. */
export function onEmbeddedBus(): Placement {
  const broker = new MemoryBroker();
  const shared = new ContainerModule(({ rebind }) => void rebind(MemoryBroker).toConstantValue(broker));
  return {
    label: 'the embedded bus',
    services: {},
    start: (service, argv) =>
      service.start({
        argv: ['--set', `memory.waitMs=${MEMORY_WAIT_MS}`, ...argv],
        env: process.env,
        modules: [shared],
      }),
    client: () => clientOn(memoryWire(broker, MEMORY_WAIT_MS)),
  };
}

/**
 * On NATS JetStream at `servers` (`host:port`): each service consumes a stream of its own
 * (`RPC_EXAMPLE_<SERVICE>`, created at start), its API's calls and its listeners' events travel
 * on the RPC wire's streams, replies on core NATS.
 */
export function onNats(servers: string, options: PlacementOptions = {}): Placement {
  return {
    label: `NATS at ${servers}`,
    services: { transports: [natsTransportFactory] },
    start: (service, argv) =>
      service.start({
        argv: [
          ...['--nats-servers', servers, '--stream', `RPC_EXAMPLE_${service.name.toUpperCase()}`],
          ...['--subject', `rpc-example.${service.name}`, '--durable', service.name],
          ...['--set', 'nats.createStream=true', '--set', 'nats.createConsumer=true'],
          ...argv,
        ],
        env: process.env,
      }),
    client: async () =>
      clientOn(await natsWire({ servers, name: 'rpc-example-client', logger: loggerOf(options) })),
  };
}

/** The main topic or queue of a service: it receives nothing here (calls and events use the wire's). */
const mainOf = (service: ApiDaemon): string => `rpc-example-${service.name}`;

/**
 * On Kafka at `brokers` (`host:port`, comma-separated): each service consumes a main topic of its
 * own (`rpc-example-<service>`, created here if missing: a daemon does not create its source) in
 * group `rpc-example.<service>`; its API's calls and its listeners' events travel on the Kafka
 * wire's topics, replies on each caller's own reply topic.
 */
export function onKafka(brokers: string, options: PlacementOptions = {}): Placement {
  return {
    label: `Kafka at ${brokers}`,
    services: { transports: [kafkaTransportFactory] },
    start: async (service, argv) => {
      const topic = await createTopic(brokers, mainOf(service), options);
      return service.start({
        argv: [
          ...['--kafka-brokers', brokers, '--topic', topic, '--group-id', `rpc-example.${service.name}`],
          ...argv,
        ],
        env: process.env,
      });
    },
    client: async () =>
      clientOn(await kafkaWire({ brokers, clientId: 'rpc-example-client', logger: loggerOf(options) })),
  };
}

async function createTopic(brokers: string, topic: string, options: PlacementOptions): Promise<string> {
  const config = Object.assign(new KafkaConfig(), { brokers });
  const admin = createKafkaClient(config, 'rpc-example-setup', loggerOf(options)).admin();
  await admin.connect();
  try {
    // false (not an error) when the topic is there already.
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/**
 * How events reach the listeners on SQS: `sns` (a topic per event, one subscribed queue per
 * listener; fauxqs or AWS) or `sqs` (the wire sends to each listener queue itself; ElasticMQ has no SNS).
 */
export type SqsEvents = 'sns' | 'sqs';

export interface SqsPlacementOptions extends PlacementOptions {
  /** Default `sqs`. */
  readonly events?: SqsEvents;
}

/**
 * On SQS at `endpoint` (a local server's URL, e.g. ElasticMQ's `http://127.0.0.1:9324`): each
 * service consumes a main queue of its own (`rpc-example-<service>`, created here if missing); its
 * API's calls and its listeners' events travel on the SQS wire's queues, replies on each caller's
 * reply queue (created at start, removed at stop). Credentials come from the AWS SDK's usual chain
 * (a local server takes any).
 */
export function onSqs(endpoint: string, options: SqsPlacementOptions = {}): Placement {
  const events = options.events ?? 'sqs';
  const settings = Object.assign(new SqsConfig(), { endpointUrl: endpoint });
  return {
    label: `SQS at ${endpoint} (events through ${events})`,
    services: { transports: [sqsTransportFactory] },
    start: async (service, argv) => {
      const queueUrl = await createQueue(settings, mainOf(service));
      return service.start({
        argv: [
          ...['--queue-url', queueUrl, '--endpoint-url', endpoint],
          ...(events === 'sns' ? ['--set', 'sqs.producer=sns'] : []),
          ...argv,
        ],
        env: process.env,
      });
    },
    client: async () =>
      clientOn(sqsWire({ sqs: { endpointUrl: endpoint }, events, logger: loggerOf(options) })),
  };
}

async function createQueue(settings: SqsConfig, name: string): Promise<string> {
  const sqs = createSqsClient(settings);
  try {
    // Answers the existing queue's URL when it is there already.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (QueueUrl === undefined)
      throw new Error(`creating queue ${name} at ${settings.endpointUrl} gave no URL`);
    return QueueUrl;
  } finally {
    sqs.destroy();
  }
}
