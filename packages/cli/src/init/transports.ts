/** What `--transport` may name; without it the project gets SQS and Kafka (and the embedded bus). */
export const TRANSPORT_CHOICES = ['sqs', 'kafka', 'nats', 'memory'] as const;
export type TransportChoice = (typeof TRANSPORT_CHOICES)[number];

/** A transport package the generated daemon lists, and how its README and .env.example describe it. */
export interface TransportPackage {
  readonly id: 'sqs' | 'kafka' | 'nats';
  readonly packageName: string;
  readonly factory: string;
  /** How the daemon's comment says it is selected. */
  readonly selectedBy: string;
}

const PACKAGES: Readonly<Record<TransportPackage['id'], TransportPackage>> = {
  sqs: {
    id: 'sqs',
    packageName: '@switchyard/sqs',
    factory: 'sqsTransportFactory',
    selectedBy: 'SQS with --queue-url',
  },
  kafka: {
    id: 'kafka',
    packageName: '@switchyard/kafka',
    factory: 'kafkaTransportFactory',
    selectedBy: 'Kafka with --kafka-brokers',
  },
  nats: {
    id: 'nats',
    packageName: '@switchyard/nats',
    factory: 'natsTransportFactory',
    selectedBy: 'NATS JetStream with --nats-servers',
  },
};

/** The transport packages for a `--transport` choice: none for memory, SQS and Kafka by default. */
export function transportPackages(choice: TransportChoice | undefined): TransportPackage[] {
  if (choice === undefined) return [PACKAGES.sqs, PACKAGES.kafka];
  if (choice === 'memory') return [];
  return [PACKAGES[choice]];
}

export function isTransportChoice(value: string): value is TransportChoice {
  return (TRANSPORT_CHOICES as readonly string[]).includes(value);
}
